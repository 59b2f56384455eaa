"""When to try a request again, and how long to wait first: small pure functions.

As in stripe-python's `_http_client.py`, the decisions are functions of plain values, so
tests check them with a fixed clock and a fixed random fraction and never sleep.
"""

from __future__ import annotations

import email.utils
import math
from collections.abc import Mapping
from dataclasses import dataclass

from .pacing import plausible_reset

RATE_LIMITED = 429
TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0


@dataclass(frozen=True)
class Failure:
    """One failed attempt, as far as retrying cares.

    `status` is the HTTP status, or None when no whole answer came back; `sent` is False only
    when the request provably never left (DNS, refused, connect timeout); `retryable` is False
    for faults that trying again cannot mend (a TLS error).
    """

    status: int | None = None
    sent: bool = True
    retryable: bool = True


def should_retry(failure: Failure, *, retries_done: int, max_retries: int, safe: bool) -> bool:
    """Whether to send the request again.

    `safe` is True for read-only and idempotent requests: those are retried on any transient
    fault. Every request is retried on 429 (Intercom did not process it) and when it never
    left; an unsafe write is never retried once it may have reached Intercom.
    """
    if retries_done >= max_retries or not failure.retryable:
        return False
    if failure.status is None:
        return safe or not failure.sent
    if failure.status == RATE_LIMITED:
        return True
    return safe and failure.status in TRANSIENT_STATUSES


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    if name in headers:
        return headers[name]
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


_NUMBER_CHARS = frozenset("0123456789+-.eE")


def _seconds(text: str | None) -> float | None:
    """A finite number in ASCII (`float` would also take digits of other scripts, `nan`,
    `inf` and `1_0`)."""
    if text is None or len(text) > 40:
        return None
    text = text.strip()
    if not text or not _NUMBER_CHARS.issuperset(text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """`Retry-After` as seconds from now: a number of seconds or an HTTP date."""
    text = header(headers, "Retry-After")
    seconds = _seconds(text)
    if seconds is None and text:
        try:
            seconds = email.utils.parsedate_to_datetime(text).timestamp() - now
        except (TypeError, ValueError, OverflowError):
            return None
    return None if seconds is None else max(seconds, 0.0)


def rate_limit_reset(headers: Mapping[str, str]) -> float | None:
    """`X-RateLimit-Reset`: the Unix time (seconds, fractions accepted) the window resets."""
    return _seconds(header(headers, "X-RateLimit-Reset"))


def server_wait(status: int | None, headers: Mapping[str, str], now: float) -> float | None:
    """How long the server asked to wait, or None: `Retry-After` on any answer, and on a 429
    the time until `X-RateLimit-Reset` when that reset is plausible (`pacing.plausible_reset`);
    one far ahead, past or not finite is unknown, and the back-off applies."""
    asked = retry_after_seconds(headers, now)
    if asked is None and status == RATE_LIMITED:
        reset = rate_limit_reset(headers)
        asked = reset - now if reset is not None and plausible_reset(reset, now) else None
    return asked


def backoff_seconds(retries_done: int, random_fraction: float) -> float:
    """Exponential back-off with full jitter: uniform in [0, min(cap, initial * 2**n))."""
    ceiling = min(MAX_DELAY, INITIAL_DELAY * 2.0 ** min(retries_done, 32))
    return ceiling * random_fraction


def sleep_seconds(
    retries_done: int,
    status: int | None,
    headers: Mapping[str, str],
    now: float,
    random_fraction: float,
) -> float:
    """The wait before the next try: the server's word when it gave one, else the back-off."""
    asked = server_wait(status, headers, now)
    return asked if asked is not None else backoff_seconds(retries_done, random_fraction)
