"""Contacts: create, get, update, list, search, delete; attaching a contact to a company on
create and update; and notes on a contact."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..client import ApiRequest, IntercomClient, encode_path_segment
from ..errors import Conflict, IntercomError, InternalError, NotFound
from ..paging import Pager
from .base import (
    Operation,
    Output,
    Params,
    PartialResult,
    UniqueKey,
    as_object,
    as_record,
    cursor_list,
    records,
    single,
)
from .conversations import token_admin
from .search import search_body

# Intercom's 409 for a duplicate contact: "A contact matching those details already exists
# with id=6657add46abd0167d9419cd2".
_EXISTING_ID = re.compile(r"\bid=([A-Za-z0-9_-]{1,64})")


def find_company(client: IntercomClient, company_id: str) -> dict[str, Any] | None:
    """The company whose own `company_id` this is, or None."""
    try:
        found = as_object(
            client.lookup(ApiRequest("GET", "/companies", {"company_id": company_id}))
        )
    except NotFound:
        return None
    if found.get("type") == "list":
        data = records(found, "data")
        return data[0] if data else None
    return as_record(found, "the company")


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
        # Attaching twice leaves one association, so this step is safe to retry.
        answer = client.send(ApiRequest("POST", path, body={"id": intercom_id}), safe=True)
        attached = as_record(answer, "the attached company")
    except Exception as exc:
        error = exc if isinstance(exc, IntercomError) else InternalError(type(exc).__name__)
        message = (
            f"Contact {contact.get('id')} was written, but attaching it to company "
            f"{str(wanted)[:100]!r} failed: {error}"
        )
        raise PartialResult(output, error, "attach_company", message) from None
    return {**output, "company": attached}


def existing_contact(conflict: Conflict, asked: Mapping[str, Any], client: IntercomClient) -> Any:
    """The contact an earlier, uncertain try of this create wrote: the one the 409 names
    (or a search finds), if it holds every value asked for; else the conflict stands, for
    it is someone else's contact and what was asked was never written."""
    found = _EXISTING_ID.search(conflict.message)
    if found:
        contact = client.lookup(ApiRequest("GET", f"/contacts/{encode_path_segment(found[1])}"))
    else:
        field = "external_id" if "external_id" in asked else "email"
        query = {"field": field, "operator": "=", "value": asked[field]}
        answer = client.lookup(ApiRequest("POST", "/contacts/search", body={"query": query}))
        matches = records(as_object(answer), "data")
        contact = matches[0] if matches else None
    if contact is None or not holds_all(as_object(contact, "the contact"), asked):
        raise conflict
    return contact


def holds_all(contact: Mapping[str, Any], asked: Mapping[str, Any]) -> bool:
    """Whether `contact` has every value of the create request `asked` (emails compared
    without case, custom attributes key by key, the avatar by its image URL)."""
    for name, wanted in asked.items():
        value = contact.get(name)
        if name == "email":
            if not isinstance(value, str) or value.casefold() != str(wanted).casefold():
                return False
        elif name == "custom_attributes":
            have = value if isinstance(value, dict) else {}
            if any(have.get(key, _MISSING) != item for key, item in dict(wanted).items()):
                return False
        elif name == "avatar" and isinstance(value, dict):
            if value.get("image_url") != wanted:
                return False
        elif value != wanted:
            return False
    return True


_MISSING = object()


def _delete_shape(body: Any, params: Params) -> Output:
    body = as_record(body, "the deleted contact")
    return {
        "id": body["id"],
        "deleted": body.get("deleted"),
        "metadata": {"type": body.get("type", "contact"), "external_id": body.get("external_id")},
    }


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "intercom_create_contact",
        "POST",
        "/contacts",
        single("contact"),
        local=("company_id",),
        convert={"owner_id": int},
        # Intercom keeps external_id unique, and email among users only: leads may share one.
        unique_keys=(UniqueKey("external_id"), UniqueKey("email", {"role": "user"})),
        recover=existing_contact,
        after=attach_company,
    ),
    Operation("intercom_get_contact", "GET", "/contacts/{contactId}", single("contact")),
    Operation(
        "intercom_update_contact",
        "PUT",
        "/contacts/{contactId}",
        single("contact"),
        local=("company_id",),
        convert={"owner_id": int},
        after=attach_company,
    ),
    Operation(
        "intercom_list_contacts",
        "GET",
        "/contacts",
        cursor_list("contacts", "data", pages=True),
        pager=Pager("contacts"),
    ),
    Operation(
        "intercom_search_contacts",
        "POST",
        "/contacts/search",
        cursor_list("contacts", "data", pages=True),
        pager=Pager("contacts"),
        build_body=search_body,
    ),
    Operation("intercom_delete_contact", "DELETE", "/contacts/{contactId}", _delete_shape),
    # Without `admin_id`, the admin who owns the token writes the note, as for a reply.
    Operation(
        "intercom_create_note",
        "POST",
        "/contacts/{contactId}/notes",
        single("note"),
        lookups=(token_admin,),
    ),
)


# People (issue 18, group A): merging, finding by external id, archiving and blocking

OPERATIONS += (
    # `from` is a lead, `into` a user; the lead is gone afterwards.
    Operation("intercom_merge_contacts", "POST", "/contacts/merge", single("contact")),
    Operation(
        "intercom_get_contact_by_external_id",
        "GET",
        "/contacts/find_by_external_id/{external_id}",
        single("contact"),
    ),
    Operation(
        "intercom_archive_contact", "POST", "/contacts/{contactId}/archive", single("contact")
    ),
    Operation(
        "intercom_unarchive_contact", "POST", "/contacts/{contactId}/unarchive", single("contact")
    ),
    Operation("intercom_block_contact", "POST", "/contacts/{contactId}/block", single("contact")),
)
