"""The workspace's state: every record, its indexes, ids and clock, and the lookups all share.

Each resource's behaviour lives in its own backend module (`contacts`, `companies`,
`conversations`, `tickets`, `messages`, `admins`); this module holds what they share.
Callers hold `lock` around each operation, so any number of HTTP threads can share one state.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from .errors import NotFound, ParameterInvalid
from .fields import KINDS
from .records import (
    ActivityLog,
    Admin,
    AppliedTag,
    AwayStatusReason,
    Call,
    Company,
    Contact,
    Conversation,
    DataAttribute,
    DataEvent,
    FinConversation,
    Job,
    Note,
    Segment,
    SubscriptionType,
    Tag,
    Team,
    Ticket,
    TicketType,
    Visitor,
)

Clock = Callable[[], float]
Listener = Callable[[str, Any], None]
R = TypeVar("R")
log = logging.getLogger(__name__)


def get_or_404(records: Mapping[str, R], record_id: str, missing: type[NotFound]) -> R:
    """The record with `record_id`, or the resource's own 404."""
    record = records.get(record_id)
    if record is None:
        raise missing()
    return record


class State:
    """Every record of the workspace, indexed the ways the API looks them up.

    `clock` gives the time in Unix seconds; every timestamp the workspace writes comes from it,
    so a test that passes its own clock can move the workspace through time.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self.lock = threading.RLock()
        self.clock: Clock = clock or time.time
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
        self.data_attributes: list[DataAttribute] = []
        self.teams: dict[str, Team] = {}
        self.tags: dict[str, Tag] = {}
        self.contact_tags: dict[tuple[str, str], AppliedTag] = {}
        self.notes: dict[str, Note] = {}
        self.events: dict[str, list[DataEvent]] = {}
        self.snoozed: set[str] = set()
        self.segments: dict[str, Segment] = {}
        self.subscription_types: dict[str, SubscriptionType] = {}
        self.visitors: dict[str, Visitor] = {}
        self.visitor_by_user_id: dict[str, str] = {}
        # Contact id -> event name -> (count, first, last), as `POST /events/summaries` sent.
        self.event_summaries: dict[str, dict[str, tuple[int, int, int]]] = {}
        self.listeners: list[Listener] = []
        # B: support
        self.away_status_reasons: dict[str, AwayStatusReason] = {}
        self.activity_logs: list[ActivityLog] = []
        self.jobs: dict[str, Job] = {}
        self.calls: dict[str, Call] = {}
        self.phone_redirects: list[str] = []
        self.fin_conversations: dict[str, FinConversation] = {}
        self._counters: dict[str, itertools.count[int]] = {}

    def now(self) -> int:
        return int(self.clock())

    def publish(self, topic: str, record: Any) -> None:
        """Tell every listener (a webhook sender) that `record` changed as `topic` names;
        a listener that fails is logged, never allowed to fail the request."""
        for listener in list(self.listeners):
            try:
                listener(topic, record)
            except Exception:
                log.exception("a state listener failed on %s", topic)

    def next_number(self, kind: str, start: int = 1) -> int:
        counter = self._counters.setdefault(kind, itertools.count(start))
        return next(counter)

    def object_id(self, kind: str, prefix: str) -> str:
        """A 24-hex-digit id shaped like Intercom's contact and company ids."""
        return f"{prefix}{self.next_number(kind):016x}"

    def check_custom_attributes(self, model: str, values: Mapping[str, Any]) -> None:
        """Values only for custom attributes the workspace defines, each of its data type (or
        null); else a 400 naming the attribute."""
        data_types = {
            each.name: each.data_type
            for each in self.data_attributes
            if each.model == model and each.custom and not each.archived
        }
        for name, value in values.items():
            field = f"custom_attributes.{name}"
            if name not in data_types:
                raise ParameterInvalid(f"Custom attribute '{name}' does not exist", field=field)
            kind = KINDS[data_types[name]]
            if value is not None and not kind.test(value):
                message = f"Custom attribute '{name}' must be {kind.expected}"
                raise ParameterInvalid(message, field=field)
