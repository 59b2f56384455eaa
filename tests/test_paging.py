"""Many pages as one: `max_items` gathers records across pages; `iterate` walks them all."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
import responses

from sim_intercom.errors import InvalidInput, Unauthorized
from sim_intercom.host import execute_tool, iterate
from sim_intercom.sandbox import SandboxServer, Workspace

CONTACTS = 430
US = "https://api.intercom.io"


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer(Workspace("empty", contacts=CONTACTS)) as server:
        yield server


@pytest.fixture
def credentials(sandbox) -> dict[str, str]:
    return {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}


def run(plugin_manager, credentials, tool: str, **params: Any) -> dict[str, Any]:
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result is not None and result["success"], result
    return result["output"]


def test_max_items_gathers_exactly_that_many_across_pages(plugin_manager, credentials):
    output = run(plugin_manager, credentials, "intercom_list_contacts", max_items=320)
    assert len(output["contacts"]) == 320
    assert len({c["id"] for c in output["contacts"]}) == 320


def test_the_cursor_of_a_gathered_output_continues_right_after_it(plugin_manager, credentials):
    first = run(plugin_manager, credentials, "intercom_list_contacts", max_items=200)
    rest = run(
        plugin_manager,
        credentials,
        "intercom_list_contacts",
        max_items=10_000,
        starting_after=first["next_starting_after"],
    )
    ids = [c["id"] for c in first["contacts"] + rest["contacts"]]
    assert len(ids) == len(set(ids)) == CONTACTS
    assert rest["next_starting_after"] is None


def test_max_items_beyond_the_list_stops_at_its_end(plugin_manager, credentials):
    output = run(plugin_manager, credentials, "intercom_list_contacts", max_items=10_000)
    assert len(output["contacts"]) == CONTACTS
    assert output["next_starting_after"] is None


def test_max_items_respects_a_smaller_page_size(plugin_manager, credentials, sandbox):
    output = run(
        plugin_manager,
        credentials,
        "intercom_search_contacts",
        query='{"field": "role", "operator": "=", "value": "user"}',
        per_page=7,
        max_items=30,
    )
    assert len(output["contacts"]) == min(30, output["total_count"])


def test_companies_gather_by_page_number_in_whole_pages(plugin_manager):
    with SandboxServer() as server:
        credentials = {"accessToken": server.token, "baseUrl": server.base_url}
        one_page = run(plugin_manager, credentials, "intercom_list_companies", per_page=1)
        gathered = run(
            plugin_manager, credentials, "intercom_list_companies", per_page=1, max_items=3
        )
    assert one_page["total_pages"] >= 3
    assert len(gathered["companies"]) == 3
    assert gathered["page"] == 3 and gathered["next_page"] == (
        4 if one_page["total_pages"] > 3 else None
    )


def test_max_items_and_fields_are_never_sent_to_intercom(plugin_manager):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(f"{US}/contacts", json={"type": "list", "data": [], "total_count": 0})
        output = run(
            plugin_manager,
            {"accessToken": "tok"},
            "intercom_list_contacts",
            max_items=3,
            fields=["contacts.id"],
        )
        sent = mock.calls[0].request.url
    assert output == {"contacts": []}
    assert sent == f"{US}/contacts?per_page=3"


def test_max_items_out_of_range_is_an_input_error(plugin_manager, credentials):
    result = execute_tool(
        plugin_manager, "intercom_list_contacts", {"max_items": 10_001}, credentials
    )
    assert result["error_detail"]["field"] == "max_items"


def test_iterate_walks_every_record_once(credentials):
    ids = [contact["id"] for contact in iterate("intercom_list_contacts", {}, credentials)]
    assert len(ids) == len(set(ids)) == CONTACTS


def test_iterate_is_lazy(credentials, sandbox):
    records = iterate("intercom_list_contacts", {"per_page": 5}, credentials)
    first = next(records)
    assert first["type"] == "contact"


def test_iterate_walks_companies_by_page_number(plugin_manager):
    with SandboxServer() as server:
        credentials = {"accessToken": server.token, "baseUrl": server.base_url}
        listed = run(plugin_manager, credentials, "intercom_list_companies", per_page=60)
        walked = list(iterate("intercom_list_companies", {"per_page": 1}, credentials))
    assert [c["id"] for c in walked] == [c["id"] for c in listed["companies"]]


def test_iterate_holds_one_page_in_memory(credentials):
    tracemalloc.start()
    count = 0
    for _ in iterate("intercom_list_contacts", {"per_page": 50}, credentials):
        count += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == CONTACTS
    assert peak < 8 * 1024 * 1024


def test_iterate_raises_the_error_of_its_kind(sandbox):
    records = iterate(
        "intercom_list_contacts", {}, {"accessToken": "wrong", "baseUrl": sandbox.base_url}
    )
    with pytest.raises(Unauthorized) as caught:
        next(records)
    assert caught.value.http_status == 401


def test_iterate_refuses_a_tool_that_lists_nothing(credentials):
    with pytest.raises(InvalidInput):
        iterate("intercom_get_contact", {}, credentials)
