"""Tickets: create, get and update."""

from __future__ import annotations

from typing import Any

from .base import Operation, Output, Params, as_record, single


def _updated(body: Any, params: Params) -> Output:
    ticket = as_record(body, "the ticket")
    return {
        "ticket": ticket,
        "ticketId": str(ticket["id"]),
        "ticket_state": ticket.get("ticket_state"),
    }


OPERATIONS = (
    Operation(
        "intercom_create_ticket",
        "POST",
        "/tickets",
        single("ticket"),
        rename={"disable_notifications": "skip_notifications"},
    ),
    Operation("intercom_get_ticket", "GET", "/tickets/{ticketId}", single("ticket")),
    # Intercom's description types `admin_id` as an integer and `assignee_id` as a string.
    Operation(
        "intercom_update_ticket",
        "PUT",
        "/tickets/{ticketId}",
        _updated,
        convert={"admin_id": int},
    ),
)
