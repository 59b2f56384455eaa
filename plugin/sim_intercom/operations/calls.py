"""Calls: list, get, search by conversation; a call's recording (where it redirects) and
transcript (text); and redirecting a phone call to the Messenger (Switch)."""

from __future__ import annotations

from typing import Any

from ..answers import Answer
from ..errors import InvalidResponse
from ..paging import Pager
from .base import Operation, Output, Params, as_object, optional_int, records, single, whole_list

# The most transcript text a result carries; a longer one is cut and says so.
MAX_TRANSCRIPT_CHARS = 100_000


def _page_list(body: Any, params: Params) -> Output:
    """Calls page by number: `page`, `total_pages`, and `next_page` (None on the last)."""
    body = as_object(body)
    pages = as_object(body.get("pages") or {}, "'pages'")
    calls = records(body, "data")
    page = optional_int(pages, "page", None) or params.get("page", 1)
    total_pages = optional_int(pages, "total_pages", None) or (1 if calls else 0)
    return {
        "calls": calls,
        "total_count": optional_int(body, "total_count", len(calls)),
        "page": page,
        "total_pages": total_pages,
        "next_page": page + 1 if page < total_pages else None,
    }


def _header(answer: Answer, name: str) -> str | None:
    wanted = name.lower()
    return next((v for k, v in answer.headers.items() if k.lower() == wanted), None)


def _recording(answer: Any, params: Params) -> Output:
    """Intercom answers with a 302 to a signed recording URL: where it points, not the bytes."""
    location = _header(answer, "Location") if isinstance(answer, Answer) else None
    if not location:
        raise InvalidResponse("Intercom's answer for the recording has no Location")
    return {"callId": params["callId"], "location": location, "status": answer.status}


def _transcript(answer: Any, params: Params) -> Output:
    """The transcript as text, up to `MAX_TRANSCRIPT_CHARS` characters."""
    if not isinstance(answer, Answer):
        raise InvalidResponse("Intercom's answer for the transcript is not text")
    text = answer.body.decode("utf-8", errors="replace")
    content_type = (_header(answer, "Content-Type") or "text/plain").split(";")[0].strip()
    return {
        "callId": params["callId"],
        "transcript": text[:MAX_TRANSCRIPT_CHARS],
        "content_type": content_type,
        "size": len(answer.body),
        "truncated": len(text) > MAX_TRANSCRIPT_CHARS,
    }


OPERATIONS = (
    Operation(
        "intercom_list_calls",
        "GET",
        "/calls",
        _page_list,
        pager=Pager("calls", by_number=True),
    ),
    Operation("intercom_get_call", "GET", "/calls/{callId}", single("call")),
    Operation(
        "intercom_get_call_recording",
        "GET",
        "/calls/{callId}/recording",
        _recording,
        accept="*/*",
        raw=True,
    ),
    Operation(
        "intercom_get_call_transcript",
        "GET",
        "/calls/{callId}/transcript",
        _transcript,
        accept="text/plain",
        raw=True,
    ),
    Operation("intercom_search_calls", "POST", "/calls/search", whole_list("calls", "data")),
    Operation(
        "intercom_create_phone_switch",
        "POST",
        "/phone_call_redirects",
        lambda body, params: {"phone_call_redirect": as_object(body, "the redirect")},
    ),
)
