"""Which notifications a trigger has already run, so a redelivery runs nothing.

Intercom redelivers a notification it thinks failed (no 2xx within 5 seconds), with the same
id. `LocalReplay` remembers the ids this process ran, at most `REMEMBERED_KEYS`, the oldest
forgotten first. `RedisReplay` remembers them in the Redis store that also holds the rate
budget (`rateStore`), so every worker and every restart sharing that store runs a
notification once: the first worker to claim an id (`SET NX`) runs it; a workflow that fails
gives its claim back so Intercom's retry runs it again.

Keys: `sim-intercom:replay:<trigger id>:<notification id>`, each expiring after `TTL`
(a day: Intercom gives up on a notification within two hours of throttling). When Redis
cannot be reached, the claim falls back to this process's memory, with one warning per
outage, as the rate budget does (`redis_budget`).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Any, Protocol

logger = logging.getLogger("sim_intercom.webhooks")

REMEMBERED_KEYS = 10_000  # ids remembered in memory; the oldest are forgotten first
KEY_PREFIX = "sim-intercom:replay:"
TTL = 24 * 3600  # seconds a claim lives in Redis


class Replay(Protocol):
    def claim(self, trigger_id: str, key: str) -> bool:
        """True the first time `key` is claimed for `trigger_id` (run it); False after."""

    def release(self, trigger_id: str, key: str) -> None:
        """Forget a claim, so the notification runs when it comes again."""


class LocalReplay:
    """The ids this process has run, bounded."""

    def __init__(self, size: int = REMEMBERED_KEYS) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def claim(self, trigger_id: str, key: str) -> bool:
        with self._lock:
            if (trigger_id, key) in self._seen:
                return False
            self._seen[(trigger_id, key)] = None
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
            return True

    def release(self, trigger_id: str, key: str) -> None:
        with self._lock:
            self._seen.pop((trigger_id, key), None)


class RedisReplay:
    """The ids every worker sharing the Redis store at `url` has run."""

    def __init__(self, url: str, client: Any = None) -> None:
        from .redis_budget import connect, redacted

        self.where = redacted(url)
        self.client = client if client is not None else connect(url)
        self.local = LocalReplay()
        self._outage = False

    def claim(self, trigger_id: str, key: str) -> bool:
        try:
            claimed = bool(self.client.set(_key(trigger_id, key), 1, nx=True, ex=TTL))
        except Exception as exc:  # any Redis failure: this process's memory, never an error
            self._down(exc)
            return self.local.claim(trigger_id, key)
        self._outage = False
        self.local.claim(trigger_id, key)  # warm, for an outage to come
        return claimed

    def release(self, trigger_id: str, key: str) -> None:
        self.local.release(trigger_id, key)
        try:
            self.client.delete(_key(trigger_id, key))
        except Exception as exc:
            self._down(exc)

    def _down(self, exc: Exception) -> None:
        if not self._outage:
            self._outage = True
            logger.warning(
                "the replay store %s cannot be reached (%s); redeliveries are dropped by "
                "this process alone until it answers",
                self.where,
                type(exc).__name__,
            )


def _key(trigger_id: str, key: str) -> str:
    return f"{KEY_PREFIX}{trigger_id}:{key}"


def replay_for(store: str | None) -> Replay:
    """The replay memory for a store URL (Redis), or this process's own without one."""
    return RedisReplay(store) if store else LocalReplay()
