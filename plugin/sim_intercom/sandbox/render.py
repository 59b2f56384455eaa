"""Records as Intercom 2.14 renders them: every JSON object the sandbox answers is built here."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from .paging import Page
from .records import (
    ADMIN_AUTHORS,
    Admin,
    AppliedTag,
    Attachment,
    Author,
    Company,
    Contact,
    Conversation,
    DataAttribute,
    DataEvent,
    EventSummary,
    Message,
    Note,
    Part,
    Segment,
    Source,
    SubscriptionType,
    Tag,
    Team,
    Ticket,
    TicketState,
    TicketType,
    TicketTypeAttribute,
    Visitor,
)

Json = dict[str, Any]
Contacts = Mapping[str, Contact]
R = TypeVar("R")

WORKSPACE_ID = "sandboxws"
APP_ID = "sandbox-app"
NESTED_LIMIT = 10
ASSIGNMENTS = frozenset({"assignment", "assign_and_reopen"})
REOPENS = frozenset({"open", "assign_and_reopen"})
_DEVICE_FIELDS = [
    "language_override",
    "browser",
    "browser_version",
    "browser_language",
    "os",
    "android_app_name",
    "android_app_version",
    "android_device",
    "android_os_version",
    "android_sdk_version",
    "android_last_seen_at",
    "ios_app_name",
    "ios_app_version",
    "ios_device",
    "ios_os_version",
    "ios_sdk_version",
    "ios_last_seen_at",
]
_UTM_FIELDS = ["utm_campaign", "utm_content", "utm_medium", "utm_source", "utm_term", "referrer"]
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|ul|ol|blockquote|pre|tr)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


# Lists and pages


def pages(page: Page[Any]) -> Json:
    """Intercom's `pages`; `next` only when another page follows."""
    rendered: Json = {
        "type": "pages",
        "page": page.page,
        "per_page": page.per_page,
        "total_pages": page.total_pages,
    }
    if page.following is not None:
        rendered["next"] = {"page": page.following.page, "starting_after": page.following.encode()}
    return rendered


def listing(
    page: Page[R], render: Callable[[R], Json], kind: str = "list", key: str = "data"
) -> Json:
    """A page of records as Intercom lists them: `{type, <key>: [...], total_count, pages}`."""
    return {
        "type": kind,
        key: [render(each) for each in page.items],
        "total_count": page.total,
        "pages": pages(page),
    }


def _nested(kind: str, ids: list[str] | None, url: str, path: str) -> Json:
    """A contact's nested list (tags, notes, companies): up to 10 references and a url."""
    ids = ids or []
    data = [{"type": kind, "id": each, "url": f"/{path}/{each}"} for each in ids[:NESTED_LIMIT]]
    return {
        "type": "list",
        "data": data,
        "url": url,
        "total_count": len(ids),
        "has_more": len(ids) > NESTED_LIMIT,
    }


def _empty_list() -> Json:
    return {"type": "list", "data": [], "total_count": 0, "has_more": False}


# Admins and workspace settings


def admin(record: Admin) -> Json:
    return {
        "type": "admin",
        "id": record.id,
        "name": record.name,
        "email": record.email,
        "job_title": record.job_title,
        "away_mode_enabled": record.away_mode_enabled,
        "away_mode_reassign": record.away_mode_reassign,
        "away_status_reason_id": record.away_status_reason_id,
        "has_inbox_seat": record.has_inbox_seat,
        "team_ids": list(record.team_ids),
        "avatar": None,
        "team_priority_level": {},
    }


def me(record: Admin) -> Json:
    """`GET /me`: the token's admin, with the workspace it belongs to."""
    return {
        **admin(record),
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


def admins(records: Iterable[Admin]) -> Json:
    return {"type": "admin.list", "admins": [admin(each) for each in records]}


def team(record: Team) -> Json:
    return {
        "type": "team",
        "id": record.id,
        "name": record.name,
        "admin_ids": list(record.admin_ids),
        "admin_priority_level": {"primary_admin_ids": [], "secondary_admin_ids": []},
        "assignment_limit": None,
        "distribution_method": "round_robin",
    }


def teams(records: Iterable[Team]) -> Json:
    return {"type": "team.list", "teams": [team(each) for each in records]}


def author(record: Author) -> Json:
    return {"type": record.type, "id": record.id, "name": record.name, "email": record.email}


# Data types a definition may name but Intercom answers as another (the description's enum):
# a list attribute is a string with `options`, a datetime a date.
_ANSWERED_DATA_TYPES = {"options": "string", "datetime": "date"}


def data_attribute(record: DataAttribute) -> Json:
    return {
        "type": "data_attribute",
        "id": record.id,
        "model": record.model,
        "name": record.name,
        "full_name": f"custom_attributes.{record.name}" if record.custom else record.name,
        "label": record.label,
        "description": record.description or f"{record.label} of the {record.model}",
        "data_type": _ANSWERED_DATA_TYPES.get(record.data_type, record.data_type),
        **({"options": list(record.options)} if record.options else {}),
        "api_writable": True,
        "messenger_writable": record.messenger_writable,
        "ui_writable": True,
        "custom": record.custom,
        "archived": record.archived,
        "created_at": record.created_at,
        "updated_at": record.updated_at or record.created_at,
        "admin_id": record.admin_id,
    }


def data_attributes(records: Iterable[DataAttribute]) -> Json:
    return {"type": "list", "data": [data_attribute(each) for each in records]}


# Contacts


def contact_reference(contact_id: str, contacts: Contacts) -> Json:
    """A contact as other objects name it; one since deleted keeps its id."""
    record = contacts.get(contact_id)
    external_id = record.external_id if record is not None else None
    return {"type": "contact", "id": contact_id, "external_id": external_id}


def deleted_contact(record: Contact) -> Json:
    return {"type": "contact", "id": record.id, "external_id": record.external_id, "deleted": True}


def contact(record: Contact) -> Json:
    rendered: Json = {
        "type": "contact",
        "id": record.id,
        "workspace_id": WORKSPACE_ID,
        "external_id": record.external_id,
        "role": record.role,
    }
    if record.email is not None:
        rendered["email"] = record.email
        rendered["email_domain"] = record.email.rpartition("@")[2]
    rendered.update(_profile(record))
    rendered.update(dict.fromkeys(_DEVICE_FIELDS))
    rendered["location"] = _location(record)
    rendered["custom_attributes"] = dict(record.custom_attributes or {})
    rendered.update(_contact_lists(record))
    rendered.update(dict.fromkeys(_UTM_FIELDS))
    rendered["enabled_push_messaging"] = None
    return rendered


def _profile(record: Contact) -> Json:
    avatar = {"type": "avatar", "image_url": record.avatar} if record.avatar else None
    return {
        "phone": record.phone,
        "name": record.name,
        "avatar": avatar,
        "owner_id": record.owner_id,
        "social_profiles": {"type": "list", "data": []},
        "has_hard_bounced": False,
        "marked_email_as_spam": False,
        "unsubscribed_from_emails": record.unsubscribed_from_emails,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "signed_up_at": record.signed_up_at,
        "last_seen_at": record.last_seen_at,
        "last_replied_at": record.last_replied_at,
        "last_contacted_at": record.last_contacted_at,
        "last_email_opened_at": None,
        "last_email_clicked_at": None,
    }


def _location(record: Contact) -> Json:
    country, region, city, country_code, continent_code = record.location or (None,) * 5
    return {
        "type": "location",
        "country": country,
        "region": region,
        "city": city,
        "country_code": country_code,
        "continent_code": continent_code,
    }


def _contact_lists(record: Contact) -> Json:
    base = f"/contacts/{record.id}"
    chosen = record.subscriptions or {}
    consents = {
        consent: [key for key, value in chosen.items() if value == consent]
        for consent in ("opt_in", "opt_out")
    }
    url = f"{base}/subscriptions"
    return {
        "tags": _nested("tag", record.tag_ids, f"{base}/tags", "tags"),
        "notes": _nested("note", record.note_ids, f"{base}/notes", "notes"),
        "companies": _nested("company", record.company_ids, f"{base}/companies", "companies"),
        "opted_out_subscription_types": _nested(
            "subscription", consents["opt_out"], url, "subscriptions"
        ),
        "opted_in_subscription_types": _nested(
            "subscription", consents["opt_in"], url, "subscriptions"
        ),
    }


def contact_for_search(record: Contact) -> Json:
    """The fields contact search reads, without rendering the whole contact."""
    country, region, city, *_ = record.location or (None, None, None)
    return {
        "type": "contact",
        "id": record.id,
        "role": record.role,
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "external_id": record.external_id,
        "owner_id": record.owner_id,
        "avatar": record.avatar,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "signed_up_at": record.signed_up_at,
        "last_seen_at": record.last_seen_at,
        "last_replied_at": record.last_replied_at,
        "last_contacted_at": record.last_contacted_at,
        "unsubscribed_from_emails": record.unsubscribed_from_emails,
        "marked_email_as_spam": False,
        "has_hard_bounced": False,
        "location": {"country": country, "region": region, "city": city},
        "custom_attributes": record.custom_attributes or {},
        "tags": {"data": [{"id": each} for each in record.tag_ids or ()]},
        "companies": {"data": [{"id": each} for each in record.company_ids or ()]},
    }


# Tags, notes and data events


def tag(record: Tag) -> Json:
    return {"type": "tag", "id": record.id, "name": record.name}


def applied_tag(record: AppliedTag) -> Json:
    """A tag as a tagging operation answers it: when it was applied, and by whom."""
    return {
        **tag(record.tag),
        "applied_at": record.applied_at,
        "applied_by": {"type": "admin", "id": record.applied_by},
    }


def tag_list(records: Iterable[Tag | AppliedTag]) -> Json:
    rendered = [tag(each) if isinstance(each, Tag) else applied_tag(each) for each in records]
    return {"type": "list", "data": rendered}


def note(record: Note) -> Json:
    return {
        "type": "note",
        "id": record.id,
        "created_at": record.created_at,
        "contact": {"type": "contact", "id": record.contact_id},
        "author": admin(record.author),
        "body": record.body,
    }


def _iso(timestamp: int) -> str:
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")


def data_events(contact: Contact, events: list[DataEvent]) -> Json:
    """`GET /events`: the contact's events, newest first."""
    ids = {"user_id": contact.external_id, "intercom_user_id": contact.id, "email": contact.email}
    present = {key: value for key, value in ids.items() if value is not None}
    rendered = [
        {
            "type": "event",
            "event_name": each.event_name,
            "created_at": each.created_at,
            **present,
            "id": contact.id,
            "metadata": dict(each.metadata),
        }
        for each in events
    ]
    return {"type": "event.list", "events": rendered, "pages": {}}


def data_event_summary(contact: Contact, summaries: list[EventSummary]) -> Json:
    """`GET /events?summary=true`: per event name, how often and when first and last."""
    rendered: Json = {
        "type": "event.summary",
        "intercom_user_id": contact.id,
        "events": [
            {
                "name": each.name,
                "first": _iso(each.first),
                "last": _iso(each.last),
                "count": each.count,
            }
            for each in summaries
        ],
    }
    if contact.email is not None:
        rendered["email"] = contact.email
    if contact.external_id is not None:
        rendered["user_id"] = contact.external_id
    return rendered


# Companies


def company(record: Company) -> Json:
    rendered: Json = {
        "type": "company",
        "company_id": record.company_id,
        "id": record.id,
        "app_id": APP_ID,
        "name": record.name if record.name is not None else "",
        "remote_created_at": record.remote_created_at or record.created_at,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
    optional = {
        "last_request_at": record.last_request_at,
        "size": record.size,
        "website": record.website,
        "industry": record.industry,
    }
    rendered.update({key: value for key, value in optional.items() if value is not None})
    rendered.update(
        {
            "monthly_spend": record.monthly_spend,
            "session_count": record.session_count,
            "user_count": len(record.contact_ids),
            "tags": {"type": "tag.list", "tags": []},
            "segments": {"type": "segment.list", "segments": []},
            "plan": _plan(record.plan),
            "custom_attributes": dict(record.custom_attributes),
        }
    )
    return rendered


def _plan(name: str | None) -> Json:
    if name is None:
        return {}
    return {"type": "plan", "id": f"plan_{name.casefold()}", "name": name}


def company_list(page: Page[Company]) -> Json:
    """Companies by page number: Intercom puts `pages` before `total_count` here."""
    return {
        "type": "list",
        "data": [company(each) for each in page.items],
        "pages": pages(page),
        "total_count": page.total,
    }


# Conversations


def plaintext(body: str | None) -> str | None:
    """An HTML part body as plain text, one line per paragraph, as `display_as=plaintext` does."""
    if body is None:
        return None
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def attachment(record: Attachment) -> Json:
    return {
        "type": "upload",
        "name": record.name,
        "url": record.url,
        "content_type": record.content_type,
        "filesize": 0,
        "width": 0,
        "height": 0,
    }


def part(record: Part, as_text: bool = False) -> Json:
    return {
        "type": "conversation_part",
        "id": record.id,
        "part_type": record.part_type,
        "body": plaintext(record.body) if as_text else record.body,
        "created_at": record.created_at,
        "updated_at": record.created_at,
        "notified_at": record.created_at,
        "assigned_to": _assigned_to(record.assigned_to),
        "author": author(record.author),
        "attachments": [attachment(each) for each in record.attachments],
        "external_id": None,
        "redacted": record.redacted,
        "email_message_metadata": None,
        "metadata": {},
        "state": record.state,
        "tags": [],
        "event_details": None,
        "app_package_code": None,
    }


def _assigned_to(target: tuple[str, str] | None) -> Json | None:
    return None if target is None else {"type": target[0], "id": target[1]}


def source(record: Source, as_text: bool = False) -> Json:
    return {
        "type": record.type,
        "id": record.id,
        "delivered_as": record.delivered_as,
        "subject": record.subject,
        "body": plaintext(record.body) if as_text else record.body,
        "author": author(record.author),
        "attachments": [],
        "url": None,
        "redacted": record.redacted,
    }


def conversation(
    record: Conversation, contacts: Contacts, *, parts: bool = True, as_text: bool = False
) -> Json:
    """The conversation; list and search items leave out `conversation_parts`."""
    rendered: Json = {
        "type": "conversation",
        "id": record.id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "waiting_since": record.waiting_since,
        "snoozed_until": record.snoozed_until,
        "source": source(record.source, as_text),
        "contacts": {
            "type": "contact.list",
            "contacts": [contact_reference(each, contacts) for each in record.contact_ids],
        },
        "first_contact_reply": _first_contact_reply(record),
        "admin_assignee_id": record.admin_assignee_id,
        "team_assignee_id": record.team_assignee_id,
        "open": record.state == "open",
        "state": record.state,
        "read": record.read,
        "tags": {"type": "tag.list", "tags": [applied_tag(each) for each in record.tags]},
        "priority": record.priority,
        "sla_applied": None,
        "statistics": statistics(record),
        "conversation_rating": None,
        "teammates": _teammates(record),
        "title": record.title,
        "custom_attributes": dict(record.custom_attributes),
        "topics": {},
        "ticket": None,
        "linked_objects": _empty_list(),
        "ai_agent": None,
        "ai_agent_participated": any(p.author.type == "bot" for p in record.parts),
    }
    if parts:
        rendered["conversation_parts"] = {
            "type": "conversation_part.list",
            "conversation_parts": [part(each, as_text) for each in record.parts],
            "total_count": len(record.parts),
        }
    return rendered


def conversation_list(page: Page[Conversation], contacts: Contacts) -> Json:
    return listing(
        page,
        lambda each: conversation(each, contacts, parts=False),
        kind="conversation.list",
        key="conversations",
    )


def _first_contact_reply(record: Conversation) -> Json | None:
    times = record.contact_reply_times()
    if not times:
        return None
    return {"created_at": times[0], "type": "conversation", "url": None}


def _teammates(record: Conversation) -> Json:
    ids = dict.fromkeys(p.author.id for p in record.parts if p.author.type == "admin")
    return {"type": "admin.list", "teammates": [{"type": "admin", "id": each} for each in ids]}


def statistics(record: Conversation) -> Json:
    """Statistics derived from the parts, so they always agree with them."""
    parts = record.parts
    stats: Json = {"type": "conversation_statistics"}
    contact_times = record.contact_reply_times()
    admin_times = [
        p.created_at for p in parts if p.author.type in ADMIN_AUTHORS and p.part_type == "comment"
    ]
    closes = [p for p in parts if p.part_type == "close"]
    assignments = [p.created_at for p in parts if p.part_type in ASSIGNMENTS]
    if contact_times:
        stats.update(
            first_contact_reply_at=contact_times[0], last_contact_reply_at=contact_times[-1]
        )
    if admin_times:
        stats.update(
            first_admin_reply_at=admin_times[0],
            last_admin_reply_at=admin_times[-1],
            time_to_admin_reply=admin_times[0] - record.created_at,
        )
    if closes:
        stats.update(
            first_close_at=closes[0].created_at,
            last_close_at=closes[-1].created_at,
            time_to_first_close=closes[0].created_at - record.created_at,
            time_to_last_close=closes[-1].created_at - record.created_at,
            last_closed_by_id=closes[-1].author.id,
        )
    if assignments:
        stats.update(
            first_assignment_at=assignments[0],
            last_assignment_at=assignments[-1],
            time_to_assignment=assignments[0] - record.created_at,
        )
    stats.update(
        count_reopens=sum(p.part_type in REOPENS for p in parts),
        count_assignments=len(assignments),
        count_conversation_parts=len(parts) + 1,
    )
    return stats


# Tickets and messages


def ticket_type_attribute(record: TicketTypeAttribute, ticket_type_id: str) -> Json:
    return {
        "type": "ticket_type_attribute",
        "id": record.id,
        "workspace_id": WORKSPACE_ID,
        "name": record.name,
        "description": record.description or record.name.strip("_").replace("_", " ").capitalize(),
        "data_type": record.data_type,
        "input_options": _input_options(record),
        "order": record.order,
        "required_to_create": record.required,
        "required_to_create_for_contacts": record.required
        if record.required_for_contacts is None
        else record.required_for_contacts,
        "visible_on_create": record.visible_on_create,
        "visible_to_contacts": record.visible_to_contacts,
        "default": record.name.startswith("_default"),
        "ticket_type_id": int(ticket_type_id),
        "archived": record.archived,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def _input_options(record: TicketTypeAttribute) -> Json:
    """What the inbox offers for the value: lines of text, or a list's items."""
    if record.data_type == "list":
        options = [{"label": item, "id": item} for item in record.list_items]
        return {"list_options": options, "allow_multiple_values": record.allow_multiple_values}
    if record.data_type == "string":
        return {"multiline": record.multiline}
    return {}


def ticket_state(record: TicketState) -> Json:
    return {
        "type": "ticket_state",
        "id": record.id,
        "category": record.category,
        "internal_label": record.label,
        "external_label": record.label,
    }


def ticket_type(record: TicketType) -> Json:
    attributes = [ticket_type_attribute(each, record.id) for each in record.attributes]
    return {
        "type": "ticket_type",
        "id": record.id,
        "name": record.name,
        "description": record.description,
        "icon": record.icon,
        "workspace_id": WORKSPACE_ID,
        "archived": record.archived,
        "created_at": record.created_at,
        "updated_at": record.updated_at or record.created_at,
        "is_internal": record.is_internal,
        "ticket_type_attributes": {"type": "list", "data": attributes},
        "category": record.category,
        "ticket_states": {"type": "list", "data": [ticket_state(each) for each in record.states]},
    }


def ticket_types(records: Iterable[TicketType]) -> Json:
    return {"type": "list", "data": [ticket_type(each) for each in records]}


def ticket(record: Ticket, contacts: Contacts) -> Json:
    """The ticket; `snoozed_until` only while it is snoozed (the description has no null)."""
    rendered: Json = {
        "type": "ticket",
        "id": record.id,
        "ticket_id": record.ticket_id,
        "ticket_attributes": dict(record.attributes),
        "ticket_state": ticket_state(record.state),
        "ticket_type": ticket_type(record.ticket_type),
        "contacts": {
            "type": "contact.list",
            "contacts": [contact_reference(each, contacts) for each in record.contact_ids],
        },
        "admin_assignee_id": record.admin_assignee_id,
        "team_assignee_id": record.team_assignee_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at or record.created_at,
        "ticket_parts": {
            "type": "ticket_part.list",
            "ticket_parts": [ticket_part(each) for each in record.parts],
            "total_count": len(record.parts),
        },
        "open": record.state.category != "resolved",
        "linked_objects": _empty_list(),
        "category": record.ticket_type.category,
        "is_shared": record.is_shared,
    }
    if record.snoozed_until is not None:
        rendered["snoozed_until"] = record.snoozed_until
    return rendered


def ticket_part(record: Part) -> Json:
    """A reply or note on a ticket, as `POST /tickets/{id}/reply` answers it."""
    kind = "user" if record.author.type in ("lead", "contact") else record.author.type
    return {
        "type": "ticket_part",
        "id": record.id,
        "part_type": record.part_type,
        "body": record.body,
        "created_at": record.created_at,
        "updated_at": record.created_at,
        "author": {k: v for k, v in author(record.author).items() if v is not None}
        | {"type": kind},
        "attachments": [attachment(each) for each in record.attachments],
        "redacted": record.redacted,
    }


def message(record: Message) -> Json:
    rendered: Json = {
        "type": record.type,
        "id": record.id,
        "created_at": record.created_at,
        "body": record.body,
        "message_type": record.message_type,
        "conversation_id": record.conversation_id,
    }
    if record.type == "admin_message":
        rendered["owner"] = author(record.owner)
    if record.subject:
        rendered["subject"] = record.subject
    return rendered


# Webhook notifications


def webhook_item(record: object, contacts: Contacts) -> Json:
    """The resource a notification carries in `data.item`."""
    if isinstance(record, Contact):
        return contact(record)
    if isinstance(record, Conversation):
        return conversation(record, contacts)
    if isinstance(record, Company):
        return company(record)
    if isinstance(record, Ticket):
        return ticket(record, contacts)
    raise TypeError(f"no webhook item for a {type(record).__name__}")


# People (issue 18, group A): contacts' states, companies, segments, subscriptions, visitors


def contact_state(record: Contact, flag: str) -> Json:
    """A contact as archive, unarchive and block answer: a reference and the flag."""
    return {
        "type": "contact",
        "id": record.id,
        "external_id": record.external_id,
        flag: getattr(record, flag),
    }


def contact_companies(records: list[Company]) -> Json:
    """`GET /contacts/{id}/companies`: every company the contact is attached to."""
    return {
        "type": "list",
        "companies": [company(each) for each in records],
        "total_count": len(records),
        "pages": {"type": "pages", "page": 1, "per_page": 50, "total_pages": 1},
    }


def deleted_company(record: Company) -> Json:
    return {"id": record.id, "object": "company", "deleted": True}


def company_scroll(page: Page[Company], scroll_param: str) -> Json:
    """A page of the company scroll; `scroll_param` fetches the next one."""
    return {
        "type": "list",
        "data": [company(each) for each in page.items],
        "pages": None,
        "total_count": page.total,
        "scroll_param": scroll_param,
    }


def segment(record: Segment, count: int | None = None) -> Json:
    rendered: Json = {
        "type": "segment",
        "id": record.id,
        "name": record.name,
        "created_at": record.created_at,
        "updated_at": record.created_at,
        "person_type": record.person_type,
    }
    if count is not None:
        rendered["count"] = count
    return rendered


def segment_list(records: Iterable[tuple[Segment, int | None]]) -> Json:
    return {
        "type": "segment.list",
        "segments": [segment(each, count) for each, count in records],
        "pages": {},
    }


def segments_of(records: Iterable[Segment]) -> Json:
    """The segments a contact or company is in."""
    return {"type": "list", "data": [segment(each) for each in records]}


def subscription_type(record: SubscriptionType, consent: str | None = None) -> Json:
    """A subscription type; `consent` is a contact's own choice, where it answers for one."""
    translation = {"name": record.name, "description": record.description, "locale": "en"}
    return {
        "type": "subscription",
        "id": record.id,
        "state": record.state,
        "consent_type": consent or record.consent_type,
        "default_translation": translation,
        "translations": [dict(translation)],
        "content_types": list(record.content_types),
    }


def subscription_types(records: Iterable[tuple[SubscriptionType, str | None]]) -> Json:
    return {"type": "list", "data": [subscription_type(*each) for each in records]}


def visitor(record: Visitor) -> Json:
    rendered: Json = {
        "type": "visitor",
        "id": record.id,
        "user_id": record.user_id,
        "anonymous": record.email is None and record.name is None,
        "phone": None,
        "name": record.name,
        "pseudonym": record.pseudonym,
        "avatar": {"type": "avatar", "image_url": None},
        "app_id": APP_ID,
        "companies": {"type": "company.list", "companies": []},
        "location_data": {"type": "location_data", "city_name": "Dublin", "country_code": "IRL"},
        "created_at": record.created_at,
        "remote_created_at": record.created_at,
        "signed_up_at": record.created_at,
        "updated_at": record.updated_at,
        "session_count": 1,
        "social_profiles": {"type": "social_profile.list", "social_profiles": []},
        "owner_id": None,
        "unsubscribed_from_emails": False,
        "marked_email_as_spam": False,
        "has_hard_bounced": False,
        "tags": {"type": "tag.list", "tags": []},
        "segments": {"type": "segment.list", "segments": []},
        "custom_attributes": dict(record.custom_attributes),
        "referrer": None,
        "utm_campaign": None,
        "utm_content": None,
        "utm_medium": None,
        "utm_source": None,
        "utm_term": None,
        "do_not_track": None,
    }
    if record.email is not None:
        rendered["email"] = record.email
    return rendered
