"""The body of a contacts or conversations search: query, pagination, sort."""

from __future__ import annotations

from typing import Any

from .base import Params


def search_body(params: Params) -> dict[str, Any]:
    """Intercom reads paging only from `pagination.per_page` and `pagination.starting_after`."""
    body: dict[str, Any] = {"query": params["query"]}
    pagination = {k: params[k] for k in ("per_page", "starting_after") if k in params}
    if pagination:
        body["pagination"] = pagination
    if "sort_field" in params:
        body["sort"] = {
            "field": params["sort_field"],
            "order": params.get("sort_order", "ascending"),
        }
    return body
