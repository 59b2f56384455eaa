"""The rate limit: fixed windows aligned to the clock, the `X-RateLimit-*` headers, and 429s.

Every test runs on a clock it moves. `SANDBOX_START` (1_750_000_000) is a multiple of 10, so
it opens a 10-second window; it is 40 seconds into a minute, whose window ends at 1_750_000_020.
"""

from __future__ import annotations

import pytest
import requests

from helpers import US
from sandbox_helpers import SANDBOX_AUTH, SANDBOX_START
from sim_intercom.sandbox import Workspace, mock_intercom
from sim_intercom.sandbox.app import SandboxApp
from sim_intercom.sandbox.ratelimit import RateLimiter


def take(limiter: RateLimiter) -> tuple[bool, int, int]:
    allowance = limiter.take()
    return allowance.allowed, allowance.remaining, allowance.reset


# Windows on the clock


def test_a_window_starts_on_a_multiple_of_its_length(sandbox_clock):
    limiter = RateLimiter(5, window=10, clock=sandbox_clock)
    sandbox_clock.advance(7)

    first = take(limiter)
    sandbox_clock.advance(2.9)
    same_window = take(limiter)
    sandbox_clock.advance(0.1)
    next_window = take(limiter)

    assert first == (True, 4, SANDBOX_START + 10)
    assert same_window == (True, 3, SANDBOX_START + 10)
    assert next_window == (True, 4, SANDBOX_START + 20)


def test_the_reset_is_the_end_of_the_window_in_exact_unix_seconds(sandbox_clock):
    limiter = RateLimiter(5, window=60, clock=sandbox_clock)
    sandbox_clock.advance(0.25)
    reset = limiter.take().reset
    assert reset == 1_750_000_020
    assert reset % 60 == 0


def test_a_request_at_exactly_the_reset_time_is_in_the_new_window(sandbox_clock):
    limiter = RateLimiter(1, window=10, clock=sandbox_clock)
    sandbox_clock.advance(3.5)
    _, _, reset = take(limiter)
    assert take(limiter)[0] is False

    sandbox_clock.now = reset

    assert take(limiter) == (True, 0, reset + 10)


def test_a_window_of_part_seconds_announces_its_reset_rounded_up(sandbox_clock):
    limiter = RateLimiter(5, window=2.5, clock=sandbox_clock)
    sandbox_clock.advance(1)
    assert limiter.take().reset == SANDBOX_START + 3


def test_a_limit_below_one_is_refused():
    with pytest.raises(ValueError, match="limit"):
        RateLimiter(0)


def test_a_window_that_is_not_positive_is_refused():
    with pytest.raises(ValueError, match="window"):
        RateLimiter(1, window=0)


# Through the doors


@pytest.fixture
def limited(sandbox_clock):
    """The empty seed on `sandbox_clock` behind `mock_intercom`, 3 requests a minute."""
    with mock_intercom(Workspace(seed="empty", clock=sandbox_clock), rate_limit=3, window=60) as w:
        yield w


def test_rate_limit_headers_count_down(limited):
    replies = [requests.get(f"{US}/me", headers=SANDBOX_AUTH) for _ in range(3)]

    assert [each.status_code for each in replies] == [200, 200, 200]
    assert [each.headers["X-RateLimit-Limit"] for each in replies] == ["3", "3", "3"]
    assert [each.headers["X-RateLimit-Remaining"] for each in replies] == ["2", "1", "0"]
    assert {each.headers["X-RateLimit-Reset"] for each in replies} == {"1750000020"}


def test_request_past_the_limit_is_rate_limit_exceeded(limited):
    for _ in range(3):
        requests.get(f"{US}/me", headers=SANDBOX_AUTH)
    refused = requests.get(f"{US}/me", headers=SANDBOX_AUTH)

    assert refused.status_code == 429
    body = refused.json()
    assert body["type"] == "error.list"
    assert [each["code"] for each in body["errors"]] == ["rate_limit_exceeded"]
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert refused.headers["X-RateLimit-Limit"] == "3"


def test_refused_request_changes_nothing(limited):
    for _ in range(3):
        requests.get(f"{US}/me", headers=SANDBOX_AUTH)
    refused = requests.post(f"{US}/contacts", headers=SANDBOX_AUTH, json={"email": "a@b.example"})
    assert refused.status_code == 429
    assert limited.state.contacts == {}


def test_the_doors_limit_follows_the_workspace_clock(limited, sandbox_clock):
    for _ in range(4):
        requests.get(f"{US}/me", headers=SANDBOX_AUTH)
    sandbox_clock.now = 1_750_000_020
    assert requests.get(f"{US}/me", headers=SANDBOX_AUTH).status_code == 200


def test_rate_limit_resets_after_the_window(sandbox_clock):
    limiter = RateLimiter(2, window=10, clock=sandbox_clock)
    app = SandboxApp(Workspace(seed="empty"), limiter)

    def status() -> tuple[int, str]:
        reply = app.handle("GET", "/me", SANDBOX_AUTH, None)
        return reply.status, reply.headers["X-RateLimit-Remaining"]

    assert [status(), status(), status()] == [(200, "1"), (200, "0"), (429, "0")]
    sandbox_clock.advance(9.9)
    assert status() == (429, "0")
    sandbox_clock.advance(0.1)
    assert status() == (200, "1")


def test_reset_header_names_the_end_of_the_window(sandbox_clock):
    app = SandboxApp(Workspace(seed="empty"), RateLimiter(2, window=10, clock=sandbox_clock))
    reply = app.handle("GET", "/me", SANDBOX_AUTH, None)
    assert reply.headers["X-RateLimit-Reset"] == str(int(sandbox_clock.now) + 10)
