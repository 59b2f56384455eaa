"""Many threads through one plugin manager against the sandbox over loopback.

Nothing is lost, nothing duplicated, no result crosses to another thread; under a rate
limit, pacing keeps the calls inside the window so every call succeeds and almost no
request meets a 429. Throughput against the allowed rate is measured by
`benchmarks/bench.py`, not asserted here.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from sim_intercom import plugin
from sim_intercom.host import execute_tool
from sim_intercom.sandbox import SandboxServer, Workspace

THREADS = 32


@pytest.fixture
def statuses(monkeypatch) -> Counter[int]:
    """Every HTTP status the plugin's one transport receives during the test."""
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def count(response, *args, **kwargs):
        with lock:
            seen[response.status_code] += 1

    monkeypatch.setitem(plugin.executor.transport.session.hooks, "response", [count])
    return seen


def run_many(plugin_manager, server: SandboxServer, calls: list[tuple[str, dict]]) -> list[dict]:
    credentials = {"accessToken": server.token, "baseUrl": server.base_url}

    def run(call: tuple[str, dict[str, Any]]) -> dict[str, Any]:
        return execute_tool(plugin_manager, call[0], call[1], credentials)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, calls))


def creates(count: int, tag: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("intercom_create_contact", {"role": "user", "email": f"{tag}-{n}@example.com"})
        for n in range(count)
    ]


def test_concurrent_creates_lose_nothing_duplicate_nothing_and_never_cross(plugin_manager):
    calls = creates(160, "burst")
    with SandboxServer(Workspace("empty")) as server:
        results = run_many(plugin_manager, server, calls)
        (listed,) = run_many(plugin_manager, server, [("intercom_list_contacts", {})])
    assert all(r["success"] for r in results), [r["error"] for r in results if not r["success"]]
    emails = [r["output"]["contact"]["email"] for r in results]
    assert emails == [c[1]["email"] for c in calls]
    assert len({r["output"]["contact"]["id"] for r in results}) == len(calls)
    assert listed["output"]["total_count"] == len(calls)


def test_under_a_rate_limit_every_call_succeeds_and_few_requests_meet_a_429(
    plugin_manager, statuses
):
    reads = [("intercom_list_contacts", {"per_page": "5"})] * 120
    calls = [c for pair in zip(reads, creates(120, "paced"), strict=True) for c in pair]
    with SandboxServer(Workspace("empty"), rate_limit=50, window=1) as server:
        results = run_many(plugin_manager, server, calls)
    failures = [r["error"] for r in results if not r["success"]]
    assert failures == []
    sent = sum(statuses.values())
    assert statuses[429] <= 0.05 * sent, statuses


def test_thirty_two_threads_share_the_pool_without_churn(
    plugin_manager, connections_opened, caplog
):
    caplog.set_level(logging.WARNING, logger="urllib3.connectionpool")
    with SandboxServer() as server:
        (listed,) = run_many(plugin_manager, server, [("intercom_list_contacts", {})])
        contact_id = listed["output"]["contacts"][0]["id"]
        calls = [("intercom_get_contact", {"contactId": contact_id})] * (THREADS * 8)
        results = run_many(plugin_manager, server, calls)
    assert all(r["success"] for r in results)
    assert "Connection pool is full" not in caplog.text
    assert len(connections_opened) <= THREADS
