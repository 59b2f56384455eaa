"""Intercom's rate limit: a fixed number of requests per window (10 seconds by default)."""

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


class RateLimiter:
    """Counts requests in fixed windows; thread-safe. `reset` is Unix seconds, as Intercom's."""

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
        self._resets_at = 0.0
        self._used = 0

    def take(self) -> Allowance:
        with self._lock:
            now = self._clock()
            if now >= self._resets_at:
                self._resets_at = now + self.window
                self._used = 0
            self._used += 1
            return Allowance(
                allowed=self._used <= self.limit,
                limit=self.limit,
                remaining=max(self.limit - self._used, 0),
                reset=math.ceil(self._resets_at),
            )
