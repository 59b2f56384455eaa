"""News: news items (list, create, get, update, delete), newsfeeds and their live items."""

from __future__ import annotations

from ..paging import Pager
from .base import Operation, cursor_list
from .crud import crud

OPERATIONS = (
    *crud("news_item", "/news/news_items", "newsItemId"),
    *crud("newsfeed", "/news/newsfeeds", "newsfeedId", verbs=("list", "get")),
    Operation(
        "intercom_list_newsfeed_items",
        "GET",
        "/news/newsfeeds/{newsfeedId}/items",
        cursor_list("news_items", "data"),
        pager=Pager("news_items"),
    ),
)
