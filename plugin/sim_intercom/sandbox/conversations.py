"""Conversations: opened, fetched, listed, searched, replied to, and managed with parts
(closed, opened, snoozed until a time on the workspace's clock, assigned)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from . import render, search
from .contacts import ContactRef, Contacts
from .errors import (
    AdminNotFound,
    AssigneeNotFound,
    CompanyNotFound,
    ContactNotFound,
    ConversationNotFound,
    NotFound,
    ParameterInvalid,
    Unprocessable,
)
from .paging import Cursor, Page, cursor_page
from .records import (
    Admin,
    Attachment,
    Author,
    Conversation,
    Part,
    Source,
    admin_author,
    contact_author,
)
from .state import State, get_or_404

MAX_PARTICIPANTS = 10
STATE_TOPICS = {"closed": "conversation.admin.closed", "open": "conversation.admin.opened"}
REPLY_TOPICS = {"comment": "conversation.admin.replied", "note": "conversation.admin.noted"}


@dataclass(frozen=True)
class NewReply:
    """A reply as a request gave it; `author` is an admin's id or names a contact."""

    message_type: str
    body: str | None
    author: str | ContactRef
    created_at: int | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Action:
    """A `POST /conversations/{id}/parts` request: `close`, `open`, `snoozed` or `assignment`,
    by an admin; `assignee_id` "0" unassigns (the admin, or the team when `assignee_type` is
    `team`)."""

    message_type: str
    admin_id: str
    body: str | None = None
    snoozed_until: int | None = None
    assignee_id: str | None = None
    assignee_type: str = "admin"


@dataclass(frozen=True)
class ConversationChanges:
    """A `PUT /conversations/{id}` request; None leaves a field unchanged."""

    read: bool | None = None
    title: str | None = None
    custom_attributes: dict[str, Any] | None = None
    company_id: str | None = None


class PartNotFound(NotFound):
    """A conversation part or source id that is not the conversation's."""

    message = "Conversation part or source not found"


class Conversations:
    """Conversations: fetch, list, search, and replies that append parts."""

    def __init__(self, state: State, contacts: Contacts) -> None:
        self.state = state
        self.contacts = contacts
        self.searches = search.Snapshots()

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
        self.wake()
        return get_or_404(self.state.conversations, conversation_id, ConversationNotFound)

    def list(
        self, per_page: int, sort: str, descending: bool, cursor: Cursor
    ) -> Page[Conversation]:
        """Conversations by `sort` (a time field), ties broken by id."""
        self.wake()
        ordered = sorted(
            self.state.conversations.values(),
            key=lambda each: (getattr(each, sort) or 0, int(each.id)),
            reverse=descending,
        )
        return cursor_page(ordered, per_page, cursor)

    def search(self, request: search.SearchRequest) -> Page[Conversation]:
        self.wake()
        view = partial(render.conversation, contacts=self.state.contacts, parts=False)
        return search.find(self.state.conversations, view, request, self.searches)

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
        if author.type in ("user", "lead"):
            self.state.publish("conversation.user.replied", conversation)
        else:
            topic = REPLY_TOPICS.get(reply.message_type, "conversation.admin.replied")
            self.state.publish(topic, conversation)
        return conversation

    def manage(self, conversation: Conversation, action: Action) -> Conversation:
        """Close, open, snooze or assign: a part records each change of state. Closing a
        closed conversation or opening an open one changes nothing."""
        admin = get_or_404(self.state.admins, action.admin_id, AdminNotFound)
        now = self.state.now()
        if action.message_type == "assignment":
            self._assign(conversation, admin, action, now)
            return conversation
        if action.message_type == "snoozed":
            until = action.snoozed_until or 0
            if until <= now:
                message = f"snoozed_until must be in the future, got {until}"
                raise ParameterInvalid(message, field="snoozed_until")
            self._change(conversation, admin, "snoozed", "snoozed", action.body, now, until)
            self.state.publish("conversation.admin.snoozed", conversation)
            return conversation
        wanted = "closed" if action.message_type == "close" else "open"
        if conversation.state != wanted:
            part_type = action.message_type
            self._change(conversation, admin, part_type, wanted, action.body, now)
            self.state.publish(STATE_TOPICS[wanted], conversation)
        return conversation

    def wake(self) -> None:
        """Reopen every snoozed conversation whose time has come on the workspace's clock,
        with a `timer_unsnooze` part dated when it came."""
        now = self.state.now()
        for conversation_id in sorted(self.state.snoozed):
            conversation = self.state.conversations.get(conversation_id)
            if conversation is None or conversation.state != "snoozed":
                self.state.snoozed.discard(conversation_id)
                continue
            until = conversation.snoozed_until or 0
            if until <= now:
                operator = next((a for a in self.state.admins.values() if a.bot), None)
                operator = operator or self.state.admins[self.state.me_id]
                self._change(conversation, operator, "timer_unsnooze", "open", None, until)
                self.state.publish("conversation.admin.unsnoozed", conversation)

    def _change(
        self,
        conversation: Conversation,
        admin: Admin,
        part_type: str,
        state: str,
        body: str | None,
        when: int,
        snoozed_until: int | None = None,
    ) -> None:
        conversation.state = state
        conversation.snoozed_until = snoozed_until
        if state == "snoozed":
            self.state.snoozed.add(conversation.id)
        else:
            self.state.snoozed.discard(conversation.id)
        self.append_part(conversation, self._part(admin, part_type, body, when, state), when)

    def _assign(self, conversation: Conversation, admin: Admin, action: Action, now: int) -> None:
        assignee = action.assignee_id or "0"
        target: tuple[str, str] | None = None
        if assignee == "0":
            if action.assignee_type == "team":
                conversation.team_assignee_id = None
            else:
                conversation.admin_assignee_id = None
        elif assignee in self.state.admins:
            conversation.admin_assignee_id = int(assignee)
            target = ("admin", assignee)
        elif assignee in self.state.teams:
            conversation.team_assignee_id = int(assignee)
            target = ("team", assignee)
        else:
            raise AssigneeNotFound()
        part_type = "assignment"
        if conversation.state != "open":
            part_type = "assign_and_reopen"
            conversation.state = "open"
            conversation.snoozed_until = None
            self.state.snoozed.discard(conversation.id)
        part = self._part(admin, part_type, action.body, now, "open")
        part.assigned_to = target
        self.append_part(conversation, part, now)
        self.state.publish("conversation.admin.assigned", conversation)

    def _part(self, admin: Admin, part_type: str, body: str | None, when: int, state: str) -> Part:
        return Part(
            id=str(self.state.next_number("part", 1000)),
            part_type=part_type,
            body=body,
            created_at=when,
            author=admin_author(admin),
            state=state,
        )

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
        conversation.snoozed_until = None
        self.state.snoozed.discard(conversation.id)
        conversation.read = False
        conversation.waiting_since = conversation.waiting_since or now
        if contact_id not in conversation.contact_ids:
            conversation.contact_ids.append(contact_id)
        contact = self.state.contacts.get(contact_id)
        if contact is not None:
            contact.last_replied_at = now

    # --- B: support: update, delete, participants, redaction ---

    def update(self, conversation: Conversation, changes: ConversationChanges) -> Conversation:
        if changes.custom_attributes:
            self.state.check_custom_attributes("conversation", changes.custom_attributes)
        if changes.company_id is not None:
            get_or_404(self.state.companies, changes.company_id, CompanyNotFound)
        if changes.read is not None:
            conversation.read = changes.read
        if changes.title is not None:
            conversation.title = changes.title
        conversation.custom_attributes.update(changes.custom_attributes or {})
        conversation.updated_at = self.state.now()
        return conversation

    def delete(self, conversation_id: str) -> Conversation:
        conversation = self.get(conversation_id)
        del self.state.conversations[conversation_id]
        self.state.snoozed.discard(conversation_id)
        return conversation

    def add_participant(self, conversation: Conversation, admin_id: str, ref: ContactRef) -> None:
        """A contact joins as a participant, recorded by a `participant_added` part; one
        already there changes nothing."""
        admin = get_or_404(self.state.admins, admin_id, AdminNotFound)
        contact = self.contacts.find(ref)
        if contact is None:
            raise ContactNotFound()
        if contact.id in conversation.contact_ids:
            return
        if len(conversation.contact_ids) >= MAX_PARTICIPANTS:
            message = f"A conversation takes at most {MAX_PARTICIPANTS} participants"
            raise ParameterInvalid(message, field="customer")
        conversation.contact_ids.append(contact.id)
        now = self.state.now()
        self.append_part(
            conversation, self._part(admin, "participant_added", None, now, conversation.state), now
        )

    def remove_participant(
        self, conversation: Conversation, admin_id: str, contact_id: str
    ) -> None:
        """A participant leaves; the last one cannot (Intercom's 422)."""
        admin = get_or_404(self.state.admins, admin_id, AdminNotFound)
        if contact_id not in conversation.contact_ids:
            raise ContactNotFound()
        if len(conversation.contact_ids) == 1:
            raise Unprocessable(
                "Removing the last customer is not allowed", code="parameter_invalid"
            )
        conversation.contact_ids.remove(contact_id)
        now = self.state.now()
        self.append_part(
            conversation,
            self._part(admin, "participant_removed", None, now, conversation.state),
            now,
        )

    def redact(
        self, conversation: Conversation, part_id: str | None, source_id: str | None
    ) -> None:
        """Blank a part's or the source's body for good; it keeps its place, marked redacted."""
        if source_id is not None:
            if conversation.source.id != source_id:
                raise PartNotFound()
            conversation.source = replace(conversation.source, body="", redacted=True)
            return
        part = next((each for each in conversation.parts if each.id == part_id), None)
        if part is None:
            raise PartNotFound()
        part.body = ""
        part.attachments = ()
        part.redacted = True
