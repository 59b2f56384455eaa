"""The sixteen operations, by tool id."""

from __future__ import annotations

from . import companies, contacts, conversations, messages, tickets
from .base import Operation, PartialResult

OPERATIONS: dict[str, Operation] = {
    op.tool_id: op
    for module in (contacts, companies, conversations, tickets, messages)
    for op in module.OPERATIONS
}

__all__ = ["OPERATIONS", "Operation", "PartialResult"]
