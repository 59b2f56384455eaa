"""Admins: the workspace's teammates, who the token belongs to, away status and the
activity log."""

from __future__ import annotations

from typing import Any

from .base import Operation, Params, single, whole_list


def away_body(params: Params) -> dict[str, Any]:
    """Intercom requires both switches; reassigning is off unless asked for."""
    body: dict[str, Any] = {
        "away_mode_enabled": params["away_mode_enabled"],
        "away_mode_reassign": params.get("away_mode_reassign", False),
    }
    if "away_status_reason_id" in params:
        body["away_status_reason_id"] = int(params["away_status_reason_id"])
    return body


OPERATIONS = (
    Operation("intercom_list_admins", "GET", "/admins", whole_list("admins", "admins")),
    # --- B: support ---
    Operation("intercom_get_current_admin", "GET", "/me", single("admin")),
    Operation("intercom_get_admin", "GET", "/admins/{adminId}", single("admin")),
    Operation(
        "intercom_set_admin_away",
        "PUT",
        "/admins/{adminId}/away",
        single("admin"),
        build_body=away_body,
    ),
    # Intercom answers every log of the period at once.
    Operation(
        "intercom_list_activity_logs",
        "GET",
        "/admins/activity_logs",
        whole_list("activity_logs", "activity_logs"),
        convert={"created_at_after": str, "created_at_before": str},
    ),
    Operation(
        "intercom_list_away_status_reasons",
        "GET",
        "/away_status_reasons",
        whole_list("away_status_reasons", "data"),
    ),
)
