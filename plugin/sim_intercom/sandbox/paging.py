"""Cursor and page-number pagination: opaque `starting_after` cursors and pages of records."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .errors import ParameterInvalid

MAX_CURSOR_LENGTH = 512
R = TypeVar("R")


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: a position, the id just before it, the page number, and
    for a search, the snapshot of its ordered matches (`search.Snapshots`)."""

    position: int = 0
    last_id: str = ""
    page: int = 1
    snapshot: str = ""

    def encode(self) -> str:
        fields: list[object] = [self.position, self.last_id, self.page]
        if self.snapshot:
            fields.append(self.snapshot)
        raw = json.dumps(fields, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _invalid(field: str) -> ParameterInvalid:
    return ParameterInvalid(f"{field} is not a cursor this API returned", field=field)


def decode_cursor(text: object, field: str = "starting_after") -> Cursor:
    """The cursor in `text`; None or "" is the first page; anything else malformed is a 400."""
    if text is None or text == "":
        return Cursor()
    if not isinstance(text, str) or len(text) > MAX_CURSOR_LENGTH:
        raise _invalid(field)
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        position, last_id, page, *rest = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise _invalid(field) from None
    snapshot = rest[0] if len(rest) == 1 else None if rest else ""
    valid = (
        isinstance(position, int)
        and position >= 0
        and isinstance(last_id, str)
        and isinstance(page, int)
        and page >= 1
    )
    if not valid or not isinstance(snapshot, str):
        raise _invalid(field)
    return Cursor(position, last_id, page, snapshot)


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of records, its place among all pages, and where the next one starts."""

    items: list[R]
    total: int
    per_page: int
    page: int = 1
    following: Cursor | None = None

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.per_page)


def cursor_page(
    items: Sequence[R], per_page: int, cursor: Cursor, id_of: Callable[[R], str] | None = None
) -> Page[R]:
    """The page of an ordered sequence that `cursor` points at; `id_of` lets the next cursor
    name the last record, so it can resume should earlier records go."""
    start = cursor.position
    chunk = list(items[start : start + per_page])
    end = start + len(chunk)
    following = None
    if end < len(items) and chunk:
        last_id = id_of(chunk[-1]) if id_of else ""
        following = Cursor(end, last_id, cursor.page + 1)
    return Page(chunk, len(items), per_page, cursor.page, following)


def numbered_page(items: Sequence[R], per_page: int, page: int) -> Page[R]:
    """Page `page` (from 1) of an ordered sequence, as the company endpoints number them."""
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), len(items), per_page, page)


def resume_position(items: Sequence[R], cursor: Cursor, id_of: Callable[[R], str]) -> Cursor:
    """The cursor moved to just after its `last_id`, should records before it have gone.

    Ids grow with creation order, so the new position follows the last record whose id is
    at most `last_id`: the record itself when it is still there, else the one before it.
    """
    position = cursor.position
    if not cursor.last_id or (
        0 < position <= len(items) and id_of(items[position - 1]) == cursor.last_id
    ):
        return cursor
    for index in range(min(position, len(items)) - 1, -1, -1):
        if id_of(items[index]) <= cursor.last_id:
            return Cursor(index + 1, cursor.last_id, cursor.page)
    return Cursor(0, cursor.last_id, cursor.page)
