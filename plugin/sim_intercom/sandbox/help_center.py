"""The help center: its sites, their collections and the articles in them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import AdminNotFound, NotFound, ParameterInvalid
from .records import Article, Collection, HelpCenter
from .rooms import Room
from .state import State, get_or_404


class HelpCenterNotFound(NotFound):
    """An unknown help center id."""


class CollectionNotFound(NotFound):
    """An unknown collection id."""

    code = "collection_not_found"
    message = "Collection not found"


class ArticleNotFound(NotFound):
    """An unknown article id."""


class Collections(Room[Collection]):
    """Collections of one of the help centers, nested at most under another collection."""

    def __init__(self, state: State, help_centers: Room[HelpCenter]) -> None:
        super().__init__(state, Collection, CollectionNotFound, first=6871118)
        self.help_centers = help_centers

    def create(self, fields: Mapping[str, Any]) -> Collection:
        default = {"help_center_id": int(self.help_centers.all()[0].id)}
        return super().create({**default, **fields})

    def check(self, fields: Mapping[str, Any], record: Collection | None = None) -> None:
        if fields.get("help_center_id") is not None:
            self.help_centers.get(str(fields["help_center_id"]))
        parent = fields.get("parent_id")
        if parent is not None and (parent not in self.records or (record and record.id == parent)):
            raise ParameterInvalid(
                f"parent_id {parent!r} is no other collection", field="parent_id"
            )

    def help_center_of(self, collection_id: int | str | None) -> str | None:
        collection = self.records.get(str(collection_id))
        return None if collection is None else str(collection.help_center_id)


@dataclass(frozen=True)
class ArticleSearch:
    """`GET /articles/search`: words to find, the state wanted, the help center."""

    phrase: str | None
    state: str | None
    help_center_id: str | None
    highlight: bool


class Articles(Room[Article]):
    """Articles by an admin, each in a collection (or none while it is drafted)."""

    def __init__(self, state: State, collections: Collections) -> None:
        super().__init__(state, Article, ArticleNotFound, first=8340512)
        self.collections = collections

    def create(self, fields: Mapping[str, Any]) -> Article:
        return super().create(_parent_as_text(fields))

    def update(self, record: Article, fields: Mapping[str, Any]) -> Article:
        return super().update(record, _parent_as_text(fields))

    def check(self, fields: Mapping[str, Any], record: Article | None = None) -> None:
        if "author_id" in fields:
            get_or_404(self.state.admins, str(fields["author_id"]), AdminNotFound)
        if fields.get("parent_id") is not None:
            self.collections.get(str(fields["parent_id"]))

    def search(self, wanted: ArticleSearch) -> list[Article]:
        """Articles holding every word of the phrase in their title or body, newest first."""
        words = (wanted.phrase or "").casefold().split()
        found = []
        for article in reversed(self.all()):
            text = f"{article.title} {article.body or ''}".casefold()
            if wanted.state not in (None, "all", article.state) or not all(
                word in text for word in words
            ):
                continue
            center = self.collections.help_center_of(article.parent_id)
            if wanted.help_center_id is None or center == wanted.help_center_id:
                found.append(article)
        return found


def _parent_as_text(fields: Mapping[str, Any]) -> dict[str, Any]:
    """An article's `parent_id` as text, however it was sent (the description types it as
    an integer on create and as a string on update)."""
    parent = fields.get("parent_id")
    return {**fields, "parent_id": str(parent)} if parent is not None else dict(fields)
