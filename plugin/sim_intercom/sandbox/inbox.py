"""The inbox's records: conversations and their parts, tickets and ticket types."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Reference = Callable[[str], dict[str, Any]]

CONTACT_AUTHORS = frozenset({"user", "lead", "contact"})
ADMIN_AUTHORS = frozenset({"admin", "bot"})
_BREAK = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|ul|ol|blockquote|pre|tr)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plaintext(body: str | None) -> str | None:
    """An HTML part body as plain text, one line per paragraph, as `display_as=plaintext` does."""
    if body is None:
        return None
    text = html.unescape(_TAG.sub("", _BREAK.sub("\n", body)))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def linked_list(linked: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "list",
        "data": [dict(item) for item in linked],
        "total_count": len(linked),
        "has_more": False,
    }


@dataclass(slots=True)
class Part:
    """One conversation part: a reply, a note, or an event such as close or assignment."""

    id: str
    part_type: str
    body: str | None
    created_at: int
    author: dict[str, Any]
    state: str
    attachments: list[dict[str, Any]] = field(default_factory=list)
    assigned_to: dict[str, Any] | None = None

    def to_dict(self, as_text: bool = False) -> dict[str, Any]:
        return {
            "type": "conversation_part",
            "id": self.id,
            "part_type": self.part_type,
            "body": plaintext(self.body) if as_text else self.body,
            "created_at": self.created_at,
            "updated_at": self.created_at,
            "notified_at": self.created_at,
            "assigned_to": dict(self.assigned_to) if self.assigned_to else None,
            "author": dict(self.author),
            "attachments": [dict(each) for each in self.attachments],
            "external_id": None,
            "redacted": False,
            "email_message_metadata": None,
            "metadata": {},
            "state": self.state,
            "tags": [],
            "event_details": None,
            "app_package_code": None,
        }


@dataclass(slots=True)
class Conversation:
    """A conversation: its source message, its parts, its state and participants."""

    id: str
    created_at: int
    updated_at: int
    source: dict[str, Any]
    contact_ids: list[str]
    parts: list[Part] = field(default_factory=list)
    state: str = "open"
    read: bool = False
    priority: str = "not_priority"
    admin_assignee_id: int | None = None
    team_assignee_id: int | None = None
    waiting_since: int | None = None
    snoozed_until: int | None = None
    title: str | None = None
    tags: list[dict[str, Any]] = field(default_factory=list)
    custom_attributes: dict[str, Any] = field(default_factory=dict)
    linked: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, reference: Reference, *, parts: bool = True, as_text: bool = False) -> dict:
        """The conversation; list and search items leave out `conversation_parts`."""
        source = dict(self.source, author=dict(self.source["author"]))
        if as_text:
            source["body"] = plaintext(source.get("body"))
        record: dict[str, Any] = {
            "type": "conversation",
            "id": self.id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "waiting_since": self.waiting_since,
            "snoozed_until": self.snoozed_until,
            "source": source,
            "contacts": {
                "type": "contact.list",
                "contacts": [reference(each) for each in self.contact_ids],
            },
            "first_contact_reply": self._first_contact_reply(),
            "admin_assignee_id": self.admin_assignee_id,
            "team_assignee_id": self.team_assignee_id,
            "open": self.state == "open",
            "state": self.state,
            "read": self.read,
            "tags": {"type": "tag.list", "tags": [dict(tag) for tag in self.tags]},
            "priority": self.priority,
            "sla_applied": None,
            "statistics": self.statistics(),
            "conversation_rating": None,
            "teammates": self._teammates(),
            "title": self.title,
            "custom_attributes": dict(self.custom_attributes),
            "topics": {},
            "ticket": None,
            "linked_objects": linked_list(self.linked),
            "ai_agent": None,
            "ai_agent_participated": any(p.author["type"] == "bot" for p in self.parts),
        }
        if parts:
            record["conversation_parts"] = {
                "type": "conversation_part.list",
                "conversation_parts": [part.to_dict(as_text) for part in self.parts],
                "total_count": len(self.parts),
            }
        return record

    def _contact_times(self) -> list[int]:
        times = [self.created_at] if self.source["author"]["type"] in CONTACT_AUTHORS else []
        return times + [p.created_at for p in self.parts if p.author["type"] in CONTACT_AUTHORS]

    def _first_contact_reply(self) -> dict[str, Any] | None:
        times = self._contact_times()
        if not times:
            return None
        return {"created_at": times[0], "type": "conversation", "url": None}

    def _teammates(self) -> dict[str, Any]:
        ids = dict.fromkeys(p.author["id"] for p in self.parts if p.author["type"] == "admin")
        return {
            "type": "admin.list",
            "teammates": [{"type": "admin", "id": each} for each in ids],
        }

    def statistics(self) -> dict[str, Any]:
        """Statistics derived from the parts, so they always agree with them."""
        stats: dict[str, Any] = {"type": "conversation_statistics"}
        contact = self._contact_times()
        admin = [
            p.created_at
            for p in self.parts
            if p.author["type"] in ADMIN_AUTHORS and p.part_type == "comment"
        ]
        closes = [p for p in self.parts if p.part_type == "close"]
        assignments = [p.created_at for p in self.parts if p.part_type == "assignment"]
        if contact:
            stats.update(first_contact_reply_at=contact[0], last_contact_reply_at=contact[-1])
        if admin:
            stats.update(
                first_admin_reply_at=admin[0],
                last_admin_reply_at=admin[-1],
                time_to_admin_reply=admin[0] - self.created_at,
            )
        if closes:
            stats.update(
                first_close_at=closes[0].created_at,
                last_close_at=closes[-1].created_at,
                time_to_first_close=closes[0].created_at - self.created_at,
                time_to_last_close=closes[-1].created_at - self.created_at,
                last_closed_by_id=closes[-1].author["id"],
            )
        if assignments:
            stats.update(
                first_assignment_at=assignments[0],
                last_assignment_at=assignments[-1],
                time_to_assignment=assignments[0] - self.created_at,
            )
        stats.update(
            count_reopens=sum(p.part_type == "open" for p in self.parts),
            count_assignments=len(assignments),
            count_conversation_parts=len(self.parts) + 1,
        )
        return stats


@dataclass(slots=True)
class TicketType:
    """A ticket type: its attributes (`_default_title_`, `_default_description_`...), states."""

    id: str
    name: str
    description: str
    icon: str
    category: str
    created_at: int
    attributes: list[dict[str, Any]]
    states: list[dict[str, Any]]
    is_internal: bool = False

    def to_dict(self, workspace_id: str) -> dict[str, Any]:
        return {
            "type": "ticket_type",
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "icon": self.icon,
            "workspace_id": workspace_id,
            "archived": False,
            "created_at": self.created_at,
            "updated_at": self.created_at,
            "is_internal": self.is_internal,
            "ticket_type_attributes": {
                "type": "list",
                "data": [dict(each, workspace_id=workspace_id) for each in self.attributes],
            },
            "category": self.category,
            "ticket_states": {"type": "list", "data": [dict(each) for each in self.states]},
        }

    def attribute_names(self) -> set[str]:
        return {each["name"] for each in self.attributes}


@dataclass(slots=True)
class Ticket:
    """A ticket of a ticket type, raised for one or more contacts."""

    id: str
    ticket_id: str
    ticket_type: TicketType
    attributes: dict[str, Any]
    state: dict[str, Any]
    contact_ids: list[str]
    created_at: int
    parts: list[dict[str, Any]] = field(default_factory=list)
    admin_assignee_id: str = "0"
    team_assignee_id: str = "0"
    company_id: str | None = None
    linked: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self, workspace_id: str, reference: Reference) -> dict[str, Any]:
        return {
            "type": "ticket",
            "id": self.id,
            "ticket_id": self.ticket_id,
            "ticket_attributes": dict(self.attributes),
            "ticket_state": dict(self.state),
            "ticket_type": self.ticket_type.to_dict(workspace_id),
            "contacts": {
                "type": "contact.list",
                "contacts": [reference(each) for each in self.contact_ids],
            },
            "admin_assignee_id": self.admin_assignee_id,
            "team_assignee_id": self.team_assignee_id,
            "created_at": self.created_at,
            "updated_at": max([self.created_at] + [p["updated_at"] for p in self.parts]),
            "ticket_parts": {
                "type": "ticket_part.list",
                "ticket_parts": [dict(part) for part in self.parts],
                "total_count": len(self.parts),
            },
            "open": self.state["category"] != "resolved",
            "linked_objects": linked_list(self.linked),
            "category": self.ticket_type.category,
            "is_shared": False,
        }
