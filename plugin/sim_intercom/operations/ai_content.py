"""AI content: content import sources and the external pages Fin and Copilot learn from."""

from __future__ import annotations

from .base import Operation, single
from .crud import crud

OPERATIONS = (
    # Intercom answers the delete of a source without a body; the pages go with it.
    *crud("content_import_source", "/ai/content_import_sources", "sourceId"),
    *crud(
        "external_page", "/ai/external_pages", "pageId", verbs=("list", "create", "get", "update")
    ),
    # Intercom answers the delete of a page with the page as it was.
    Operation(
        "intercom_delete_external_page",
        "DELETE",
        "/ai/external_pages/{pageId}",
        single("external_page"),
    ),
)
