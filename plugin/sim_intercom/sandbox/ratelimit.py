"""Intercom's rate limit: a fixed number of requests per window (10 seconds by default).

Windows are fixed and aligned to the clock: each starts on a whole multiple of its length
(a 10-second window at :00, :10, :20...), and `X-RateLimit-Reset` is the end of the current
one, so a client that waits until then is in the next window, without idling past it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_WINDOW = 10.0


@dataclass(frozen=True)
class Allowance:
    """One request's standing in the window, as the `X-RateLimit-*` headers report it."""

    allowed: bool
    limit: int
    remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


def window_start(now: float, window: float) -> float:
    """The start of the window `now` falls in: the multiple of `window` at or before it."""
    return now - now % window


class RateLimiter:
    """Counts requests in clock-aligned windows; thread-safe.

    `reset` is the window's end in Unix seconds: exact when the window is whole seconds (as
    Intercom's is), else rounded up, so waiting until it never lands in the same window.
    """

    def __init__(
        self, limit: int, window: float = DEFAULT_WINDOW, clock: Callable[[], float] = time.time
    ) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        if window <= 0:
            raise ValueError(f"window must be positive, got {window}")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._start: float | None = None
        self._used = 0

    def take(self) -> Allowance:
        with self._lock:
            start = window_start(self._clock(), self.window)
            if start != self._start:
                self._start = start
                self._used = 0
            self._used += 1
            return Allowance(
                allowed=self._used <= self.limit,
                limit=self.limit,
                remaining=max(self.limit - self._used, 0),
                reset=math.ceil(start + self.window),
            )
