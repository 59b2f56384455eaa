"""Intercom webhooks as triggers: one POST checked, filtered and turned into an answer.

`handle_webhook` is all of the `sim_handle_webhook` hook. In order, it reads the body as
the raw bytes that arrived (at most `MAX_BODY_BYTES`), checks `X-Hub-Signature`
(`sha1=<hex>`, HMAC-SHA1 of those bytes keyed with the app's client secret, compared in
constant time), and only then parses the JSON: a topic the trigger does not take (or the
host did not choose), `ping` included unless the trigger is the one for it, is acknowledged
and runs nothing; a topic it takes becomes the event the workflow runs on, keyed by the
notification id so a host can drop Intercom's redeliveries. Whatever the
headers and the body are, the answer is a plain dict; nothing raises.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .manifest import PING_TOPIC, TOPICS_SETTING, Catalog, Trigger

MAX_BODY_BYTES = 1024 * 1024  # notifications are a few KB; past 1 MiB a body is not one
SIGNATURE_HEADER = "X-Hub-Signature"
MAX_HEADERS = 1000  # headers read from an iterable of pairs; a request has far fewer
# `sha1=<40 hex digits>`, the algorithm and the hex in any case, spaces around each part.
_SIGNATURE = re.compile(r"\s*sha1\s*=\s*([0-9a-f]{40})\s*", re.IGNORECASE | re.ASCII)
BLANK_SECRET = (
    "the trigger's client secret is empty or blank, so no notification can be verified: "
    "set the app's client secret (or configure none to accept unverified notifications)"
)
NO_SECRET_WARNING = (
    "no client secret is configured, so this notification was not verified: anyone who "
    "knows the URL can run the workflow; set the app's client secret"
)


@dataclass(frozen=True)
class _Answer:
    status: int
    kind: str
    message: str
    run: bool = False
    event: dict[str, Any] | None = None
    topic: str | None = None
    verified: bool = False
    warning: str | None = None

    def as_dict(self) -> dict[str, Any]:
        key = self.event["id"] if self.event is not None else None
        return {
            "status": self.status,
            "body": {"ok": self.status == 200, "kind": self.kind, "message": self.message},
            "run": self.run,
            "kind": self.kind,
            "topic": self.topic,
            "event": self.event,
            "idempotency_key": key or None,
            "verified": self.verified,
            "warning": self.warning,
        }


class _Refused(Exception):
    """Stops the checks with the answer to give."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def handle_webhook(
    catalog: Catalog, trigger_id: Any, headers: Any, body: Any, secret: Any
) -> dict[str, Any] | None:
    """The answer for one POST to a trigger's URL, or None for a trigger id not in `catalog`.

    `secret` is the client secret, or a mapping of the trigger's settings: the secret under
    its setting's name (`clientSecret`) and the topics the host chose under `topics`."""
    trigger = catalog.triggers.get(trigger_id) if isinstance(trigger_id, str) else None
    if trigger is None:
        return None
    warning: str | None = None
    verified = False
    try:
        secret, chosen = _settings(trigger, secret)
        key = _secret_key(secret)
        warning = None if key else NO_SECRET_WARNING
        raw = _raw_body(body)
        if key:
            _check_signature(_header_values(headers, SIGNATURE_HEADER), raw, key)
            verified = True
        return _route(trigger, chosen, _notification(raw), verified, warning).as_dict()
    except _Refused as refused:
        answer = _Answer(
            refused.status, refused.kind, refused.message, verified=verified, warning=warning
        )
        return answer.as_dict()
    except Exception:  # the last line of defence: a host gets an answer, never a traceback
        message = "the notification could not be handled"
        return _Answer(500, "internal_error", message, verified=verified, warning=warning).as_dict()


def sign(body: bytes, secret: str | bytes) -> str:
    """The `X-Hub-Signature` value Intercom sends for `body`: `sha1=<hex>`."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return "sha1=" + hmac.new(key, body, hashlib.sha1).hexdigest()


def _settings(trigger: Trigger, given: Any) -> tuple[Any, frozenset[str] | None]:
    """The secret and the chosen topics (None: every topic the trigger takes) from the
    secret alone or a mapping of settings."""
    if not isinstance(given, Mapping):
        return given, None
    chosen = given.get(TOPICS_SETTING)
    if chosen in (None, "", []):
        return given.get(trigger.secret.name), None
    if isinstance(chosen, str):
        chosen = [part.strip() for part in chosen.split(",") if part.strip()]
    if not isinstance(chosen, list | tuple) or not all(isinstance(t, str) for t in chosen):
        raise _Refused(500, "bad_settings", f"the {TOPICS_SETTING} setting is not a list of topics")
    for topic in chosen:
        if not trigger.takes(topic):
            name = f"{topic[:80]!r}"
            message = f"the {TOPICS_SETTING} setting names {name}, which {trigger.id} does not take"
            raise _Refused(500, "bad_settings", message)
    return given.get(trigger.secret.name), frozenset(chosen)


def _secret_key(secret: Any) -> bytes | None:
    """The HMAC key, or None when no secret is configured (the event runs unverified, with
    a warning). An empty or blank secret is a configuration error, never "verify nothing"."""
    if secret is None:
        return None
    key: bytes | None = None
    if isinstance(secret, str):
        with contextlib.suppress(UnicodeEncodeError):
            key = secret.encode("utf-8")
    elif isinstance(secret, bytes | bytearray):
        key = bytes(secret)
    if key is None:
        raise _Refused(500, "bad_secret", "the trigger's client secret setting is not text")
    if not key.strip():
        raise _Refused(500, "bad_secret", BLANK_SECRET)
    return key


def _raw_body(body: Any) -> bytes:
    """The body as the bytes that arrived; text is taken back to its UTF-8 bytes."""
    if isinstance(body, str):
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
        try:
            raw = body.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raise _Refused(400, "not_json", "the body is not UTF-8 text") from None
    elif isinstance(body, bytes | bytearray | memoryview):
        raw = bytes(body)
    elif body is None:
        raw = b""
    else:
        raise _Refused(
            400,
            "not_json",
            "the body must be the request's raw bytes; a parsed body cannot be verified",
        )
    if len(raw) > MAX_BODY_BYTES:
        raise _too_large()
    return raw


def _too_large() -> _Refused:
    return _Refused(413, "too_large", f"the body is larger than {MAX_BODY_BYTES} bytes")


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return None


def _pairs(headers: Any) -> Iterable[Any]:
    """A mapping (any key case), an object with `items()` (http.client, werkzeug,
    starlette), or an iterable of (name, value) pairs; anything else has no headers."""
    if headers is None or isinstance(headers, str | bytes | bytearray):
        return ()
    items = getattr(headers, "items", None)
    if callable(items):
        return items()  # type: ignore[no-any-return]
    if isinstance(headers, Iterable):
        return headers
    return ()


def _header_values(headers: Any, name: str) -> list[str | None]:
    """Every value given for header `name` (None for a value that is not text)."""
    wanted = name.lower()
    values: list[str | None] = []
    for pair in itertools.islice(_pairs(headers), MAX_HEADERS):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            continue
        key = _text(pair[0])
        if key is None or key.strip().lower() != wanted:
            continue
        given = pair[1] if isinstance(pair[1], tuple | list) else [pair[1]]
        values.extend(_text(value) for value in given)
    return values


def _check_signature(values: list[str | None], raw: bytes, key: bytes) -> None:
    if not values:
        raise _Refused(401, "signature_missing", f"no {SIGNATURE_HEADER} header")
    texts = {value.strip() if value is not None else None for value in values}
    if len(texts) > 1:
        raise _Refused(401, "signature_malformed", f"{SIGNATURE_HEADER} is given more than once")
    (text,) = texts
    match = _SIGNATURE.fullmatch(text) if text is not None else None
    if match is None:
        raise _Refused(
            401, "signature_malformed", f"{SIGNATURE_HEADER} is not sha1=<40 hex digits>"
        )
    expected = hmac.new(key, raw, hashlib.sha1).digest()
    if not hmac.compare_digest(expected, bytes.fromhex(match.group(1))):
        raise _Refused(
            401, "signature_mismatch", f"{SIGNATURE_HEADER} does not match the body and the secret"
        )


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _notification(raw: bytes) -> dict[str, Any]:
    try:
        notification = json.loads(raw, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise _Refused(400, "not_json", "the body is not JSON") from None
    if not isinstance(notification, dict):
        raise _Refused(400, "not_notification", "the body is not a JSON object")
    topic = notification.get("topic")
    if not isinstance(topic, str) or not topic.strip():
        raise _Refused(400, "not_notification", "the notification has no topic")
    return notification


def _route(
    trigger: Trigger,
    chosen: frozenset[str] | None,
    notification: dict[str, Any],
    verified: bool,
    warning: str | None,
) -> _Answer:
    topic: str = notification["topic"]
    takes = trigger.takes(topic, chosen)
    if topic == PING_TOPIC and not takes:
        return _Answer(200, "ping", "pong", topic=topic, verified=verified, warning=warning)
    if not takes:
        message = f"{trigger.id} does not run on this topic"
        return _Answer(200, "ignored", message, topic=topic, verified=verified, warning=warning)
    data = notification.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("item"), dict):
        raise _Refused(400, "not_notification", "the notification has no data.item object")
    event = {
        "topic": topic,
        "id": _identifier(notification.get("id")),
        "app_id": _identifier(notification.get("app_id")),
        "created_at": _integer(notification.get("created_at")),
        "delivery_attempts": _integer(notification.get("delivery_attempts")),
        "first_sent_at": _integer(notification.get("first_sent_at")),
        "data": data,
    }
    message = f"{trigger.id} runs"
    return _Answer(200, "event", message, True, event, topic, verified, warning)


def _identifier(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _integer(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
