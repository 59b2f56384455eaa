"""Notes on contacts: listing a contact's notes and fetching one (adding one is in
`contacts`, beside the contact it is written on)."""

from __future__ import annotations

from ..paging import Pager
from .base import Operation, cursor_list, single

# The description lists no query parameters for listNotes; Intercom's pagination guide
# documents `per_page` and `starting_after` on every list (docs/differences-more.md).
OPERATIONS = (
    Operation(
        "intercom_list_notes",
        "GET",
        "/contacts/{contactId}/notes",
        cursor_list("notes", "data"),
        pager=Pager("notes"),
    ),
    Operation("intercom_get_note", "GET", "/notes/{noteId}", single("note")),
)
