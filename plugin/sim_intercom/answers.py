"""Reading Intercom's answers: JSON bodies (bounded in depth), error lists, rate-limit windows.

Pure functions of an `Answer` (status, headers, body bytes); the transport calls them.
Every value taken from an answer is checked for type and cut short before it reaches a
message, so a hostile answer cannot fill a log or a result.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import IntercomError, RateLimited, error_class_for_status
from .guard import depth_exceeds
from .pacing import WindowReport, plausible_reset, warn_untrusted
from .retry import header, rate_limit_reset, server_wait

MAX_ANSWER_DEPTH = 64
MAX_COUNT = 1_000_000_000  # more requests than any window allows: a larger count is garbage


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


def decode_json(body: bytes, max_depth: int = MAX_ANSWER_DEPTH) -> Any:
    """The JSON value of a body, or `ValueError` for one that is not JSON or nests too deep."""
    try:
        value = json.loads(body, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError(f"nested deeper than {max_depth} levels") from None
    shallow = body.count(b"{") + body.count(b"[") <= max_depth
    if not shallow and isinstance(value, dict | list) and depth_exceeds(value, max_depth):
        raise ValueError(f"nested deeper than {max_depth} levels")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def window_report(answer: Answer, now: float) -> WindowReport | None:
    """The rate-limit window an answer reports (a 429 means nothing remains), or None.

    The headers are untrusted: counts must be whole numbers in range, and a reset must be
    plausible (`pacing.plausible_reset`); anything else is ignored with a warning.
    """
    reset = rate_limit_reset(answer.headers)
    remaining = count_or_none(header(answer.headers, "X-RateLimit-Remaining"))
    limit = count_or_none(header(answer.headers, "X-RateLimit-Limit"))
    if answer.status == 429:
        remaining = 0
    if reset is None or remaining is None:
        return None
    if not plausible_reset(reset, now):
        if reset > now:
            warn_untrusted("an X-RateLimit-Reset further ahead than a rate-limit window")
        return None
    return WindowReport(limit, remaining, reset)


def error_from_answer(answer: Answer, now: float) -> IntercomError:
    """Turn a non-2xx answer into the error of its kind, with Intercom's own words and the
    wait it asked for (`retry_after`)."""
    try:
        body: Any = decode_json(answer.body)
    except ValueError:
        body = None
    described, code, field_name = describe_errors(body)
    status = answer.status
    request_id = (body.get("request_id") if isinstance(body, dict) else None) or header(
        answer.headers, "X-Request-Id"
    )
    if not isinstance(request_id, str):
        request_id = None
    error_class = error_class_for_status(status)
    if 300 <= status < 400:
        message = f"Intercom answered HTTP {status}, a redirect; it was not followed"
    else:
        message = (
            f"Intercom answered HTTP {status}: {described or 'the body was not an error list'}"
        )
    kwargs: dict[str, Any] = {
        "http_status": status,
        "code": code,
        "request_id": request_id,
        "field": field_name,
        "json_body": body,
        "headers": dict(answer.headers),
    }
    if error_class is RateLimited:
        kwargs.update(
            limit=count_or_none(header(answer.headers, "X-RateLimit-Limit")),
            remaining=count_or_none(header(answer.headers, "X-RateLimit-Remaining")),
            reset=rate_limit_reset(answer.headers),
        )
    error = error_class(message, **kwargs)
    error.retry_after = server_wait(status, answer.headers, now)
    return error


def describe_errors(body: Any) -> tuple[str | None, str | None, str | None]:
    """Intercom's `error.list` as (message, first code, first field), each cut short."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None, None, None
    errors = [e for e in body["errors"][:10] if isinstance(e, dict)]
    parts = []
    for error in errors:
        text = (
            f"{_text(error.get('code')) or 'error'}: {_text(error.get('message')) or 'no message'}"
        )
        if error.get("field"):
            text += f" (field {_text(error['field'])})"
        parts.append(text)
    first = errors[0] if errors else {}
    return (
        "; ".join(parts) or None,
        _text(first.get("code")) or None,
        _text(first.get("field")) or None,
    )


def _text(value: Any) -> str:
    return short(value) if isinstance(value, str) else ""


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def int_or_none(text: str | None) -> int | None:
    """A whole number written in ASCII digits (an optional sign), or None."""
    if text is None or len(text) >= 20:
        return None
    digits = text.strip()
    unsigned = digits[1:] if digits[:1] in ("+", "-") else digits
    if not (unsigned.isascii() and unsigned.isdigit()):
        return None
    return int(digits)


def count_or_none(text: str | None) -> int | None:
    """A count of requests: a whole number from 0 to `MAX_COUNT`, or None."""
    value = int_or_none(text)
    return value if value is not None and 0 <= value <= MAX_COUNT else None
