"""One workspace's rate-limit budget shared by many workers through Redis.

Every worker (thread, process, host) whose calls name the same `rateStore` and use the same
workspace shares one budget: the limit, remaining and reset that Intercom reports live in a
Redis hash, and each request is claimed from it atomically before it is sent. A 429 seen by
any worker is recorded with nothing remaining, so every worker waits for the reset it
announced. The state machine is exactly `pacing.LocalBudget`'s, written as two Lua scripts
(`CLAIM`, `RECORD`) that Redis runs atomically; there is no lock of our own.

Keys. `sim-intercom:budget:` followed by the workspace key (the base URL and a hash of the
token, `pacing.workspace_key`): never the token. Each key expires by itself `linger`
seconds after the window it describes ends (PEXPIRE, relative, so a clock difference
between a worker and Redis does not matter), so idle workspaces leave nothing behind.

Times are the workers' clocks (Unix seconds, as Intercom's `X-RateLimit-Reset`), passed
to the scripts, never Redis's own: a worker waits on its own clock, and tests inject one.

Failure. Pacing must never cost a call its result. The client has short socket timeouts
(0.25 s) and does no retries of its own; any Redis error or timeout switches this store to
its in-process `LocalBudget` (kept warm with every answer's report all along), logs one
warning for the outage, and tries Redis again at most once a `reconnect_after` (one
thread probes; the others stay in-process meanwhile). The first success ends the outage.

Why not a rate-limiting library such as `limits` (with its Redis storage)? Those count
hits against a limit configured up front, in windows they start themselves. Intercom's
window is the server's: its limit, remaining and reset come from the answers, a window's
count must be lowered to what the server reports (requests of other apps' or an earlier
process's count too), and a 429 announces the reset everyone must wait for. None of that
is expressible through `limits`' `incr`/`get`/`clear` storage API, so the counting is ours.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .pacing import STALE_GUESS, UNKNOWN_RESET_POLL, LocalBudget, WindowReport

logger = logging.getLogger("sim_intercom.pacing")

KEY_PREFIX = "sim-intercom:budget:"
SOCKET_TIMEOUT = 0.25
RECONNECT_AFTER = 1.0
# How long a key outlives its window: one Intercom window, so a busy workspace keeps its
# limit from one window to the next, and an idle one is gone soon after.
LINGER = 10.0

# KEYS[1] the budget's hash. ARGV: now, linger, stale guess, poll (seconds).
# Returns the seconds to wait as text ("0": go); Redis would truncate a Lua number.
CLAIM = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local w = redis.call('HMGET', key, 'limit', 'remaining', 'reset', 'opened')
local limit, remaining = tonumber(w[1]), tonumber(w[2])
local reset, opened = tonumber(w[3]), tonumber(w[4])
if remaining == nil then
  return '0'
end
local stale = tonumber(ARGV[3])
if (reset ~= nil and now >= reset) or (reset == nil and now - (opened or 0) > stale) then
  if limit == nil then
    redis.call('DEL', key)
    return '0'
  end
  -- A new window: assume its whole budget until an answer tells its end.
  remaining, reset = limit, nil
  redis.call('HDEL', key, 'reset')
  redis.call('HSET', key, 'opened', ARGV[1])
  redis.call('PEXPIRE', key, math.ceil((stale + tonumber(ARGV[2])) * 1000))
end
if remaining > 0 then
  redis.call('HSET', key, 'remaining', remaining - 1)
  return '0'
end
if reset == nil then
  return ARGV[4]
end
return tostring(reset - now)
"""

# KEYS[1] the budget's hash. ARGV: now, limit ('' when not told), remaining, reset, linger.
RECORD = """
local key = KEYS[1]
local now, reset = tonumber(ARGV[1]), tonumber(ARGV[4])
if reset <= now then
  return 0
end
local limit, remaining = ARGV[2], tonumber(ARGV[3])
local w = redis.call('HMGET', key, 'remaining', 'reset', 'opened')
local known_remaining, known_reset = tonumber(w[1]), tonumber(w[2])
if known_reset == nil and reset <= (tonumber(w[3]) or 0) then
  -- An answer from before a reset another worker already saw: the new window's guess stands.
  return 0
end
if known_remaining == nil or (known_reset ~= nil and reset > known_reset) then
  redis.call('DEL', key)
  redis.call('HSET', key, 'remaining', remaining, 'reset', ARGV[4])
elseif known_reset == nil or reset == known_reset then
  redis.call('HSET', key, 'remaining', math.min(known_remaining, remaining), 'reset', ARGV[4])
else
  return 0
end
if limit ~= '' then
  redis.call('HSET', key, 'limit', limit)
end
redis.call('PEXPIRE', key, math.ceil((reset - now + tonumber(ARGV[5])) * 1000))
return 1
"""


def redacted(url: str) -> str:
    """Where a Redis URL points, without its user name or password, for log lines."""
    try:
        parts = urlsplit(url)
        if parts.scheme == "unix":
            return f"unix://{parts.path}"
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "redis (unparsable URL)"
    return f"{parts.scheme}://{host}{port}{parts.path}"


def connect(url: str) -> redis.Redis:
    """A client that fails fast: short timeouts and no retries, the fallback covers it."""
    return redis.Redis.from_url(
        url,
        socket_timeout=SOCKET_TIMEOUT,
        socket_connect_timeout=SOCKET_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        retry_on_timeout=False,
        health_check_interval=0,
    )


class RedisBudget:
    """A `BudgetStore` in Redis, shared by every worker with the same URL; thread-safe.

    Falls back to `fallback` (a `LocalBudget`) while Redis is unreachable, slow or failing;
    see the module docstring.
    """

    def __init__(
        self,
        url: str,
        *,
        client: redis.Redis | None = None,
        fallback: LocalBudget | None = None,
        linger: float = LINGER,
        reconnect_after: float = RECONNECT_AFTER,
        monotonic: Callable[[], float] = time.monotonic,
        prefix: str = KEY_PREFIX,
    ) -> None:
        self.where = redacted(url)
        self.client = client if client is not None else connect(url)
        self.fallback = fallback if fallback is not None else LocalBudget()
        self.linger = linger
        self.reconnect_after = reconnect_after
        self.prefix = prefix
        self._monotonic = monotonic
        self._claim = self.client.register_script(CLAIM)
        self._record = self.client.register_script(RECORD)
        self._lock = threading.Lock()
        self._healthy = True
        self._epoch = 0  # counts outages begun and ended: a late failure cannot start another
        self._retry_at = 0.0

    def __repr__(self) -> str:
        state = "shared" if self._healthy else "in-process (Redis unreachable)"
        return f"<RedisBudget {self.where} {state}>"

    @property
    def healthy(self) -> bool:
        """False during an outage, while pacing is in-process."""
        return self._healthy

    def redis_key(self, key: str) -> str:
        """The Redis key of a workspace's budget; `key` never holds the token."""
        return self.prefix + key

    def claim(self, key: str, now: float) -> float:
        epoch = self._may_use_redis()
        if epoch is not None:
            args = [repr(now), repr(self.linger), repr(STALE_GUESS), repr(UNKNOWN_RESET_POLL)]
            try:
                wait = float(self._claim(keys=[self.redis_key(key)], args=args))
            except Exception as exc:  # unreachable, slow or failing: pace in-process
                self._failed(epoch, exc)
            else:
                self._succeeded(epoch)
                return wait
        return self.fallback.claim(key, now)

    def record(self, key: str, report: WindowReport, now: float) -> None:
        # The fallback learns every answer too, so an outage starts from a known window.
        self.fallback.record(key, report, now)
        epoch = self._may_use_redis()
        if epoch is None:
            return
        limit = "" if report.limit is None else str(report.limit)
        args = [repr(now), limit, str(report.remaining), repr(report.reset), repr(self.linger)]
        try:
            self._record(keys=[self.redis_key(key)], args=args)
        except Exception as exc:
            self._failed(epoch, exc)
        else:
            self._succeeded(epoch)

    def known(self, key: str) -> WindowReport | None:
        epoch = self._may_use_redis()
        if epoch is not None:
            try:
                values: list[Any] = self.client.hmget(
                    self.redis_key(key), ["limit", "remaining", "reset"]
                )
            except Exception as exc:
                self._failed(epoch, exc)
            else:
                self._succeeded(epoch)
                limit, remaining, reset = values
                if remaining is None or reset is None:
                    return None
                return WindowReport(
                    None if limit is None else int(limit), int(remaining), float(reset)
                )
        return self.fallback.known(key)

    def _may_use_redis(self) -> int | None:
        """The current epoch when this thread may talk to Redis, or None to stay in-process.

        During an outage one thread at a time probes, once a `reconnect_after`.
        """
        with self._lock:
            if self._healthy:
                return self._epoch
            now = self._monotonic()
            if now < self._retry_at:
                return None
            self._retry_at = now + self.reconnect_after
            return self._epoch

    def _failed(self, epoch: int, exc: Exception) -> None:
        with self._lock:
            self._retry_at = self._monotonic() + self.reconnect_after
            if not self._healthy or epoch != self._epoch:
                return
            self._healthy = False
            self._epoch += 1
        # Once per outage; the exception's type only (its text could quote a URL).
        logger.warning(
            "rate store %s failed (%s): pacing in this process only until it answers "
            "again; trying again every %g s",
            self.where,
            type(exc).__name__,
            self.reconnect_after,
        )

    def _succeeded(self, epoch: int) -> None:
        if self._healthy:
            return
        with self._lock:
            if self._healthy or epoch != self._epoch:
                return
            self._healthy = True
            self._epoch += 1
        logger.info("rate store %s answers again: the budget is shared again", self.where)
