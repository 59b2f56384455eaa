"""Admins and what the workspace is configured with: `/me`, ticket types."""

from __future__ import annotations

from .errors import AdminNotFound
from .records import Admin, TicketType
from .state import State, get_or_404


class Admins:
    """The team, and the workspace settings an API client reads."""

    def __init__(self, state: State) -> None:
        self.state = state

    def me(self) -> Admin:
        """The admin the access token belongs to."""
        return self.state.admins[self.state.me_id]

    def team(self) -> list[Admin]:
        return list(self.state.admins.values())

    def get(self, admin_id: str) -> Admin:
        return get_or_404(self.state.admins, admin_id, AdminNotFound)

    def ticket_types(self) -> list[TicketType]:
        return list(self.state.ticket_types.values())
