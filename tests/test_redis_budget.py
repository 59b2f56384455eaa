"""Many workers, one workspace: the rate budget shared through Redis (`rateStore`).

Against a real redis-server the suite starts on a free loopback port (tests/redis_helpers.py);
without one the tests skip outside CI and fail under CI. The sandbox's rate-limit windows
are fixed and clock-aligned, as Intercom's are.
"""

from __future__ import annotations

import logging
import multiprocessing
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

redis = pytest.importorskip("redis", reason="redis-py is in the test extra")

from helpers import REPO_ROOT, TOKEN, US  # noqa: E402
from redis_helpers import RedisProcess, call_for, free_port, run_worker  # noqa: E402
from sim_intercom import plugin  # noqa: E402
from sim_intercom.errors import InvalidInput  # noqa: E402
from sim_intercom.host import execute_tool  # noqa: E402
from sim_intercom.pacing import (  # noqa: E402
    STALE_GUESS,
    UNKNOWN_RESET_POLL,
    BudgetStore,
    LocalBudget,
    WindowReport,
    workspace_key,
)
from sim_intercom.redis_budget import KEY_PREFIX, RedisBudget  # noqa: E402
from sim_intercom.sandbox import SandboxServer, Workspace  # noqa: E402
from sim_intercom.settings import ClientConfig  # noqa: E402
from sim_intercom.transport import Transport  # noqa: E402

KEY = workspace_key(US, TOKEN)
NOW = 1_000.0
PACING_LOGGER = "sim_intercom.pacing"
NO_REDIS = (
    "redis-server is not installed (apt-get install redis-server); under CI=true this "
    "skip fails the run"
)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisProcess]:
    """One redis-server for the session, on a free loopback port, writing nothing to disk."""
    if not RedisProcess.available():
        pytest.skip(NO_REDIS)
    with RedisProcess() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisProcess) -> str:
    """Database 0 of the session's server, emptied for this test."""
    redis.Redis.from_url(redis_server.url()).flushall()
    return redis_server.url()


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    """A redis-server of this test alone, which it may stop and start again."""
    if not RedisProcess.available():
        pytest.skip(NO_REDIS)
    server = RedisProcess().start()
    yield server
    server.stop()


def budget_keys(url: str) -> list[str]:
    return sorted(key.decode() for key in redis.Redis.from_url(url).keys("*"))


# Settings


def test_a_rate_store_in_the_credentials_wins_over_the_environment():
    environ = {"SIM_INTERCOM_RATE_STORE": "redis://10.0.0.1:6379/0"}
    config = ClientConfig.from_credentials({"rateStore": "redis://cache:6380/2"}, environ)
    assert config.rate_store == "redis://cache:6380/2"


def test_the_environment_sets_a_process_wide_rate_store():
    environ = {"SIM_INTERCOM_RATE_STORE": " redis://10.0.0.1:6379/0 "}
    assert ClientConfig.from_credentials({}, environ).rate_store == "redis://10.0.0.1:6379/0"


def test_without_a_rate_store_pacing_stays_in_process():
    transport = Transport(store_factory=lambda url: pytest.fail("no store is made"))
    config = ClientConfig.from_credentials({}, {})
    assert config.rate_store is None
    assert transport.budget_for(config.rate_store) is transport.budget
    assert isinstance(transport.budget, LocalBudget)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("rateStore", "http://:hunter2@cache:6379/0"),
        ("rateStore", "redis://:hunter2@cache:notaport/0"),
        ("rateStore", "redis://:hunter2@/0"),
        ("rateStore", "redis://:hunter2@cache:6379/0 extra"),
        ("rateStore", 6379),
        ("SIM_INTERCOM_RATE_STORE", "memcached://:hunter2@cache"),
    ],
)
def test_a_rate_store_that_is_not_a_redis_url_is_refused_without_quoting_it(where, value):
    credentials = {where: value} if where == "rateStore" else {}
    environ = {} if where == "rateStore" else {where: value}
    with pytest.raises(InvalidInput) as caught:
        ClientConfig.from_credentials(credentials, environ)
    assert caught.value.field == where
    assert "hunter2" not in str(caught.value)


def test_a_rate_store_without_the_redis_extra_is_refused_naming_the_extra(monkeypatch):
    from sim_intercom import settings

    monkeypatch.setattr(settings, "redis_installed", lambda: False)
    with pytest.raises(InvalidInput) as caught:
        ClientConfig.from_credentials({"rateStore": "redis://cache:6379/0"}, {})
    assert caught.value.field == "rateStore"
    assert "sim-intercom[redis]" in str(caught.value)


def test_the_manifest_declares_the_rate_store_and_its_variable():
    import yaml

    manifest = yaml.safe_load((REPO_ROOT / "manifest.yaml").read_text())
    declared = {c["name"]: c for c in manifest["credentials"]}
    assert declared["rateStore"]["type"] == "text-input"
    assert declared["rateStore"]["required"] is False
    assert "SIM_INTERCOM_RATE_STORE" in declared["rateStore"]["help"]


# The claim and record scripts


def test_two_workers_share_one_budget(redis_url):
    first, second = RedisBudget(redis_url), RedisBudget(redis_url)
    first.record(KEY, WindowReport(10, 3, NOW + 5), NOW)
    assert [first.claim(KEY, NOW), second.claim(KEY, NOW), first.claim(KEY, NOW)] == [0, 0, 0]
    assert second.claim(KEY, NOW) == pytest.approx(5.0)
    assert second.known(KEY) == WindowReport(10, 0, NOW + 5)


def test_claims_are_atomic_under_many_threads_of_two_workers(redis_url):
    workers = [RedisBudget(redis_url), RedisBudget(redis_url)]
    workers[0].record(KEY, WindowReport(100, 50, NOW + 5), NOW)
    granted: list[float] = []
    lock = threading.Lock()

    def claim_many(worker: RedisBudget) -> None:
        for _ in range(20):
            wait = worker.claim(KEY, NOW)
            with lock:
                granted.append(wait)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(claim_many, workers * 8))
    assert len(granted) == 320
    assert granted.count(0.0) == 50


def test_a_429_seen_by_one_worker_makes_every_worker_wait_for_its_reset(redis_url):
    first, second = RedisBudget(redis_url), RedisBudget(redis_url)
    first.record(KEY, WindowReport(100, 60, NOW + 5), NOW)
    second.record(KEY, WindowReport(None, 0, NOW + 7.5), NOW + 1)  # a 429 announcing a reset
    assert first.claim(KEY, NOW + 1) == pytest.approx(6.5)
    assert second.claim(KEY, NOW + 2) == pytest.approx(5.5)


def test_the_shared_budget_answers_as_the_local_one(redis_url):
    """The scenarios of tests/test_pacing.py, step by step, against both stores."""
    steps: list[tuple[str, Any, float]] = [
        ("claim", None, NOW),
        ("record", WindowReport(3, 1, NOW + 1), NOW),
        ("claim", None, NOW),
        ("claim", None, NOW + 0.5),
        ("record", WindowReport(3, 5, NOW + 1), NOW + 0.6),  # the smaller remaining wins
        ("record", WindowReport(3, 2, NOW - 1), NOW + 0.6),  # a past window is ignored
        ("claim", None, NOW + 0.6),
        ("claim", None, NOW + 1),  # the reset: the whole limit again
        ("record", WindowReport(3, 0, NOW + 1), NOW + 0.999),  # read before it, told after
        ("claim", None, NOW + 1),
        ("claim", None, NOW + 1),
        ("claim", None, NOW + 1.01),  # spent, the new window's end not yet told
        ("record", WindowReport(3, 0, NOW + 2), NOW + 1.1),
        ("claim", None, NOW + 1.2),
        ("claim", None, NOW + 2 + STALE_GUESS + 0.1),  # a guess nobody confirmed is redone
        ("claim", None, NOW + 2 + STALE_GUESS + 0.2),
        ("claim", None, NOW + 2 + STALE_GUESS + 0.3),
        ("claim", None, NOW + 2 + 2 * STALE_GUESS + 0.5),
        ("record", WindowReport(3, 1, NOW + 9), NOW + 5),  # a later window replaces it
        ("record", WindowReport(None, 0, NOW + 10), NOW + 5),  # a 429 without a limit
        ("claim", None, NOW + 5),
        ("claim", None, NOW + 10),
    ]

    def run(store: BudgetStore) -> list[Any]:
        seen: list[Any] = []
        for action, report, now in steps:
            if action == "claim":
                seen.append(round(store.claim(KEY, now), 6))
            else:
                store.record(KEY, report, now)
            seen.append(store.known(KEY))
        return seen

    local = run(LocalBudget())
    assert UNKNOWN_RESET_POLL in local
    assert run(RedisBudget(redis_url)) == local


def test_an_answer_read_before_a_reset_does_not_undo_the_new_window(redis_url):
    """A worker read its clock just before the reset and records after another worker
    opened the new window: the old window's answer must not end the new one (that would
    let the next claim open yet another window, a second budget in one window)."""
    first, second = RedisBudget(redis_url), RedisBudget(redis_url)
    first.record(KEY, WindowReport(2, 0, NOW + 1), NOW)
    assert first.claim(KEY, NOW + 1.001) == 0.0  # the new window, guessed
    second.record(KEY, WindowReport(2, 0, NOW + 1), NOW + 0.999)
    assert [second.claim(KEY, NOW + 1.002) for _ in range(2)] == [0.0, UNKNOWN_RESET_POLL]


def test_redis_keys_carry_no_token_and_expire_after_the_window(redis_url):
    budget = RedisBudget(redis_url, linger=0.2)
    now = time.time()
    budget.record(KEY, WindowReport(10, 5, now + 0.3), now)
    budget.claim(KEY, now)
    client = redis.Redis.from_url(redis_url)
    (key,) = budget_keys(redis_url)
    assert key == KEY_PREFIX + KEY
    assert TOKEN not in key
    assert 0 < client.pttl(key) <= 500
    time.sleep(0.7)
    assert budget_keys(redis_url) == []


# The transport's stores


def test_two_calls_with_different_rate_stores_use_different_stores(
    plugin_manager, redis_server, redis_url
):
    stores = [redis_server.url(1), redis_server.url(2)]
    transport = plugin.executor.transport
    with SandboxServer(Workspace("empty"), rate_limit=1000, window=10) as server:
        for store in stores:
            credentials = {"accessToken": server.token, "baseUrl": server.base_url}
            result = execute_tool(
                plugin_manager, "intercom_list_contacts", {}, {**credentials, "rateStore": store}
            )
            assert result["success"], result["error"]
        key = KEY_PREFIX + workspace_key(server.base_url, server.token)
    first, second = (transport.budget_for(store) for store in stores)
    assert first is not second
    assert transport.budget_for(stores[0]) is first
    assert isinstance(first, RedisBudget) and isinstance(second, RedisBudget)
    assert budget_keys(stores[0]) == budget_keys(stores[1]) == [key]
    remaining = [int(redis.Redis.from_url(s).hget(key, "remaining")) for s in stores]
    assert remaining == [999, 998]  # each store saw the answers sent through it


# Several processes


def test_several_processes_share_the_budget_and_every_call_succeeds(redis_url):
    """3 processes x 4 threads x 40 mixed calls against one sandbox allowing 30 a second."""
    processes, threads, calls = 3, 4, 40
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    barrier = context.Barrier(processes)
    with SandboxServer(Workspace("empty"), rate_limit=30, window=1) as server:
        credentials = {
            "accessToken": server.token,
            "baseUrl": server.base_url,
            "rateStore": redis_url,
            "maxWait": 10,
        }
        workers = [
            context.Process(
                target=run_worker,
                args=(queue, credentials, calls, threads, f"proc{n}", barrier),
            )
            for n in range(processes)
        ]
        for worker in workers:
            worker.start()
        try:
            reports = [queue.get(timeout=90) for _ in workers]
        finally:
            for worker in workers:
                worker.join(timeout=10)
                if worker.is_alive():
                    worker.kill()
    assert [r.get("error") for r in reports] == [None] * processes
    assert [f for r in reports for f in r["failures"]] == []
    statuses: Counter[int] = Counter()
    for report in reports:
        statuses.update({int(status): n for status, n in report["statuses"].items()})
    sent = sum(statuses.values())
    assert sent >= processes * calls
    assert statuses[429] <= 0.03 * sent, statuses
    assert max(r["elapsed"] for r in reports) < 30


# Redis failing


def run_calls(
    manager: Any, credentials: dict[str, Any], calls: int, tag: str, during: Any = None
) -> list[dict[str, Any]]:
    """Mixed calls on 8 threads; `during(n)` runs before the n-th call is made."""

    def run(n: int) -> dict[str, Any]:
        if during is not None:
            during(n)
        tool, params = call_for(n, tag)
        return execute_tool(manager, tool, params, credentials)

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(run, range(calls)))


def test_when_redis_stops_mid_run_every_call_completes_in_process_with_one_warning(
    plugin_manager, own_redis, caplog
):
    caplog.set_level(logging.WARNING, logger=PACING_LOGGER)
    stopped = threading.Event()

    def stop_redis_at_a_third(n: int) -> None:
        if n == 30 and not stopped.is_set():
            own_redis.stop()
            stopped.set()

    with SandboxServer(Workspace("empty"), rate_limit=30, window=1) as server:
        credentials = {
            "accessToken": server.token,
            "baseUrl": server.base_url,
            "rateStore": own_redis.url(),
        }
        results = run_calls(plugin_manager, credentials, 90, "outage", stop_redis_at_a_third)
    assert [r["error"] for r in results if not r["success"]] == []
    store = plugin.executor.transport.budget_for(own_redis.url())
    assert isinstance(store, RedisBudget) and not store.healthy
    warnings = [r for r in caplog.records if r.name == PACING_LOGGER]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "pacing in this process only" in warnings[0].getMessage()


def test_when_redis_comes_back_sharing_resumes_without_a_restart(plugin_manager, own_redis, caplog):
    caplog.set_level(logging.INFO, logger=PACING_LOGGER)
    with SandboxServer(Workspace("empty"), rate_limit=100, window=1) as server:
        credentials = {
            "accessToken": server.token,
            "baseUrl": server.base_url,
            "rateStore": own_redis.url(),
        }
        key = KEY_PREFIX + workspace_key(server.base_url, server.token)
        own_redis.stop()
        down = run_calls(plugin_manager, credentials, 20, "down")
        store = plugin.executor.transport.budget_for(own_redis.url())
        assert isinstance(store, RedisBudget) and not store.healthy
        own_redis.start()
        assert budget_keys(own_redis.url()) == []
        time.sleep(store.reconnect_after + 0.1)
        up = run_calls(plugin_manager, credentials, 20, "up")
        assert store.healthy
        assert budget_keys(own_redis.url()) == [key]
        other_worker = RedisBudget(own_redis.url())
        assert other_worker.known(workspace_key(server.base_url, server.token)) is not None
    assert all(r["success"] for r in down + up)
    messages = [r.getMessage() for r in caplog.records if r.name == PACING_LOGGER]
    assert len(messages) == 2, messages
    assert "answers again" in messages[1]


def test_a_redis_that_never_answers_costs_one_short_timeout_not_the_call(caplog):
    caplog.set_level(logging.WARNING, logger=PACING_LOGGER)
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        budget = RedisBudget(f"redis://127.0.0.1:{silent.getsockname()[1]}/0")
        budget.record(KEY, WindowReport(10, 2, NOW + 5), NOW)
        started = time.monotonic()
        first = budget.claim(KEY, NOW)
        slow = time.monotonic() - started
        started = time.monotonic()
        rest = [budget.claim(KEY, NOW) for _ in range(2)]
        fast = time.monotonic() - started
    assert [first, *rest] == [0.0, 0.0, pytest.approx(5.0)]  # the in-process budget
    assert slow < 1.0
    assert fast < 0.05  # within the back-off, Redis is not tried again
    assert len([r for r in caplog.records if r.name == PACING_LOGGER]) == 1


def test_during_an_outage_redis_is_tried_at_most_once_a_back_off(monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger=PACING_LOGGER)
    clock = [0.0]
    budget = RedisBudget(f"redis://127.0.0.1:{free_port()}/0", monotonic=lambda: clock[0])
    tries: list[float] = []

    def refused(**kwargs: Any) -> None:
        tries.append(clock[0])
        raise redis.exceptions.ConnectionError("refused")

    monkeypatch.setattr(budget, "_claim", refused)
    for step in range(30):  # three seconds, a claim every 0.1 s
        clock[0] = step * 0.1
        assert budget.claim(KEY, NOW) == 0.0
    assert tries == pytest.approx([0.0, 1.0, 2.0])
    assert len(caplog.records) == 1
