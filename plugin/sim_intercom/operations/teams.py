"""Teams: the groups of admins that conversations and tickets can be assigned to."""

from __future__ import annotations

from .base import Operation, single, whole_list

OPERATIONS = (
    Operation("intercom_list_teams", "GET", "/teams", whole_list("teams", "teams")),
    Operation("intercom_get_team", "GET", "/teams/{teamId}", single("team")),
)
