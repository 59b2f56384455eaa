"""The operations, by tool id: one module per Intercom resource."""

from __future__ import annotations

from . import (
    admins,
    ai_content,
    articles,
    calls,
    companies,
    contacts,
    conversations,
    custom_objects,
    data_attributes,
    data_export,
    events,
    fin,
    help_center,
    internal_articles,
    ip_allowlist,
    messages,
    news,
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
        # C: content
        *(articles, help_center, internal_articles, news, ai_content, data_export),
        *(custom_objects, ip_allowlist),
    )
    for op in module.OPERATIONS
}

__all__ = ["OPERATIONS", "Operation", "PartialResult"]
