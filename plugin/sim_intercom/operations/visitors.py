"""Visitors: anonymous website visitors, updated, fetched and converted into contacts."""

from __future__ import annotations

from .base import Operation, single

OPERATIONS = (
    Operation("intercom_update_visitor", "PUT", "/visitors", single("visitor")),
    Operation("intercom_get_visitor", "GET", "/visitors", single("visitor")),
    Operation("intercom_convert_visitor", "POST", "/visitors/convert", single("contact")),
)
