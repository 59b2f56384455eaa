"""Tags: list, create or rename, and tag or untag contacts and conversations."""

from __future__ import annotations

from .base import Operation, single, whole_list

OPERATIONS = (
    # Intercom lists the tags under `data`, with no count and no pages.
    Operation("intercom_list_tags", "GET", "/tags", whole_list("tags", "data")),
    # Without `id` Intercom returns the tag of that name, creating it if there is none;
    # with `id` it renames that tag.
    Operation("intercom_create_tag", "POST", "/tags", single("tag")),
    Operation(
        "intercom_tag_contact",
        "POST",
        "/contacts/{contactId}/tags",
        single("tag"),
        rename={"tagId": "id"},
    ),
    Operation(
        "intercom_untag_contact",
        "DELETE",
        "/contacts/{contactId}/tags/{tagId}",
        single("tag"),
    ),
    Operation(
        "intercom_tag_conversation",
        "POST",
        "/conversations/{conversationId}/tags",
        single("tag"),
        rename={"tagId": "id"},
    ),
)
