"""Retry decisions: what is retried, how long to wait, and the server's word winning."""

from __future__ import annotations

import email.utils

import pytest

from sim_intercom.retry import (
    INITIAL_DELAY,
    MAX_DELAY,
    Failure,
    backoff_seconds,
    retry_after_seconds,
    server_wait,
    should_retry,
    sleep_seconds,
)

NOW = 1_700_000_000.0
NEVER_LEFT = Failure(None, sent=False)
MAY_HAVE_ARRIVED = Failure(None, sent=True)


def retries(failure: Failure, *, safe: bool, done: int = 0, cap: int = 3) -> bool:
    return should_retry(failure, retries_done=done, max_retries=cap, safe=safe)


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
def test_a_safe_request_is_retried_on_transient_statuses(status):
    assert retries(Failure(status), safe=True)


@pytest.mark.parametrize("failure", [NEVER_LEFT, MAY_HAVE_ARRIVED])
def test_a_safe_request_is_retried_on_any_network_fault(failure):
    assert retries(failure, safe=True)


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_an_unsafe_write_is_never_retried_on_a_5xx(status):
    assert not retries(Failure(status), safe=False)


def test_an_unsafe_write_is_never_retried_after_it_may_have_arrived():
    assert not retries(MAY_HAVE_ARRIVED, safe=False)


def test_an_unsafe_write_is_retried_when_it_never_left():
    assert retries(NEVER_LEFT, safe=False)


def test_every_request_is_retried_on_429():
    assert retries(Failure(429), safe=False)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501, 505])
def test_other_statuses_are_never_retried(status):
    assert not retries(Failure(status), safe=True)


def test_a_fault_no_retry_can_mend_is_not_retried():
    assert not retries(Failure(None, sent=False, retryable=False), safe=True)


def test_retries_stop_at_the_cap():
    assert retries(Failure(503), safe=True, done=2, cap=3)
    assert not retries(Failure(503), safe=True, done=3, cap=3)


def test_zero_max_retries_turns_retrying_off():
    assert not retries(Failure(429), safe=True, done=0, cap=0)


def test_backoff_doubles_from_the_initial_delay_up_to_the_cap():
    ceilings = [backoff_seconds(n, 1.0) for n in range(8)]
    assert ceilings[:4] == [INITIAL_DELAY, 2 * INITIAL_DELAY, 4 * INITIAL_DELAY, 8 * INITIAL_DELAY]
    assert max(ceilings) == MAX_DELAY


def test_backoff_is_full_jitter_below_the_ceiling():
    assert backoff_seconds(3, 0.0) == 0.0
    assert backoff_seconds(3, 0.25) == pytest.approx(0.25 * 8 * INITIAL_DELAY)


def test_backoff_stays_finite_for_any_number_of_retries():
    assert backoff_seconds(10_000, 1.0) == MAX_DELAY


def test_retry_after_in_seconds_is_read():
    assert retry_after_seconds({"Retry-After": "7"}, NOW) == 7.0


def test_retry_after_as_an_http_date_is_read():
    date = email.utils.formatdate(NOW + 30, usegmt=True)
    assert retry_after_seconds({"retry-after": date}, NOW) == pytest.approx(30.0)


@pytest.mark.parametrize("value", ["soon", "", "nan", "inf", "9" * 500])
def test_a_retry_after_that_is_no_time_is_ignored(value):
    assert retry_after_seconds({"Retry-After": value}, NOW) is None


def test_a_retry_after_in_the_past_means_no_wait():
    assert retry_after_seconds({"Retry-After": "-5"}, NOW) == 0.0


def test_a_429_waits_until_the_rate_limit_reset():
    headers = {"X-RateLimit-Reset": str(NOW + 4.5)}
    assert server_wait(429, headers, NOW) == pytest.approx(4.5)


def test_the_rate_limit_reset_does_not_set_the_wait_of_a_5xx():
    assert server_wait(503, {"X-RateLimit-Reset": str(NOW + 4)}, NOW) is None


def test_retry_after_wins_over_the_rate_limit_reset():
    headers = {"Retry-After": "2", "X-RateLimit-Reset": str(NOW + 9)}
    assert server_wait(429, headers, NOW) == 2.0


def test_the_servers_wait_wins_over_the_computed_backoff():
    assert sleep_seconds(0, 503, {"Retry-After": "6"}, NOW, 1.0) == 6.0
    assert sleep_seconds(0, 503, {}, NOW, 1.0) == INITIAL_DELAY
