"""The operations, by tool id: one module per Intercom resource."""

from __future__ import annotations

from . import (
    admins,
    ai_content,
    articles,
    companies,
    contacts,
    conversations,
    custom_objects,
    data_export,
    events,
    help_center,
    internal_articles,
    ip_allowlist,
    messages,
    news,
    tags,
    tickets,
)
from .base import Operation, PartialResult

OPERATIONS: dict[str, Operation] = {
    op.tool_id: op
    for module in (
        contacts,
        companies,
        conversations,
        tickets,
        messages,
        tags,
        events,
        admins,
        articles,
        help_center,
        internal_articles,
        news,
        ai_content,
        data_export,
        custom_objects,
        ip_allowlist,
    )
    for op in module.OPERATIONS
}

__all__ = ["OPERATIONS", "Operation", "PartialResult"]
