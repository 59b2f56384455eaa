"""The room most content resources need: records of one typed class, by id, in creation order.

A resource whose fields are named as Intercom names them is served by a `Room` alone: its
record class is built from a checked body (`create`), changed field by field (`update`),
listed a page at a time and deleted. A resource with more to it (references to check,
search, upserts) subclasses `Room` and overrides what differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar

from .errors import NotFound
from .paging import Cursor, Page, cursor_page
from .state import State, get_or_404


class Stored(Protocol):
    """A record a room keeps: an id and the times it was made and last changed."""

    id: str
    created_at: int
    updated_at: int


R = TypeVar("R", bound=Stored)


class Room(Generic[R]):
    """The records of one resource. `make` builds a record from its id, the time and the
    checked fields; ids count from `first` (as text, as Intercom sends these ids)."""

    def __init__(
        self,
        state: State,
        make: Callable[..., R],
        missing: type[NotFound],
        *,
        first: int = 1,
    ) -> None:
        self.state = state
        self.make = make
        self.missing = missing
        self.first = first
        self.records: dict[str, R] = {}

    def get(self, record_id: str) -> R:
        return get_or_404(self.records, record_id, self.missing)

    def all(self) -> list[R]:
        return list(self.records.values())

    def page(self, per_page: int, cursor: Cursor) -> Page[R]:
        return cursor_page(self.all(), per_page, cursor, lambda record: record.id)

    def create(self, fields: Mapping[str, Any]) -> R:
        self.check(fields)
        now = self.state.now()
        record_id = str(self.state.next_number(self.missing.__name__, self.first))
        record = self.make(id=record_id, created_at=now, updated_at=now, **fields)
        self.records[record.id] = record
        return record

    def update(self, record: R, fields: Mapping[str, Any]) -> R:
        self.check(fields, record)
        for name, value in fields.items():
            setattr(record, name, value)
        record.updated_at = self.state.now()
        return record

    def delete(self, record_id: str) -> R:
        record = self.get(record_id)
        del self.records[record_id]
        return record

    def check(self, fields: Mapping[str, Any], record: R | None = None) -> None:
        """Refuse fields that name what the workspace does not hold (an unknown author,
        parent...); `record` is the one being updated, None on create."""
