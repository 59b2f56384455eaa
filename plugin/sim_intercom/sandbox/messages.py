"""Messages: an admin writes to a user or lead, or a contact writes in; each opens a
conversation."""

from __future__ import annotations

from dataclasses import dataclass

from .conversations import Conversations
from .errors import AdminNotFound, ContactNotFound
from .records import Admin, Contact, Message, Source, admin_author, contact_author
from .state import State, get_or_404


@dataclass(frozen=True)
class NewMessage:
    """A message as a request asked for it: from an admin, to a contact of `to_role`."""

    message_type: str
    body: str
    from_id: str
    to_role: str
    to_id: str
    subject: str | None = None
    created_at: int | None = None


@dataclass(frozen=True)
class NewContactMessage:
    """A conversation a contact starts (`POST /conversations`): `from_role` is user, lead or
    contact (either)."""

    from_role: str
    from_id: str
    body: str
    created_at: int | None = None


class Messages:
    """Admin-initiated messages to a user or lead, each opening a conversation."""

    def __init__(self, state: State, conversations: Conversations) -> None:
        self.state = state
        self.conversations = conversations

    def create(self, new: NewMessage) -> Message:
        admin = get_or_404(self.state.admins, new.from_id, AdminNotFound)
        contact = self._recipient(new)
        now = new.created_at or self.state.now()
        message_id = str(self.state.next_number("message", 2000))
        conversation = self.conversations.open(
            self._source(message_id, new, admin), contact.id, now, read=True
        )
        contact.last_contacted_at = now
        self.state.publish("conversation.admin.single.created", conversation)
        return Message(
            id=message_id,
            message_type=new.message_type,
            created_at=now,
            body=new.body,
            subject=new.subject,
            owner=admin_author(admin),
            conversation_id=conversation.id,
        )

    def from_contact(self, new: NewContactMessage) -> Message:
        contact = get_or_404(self.state.contacts, new.from_id, ContactNotFound)
        if new.from_role != "contact" and contact.role != new.from_role:
            raise ContactNotFound()
        now = new.created_at or self.state.now()
        message_id = str(self.state.next_number("message", 2000))
        source = Source(
            type="conversation",
            id=message_id,
            delivered_as="customer_initiated",
            subject="",
            body=new.body,
            author=contact_author(contact),
        )
        conversation = self.conversations.open(source, contact.id, now, waiting_since=now)
        contact.last_replied_at = now
        self.state.publish("conversation.user.created", conversation)
        return Message(
            id=message_id,
            message_type="inapp",
            created_at=now,
            body=new.body,
            subject=None,
            owner=contact_author(contact),
            conversation_id=conversation.id,
            type="user_message",
        )

    def _recipient(self, new: NewMessage) -> Contact:
        contact = get_or_404(self.state.contacts, new.to_id, ContactNotFound)
        if contact.role != new.to_role:
            raise ContactNotFound()
        return contact

    def _source(self, message_id: str, new: NewMessage, admin: Admin) -> Source:
        return Source(
            type="email" if new.message_type == "email" else "conversation",
            id=message_id,
            delivered_as="admin_initiated",
            subject=new.subject or "",
            body=new.body,
            author=admin_author(admin),
        )
