"""Tool calls through the remote MCP server over HTTP, beside the same calls through the hook.

One sandbox process (loopback, no rate limit) stands for Intercom. The same call,
`intercom_list_admins`, is made:

- through the hook: `sim_execute_tool` in this process, on 1 and 16 threads;
- through MCP over HTTP: `sim-intercom mcp --http --auth keys` in its own process, with 1
  and 16 clients, each an official `mcp` client session (`streamable_http_client`) sending
  its key, all in one event loop.

For each: calls a second (wall clock) and the latency of each call (p50, p99), in ms.

Run from the repository root after installing (`pip install -e '.[mcp]'`):

    python benchmarks/bench_mcp_http.py              # 400 calls per run
    python benchmarks/bench_mcp_http.py --calls 100  # a shorter run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client

from sim_intercom.host import execute_tool, get_plugin_manager
from sim_intercom.remote.tenants import new_key
from sim_intercom.tables import render_table

TOOL = "intercom_list_admins"
CONCURRENCY = (1, 16)
PLUGIN_DIR = Path(__file__).resolve().parents[1] / "plugin"


def percentile(timings: list[float], fraction: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def row(door: str, clients: int, elapsed: float, timings: list[float]) -> list[str]:
    return [
        door,
        str(clients),
        f"{len(timings) / elapsed:,.0f}",
        f"{statistics.median(timings):.1f}",
        f"{percentile(timings, 0.99):.1f}",
    ]


def through_hook(credentials: dict[str, Any], calls: int, threads: int) -> list[str]:
    manager = get_plugin_manager(load_entrypoints=False)
    execute_tool(manager, TOOL, {}, credentials)  # warm: connections, schemas

    def one(_: int) -> float:
        started = time.perf_counter()
        result = execute_tool(manager, TOOL, {}, credentials)
        assert result is not None and result["success"], result
        return (time.perf_counter() - started) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        timings = list(pool.map(one, range(calls)))
    return [*row("hook", threads, time.perf_counter() - started, timings), "-"]


async def _client(url: str, key: str, calls: int, timings: list[float]) -> None:
    headers = {"Authorization": f"Bearer {key}"}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60) as http,
        streamable_http_client(url, http_client=http) as (read, write),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        await session.call_tool(TOOL, {})  # warm
        for _ in range(calls):
            started = time.perf_counter()
            result = await session.call_tool(TOOL, {})
            timings.append((time.perf_counter() - started) * 1000)
            assert not result.is_error, result


def through_mcp(url: str, key: str, calls: int, clients: int) -> list[str]:
    timings: list[float] = []
    SERVER_MS.clear()

    async def run() -> float:
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for _ in range(clients):
                group.start_soon(_client, url, key, calls // clients, timings)
        return time.perf_counter() - started

    elapsed = anyio.run(run)
    time.sleep(0.5)  # the last access log lines
    inside = f"{statistics.median(SERVER_MS):.1f}" if SERVER_MS else "-"
    return [*row("MCP over HTTP", clients, elapsed, timings), inside]


def start_server(keys_file: Path) -> tuple[subprocess.Popen[str], str]:
    env = {**os.environ, "PYTHONPATH": str(PLUGIN_DIR)}
    command = [sys.executable, "-m", "sim_intercom", "mcp", "--http", "--port", "0"]
    command += ["--auth", "keys", "--keys-file", str(keys_file)]
    process = subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    for line in process.stderr:
        if match := re.search(r"listening on (http://\S+)", line):
            # the access log is read on (and dropped) so a full pipe never blocks the server
            threading.Thread(target=_drain, args=(process,), daemon=True).start()
            return process, match.group(1)
    raise RuntimeError("the MCP server did not start")


SERVER_MS: list[float] = []  # each tools/call's time inside the server, from its access log


def _drain(process: subprocess.Popen[str]) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if f"tool={TOOL}" in line and (found := re.search(r" ms=([0-9.]+)", line)):
            SERVER_MS.append(float(found.group(1)))


def main(argv: list[str] | None = None) -> int:
    from sim_intercom.sandbox import SandboxServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=400, help="calls in each run")
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}, "
        f"{os.cpu_count()} CPUs; {args.calls} calls of {TOOL} per run",
        file=sys.stderr,
    )
    with SandboxServer() as sandbox, tempfile.TemporaryDirectory() as folder:
        credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}
        key, entry = new_key("bench")
        entry.pop("accessTokenFile")
        entry |= {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}
        entry |= {"toolsets": ["all"]}
        keys_file = Path(folder) / "keys.json"
        keys_file.write_text(json.dumps({"tenants": [entry]}))
        process, url = start_server(keys_file)
        try:
            rows = []
            for clients in CONCURRENCY:
                rows.append(through_hook(credentials, args.calls, clients))
                rows.append(through_mcp(url, key, args.calls, clients))
        finally:
            process.terminate()
            process.wait(15)
    headers = ["door", "clients", "calls/s", "p50 ms", "p99 ms", "server p50 ms"]
    print(render_table(headers, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
