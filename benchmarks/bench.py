"""Speed and memory of sim-intercom: plugin overhead, loopback calls, and a 100k-contact sandbox.

Also the plugin against hand-written `requests` on the same loopback server, and a burst of
32 threads against a sandbox limited to 50 requests a second.

Run from the repository root after installing (`pip install -e .`):

    python benchmarks/bench.py            # the figures quoted in the README
    python benchmarks/bench.py --quick    # smaller numbers, a few seconds
    python benchmarks/bench.py --profile  # also where a plugin call's time goes (cProfile)
    python benchmarks/bench.py --cold-start  # only start-up, with every tool of the catalog
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
import responses

from sim_intercom import plugin
from sim_intercom.host import execute_tool, get_plugin_manager, iterate
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SandboxServer, Workspace
from sim_intercom.tables import render_table

REPO = Path(__file__).resolve().parents[1]
US = "https://api.intercom.io"
CONTACT = {"type": "contact", "id": "6762f0dd1bb69f9f2193bb83", "role": "user", "email": "a@b.c"}
Row = tuple[str, str, str]
OVERHEAD_TARGET = 1.10
BLOCKS = 10
RATE_LIMIT = 50
THREADS = 32


def _time_calls(fn: Callable[[], Any], calls: int, into: list[float]) -> None:
    """Append the time of each of `calls` calls of `fn` to `into`, in microseconds."""
    for _ in range(calls):
        started = time.perf_counter()
        fn()
        into.append((time.perf_counter() - started) * 1e6)


def _median_p95(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def _per_call(fn: Callable[[], Any], calls: int) -> tuple[float, float]:
    """Median and 95th percentile of one call, in microseconds."""
    timings: list[float] = []
    _time_calls(fn, calls, timings)
    return _median_p95(timings)


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


def _contact_calls(server: SandboxServer) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The same GET of one seeded contact, through the plugin and through bare `requests`."""
    manager = get_plugin_manager()
    credentials = {"accessToken": server.token, "baseUrl": server.base_url}
    contact_id = next(iter(server.workspace.state.contacts))
    params = {"contactId": contact_id}

    def plugin_call() -> None:
        result = execute_tool(manager, "intercom_get_contact", params, credentials)
        assert result and result["success"], result

    session = requests.Session()
    url = f"{server.base_url}/contacts/{contact_id}"
    headers = {
        "Authorization": f"Bearer {server.token}",
        "Intercom-Version": "2.14",
        "Accept": "application/json",
    }

    def bare_call() -> None:
        response = session.get(url, headers=headers, timeout=(5.0, 30.0))
        assert response.status_code == 200 and response.json()["id"] == contact_id

    return plugin_call, bare_call


def bench_overhead(calls: int) -> list[Row]:
    """The plugin against hand-written `requests`, same server, interleaved blocks.

    Besides wall time, the calling thread's CPU time (`time.thread_time`) per call: the
    client's own work, without the wait for the sandbox (which shares this process).
    """
    per_block = max(calls // BLOCKS, 1)
    wall: dict[str, list[float]] = {"plugin": [], "bare": []}
    cpu: dict[str, list[float]] = {"plugin": [], "bare": []}
    with SandboxServer() as server:
        plugin_call, bare_call = _contact_calls(server)
        runs = [("plugin", plugin_call), ("bare", bare_call)]
        for _, fn in runs:
            _time_calls(fn, max(per_block, 50), [])
        for block in range(BLOCKS):
            # Alternate which goes first too, so neither always follows the other.
            for name, fn in runs if block % 2 == 0 else runs[::-1]:
                started = time.thread_time()
                _time_calls(fn, per_block, wall[name])
                cpu[name].append((time.thread_time() - started) / per_block * 1e6)
    plugin_median, plugin_p95 = _median_p95(wall["plugin"])
    bare_median, bare_p95 = _median_p95(wall["bare"])
    plugin_cpu, bare_cpu = statistics.median(cpu["plugin"]), statistics.median(cpu["bare"])
    ratio = plugin_median / bare_median
    verdict = "meets" if ratio <= OVERHEAD_TARGET else "above"
    return [
        (
            "get_contact, plugin (interleaved)",
            f"{plugin_median:,.0f} µs",
            f"p95 {plugin_p95:,.0f} µs; client CPU {plugin_cpu:,.0f} µs",
        ),
        (
            "get_contact, bare requests.Session",
            f"{bare_median:,.0f} µs",
            f"p95 {bare_p95:,.0f} µs; client CPU {bare_cpu:,.0f} µs",
        ),
        (
            "  plugin / bare (medians)",
            f"{ratio:.2f}x",
            f"{plugin_median - bare_median:+,.0f} µs; {verdict} target ≤ {OVERHEAD_TARGET:.2f}x; "
            f"{BLOCKS}x{per_block} calls each",
        ),
    ]


def profile_overhead(calls: int, top: int = 15) -> str:
    """Where the plugin's time goes beyond bare `requests`: cProfile of both, side by side.

    cProfile only sees the calling thread, and slows Python code far more than socket work,
    so read its figures as shares, not as true costs. Time a socket method spends is mostly
    the client waiting for the sandbox, which runs in this process and shares its GIL.
    """
    own: dict[str, dict[tuple[str, int, str], tuple[float, float]]] = {}
    totals: dict[str, float] = {}
    with SandboxServer() as server:
        plugin_call, bare_call = _contact_calls(server)
        for name, fn in (("plugin", plugin_call), ("bare", bare_call)):
            _time_calls(fn, 50, [])
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(calls):
                fn()
            profiler.disable()
            stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
            own[name] = {key: (row[1] / calls, row[2] / calls * 1e6) for key, row in stats.items()}
            totals[name] = sum(us for _, us in own[name].values())
    layers = [
        (layer, *(_layer_total(own[name], layer) for name in ("plugin", "bare")))
        for layer in LAYERS
    ]
    layer_rows = [(layer, f"{a:,.0f}", f"{b:,.0f}", f"{a - b:+,.0f}") for layer, a, b in layers]
    layer_rows.append(
        (
            "total",
            f"{totals['plugin']:,.0f}",
            f"{totals['bare']:,.0f}",
            f"{totals['plugin'] - totals['bare']:+,.0f}",
        )
    )
    keys = set(own["plugin"]) | set(own["bare"])

    def extra(key: tuple[str, int, str]) -> float:
        return own["plugin"].get(key, (0, 0.0))[1] - own["bare"].get(key, (0, 0.0))[1]

    function_rows = []
    for key in sorted(keys, key=extra, reverse=True)[:top]:
        plugin_calls, plugin_us = own["plugin"].get(key, (0, 0.0))
        bare_calls, bare_us = own["bare"].get(key, (0, 0.0))
        function_rows.append(
            (
                _function_name(key),
                f"{plugin_calls:g} / {bare_calls:g}",
                f"{plugin_us:,.1f}",
                f"{bare_us:,.1f}",
                f"{plugin_us - bare_us:+,.1f}",
            )
        )
    return (
        f"Profile of {calls} get_contact calls each (cProfile; µs a call, own time)\n"
        + render_table(["layer", "plugin", "bare", "extra"], layer_rows)
        + f"\n\nThe {top} functions with the most extra own time in the plugin call\n"
        + render_table(
            ["function", "calls plugin / bare", "plugin µs", "bare µs", "extra µs"],
            function_rows,
        )
    )


LAYERS = ("sim_intercom", "pluggy", "requests", "urllib3", "stdlib and builtins", "socket")


def _layer(key: tuple[str, int, str]) -> str:
    filename, _, function = key
    if "socket" in function and "method" in function:
        return "socket"
    for layer in LAYERS[:4]:
        if f"/{layer}/" in filename:
            return layer
    return "stdlib and builtins"


def _layer_total(own: dict[tuple[str, int, str], tuple[float, float]], layer: str) -> float:
    return sum(us for key, (_, us) in own.items() if _layer(key) == layer)


def _function_name(key: tuple[str, int, str]) -> str:
    filename, line, function = key
    if not line:
        return function
    for marker in ("site-packages/", "plugin/", "lib/python3."):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    return f"{filename}:{line}({function})"


def bench_rate_limited(calls: int) -> list[Row]:
    """32 threads through one plugin manager against a sandbox allowing 50 requests a second.

    Reads and writes alternate. The burst starts just after a window opens: the slowest
    phase for it, so the figure is not flattered by a first window already partly over.
    Requests a second on the wall clock can pass the limit all the same: a burst's last
    window is spent at its start, so N windows' worth takes a little over N - 1 seconds.
    The windows used, against the fewest the requests not answered 429 need, cannot.
    """
    rows = _burst(calls, {}, f"burst: {RATE_LIMIT} req/s limit, {THREADS} threads")
    rows += _burst(calls, {"maxRetries": 0}, "same, maxRetries 0 (no retries; pacing on)")
    return rows


def _burst(calls: int, extra: dict[str, Any], label: str) -> list[Row]:
    manager = get_plugin_manager()
    statuses: Counter[int] = Counter()
    refused_at: list[float] = []
    lock = threading.Lock()
    with SandboxServer(Workspace("empty"), rate_limit=RATE_LIMIT, window=1) as server:
        clock = server.workspace.clock
        credentials = {"accessToken": server.token, "baseUrl": server.base_url, **extra}

        def count(response: requests.Response, *args: Any, **kwargs: Any) -> None:
            with lock:
                statuses[response.status_code] += 1
                if response.status_code == 429:
                    refused_at.append(clock())

        def call(n: int) -> dict[str, Any]:
            if n % 2:
                tool, params = "intercom_create_contact", {"role": "user"}
                params["email"] = f"bench-{n}@example.com"
            else:
                tool, params = "intercom_list_contacts", {"per_page": "5"}
            result = execute_tool(manager, tool, params, credentials)
            assert result is not None
            return result

        hooks = plugin.executor.transport.session.hooks["response"]
        hooks.append(count)
        try:
            now = clock()
            time.sleep(math.floor(now) + 1 - now + 0.002)
            first_window = math.floor(clock())
            started = time.perf_counter()
            with ThreadPoolExecutor(THREADS) as pool:
                results = list(pool.map(call, range(calls)))
            elapsed = time.perf_counter() - started
            windows = math.floor(clock()) - first_window + 1
        finally:
            hooks.remove(count)
    ok = sum(result["success"] for result in results)
    kinds = Counter(result["error_detail"]["kind"] for result in results if not result["success"])
    lost = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "none failed"
    sent = sum(statuses.values())
    refused = statuses[429]
    where = Counter(math.floor(at) - first_window + 1 for at in refused_at)
    where_text = ", ".join(f"{n} in window {w}" for w, n in sorted(where.items()))
    return [
        (label, f"{elapsed:.2f} s", f"{ok}/{calls} calls succeeded ({ok / calls:.1%}); {lost}"),
        (
            "  throughput",
            f"{calls / elapsed:,.1f} calls/s",
            f"{sent / elapsed:,.1f} requests/s = {sent / elapsed / RATE_LIMIT:.0%} of "
            f"{RATE_LIMIT}/s; {sent} requests in {windows} windows "
            f"(fewest possible {math.ceil((sent - refused) / RATE_LIMIT)})",
        ),
        (
            "  answered 429",
            f"{refused} requests",
            f"{refused / sent:.1%} of requests" + (f" ({where_text})" if where_text else ""),
        ),
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
        rows.extend(_page_all(credentials, contacts))
        rows.append(_search_once(manager, credentials))
    return rows


def _walk_by_hand(credentials: dict[str, str]) -> int:
    """The loop a user would write with requests alone: GET, read the cursor, repeat."""
    session = requests.Session()
    headers = {
        "Authorization": f"Bearer {credentials['accessToken']}",
        "Accept": "application/json",
    }
    seen, cursor = 0, None
    while True:
        params = {"per_page": 150, **({"starting_after": cursor} if cursor else {})}
        page = session.get(f"{credentials['baseUrl']}/contacts", params=params, headers=headers)
        body = page.json()
        seen += len(body["data"])
        cursor = ((body.get("pages") or {}).get("next") or {}).get("starting_after")
        if not cursor:
            return seen


def _walk_with_iterate(credentials: dict[str, str]) -> int:
    return sum(1 for _ in iterate("intercom_list_contacts", {}, credentials))


def _timed_walk(walker: Callable[[dict[str, str]], int], credentials: dict[str, str]) -> float:
    gc.collect()
    started = time.perf_counter()
    seen = walker(credentials)
    elapsed = time.perf_counter() - started
    assert seen > 0
    return elapsed


def _walk_memory(credentials: dict[str, str]) -> float:
    """Peak traced MiB above the start while `iterate` walks everything (tracing slows the
    walk several times, so this run is not timed)."""
    gc.collect()
    tracemalloc.start()
    _walk_with_iterate(credentials)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def _page_all(credentials: dict[str, str], contacts: int) -> list[Row]:
    """Every contact, with `iterate` and with a hand-written requests loop, alternating."""
    by_hand, plugin = [], []
    for _ in range(3):
        by_hand.append(_timed_walk(_walk_by_hand, credentials))
        plugin.append(_timed_walk(_walk_with_iterate, credentials))
    hand_s, plugin_s = statistics.median(by_hand), statistics.median(plugin)
    peak = _walk_memory(credentials)
    return [
        (
            f"walk {contacts:,} contacts, requests loop",
            f"{hand_s:.2f} s",
            f"{contacts / hand_s:,.0f} contacts/s, median of 3",
        ),
        (
            f"walk {contacts:,} contacts, iterate()",
            f"{plugin_s:.2f} s",
            f"{contacts / plugin_s:,.0f} contacts/s, median of 3",
        ),
        ("  iterate / requests loop", f"{plugin_s / hand_s:.2f}x", "target at most 1.2x"),
        ("  iterate, memory", f"+{peak:,.1f} MiB", "peak traced while walking; target 50 MiB"),
    ]


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


COLD_BASELINE = "import requests"
COLD_PLUGIN = (
    "import sys; from sim_intercom.host import get_plugin_manager, list_tools; "
    "assert len(list_tools(get_plugin_manager())) == {count}; "
    "assert 'yaml' not in sys.modules and 'pydantic' not in sys.modules"
)


def _process_seconds(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - started


def bench_cold_start(runs: int) -> list[Row]:
    """A host's start-up: import the plugin, build the plugin manager, list every tool, in
    a fresh process, against a fresh process that only imports requests; interleaved."""
    count = len(default_catalog().tools)
    baseline: list[float] = []
    plugin: list[float] = []
    for _ in range(runs):
        baseline.append(_process_seconds(COLD_BASELINE))
        plugin.append(_process_seconds(COLD_PLUGIN.format(count=count)))
    base = statistics.median(baseline)
    listed = statistics.median(plugin)
    return [
        ("python -c 'import requests'", f"{base * 1000:,.0f} ms", f"median of {runs} processes"),
        (
            f"import, plugin manager, list {count} tools",
            f"{listed * 1000:,.0f} ms",
            f"median of {runs}",
        ),
        ("  cold start / import requests", f"{listed / base:.2f}x", "target at most 1.5x"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="10,000 contacts, 200 calls, 200-call burst"
    )
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--overhead-calls", type=int, default=2000, help="each, plugin and bare")
    parser.add_argument("--burst", type=int, default=600, help="calls in the rate-limited burst")
    parser.add_argument("--profile", action="store_true", help="also profile a plugin call")
    parser.add_argument("--cold-start", action="store_true", help="only the start-up figures")
    args = parser.parse_args(argv)
    if args.cold_start:
        print(render_table(["what", "time", "detail"], bench_cold_start(15)))
        return 0
    contacts, calls = (10_000, 200) if args.quick else (args.contacts, args.calls)
    overhead_calls, burst = (200, 200) if args.quick else (args.overhead_calls, args.burst)
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}",
        file=sys.stderr,
    )
    rows = (
        bench_cold_start(5 if args.quick else 15)
        + bench_plugin(calls)
        + bench_loopback(calls)
        + bench_overhead(overhead_calls)
        + bench_scale(contacts)
        + bench_rate_limited(burst)
    )
    print(render_table(["what", "time", "detail"], rows))
    if args.profile:
        print()
        print(profile_overhead(overhead_calls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
