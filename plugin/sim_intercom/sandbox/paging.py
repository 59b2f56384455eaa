"""Cursor and page-number pagination: opaque `starting_after` cursors and Intercom's `pages`."""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ParameterInvalid

MAX_CURSOR_LENGTH = 512


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: a position, the id just before it, and the page number."""

    position: int = 0
    last_id: str = ""
    page: int = 1

    def encode(self) -> str:
        raw = json.dumps([self.position, self.last_id, self.page], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _invalid(field: str) -> ParameterInvalid:
    return ParameterInvalid(f"{field} is not a cursor this API returned", field=field)


def decode_cursor(text: Any, field: str = "starting_after") -> Cursor:
    """The cursor in `text`; None or "" is the first page; anything else malformed is a 400."""
    if text is None or text == "":
        return Cursor()
    if not isinstance(text, str) or len(text) > MAX_CURSOR_LENGTH:
        raise _invalid(field)
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        position, last_id, page = json.loads(raw)
    except (binascii.Error, ValueError, TypeError):
        raise _invalid(field) from None
    valid = (
        isinstance(position, int)
        and position >= 0
        and isinstance(last_id, str)
        and isinstance(page, int)
        and page >= 1
    )
    if not valid:
        raise _invalid(field)
    return Cursor(position, last_id, page)


def cursor_pages(per_page: int, page: int, total: int, following: Cursor | None) -> dict[str, Any]:
    """Intercom's cursor `pages`; `next` only when another page follows."""
    pages: dict[str, Any] = {
        "type": "pages",
        "page": page,
        "per_page": per_page,
        "total_pages": math.ceil(total / per_page),
    }
    if following is not None:
        pages["next"] = {"page": following.page, "starting_after": following.encode()}
    return pages


def offset_page(
    items: Sequence[Any], per_page: int, cursor: Cursor, id_of: Any = None
) -> tuple[Sequence[Any], Cursor | None]:
    """One page of an ordered sequence, and the cursor of the next page (None on the last)."""
    start = cursor.position
    chunk = items[start : start + per_page]
    end = start + len(chunk)
    if end >= len(items) or not chunk:
        return chunk, None
    last_id = id_of(chunk[-1]) if id_of else ""
    return chunk, Cursor(end, last_id, cursor.page + 1)


def resume_position(items: Sequence[Any], cursor: Cursor, id_of: Any) -> Cursor:
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
