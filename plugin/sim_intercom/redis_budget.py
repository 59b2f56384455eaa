"""One workspace's rate-limit budget shared by many workers through Redis.

Every worker (thread, process, host) whose calls name the same `rateStore` and use the same
workspace shares one budget: the limit, remaining and reset that Intercom reports live in a
Redis hash, and each request is claimed from it atomically before it is sent. A 429 seen by
any worker is recorded with nothing remaining, so every worker waits for the reset it
announced. The state machine is exactly `pacing.LocalBudget`'s, written as two Lua scripts
(`CLAIM`, `RECORD`) that Redis runs atomically; there is no lock of our own.

Keys. `sim-intercom:budget:` followed by the workspace key (the base URL and a hash of the
token, `pacing.workspace_key`): never the token. Each key expires by itself `linger`
seconds after the window it describes ends, and never later than two windows after it was
last written (PEXPIRE, relative, so a clock difference between a worker and Redis does not
matter), so idle workspaces leave nothing behind.

Untrusted. What a key holds may have been written by anyone with access to Redis: a field
that is not a finite number in range makes `CLAIM` delete the key and answer `bad`, and
this store paces that request in-process with a warning. A reset further ahead than
`pacing.LONGEST_HOLD` starts a new window, as in `LocalBudget`.

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
import math
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .pacing import (
    LONGEST_HOLD,
    STALE_GUESS,
    UNKNOWN_RESET_POLL,
    WINDOW,
    LocalBudget,
    WindowReport,
    plausible_reset,
    warn_untrusted,
)

logger = logging.getLogger("sim_intercom.pacing")

KEY_PREFIX = "sim-intercom:budget:"
SOCKET_TIMEOUT = 0.25
RECONNECT_AFTER = 1.0
# How long a key outlives its window: one Intercom window, so a busy workspace keeps its
# limit from one window to the next, and an idle one is gone soon after.
LINGER = 10.0
LONGEST_KEY_LIFE = 2 * WINDOW
MAX_COUNT = 1_000_000_000
BAD = "bad"

# Shared by both scripts: a field as a number, `nil` when absent; `false` when it is there
# but not a finite number from `low` to `high` (garbage: the key is not to be trusted).
CHECKED = """
local function checked(text, low, high)
  if not text then
    return nil
  end
  local n = tonumber(text)
  if n == nil or n ~= n or n < low or n > high then
    return false
  end
  return n
end
"""

# KEYS[1] the budget's hash. ARGV: now, linger, stale guess, poll, longest hold, longest key
# life, largest count (seconds and counts). Returns the seconds to wait as text ("0": go;
# Redis would truncate a Lua number), or "bad" after deleting a key that holds garbage.
CLAIM = (
    CHECKED
    + """
local key = KEYS[1]
local now, hold, most = tonumber(ARGV[1]), tonumber(ARGV[5]), tonumber(ARGV[7])
local w = redis.call('HMGET', key, 'limit', 'remaining', 'reset', 'opened')
local limit, remaining = checked(w[1], 0, most), checked(w[2], 0, most)
local reset, opened = checked(w[3], 0, now + 1e9), checked(w[4], 0, now + 1e9)
if limit == false or remaining == false or reset == false or opened == false then
  redis.call('DEL', key)
  return 'bad'
end
if remaining == nil then
  return '0'
end
local stale = tonumber(ARGV[3])
local ended = reset ~= nil and (now >= reset or reset - now > hold)
if ended or (reset == nil and now - (opened or 0) > stale) then
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
)

# KEYS[1] the budget's hash. ARGV: now, limit ('' when not told), remaining, reset, linger,
# longest key life, largest count. The report is checked by the caller; what the key holds
# is checked here, and garbage is replaced.
RECORD = (
    CHECKED
    + """
local key = KEYS[1]
local now, reset = tonumber(ARGV[1]), tonumber(ARGV[4])
if reset <= now then
  return 0
end
local limit, remaining = ARGV[2], tonumber(ARGV[3])
local most = tonumber(ARGV[7])
local w = redis.call('HMGET', key, 'remaining', 'reset', 'opened', 'limit')
local known_remaining, known_reset = checked(w[1], 0, most), checked(w[2], 0, now + 1e9)
local opened = checked(w[3], 0, now + 1e9)
if known_remaining == false or known_reset == false or opened == false
    or checked(w[4], 0, most) == false then
  redis.call('DEL', key)
  known_remaining, known_reset, opened = nil, nil, nil
end
if known_reset == nil and reset <= (opened or 0) then
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
local life = math.min(reset - now + tonumber(ARGV[5]), tonumber(ARGV[6]))
redis.call('PEXPIRE', key, math.ceil(life * 1000))
return 1
"""
)


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
            args += [repr(LONGEST_HOLD), repr(LONGEST_KEY_LIFE), str(MAX_COUNT)]
            try:
                answer = self._claim(keys=[self.redis_key(key)], args=args)
            except Exception as exc:  # unreachable, slow or failing: pace in-process
                self._failed(epoch, exc)
            else:
                self._succeeded(epoch)
                wait = _wait_or_none(answer)
                if wait is not None:
                    return wait
                warn_untrusted(f"a rate budget in {self.where} that is not a valid window")
        return self.fallback.claim(key, now)

    def record(self, key: str, report: WindowReport, now: float) -> None:
        # The fallback learns every answer too, so an outage starts from a known window.
        self.fallback.record(key, report, now)
        epoch = self._may_use_redis()
        if epoch is None:
            return
        if not plausible_reset(report.reset, now):
            return
        limit = "" if report.limit is None else str(report.limit)
        args = [repr(now), limit, str(report.remaining), repr(report.reset), repr(self.linger)]
        args += [repr(LONGEST_KEY_LIFE), str(MAX_COUNT)]
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
                return _window_or_none(values)
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


def _number(value: Any, low: float, high: float) -> float | None:
    """A value Redis gave as a finite number from `low` to `high`, or None."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _wait_or_none(answer: Any) -> float | None:
    """`CLAIM`'s answer as seconds to wait, or None for `bad` or anything unexpected."""
    return _number(answer, 0.0, LONGEST_HOLD)


def _window_or_none(values: list[Any]) -> WindowReport | None:
    """The window a key holds, or None when it holds none or garbage."""
    limit_text, remaining_text, reset_text = values
    remaining = _number(remaining_text, 0, MAX_COUNT)
    reset = _number(reset_text, 0, float("1e12"))
    limit = None if limit_text is None else _number(limit_text, 0, MAX_COUNT)
    if remaining is None or reset is None or (limit_text is not None and limit is None):
        return None
    return WindowReport(None if limit is None else int(limit), int(remaining), reset)
