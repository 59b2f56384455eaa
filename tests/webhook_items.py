"""What a webhook notification carries in `data.item`, for each kind of item a topic names
(manifest.yaml's `triggers.families`): Intercom's own examples from the OpenAPI description
where the item is a REST object, and the shapes Intercom's webhook documentation describes
where it is not (tags, content statistics, deleted and paired items)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from intercom_examples import example

Json = dict[str, Any]


def _first(listing: Json, key: str = "data") -> Json:
    first: Json = listing[key][0]
    return first


def _deleted(kind: str, item_id: str, **more: Any) -> Json:
    return {"type": kind, "id": item_id, **more}


def _content_stat(topic: str) -> Json:
    return {
        "type": topic,
        "id": "stat_1",
        "created_at": 1734537460,
        "content_stat": {
            "type": "content_stat",
            "stat_type": "receipt",
            "content_type": topic.split(".", 1)[1],
            "content_id": "42",
            "ruleset_id": "7",
        },
        "contact": {"type": "contact", "id": example("ShowContact")["id"]},
    }


ITEMS: dict[str, Callable[[str], Json]] = {
    "admin": lambda topic: example("retrieveAdmin"),
    "article": lambda topic: example("retrieveArticle"),
    "article_deleted": lambda topic: _deleted("article", "39", deleted=True),
    "call": lambda topic: example("showCall"),
    "company": lambda topic: example("RetrieveACompanyById"),
    "company_deleted": lambda topic: _deleted("company", "6762f0941bb69f9f2193bb25"),
    "company_contact": lambda topic: {
        "type": "contact_company",
        "company": example("RetrieveACompanyById"),
        "contact": example("ShowContact"),
    },
    "contact": lambda topic: example("ShowContact"),
    "contact_deleted": lambda topic: _deleted("contact", "6762f0dd1bb69f9f2193bb83"),
    "contact_merged": lambda topic: {
        **example("ShowContact"),
        "merged_from": {"type": "contact", "id": "6762f0dd1bb69f9f2193bb99"},
    },
    "contact_tag": lambda topic: {
        "type": "contact_tag",
        "created_at": 1734537460,
        "tag": {"type": "tag", "id": "81", "name": "vip"},
        "contact": example("ShowContact"),
    },
    "content_stat": _content_stat,
    "conversation": lambda topic: example("retrieveConversation"),
    "conversation_contact": lambda topic: {
        "type": "conversation_contact",
        "conversation": example("retrieveConversation"),
        "contact": example("ShowContact"),
    },
    "conversation_deleted": lambda topic: _deleted("conversation", "123"),
    "conversation_part": lambda topic: _first(
        example("retrieveConversation")["conversation_parts"], "conversation_parts"
    ),
    "event": lambda topic: {  # the description has no example of one event
        "type": "event",
        "event_name": "placed-order",
        "created_at": 1734537460,
        "intercom_user_id": example("ShowContact")["id"],
        "metadata": {"order_id": "o-1"},
    },
    "job": lambda topic: example("jobsStatus"),
    "ping": lambda topic: {"type": "ping", "message": "something something interzen"},
    "subscription": lambda topic: _first(example("listSubscriptionTypes")),
    "ticket": lambda topic: example("getTicket"),
    "visitor": lambda topic: example("retrieveVisitorWithUserId"),
}


def item_for(kind: str, topic: str) -> Json:
    """An item of `kind`, as a notification of `topic` carries it."""
    return ITEMS[kind](topic)
