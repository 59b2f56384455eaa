"""The workspace's state: every record, its indexes, ids, the clock and shared lookups.

Resource behaviour lives in `people` (contacts, companies) and `support` (conversations,
tickets, messages, settings); this module holds what they share. Callers hold `lock`
around each operation, so any number of HTTP threads can share one workspace.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from .errors import ParameterInvalid, contact_not_found
from .inbox import Conversation, Ticket, TicketType
from .models import Admin, Company, Contact

WORKSPACE_ID = "sandboxws"

Clock = Callable[[], float]

_CUSTOM_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "integer": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "float": (lambda v: isinstance(v, int | float) and not isinstance(v, bool), "a number"),
    "boolean": (lambda v: isinstance(v, bool), "a boolean"),
    "date": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a Unix timestamp"),
}


class State:
    """Every record of the workspace, indexed the ways the API looks them up."""

    def __init__(self, clock: Clock | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or time.time
        self.admins: dict[str, Admin] = {}
        self.me_id = ""
        self.contacts: dict[str, Contact] = {}
        self.contact_by_email: dict[str, str] = {}
        self.contact_by_external_id: dict[str, str] = {}
        self.companies: dict[str, Company] = {}
        self.company_by_company_id: dict[str, str] = {}
        self.conversations: dict[str, Conversation] = {}
        self.tickets: dict[str, Ticket] = {}
        self.ticket_types: dict[str, TicketType] = {}
        self.data_attributes: list[dict[str, Any]] = []
        self._counters: dict[str, itertools.count] = {}

    def now(self) -> int:
        return int(self.clock())

    def next_number(self, kind: str, start: int = 1) -> int:
        counter = self._counters.setdefault(kind, itertools.count(start))
        return next(counter)

    def object_id(self, kind: str, prefix: str) -> str:
        """A 24-hex-digit id shaped like Intercom's contact and company ids."""
        return f"{prefix}{self.next_number(kind):016x}"

    def contact(self, contact_id: str) -> Contact:
        try:
            return self.contacts[contact_id]
        except KeyError:
            raise contact_not_found() from None

    def contact_reference(self, contact_id: str) -> dict[str, Any]:
        contact = self.contacts.get(contact_id)
        if contact is None:
            return {"type": "contact", "id": contact_id, "external_id": None}
        return contact.reference()

    def custom_attribute_kinds(self, model: str) -> dict[str, str]:
        return {
            each["name"]: each["data_type"]
            for each in self.data_attributes
            if each["model"] == model and each["custom"] and not each["archived"]
        }

    def check_custom_attributes(self, model: str, values: Mapping[str, Any]) -> dict[str, Any]:
        """Values for attributes the workspace defines, of their types; else 400 naming them."""
        kinds = self.custom_attribute_kinds(model)
        for name, value in values.items():
            if name not in kinds:
                raise ParameterInvalid(
                    f"Custom attribute '{name}' does not exist", field=f"custom_attributes.{name}"
                )
            test, expected = _CUSTOM_KINDS[kinds[name]]
            if value is not None and not test(value):
                raise ParameterInvalid(
                    f"Custom attribute '{name}' must be {expected}",
                    field=f"custom_attributes.{name}",
                )
        return dict(values)
