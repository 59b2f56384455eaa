"""Admins and what the workspace is configured with: `/me`, ticket types."""

from __future__ import annotations

from .errors import AdminNotFound, NotFound, ParameterInvalid
from .records import ActivityLog, Admin, AwayStatusReason, Team, TicketType
from .state import State, get_or_404


class TeamNotFound(NotFound):
    """An unknown team id."""

    code = "team_not_found"
    message = "Team not found"


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

    # --- B: support: teams, away status, activity logs ---

    def get_team(self, team_id: str) -> Team:
        return get_or_404(self.state.teams, team_id, TeamNotFound)

    def away_status_reasons(self) -> list[AwayStatusReason]:
        return sorted(self.state.away_status_reasons.values(), key=lambda each: each.order)

    def set_away(self, admin: Admin, away: bool, reassign: bool, reason_id: str | None) -> Admin:
        """Set or clear an admin's away mode; the change is written to the activity log."""
        if reason_id is not None and reason_id not in self.state.away_status_reasons:
            message = f"away_status_reason_id {reason_id} is not an away status reason"
            raise ParameterInvalid(message, field="away_status_reason_id")
        admin.away_mode_enabled = away
        admin.away_mode_reassign = reassign if away else False
        admin.away_status_reason_id = int(reason_id) if away and reason_id is not None else None
        reason = self.state.away_status_reasons.get(reason_id or "")
        self.log(
            admin,
            "admin_away_mode_change",
            f"{admin.name} changed their away mode",
            {"away_mode": away, "away_status_reason": reason and f"{reason.emoji} {reason.label}"},
        )
        return admin

    def log(
        self, admin: Admin, activity: str, description: str, metadata: dict[str, object]
    ) -> None:
        number = self.state.next_number("activity_log", 1)
        self.state.activity_logs.append(
            ActivityLog(str(number), admin.id, activity, description, self.state.now(), metadata)
        )

    def activity_logs(self, after: int, before: int | None) -> list[ActivityLog]:
        """The logs from `after` (inclusive) to `before` (exclusive), newest first."""
        return sorted(
            (
                each
                for each in self.state.activity_logs
                if each.created_at >= after and (before is None or each.created_at < before)
            ),
            key=lambda each: (-each.created_at, -int(each.id)),
        )
