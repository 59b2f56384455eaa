"""Tags: created or renamed, listed, and applied to contacts and conversations (once each)."""

from __future__ import annotations

from .errors import AdminNotFound, NotFound, ParameterInvalid
from .records import AppliedTag, Contact, Conversation, Tag, Ticket
from .state import State, get_or_404


def _role(contact: Contact) -> str:
    return "lead" if contact.role == "lead" else "user"


class TagNotFound(NotFound):
    """An unknown tag id; Intercom answers with the generic not_found."""


class Tags:
    """The workspace's tags; a tag exists before it is applied, and is applied at most once."""

    def __init__(self, state: State) -> None:
        self.state = state

    def all(self) -> list[Tag]:
        return list(self.state.tags.values())

    def get(self, tag_id: str) -> Tag:
        return get_or_404(self.state.tags, tag_id, TagNotFound)

    def create_or_rename(self, name: str, tag_id: str | None = None) -> Tag:
        """`POST /tags`: with `tag_id`, rename that tag; else the tag of that name (names are
        case-insensitive), created if there is none."""
        same_name = self._named(name)
        if tag_id is not None:
            tag = self.get(tag_id)
            if same_name is not None and same_name is not tag:
                raise ParameterInvalid(f"A tag named {name!r} already exists", field="name")
            tag.name = name
            return tag
        if same_name is not None:
            return same_name
        tag = Tag(str(self.state.next_number("tag", 7522901)), name, self.state.now())
        self.state.tags[tag.id] = tag
        return tag

    def tag_contact(self, contact: Contact, tag_id: str) -> AppliedTag:
        tag = self.get(tag_id)
        key = (contact.id, tag.id)
        applied = self.state.contact_tags.get(key)
        if applied is None:
            applied = AppliedTag(tag, self.state.now(), self.state.me_id)
            self.state.contact_tags[key] = applied
            contact.tag_ids = [*(contact.tag_ids or ()), tag.id]
            self.state.publish(f"contact.{_role(contact)}.tag.created", (contact, applied))
        return applied

    def untag_contact(self, contact: Contact, tag_id: str) -> Tag:
        """Remove a tag from a contact; a tag it does not carry leaves it as it is."""
        tag = self.get(tag_id)
        self.state.contact_tags.pop((contact.id, tag.id), None)
        if tag.id in (contact.tag_ids or ()):
            contact.tag_ids = [each for each in contact.tag_ids or () if each != tag.id] or None
            self.state.publish(f"contact.{_role(contact)}.tag.deleted", (contact, tag))
        return tag

    def of_contact(self, contact: Contact) -> list[AppliedTag]:
        found = (self.state.contact_tags.get((contact.id, each)) for each in contact.tag_ids or ())
        return [each for each in found if each is not None]

    def tag_conversation(
        self, conversation: Conversation, tag_id: str, admin_id: str
    ) -> AppliedTag:
        get_or_404(self.state.admins, admin_id, AdminNotFound)
        tag = self.get(tag_id)
        for applied in conversation.tags:
            if applied.tag is tag:
                return applied
        applied = AppliedTag(tag, self.state.now(), admin_id)
        conversation.tags.append(applied)
        conversation.updated_at = applied.applied_at
        return applied

    def untag_conversation(self, conversation: Conversation, tag_id: str, admin_id: str) -> Tag:
        """Remove a tag from a conversation; one it does not carry leaves it as it is."""
        get_or_404(self.state.admins, admin_id, AdminNotFound)
        tag = self.get(tag_id)
        conversation.tags = [each for each in conversation.tags if each.tag is not tag]
        return tag

    def tag_ticket(self, ticket: Ticket, tag_id: str, admin_id: str) -> AppliedTag:
        get_or_404(self.state.admins, admin_id, AdminNotFound)
        tag = self.get(tag_id)
        for applied in ticket.tags:
            if applied.tag is tag:
                return applied
        applied = AppliedTag(tag, self.state.now(), admin_id)
        ticket.tags.append(applied)
        return applied

    def untag_ticket(self, ticket: Ticket, tag_id: str, admin_id: str) -> Tag:
        get_or_404(self.state.admins, admin_id, AdminNotFound)
        tag = self.get(tag_id)
        ticket.tags = [each for each in ticket.tags if each.tag is not tag]
        return tag

    def delete(self, tag_id: str) -> Tag:
        """Delete a tag, and take it off every contact, conversation and ticket carrying it."""
        tag = self.get(tag_id)
        state = self.state
        for contact_id, applied_id in list(state.contact_tags):
            contact = state.contacts.get(contact_id)
            if applied_id == tag.id and contact is not None:
                self.untag_contact(contact, tag.id)
            state.contact_tags.pop((contact_id, tag.id), None)
        for conversation in state.conversations.values():
            conversation.tags = [each for each in conversation.tags if each.tag is not tag]
        for ticket in state.tickets.values():
            ticket.tags = [each for each in ticket.tags if each.tag is not tag]
        del state.tags[tag.id]
        return tag

    def _named(self, name: str) -> Tag | None:
        wanted = name.casefold()
        found = (tag for tag in self.state.tags.values() if tag.name.casefold() == wanted)
        return next(found, None)
