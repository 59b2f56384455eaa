"""Admin-initiated messages: in-app or email, from an admin to a user or lead."""

from __future__ import annotations

from typing import Any

from ..client import ApiRequest, IntercomClient, encode_path_segment
from ..errors import IntercomError, InvalidResponse
from .base import Operation, Params, single


def recipient_role(params: Params, client: IntercomClient) -> Params:
    """Intercom's recipient type is the contact's role: for `contact`, it is looked up."""
    if params["to_type"] != "contact":
        return params
    path = f"/contacts/{encode_path_segment(params['to_id'])}"
    try:
        contact = client.lookup(ApiRequest("GET", path))
    except IntercomError as error:
        error.field = "to_id"
        error.message = f"Could not look up recipient to_id={params['to_id']!r}: {error.message}"
        raise
    role = contact.get("role") if isinstance(contact, dict) else None
    if role not in ("user", "lead"):
        shown = repr(role)[:40]
        raise InvalidResponse(f"Contact {params['to_id']!r} has no user or lead role: {shown}")
    return {**params, "to_type": role}


def message_body(params: Params) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_type": params["message_type"],
        "template": params["template"],
        "body": params["body"],
        "from": {"type": params["from_type"], "id": int(params["from_id"])},
        "to": {"type": params["to_type"], "id": params["to_id"]},
    }
    for name in ("subject", "created_at"):
        if name in params:
            body[name] = params[name]
    return body


OPERATIONS = (
    Operation(
        "intercom_create_message",
        "POST",
        "/messages",
        single("message"),
        lookups=(recipient_role,),
        build_body=message_body,
    ),
)
