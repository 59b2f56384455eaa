"""Subscription types, and each contact's consent to them (opted in or out)."""

from __future__ import annotations

from .errors import NotFound, ParameterInvalid
from .records import Contact, SubscriptionType
from .state import State, get_or_404

CONSENTS = ("opt_in", "opt_out")


class SubscriptionTypeNotFound(NotFound):
    """An unknown subscription type id; Intercom answers with the generic not_found."""


class Subscriptions:
    """Subscription types; a contact's consent is recorded per type, once."""

    def __init__(self, state: State) -> None:
        self.state = state

    def types(self) -> list[SubscriptionType]:
        return list(self.state.subscription_types.values())

    def get(self, type_id: str) -> SubscriptionType:
        return get_or_404(self.state.subscription_types, type_id, SubscriptionTypeNotFound)

    def of_contact(self, contact: Contact) -> list[tuple[SubscriptionType, str]]:
        """The types the contact has given its consent to, or withheld it from."""
        chosen = contact.subscriptions or {}
        return [(self.state.subscription_types[key], value) for key, value in chosen.items()]

    def attach(self, contact: Contact, type_id: str, consent: str) -> SubscriptionType:
        """Record the contact's consent; it must be the type's own kind (`opt_in` for an
        opt-in type, `opt_out` for an opt-out one), as Intercom requires."""
        kind = self.get(type_id)
        if consent != kind.consent_type:
            message = f"consent_type must be {kind.consent_type!r} for this subscription type"
            raise ParameterInvalid(message, field="consent_type")
        contact.subscriptions = {**(contact.subscriptions or {}), kind.id: consent}
        return kind

    def detach(self, contact: Contact, type_id: str) -> SubscriptionType:
        """Forget the contact's consent to a type; one it never gave leaves it as it is."""
        kind = self.get(type_id)
        remaining = {k: v for k, v in (contact.subscriptions or {}).items() if k != kind.id}
        contact.subscriptions = remaining or None
        return kind
