"""Each content resource's life through the hook, over loopback HTTP, against the sandbox:
what one tool writes the next one reads (issue 18, group C)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from helpers import ids
from sim_intercom.host import execute_tool
from sim_intercom.sandbox import SandboxServer

pytestmark = pytest.mark.slow

Run = Callable[..., dict[str, Any]]
INES = 991267801  # the seed's first admin
GETTING_STARTED = "6871118"  # the seed's first collection
HELP_CENTER = "11"  # the seed's help center


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def run(plugin_manager, sandbox) -> Run:
    """Run a tool through the hook; its output, after checking it succeeded."""
    credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}

    def call(tool_id: str, **params: Any) -> dict[str, Any]:
        result = execute_tool(plugin_manager, tool_id, params, credentials)
        assert result is not None, f"no plugin answered {tool_id}"
        assert result["success"], result["error"]
        return result["output"]

    return call


@pytest.fixture
def fails(plugin_manager, sandbox) -> Callable[..., str]:
    """Run a tool that must fail; the kind of its error."""
    credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}

    def call(tool_id: str, **params: Any) -> str:
        result = execute_tool(plugin_manager, tool_id, params, credentials)
        assert result is not None and not result["success"], result
        return str(result["error_detail"]["kind"])

    return call


def test_an_article_is_created_found_updated_and_deleted(run: Run, fails) -> None:
    created = run(
        "intercom_create_article",
        title="Reset your password",
        body="<p>Use the forgot password link.</p>",
        author_id=str(INES),
        parent_id=GETTING_STARTED,
    )["article"]
    article_id = created["id"]
    assert (created["state"], created["parent_id"]) == ("draft", int(GETTING_STARTED))
    assert run("intercom_get_article", articleId=article_id)["article"]["title"] == created["title"]
    assert article_id in ids(run("intercom_list_articles", max_items=100)["articles"])
    assert run("intercom_search_articles", phrase="password", state="draft")["articles"] == [
        run("intercom_get_article", articleId=article_id)["article"]
    ]
    updated = run("intercom_update_article", articleId=article_id, state="published")["article"]
    assert updated["state"] == "published" and updated["url"]
    assert run("intercom_search_articles", phrase="password", state="draft")["articles"] == []
    assert run("intercom_delete_article", articleId=article_id) == {
        "id": article_id,
        "object": "article",
        "deleted": True,
    }
    assert fails("intercom_get_article", articleId=article_id) == "not_found"
    assert article_id not in ids(run("intercom_list_articles", max_items=100)["articles"])


def test_articles_page_with_a_cursor_and_max_items(run: Run) -> None:
    first = run("intercom_list_articles", per_page=2)
    following = run(
        "intercom_list_articles", per_page=2, starting_after=first["next_starting_after"]
    )
    every = run("intercom_list_articles", max_items=10)["articles"]
    assert ids(first["articles"]) + ids(following["articles"]) == ids(every)
    assert first["total_count"] == len(every) == 4


def test_a_collection_is_created_in_a_help_center_found_updated_and_deleted(run: Run, fails):
    centers = run("intercom_list_help_centers")["help_centers"]
    assert ids(centers) == [HELP_CENTER]
    assert run("intercom_get_help_center", helpCenterId=HELP_CENTER)["help_center"] == centers[0]
    created = run("intercom_create_collection", name="Security", parent_id=GETTING_STARTED)
    collection_id = created["collection"]["id"]
    assert created["collection"]["help_center_id"] == int(HELP_CENTER)
    assert collection_id in ids(run("intercom_list_collections")["collections"])
    run("intercom_update_collection", collectionId=collection_id, name="Safety")
    fetched = run("intercom_get_collection", collectionId=collection_id)["collection"]
    assert (fetched["name"], fetched["parent_id"]) == ("Safety", GETTING_STARTED)
    article = run("intercom_create_article", title="2FA", author_id=INES, parent_id=collection_id)[
        "article"
    ]
    assert article["parent_id"] == int(collection_id)
    assert run("intercom_delete_collection", collectionId=collection_id)["deleted"] is True
    assert fails("intercom_get_collection", collectionId=collection_id) == "not_found"
    assert collection_id not in ids(run("intercom_list_collections")["collections"])


def test_an_article_in_an_unknown_collection_is_refused(fails) -> None:
    assert fails("intercom_create_article", title="T", author_id=INES, parent_id=1) == "not_found"
