"""Companies: create-or-update (upsert on company_id), get, list by page."""

from __future__ import annotations

from typing import Any

from .base import Operation, Output, Params, as_object, next_cursor, single

COMPANY_FIELDS = (
    "company_id",
    "name",
    "website",
    "plan",
    "size",
    "industry",
    "monthly_spend",
    "custom_attributes",
    "remote_created_at",
)


def _page_list(body: Any, params: Params) -> Output:
    """Companies page by number: `page`, `total_pages`, and `next_page` (None on the last)."""
    body = as_object(body)
    pages = body.get("pages") if isinstance(body.get("pages"), dict) else {}
    companies = body.get("data") or []
    page = pages.get("page") or params.get("page", 1)
    total_pages = pages.get("total_pages") or (1 if companies else 0)
    return {
        "companies": companies,
        "total_count": body.get("total_count", len(companies)),
        "page": page,
        "total_pages": total_pages,
        "next_page": page + 1 if page < total_pages else None,
        "next_starting_after": next_cursor(body),
    }


OPERATIONS = (
    Operation(
        "intercom_create_company",
        "POST",
        "/companies",
        single("company"),
        body=COMPANY_FIELDS,
        convert={"monthly_spend": int},
    ),
    Operation("intercom_get_company", "GET", "/companies/{companyId}", single("company")),
    Operation(
        "intercom_list_companies",
        "POST",
        "/companies/list",
        _page_list,
        query=("page", "per_page", "starting_after"),
    ),
)
