"""Fin, the AI agent, through the Fin Agent API: start a conversation, reply in it, and
record the user's rating. The conversation is yours, named by your own `conversation_id`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from . import clock
from .base import Operation, Output, Params, as_object
from .conversations import split_attachment_urls


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fin_body(params: Params) -> dict[str, Any]:
    """The user and their message; `timestamp` (Unix seconds, now when empty) is sent in
    ISO 8601, as Intercom dates Fin messages, and deduplicates a message sent twice."""
    user: dict[str, Any] = {"id": params["user_id"]}
    for name in ("name", "email"):
        if f"user_{name}" in params:
            user[name] = params[f"user_{name}"]
    if "user_attributes" in params:
        user["attributes"] = params["user_attributes"]
    when = params.get("timestamp", clock.now())
    body: dict[str, Any] = {
        "conversation_id": params["conversation_id"],
        "user": user,
        "message": {"author": "user", "body": params["message"], "timestamp": _iso(when)},
    }
    if "attachment_urls" in params:
        body["attachments"] = [{"type": "url", "url": url} for url in params["attachment_urls"]]
    metadata = {
        key: params[name]
        for key, name in (("attributes", "conversation_attributes"), ("history", "history"))
        if name in params
    }
    if metadata:
        body["conversation_metadata"] = metadata
    return body


def _fin(body: Any, params: Params) -> Output:
    """Fin's answer as Intercom gives it (status, conversation and user ids, ...)."""
    return dict(as_object(body, "Fin's answer"))


OPERATIONS = (
    Operation(
        "intercom_start_fin_conversation",
        "POST",
        "/fin/start",
        _fin,
        refine=split_attachment_urls,
        build_body=fin_body,
    ),
    Operation(
        "intercom_reply_to_fin",
        "POST",
        "/fin/reply",
        _fin,
        refine=split_attachment_urls,
        build_body=fin_body,
    ),
    Operation("intercom_submit_fin_csat", "POST", "/fin/csat", _fin),
)
