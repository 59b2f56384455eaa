"""The bodies and queries of the content resources, declared as data and read by one reader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ParameterInvalid, ParameterNotFound
from .fields import check_body, query_int, require_choice
from .help_center import ArticleSearch
from .paging import Cursor
from .params import Query, cursor, per_page

ARTICLE_STATES = ("published", "draft")


@dataclass(frozen=True)
class Body:
    """A request body: each field's kind (`fields.KINDS`, `?` for nullable), the fields that
    must be there, and the fields whose value must be one of a few choices."""

    kinds: Mapping[str, str]
    required: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def read(self, body: Mapping[str, Any]) -> dict[str, Any]:
        fields = check_body(body, self.kinds, self.required)
        for name, allowed in self.choices.items():
            if fields.get(name) is not None:
                require_choice(name, fields[name], allowed)
        return fields

    def optional(self) -> Body:
        """The same body with nothing required: what an update takes."""
        return Body(self.kinds, (), self.choices)


ARTICLE = Body(
    {
        "title": "string",
        "description": "string?",
        "body": "string?",
        "author_id": "int32",
        "state": "string?",
        "parent_id": "id?",
        "parent_type": "string?",
        "translated_content": "object?",
    },
    required=("title", "author_id"),
    choices={"state": ARTICLE_STATES, "parent_type": ("collection",)},
)
COLLECTION = Body(
    {
        "name": "string",
        "description": "string?",
        "parent_id": "string?",
        "help_center_id": "int32?",
        "translated_content": "object?",
    },
    required=("name",),
)


def article_search(query: Query) -> ArticleSearch:
    state = query.get("state")
    if state is not None:
        require_choice("state", state, (*ARTICLE_STATES, "all"))
    center = query.get("help_center_id")
    if center is not None:
        center = str(query_int("help_center_id", center, 0, minimum=0))
    highlight = require_choice("highlight", query.get("highlight", "false"), ("true", "false"))
    return ArticleSearch(query.get("phrase") or None, state, center, highlight == "true")


def page_of(query: Query) -> tuple[int, Cursor]:
    """`per_page` (50 unless given) and the `starting_after` cursor of a content list."""
    return per_page(query, 50), cursor(query)


INTERNAL_ARTICLE = Body(
    {"title": "string", "body": "string?", "author_id": "int32", "owner_id": "int32"},
    required=("title", "author_id", "owner_id"),
)
NEWS_ITEM = Body(
    {
        "title": "string",
        "body": "string?",
        "sender_id": "int32",
        "state": "string?",
        "deliver_silently": "boolean?",
        "labels": "array?",
        "reactions": "array?",
        "newsfeed_assignments": "array?",
    },
    required=("title", "sender_id"),
    choices={"state": ("draft", "live")},
)
CONTENT_IMPORT_SOURCE = Body(
    {"url": "string", "sync_behavior": "string", "status": "string?"},
    required=("url", "sync_behavior"),
    choices={"sync_behavior": ("api", "automatic", "manual"), "status": ("active", "deactivated")},
)
EXTERNAL_PAGE = Body(
    {
        "title": "string",
        "html": "string",
        "url": "string?",
        "ai_agent_availability": "boolean?",
        "ai_copilot_availability": "boolean?",
        "fin_availability": "boolean?",
        "locale": "string",
        "source_id": "int32",
        "external_id": "string",
    },
    required=("title", "html", "locale", "source_id", "external_id"),
    choices={"locale": ("en",)},
)
CUSTOM_OBJECT_INSTANCE = Body(
    {
        "external_id": "string",
        "external_created_at": "timestamp?",
        "external_updated_at": "timestamp?",
        "custom_attributes": "object?",
    },
    required=("external_id",),
)
CONTENT_EXPORT = Body(
    {"created_at_after": "timestamp", "created_at_before": "timestamp"},
    required=("created_at_after", "created_at_before"),
)
REPORTING_EXPORT = Body(
    {
        "dataset_id": "string",
        "attribute_ids": "array",
        "start_time": "timestamp",
        "end_time": "timestamp",
    },
    required=("dataset_id", "attribute_ids", "start_time", "end_time"),
)
IP_ALLOWLIST = Body({"type": "string?", "enabled": "boolean?", "ip_allowlist": "array?"})


def internal_article_folder(query: Query) -> str | None:
    return query.get("folder_id") or None


def external_id(query: Query) -> str:
    """The `external_id` a custom object instance is found or deleted by."""
    value = query.get("external_id")
    if not value:
        raise ParameterNotFound("external_id is required", field="external_id")
    return value


def octet_stream(headers: Mapping[str, str]) -> None:
    """A reporting download must ask for `Accept: application/octet-stream`."""
    accept = next((v for k, v in headers.items() if k.lower() == "accept"), "")
    if "application/octet-stream" not in accept:
        message = "Accept must be application/octet-stream to download an export"
        raise ParameterInvalid(message, field="Accept")
