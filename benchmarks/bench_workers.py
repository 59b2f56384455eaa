"""Many workers, one workspace: pacing in each process against the budget shared in Redis.

4 processes x 8 threads make mixed calls (list contacts, per_page 5, alternating with
create contact, unique emails) through the plugin against ONE sandbox process limited to
100 requests per 2-second window (50 requests a second), twice in the same run: with
pacing in each process only, then with the budget shared through Redis (`rateStore`).
Each process counts the HTTP statuses its transport receives (a response hook) and reports
them back. Each run starts just after a window opens, as `bench.py`'s burst does.

Targets with Redis: every call succeeds, throughput at least 85% of the allowed rate, at
most 2% of requests answered 429. Throughput is the calls that succeeded over the time of
the windows the run used (each whole window counted): on the wall clock a run can pass the
limit, since its last window is spent at its start, so N windows' worth of calls take a
little over N - 1 windows; that figure is shown too.

Run from the repository root after installing (`pip install -e '.[redis]'`, and a
`redis-server` on the PATH, or `--redis URL` for one already running):

    python benchmarks/bench_workers.py             # 4 x 8 workers, 480 calls a run
    python benchmarks/bench_workers.py --calls 200 # a shorter run
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import platform
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sim_intercom.tables import render_table

PROCESSES = 4
THREADS = 8
LIMIT = 100
WINDOW = 2
ALLOWED = LIMIT / WINDOW
TARGET_THROUGHPUT = 0.85
TARGET_429 = 0.02


def worker(
    credentials: dict[str, Any],
    calls: range,
    tag: str,
    ready: Any,
    go: Any,
    start_at: Any,
    queue: Any,
) -> None:
    """One worker process: its own plugin, `THREADS` threads, the calls numbered `calls`."""
    try:
        from sim_intercom import plugin
        from sim_intercom.host import execute_tool, get_plugin_manager

        manager = get_plugin_manager(load_entrypoints=False)
        statuses: Counter[int] = Counter()
        lock = threading.Lock()

        def count(response: Any, *args: Any, **kwargs: Any) -> None:
            with lock:
                statuses[response.status_code] += 1

        plugin.executor.transport.session.hooks["response"].append(count)

        def call(n: int) -> dict[str, Any]:
            if n % 2:
                tool, params = "intercom_create_contact", {"role": "user"}
                params["email"] = f"{tag}-{n}@example.com"
            else:
                tool, params = "intercom_list_contacts", {"per_page": "5"}
            result = execute_tool(manager, tool, params, credentials)
            assert result is not None
            return result

        ready.wait(timeout=120)
        go.wait(timeout=120)
        time.sleep(max(start_at.value - time.time(), 0))
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(call, calls))
        kinds = Counter(r["error_detail"]["kind"] for r in results if not r["success"])
        queue.put(
            {"ended": time.time(), "ok": len(results) - sum(kinds.values()), "failed": kinds}
            | {"statuses": statuses}
        )
    except BaseException as exc:  # reported, so the parent never waits for nothing
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def run(label: str, credentials: dict[str, Any], calls: int, tag: str) -> dict[str, Any]:
    """One run: the processes start together just after a window opens; their reports."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    ready = context.Barrier(PROCESSES + 1)
    go = context.Event()
    start_at = context.Value("d", 0.0)
    share = math.ceil(calls / PROCESSES)
    processes = [
        context.Process(
            target=worker,
            args=(
                credentials,
                range(n * share, min((n + 1) * share, calls)),
                f"{tag}{n}",
                ready,
                go,
                start_at,
                queue,
            ),
        )
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=120)
    now = time.time()
    first_window = (math.floor(now / WINDOW) + 1) * WINDOW
    start_at.value = first_window + 0.002
    go.set()
    reports = [queue.get(timeout=300) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise SystemExit(f"{label}: a worker failed: {errors[0]}")
    statuses: Counter[int] = Counter()
    failed: Counter[str] = Counter()
    for report in reports:
        statuses.update(report["statuses"])
        failed.update(report["failed"])
    ended = max(r["ended"] for r in reports)
    return {
        "label": label,
        "calls": calls,
        "ok": sum(r["ok"] for r in reports),
        "failed": failed,
        "statuses": statuses,
        "elapsed": ended - start_at.value,
        "windows": math.floor((ended - first_window) / WINDOW) + 1,
    }


def row(result: dict[str, Any]) -> list[str]:
    calls, ok, elapsed = result["calls"], result["ok"], result["elapsed"]
    spanned = result["windows"] * WINDOW
    statuses: Counter[int] = result["statuses"]
    sent = sum(statuses.values())
    refused = statuses[429]
    failed = ", ".join(f"{n} {kind}" for kind, n in sorted(result["failed"].items()))
    return [
        result["label"],
        f"{ok}/{calls} ({ok / calls:.1%})" + (f"; {failed}" if failed else ""),
        f"{elapsed:.2f} s",
        f"{ok / spanned:,.1f}/s = {ok / spanned / ALLOWED:.0%}",
        f"{ok / elapsed:,.1f}/s",
        f"{sent}",
        f"{result['windows']} (fewest {math.ceil((sent - refused) / LIMIT)})",
        f"{refused} ({refused / sent:.1%})",
    ]


def verdict(result: dict[str, Any]) -> str:
    statuses: Counter[int] = result["statuses"]
    sent = sum(statuses.values())
    met = (
        result["ok"] == result["calls"]
        and result["ok"] / (result["windows"] * WINDOW) >= TARGET_THROUGHPUT * ALLOWED
        and statuses[429] <= TARGET_429 * sent
    )
    return "meets" if met else "misses"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    if shutil.which("redis-server") is None:
        raise SystemExit("redis-server is not on the PATH: install it, or pass --redis URL")
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
    server = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return server, f"redis://127.0.0.1:{port}/0"
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise SystemExit("redis-server did not start")


def start_sandbox() -> tuple[subprocess.Popen[str], dict[str, str]]:
    """`sim-intercom sandbox --port 0 --rate-limit 100/2 --empty --quiet`; its URL and token."""
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--empty"]
    sandbox = subprocess.Popen(
        [*command, "--quiet", "--rate-limit", f"{LIMIT}/{WINDOW}"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sandbox.stdout is not None
    found: dict[str, str] = {}
    for line in sandbox.stdout:
        words = line.split()
        if words[:2] == ["base", "URL"]:
            found["baseUrl"] = words[2]
        elif words[:1] == ["token"]:
            found["accessToken"] = words[1]
        if len(found) == 2:
            return sandbox, found
    raise SystemExit("the sandbox did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=480, help="calls in each run")
    parser.add_argument("--redis", metavar="URL", help="a running Redis (default: start one)")
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}; "
        f"{PROCESSES} processes x {THREADS} threads, {args.calls} calls a run, "
        f"sandbox limit {LIMIT}/{WINDOW} s",
        file=sys.stderr,
    )
    redis_server, url = (None, args.redis) if args.redis else start_redis()
    sandbox, credentials = start_sandbox()
    try:
        results = [
            run("in-process pacing", credentials, args.calls, "local"),
            run("Redis budget", {**credentials, "rateStore": url}, args.calls, "shared"),
        ]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        if redis_server is not None:
            redis_server.terminate()
            redis_server.wait(timeout=10)
    headers = [
        "pacing",
        "calls succeeded",
        "elapsed",
        f"calls/s of windows used, vs {ALLOWED:g}/s",
        "calls/s wall clock",
        "requests",
        "windows used",
        "answered 429",
    ]
    print(render_table(headers, [row(result) for result in results]))
    print(
        f"Redis budget {verdict(results[1])} the targets: every call succeeds, "
        f"≥ {TARGET_THROUGHPUT:.0%} of {ALLOWED:g}/s, ≤ {TARGET_429:.0%} answered 429"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
