"""The fields Intercom's search knows, per model: each field's kind and how to read it.

Records are read as the API renders them (dicts), so a field is a dotted path into that JSON,
or a getter where Intercom's search name and the JSON differ.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
Getter = Callable[[Json], Any]

CUSTOM_PREFIX = "custom_attributes."
MODELS = ("contact", "conversation", "ticket")


@dataclass(frozen=True)
class Field:
    """A searchable field: its kind, how to read it, and whether it holds many values."""

    kind: str
    get: Getter
    many: bool = False


def path(dotted: str) -> Getter:
    """A getter of a dotted path (`location.city`); None where any step is missing."""
    keys = tuple(dotted.split("."))
    if len(keys) == 1:
        key = keys[0]
        return lambda record: record.get(key)

    def get(record: Json) -> Any:
        node: Any = record
        for key in keys:
            if not isinstance(node, dict):
                return None
            node = node.get(key)
        return node

    return get


def custom(name: str) -> Getter:
    """A getter of one custom attribute."""

    def get(record: Json) -> Any:
        attributes = record.get("custom_attributes")
        return attributes.get(name) if isinstance(attributes, dict) else None

    return get


def _first(*getters: Getter) -> Getter:
    def get(record: Json) -> Any:
        for getter in getters:
            value = getter(record)
            if value is not None:
                return value
        return None

    return get


def _ids(dotted: str) -> Getter:
    get_items = path(dotted)

    def get(record: Json) -> list[Any]:
        items = get_items(record)
        if not isinstance(items, list):
            return []
        return [item.get("id") if isinstance(item, dict) else item for item in items]

    return get


def _email_domain(record: Json) -> Any:
    email = record.get("email")
    if isinstance(email, str) and "@" in email:
        return email.rsplit("@", 1)[1]
    return record.get("email_domain")


def _avatar(record: Json) -> Any:
    avatar = record.get("avatar")
    return avatar.get("image_url") if isinstance(avatar, dict) else avatar


_MARKUP = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")


def _body_words(record: Json) -> list[str]:
    source = record.get("source")
    body = source.get("body") if isinstance(source, dict) else None
    return _WORD.findall(_MARKUP.sub(" ", body)) if isinstance(body, str) else []


def _table(kinds: dict[str, str], special: dict[str, Field]) -> dict[str, Field]:
    plain = {
        name: Field(kind, path(name)) for kind, names in kinds.items() for name in names.split()
    }
    return plain | special


CONTACT_FIELDS = _table(
    {
        "string": """id role name email phone external_id language_override browser
            browser_language os location.country location.region location.city
            ios_app_version ios_device ios_app_device ios_os_version ios_app_name ios_sdk_version
            android_app_version android_device android_app_name android_sdk_version""",
        "integer": "owner_id",
        "date": """created_at signed_up_at updated_at last_seen_at last_contacted_at last_replied_at
            last_email_opened_at last_email_clicked_at ios_last_seen_at android_last_seen_at""",
        "boolean": "unsubscribed_from_emails marked_email_as_spam has_hard_bounced",
    },
    {
        "avatar": Field("string", _avatar),
        "email_domain": Field("string", _email_domain),
        # Intercom's own typo, and the name its search documents: keep it as it is.
        "andoid_sdk_version": Field("string", path("android_sdk_version")),
        "tag_id": Field("tag", _ids("tags.data"), many=True),
        "company_id": Field("string", _ids("companies.data"), many=True),
        "segment_id": Field("string", _ids("segments.data"), many=True),
    },
)

_RATING = "conversation_rating."
_RATING_ADMIN = Field("string", _first(path(_RATING + "admin_id"), path(_RATING + "teammate.id")))

CONVERSATION_FIELDS = _table(
    {
        "string": """id source.type source.id source.delivered_as source.subject source.author.id
            source.author.type source.author.name source.author.email source.url
            channel_initiated state priority statistics.last_closed_by_id
            conversation_rating.remark ai_agent.resolution_state ai_agent.last_answer_type
            ai_agent.rating_remark ai_agent.source_type ai_agent.source_title""",
        "integer": """admin_assignee_id team_assignee_id statistics.time_to_assignment
            statistics.time_to_admin_reply statistics.time_to_first_close
            statistics.time_to_last_close statistics.median_time_to_reply statistics.count_reopens
            statistics.count_assignments statistics.count_conversation_parts ai_agent.rating""",
        "date": """created_at updated_at waiting_since snoozed_until
            statistics.first_contact_reply_at statistics.first_assignment_at
            statistics.first_admin_reply_at statistics.first_close_at
            statistics.last_assignment_at statistics.last_assignment_admin_reply_at
            statistics.last_contact_reply_at statistics.last_admin_reply_at
            statistics.last_close_at""",
        "boolean": "open read ai_agent_participated",
    },
    {
        "source.body": Field("string", _body_words, many=True),
        "contact_ids": Field("string", _ids("contacts.contacts"), many=True),
        "teammate_ids": Field("string", _ids("teammates.teammates"), many=True),
        "tag_ids": Field("string", _ids("tags.tags"), many=True),
        _RATING + "requested_at": Field(
            "date", _first(path(_RATING + "requested_at"), path(_RATING + "created_at"))
        ),
        _RATING + "replied_at": Field(
            "date", _first(path(_RATING + "replied_at"), path(_RATING + "updated_at"))
        ),
        _RATING + "score": Field(
            "integer", _first(path(_RATING + "score"), path(_RATING + "rating"))
        ),
        _RATING + "contact_id": Field(
            "string", _first(path(_RATING + "contact_id"), path(_RATING + "contact.id"))
        ),
        _RATING + "admin_id": _RATING_ADMIN,
        # Intercom's own typo for admin_id, and the name its search documents: keep it.
        _RATING + "admin_d": _RATING_ADMIN,
    },
)

# Tickets, as Intercom's ticket search names their fields (`title` is the default title
# attribute, `state` the category of the ticket's state).
TICKET_FIELDS = _table(
    {
        "string": "id ticket_id category",
        "integer": "admin_assignee_id team_assignee_id",
        "date": "created_at updated_at snoozed_until",
        "boolean": "open is_shared",
    },
    {
        "title": Field("string", path("ticket_attributes._default_title_")),
        "description": Field("string", path("ticket_attributes._default_description_")),
        "ticket_type_id": Field("string", path("ticket_type.id")),
        "ticket_state_id": Field("string", path("ticket_state.id")),
        "state": Field("string", path("ticket_state.category")),
        "contact_ids": Field("string", _ids("contacts.contacts"), many=True),
    },
)

FIELDS = {"contact": CONTACT_FIELDS, "conversation": CONVERSATION_FIELDS, "ticket": TICKET_FIELDS}
