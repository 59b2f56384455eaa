"""The inbox and workspace settings: conversations, tickets, messages, admins, attributes."""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from .errors import (
    ParameterInvalid,
    ParameterNotFound,
    Unprocessable,
    admin_not_found,
    company_not_found,
    contact_not_found,
    conversation_not_found,
    ticket_not_found,
)
from .fields import check_body, check_value, id_text, query_int, require_choice
from .inbox import Conversation, Part, Ticket
from .models import Admin, Contact
from .paging import cursor_pages, decode_cursor, offset_page
from .people import MAX_PER_PAGE, search_page
from .state import WORKSPACE_ID, State

REPLY_BODY = {
    "message_type": "string",
    "type": "string",
    "admin_id": "id?",
    "body": "string?",
    "attachment_urls": "array?",
    "created_at": "timestamp?",
    "intercom_user_id": "string?",
    "email": "string?",
    "user_id": "string?",
    "reply_options": "array?",
    "attachment_files": "array?",
}
TICKET_BODY = {
    "ticket_type_id": "id",
    "contacts": "array",
    "company_id": "string?",
    "created_at": "timestamp?",
    "ticket_attributes": "object?",
    "skip_notifications": "boolean?",
    "conversation_to_link_id": "string?",
    "assignment": "object?",
}
MESSAGE_BODY = {
    "message_type": "string",
    "subject": "string?",
    "body": "string?",
    "template": "string?",
    "from": "object",
    "to": "object",
    "created_at": "timestamp?",
    "create_conversation_without_contact_reply": "boolean?",
}
REPLY_REQUIRED = ("type", "message_type")
TICKET_REQUIRED = ("ticket_type_id", "contacts")
MESSAGE_REQUIRED = ("message_type", "from", "to")
MAX_ATTACHMENTS = 10
CONVERSATION_SORTS = ("created_at", "updated_at", "waiting_since")


def _attachment(url: Any, index: int) -> dict[str, Any]:
    field = f"attachment_urls[{index}]"
    url = check_value(field, url, "string")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterInvalid(f"{field} must be an http(s) URL, got {url!r}", field=field)
    name = posixpath.basename(parts.path) or parts.netloc
    return {
        "type": "upload",
        "name": name,
        "url": url,
        "content_type": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "filesize": 0,
        "width": 0,
        "height": 0,
    }


def _is_attribute_value(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool | list)


def contact_author(contact: Contact) -> dict[str, Any]:
    return {"type": contact.role, "id": contact.id, "name": contact.name, "email": contact.email}


class Conversations:
    """Conversations: fetch, list, search, and replies that append parts."""

    def __init__(self, state: State) -> None:
        self.state = state

    def render(self, conversation: Conversation, **options: bool) -> dict[str, Any]:
        return conversation.to_dict(self.state.contact_reference, **options)

    def find(self, conversation_id: str) -> Conversation:
        try:
            return self.state.conversations[conversation_id]
        except KeyError:
            raise conversation_not_found() from None

    def get(self, conversation_id: str, query: Mapping[str, str]) -> dict[str, Any]:
        display_as = query.get("display_as")
        if display_as not in (None, "", "plaintext"):
            raise ParameterInvalid("display_as must be 'plaintext'", field="display_as")
        return self.render(self.find(conversation_id), as_text=display_as == "plaintext")

    def list(self, query: Mapping[str, str]) -> dict[str, Any]:
        per_page = query_int("per_page", query.get("per_page"), 20, maximum=MAX_PER_PAGE)
        sort = require_choice("sort", query.get("sort", "updated_at"), CONVERSATION_SORTS)
        order = require_choice("order", query.get("order", "desc"), ("asc", "desc"))
        cursor = decode_cursor(query.get("starting_after"))
        ordered = sorted(
            self.state.conversations.values(),
            key=lambda each: (getattr(each, sort) or 0, int(each.id)),
            reverse=order == "desc",
        )
        chunk, following = offset_page(ordered, per_page, cursor)
        return {
            "type": "conversation.list",
            "conversations": [self.render(each, parts=False) for each in chunk],
            "total_count": len(ordered),
            "pages": cursor_pages(per_page, cursor.page, len(ordered), following),
        }

    def search(self, body: Mapping[str, Any]) -> dict[str, Any]:
        records = [self.render(each, parts=False) for each in self.state.conversations.values()]
        chunk, total, pages = search_page(records, body, "conversation")
        return {
            "type": "conversation.list",
            "conversations": chunk,
            "total_count": total,
            "pages": pages,
        }

    def reply(self, conversation_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        conversation = self.find(conversation_id)
        fields = check_body(body, REPLY_BODY, REPLY_REQUIRED)
        kind = require_choice("type", fields.get("type"), ("admin", "user"))
        allowed = ("comment", "note", "quick_reply") if kind == "admin" else ("comment",)
        message_type = require_choice("message_type", fields.get("message_type"), allowed)
        if message_type != "quick_reply" and not fields.get("body"):
            raise ParameterInvalid("Body is required", field="body")
        urls = fields.get("attachment_urls") or []
        if len(urls) > MAX_ATTACHMENTS:
            raise ParameterInvalid(
                f"attachment_urls takes at most {MAX_ATTACHMENTS} URLs", field="attachment_urls"
            )
        author = self._admin_author(fields) if kind == "admin" else self._contact_author(fields)
        now = self.state.now()
        part = Part(
            id=str(self.state.next_number("part", 1000)),
            part_type=message_type,
            body=fields.get("body"),
            created_at=fields.get("created_at") or now,
            author=author,
            state=conversation.state,
            attachments=[_attachment(url, index) for index, url in enumerate(urls)],
        )
        self.append_part(conversation, part, now)
        return self.render(conversation)

    def _admin_author(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        if fields.get("admin_id") in (None, ""):
            raise ParameterNotFound("admin_id not specified", field="admin_id")
        admin = self.state.admins.get(id_text("admin_id", fields["admin_id"]))
        if admin is None:
            raise admin_not_found()
        return admin.author()

    def _contact_author(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        state = self.state
        if fields.get("intercom_user_id"):
            contact = state.contacts.get(fields["intercom_user_id"])
        elif fields.get("user_id"):
            contact = state.contacts.get(state.contact_by_external_id.get(fields["user_id"], ""))
        elif fields.get("email"):
            contact = state.contacts.get(state.contact_by_email.get(fields["email"].casefold(), ""))
        else:
            raise ParameterNotFound(
                "intercom_user_id, user_id or email is required", field="intercom_user_id"
            )
        if contact is None:
            raise contact_not_found()
        return contact_author(contact)

    def append_part(self, conversation: Conversation, part: Part, now: int) -> None:
        """Add a part and update the conversation as that reply would."""
        conversation.parts.append(part)
        conversation.updated_at = now
        if part.author["type"] in ("user", "lead"):
            conversation.state = "open"
            conversation.read = False
            conversation.waiting_since = conversation.waiting_since or now
            if part.author["id"] not in conversation.contact_ids:
                conversation.contact_ids.append(part.author["id"])
            contact = self.state.contacts.get(part.author["id"])
            if contact is not None:
                contact.last_replied_at = now
        elif part.part_type == "comment":
            conversation.waiting_since = None
            conversation.read = True
            for contact_id in conversation.contact_ids:
                contact = self.state.contacts.get(contact_id)
                if contact is not None:
                    contact.last_contacted_at = now


class Tickets:
    """Tickets of the workspace's ticket types, raised for a contact."""

    def __init__(self, state: State) -> None:
        self.state = state

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        fields = check_body(body, TICKET_BODY, TICKET_REQUIRED)
        type_id = id_text("ticket_type_id", fields["ticket_type_id"])
        ticket_type = self.state.ticket_types.get(type_id)
        if ticket_type is None:
            raise ParameterInvalid(
                f"ticket_type_id {type_id!r} is not a ticket type of this workspace",
                field="ticket_type_id",
            )
        contacts = [self._contact(each, index) for index, each in enumerate(fields["contacts"])]
        if len(contacts) != 1:
            raise ParameterInvalid("contacts must list exactly one contact", field="contacts")
        attributes = fields.get("ticket_attributes") or {}
        unknown = sorted(set(attributes) - ticket_type.attribute_names())
        if unknown:
            raise ParameterInvalid(
                f"ticket_attributes {unknown[0]!r} is not an attribute of ticket type "
                f"{ticket_type.name!r}",
                field=f"ticket_attributes.{unknown[0]}",
            )
        for name, value in attributes.items():
            if not _is_attribute_value(value):
                raise ParameterInvalid(
                    f"ticket_attributes {name!r} must be a string, number, boolean or list",
                    field=f"ticket_attributes.{name}",
                )
        company_id = fields.get("company_id")
        if company_id is not None and company_id not in self.state.companies:
            raise company_not_found()
        number = self.state.next_number("ticket")
        ticket = Ticket(
            id=str(500 + number),
            ticket_id=str(number),
            ticket_type=ticket_type,
            attributes=dict(attributes),
            state=dict(ticket_type.states[0]),
            contact_ids=[contact.id for contact in contacts],
            created_at=fields.get("created_at") or self.state.now(),
            company_id=company_id,
        )
        self.state.tickets[ticket.id] = ticket
        return self.render(ticket)

    def get(self, ticket_id: str) -> dict[str, Any]:
        ticket = self.state.tickets.get(ticket_id)
        if ticket is None:
            raise ticket_not_found()
        return self.render(ticket)

    def render(self, ticket: Ticket) -> dict[str, Any]:
        return ticket.to_dict(WORKSPACE_ID, self.state.contact_reference)

    def _contact(self, given: Any, index: int) -> Contact:
        field = f"contacts[{index}]"
        given = check_value(field, given, "object")
        keys = [key for key in ("id", "external_id", "email") if key in given]
        if len(keys) != 1 or len(given) != 1:
            raise ParameterInvalid(
                f"{field} must have exactly one of id, external_id or email", field=field
            )
        value = check_value(f"{field}.{keys[0]}", given[keys[0]], "string")
        state = self.state
        if keys[0] == "id":
            return state.contact(value)
        if keys[0] == "external_id":
            return state.contact(state.contact_by_external_id.get(value, ""))
        existing = state.contact_by_email.get(value.casefold())
        if existing is not None:
            return state.contacts[existing]
        return self._new_lead(value)

    def _new_lead(self, email: str) -> Contact:
        now = self.state.now()
        lead = Contact(self.state.object_id("contact", "6762f0dd"), "lead", now, now, email=email)
        self.state.contacts[lead.id] = lead
        return lead


class Messages:
    """Admin-initiated messages to a user or lead, each opening a conversation."""

    def __init__(self, state: State) -> None:
        self.state = state

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        fields = check_body(body, MESSAGE_BODY, MESSAGE_REQUIRED)
        message_type = require_choice("message_type", fields["message_type"], ("inapp", "email"))
        if not fields.get("body"):
            raise ParameterInvalid("Body is required", field="body")
        if message_type == "email" and not fields.get("subject"):
            raise Unprocessable("No subject supplied for email message", code="parameter_not_found")
        require_choice("template", fields.get("template", "plain"), ("plain", "personal"))
        admin = self._sender(fields["from"])
        contact = self._recipient(fields["to"])
        now = fields.get("created_at") or self.state.now()
        message_id = str(self.state.next_number("message", 2000))
        conversation = self._open_conversation(message_id, fields, admin, contact, now)
        contact.last_contacted_at = now
        message: dict[str, Any] = {
            "type": "admin_message",
            "id": message_id,
            "created_at": now,
            "body": fields["body"],
            "message_type": message_type,
            "conversation_id": conversation.id,
            "owner": admin.author(),
        }
        if fields.get("subject"):
            message["subject"] = fields["subject"]
        return message

    def _sender(self, sender: Mapping[str, Any]) -> Admin:
        require_choice("from.type", sender.get("type"), ("admin",))
        admin = self.state.admins.get(id_text("from.id", sender.get("id")))
        if admin is None:
            raise admin_not_found()
        return admin

    def _recipient(self, recipient: Mapping[str, Any]) -> Contact:
        role = require_choice("to.type", recipient.get("type"), ("user", "lead"))
        contact = self.state.contacts.get(id_text("to.id", recipient.get("id")))
        if contact is None or contact.role != role:
            raise contact_not_found()
        return contact

    def _open_conversation(
        self, message_id: str, fields: Mapping[str, Any], admin: Admin, contact: Contact, now: int
    ) -> Conversation:
        conversation = Conversation(
            id=str(self.state.next_number("conversation", 100)),
            created_at=now,
            updated_at=now,
            source={
                "type": "email" if fields["message_type"] == "email" else "conversation",
                "id": message_id,
                "delivered_as": "admin_initiated",
                "subject": fields.get("subject") or "",
                "body": fields["body"],
                "author": admin.author(),
                "attachments": [],
                "url": None,
                "redacted": False,
            },
            contact_ids=[contact.id],
            read=True,
        )
        self.state.conversations[conversation.id] = conversation
        return conversation


class Settings:
    """What the workspace is configured with: admins, ticket types, data attributes."""

    def __init__(self, state: State) -> None:
        self.state = state

    def me(self) -> dict[str, Any]:
        admin = self.state.admins[self.state.me_id]
        return {
            **admin.to_dict(),
            "avatar": {"type": "avatar", "image_url": None},
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": WORKSPACE_ID,
                "name": "Sandbox Workspace",
                "region": "US",
                "timezone": "Europe/Dublin",
                "created_at": 1_700_000_000,
                "identity_verification": False,
            },
        }

    def admins(self) -> dict[str, Any]:
        return {"type": "admin.list", "admins": [a.to_dict() for a in self.state.admins.values()]}

    def admin(self, admin_id: str) -> dict[str, Any]:
        admin = self.state.admins.get(admin_id)
        if admin is None:
            raise admin_not_found()
        return admin.to_dict()

    def ticket_types(self) -> dict[str, Any]:
        types = self.state.ticket_types.values()
        return {"type": "list", "data": [each.to_dict(WORKSPACE_ID) for each in types]}

    def data_attributes(self, query: Mapping[str, str]) -> dict[str, Any]:
        model = query.get("model")
        if model is not None:
            require_choice("model", model, ("contact", "company", "conversation"))
        archived = query.get("include_archived", "false")
        require_choice("include_archived", archived, ("true", "false"))
        data = [
            dict(each)
            for each in self.state.data_attributes
            if (model is None or each["model"] == model)
            and (archived == "true" or not each["archived"])
        ]
        return {"type": "list", "data": data}
