"""Each operation's parameters, read from its query string or JSON body into typed values.

Everything a request can be refused for on its own (unknown or mistyped fields, missing ones,
values out of range) is refused here, before a backend looks anything up; what depends on
the workspace (unknown ids, duplicates, undefined attributes) is the backend's to refuse.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ..limits import MAX_ATTACHMENTS
from .calls import MAX_SEARCH_CONVERSATIONS
from .companies import CompanyFields
from .contacts import ContactFields, ContactRef
from .conversations import Action, ConversationChanges, NewReply
from .data_attributes import (
    DATA_TYPES,
    WRITABLE_MODELS,
    DataAttributeChanges,
    NewDataAttribute,
)
from .errors import BadRequest, ParameterInvalid, ParameterNotFound, Unprocessable
from .fields import KINDS, check_body, check_value, id_text, query_int, require_choice
from .fin import RATINGS, FinMessage
from .messages import NewContactMessage, NewMessage
from .notes import NewEvent
from .paging import Cursor, decode_cursor
from .records import Attachment, EventSummary
from .search import SearchRequest, check_sort_order, compile_query
from .ticket_types import CATEGORIES, AttributeFields, TicketTypeFields
from .ticket_types import DATA_TYPES as TICKET_ATTRIBUTE_TYPES
from .tickets import NewTicket, TicketChanges, TicketReply
from .visitors import Conversion, VisitorChanges

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
ACTION_BODIES = {
    "close": {"message_type": "string", "type": "string", "admin_id": "id", "body": "string?"},
    "open": {"message_type": "string", "type": "string?", "admin_id": "id"},
    "snoozed": {
        "message_type": "string",
        "type": "string?",
        "admin_id": "id",
        "snoozed_until": "timestamp",
    },
    "assignment": {
        "message_type": "string",
        "type": "string",
        "admin_id": "id",
        "assignee_id": "id",
        "body": "string?",
    },
}
CONVERSATION_BODY = {
    "from": "object",
    "body": "string",
    "subject": "string?",
    "attachment_urls": "array?",
    "created_at": "timestamp?",
}
TAG_BODY = {"name": "string", "id": "id?"}
NOTE_BODY = {"body": "string", "admin_id": "id?", "contact_id": "id?"}
EVENT_BODY = {
    "event_name": "string",
    "created_at": "timestamp",
    "user_id": "string?",
    "id": "string?",
    "email": "string?",
    "metadata": "object?",
}
MAX_EVENT_METADATA = 10
TICKET_UPDATE_BODY = {
    "ticket_attributes": "object?",
    "ticket_state_id": "id?",
    "company_id": "string?",
    "open": "boolean?",
    "is_shared": "boolean?",
    "snoozed_until": "timestamp?",
    "admin_id": "id?",
    "assignee_id": "id?",
    "skip_notifications": "boolean?",
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
    key = json.dumps([fields["query"], sort_field, sort_order], sort_keys=True)
    return SearchRequest(matches, sort_field, sort_order, size, start, key)


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


def _required(fields: Body, name: str) -> Any:
    """A field that must be there and not null."""
    if fields.get(name) is None:
        raise ParameterNotFound(f"{name} is required", field=name)
    return fields[name]


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


def conversation_action(body: Body) -> Action:
    """`POST /conversations/{id}/parts`: the fields of its `message_type`, and no others."""
    message_type = require_choice(
        "message_type", _required(body, "message_type"), tuple(ACTION_BODIES)
    )
    spec = ACTION_BODIES[message_type]
    required = [name for name, kind in spec.items() if not kind.endswith("?")]
    fields = check_body(body, spec)
    for name in required:
        _required(fields, name)
    kind = fields.get("type") or "admin"
    require_choice("type", kind, ("admin", "team") if message_type == "assignment" else ("admin",))
    assignee = fields.get("assignee_id")
    return Action(
        message_type,
        _admin_id(fields),
        body=fields.get("body"),
        snoozed_until=fields.get("snoozed_until"),
        assignee_id=None if assignee is None else id_text("assignee_id", assignee),
        assignee_type=kind,
    )


def new_conversation(body: Body) -> NewContactMessage:
    """`POST /conversations`: a contact (`from`) writes in."""
    fields = check_body(body, CONVERSATION_BODY)
    sender: dict[str, Any] = _required(fields, "from")
    if not _required(fields, "body"):
        raise ParameterInvalid("Body is required", field="body")
    role = require_choice("from.type", sender.get("type"), ("lead", "user", "contact"))
    from_id = check_value("from.id", _required(sender, "id"), "string")
    return NewContactMessage(role, from_id, fields["body"], fields.get("created_at"))


# Tags, notes and events


def _invalid_tag() -> ParameterInvalid:
    return ParameterInvalid("invalid tag parameters")


def tag_fields(body: Body) -> tuple[str, str | None]:
    """`POST /tags`: the name, and the id of a tag to rename (None to create or find).
    Anything else is Intercom's "invalid tag parameters"."""
    if any(name not in TAG_BODY for name in body):
        raise _invalid_tag()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _invalid_tag()
    tag_id = body.get("id")
    return name.strip(), None if tag_id is None else id_text("id", tag_id)


def tag_to_apply(body: Body) -> str:
    """`{id}`: the tag to apply (a string, or a number as Intercom's examples send)."""
    fields = check_body(body, {"id": "id"})
    return id_text("id", _required(fields, "id"))


def conversation_tag(body: Body) -> tuple[str, str]:
    """`{id, admin_id}`: the tag to apply to a conversation, and the admin applying it."""
    fields = check_body(body, {"id": "id", "admin_id": "id"})
    tag_id = id_text("id", _required(fields, "id"))
    return tag_id, id_text("admin_id", _required(fields, "admin_id"))


def note(body: Body) -> tuple[str, str | None]:
    """`POST /contacts/{id}/notes`: the body, and its author (the token's admin when None)."""
    fields = check_body(body, NOTE_BODY)
    text = _required(fields, "body")
    if not text.strip():
        raise ParameterInvalid("body must not be empty", field="body")
    admin_id = fields.get("admin_id")
    return text, None if admin_id is None else id_text("admin_id", admin_id)


def new_event(body: Body) -> NewEvent:
    """`POST /events`: `event_name`, `created_at`, one of `id`, `user_id` or `email`, and
    at most ten metadata values (strings, numbers, booleans, or objects such as a price)."""
    fields = check_body(body, EVENT_BODY)
    name: str = _required(fields, "event_name")
    if not name.strip():
        raise ParameterInvalid("event_name must not be empty", field="event_name")
    created_at: int = _required(fields, "created_at")
    contact = _one_contact(fields, ("id", "user_id", "email"))
    metadata: dict[str, Any] = fields.get("metadata") or {}
    if len(metadata) > MAX_EVENT_METADATA:
        raise ParameterInvalid(
            f"metadata takes at most {MAX_EVENT_METADATA} keys", field="metadata"
        )
    for key, value in metadata.items():
        if not isinstance(value, str | bool | dict) and not KINDS["float"].test(value):
            raise ParameterInvalid(
                f"metadata {key!r} must be a string, number, boolean or object",
                field=f"metadata.{key}",
            )
    return NewEvent(name, created_at, contact, dict(metadata))


def event_filter(query: Query) -> tuple[ContactRef, bool]:
    """`GET /events`: `type=user`, the contact (by `intercom_user_id`, `user_id` or
    `email`), and whether a `summary` is asked for."""
    if query.get("type") is None:
        raise ParameterNotFound("type is required", field="type")
    require_choice("type", query["type"], ("user",))
    contact = _one_contact(query, ("intercom_user_id", "user_id", "email"))
    summary = require_choice("summary", query.get("summary", "false"), ("true", "false"))
    return contact, summary == "true"


def _one_contact(fields: Mapping[str, Any], names: tuple[str, ...]) -> ContactRef:
    """The contact named by the first of `names` given."""
    keys = {"id": "id", "intercom_user_id": "id", "user_id": "external_id", "email": "email"}
    for name in names:
        if fields.get(name):
            return ContactRef(keys[name], str(fields[name]))
    raise ParameterNotFound(f"one of {', '.join(names)} is required", field=names[0])


def new_ticket(body: Body) -> NewTicket:
    fields = check_body(body, TICKET_BODY, ("ticket_type_id", "contacts"))
    type_id = id_text("ticket_type_id", fields["ticket_type_id"])
    contacts = [_ticket_contact(each, index) for index, each in enumerate(fields["contacts"])]
    if len(contacts) != 1:
        raise ParameterInvalid("contacts must list exactly one contact", field="contacts")
    attributes = _ticket_attributes(fields)
    company_id, created_at = fields.get("company_id"), fields.get("created_at")
    return NewTicket(type_id, contacts[0], dict(attributes), company_id, created_at)


def _ticket_attributes(fields: Body) -> dict[str, Any]:
    attributes: dict[str, Any] = fields.get("ticket_attributes") or {}
    attribute = KINDS["attribute"]
    for name, value in attributes.items():
        if value is not None and not attribute.test(value):
            raise ParameterInvalid(
                f"ticket_attributes {name!r} must be {attribute.expected}",
                field=f"ticket_attributes.{name}",
            )
    return attributes


def ticket_changes(body: Body) -> TicketChanges:
    """`PUT /tickets/{id}`; ids may come as strings or numbers (`admin_id` is a number in
    the description, `assignee_id` a string)."""
    fields = check_body(body, TICKET_UPDATE_BODY)
    attributes = _ticket_attributes(fields)
    ids = {
        name: None if fields.get(name) is None else id_text(name, fields[name])
        for name in ("ticket_state_id", "admin_id", "assignee_id")
    }
    given = frozenset(name for name in fields if name != "skip_notifications")
    return TicketChanges(
        given,
        ticket_attributes=attributes if "ticket_attributes" in fields else None,
        company_id=fields.get("company_id"),
        open=fields.get("open"),
        is_shared=fields.get("is_shared"),
        snoozed_until=fields.get("snoozed_until"),
        **ids,
    )


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


# People (issue 18, group A)

MERGE_BODY = {"from": "id", "into": "id"}
COMPANY_UPDATE_BODY = {
    name: kind
    for name, kind in COMPANY_BODY.items()
    if name not in ("company_id", "remote_created_at")
}
SUBSCRIPTION_BODY = {"id": "id", "consent_type": "string"}
VISITOR_BODY = {
    "id": "string?",
    "user_id": "string?",
    "name": "string?",
    "custom_attributes": "object?",
}
CONVERT_BODY = {"type": "string", "user": "object", "visitor": "object"}
DATA_ATTRIBUTE_BODY = {
    "name": "string",
    "model": "string",
    "data_type": "string",
    "description": "string?",
    "options": "array?",
    "messenger_writable": "boolean?",
}
DATA_ATTRIBUTE_UPDATE_BODY = {
    "archived": "boolean?",
    "description": "string?",
    "options": "array?",
    "messenger_writable": "boolean?",
}
EVENT_SUMMARIES_BODY = {"user_id": "string", "event_summaries": "object"}
EVENT_SUMMARY_FIELDS = {
    "event_name": "string",
    "count": "int32",
    "first": "timestamp",
    "last": "timestamp",
}


def merge(body: Body) -> tuple[str, str]:
    """`POST /contacts/merge`: the lead (`from`) and the user it merges `into`."""
    fields = check_body(body, MERGE_BODY, ("from", "into"))
    return id_text("from", fields["from"]), id_text("into", fields["into"])


def company_changes(body: Body) -> CompanyFields:
    """`PUT /companies/{id}`: the fields to change; `company_id` is not one of them."""
    fields = check_body(body, COMPANY_UPDATE_BODY)
    return CompanyFields(company_id="", given=frozenset(fields), **fields)


def company_filter(query: Query) -> tuple[str | None, str | None, str | None, str | None]:
    """`GET /companies`: `company_id`, `name`, `tag_id` and `segment_id`, each optional."""
    names = ("company_id", "name", "tag_id", "segment_id")
    company_id, name, tag_id, segment_id = (query.get(each) or None for each in names)
    return company_id, name, tag_id, segment_id


def scroll_param(query: Query) -> Cursor:
    return decode_cursor(query.get("scroll_param"), "scroll_param")


def include_count(query: Query) -> bool:
    flag = require_choice("include_count", query.get("include_count", "false"), ("true", "false"))
    return flag == "true"


def subscription(body: Body) -> tuple[str, str]:
    """`POST /contacts/{id}/subscriptions`: the subscription type and the consent given."""
    fields = check_body(body, SUBSCRIPTION_BODY, ("id", "consent_type"))
    consent = require_choice("consent_type", fields["consent_type"], ("opt_in", "opt_out"))
    return id_text("id", fields["id"]), consent


def admin_acting(body: Body) -> str:
    """`{admin_id}`: the admin removing a tag from a conversation or ticket."""
    fields = check_body(body, {"admin_id": "id"})
    return id_text("admin_id", _required(fields, "admin_id"))


def visitor_changes(body: Body) -> VisitorChanges:
    """`PUT /visitors`: the visitor by `id` or `user_id`, and its new name or attributes."""
    fields = check_body(body, VISITOR_BODY)
    ref = _one_visitor(fields, "")
    given = frozenset(name for name in ("name", "custom_attributes") if name in fields)
    return VisitorChanges(ref, given, fields.get("name"), fields.get("custom_attributes"))


def visitor_user_id(query: Query) -> ContactRef:
    """`GET /visitors?user_id=`."""
    if not query.get("user_id"):
        raise ParameterNotFound("user_id is required", field="user_id")
    return ContactRef("user_id", query["user_id"])


def visitor_conversion(body: Body) -> Conversion:
    """`POST /visitors/convert`: `type` user or lead, the `user` it becomes (by id,
    user_id or email) and the `visitor` (by id, user_id or email)."""
    fields = check_body(body, CONVERT_BODY, ("type", "user", "visitor"))
    role = require_choice("type", fields["type"], ROLES)
    user = _one_visitor(fields["user"], "user.", with_email=True)
    email = check_value("user.email", fields["user"].get("email"), "string?")
    visitor = _one_visitor(fields["visitor"], "visitor.", with_email=True)
    return Conversion(visitor, role, user, email or None)


def _one_visitor(fields: Body, where: str, with_email: bool = False) -> ContactRef:
    """The first of `id`, `user_id` (and `email`) given, each a non-empty string."""
    names = ("id", "user_id", "email") if with_email else ("id", "user_id")
    for name in names:
        value = check_value(f"{where}{name}", fields.get(name), "string?")
        if value:
            return ContactRef(name, value)
    raise ParameterNotFound(f"one of {', '.join(names)} is required", field=f"{where}id")


def new_data_attribute(body: Body) -> NewDataAttribute:
    fields = check_body(body, DATA_ATTRIBUTE_BODY, ("name", "model", "data_type"))
    model = require_choice("model", fields["model"], WRITABLE_MODELS)
    data_type = require_choice("data_type", fields["data_type"], DATA_TYPES)
    return NewDataAttribute(
        fields["name"],
        model,
        data_type,
        fields.get("description"),
        _options(fields.get("options")),
        bool(fields.get("messenger_writable")),
    )


def data_attribute_changes(body: Body) -> DataAttributeChanges:
    fields = check_body(body, DATA_ATTRIBUTE_UPDATE_BODY)
    options = _options(fields.pop("options", None))
    given = frozenset(fields) | ({"options"} if options is not None else frozenset())
    return DataAttributeChanges(given, options=options, **fields)


def _options(given: list[Any] | None) -> list[str] | None:
    """A list attribute's options, `[{"value": "1-10"}, ...]`, as their values."""
    if given is None:
        return None
    values = []
    for index, option in enumerate(given):
        checked = check_body(
            check_value(f"options[{index}]", option, "object"), {"value": "string"}
        )
        values.append(_required(checked, "value"))
    return values


def event_summaries(body: Body) -> tuple[ContactRef, EventSummary]:
    """`POST /events/summaries`: the contact (`user_id`, its external id) and one summary."""
    fields = check_body(body, EVENT_SUMMARIES_BODY, ("user_id", "event_summaries"))
    summary = check_body(
        fields["event_summaries"], EVENT_SUMMARY_FIELDS, tuple(EVENT_SUMMARY_FIELDS)
    )
    if summary["first"] > summary["last"] or summary["count"] < 1:
        raise ParameterInvalid(
            "event_summaries needs count of at least 1 and first no later than last",
            field="event_summaries",
        )
    ref = ContactRef("external_id", fields["user_id"])
    return ref, EventSummary(
        summary["event_name"], summary["count"], summary["first"], summary["last"]
    )


# --- B: support: conversations, tickets, ticket types, admins, calls, Fin ---

CONVERSATION_UPDATE_BODY = {
    "read": "boolean?",
    "title": "string?",
    "custom_attributes": "object?",
    "company_id": "string?",
}
TICKET_TYPE_BODY = {
    "name": "string?",
    "description": "string?",
    "category": "string?",
    "icon": "string?",
    "is_internal": "boolean?",
    "archived": "boolean?",
}
ATTRIBUTE_BODY = {
    "name": "string?",
    "description": "string?",
    "data_type": "string?",
    "required_to_create": "boolean?",
    "required_to_create_for_contacts": "boolean?",
    "visible_on_create": "boolean?",
    "visible_to_contacts": "boolean?",
    "multiline": "boolean?",
    "list_items": "string?",
    "allow_multiple_values": "boolean?",
    "archived": "boolean?",
}
TICKET_REPLY_BODY = {**REPLY_BODY, "skip_notifications": "boolean?", "cross_post": "boolean?"}
AWAY_BODY = {
    "away_mode_enabled": "boolean",
    "away_mode_reassign": "boolean",
    "away_status_reason_id": "id?",
}
FIN_BODY = {
    "conversation_id": "string",
    "message": "object",
    "user": "object",
    "attachments": "array?",
    "conversation_metadata": "object?",
}
FIN_CSAT_BODY = {"conversation_id": "string", "rating": "string", "remark": "string?"}
MAX_FIN_ATTACHMENTS = 10
MAX_CALLS_PER_PAGE = 25


def conversation_changes(body: Body) -> ConversationChanges:
    fields = check_body(body, CONVERSATION_UPDATE_BODY)
    return ConversationChanges(**fields)


def participant(body: Body) -> tuple[str, ContactRef]:
    """`{admin_id, customer: {intercom_user_id | user_id | email}}`."""
    fields = check_body(body, {"admin_id": "id", "customer": "object"}, ("customer",))
    customer = fields["customer"]
    keys = [name for name in ("intercom_user_id", "user_id", "email") if name in customer]
    if len(keys) != 1:
        raise ParameterInvalid(
            "customer must have exactly one of intercom_user_id, user_id or email",
            field="customer",
        )
    return _admin_id(fields), _one_contact(customer, (keys[0],))


def admin_only(body: Body) -> str:
    """`{admin_id}`: the admin acting."""
    return _admin_id(check_body(body, {"admin_id": "id"}))


def redaction(body: Body) -> tuple[str, str | None, str | None]:
    """The conversation, and the part (`type: conversation_part`) or source to redact."""
    kind = require_choice("type", _required(body, "type"), ("conversation_part", "source"))
    key = "conversation_part_id" if kind == "conversation_part" else "source_id"
    spec = {"type": "string", "conversation_id": "id", key: "id"}
    fields = check_body(body, spec, tuple(spec))
    target = id_text(key, fields[key])
    conversation_id = id_text("conversation_id", fields["conversation_id"])
    return (
        (conversation_id, target, None)
        if kind == "conversation_part"
        else (
            conversation_id,
            None,
            target,
        )
    )


def ticket_conversion(body: Body) -> tuple[str, dict[str, Any]]:
    """`{ticket_type_id, attributes}`: the type of the ticket a conversation becomes."""
    fields = check_body(
        body, {"ticket_type_id": "id", "attributes": "object?"}, ("ticket_type_id",)
    )
    attributes = _ticket_attributes({"ticket_attributes": fields.get("attributes")})
    return id_text("ticket_type_id", fields["ticket_type_id"]), attributes


def ticket_reply(body: Body) -> TicketReply:
    """A ticket reply takes what a conversation reply takes, and `skip_notifications`."""
    fields = check_body(body, TICKET_REPLY_BODY, ("type", "message_type"))
    plain = {k: v for k, v in fields.items() if k not in ("skip_notifications", "cross_post")}
    given = reply(plain)
    return TicketReply(
        given.message_type, given.body, given.author, given.created_at, given.attachments
    )


def ticket_type_fields(body: Body, *, creating: bool) -> TicketTypeFields:
    fields = check_body(body, TICKET_TYPE_BODY)
    if creating:
        if "archived" in fields:
            raise BadRequest("bad 'archived' parameter", field="archived")
        if not (fields.get("name") or "").strip():
            raise ParameterNotFound("name is required", field="name")
    elif fields.get("name") is not None and not fields["name"].strip():
        raise ParameterInvalid("name must not be empty", field="name")
    if fields.get("category") is not None:
        require_choice("category", fields["category"], CATEGORIES)
    return TicketTypeFields(**fields)


def attribute_fields(body: Body, *, creating: bool) -> AttributeFields:
    fields = check_body(body, ATTRIBUTE_BODY)
    if creating:
        for name in ("name", "description", "data_type"):
            if not fields.get(name):
                raise ParameterNotFound(f"{name} is required", field=name)
        if "archived" in fields:
            raise BadRequest("bad 'archived' parameter", field="archived")
        require_choice("data_type", fields["data_type"], TICKET_ATTRIBUTE_TYPES)
    elif "data_type" in fields:
        raise BadRequest("bad 'data_type' parameter", field="data_type")
    if fields.get("name") is not None and not fields["name"].strip():
        raise ParameterInvalid("name must not be empty", field="name")
    items = fields.pop("list_items", None)
    listed = None if items is None else tuple(i.strip() for i in items.split(",") if i.strip())
    return AttributeFields(**fields, list_items=listed)


def away(body: Body) -> tuple[bool, bool, str | None]:
    fields = check_body(body, AWAY_BODY, ("away_mode_enabled", "away_mode_reassign"))
    reason = fields.get("away_status_reason_id")
    reason_id = None if reason is None else id_text("away_status_reason_id", reason)
    return fields["away_mode_enabled"], fields["away_mode_reassign"], reason_id


def activity_period(query: Query) -> tuple[int, int | None]:
    """`created_at_after` (required) and `created_at_before`, Unix seconds as text."""
    if query.get("created_at_after") in (None, ""):
        raise ParameterNotFound("created_at_after is required", field="created_at_after")
    after = query_int("created_at_after", query["created_at_after"], 0, minimum=0)
    before_text = query.get("created_at_before")
    before = None
    if before_text not in (None, ""):
        before = query_int("created_at_before", before_text, 0, minimum=0)
    return after, before


def call_page(query: Query) -> tuple[int, int]:
    """`per_page` (25 by default and at most) and `page` of the call list."""
    size = per_page(query, MAX_CALLS_PER_PAGE, MAX_CALLS_PER_PAGE)
    return size, query_int("page", query.get("page"), 1)


def call_search(body: Body) -> list[str]:
    fields = check_body(body, {"conversation_ids": "array"}, ("conversation_ids",))
    ids = fields["conversation_ids"]
    if not 1 <= len(ids) <= MAX_SEARCH_CONVERSATIONS:
        raise ParameterInvalid(
            f"conversation_ids takes 1 to {MAX_SEARCH_CONVERSATIONS} ids", field="conversation_ids"
        )
    return [check_value(f"conversation_ids[{n}]", each, "string") for n, each in enumerate(ids)]


def phone(body: Body) -> str:
    fields = check_body(body, {"phone": "string", "custom_attributes": "object?"}, ("phone",))
    if fields.get("custom_attributes"):
        raise Unprocessable(
            "custom_attributes are not accepted in the sandbox: no conversation attribute "
            "is defined for a phone switch",
            code="parameter_invalid",
        )
    return str(fields["phone"])


def fin_message(body: Body) -> FinMessage:
    """A Fin Agent request: your conversation id, the user (`id`) and their message."""
    fields = check_body(body, FIN_BODY, ("conversation_id", "message", "user"))
    conversation_id = fields["conversation_id"]
    if not conversation_id.strip():
        raise ParameterInvalid("conversation_id must not be empty", field="conversation_id")
    user, message = fields["user"], fields["message"]
    user_id = check_value("user.id", _required(user, "id"), "string")
    for name in ("name", "email"):
        check_value(f"user.{name}", user.get(name), "string?")
    check_value("user.attributes", user.get("attributes"), "object?")
    require_choice("message.author", _required(message, "author"), ("user", "agent", "fin"))
    text = check_value("message.body", _required(message, "body"), "string")
    check_value("message.timestamp", _required(message, "timestamp"), "string")
    attachments = fields.get("attachments") or []
    if len(attachments) > MAX_FIN_ATTACHMENTS:
        raise ParameterInvalid(
            f"attachments takes at most {MAX_FIN_ATTACHMENTS} items", field="attachments"
        )
    for index, each in enumerate(attachments):
        item = check_value(f"attachments[{index}]", each, "object")
        require_choice(f"attachments[{index}].type", item.get("type"), ("url", "file"))
    return FinMessage(conversation_id, user_id, text)


def fin_rating(body: Body) -> tuple[str, str, str | None]:
    fields = check_body(body, FIN_CSAT_BODY, ("conversation_id", "rating"))
    rating = require_choice("rating", fields["rating"], RATINGS)
    return fields["conversation_id"], rating, fields.get("remark")
