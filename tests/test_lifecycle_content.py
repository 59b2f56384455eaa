"""Each content resource's life through the hook, over loopback HTTP, against the sandbox:
what one tool writes the next one reads (issue 18, group C)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from helpers import FakeClock, ids
from sim_intercom.host import execute_tool
from sim_intercom.sandbox import SandboxServer, Workspace

pytestmark = pytest.mark.slow

Run = Callable[..., dict[str, Any]]
INES = 991267801  # the seed's first admin
GETTING_STARTED = "6871118"  # the seed's first collection
HELP_CENTER = "11"  # the seed's help center


def runner(plugin_manager, server: SandboxServer) -> Run:
    """Run a tool through the hook against `server`; the whole result."""
    credentials = {"accessToken": server.token, "baseUrl": server.base_url}

    def call(tool_id: str, **params: Any) -> dict[str, Any]:
        result = execute_tool(plugin_manager, tool_id, params, credentials)
        assert result is not None, f"no plugin answered {tool_id}"
        return result

    return call


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def run(plugin_manager, sandbox) -> Run:
    """Run a tool; its output, after checking it succeeded."""
    call = runner(plugin_manager, sandbox)

    def succeeded(tool_id: str, **params: Any) -> dict[str, Any]:
        result = call(tool_id, **params)
        assert result["success"], result["error"]
        return result["output"]

    return succeeded


@pytest.fixture
def fails(plugin_manager, sandbox) -> Callable[..., str]:
    """Run a tool that must fail; the kind of its error."""
    call = runner(plugin_manager, sandbox)

    def failed(tool_id: str, **params: Any) -> str:
        result = call(tool_id, **params)
        assert not result["success"], result
        return str(result["error_detail"]["kind"])

    return failed


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


def test_an_internal_article_is_created_found_updated_and_deleted(run: Run, fails) -> None:
    created = run(
        "intercom_create_internal_article",
        title="Chargebacks",
        body="<p>Hand them to finance.</p>",
        author_id=INES,
        owner_id=INES,
    )["internal_article"]
    article_id = created["id"]
    assert article_id in ids(
        run("intercom_list_internal_articles", max_items=50)["internal_articles"]
    )
    assert article_id in ids(run("intercom_search_internal_articles")["internal_articles"])
    assert article_id not in ids(
        run("intercom_search_internal_articles", folder_id="5")["internal_articles"]
    )
    run("intercom_update_internal_article", internalArticleId=article_id, title="Disputes")
    fetched = run("intercom_get_internal_article", internalArticleId=article_id)
    assert fetched["internal_article"]["title"] == "Disputes"
    assert run("intercom_delete_internal_article", internalArticleId=article_id)["deleted"]
    assert fails("intercom_get_internal_article", internalArticleId=article_id) == "not_found"


def test_a_news_item_shows_in_its_newsfeed_while_live(run: Run, fails) -> None:
    feed = run("intercom_list_newsfeeds")["newsfeeds"][2]["id"]  # the seed's unused feed
    assert run("intercom_get_newsfeed", newsfeedId=feed)["newsfeed"]["name"] == "Mobile"
    created = run(
        "intercom_create_news_item",
        title="Offline mode",
        sender_id=INES,
        newsfeed_assignments=[{"newsfeed_id": int(feed)}],
    )["news_item"]
    item_id = created["id"]
    assert created["state"] == "draft"
    assert run("intercom_list_newsfeed_items", newsfeedId=feed)["news_items"] == []
    run(
        "intercom_update_news_item",
        newsItemId=item_id,
        title="Offline mode",
        sender_id=INES,
        state="live",
    )
    assert ids(run("intercom_list_newsfeed_items", newsfeedId=feed)["news_items"]) == [item_id]
    assert run("intercom_get_news_item", newsItemId=item_id)["news_item"]["state"] == "live"
    assert item_id in ids(run("intercom_list_news_items", max_items=50)["news_items"])
    deleted = run("intercom_delete_news_item", newsItemId=item_id)
    assert (deleted["object"], deleted["deleted"]) == ("news-item", True)
    assert run("intercom_list_newsfeed_items", newsfeedId=feed)["news_items"] == []
    assert fails("intercom_get_news_item", newsItemId=item_id) == "not_found"


def test_external_pages_live_and_die_with_their_source(run: Run, fails) -> None:
    source = run(
        "intercom_create_content_import_source", url="https://docs.example", sync_behavior="api"
    )["content_import_source"]
    source_id = str(source["id"])
    page = {"title": "Refunds", "html": "<p>5 days.</p>", "locale": "en", "source_id": source_id}
    first = run("intercom_create_external_page", **page, external_id="refunds")["external_page"]
    again = run(
        "intercom_create_external_page", **{**page, "html": "<p>3 days.</p>"}, external_id="refunds"
    )
    assert again["external_page"]["id"] == first["id"]  # the same external_id updates it
    assert run("intercom_get_external_page", pageId=first["id"])["external_page"]["html"] == (
        "<p>3 days.</p>"
    )
    run(
        "intercom_update_external_page",
        pageId=first["id"],
        **{**page, "title": "Refund policy"},
        url="https://docs.example/r",
    )
    assert first["id"] in ids(run("intercom_list_external_pages", max_items=50)["external_pages"])
    run(
        "intercom_update_content_import_source",
        sourceId=source_id,
        url="https://docs.example",
        sync_behavior="api",
        status="deactivated",
    )
    fetched = run("intercom_get_content_import_source", sourceId=source_id)
    assert fetched["content_import_source"]["status"] == "deactivated"
    sources = run("intercom_list_content_import_sources")["content_import_sources"]
    assert int(source_id) in ids(sources)
    assert run("intercom_delete_content_import_source", sourceId=source_id) == {
        "id": source_id,
        "object": "content_import_source",
        "deleted": True,
    }
    assert fails("intercom_get_external_page", pageId=first["id"]) == "not_found"
    assert fails("intercom_get_content_import_source", sourceId=source_id) == "not_found"


def test_a_deleted_external_page_is_answered_as_it_was(run: Run, fails) -> None:
    page = run("intercom_get_external_page", pageId="22")["external_page"]
    assert run("intercom_delete_external_page", pageId="22")["external_page"] == page
    assert fails("intercom_get_external_page", pageId="22") == "not_found"


def test_a_custom_object_instance_is_upserted_found_and_deleted_both_ways(run: Run, fails):
    order = {"customObjectTypeIdentifier": "Order"}
    created = run(
        "intercom_create_custom_object_instance",
        **order,
        external_id="ORDER-7",
        custom_attributes={"status": "pending"},
    )["custom_object_instance"]
    updated = run(
        "intercom_create_custom_object_instance",
        **order,
        external_id="ORDER-7",
        custom_attributes='{"status": "shipped"}',
    )["custom_object_instance"]
    assert updated["id"] == created["id"]
    assert updated["custom_attributes"] == {"status": "shipped"}
    found = run(
        "intercom_get_custom_object_instance_by_external_id", **order, external_id="ORDER-7"
    )
    fetched = run(
        "intercom_get_custom_object_instance", **order, customObjectInstanceId=created["id"]
    )
    assert found == fetched == {"custom_object_instance": updated}
    gone = run(
        "intercom_delete_custom_object_instance", **order, customObjectInstanceId=created["id"]
    )
    assert (gone["id"], gone["deleted"]) == (created["id"], True)
    assert (
        fails("intercom_get_custom_object_instance_by_external_id", **order, external_id="ORDER-7")
        == "not_found"
    )
    gone = run(
        "intercom_delete_custom_object_instance_by_external_id", **order, external_id="ORDER-1001"
    )
    assert gone["deleted"] is True
    assert (
        fails("intercom_get_custom_object_instance", **order, customObjectInstanceId=gone["id"])
        == "not_found"
    )


def test_an_unknown_custom_object_type_is_not_found(fails) -> None:
    assert (
        fails(
            "intercom_get_custom_object_instance_by_external_id",
            customObjectTypeIdentifier="Invoice",
            external_id="ORDER-1001",
        )
        == "not_found"
    )


def test_an_allowlist_that_locks_the_caller_out_is_refused_and_nothing_changes(
    run: Run, fails
) -> None:
    assert fails("intercom_update_ip_allowlist", enabled=True, ip_allowlist="10.0.0.0/8") == (
        "invalid_input"
    )
    assert run("intercom_get_ip_allowlist") == {"enabled": False, "ip_allowlist": []}
    saved = run("intercom_update_ip_allowlist", enabled=True, ip_allowlist="127.0.0.1, 10.0.0.0/8")
    assert saved == {"enabled": True, "ip_allowlist": ["127.0.0.1", "10.0.0.0/8"]}
    assert run("intercom_get_ip_allowlist") == saved


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_750_000_000)


@pytest.fixture
def timed(plugin_manager, clock) -> Iterator[Run]:
    """`run` against a sandbox whose clock the test moves."""
    with SandboxServer(Workspace(clock=clock)) as server:
        yield runner(plugin_manager, server)


def test_a_content_export_runs_on_the_workspace_clock_then_downloads(timed, clock) -> None:
    started = timed(
        "intercom_create_content_export", created_at_after=0, created_at_before=int(clock.now)
    )["output"]
    job = {"jobIdentifier": started["job_identifier"]}
    assert started["status"] == "pending"
    assert timed("intercom_download_content_export", **job)["error_detail"]["kind"] == "not_found"
    clock.advance(30)
    assert timed("intercom_get_content_export", **job)["output"]["status"] == "in_progress"
    clock.advance(30)
    done = timed("intercom_get_content_export", **job)["output"]
    assert done["status"] == "completed" and done["download_url"].endswith(job["jobIdentifier"])
    file = timed("intercom_download_content_export", **job)["output"]
    assert (file["content_type"], file["encoding"], file["truncated"]) == (
        "application/octet-stream",
        "gzip",
        False,
    )
    rows = file["text"].splitlines()
    assert rows[0] == "conversation_id,created_at,subject" and len(rows) == 5
    assert file["location"].endswith(f"/download/content/data/{job['jobIdentifier']}")


def test_a_canceled_content_export_never_downloads(timed, clock) -> None:
    started = timed("intercom_create_content_export", created_at_after=0, created_at_before=1)
    job = {"jobIdentifier": started["output"]["job_identifier"]}
    assert timed("intercom_cancel_content_export", **job)["output"]["status"] == "canceled"
    clock.advance(3600)
    assert timed("intercom_get_content_export", **job)["output"]["status"] == "canceled"
    assert timed("intercom_download_content_export", **job)["error_detail"]["kind"] == "not_found"


def test_a_reporting_export_of_a_dataset_downloads_its_columns(timed, clock) -> None:
    datasets = timed("intercom_list_reporting_datasets")["output"]["datasets"]
    conversation = next(each for each in datasets if each["id"] == "conversation")
    columns = [each["id"] for each in conversation["attributes"][:2]]
    started = timed(
        "intercom_create_reporting_export",
        dataset_id="conversation",
        attribute_ids=", ".join(columns),
        start_time=0,
        end_time=int(clock.now),
    )["output"]
    job = {"jobIdentifier": started["job_identifier"], "app_id": "sandbox-app"}
    clock.advance(60)
    status = timed("intercom_get_reporting_export", **job, client_id="sandbox-client")
    assert status["output"]["status"] == "completed"
    file = timed("intercom_download_reporting_export", **job)["output"]
    assert file["text"].splitlines() == [",".join(columns)]


def test_a_reporting_export_of_an_unknown_attribute_is_refused(timed) -> None:
    refused = timed(
        "intercom_create_reporting_export",
        dataset_id="conversation",
        attribute_ids="conversation_mood",
        start_time=0,
        end_time=1,
    )
    assert refused["error_detail"]["kind"] == "invalid_input"
