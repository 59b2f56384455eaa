"""Conversations: opened, fetched, listed, searched, and replied to with parts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from . import render, search
from .contacts import ContactRef, Contacts
from .errors import AdminNotFound, ContactNotFound, ConversationNotFound
from .paging import Cursor, Page, cursor_page
from .records import Attachment, Author, Conversation, Part, Source, admin_author, contact_author
from .state import State, get_or_404


@dataclass(frozen=True)
class NewReply:
    """A reply as a request gave it; `author` is an admin's id or names a contact."""

    message_type: str
    body: str | None
    author: str | ContactRef
    created_at: int | None = None
    attachments: tuple[Attachment, ...] = ()


class Conversations:
    """Conversations: fetch, list, search, and replies that append parts."""

    def __init__(self, state: State, contacts: Contacts) -> None:
        self.state = state
        self.contacts = contacts

    def open(
        self,
        source: Source,
        contact_id: str,
        created_at: int,
        *,
        read: bool = False,
        waiting_since: int | None = None,
        title: str | None = None,
    ) -> Conversation:
        """The one way a conversation starts: from its source message, with one contact."""
        conversation = Conversation(
            id=str(self.state.next_number("conversation", 100)),
            created_at=created_at,
            updated_at=created_at,
            source=source,
            contact_ids=[contact_id],
            read=read,
            waiting_since=waiting_since,
            title=title,
        )
        self.state.conversations[conversation.id] = conversation
        return conversation

    def get(self, conversation_id: str) -> Conversation:
        return get_or_404(self.state.conversations, conversation_id, ConversationNotFound)

    def list(
        self, per_page: int, sort: str, descending: bool, cursor: Cursor
    ) -> Page[Conversation]:
        """Conversations by `sort` (a time field), ties broken by id."""
        ordered = sorted(
            self.state.conversations.values(),
            key=lambda each: (getattr(each, sort) or 0, int(each.id)),
            reverse=descending,
        )
        return cursor_page(ordered, per_page, cursor)

    def search(self, request: search.SearchRequest) -> Page[Conversation]:
        view = partial(render.conversation, contacts=self.state.contacts, parts=False)
        return search.find(self.state.conversations, view, request)

    def reply(self, conversation: Conversation, reply: NewReply) -> Conversation:
        author = self._author(reply)
        now = self.state.now()
        part = Part(
            id=str(self.state.next_number("part", 1000)),
            part_type=reply.message_type,
            body=reply.body,
            created_at=reply.created_at or now,
            author=author,
            state=conversation.state,
            attachments=reply.attachments,
        )
        self.append_part(conversation, part, now)
        return conversation

    def _author(self, reply: NewReply) -> Author:
        if not isinstance(reply.author, ContactRef):
            return admin_author(get_or_404(self.state.admins, reply.author, AdminNotFound))
        contact = self.contacts.find(reply.author)
        if contact is None:
            raise ContactNotFound()
        return contact_author(contact)

    def append_part(self, conversation: Conversation, part: Part, now: int) -> None:
        """Add a part and update the conversation as that reply would."""
        conversation.parts.append(part)
        conversation.updated_at = now
        if part.author.type in ("user", "lead"):
            self._contact_replied(conversation, part.author.id, now)
        elif part.part_type == "comment":
            conversation.waiting_since = None
            conversation.read = True
            for contact_id in conversation.contact_ids:
                contact = self.state.contacts.get(contact_id)
                if contact is not None:
                    contact.last_contacted_at = now

    def _contact_replied(self, conversation: Conversation, contact_id: str, now: int) -> None:
        conversation.state = "open"
        conversation.read = False
        conversation.waiting_since = conversation.waiting_since or now
        if contact_id not in conversation.contact_ids:
            conversation.contact_ids.append(contact_id)
        contact = self.state.contacts.get(contact_id)
        if contact is not None:
            contact.last_replied_at = now
