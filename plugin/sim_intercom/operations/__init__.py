"""The operations, by tool id: one module per Intercom resource."""

from __future__ import annotations

from . import (
    admins,
    articles,
    companies,
    contacts,
    conversations,
    events,
    help_center,
    messages,
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
    )
    for op in module.OPERATIONS
}

__all__ = ["OPERATIONS", "Operation", "PartialResult"]
