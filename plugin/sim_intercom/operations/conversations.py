"""Conversations: get, list, search, and reply as an admin."""

from __future__ import annotations

from typing import Any

from ..client import IntercomClient
from ..errors import InvalidInput, Violation
from ..limits import MAX_ATTACHMENTS
from ..paging import Pager
from .base import Operation, Params, cursor_list, single
from .search import search_body


def split_attachment_urls(params: Params) -> Params:
    """`attachment_urls` is comma-separated text: split, trim, drop blanks, at most 10."""
    if "attachment_urls" not in params:
        return params
    urls = [url.strip() for url in str(params["attachment_urls"]).split(",") if url.strip()]
    if len(urls) > MAX_ATTACHMENTS:
        raise InvalidInput.from_violations(
            [Violation("attachment_urls", f"at most {MAX_ATTACHMENTS} URLs, got {len(urls)}")]
        )
    refined = {**params, "attachment_urls": urls}
    if not urls:
        del refined["attachment_urls"]
    return refined


def token_admin(params: Params, client: IntercomClient) -> Params:
    """Without `admin_id`, the admin who owns the token writes the reply (`GET /me`)."""
    if params.get("admin_id"):
        return params
    return {**params, "admin_id": client.current_admin_id()}


def reply_body(params: Params) -> dict[str, Any]:
    """An admin reply."""
    body: dict[str, Any] = {
        "message_type": params["message_type"],
        "type": "admin",
        "body": params["body"],
        "admin_id": params["admin_id"],
    }
    for name in ("attachment_urls", "created_at"):
        if name in params:
            body[name] = params[name]
    return body


OPERATIONS = (
    Operation(
        "intercom_get_conversation",
        "GET",
        "/conversations/{conversationId}",
        single("conversation"),
    ),
    Operation(
        "intercom_list_conversations",
        "GET",
        "/conversations",
        cursor_list("conversations", "conversations"),
        pager=Pager("conversations"),
    ),
    Operation(
        "intercom_reply_conversation",
        "POST",
        "/conversations/{conversationId}/reply",
        single("conversation"),
        refine=split_attachment_urls,
        lookups=(token_admin,),
        build_body=reply_body,
    ),
    Operation(
        "intercom_search_conversations",
        "POST",
        "/conversations/search",
        cursor_list("conversations", "conversations"),
        pager=Pager("conversations"),
        build_body=search_body,
    ),
)
