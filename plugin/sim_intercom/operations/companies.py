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
    next_cursor,
    optional_int,
    record_and_id,
    records,
    single,
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


OPERATIONS = (
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
