"""Internal articles: list, create, get, update, delete and search by folder."""

from __future__ import annotations

from ..paging import Pager
from .base import Operation
from .crud import crud, nested_list

OPERATIONS = (
    *crud("internal_article", "/internal_articles", "internalArticleId"),
    # Intercom answers `data: {internal_articles}`, not a list under `data`.
    Operation(
        "intercom_search_internal_articles",
        "GET",
        "/internal_articles/search",
        nested_list("internal_articles", "internal_articles"),
        pager=Pager("internal_articles"),
    ),
)
