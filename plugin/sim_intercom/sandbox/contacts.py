"""Contacts: users and leads, created, updated, listed, searched, deleted, attached to companies."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from . import render, search
from .errors import CompanyNotFound, Conflict, ContactNotFound, ParameterInvalid
from .paging import Cursor, Page, cursor_page, resume_position
from .records import Company, Contact
from .state import State, get_or_404

ID_PREFIX = "6762f0dd"


@dataclass(frozen=True)
class ContactFields:
    """A contact's writable fields as a request gave them; `given` names those it sent,
    null included, so an update changes only those."""

    given: frozenset[str] = frozenset()
    role: str | None = None
    external_id: str | None = None
    email: str | None = None
    phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    signed_up_at: int | None = None
    last_seen_at: int | None = None
    owner_id: int | None = None
    unsubscribed_from_emails: bool | None = None
    custom_attributes: dict[str, Any] | None = None


@dataclass(frozen=True)
class ContactRef:
    """A contact named by one of its keys: `id`, `external_id` or `email`."""

    key: str
    value: str


class Contacts:
    """Users and leads, unique on email (among users) and external_id."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.searches = search.Snapshots()

    def create(self, fields: ContactFields, *, created_at: int | None = None) -> Contact:
        """The one way a contact comes to be, whoever asks: checked, stored and indexed."""
        self._check(fields)
        if fields.email is None and fields.external_id is None and fields.role is None:
            raise ParameterInvalid("Either email, external_id or role is required", field="email")
        now = self.state.now() if created_at is None else created_at
        contact = Contact(
            id=self.state.object_id("contact", ID_PREFIX),
            role=fields.role or "user",
            created_at=now,
            updated_at=now,
        )
        self._check_unique(contact, fields)
        self._write(contact, fields)
        self.state.contacts[contact.id] = contact
        self.state.publish(f"contact.{_role(contact)}.created", contact)
        return contact

    def get(self, contact_id: str) -> Contact:
        return get_or_404(self.state.contacts, contact_id, ContactNotFound)

    def find(self, ref: ContactRef) -> Contact | None:
        """The contact `ref` names, if any; by email, only a user (leads may share one)."""
        state = self.state
        if ref.key == "external_id":
            return state.contacts.get(state.contact_by_external_id.get(ref.value, ""))
        if ref.key == "email":
            return state.contacts.get(state.contact_by_email.get(ref.value.casefold(), ""))
        return state.contacts.get(ref.value)

    def update(self, contact: Contact, fields: ContactFields) -> Contact:
        self._check(fields)
        self._check_unique(contact, fields)
        self._unindex(contact)
        role, email = _role(contact), contact.email
        self._write(contact, fields)
        contact.updated_at = self.state.now()
        self.state.publish(f"contact.{_role(contact)}.updated", contact)
        if contact.email != email:
            self.state.publish("contact.email.updated", contact)
        if role == "lead" and not email and contact.email:
            self.state.publish("contact.lead.added_email", contact)
        if role == "lead" and contact.role == "user":
            self.state.publish("contact.lead.signed_up", contact)
        return contact

    def delete(self, contact_id: str) -> Contact:
        contact = self.get(contact_id)
        self._unindex(contact)
        del self.state.contacts[contact_id]
        for company_id in contact.company_ids or ():
            company = self.state.companies.get(company_id)
            if company is not None:
                company.contact_ids.discard(contact_id)
        self.state.publish("contact.deleted", contact)
        return contact

    def list(self, per_page: int, cursor: Cursor) -> Page[Contact]:
        """Contacts in creation order, archived ones left out; a cursor resumes after its
        last contact, even when contacts before it were deleted or archived meanwhile."""
        contacts = [each for each in self.state.contacts.values() if not each.archived]
        cursor = resume_position(contacts, cursor, _id_of)
        return cursor_page(contacts, per_page, cursor, _id_of)

    def search(self, request: search.SearchRequest) -> Page[Contact]:
        return search.find(
            ActiveContacts(self.state.contacts), render.contact_for_search, request, self.searches
        )

    def by_external_id(self, external_id: str) -> Contact:
        found = self.find(ContactRef("external_id", external_id))
        if found is None:
            raise ContactNotFound()
        return found

    def archive(self, contact: Contact, archived: bool) -> Contact:
        """Archive (or unarchive) a contact: it leaves lists and searches, and comes back."""
        contact.archived = archived
        contact.updated_at = self.state.now()
        return contact

    def block(self, contact: Contact) -> Contact:
        """Block a contact: it can no longer write in; as Intercom does, it is archived too."""
        contact.blocked = True
        return self.archive(contact, True)

    def companies_of(self, contact: Contact) -> builtins.list[Company]:
        found = (self.state.companies.get(each) for each in contact.company_ids or ())
        return [each for each in found if each is not None]

    def merge(self, lead_id: str, user_id: str) -> Contact:
        """Merge a lead into a user: the user takes the lead's tags, notes, companies,
        events and conversations, and the lead is gone."""
        lead, user = self.get(lead_id), self.get(user_id)
        if lead.role != "lead":
            raise ParameterInvalid("from must be the id of a lead", field="from")
        if user.role != "user" or user.id == lead.id:
            raise ParameterInvalid("into must be the id of a user", field="into")
        state = self.state
        for tag_id in lead.tag_ids or ():
            applied = state.contact_tags.pop((lead.id, tag_id), None)
            if applied is not None and (user.id, tag_id) not in state.contact_tags:
                state.contact_tags[(user.id, tag_id)] = applied
                user.tag_ids = [*(user.tag_ids or ()), tag_id]
        user.note_ids = [*(lead.note_ids or ()), *(user.note_ids or ())] or None
        for note_id in lead.note_ids or ():
            state.notes[note_id] = replace(state.notes[note_id], contact_id=user.id)
        for company in self.companies_of(lead):
            self.attach_company(user, company.id)
        state.events.setdefault(user.id, []).extend(state.events.pop(lead.id, []))
        for conversation in state.conversations.values():
            conversation.contact_ids = _replaced(conversation.contact_ids, lead.id, user.id)
        for ticket in state.tickets.values():
            ticket.contact_ids = _replaced(ticket.contact_ids, lead.id, user.id)
        lead.tag_ids, lead.note_ids = None, None
        self.delete(lead.id)
        user.updated_at = state.now()
        return user

    def attach_company(self, contact: Contact, company_id: str) -> Company:
        company = get_or_404(self.state.companies, company_id, CompanyNotFound)
        if company.id not in (contact.company_ids or ()):
            contact.company_ids = [*(contact.company_ids or ()), company.id]
        company.contact_ids.add(contact.id)
        self.state.publish("company.contact.attached", (company, contact))
        return company

    def detach_company(self, contact: Contact, company_id: str) -> Company:
        """Detach a contact from a company; one it is not attached to leaves it as it is."""
        company = get_or_404(self.state.companies, company_id, CompanyNotFound)
        if company.id in (contact.company_ids or ()):
            contact.company_ids = [each for each in contact.company_ids or () if each != company.id]
        company.contact_ids.discard(contact.id)
        self.state.publish("company.contact.detached", (company, contact))
        return company

    def _check(self, fields: ContactFields) -> None:
        owner = fields.owner_id
        if owner is not None and str(owner) not in self.state.admins:
            raise ParameterInvalid(f"owner_id {owner} is not an admin", field="owner_id")
        if fields.custom_attributes:
            self.state.check_custom_attributes("contact", fields.custom_attributes)

    def _check_unique(self, contact: Contact, fields: ContactFields) -> None:
        role = fields.role or contact.role
        email = fields.email if "email" in fields.given else contact.email
        external_id = fields.external_id if "external_id" in fields.given else contact.external_id
        others = []
        if email and role == "user":
            others.append(self.state.contact_by_email.get(email.casefold()))
        if external_id:
            others.append(self.state.contact_by_external_id.get(external_id))
        for other in others:
            if other is not None and other != contact.id:
                raise Conflict(f"A contact matching those details already exists with id={other}")

    def _write(self, contact: Contact, fields: ContactFields) -> None:
        for name in fields.given:
            value = getattr(fields, name)
            if name == "custom_attributes":
                merged = {**(contact.custom_attributes or {}), **(value or {})}
                contact.custom_attributes = merged or None
            elif name == "unsubscribed_from_emails" and value is None:
                continue
            else:
                setattr(contact, name, value)
        if contact.email and contact.role == "user":
            self.state.contact_by_email[contact.email.casefold()] = contact.id
        if contact.external_id:
            self.state.contact_by_external_id[contact.external_id] = contact.id

    def _unindex(self, contact: Contact) -> None:
        by_email = self.state.contact_by_email
        if contact.email and by_email.get(contact.email.casefold()) == contact.id:
            del by_email[contact.email.casefold()]
        if contact.external_id:
            self.state.contact_by_external_id.pop(contact.external_id, None)


class ActiveContacts(Mapping[str, Contact]):
    """The contacts searches see, all but the archived, read through without a copy."""

    def __init__(self, contacts: Mapping[str, Contact]) -> None:
        self._contacts = contacts

    def __getitem__(self, key: str) -> Contact:
        contact = self._contacts[key]
        if contact.archived:
            raise KeyError(key)
        return contact

    def __iter__(self) -> Iterator[str]:
        return (key for key, each in self._contacts.items() if not each.archived)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _replaced(ids: list[str], old: str, new: str) -> list[str]:
    """`ids` with `old` replaced by `new`, each id once."""
    return [*dict.fromkeys(new if each == old else each for each in ids)]


def _role(contact: Contact) -> str:
    """`user` or `lead`, as a contact's webhook topics name its role."""
    return "lead" if contact.role == "lead" else "user"


def _id_of(record: Contact) -> str:
    return record.id
