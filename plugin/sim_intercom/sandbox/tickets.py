"""Tickets: raised for one contact on one of the workspace's ticket types, then fetched."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .contacts import ContactFields, ContactRef, Contacts
from .errors import CompanyNotFound, ContactNotFound, ParameterInvalid, TicketNotFound
from .records import Contact, Ticket, TicketType
from .state import State, get_or_404


@dataclass(frozen=True)
class NewTicket:
    """A ticket as a request asked for it."""

    ticket_type_id: str
    contact: ContactRef
    attributes: dict[str, Any] = field(default_factory=dict)
    company_id: str | None = None
    created_at: int | None = None


class Tickets:
    """Tickets of the workspace's ticket types, raised for a contact."""

    def __init__(self, state: State, contacts: Contacts) -> None:
        self.state = state
        self.contacts = contacts

    def create(self, new: NewTicket) -> Ticket:
        """The ticket, once every reference checks out; an email no user has raises a lead,
        but only then, so a refused ticket leaves no lead behind."""
        ticket_type = self._ticket_type(new.ticket_type_id)
        contact = self._contact(new.contact)
        _check_attributes(ticket_type, new.attributes)
        if new.company_id is not None:
            get_or_404(self.state.companies, new.company_id, CompanyNotFound)
        if contact is None:
            contact = self._new_lead(new.contact.value)
        number = self.state.next_number("ticket")
        ticket = Ticket(
            id=str(500 + number),
            ticket_id=str(number),
            ticket_type=ticket_type,
            attributes=dict(new.attributes),
            state=ticket_type.states[0],
            contact_ids=[contact.id],
            created_at=new.created_at or self.state.now(),
            company_id=new.company_id,
        )
        self.state.tickets[ticket.id] = ticket
        return ticket

    def get(self, ticket_id: str) -> Ticket:
        return get_or_404(self.state.tickets, ticket_id, TicketNotFound)

    def _ticket_type(self, type_id: str) -> TicketType:
        ticket_type = self.state.ticket_types.get(type_id)
        if ticket_type is None:
            raise ParameterInvalid(
                f"ticket_type_id {type_id!r} is not a ticket type of this workspace",
                field="ticket_type_id",
            )
        return ticket_type

    def _contact(self, ref: ContactRef) -> Contact | None:
        """The contact `ref` names; None for an email no user has (a lead to raise)."""
        contact = self.contacts.find(ref)
        if contact is None and ref.key != "email":
            raise ContactNotFound()
        return contact

    def _new_lead(self, email: str) -> Contact:
        return self.contacts.create(
            ContactFields(given=frozenset({"role", "email"}), role="lead", email=email)
        )


def _check_attributes(ticket_type: TicketType, attributes: dict[str, Any]) -> None:
    unknown = sorted(set(attributes) - ticket_type.attribute_names())
    if unknown:
        raise ParameterInvalid(
            f"ticket_attributes {unknown[0]!r} is not an attribute of ticket type "
            f"{ticket_type.name!r}",
            field=f"ticket_attributes.{unknown[0]}",
        )
