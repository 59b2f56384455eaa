"""Conversations: get, list, search, reply as an admin; close, open, snooze and assign; a
contact starts one; update, delete, participants, redaction and conversion to a ticket."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..client import IntercomClient
from ..errors import InvalidInput, Violation
from ..limits import MAX_ATTACHMENTS
from ..paging import Pager
from . import clock
from .base import (
    BodyBuilder,
    Operation,
    Output,
    Params,
    Shape,
    as_record,
    cursor_list,
    deleted,
    record_and_id,
    single,
)
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


def snooze_in_the_future(params: Params) -> Params:
    """Intercom would reopen a conversation snoozed until a past time at once: refuse it."""
    until = params.get("snoozed_until")
    now = clock.now()
    if isinstance(until, int) and until <= now:
        when = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        raise InvalidInput.from_violations(
            [Violation("snoozed_until", f"must be in the future: now is {int(now)} ({when})")]
        )
    return params


def part_body(message_type: str, *, admin_type: bool, extra: tuple[str, ...] = ()) -> BodyBuilder:
    """An admin's action on a conversation (`POST /conversations/{id}/parts`): its
    `message_type`, `type: admin` where Intercom's description has it (close, assign),
    the acting admin and the action's own fields."""

    def body(params: Params) -> dict[str, Any]:
        built: dict[str, Any] = {"message_type": message_type}
        if admin_type:
            built["type"] = "admin"
        built["admin_id"] = params["admin_id"]
        built.update({name: params[name] for name in extra if name in params})
        return built

    return body


def conversation_and(*names: str) -> Shape:
    """Output the conversation, its id, and the named fields of it (`state`, the assignees;
    null when Intercom left them out)."""

    def shape(body: Any, params: Params) -> Output:
        conversation = as_record(body, "the conversation")
        output: Output = {"conversation": conversation, "conversationId": str(conversation["id"])}
        output.update({name: conversation.get(name) for name in names})
        return output

    return shape


def contact_message(params: Params) -> dict[str, Any]:
    """A contact writes in: `from` names them by role and Intercom id."""
    body: dict[str, Any] = {
        "from": {"type": params["from_type"], "id": params["from_id"]},
        "body": params["body"],
    }
    for name in ("subject", "attachment_urls", "created_at"):
        if name in params:
            body[name] = params[name]
    return body


def _started(body: Any, params: Params) -> Output:
    """The contact's message and the id of the conversation it opened."""
    message = as_record(body, "the message")
    conversation_id = message.get("conversation_id")
    if not isinstance(conversation_id, str | int) or isinstance(conversation_id, bool):
        conversation_id = None
    return {
        "message": message,
        "conversationId": None if conversation_id is None else str(conversation_id),
    }


CUSTOMER_KEYS = ("intercom_user_id", "user_id", "email")


def customer_body(params: Params) -> dict[str, Any]:
    """The contact to add, by the one of Intercom's id, your user_id or email given."""
    customer = {name: params[name] for name in CUSTOMER_KEYS if name in params}
    return {"admin_id": params["admin_id"], "customer": customer}


def redaction_body(params: Params) -> dict[str, Any]:
    """A part (`conversation_part_id`) or the opening message (`source_id`) to redact."""
    body: dict[str, Any] = {"conversation_id": params["conversation_id"]}
    if "source_id" in params:
        body.update(type="source", source_id=params["source_id"])
    else:
        body.update(type="conversation_part", conversation_part_id=params["conversation_part_id"])
    return body


PARTS = "/conversations/{conversationId}/parts"

# Closing and assigning again leave the conversation as one try did, but a `body` is a
# part a person reads, added by every try that lands: with one they are not retried.
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
        cursor_list("conversations", "conversations", pages=True),
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
        cursor_list("conversations", "conversations", pages=True),
        pager=Pager("conversations"),
        build_body=search_body,
    ),
    Operation(
        "intercom_close_conversation",
        "POST",
        PARTS,
        conversation_and("state"),
        build_body=part_body("close", admin_type=True, extra=("body",)),
        safe_without=("body",),
    ),
    Operation(
        "intercom_open_conversation",
        "POST",
        PARTS,
        conversation_and("state"),
        build_body=part_body("open", admin_type=False),
    ),
    Operation(
        "intercom_snooze_conversation",
        "POST",
        PARTS,
        conversation_and("state", "snoozed_until"),
        refine=snooze_in_the_future,
        build_body=part_body("snoozed", admin_type=False, extra=("snoozed_until",)),
    ),
    Operation(
        "intercom_assign_conversation",
        "POST",
        PARTS,
        conversation_and("admin_assignee_id", "team_assignee_id"),
        build_body=part_body("assignment", admin_type=True, extra=("assignee_id", "body")),
        safe_without=("body",),
    ),
    # --- B: support ---
    Operation(
        "intercom_create_conversation",
        "POST",
        "/conversations",
        _started,
        build_body=contact_message,
    ),
    Operation(
        "intercom_update_conversation",
        "PUT",
        "/conversations/{conversationId}",
        single("conversation"),
    ),
    Operation(
        "intercom_delete_conversation",
        "DELETE",
        "/conversations/{conversationId}",
        deleted("conversation"),
    ),
    Operation(
        "intercom_attach_contact_to_conversation",
        "POST",
        "/conversations/{conversationId}/customers",
        conversation_and(),
        build_body=customer_body,
    ),
    # Intercom reads the acting admin from the body of this DELETE.
    Operation(
        "intercom_detach_contact_from_conversation",
        "DELETE",
        "/conversations/{conversationId}/customers/{contactId}",
        conversation_and(),
        build_body=lambda params: {"admin_id": params["admin_id"]},
    ),
    Operation(
        "intercom_redact_conversation",
        "POST",
        "/conversations/redact",
        conversation_and(),
        build_body=redaction_body,
    ),
    Operation(
        "intercom_convert_conversation_to_ticket",
        "POST",
        "/conversations/{conversationId}/convert",
        record_and_id("ticket", "ticketId"),
    ),
)
