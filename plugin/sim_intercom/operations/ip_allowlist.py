"""The IP allowlist: read it, and replace it (Intercom refuses a list that would lock the
caller out)."""

from __future__ import annotations

from .base import Operation
from .crud import fields_of

ALLOWLIST = fields_of("enabled", "ip_allowlist")

OPERATIONS = (
    Operation("intercom_get_ip_allowlist", "GET", "/ip_allowlist", ALLOWLIST),
    Operation("intercom_update_ip_allowlist", "PUT", "/ip_allowlist", ALLOWLIST),
)
