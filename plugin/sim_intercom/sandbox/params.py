"""Each operation's parameters, read from its query string or JSON body into typed values.

Everything a request can be refused for on its own (unknown or mistyped fields, missing ones,
values out of range) is refused here, before a backend looks anything up; what depends on
the workspace (unknown ids, duplicates, undefined attributes) is the backend's to refuse.
"""

from __future__ import annotations

import mimetypes
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..limits import MAX_ATTACHMENTS
from .companies import CompanyFields
from .contacts import ContactFields, ContactRef
from .conversations import NewReply
from .errors import ParameterInvalid, ParameterNotFound, Unprocessable
from .fields import KINDS, check_body, check_value, id_text, query_int, require_choice
from .messages import NewMessage
from .paging import Cursor, decode_cursor
from .records import Attachment
from .search import SearchRequest, check_sort_order, compile_query
from .tickets import NewTicket

Query = Mapping[str, str]
Body = Mapping[str, Any]

CONTACT_BODY = {
    "role": "string",
    "external_id": "string?",
    "email": "string?",
    "phone": "string?",
    "name": "string?",
    "avatar": "string?",
    "signed_up_at": "timestamp?",
    "last_seen_at": "timestamp?",
    "owner_id": "int32?",
    "unsubscribed_from_emails": "boolean?",
    "custom_attributes": "object?",
}
COMPANY_BODY = {
    "company_id": "string",
    "name": "string?",
    "plan": "string?",
    "size": "int32?",
    "website": "string?",
    "industry": "string?",
    "custom_attributes": "object?",
    "remote_created_at": "timestamp?",
    "monthly_spend": "number32?",
}
SEARCH_BODY = {"query": "object", "pagination": "object?", "sort": "object?"}
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
ROLES = ("user", "lead")
# "inapp" as the live API and Intercom's SDKs spell it, though the API description's enum
# says "in_app" (its README lists the difference): keep "inapp".
MESSAGE_TYPES = ("inapp", "email")
CONVERSATION_SORTS = ("created_at", "updated_at", "waiting_since")
ORDERS = ("asc", "desc")
MAX_PER_PAGE = 150
MAX_COMPANIES_PER_PAGE = 60


# Pages


def per_page(query: Query, default: int, maximum: int = MAX_PER_PAGE) -> int:
    return query_int("per_page", query.get("per_page"), default, maximum=maximum)


def cursor(query: Query) -> Cursor:
    return decode_cursor(query.get("starting_after"))


def company_page(query: Query) -> tuple[int, int]:
    """`per_page` (15 by default, at most 60, as Intercom allows) and `page` of a company list."""
    size = per_page(query, 15, MAX_COMPANIES_PER_PAGE)
    return size, query_int("page", query.get("page"), 1)


def descending(query: Query) -> bool:
    """`order`, newest first unless `asc`."""
    return require_choice("order", query.get("order", "desc"), ORDERS) == "desc"


def search_request(body: Body, model: str) -> SearchRequest:
    fields = check_body(body, SEARCH_BODY, required=("query",))
    matches = compile_query(fields["query"], model)
    sort = fields.get("sort") or {}
    sort_field = check_value("sort.field", sort.get("field"), "string?")
    sort_order = check_sort_order(sort.get("order")) if sort_field else None
    pagination = fields.get("pagination") or {}
    size = query_int("per_page", pagination.get("per_page"), 50, maximum=MAX_PER_PAGE)
    start = decode_cursor(pagination.get("starting_after"))
    return SearchRequest(matches, sort_field, sort_order, size, start)


# Workspace settings and conversations


def data_attribute_filter(query: Query) -> tuple[str | None, bool]:
    """The `model` asked for (every model when absent) and whether archived ones are wanted."""
    model = query.get("model")
    if model is not None:
        require_choice("model", model, ("contact", "company", "conversation"))
    archived = require_choice(
        "include_archived", query.get("include_archived", "false"), ("true", "false")
    )
    return model, archived == "true"


def as_text(query: Query) -> bool:
    """`display_as=plaintext`: part bodies as plain text rather than HTML."""
    display_as = query.get("display_as")
    if display_as not in (None, "", "plaintext"):
        raise ParameterInvalid("display_as must be 'plaintext'", field="display_as")
    return display_as == "plaintext"


def conversation_order(query: Query) -> tuple[str, bool]:
    """The time field conversations are listed by (`updated_at` by default), and the order."""
    sort = require_choice("sort", query.get("sort", "updated_at"), CONVERSATION_SORTS)
    return sort, descending(query)


# Contacts and companies


def contact_fields(body: Body) -> ContactFields:
    fields = check_body(body, CONTACT_BODY)
    if "role" in fields:
        require_choice("role", fields["role"], ROLES)
    email = fields.get("email")
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        raise ParameterInvalid(f"email {email!r} is not an email address", field="email")
    return ContactFields(frozenset(fields), **fields)


def company_fields(body: Body) -> CompanyFields:
    fields = check_body(body, COMPANY_BODY)
    if not fields.get("company_id"):
        raise ParameterNotFound("company_id not specified", field="company_id")
    return CompanyFields(given=frozenset(fields), **fields)


def company_to_attach(body: Body) -> str:
    """The Intercom id of the company to attach a contact to (other fields are ignored)."""
    company_id = body.get("id")
    if company_id is None or company_id == "":
        raise ParameterNotFound("company not specified", field="id")
    return str(company_id)


# Replies, tickets and messages


def reply(body: Body) -> NewReply:
    fields = check_body(body, REPLY_BODY, ("type", "message_type"))
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
    author = _admin_id(fields) if kind == "admin" else _reply_contact(fields)
    attachments = tuple(_attachment(url, index) for index, url in enumerate(urls))
    return NewReply(message_type, fields.get("body"), author, fields.get("created_at"), attachments)


def _admin_id(fields: Body) -> str:
    if fields.get("admin_id") in (None, ""):
        raise ParameterNotFound("admin_id not specified", field="admin_id")
    return id_text("admin_id", fields["admin_id"])


def _reply_contact(fields: Body) -> ContactRef:
    """The contact replying, by the first of `intercom_user_id`, `user_id` (Intercom's name
    for the external id here) and `email` given."""
    for name, key in (("intercom_user_id", "id"), ("user_id", "external_id"), ("email", "email")):
        if fields.get(name):
            return ContactRef(key, fields[name])
    raise ParameterNotFound(
        "intercom_user_id, user_id or email is required", field="intercom_user_id"
    )


def _attachment(url: object, index: int) -> Attachment:
    field = f"attachment_urls[{index}]"
    text: str = check_value(field, url, "string")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ParameterInvalid(f"{field} must be an http(s) URL, got {text!r}", field=field)
    name = posixpath.basename(parts.path) or parts.netloc
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Attachment(name, text, content_type)


def new_ticket(body: Body) -> NewTicket:
    fields = check_body(body, TICKET_BODY, ("ticket_type_id", "contacts"))
    type_id = id_text("ticket_type_id", fields["ticket_type_id"])
    contacts = [_ticket_contact(each, index) for index, each in enumerate(fields["contacts"])]
    if len(contacts) != 1:
        raise ParameterInvalid("contacts must list exactly one contact", field="contacts")
    attributes = fields.get("ticket_attributes") or {}
    attribute = KINDS["attribute"]
    for name, value in attributes.items():
        if value is not None and not attribute.test(value):
            raise ParameterInvalid(
                f"ticket_attributes {name!r} must be {attribute.expected}",
                field=f"ticket_attributes.{name}",
            )
    company_id, created_at = fields.get("company_id"), fields.get("created_at")
    return NewTicket(type_id, contacts[0], dict(attributes), company_id, created_at)


def _ticket_contact(given: object, index: int) -> ContactRef:
    field = f"contacts[{index}]"
    checked: dict[str, Any] = check_value(field, given, "object")
    keys = [key for key in ("id", "external_id", "email") if key in checked]
    if len(keys) != 1 or len(checked) != 1:
        raise ParameterInvalid(
            f"{field} must have exactly one of id, external_id or email", field=field
        )
    return ContactRef(keys[0], check_value(f"{field}.{keys[0]}", checked[keys[0]], "string"))


def new_message(body: Body) -> NewMessage:
    fields = check_body(body, MESSAGE_BODY, ("message_type", "from", "to"))
    message_type = require_choice("message_type", fields["message_type"], MESSAGE_TYPES)
    if not fields.get("body"):
        raise ParameterInvalid("Body is required", field="body")
    if message_type == "email" and not fields.get("subject"):
        raise Unprocessable("No subject supplied for email message", code="parameter_not_found")
    require_choice("template", fields.get("template", "plain"), ("plain", "personal"))
    sender, recipient = fields["from"], fields["to"]
    require_choice("from.type", sender.get("type"), ("admin",))
    from_id = id_text("from.id", sender.get("id"))
    to_role = require_choice("to.type", recipient.get("type"), ROLES)
    to_id = id_text("to.id", recipient.get("id"))
    return NewMessage(
        message_type,
        fields["body"],
        from_id,
        to_role,
        to_id,
        subject=fields.get("subject"),
        created_at=fields.get("created_at"),
    )
