"""Visitors: anonymous website visitors, updated, fetched by user_id, converted to contacts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from .contacts import ContactFields, ContactRef, Contacts
from .errors import NotFound, ParameterInvalid
from .records import Contact, Visitor
from .state import State

ID_PREFIX = "6762f30c"


class VisitorNotFound(NotFound):
    """No visitor with that id or user_id."""

    code = "visitor_not_found"
    message = "Visitor Not Found"


@dataclass(frozen=True)
class VisitorChanges:
    """`PUT /visitors`: the visitor (by `id` or `user_id`) and the fields to change."""

    ref: ContactRef
    given: frozenset[str]
    name: str | None = None
    custom_attributes: dict[str, Any] | None = None


@dataclass(frozen=True)
class Conversion:
    """`POST /visitors/convert`: the visitor, the role it becomes and the contact it joins
    (an existing user it names, or a new one with these keys)."""

    visitor: ContactRef
    role: str
    user: ContactRef
    email: str | None = None


class Visitors:
    """Visitors, by Intercom id and by their generated user_id."""

    def __init__(self, state: State, contacts: Contacts) -> None:
        self.state = state
        self.contacts = contacts

    def add(self, name: str | None = None, *, created_at: int | None = None) -> Visitor:
        now = self.state.now() if created_at is None else created_at
        number = self.state.next_number("visitor")
        visitor = Visitor(
            id=f"{ID_PREFIX}{number:016x}",
            user_id=str(uuid.UUID(int=number, version=4)),
            created_at=now,
            updated_at=now,
            name=name,
            pseudonym=f"Visitor {number} from Dublin",
        )
        self.state.visitors[visitor.id] = visitor
        self.state.visitor_by_user_id[visitor.user_id] = visitor.id
        return visitor

    def find(self, ref: ContactRef) -> Visitor:
        """The visitor `ref` names by `id`, `user_id` or `email`, or 404."""
        state = self.state
        if ref.key == "user_id":
            found = state.visitors.get(state.visitor_by_user_id.get(ref.value, ""))
        elif ref.key == "email":
            found = next((v for v in state.visitors.values() if v.email == ref.value), None)
        else:
            found = state.visitors.get(ref.value)
        if found is None:
            raise VisitorNotFound()
        return found

    def update(self, changes: VisitorChanges) -> Visitor:
        visitor = self.find(changes.ref)
        if "name" in changes.given:
            visitor.name = changes.name
        if changes.custom_attributes:
            self.state.check_custom_attributes("contact", changes.custom_attributes)
            visitor.custom_attributes.update(changes.custom_attributes)
        visitor.updated_at = self.state.now()
        return visitor

    def convert(self, conversion: Conversion) -> Contact:
        """The visitor becomes a contact: the user it names when there is one (a lead is
        made a user), else a new contact; the visitor is gone."""
        visitor = self.find(conversion.visitor)
        contact = self.contacts.find(_contact_key(conversion.user))
        if contact is None:
            if conversion.user.key == "id":
                raise ParameterInvalid("user.id names no contact", field="user.id")
            contact = self.contacts.create(self._fields(visitor, conversion))
        else:
            given = {"custom_attributes"} | ({"role"} if conversion.role == "user" else set())
            fields = ContactFields(
                frozenset(given), role="user", custom_attributes=visitor.custom_attributes
            )
            self.contacts.update(contact, fields)
        del self.state.visitors[visitor.id]
        self.state.visitor_by_user_id.pop(visitor.user_id, None)
        return contact

    @staticmethod
    def _fields(visitor: Visitor, conversion: Conversion) -> ContactFields:
        key = "external_id" if conversion.user.key == "user_id" else conversion.user.key
        values: dict[str, Any] = {
            "role": conversion.role,
            "email": conversion.email,
            key: conversion.user.value,
            "name": visitor.name,
            "custom_attributes": visitor.custom_attributes or None,
        }
        return ContactFields(frozenset(values), **values)


def _contact_key(ref: ContactRef) -> ContactRef:
    """A convert request's `user_id` is the contact's external_id."""
    return ContactRef("external_id", ref.value) if ref.key == "user_id" else ref
