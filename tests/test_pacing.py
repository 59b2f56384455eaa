"""Pacing: the budget of a rate-limit window, taken before each request, told by answers."""

from __future__ import annotations

import threading

import pytest

from helpers import TOKEN, US
from sim_intercom.pacing import (
    STALE_GUESS,
    UNKNOWN_RESET_POLL,
    LocalBudget,
    WindowReport,
    workspace_key,
)

KEY = f"{US} abc"
NOW = 1_000.0


def budget_with(limit: int, remaining: int, reset: float) -> LocalBudget:
    budget = LocalBudget()
    budget.record(KEY, WindowReport(limit, remaining, reset), NOW)
    return budget


def test_an_unknown_workspace_sends_at_once():
    assert LocalBudget().claim(KEY, NOW) == 0.0


def test_each_claim_takes_one_request_from_the_budget():
    budget = budget_with(10, 2, NOW + 5)
    assert [budget.claim(KEY, NOW) for _ in range(3)] == [0.0, 0.0, 5.0]


def test_a_spent_budget_waits_exactly_until_the_reset():
    budget = budget_with(10, 0, NOW + 3.25)
    assert budget.claim(KEY, NOW + 1) == pytest.approx(2.25)


def test_at_the_reset_the_whole_limit_is_available_again():
    budget = budget_with(3, 0, NOW + 1)
    assert [budget.claim(KEY, NOW + 1) for _ in range(4)] == [0.0, 0.0, 0.0, UNKNOWN_RESET_POLL]


def test_a_new_windows_first_answer_tells_its_reset():
    budget = budget_with(3, 0, NOW + 1)
    budget.claim(KEY, NOW + 1)
    budget.record(KEY, WindowReport(3, 0, NOW + 2), NOW + 1.1)
    assert budget.claim(KEY, NOW + 1.2) == pytest.approx(0.8)


def test_a_guessed_window_that_no_answer_confirms_is_guessed_afresh():
    budget = budget_with(1, 0, NOW + 1)
    assert budget.claim(KEY, NOW + 1) == 0.0
    assert budget.claim(KEY, NOW + 1.1) == UNKNOWN_RESET_POLL
    assert budget.claim(KEY, NOW + 1 + STALE_GUESS + 0.01) == 0.0


def test_the_smaller_remaining_wins_within_a_window():
    budget = budget_with(10, 5, NOW + 5)
    budget.record(KEY, WindowReport(10, 8, NOW + 5), NOW)
    budget.record(KEY, WindowReport(10, 1, NOW + 5), NOW)
    assert [budget.claim(KEY, NOW) for _ in range(2)] == [0.0, 5.0]


def test_an_answer_about_a_past_window_is_ignored():
    budget = budget_with(10, 0, NOW + 5)
    budget.record(KEY, WindowReport(10, 9, NOW - 1), NOW)
    assert budget.claim(KEY, NOW) == 5.0


def test_a_later_window_replaces_the_known_one():
    budget = budget_with(10, 0, NOW + 5)
    budget.record(KEY, WindowReport(10, 4, NOW + 10), NOW)
    assert budget.known(KEY) == WindowReport(10, 4, NOW + 10)


def test_a_429_without_a_limit_is_forgotten_at_its_reset():
    budget = budget_with(None, 0, NOW + 1)  # type: ignore[arg-type]
    assert budget.claim(KEY, NOW) == 1.0
    assert budget.claim(KEY, NOW + 1) == 0.0
    assert budget.known(KEY) is None


def test_workspaces_have_separate_budgets():
    budget = budget_with(10, 0, NOW + 5)
    assert budget.claim("https://api.eu.intercom.io abc", NOW) == 0.0


def test_the_workspace_key_never_holds_the_token():
    key = workspace_key(US, TOKEN)
    assert TOKEN not in key
    assert key.startswith(f"{US} ")
    assert key != workspace_key(US, "another")


def test_threads_never_claim_more_than_the_budget():
    budget = budget_with(100, 50, NOW + 5)
    granted: list[float] = []

    def claim_many() -> None:
        for _ in range(20):
            granted.append(budget.claim(KEY, NOW))

    threads = [threading.Thread(target=claim_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(0.0) == 50
    assert len(granted) == 160
