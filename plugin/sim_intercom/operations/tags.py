"""Tags: list, create or rename, and tag or untag contacts and conversations."""

from __future__ import annotations

from typing import Any

from .base import Operation, Output, Params, single, whole_list

OPERATIONS: tuple[Operation, ...] = (
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


# People (issue 18, group A): a contact's tags, one tag, deleting one, and tags on
# conversations and tickets


def _acting_admin(params: Params) -> dict[str, Any]:
    """Removing a tag from a conversation or ticket names the admin in a DELETE's body."""
    return {"admin_id": params["admin_id"]}


def _deleted(body: Any, params: Params) -> Output:
    """Intercom answers 200 with no body."""
    return {"id": params["tagId"], "deleted": True}


OPERATIONS += (
    Operation(
        "intercom_list_contact_tags",
        "GET",
        "/contacts/{contactId}/tags",
        whole_list("tags", "data"),
    ),
    Operation("intercom_get_tag", "GET", "/tags/{tagId}", single("tag")),
    Operation("intercom_delete_tag", "DELETE", "/tags/{tagId}", _deleted),
    Operation(
        "intercom_untag_conversation",
        "DELETE",
        "/conversations/{conversationId}/tags/{tagId}",
        single("tag"),
        build_body=_acting_admin,
    ),
    Operation(
        "intercom_tag_ticket",
        "POST",
        "/tickets/{ticketId}/tags",
        single("tag"),
        rename={"tagId": "id"},
    ),
    Operation(
        "intercom_untag_ticket",
        "DELETE",
        "/tickets/{ticketId}/tags/{tagId}",
        single("tag"),
        build_body=_acting_admin,
    ),
)
