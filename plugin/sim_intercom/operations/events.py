"""Data events: something a contact did, recorded against them."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidResponse
from . import clock
from .base import Operation, Output, Params, as_object


def created_now(params: Params) -> Params:
    """Intercom's description requires `created_at`: now, when the caller gave none."""
    if "created_at" in params:
        return params
    return {**params, "created_at": int(clock.now())}


def _accepted(body: Any, params: Params) -> Output:
    """Intercom answers 202 with no body: accepted, recorded shortly after."""
    return {"accepted": True}


OPERATIONS: tuple[Operation, ...] = (
    Operation("intercom_create_event", "POST", "/events", _accepted, refine=created_now),
)


# People (issue 18, group A): listing a contact's events, and summaries of events


def for_users(params: Params) -> Params:
    """`GET /events` needs `type=user`, the only type Intercom lists events for."""
    return {**params, "type": "user"}


def _events(body: Any, params: Params) -> Output:
    """The events (or, with `summary`, one summary per event name) of the contact."""
    items = as_object(body).get("events") or []
    if not isinstance(items, list) or not all(isinstance(each, dict) for each in items):
        raise InvalidResponse("Intercom's 'events' is not a list of objects")
    return {"events": items, "total_count": len(items)}


OPERATIONS += (
    Operation("intercom_list_events", "GET", "/events", _events, refine=for_users),
    # Answered 200 with no body.
    Operation("intercom_create_event_summaries", "POST", "/events/summaries", _accepted),
)
