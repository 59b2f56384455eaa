"""No answer locks a workspace out: every rate-limit value read is bounded or ignored.

An `X-RateLimit-Reset` far ahead, in the past or not finite is unknown; no budget state,
in this process or in Redis, holds a workspace back longer than one 10 s window and a
margin (`pacing.LONGEST_HOLD`); Redis keys expire within two windows; garbage in a Redis
key means pacing in-process with a warning, never an `internal` result.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from faultserver import FaultServer, rate_limited, reply
from helpers import TOKEN, FakeClock, fake_transport
from redis_helpers import RedisProcess
from sim_intercom import pacing
from sim_intercom.executor import Executor
from sim_intercom.pacing import LONGEST_HOLD, LocalBudget, WindowReport, workspace_key
from sim_intercom.redis_budget import RedisBudget

CONTACT = {"type": "contact", "id": "c1", "role": "user"}
GET_CONTACT = {"contactId": "c1"}
NOW = 1_700_000_000.0
SPENT = "X-RateLimit-Remaining"
AHEAD = ["3600", "1e9999", "inf", "nan", "-5", "99999999999999999999999", "١٢"]


@pytest.fixture(autouse=True)
def every_warning_logged(monkeypatch):
    """Each test sees its warnings, whatever an earlier test logged this minute."""
    monkeypatch.setattr(pacing, "_warned", {}, raising=False)


def spent_until(reset: str, limit: int = 10) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), SPENT: "0", "X-RateLimit-Reset": reset}


def at(clock: FakeClock, offset: str) -> str:
    """A reset `offset` seconds after the fake clock, or `offset` itself when not a number
    that can be added to."""
    try:
        return repr(clock.now + float(offset)) if float(offset) == float(offset) else offset
    except (ValueError, OverflowError):
        return offset


@pytest.mark.parametrize("offset", AHEAD)
def test_a_spent_budget_with_an_implausible_reset_does_not_hold_the_next_call_back(offset):
    clock = FakeClock(NOW)
    executor = Executor(transport=fake_transport(clock))
    script = [reply(200, CONTACT, spent_until(at(clock, offset))), reply(200, CONTACT)]
    with FaultServer(script) as server:
        credentials = {"accessToken": TOKEN, "baseUrl": server.base_url, "maxWait": 0}
        first = executor.execute("intercom_get_contact", GET_CONTACT, credentials)
        second = executor.execute("intercom_get_contact", GET_CONTACT, credentials)
        sent = len(server.requests)
    assert first is not None and second is not None
    assert (first["success"], second["success"], sent) == (True, True, 2), second


def test_an_infinite_reset_on_a_429_is_not_an_internal_error():
    script = [rate_limited(reset="1e9999", limit=10), reply(200, CONTACT)]
    with FaultServer(script) as server:
        credentials = {"accessToken": TOKEN, "baseUrl": server.base_url}
        result = Executor(transport=fake_transport()).execute(
            "intercom_get_contact", GET_CONTACT, credentials
        )
    assert result is not None and result["success"] is True, result


def test_a_fractional_reset_is_reported_in_the_rate_limit_detail():
    clock = FakeClock(NOW)
    reset = NOW + 2.25
    with FaultServer([rate_limited(reset=repr(reset), limit=10)]) as server:
        credentials = {"accessToken": TOKEN, "baseUrl": server.base_url, "maxWait": 0}
        result = Executor(transport=fake_transport(clock)).execute(
            "intercom_get_contact", GET_CONTACT, credentials
        )
    assert result is not None
    assert result["error_detail"]["rate_limit"]["reset"] == reset


def test_a_local_window_whose_end_moved_beyond_a_window_starts_afresh():
    budget = LocalBudget()
    budget.record("k", WindowReport(10, 0, NOW + 5), NOW)
    # The clock went back an hour: the known end is now further ahead than a window lasts.
    assert budget.claim("k", NOW - 3600) == 0.0


@pytest.mark.parametrize("offset", [3600.0, float("inf"), -1.0])
def test_a_local_budget_never_records_a_reset_beyond_one_window(offset):
    budget = LocalBudget()
    budget.record("k", WindowReport(10, 0, NOW + offset), NOW)
    assert budget.claim("k", NOW) == 0.0


def test_no_local_wait_is_longer_than_the_longest_hold():
    budget = LocalBudget()
    budget.record("k", WindowReport(10, 0, NOW + LONGEST_HOLD), NOW)
    assert 0 < budget.claim("k", NOW) <= LONGEST_HOLD


# Through Redis: what one worker learns reaches every other, so it must be bounded there too.


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisProcess]:
    with RedisProcess() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisProcess) -> str:
    redis.Redis.from_url(redis_server.url()).flushall()
    return redis_server.url()


WORKER = """
import json, sys
from sim_intercom.executor import Executor
base_url, store, token = sys.argv[1:4]
credentials = {"accessToken": token, "baseUrl": base_url, "rateStore": store, "maxWait": 0}
result = Executor().execute("intercom_get_contact", {"contactId": "c1"}, credentials)
print(json.dumps(result))
"""


def fresh_process_call(base_url: str, store: str) -> dict[str, Any]:
    """One call from a new Python process, as a separate worker of a host makes it."""
    done = subprocess.run(
        [sys.executable, "-c", WORKER, base_url, store, TOKEN],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("reset", ["+3600", "1e9999"])
def test_a_far_or_infinite_reset_seen_by_one_worker_does_not_lock_out_the_next(redis_url, reset):
    header = reset if not reset.startswith("+") else repr(time.time() + float(reset))
    script = [reply(200, CONTACT, spent_until(header)), reply(200, CONTACT)]
    with FaultServer(script) as server:
        first = fresh_process_call(server.base_url, redis_url)
        second = fresh_process_call(server.base_url, redis_url)
        sent = len(server.requests)
    assert (first["success"], second["success"], sent) == (True, True, 2), second


def test_a_redis_budget_key_expires_within_two_windows(redis_url):
    client = redis.Redis.from_url(redis_url)
    store = RedisBudget(redis_url)
    key = workspace_key("https://api.intercom.io", TOKEN)
    now = time.time()
    store.record(key, WindowReport(10, 0, now + LONGEST_HOLD), now)
    assert 0 < client.pttl(store.redis_key(key)) <= 20_000


@pytest.mark.parametrize(
    "garbage",
    [
        {"limit": "abc", "remaining": "0", "reset": "1e999"},
        {"remaining": "0", "reset": "nan"},
        {"remaining": "-3", "reset": "1"},
        {"remaining": "\xff\xfe", "opened": "x"},
    ],
)
def test_garbage_in_the_redis_key_falls_back_to_pacing_in_process_with_a_warning(
    redis_url, garbage, caplog
):
    client = redis.Redis.from_url(redis_url)
    store = RedisBudget(redis_url)
    with FaultServer([reply(200, CONTACT)]) as server:
        client.hset(store.redis_key(workspace_key(server.base_url, TOKEN)), mapping=garbage)
        transport = fake_transport(store_factory=lambda url: store)
        credentials = {"accessToken": TOKEN, "baseUrl": server.base_url, "rateStore": redis_url}
        with caplog.at_level(logging.WARNING, logger="sim_intercom.pacing"):
            result = Executor(transport=transport).execute(
                "intercom_get_contact", GET_CONTACT, credentials
            )
    assert result is not None and result["success"] is True, result
    assert "not a valid window" in caplog.text


def test_a_redis_key_with_a_reset_beyond_a_window_does_not_hold_a_worker_back(redis_url):
    client = redis.Redis.from_url(redis_url)
    store = RedisBudget(redis_url)
    key = workspace_key("https://api.intercom.io", TOKEN)
    now = time.time()
    client.hset(store.redis_key(key), mapping={"limit": "10", "remaining": "0"})
    client.hset(store.redis_key(key), "reset", repr(now + 3600))
    assert store.claim(key, now) == 0.0
    assert store.known(key) is None or store.known(key).reset <= now + LONGEST_HOLD
