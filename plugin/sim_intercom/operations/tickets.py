"""Tickets: create and get."""

from __future__ import annotations

from .base import Operation, single

OPERATIONS = (
    Operation(
        "intercom_create_ticket",
        "POST",
        "/tickets",
        single("ticket"),
        rename={"disable_notifications": "skip_notifications"},
    ),
    Operation("intercom_get_ticket", "GET", "/tickets/{ticketId}", single("ticket")),
)
