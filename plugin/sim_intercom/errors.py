"""The errors of sim-intercom: one root, one class per kind a host can branch on.

IntercomError                    every failure; carries kind, status, code, request id
 +-- InvalidInput (ValueError)   bad parameters: ours before sending, or Intercom's 400/422
 +-- Unauthorized                401: missing or invalid access token
 +-- Forbidden                   403: the token lacks the scope
 +-- NotFound                    404: no such contact, company, conversation, ticket...
 +-- Conflict                    409: e.g. a contact with that email already exists
 +-- RateLimited                 429: the app's rate limit window is spent
 +-- ServerError                 5xx: Intercom failed
 +-- NetworkError                no answer: DNS, connection, timeout, TLS, an answer cut off
 +-- InvalidResponse             an answer that is not what Intercom promises: not JSON, the
 |                               wrong shape, too large or too deep, or a redirect
 +-- InternalError               a bug in sim-intercom itself, caught so the host never sees it

Every error also says how the call went: `attempts` (HTTP requests made, retries included),
`retry_after` (seconds the server asked to wait, or None) and, for a write, `outcome`:
`not_applied` (Intercom refused it or it never left) or `unknown` (it may have been applied).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Outcome = Literal["not_applied", "unknown"]
NOT_APPLIED: Outcome = "not_applied"
UNKNOWN: Outcome = "unknown"


MAX_PARAMETER_CHARS = 120
MAX_MESSAGE_CHARS = 400
MAX_VIOLATIONS = 100
VIOLATIONS_IN_MESSAGE = 10


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Violation:
    """One problem with one parameter; both texts are cut short, whatever they quote."""

    parameter: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "parameter", _cut(self.parameter, MAX_PARAMETER_CHARS))
        object.__setattr__(self, "message", _cut(self.message, MAX_MESSAGE_CHARS))

    def __str__(self) -> str:
        return f"{self.parameter}: {self.message}"


class IntercomError(Exception):
    """Any failure of a tool call; `kind` tells which."""

    kind: ClassVar[str] = "error"

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        field: str | None = None,
        json_body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.code = code
        self.request_id = request_id
        self.field = field
        self.json_body = json_body
        self.headers = dict(headers or {})
        self.attempts = 0
        self.retry_after: float | None = None
        self.outcome: Outcome | None = None
        self.after_unknown = False

    def __str__(self) -> str:
        if self.request_id:
            return f"Request {self.request_id}: {self.message}"
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, "
            f"http_status={self.http_status!r}, request_id={self.request_id!r})"
        )

    def detail(self) -> dict[str, Any]:
        """The structured error detail of a failed result."""
        return {
            "kind": self.kind,
            "message": self.message,
            "status": self.http_status,
            "code": self.code,
            "request_id": self.request_id,
            "field": self.field,
            "attempts": self.attempts,
            "retry_after": self.retry_after,
            **({"outcome": self.outcome} if self.outcome else {}),
        }


class InvalidInput(IntercomError, ValueError):
    """The parameters are wrong; when raised before sending, nothing reached Intercom."""

    kind = "invalid_input"

    def __init__(self, message: str, violations: list[Violation] | None = None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.violations = list(violations or [])
        if self.field is None and len(self.violations) == 1:
            self.field = self.violations[0].parameter

    @classmethod
    def from_violations(cls, violations: list[Violation]) -> InvalidInput:
        """One error for all the problems: the first ten in its message, a hundred kept."""
        lines = "; ".join(str(v) for v in violations[:VIOLATIONS_IN_MESSAGE])
        if len(violations) > VIOLATIONS_IN_MESSAGE:
            lines += f"; and {len(violations) - VIOLATIONS_IN_MESSAGE} more"
        noun = "parameter" if len(violations) == 1 else "parameters"
        return cls(f"Invalid {noun}: {lines}", violations[:MAX_VIOLATIONS])

    def detail(self) -> dict[str, Any]:
        return {
            **super().detail(),
            "violations": [
                {"parameter": v.parameter, "message": v.message} for v in self.violations
            ],
        }


class Unauthorized(IntercomError):
    """The access token is missing, invalid or revoked."""

    kind = "unauthorized"


class Forbidden(IntercomError):
    """The token is valid but may not do this."""

    kind = "forbidden"


class NotFound(IntercomError):
    """The object does not exist in the workspace."""

    kind = "not_found"


class Conflict(IntercomError):
    """The request clashes with existing data."""

    kind = "conflict"


class RateLimited(IntercomError):
    """Too many requests in the current rate-limit window."""

    kind = "rate_limited"

    def __init__(
        self,
        message: str,
        *,
        limit: int | None = None,
        remaining: int | None = None,
        reset: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit
        self.remaining = remaining
        self.reset = reset

    def detail(self) -> dict[str, Any]:
        limits = {"limit": self.limit, "remaining": self.remaining, "reset": self.reset}
        return {**super().detail(), "rate_limit": limits}


class ServerError(IntercomError):
    """Intercom answered with a 5xx."""

    kind = "server_error"


class NetworkError(IntercomError):
    """No whole HTTP answer; `should_retry` says whether trying again can help, `sent` whether
    the request may have reached Intercom (False only when it provably never left)."""

    kind = "network"

    def __init__(
        self, message: str, *, should_retry: bool = True, sent: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.should_retry = should_retry
        self.sent = sent


class InvalidResponse(IntercomError):
    """Intercom answered with something it does not promise: not JSON, the wrong shape, too
    large or too deep, or a redirect (never followed, so the token never goes elsewhere)."""

    kind = "invalid_response"


class InternalError(IntercomError):
    """An unexpected failure inside sim-intercom, turned into a result instead of escaping."""

    kind = "internal"


_BY_STATUS: dict[int, type[IntercomError]] = {
    400: InvalidInput,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    422: InvalidInput,
    429: RateLimited,
}


def error_class_for_status(status: int) -> type[IntercomError]:
    """The error class for an HTTP status that is not 2xx."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return InvalidInput if 400 <= status < 500 else InvalidResponse


_BY_KIND: dict[str, type[IntercomError]] = {
    cls.kind: cls
    for cls in (
        InvalidInput,
        Unauthorized,
        Forbidden,
        NotFound,
        Conflict,
        RateLimited,
        ServerError,
        NetworkError,
        InvalidResponse,
        InternalError,
    )
}


def error_from_result(result: dict[str, Any]) -> IntercomError:
    """The error of a failed result envelope, as the exception of its kind (for Python
    callers, such as the record iterator, that would rather raise than branch)."""
    detail = result.get("error_detail") or {}
    error = _BY_KIND.get(detail.get("kind", ""), IntercomError)(
        detail.get("message") or str(result.get("error")),
        http_status=detail.get("status"),
        code=detail.get("code"),
        request_id=detail.get("request_id"),
        field=detail.get("field"),
    )
    error.attempts = detail.get("attempts", 0)
    error.retry_after = detail.get("retry_after")
    error.outcome = detail.get("outcome")
    return error
