"""A search's later pages cost what a list page costs: the first page keeps the search's
ordered matches (a snapshot) for its cursors, and a later page examines only its own
records. Work is counted in records examined, never timed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpers import FakeClock
from sandbox_helpers import SANDBOX_START, SandboxApi, flt
from sim_intercom.sandbox import Workspace, mock_intercom, render
from sim_intercom.sandbox.paging import Cursor, decode_cursor
from sim_intercom.sandbox.search import Snapshots

GENERATED = 1000
USERS = flt("role", "=", "user")
PER_PAGE = 50


@pytest.fixture
def big_api() -> Iterator[SandboxApi]:
    """The default seed and 1000 generated contacts (four in five are users)."""
    workspace = Workspace(contacts=GENERATED, clock=FakeClock(SANDBOX_START))
    with mock_intercom(workspace):
        yield SandboxApi(workspace)


@pytest.fixture
def examined(monkeypatch) -> list[str]:
    """The id of every contact the search examines, in order, as it examines it."""
    seen: list[str] = []
    original = render.contact_for_search

    def counting(record):
        seen.append(record.id)
        return original(record)

    monkeypatch.setattr(render, "contact_for_search", counting)
    return seen


def walk(api: SandboxApi, query, examined: list[str], **extra) -> tuple[list[str], list[int]]:
    """Every match's id across pages, and the records each page examined."""
    found, costs, cursor = [], [], None
    while True:
        pagination = {"per_page": PER_PAGE, **({"starting_after": cursor} if cursor else {})}
        before = len(examined)
        page = api.search("contacts", query, pagination=pagination, **extra)
        costs.append(len(examined) - before)
        found += [each["id"] for each in page["data"]]
        cursor = page["pages"].get("next", {}).get("starting_after")
        if cursor is None:
            return found, costs


def test_a_search_walk_costs_a_page_per_page_from_the_second_to_the_last(big_api, examined):
    total = len(big_api.workspace.state.contacts)
    found, costs = walk(big_api, USERS, examined)
    assert len(costs) > 10
    assert costs[0] == total + PER_PAGE  # the first page runs the search
    assert costs[1:-1] == [PER_PAGE] * (len(costs) - 2)  # flat to the end
    assert costs[-1] == len(found) - PER_PAGE * (len(costs) - 1)


def test_a_search_walk_finds_every_match_once_in_order(big_api, examined):
    sort = {"field": "email", "order": "descending"}
    found, _ = walk(big_api, USERS, examined, sort=sort)
    whole = big_api.search("contacts", USERS, sort=sort, pagination={"per_page": 150})
    users = [c.id for c in big_api.workspace.state.contacts.values() if c.role == "user"]
    assert sorted(found) == sorted(users)
    assert found[:150] == [each["id"] for each in whole["data"]]


def test_a_contact_deleted_during_a_walk_is_left_out(big_api, examined):
    first = big_api.search("contacts", USERS, pagination={"per_page": 2})
    cursor = first["pages"]["next"]["starting_after"]
    third_match = [c for c in big_api.workspace.state.contacts.values() if c.role == "user"][2]
    big_api.ok("DELETE", f"/contacts/{third_match.id}")
    second = big_api.search("contacts", USERS, pagination={"per_page": 2, "starting_after": cursor})
    assert third_match.id not in [each["id"] for each in second["data"]]
    assert len(second["data"]) == 1


def test_a_cursor_of_another_query_runs_its_own_search(big_api, examined):
    first = big_api.search("contacts", USERS, pagination={"per_page": 2})
    cursor = first["pages"]["next"]["starting_after"]
    leads = flt("role", "=", "lead")
    page = big_api.search("contacts", leads, pagination={"per_page": 2, "starting_after": cursor})
    assert {each["role"] for each in page["data"]} == {"lead"}


def test_a_cursor_whose_snapshot_has_gone_runs_the_search_again_from_its_place():
    snapshots = Snapshots(kept=1)
    first = snapshots.take("query a", ["1", "2"])
    snapshots.take("query b", ["3"])
    assert snapshots.get(first, "query a") is None


def test_a_snapshot_serves_only_the_query_it_was_taken_for():
    snapshots = Snapshots()
    taken = snapshots.take("query a", ["1", "2"])
    assert snapshots.get(taken, "query a") == ["1", "2"]
    assert snapshots.get(taken, "query b") is None


@pytest.mark.parametrize("cursor", [Cursor(3, "", 2), Cursor(3, "", 2, "17")])
def test_a_cursor_survives_its_encoding(cursor):
    assert decode_cursor(cursor.encode()) == cursor
