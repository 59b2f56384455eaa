"""The content resources as Intercom 2.14 renders them: the help center, articles and the rest."""

from __future__ import annotations

from typing import Any

from .exports import DATASETS, Exports
from .ip_allowlist import IpAllowlist
from .records import (
    Article,
    Collection,
    ContentImportSource,
    CustomObjectInstance,
    ExportJob,
    ExternalPage,
    HelpCenter,
    InternalArticle,
    Newsfeed,
    NewsItem,
)
from .render import WORKSPACE_ID

Json = dict[str, Any]
SITE = "https://help.sandbox.example"


def deleted(record_id: str, kind: str) -> Json:
    """What a delete answers: the id, the kind of object, and `deleted: true`."""
    return {"id": record_id, "object": kind, "deleted": True}


def _optional_int(value: str | int | None) -> int | None:
    return None if value is None else int(value)


# The help center


def help_center(record: HelpCenter) -> Json:
    return {
        "type": "help_center",
        "id": record.id,
        "workspace_id": WORKSPACE_ID,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "identifier": record.identifier,
        "website_turned_on": record.website_turned_on,
        "display_name": record.display_name,
        "url": f"{SITE}/{record.identifier}",
        "custom_domain": None,
    }


def collection(record: Collection) -> Json:
    return {
        "type": "collection",
        "id": record.id,
        "workspace_id": WORKSPACE_ID,
        "name": record.name,
        "description": record.description,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "url": f"{SITE}/en/collections/{record.id}",
        "icon": "book-bookmark",
        "order": record.order,
        "default_locale": "en",
        "translated_content": record.translated_content,
        "parent_id": record.parent_id,
        "help_center_id": record.help_center_id,
    }


def article(record: Article) -> Json:
    parent = _optional_int(record.parent_id)
    return {
        "type": "article",
        "id": record.id,
        "workspace_id": WORKSPACE_ID,
        "title": record.title,
        "description": record.description,
        "body": record.body,
        "author_id": record.author_id,
        "state": record.state,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "url": f"{SITE}/en/articles/{record.id}" if record.state == "published" else None,
        "parent_id": parent,
        "parent_ids": [] if parent is None else [parent],
        "parent_type": record.parent_type or ("collection" if parent is not None else None),
        "default_locale": "en",
        "translated_content": record.translated_content,
        "tags": {"type": "tag.list", "tags": []},
        "statistics": {
            "type": "article_statistics",
            "views": record.views,
            "conversions": 0,
            "reactions": 0,
            "happy_reaction_percentage": 0.0,
            "neutral_reaction_percentage": 0.0,
            "sad_reaction_percentage": 0.0,
        },
    }


def _highlighted(text: str, words: list[str]) -> list[Json]:
    """`text` cut into plain and highlighted runs, each word of the phrase highlighted."""
    runs: list[Json] = []
    for token in text.split(" "):
        kind = "highlight" if token.casefold() in words else "plain"
        if runs and runs[-1]["type"] == kind:
            runs[-1]["text"] += f" {token}"
        else:
            runs.append({"type": kind, "text": token if not runs else f" {token}"})
    return runs


def article_highlights(record: Article, phrase: str | None) -> Json:
    words = (phrase or "").casefold().split()
    summary = record.description or ""
    return {
        "article_id": record.id,
        "highlighted_title": _highlighted(record.title, words),
        "highlighted_summary": [_highlighted(summary, words)] if summary else [],
    }


# Internal articles and news


def internal_article(record: InternalArticle) -> Json:
    return {
        "type": "internal_article",
        "id": record.id,
        "title": record.title,
        "body": record.body,
        "owner_id": record.owner_id,
        "author_id": record.author_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "locale": record.locale,
    }


def news_item(record: NewsItem) -> Json:
    return {
        "type": "news-item",
        "id": record.id,
        "workspace_id": WORKSPACE_ID,
        "title": record.title,
        "body": record.body or "",
        "sender_id": record.sender_id,
        "state": record.state,
        "newsfeed_assignments": [dict(each) for each in record.newsfeed_assignments],
        "labels": list(record.labels),
        "cover_image_url": None,
        "reactions": list(record.reactions),
        "deliver_silently": record.deliver_silently,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def newsfeed(record: Newsfeed) -> Json:
    return {
        "type": "newsfeed",
        "id": record.id,
        "name": record.name,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


# AI content


def content_import_source(record: ContentImportSource) -> Json:
    return {
        "type": "content_import_source",
        "id": int(record.id),
        "last_synced_at": record.last_synced_at or record.created_at,
        "sync_behavior": record.sync_behavior,
        "status": record.status,
        "url": record.url,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }


def external_page(record: ExternalPage) -> Json:
    fin = (
        record.ai_agent_availability if record.fin_availability is None else record.fin_availability
    )
    return {
        "type": "external_page",
        "id": record.id,
        "title": record.title,
        "html": record.html,
        "url": record.url,
        "ai_agent_availability": record.ai_agent_availability,
        "ai_copilot_availability": record.ai_copilot_availability,
        "ai_sales_agent_availability": False,
        "fin_availability": fin,
        "locale": record.locale,
        "source_id": record.source_id,
        "external_id": record.external_id,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "last_ingested_at": record.updated_at,
    }


# Custom objects, exports and the IP allowlist


def custom_object_instance(record: CustomObjectInstance) -> Json:
    return {
        "type": record.type,
        "id": record.id,
        "external_id": record.external_id,
        "external_created_at": record.external_created_at,
        "external_updated_at": record.external_updated_at,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "custom_attributes": dict(record.custom_attributes),
    }


def custom_object_deleted(record: CustomObjectInstance) -> Json:
    return {"object": record.type, "id": record.id, "deleted": True}


def export_job(record: ExportJob, exports: Exports) -> Json:
    """A job's status; `download_url` and its expiry once the file is ready."""
    status = exports.status(record)
    ready = status == "completed"
    path = "content/data" if record.kind == "content" else "reporting_data"
    return {
        "job_identifier": record.id,
        "status": status,
        "download_url": f"https://api.intercom.io/download/{path}/{record.id}" if ready else "",
        "download_expires_at": str(exports.expires_at(record)) if ready else "",
    }


def datasets() -> Json:
    return {
        "type": "list",
        "data": [
            {
                "id": each.id,
                "name": each.name,
                "description": each.description,
                "default_time_attribute_id": each.attributes[1][0],
                "attributes": [{"id": key, "name": name} for key, name in each.attributes],
            }
            for each in DATASETS
        ],
    }


def ip_allowlist(record: IpAllowlist) -> Json:
    return {
        "type": "ip_allowlist",
        "enabled": record.enabled,
        "ip_allowlist": list(record.ip_allowlist),
    }
