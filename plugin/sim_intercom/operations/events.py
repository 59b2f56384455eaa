"""Data events: something a contact did, recorded against them."""

from __future__ import annotations

from typing import Any

from . import clock
from .base import Operation, Output, Params


def created_now(params: Params) -> Params:
    """Intercom's description requires `created_at`: now, when the caller gave none."""
    if "created_at" in params:
        return params
    return {**params, "created_at": int(clock.now())}


def _accepted(body: Any, params: Params) -> Output:
    """Intercom answers 202 with no body: accepted, recorded shortly after."""
    return {"accepted": True}


OPERATIONS = (Operation("intercom_create_event", "POST", "/events", _accepted, refine=created_now),)
