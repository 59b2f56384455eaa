"""News: items an admin sends, and the newsfeeds where live items are shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import AdminNotFound, NotFound, ParameterInvalid
from .records import Newsfeed, NewsItem
from .rooms import Room
from .state import State, get_or_404


class NewsItemNotFound(NotFound):
    """An unknown news item id."""


class NewsfeedNotFound(NotFound):
    """An unknown newsfeed id."""


class NewsItems(Room[NewsItem]):
    """News items; each names its sender (an admin) and the newsfeeds it is assigned to."""

    def __init__(self, state: State, newsfeeds: Room[Newsfeed]) -> None:
        super().__init__(state, NewsItem, NewsItemNotFound, first=29)
        self.newsfeeds = newsfeeds

    def create(self, fields: Mapping[str, Any]) -> NewsItem:
        return super().create(self._published(fields))

    def update(self, record: NewsItem, fields: Mapping[str, Any]) -> NewsItem:
        return super().update(record, self._published(fields))

    def check(self, fields: Mapping[str, Any], record: NewsItem | None = None) -> None:
        if "sender_id" in fields:
            get_or_404(self.state.admins, str(fields["sender_id"]), AdminNotFound)
        for index, assignment in enumerate(fields.get("newsfeed_assignments") or ()):
            place = f"newsfeed_assignments[{index}].newsfeed_id"
            if not isinstance(assignment, dict) or "newsfeed_id" not in assignment:
                raise ParameterInvalid(f"{place} is required", field=place)
            if str(assignment["newsfeed_id"]) not in self.newsfeeds.records:
                raise ParameterInvalid(f"{place} is no newsfeed", field=place)

    def live_in(self, newsfeed: Newsfeed) -> list[NewsItem]:
        """The live items assigned to `newsfeed`, newest first."""
        return [
            item
            for item in reversed(self.all())
            if item.state == "live"
            and any(str(each["newsfeed_id"]) == newsfeed.id for each in item.newsfeed_assignments)
        ]

    def _published(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """The fields with each assignment's `published_at` (now, unless given)."""
        if not fields.get("newsfeed_assignments"):
            return dict(fields)
        now = self.state.now()
        assignments = [
            {**each, "published_at": each.get("published_at", now)}
            if isinstance(each, dict)
            else each
            for each in fields["newsfeed_assignments"]
        ]
        return {**fields, "newsfeed_assignments": assignments}
