"""Ticket types, their attributes, and the workspace's ticket states."""

from __future__ import annotations

from .base import Operation, single, whole_list

OPERATIONS = (
    Operation(
        "intercom_list_ticket_types", "GET", "/ticket_types", whole_list("ticket_types", "data")
    ),
    Operation(
        "intercom_get_ticket_type", "GET", "/ticket_types/{ticketTypeId}", single("ticket_type")
    ),
    Operation("intercom_create_ticket_type", "POST", "/ticket_types", single("ticket_type")),
    Operation(
        "intercom_update_ticket_type", "PUT", "/ticket_types/{ticketTypeId}", single("ticket_type")
    ),
    Operation(
        "intercom_create_ticket_type_attribute",
        "POST",
        "/ticket_types/{ticketTypeId}/attributes",
        single("ticket_type_attribute"),
    ),
    Operation(
        "intercom_update_ticket_type_attribute",
        "PUT",
        "/ticket_types/{ticketTypeId}/attributes/{attributeId}",
        single("ticket_type_attribute"),
    ),
    Operation(
        "intercom_list_ticket_states", "GET", "/ticket_states", whole_list("ticket_states", "data")
    ),
)
