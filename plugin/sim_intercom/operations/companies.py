"""Companies: create-or-update (upsert on company_id), get, list by page; attach a contact
to a company and detach it."""

from __future__ import annotations

from typing import Any

from ..paging import Pager
from .base import (
    Operation,
    Output,
    Params,
    as_object,
    as_record,
    cursor_list,
    next_cursor,
    optional_int,
    record_and_id,
    records,
    single,
    whole_list,
)


def _page_list(body: Any, params: Params) -> Output:
    """Companies page by number: `page`, `total_pages`, and `next_page` (None on the last)."""
    body = as_object(body)
    pages = as_object(body.get("pages") or {}, "'pages'")
    companies = records(body, "data")
    page = optional_int(pages, "page", None) or params.get("page", 1)
    total_pages = optional_int(pages, "total_pages", None) or (1 if companies else 0)
    return {
        "companies": companies,
        "total_count": optional_int(body, "total_count", len(companies)),
        "page": page,
        "total_pages": total_pages,
        "next_page": page + 1 if page < total_pages else None,
        "next_starting_after": next_cursor(body),
        "pages": body.get("pages"),  # Intercom's own, as Sim's tool returns it
    }


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "intercom_create_company",
        "POST",
        "/companies",
        single("company"),
        convert={"monthly_spend": int},
    ),
    Operation("intercom_get_company", "GET", "/companies/{companyId}", single("company")),
    Operation(
        "intercom_list_companies",
        "POST",
        "/companies/list",
        _page_list,
        in_query=True,
        pager=Pager("companies", by_number=True),
    ),
    Operation(
        "intercom_attach_contact_to_company",
        "POST",
        "/contacts/{contactId}/companies",
        record_and_id("company", "companyId"),
        rename={"companyId": "id"},
    ),
    Operation(
        "intercom_detach_contact_from_company",
        "DELETE",
        "/contacts/{contactId}/companies/{companyId}",
        record_and_id("company", "companyId"),
    ),
)


# People (issue 18, group A): a contact's companies, finding, changing, deleting, scrolling


def _found_companies(body: Any, params: Params) -> Output:
    """`GET /companies` answers a list, or (live, for `company_id` or `name`) the one
    company itself: either way, a page of companies."""
    if isinstance(body, dict) and body.get("type") == "company":
        return _page_list({"type": "list", "data": [body], "total_count": 1}, params)
    return _page_list(body, params)


def _deleted(body: Any, params: Params) -> Output:
    body = as_record(body, "the deleted company")
    return {"id": str(body["id"]), "deleted": body.get("deleted") is True}


def _scrolled(body: Any, params: Params) -> Output:
    """A scroll batch; an empty `data` means the scroll is over."""
    body = as_object(body)
    companies = records(body, "data")
    scroll_param = body.get("scroll_param")
    return {
        "companies": companies,
        "total_count": optional_int(body, "total_count", None),
        "scroll_param": scroll_param if isinstance(scroll_param, str) and companies else None,
    }


OPERATIONS += (
    Operation(
        "intercom_list_contact_companies",
        "GET",
        "/contacts/{contactId}/companies",
        whole_list("companies", "companies"),
    ),
    Operation(
        "intercom_find_companies",
        "GET",
        "/companies",
        _found_companies,
        pager=Pager("companies", by_number=True),
    ),
    Operation(
        "intercom_update_company",
        "PUT",
        "/companies/{companyId}",
        single("company"),
        convert={"monthly_spend": int},
    ),
    Operation("intercom_delete_company", "DELETE", "/companies/{companyId}", _deleted),
    # The description lists no query parameters here; Intercom's pagination guide documents
    # `per_page` and `starting_after` on every list (docs/differences-more.md).
    Operation(
        "intercom_list_company_contacts",
        "GET",
        "/companies/{companyId}/contacts",
        cursor_list("contacts", "data"),
        pager=Pager("contacts"),
    ),
    Operation("intercom_scroll_companies", "GET", "/companies/scroll", _scrolled),
)
