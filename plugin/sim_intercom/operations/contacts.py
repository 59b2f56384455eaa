"""Contacts: create, get, update, list, search, delete; attaching a contact to a company on
create and update; and notes on a contact."""

from __future__ import annotations

import re
from typing import Any

from ..client import ApiRequest, IntercomClient, encode_path_segment
from ..errors import Conflict, IntercomError, InternalError, NotFound
from ..paging import Pager
from .base import (
    Operation,
    Output,
    Params,
    PartialResult,
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


def existing_contact(conflict: Conflict, params: Params, client: IntercomClient) -> Any:
    """The contact an earlier, uncertain try of this create already wrote."""
    found = _EXISTING_ID.search(conflict.message)
    if found:
        return client.lookup(ApiRequest("GET", f"/contacts/{encode_path_segment(found[1])}"))
    field = "external_id" if "external_id" in params else "email"
    query = {"field": field, "operator": "=", "value": params[field]}
    answer = as_object(client.lookup(ApiRequest("POST", "/contacts/search", body={"query": query})))
    matches = records(answer, "data")
    if not matches:
        raise conflict
    return matches[0]


def _delete_shape(body: Any, params: Params) -> Output:
    body = as_record(body, "the deleted contact")
    return {
        "id": body["id"],
        "deleted": body.get("deleted"),
        "metadata": {"type": body.get("type", "contact"), "external_id": body.get("external_id")},
    }


OPERATIONS = (
    Operation(
        "intercom_create_contact",
        "POST",
        "/contacts",
        single("contact"),
        local=("company_id",),
        convert={"owner_id": int},
        natural_key=("email", "external_id"),
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
