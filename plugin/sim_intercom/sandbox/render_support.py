"""Records of the support resources as Intercom 2.14 renders them: ticket states, jobs,
deletions, away status reasons, activity logs, calls, phone-call redirects and Fin."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from .paging import Page
from .records import (
    ActivityLog,
    Admin,
    AwayStatusReason,
    Call,
    FinConversation,
    Job,
    TicketState,
    TicketType,
)
from .render import Json, pages, ticket_state, ticket_type

TRANSCRIPT_STATUS = "completed"
TIMES = frozenset({"answered_at", "ended_at"})


def ticket_state_detailed(record: TicketState, types: Iterable[TicketType]) -> Json:
    """A ticket state with the types that use it (`GET /ticket_states`)."""
    return {
        **ticket_state(record),
        "archived": False,
        "ticket_types": {"type": "list", "data": [ticket_type(each) for each in types]},
    }


def job(record: Job) -> Json:
    status = "failed" if record.failed else "success" if record.resource_id else "pending"
    resource_url = f"/tickets/{record.resource_id}" if record.resource_id else None
    return {
        "type": "job",
        "id": record.id,
        "url": f"/jobs/status/{record.id}",
        "status": status,
        "resource_type": record.resource_type,
        "resource_id": record.resource_id,
        "resource_url": resource_url,
    }


def deleted(kind: str, record_id: str) -> Json:
    """`{id, object, deleted}`, as deleting a conversation or a ticket answers."""
    return {"id": record_id, "object": kind, "deleted": True}


def away_status_reason(record: AwayStatusReason) -> Json:
    return {
        "type": "away_status_reason",
        "id": record.id,
        "label": record.label,
        "emoji": record.emoji,
        "order": record.order,
        "deleted": False,
        "created_at": record.created_at,
        "updated_at": record.created_at,
    }


def away_status_reasons(records: Iterable[AwayStatusReason]) -> Json:
    return {"type": "list", "data": [away_status_reason(each) for each in records]}


def activity_log(record: ActivityLog, admins: dict[str, Admin]) -> Json:
    performer = admins.get(record.admin_id)
    return {
        "id": record.id,
        "performed_by": {
            "type": "admin",
            "id": record.admin_id,
            "email": performer.email if performer else "",
            "ip": "127.0.0.1",
        },
        "metadata": dict(record.metadata),
        "created_at": record.created_at,
        "activity_type": record.activity_type,
        "activity_description": record.description,
    }


def activity_logs(records: list[ActivityLog], admins: dict[str, Admin]) -> Json:
    """Every log of the period on one page."""
    return {
        "type": "activity_log.list",
        "pages": {"type": "pages", "page": 1, "per_page": len(records), "total_pages": 1},
        "activity_logs": [activity_log(each, admins) for each in records],
    }


def call(record: Call) -> Json:
    """A call; `answered_at` and `ended_at` only once they happened (the description has no
    null for them)."""
    base = f"/calls/{record.id}"
    rendered: Json = {
        "type": "call",
        "id": record.id,
        "conversation_id": record.conversation_id,
        "admin_id": record.admin_id,
        "contact_id": record.contact_id,
        "state": "completed" if record.ended_at else "in_progress",
        "initiated_at": record.initiated_at,
        "answered_at": record.answered_at,
        "ended_at": record.ended_at,
        "created_at": record.initiated_at,
        "updated_at": record.ended_at or record.initiated_at,
        "recording_url": f"{base}/recording" if record.recording else None,
        "transcription_url": f"{base}/transcript" if record.transcript else None,
        "call_type": record.call_type,
        "direction": record.direction,
        "ended_reason": record.ended_reason,
        "phone": record.phone,
        "fin_recording_url": None,
        "fin_transcription_url": None,
    }
    return {key: value for key, value in rendered.items() if value is not None or key not in TIMES}


def call_list(page: Page[Call]) -> Json:
    return {
        "type": "list",
        "data": [call(each) for each in page.items],
        "total_count": page.total,
        "pages": pages(page),
    }


def transcript_text(record: Call) -> str:
    """The transcript as `GET /calls/{id}/transcript` sends it: one `speaker: words` a line."""
    return "".join(f"{speaker}: {words}\n" for speaker, words in record.transcript)


def calls_with_transcripts(records: Iterable[Call]) -> Json:
    data = [
        {
            **call(each),
            "transcript": [{"speaker": who, "text": words} for who, words in each.transcript],
            "transcript_status": TRANSCRIPT_STATUS if each.transcript else None,
        }
        for each in records
    ]
    return {"type": "list", "data": data}


def phone_switch(phone: str) -> Json:
    return {"type": "phone_call_redirect", "phone": phone}


def _now_ms(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fin_answer(record: FinConversation, now: float) -> Json:
    """Fin's state after a message: its status, and when it answered."""
    return {
        "conversation_id": record.conversation_id,
        "user_id": record.user_id,
        "status": record.status,
        "created_at_ms": _now_ms(now),
    }


def fin_rating(record: FinConversation) -> Json:
    return {"conversation_id": record.conversation_id, "rating": record.rating, "status": "rated"}
