"""A real redis-server for the tests, on a free loopback port, and workers in other processes.

`RedisProcess` runs `redis-server --port N --save '' --appendonly no` (nothing written to
disk) as a subprocess; it can be stopped and started again on the same port, as an outage
and a recovery. `worker` runs in another process (multiprocessing, spawn) and makes calls
through its own plugin, as a separate worker of a host would.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

REDIS_SERVER = "redis-server"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisProcess:
    """One redis-server subprocess on loopback; `url(db)` is its Redis URL."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which(REDIS_SERVER) is not None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout: float = 10.0) -> RedisProcess:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--protected-mode", "no"]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self.process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"redis-server did not answer on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def __enter__(self) -> RedisProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def call_for(n: int, tag: str) -> tuple[str, dict[str, Any]]:
    """The n-th call of a mixed run: reads and creates (unique emails) alternate."""
    if n % 2:
        return "intercom_create_contact", {"role": "user", "email": f"{tag}-{n}@example.com"}
    return "intercom_list_contacts", {"per_page": "5"}


def worker(
    credentials: dict[str, Any], calls: int, threads: int, tag: str, barrier: Any
) -> dict[str, Any]:
    """Make `calls` mixed calls on `threads` threads through this process's plugin, once
    every worker is ready; the failures and the HTTP statuses its transport received."""
    from sim_intercom import plugin
    from sim_intercom.host import execute_tool, get_plugin_manager

    manager = get_plugin_manager(load_entrypoints=False)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()

    def count(response: Any, *args: Any, **kwargs: Any) -> None:
        with lock:
            statuses[response.status_code] += 1

    plugin.executor.transport.session.hooks["response"].append(count)

    def run(n: int) -> dict[str, Any]:
        tool, params = call_for(n, tag)
        result = execute_tool(manager, tool, params, credentials)
        assert result is not None
        return result

    barrier.wait(timeout=60)
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(run, range(calls)))
    return {
        "elapsed": time.perf_counter() - started,
        "failures": [r["error"] for r in results if not r["success"]],
        "statuses": dict(statuses),
    }


def run_worker(queue: Any, *args: Any) -> None:
    """A process's target: `worker`, its report put on `queue` (an error as its text)."""
    try:
        queue.put(worker(*args))
    except BaseException as exc:
        queue.put({"error": f"{type(exc).__name__}: {exc}"})
