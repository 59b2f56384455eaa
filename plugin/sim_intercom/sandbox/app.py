"""The sandbox's HTTP-agnostic front: auth, rate limit, routing and JSON, for both doors.

`SandboxApp.handle` takes a method, a request target, headers and body bytes and returns a
`Reply`; the loopback server and the `responses` adapter only translate to and from it.
"""

from __future__ import annotations

import hmac
import json
import logging
import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from .errors import (
    BadRequest,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    SandboxError,
    Unauthorized,
)
from .ratelimit import RateLimiter
from .routes import (
    PUBLIC_ROUTES,
    ROUTES,
    Call,
    Empty,
    Handler,
    PublicHandler,
    Raw,
    Redirect,
    Route,
)
from .workspace import Workspace

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
JSON_TYPE = "application/json; charset=utf-8"
FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass
class Reply:
    """An answer for a door to send: status, body bytes, headers."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


# DELETE too: removing a tag from a conversation or ticket names the admin in the body.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _segments(path: str) -> list[str] | None:
    """Path segments, each percent-decoded after splitting, so `%2F` stays inside an id."""
    raw = path.split("/")[1:]
    if not raw or any(segment == "" for segment in raw):
        return None
    return [unquote(segment, errors="strict") for segment in raw]


def _match(template: str, segments: list[str]) -> dict[str, str] | None:
    """The named parameters of `template` (`/contacts/{contact_id}`) in `segments`, or None."""
    wanted = template.split("/")[1:]
    if len(wanted) != len(segments):
        return None
    found = {}
    for expected, actual in zip(wanted, segments, strict=True):
        if expected.startswith("{"):
            found[expected.strip("{}")] = actual
        elif expected != actual:
            return None
    return found


def _decode_body(body: bytes | None) -> dict[str, Any]:
    if not body or not body.strip():
        return {}
    try:
        parsed = json.loads(
            body.decode("utf-8"), parse_constant=_refuse_constant, parse_float=_finite_float
        )
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest("Request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadRequest("Request body must be a JSON object")
    _refuse_lone_surrogates(parsed)
    return parsed


def _refuse_lone_surrogates(parsed: dict[str, Any]) -> None:
    """JSON may escape half a surrogate pair (`"\\ud800"`); such text has no UTF-8 form, so
    storing it would break every later answer that includes it."""
    try:
        json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest("Request body holds an unpaired UTF-16 surrogate escape") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite_float(text: str) -> float:
    """A JSON number as a float; one too large for a float (`1e999`) could not be sent back."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range")
    return value


def _decode_form(body: bytes | None) -> dict[str, Any]:
    text = (body or b"").decode("utf-8")
    return dict(parse_qsl(text, keep_blank_values=True, errors="strict"))


def _public_route(method: str, target: str) -> tuple[Route[PublicHandler], dict[str, str]] | None:
    """The token-less route (and its path parameters) `target` asks for, or None."""
    wanted = "GET" if method == "HEAD" else method
    try:
        segments = _segments(urlsplit(target).path)
    except UnicodeDecodeError:
        return None
    for route in PUBLIC_ROUTES if segments else ():
        found = _match(route.path, segments or [])
        if found is not None and route.method == wanted:
            return route, found
    return None


def _literalness(template: str) -> tuple[bool, ...]:
    """Which segments of a template are fixed text, left to right: where templates overlap,
    a fixed segment beats a parameter at the same place, as routers order them."""
    return tuple(not segment.startswith("{") for segment in template.split("/")[1:])


def find_route(method: str, segments: list[str] | None) -> tuple[Handler, dict[str, str]]:
    """The handler and path parameters; 404 for an unknown path, 405 (with `Allow`) for a
    wrong method. HEAD is answered as GET; the transport leaves the body out.

    Of the templates a path matches, the most literal one answers it:
    `/contacts/find_by_external_id/tags` is an external id, not a contact's tags."""
    wanted = "GET" if method == "HEAD" else method
    matching = [
        (route, found)
        for route in (ROUTES if segments else ())
        if (found := _match(route.path, segments or [])) is not None
    ]
    if not matching:
        raise NotFound("Resource Not Found")
    best = max(_literalness(route.path) for route, _ in matching)
    chosen = [(route, found) for route, found in matching if _literalness(route.path) == best]
    for route, found in chosen:
        if route.method == wanted:
            return route.handler, found
    methods = [route.method for route, _ in chosen]
    raise MethodNotAllowed(
        f"{method} is not allowed here; use {' or '.join(methods)}",
        headers={"Allow": ", ".join(methods)},
    )


class SandboxApp:
    """Answers requests for one workspace the way Intercom's API would."""

    def __init__(self, workspace: Workspace, rate_limiter: RateLimiter | None = None) -> None:
        self.workspace = workspace
        self.rate_limiter = rate_limiter

    @classmethod
    def limited(cls, workspace: Workspace, rate_limit: int | None, window: float) -> SandboxApp:
        """The app a door serves: at most `rate_limit` requests a `window` (none when None),
        the windows on the workspace's clock."""
        limiter = RateLimiter(rate_limit, window, workspace.clock) if rate_limit else None
        return cls(workspace, limiter)

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes | None
    ) -> Reply:
        public = _public_route(method.upper(), target)
        if public is not None:
            return self._answer_public(*public, target, headers, body)
        return self._answer(
            headers,
            lambda: self._dispatch(method.upper(), target, body, headers),
            f"{method} {target}",
        )

    def refuse(self, headers: Mapping[str, str], error: SandboxError) -> Reply:
        """Answer a request the transport could not read (a body too large, a bad
        Content-Length) with `error`, after the same authentication and rate limit as any."""

        def fail() -> dict[str, Any]:
            raise error

        return self._answer(headers, fail, "an unreadable request")

    def _answer(
        self,
        headers: Mapping[str, str],
        work: Callable[[], dict[str, Any] | Empty | Raw],
        what: str,
    ) -> Reply:
        request_id = uuid.uuid4().hex
        extra: dict[str, str] = {}
        try:
            self._authenticate(headers)
            extra = self._take_allowance()
            result = work()
            if isinstance(result, Empty):
                return Reply(result.status, b"", {"X-Request-Id": request_id, **extra})
            if isinstance(result, Raw):
                headers = {**result.headers, "X-Request-Id": request_id, **extra}
                return Reply(result.status, result.body, headers)
            return json_reply(200, result, request_id, extra)
        except SandboxError as error:
            headers = {**extra, **error.headers}
            return json_reply(error.status, error.body(request_id), request_id, headers)
        except Exception:  # a sandbox bug must not take the server down
            log.exception("sandbox failed on %s", what)
            failure = SandboxError("The sandbox failed on this request", code="server_error")
            return json_reply(500, failure.body(request_id), request_id, extra)

    def _answer_public(
        self,
        route: Route[PublicHandler],
        path: dict[str, str],
        target: str,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Reply:
        """A path that takes no access token (OAuth): no rate limit; a form body is read as
        a JSON one; a `Redirect` is a 302."""
        request_id = uuid.uuid4().hex
        try:
            query = dict(parse_qsl(urlsplit(target).query, keep_blank_values=True, errors="strict"))
            if body is not None and len(body) > MAX_BODY_BYTES:
                raise too_large()
            form = (_header(headers, "Content-Type") or "").lower().startswith(FORM_TYPE)
            fields = _decode_form(body) if form else _decode_body(body)
            with self.workspace.lock:
                result = route.handler(self.workspace, Call(path, query, fields))
            if isinstance(result, Redirect):
                return Reply(302, b"", {"Location": result.location, "X-Request-Id": request_id})
            return json_reply(200, result, request_id, {})
        except UnicodeDecodeError:
            error = BadRequest("The request is not valid UTF-8")
            return json_reply(error.status, error.body(request_id), request_id, {})
        except SandboxError as error:
            return json_reply(error.status, error.body(request_id), request_id, error.headers)

    def _authenticate(self, headers: Mapping[str, str]) -> None:
        given = _header(headers, "Authorization") or ""
        scheme, _, token = given.partition(" ")
        expected = self.workspace.token.encode()
        token = token.strip()
        if scheme.lower() != "bearer":
            raise Unauthorized()
        if not hmac.compare_digest(token.encode(), expected) and not self.workspace.oauth.accepts(
            token
        ):
            raise Unauthorized()

    def _take_allowance(self) -> dict[str, str]:
        if self.rate_limiter is None:
            return {}
        allowance = self.rate_limiter.take()
        if not allowance.allowed:
            raise RateLimited("Exceeded rate limit", headers=allowance.headers())
        return allowance.headers()

    def _dispatch(
        self, method: str, target: str, body: bytes | None, headers: Mapping[str, str]
    ) -> dict[str, Any] | Empty | Raw:
        parts = urlsplit(target)
        try:
            segments = _segments(parts.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True, errors="strict"))
        except UnicodeDecodeError:
            raise BadRequest("The request URL is not valid UTF-8") from None
        handler, path = find_route(method, segments)
        if body is not None and len(body) > MAX_BODY_BYTES:
            raise too_large()
        call = Call(path, query, _decode_body(body) if method in BODY_METHODS else {}, headers)
        with self.workspace.lock:
            return handler(self.workspace, call)


def json_reply(
    status: int, payload: dict[str, Any], request_id: str, extra: Mapping[str, str]
) -> Reply:
    """An answer with a JSON body and the request id, as every sandbox answer is sent."""
    headers = {"Content-Type": JSON_TYPE, "X-Request-Id": request_id, **extra}
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return Reply(status, text.encode("utf-8"), headers)


def error_reply(error: SandboxError) -> Reply:
    """The `error.list` answer for an error found before any request could be handled."""
    request_id = uuid.uuid4().hex
    return json_reply(error.status, error.body(request_id), request_id, error.headers)


def too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body is larger than {MAX_BODY_BYTES} bytes")


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None
