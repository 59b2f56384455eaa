"""The help center: its collections (list, create, get, update, delete) and its sites."""

from __future__ import annotations

from .crud import crud

OPERATIONS = (
    *crud("collection", "/help_center/collections", "collectionId"),
    # Intercom lists help centers under `data`, all at once, with no cursor.
    *crud(
        "help_center",
        "/help_center/help_centers",
        "helpCenterId",
        verbs=("list", "get"),
        paged=False,
    ),
)
