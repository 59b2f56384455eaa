"""Contacts: create, get, update, list, search, delete; and attaching a contact to a company."""

from __future__ import annotations

from typing import Any

from ..client import ApiRequest, IntercomClient, encode_path_segment
from ..errors import IntercomError, NotFound
from .base import Operation, Output, Params, PartialResult, as_object, cursor_list, single
from .search import refine_search, search_body

CONTACT_FIELDS = (
    "role",
    "external_id",
    "email",
    "phone",
    "name",
    "avatar",
    "signed_up_at",
    "last_seen_at",
    "owner_id",
    "unsubscribed_from_emails",
    "custom_attributes",
)


def find_company(client: IntercomClient, company_id: str) -> dict[str, Any] | None:
    """The company whose own `company_id` this is, or None."""
    try:
        found = client.send(ApiRequest("GET", "/companies", {"company_id": company_id}))
    except NotFound:
        return None
    found = as_object(found)
    if found.get("type") == "list":
        data = found.get("data") or []
        return data[0] if data else None
    return found


def attach_company(output: Output, params: Params, client: IntercomClient) -> Output:
    """Associate the written contact with `company_id`: your own id first, then Intercom's."""
    if "company_id" not in params:
        return output
    contact = output["contact"]
    wanted = params["company_id"]
    try:
        company = find_company(client, wanted)
        intercom_id = company["id"] if company else wanted
        path = f"/contacts/{encode_path_segment(contact['id'])}/companies"
        attached = client.send(ApiRequest("POST", path, body={"id": intercom_id}))
    except IntercomError as error:
        message = (
            f"Contact {contact.get('id')} was written, but attaching it to company "
            f"{wanted!r} failed: {error}"
        )
        raise PartialResult(output, error, "attach_company", message) from error
    return {**output, "company": as_object(attached)}


def _delete_shape(body: Any, params: Params) -> Output:
    body = as_object(body)
    return {
        "id": body.get("id", params["contactId"]),
        "deleted": body.get("deleted"),
        "metadata": {"type": body.get("type", "contact"), "external_id": body.get("external_id")},
    }


OPERATIONS = (
    Operation(
        "intercom_create_contact",
        "POST",
        "/contacts",
        single("contact"),
        body=CONTACT_FIELDS,
        convert={"owner_id": int},
        after=attach_company,
    ),
    Operation("intercom_get_contact", "GET", "/contacts/{contactId}", single("contact")),
    Operation(
        "intercom_update_contact",
        "PUT",
        "/contacts/{contactId}",
        single("contact"),
        body=CONTACT_FIELDS,
        convert={"owner_id": int},
        after=attach_company,
    ),
    Operation(
        "intercom_list_contacts",
        "GET",
        "/contacts",
        cursor_list("contacts", "data"),
        query=("per_page", "starting_after"),
    ),
    Operation(
        "intercom_search_contacts",
        "POST",
        "/contacts/search",
        cursor_list("contacts", "data"),
        refine=refine_search,
        build_body=search_body,
    ),
    Operation("intercom_delete_contact", "DELETE", "/contacts/{contactId}", _delete_shape),
)
