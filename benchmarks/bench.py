"""Speed and memory of sim-intercom: plugin overhead, loopback calls, and a 100k-contact sandbox.

Run from the repository root after installing (`pip install -e .`):

    python benchmarks/bench.py            # the figures quoted in the README
    python benchmarks/bench.py --quick    # smaller numbers, a few seconds
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import responses

from sim_intercom.host import execute_tool, get_plugin_manager
from sim_intercom.sandbox import SandboxServer, Workspace
from sim_intercom.tables import render_table

US = "https://api.intercom.io"
CONTACT = {"type": "contact", "id": "6762f0dd1bb69f9f2193bb83", "role": "user", "email": "a@b.c"}
Row = tuple[str, str, str]


def _per_call(fn: Callable[[], Any], calls: int) -> tuple[float, float]:
    """Median and 95th percentile of one call, in microseconds."""
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_plugin(calls: int) -> list[Row]:
    manager = get_plugin_manager()
    credentials = {"accessToken": "tok_bench"}
    params = {"email": "a@b.c", "custom_attributes": '{"plan_tier": "pro"}', "owner_id": "7"}

    def refused() -> None:
        execute_tool(manager, "intercom_create_contact", {"email": 5, "owner_id": "x"}, credentials)

    def canned() -> None:
        execute_tool(manager, "intercom_create_contact", params, credentials)

    rows = []
    median, p95 = _per_call(refused, calls)
    rows.append(("bad input refused (nothing sent)", f"{median:,.0f} µs", f"p95 {p95:,.0f} µs"))
    with responses.RequestsMock() as mock:
        mock.post(f"{US}/contacts", json=CONTACT)
        median, p95 = _per_call(canned, calls)
    rows.append(
        ("create_contact, canned reply (responses)", f"{median:,.0f} µs", f"p95 {p95:,.0f} µs")
    )
    return rows


def bench_loopback(calls: int) -> list[Row]:
    manager = get_plugin_manager()
    with SandboxServer() as server:
        credentials = {"accessToken": server.token, "baseUrl": server.base_url}
        contact_id = next(iter(server.workspace.state.contacts))

        def get_contact() -> None:
            result = execute_tool(
                manager, "intercom_get_contact", {"contactId": contact_id}, credentials
            )
            assert result and result["success"], result

        get_contact()
        started = time.perf_counter()
        median, p95 = _per_call(get_contact, calls)
        elapsed = time.perf_counter() - started
    return [
        ("get_contact over loopback HTTP", f"{median:,.0f} µs", f"p95 {p95:,.0f} µs"),
        ("  sequential throughput", f"{calls / elapsed:,.0f} calls/s", f"{calls} calls"),
    ]


def bench_scale(contacts: int) -> list[Row]:
    gc.collect()
    before = _rss_mib()
    started = time.perf_counter()
    workspace = Workspace(seed="empty", contacts=contacts)
    seeded = time.perf_counter() - started
    grown = _rss_mib() - before
    rows = [
        (f"seed {contacts:,} contacts", f"{seeded:.2f} s", f"+{grown:,.0f} MiB peak RSS"),
    ]
    manager = get_plugin_manager()
    with SandboxServer(workspace) as server:
        credentials = {"accessToken": server.token, "baseUrl": server.base_url}
        rows.append(_page_all(manager, credentials, contacts))
        rows.append(_search_once(manager, credentials))
    return rows


def _page_all(manager: Any, credentials: dict[str, str], contacts: int) -> Row:
    started = time.perf_counter()
    pages, seen, cursor = 0, 0, None
    while True:
        params = {"per_page": "150", **({"starting_after": cursor} if cursor else {})}
        output = execute_tool(manager, "intercom_list_contacts", params, credentials)["output"]
        pages += 1
        seen += len(output["contacts"])
        cursor = output["next_starting_after"]
        if not cursor:
            break
    elapsed = time.perf_counter() - started
    assert seen == contacts, (seen, contacts)
    return (
        "page all contacts, per_page 150",
        f"{elapsed:.2f} s",
        f"{pages} pages, {seen / elapsed:,.0f} contacts/s",
    )


def _search_once(manager: Any, credentials: dict[str, str]) -> Row:
    query = {
        "operator": "AND",
        "value": [
            {"field": "role", "operator": "=", "value": "user"},
            {"field": "custom_attributes.plan_tier", "operator": "=", "value": "enterprise"},
            {"field": "email", "operator": "~", "value": "ada"},
        ],
    }
    params = {"query": json.dumps(query), "per_page": "50"}
    started = time.perf_counter()
    output = execute_tool(manager, "intercom_search_contacts", params, credentials)["output"]
    elapsed = time.perf_counter() - started
    return (
        "search contacts (3-filter AND group)",
        f"{elapsed * 1000:,.0f} ms",
        f"{output['total_count']:,} matches",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 contacts, 200 calls")
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args(argv)
    contacts, calls = (10_000, 200) if args.quick else (args.contacts, args.calls)
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}",
        file=sys.stderr,
    )
    rows = bench_plugin(calls) + bench_loopback(calls) + bench_scale(contacts)
    print(render_table(["what", "time", "detail"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
