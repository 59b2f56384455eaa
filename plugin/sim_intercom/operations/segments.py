"""Segments: the workspace's saved filters of people and companies, and who is in which."""

from __future__ import annotations

from .base import Operation, single, whole_list

OPERATIONS = (
    Operation("intercom_list_segments", "GET", "/segments", whole_list("segments", "segments")),
    Operation("intercom_get_segment", "GET", "/segments/{segmentId}", single("segment")),
    Operation(
        "intercom_list_contact_segments",
        "GET",
        "/contacts/{contactId}/segments",
        whole_list("segments", "data"),
    ),
    Operation(
        "intercom_list_company_segments",
        "GET",
        "/companies/{companyId}/segments",
        whole_list("segments", "data"),
    ),
)
