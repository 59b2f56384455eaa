"""Help center articles: list, create, get, update, delete and search."""

from __future__ import annotations

from ..paging import Pager
from .base import Operation
from .crud import crud, nested_list

OPERATIONS = (
    *crud("article", "/articles", "articleId"),
    # Intercom answers `data: {articles, highlights}`, not a list under `data`.
    Operation(
        "intercom_search_articles",
        "GET",
        "/articles/search",
        nested_list("articles", "articles"),
        pager=Pager("articles"),
    ),
)
