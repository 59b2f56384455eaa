"""Pacing: stay inside Intercom's rate-limit window instead of running into a 429.

Intercom counts an app's requests in fixed windows and reports the budget on every answer
(`X-RateLimit-Limit`, `-Remaining`, `-Reset`). The pacer keeps that budget per workspace
(base URL plus a hash of the token, never the token), takes one unit before each request,
and when the budget is spent tells the caller how long to wait for the reset. Threads share
it. It is a pure state machine over a clock the caller passes in: it never sleeps itself.

`LocalBudget` keeps the budget in this process. Many workers (processes, hosts) using one
workspace share it through Redis instead (`redis_budget.RedisBudget`, the `rateStore`
setting); `open_store` makes the store for a URL.

Every reset is bounded: Intercom's windows are `WINDOW` (10) seconds, so a reset in the
past, not finite, or more than `LONGEST_HOLD` (one window and a margin) ahead is taken as
unknown and ignored with a warning. Whatever an answer says, no budget state holds a
workspace back longer than `LONGEST_HOLD`.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger("sim_intercom.pacing")

# When the window has reset but no answer has yet told the new window's end, callers that
# find the assumed budget spent look again after this long.
UNKNOWN_RESET_POLL = 0.02
STALE_GUESS = 1.0
WINDOW = 10.0
LONGEST_HOLD = WINDOW + 1.0
WARN_EVERY = 60.0
_warned: dict[str, float] = {}


def plausible_reset(reset: float, now: float) -> bool:
    """A reset that can end the current window: finite, ahead, and within `LONGEST_HOLD`."""
    return math.isfinite(reset) and now < reset <= now + LONGEST_HOLD


def warn_untrusted(what: str) -> None:
    """Log that a value read from an answer or a store was ignored; once a minute per kind,
    so a hostile server cannot flood the log. `what` never quotes the value."""
    moment = time.monotonic()
    if moment - _warned.get(what, -WARN_EVERY) >= WARN_EVERY:
        _warned[what] = moment
        logger.warning("ignored %s; pacing goes on without it", what)


def workspace_key(base_url: str, token: str) -> str:
    """The key of a workspace's budget: its base URL and a hash of the token."""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]
    return f"{base_url} {digest}"


@dataclass(frozen=True)
class WindowReport:
    """What one answer said of the window: limit, remaining and reset (Unix seconds)."""

    limit: int | None
    remaining: int
    reset: float


class BudgetStore(Protocol):
    """Where the budget lives: in this process, or shared by many workers."""

    def claim(self, key: str, now: float) -> float:
        """Take one request from the budget and return 0, or return the seconds to wait."""
        ...

    def record(self, key: str, report: WindowReport, now: float) -> None:
        """Learn the window from an answer (a 429 is reported with `remaining` 0)."""
        ...

    def known(self, key: str) -> WindowReport | None:
        """The window as last learnt, or None."""
        ...


@dataclass
class _Window:
    """The budget as known: `reset` is None between a window's end and the first answer
    from the next one (`opened` is when that began)."""

    limit: int | None
    remaining: int
    reset: float | None
    opened: float = 0.0


class LocalBudget:
    """The budget of each workspace, in this process; thread-safe."""

    def __init__(self) -> None:
        self._windows: dict[str, _Window] = {}
        self._lock = threading.Lock()

    def claim(self, key: str, now: float) -> float:
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                return 0.0
            if _ended(window, now) or _stale(window, now):
                if window.limit is None:
                    del self._windows[key]
                    return 0.0
                # A new window: assume its whole budget until an answer tells its end.
                window.remaining, window.reset, window.opened = window.limit, None, now
            if window.remaining > 0:
                window.remaining -= 1
                return 0.0
            return UNKNOWN_RESET_POLL if window.reset is None else window.reset - now

    def record(self, key: str, report: WindowReport, now: float) -> None:
        if not plausible_reset(report.reset, now):
            return
        with self._lock:
            window = self._windows.get(key)
            if window is not None and window.reset is None and report.reset <= window.opened:
                # An answer from before a reset another thread already saw: the new window's
                # guess stands (read late, `now` is older than the guess).
                return
            if window is None or (window.reset is not None and report.reset > window.reset):
                self._windows[key] = _Window(report.limit, report.remaining, report.reset)
            elif window.reset is None or report.reset == window.reset:
                window.limit = report.limit if report.limit is not None else window.limit
                window.remaining = min(window.remaining, report.remaining)
                window.reset = report.reset

    def known(self, key: str) -> WindowReport | None:
        with self._lock:
            window = self._windows.get(key)
            if window is None or window.reset is None:
                return None
            return WindowReport(window.limit, window.remaining, window.reset)


def open_store(url: str) -> BudgetStore:
    """The budget shared by every worker whose `rateStore` is `url` (a Redis URL).

    redis-py is imported only here, so pacing in-process never needs the `redis` extra.
    """
    from .redis_budget import RedisBudget

    return RedisBudget(url)


def _ended(window: _Window, now: float) -> bool:
    """The window is over, or its end lies further ahead than any window lasts (the clock
    went back): either way a new window begins."""
    return window.reset is not None and not window.reset - LONGEST_HOLD <= now < window.reset


def _stale(window: _Window, now: float) -> bool:
    """No answer has told the new window's end for a while: guess afresh rather than wait."""
    return window.reset is None and now - window.opened > STALE_GUESS
