"""Internal articles: knowledge only teammates and Copilot see, written and owned by admins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import AdminNotFound, NotFound
from .records import InternalArticle
from .rooms import Room
from .state import State, get_or_404


class InternalArticleNotFound(NotFound):
    """An unknown internal article id."""


class InternalArticles(Room[InternalArticle]):
    """Internal articles; their author and owner are admins of the workspace."""

    def __init__(self, state: State) -> None:
        super().__init__(state, InternalArticle, InternalArticleNotFound, first=9120301)

    def check(self, fields: Mapping[str, Any], record: InternalArticle | None = None) -> None:
        for name in ("author_id", "owner_id"):
            if name in fields:
                get_or_404(self.state.admins, str(fields[name]), AdminNotFound)

    def search(self, folder_id: str | None) -> list[InternalArticle]:
        """The internal articles of one folder, or every one when no folder is named."""
        return [each for each in self.all() if folder_id in (None, each.folder_id)]
