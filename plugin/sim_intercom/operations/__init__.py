"""The operations, by tool id: one module per Intercom resource."""

from __future__ import annotations

from . import (
    admins,
    calls,
    companies,
    contacts,
    conversations,
    data_attributes,
    events,
    fin,
    messages,
    notes,
    segments,
    subscriptions,
    tags,
    teams,
    ticket_types,
    tickets,
    visitors,
)
from .base import Operation, PartialResult

OPERATIONS: dict[str, Operation] = {
    op.tool_id: op
    for module in (
        *(contacts, companies, conversations, tickets, messages, tags, events, admins),
        # A: people
        *(notes, segments, subscriptions, visitors, data_attributes),
        # B: support
        *(teams, ticket_types, calls, fin),
    )
    for op in module.OPERATIONS
}

__all__ = ["OPERATIONS", "Operation", "PartialResult"]
