"""Ticket types, their attributes and the workspace's ticket states.

Types are frozen records: a change makes a new one that replaces the old everywhere (the
workspace's index and every ticket of that type), so the next ticket is checked against the
type as it is now, a new required attribute included.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .errors import NotFound, ParameterInvalid
from .records import TicketState, TicketType, TicketTypeAttribute
from .state import State, get_or_404

CATEGORIES = ("Customer", "Back-office", "Tracker")
DATA_TYPES = ("string", "list", "integer", "decimal", "boolean", "datetime", "files")
DEFAULT_ATTRIBUTES = (("_default_title_", True), ("_default_description_", False))


class TicketTypeNotFound(NotFound):
    """An unknown ticket type id."""

    message = "Ticket type not found"


class TicketTypeAttributeNotFound(NotFound):
    """An attribute id that is not one of the ticket type's."""

    message = "Ticket type attribute not found"


@dataclass(frozen=True)
class TicketTypeFields:
    """A ticket type's writable fields as a request gave them; None leaves one unchanged."""

    name: str | None = None
    description: str | None = None
    category: str | None = None
    icon: str | None = None
    is_internal: bool | None = None
    archived: bool | None = None


@dataclass(frozen=True)
class AttributeFields:
    """A ticket type attribute's fields as a request gave them; None leaves one unchanged."""

    name: str | None = None
    description: str | None = None
    data_type: str | None = None
    required_to_create: bool | None = None
    required_to_create_for_contacts: bool | None = None
    visible_on_create: bool | None = None
    visible_to_contacts: bool | None = None
    multiline: bool | None = None
    list_items: tuple[str, ...] | None = None
    allow_multiple_values: bool | None = None
    archived: bool | None = None


class TicketTypes:
    """The workspace's ticket types; every type shares the workspace's ticket states."""

    def __init__(self, state: State) -> None:
        self.state = state

    def all(self) -> list[TicketType]:
        return list(self.state.ticket_types.values())

    def get(self, type_id: str) -> TicketType:
        return get_or_404(self.state.ticket_types, type_id, TicketTypeNotFound)

    def create(self, fields: TicketTypeFields) -> TicketType:
        """A new type with Intercom's two default attributes and the workspace's states."""
        name = fields.name or ""
        self._check_unique(name, None)
        now = self.state.now()
        type_id = str(self.state.next_number("ticket_type", 2))
        attributes = tuple(
            TicketTypeAttribute(
                self._attribute_id(), attribute, "string", order, required, created_at=now
            )
            for order, (attribute, required) in enumerate(DEFAULT_ATTRIBUTES, 1)
        )
        ticket_type = TicketType(
            id=type_id,
            name=name,
            description=fields.description or "",
            icon=fields.icon or "🎟️",
            category=fields.category or "Customer",
            created_at=now,
            attributes=attributes,
            states=self.states(),
            is_internal=bool(fields.is_internal),
            updated_at=now,
        )
        self.state.ticket_types[type_id] = ticket_type
        return ticket_type

    def update(self, ticket_type: TicketType, fields: TicketTypeFields) -> TicketType:
        if fields.name is not None:
            self._check_unique(fields.name, ticket_type.id)
        changes = {
            name: value
            for name in ("name", "description", "category", "icon", "is_internal", "archived")
            if (value := getattr(fields, name)) is not None
        }
        return self._replace(ticket_type, **changes)

    def add_attribute(
        self, ticket_type: TicketType, fields: AttributeFields
    ) -> TicketTypeAttribute:
        name = fields.name or ""
        if name in ticket_type.attribute_names():
            message = f"An attribute named {name!r} already exists on this ticket type"
            raise ParameterInvalid(message, field="name")
        if fields.data_type == "list" and not fields.list_items:
            raise ParameterInvalid(
                "list_items is required for a list attribute", field="list_items"
            )
        now = self.state.now()
        attribute = TicketTypeAttribute(
            id=self._attribute_id(),
            name=name,
            data_type=fields.data_type or "string",
            order=len(ticket_type.attributes) + 1,
            required=bool(fields.required_to_create),
            description=fields.description,
            required_for_contacts=bool(fields.required_to_create_for_contacts),
            visible_on_create=_given(fields.visible_on_create, True),
            visible_to_contacts=_given(fields.visible_to_contacts, True),
            multiline=bool(fields.multiline),
            list_items=fields.list_items or (),
            allow_multiple_values=bool(fields.allow_multiple_values),
            created_at=now,
            updated_at=now,
        )
        self._replace(ticket_type, attributes=(*ticket_type.attributes, attribute))
        return attribute

    def update_attribute(
        self, ticket_type: TicketType, attribute_id: str, fields: AttributeFields
    ) -> TicketTypeAttribute:
        old = next((a for a in ticket_type.attributes if a.id == attribute_id), None)
        if old is None:
            raise TicketTypeAttributeNotFound()
        if fields.name is not None and fields.name != old.name:
            if fields.name in ticket_type.attribute_names():
                message = f"An attribute named {fields.name!r} already exists"
                raise ParameterInvalid(message, field="name")
            if old.name.startswith("_default_"):
                raise ParameterInvalid("A default attribute cannot be renamed", field="name")
        renamed: dict[str, Any] = {
            "name": fields.name,
            "description": fields.description,
            "required": fields.required_to_create,
            "required_for_contacts": fields.required_to_create_for_contacts,
            "visible_on_create": fields.visible_on_create,
            "visible_to_contacts": fields.visible_to_contacts,
            "multiline": fields.multiline,
            "list_items": fields.list_items,
            "allow_multiple_values": fields.allow_multiple_values,
            "archived": fields.archived,
        }
        changes = {name: value for name, value in renamed.items() if value is not None}
        attribute = replace(old, **changes, updated_at=self.state.now())
        attributes = tuple(attribute if a is old else a for a in ticket_type.attributes)
        self._replace(ticket_type, attributes=attributes)
        return attribute

    def states(self) -> tuple[TicketState, ...]:
        """The workspace's ticket states, in the order of the first type that has them."""
        found: dict[str, TicketState] = {}
        for ticket_type in self.state.ticket_types.values():
            for each in ticket_type.states:
                found.setdefault(each.id, each)
        return tuple(found.values())

    def types_in(self, ticket_state: TicketState) -> list[TicketType]:
        return [t for t in self.state.ticket_types.values() if ticket_state in t.states]

    def _replace(self, ticket_type: TicketType, **changes: object) -> TicketType:
        """The type with `changes`, in the index and on every ticket of the type."""
        updated = replace(ticket_type, **changes, updated_at=self.state.now())  # type: ignore[arg-type]
        self.state.ticket_types[updated.id] = updated
        for ticket in self.state.tickets.values():
            if ticket.ticket_type.id == updated.id:
                ticket.ticket_type = updated
        return updated

    def _attribute_id(self) -> str:
        return str(self.state.next_number("ticket_type_attribute", 100))

    def _check_unique(self, name: str, type_id: str | None) -> None:
        wanted = name.casefold()
        for each in self.state.ticket_types.values():
            if each.id != type_id and each.name.casefold() == wanted:
                message = f"A ticket type named {name!r} already exists"
                raise ParameterInvalid(message, field="name")


def _given(value: bool | None, default: bool) -> bool:
    return default if value is None else value
