"""Admins: the workspace's teammates."""

from __future__ import annotations

from .base import Operation, whole_list

OPERATIONS = (Operation("intercom_list_admins", "GET", "/admins", whole_list("admins", "admins")),)
