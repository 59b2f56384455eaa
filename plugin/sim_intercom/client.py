"""The HTTP client: where a request to Intercom is built, sent and its answer read.

Every request passes through `IntercomClient.send`, the one seam for transport,
logging and (later) retries. The access token lives only in the Authorization
header of the outgoing request; it is never logged, never in a repr or an error.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from .errors import (
    IntercomError,
    InvalidInput,
    InvalidResponse,
    NetworkError,
    RateLimited,
    Violation,
    error_class_for_status,
)

logger = logging.getLogger("sim_intercom.http")

REGION_BASE_URLS = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
DEFAULT_VERSION = "2.14"
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
USER_AGENT = "sim-intercom/0.1.0"


class Secret:
    """A string that never shows itself in a repr or str."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('[secure]')"

    __str__ = __repr__


def encode_path_segment(value: str) -> str:
    """Percent-encode one path segment so no id can change the path (`/`, `?`, `#`, `..`)."""
    return quote(str(value), safe="").replace(".", "%2E")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url.rstrip("/")
    if parts.scheme == "http" and parts.hostname and _is_loopback(parts.hostname):
        return url.rstrip("/")
    raise InvalidInput.from_violations(
        [Violation("baseUrl", f"must be an https URL (http only on loopback), got {url!r}")]
    )


def _timeout(value: Any, name: str, default: float) -> float:
    if value in (None, ""):
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if seconds <= 0:
        raise InvalidInput.from_violations(
            [Violation(name, "must be a positive number of seconds")]
        )
    return seconds


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to reach Intercom; built from a call's credentials."""

    base_url: str = REGION_BASE_URLS["us"]
    version: str = DEFAULT_VERSION
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    read_timeout: float = DEFAULT_READ_TIMEOUT

    @classmethod
    def from_credentials(cls, credentials: Mapping[str, Any]) -> ClientConfig:
        """Read `region`, `baseUrl`, `intercomVersion`, `connectTimeout`, `readTimeout`."""
        base_url = credentials.get("baseUrl") or None
        region = str(credentials.get("region") or "us").lower()
        if base_url is None:
            if region not in REGION_BASE_URLS:
                allowed = ", ".join(REGION_BASE_URLS)
                raise InvalidInput.from_violations(
                    [Violation("region", f"must be one of {allowed}, got {region!r}")]
                )
            base_url = REGION_BASE_URLS[region]
        return cls(
            base_url=_check_base_url(str(base_url)),
            version=str(credentials.get("intercomVersion") or DEFAULT_VERSION),
            connect_timeout=_timeout(
                credentials.get("connectTimeout"), "connectTimeout", DEFAULT_CONNECT_TIMEOUT
            ),
            read_timeout=_timeout(
                credentials.get("readTimeout"), "readTimeout", DEFAULT_READ_TIMEOUT
            ),
        )


@dataclass(frozen=True)
class ApiRequest:
    """One request to Intercom: method, a path whose ids are already encoded, query, body."""

    method: str
    path: str
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    try:
        return int(headers[name])
    except (KeyError, TypeError, ValueError):
        return None


def _query_params(query: Mapping[str, Any]) -> dict[str, str] | None:
    """Query values as Intercom reads them: booleans as `true`/`false`."""
    params = {
        name: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for name, value in query.items()
        if value is not None
    }
    return params or None


def _describe_errors(body: Any) -> tuple[str | None, str | None, str | None]:
    """Intercom's `error.list` as (message, first code, first field)."""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None, None, None
    errors = [e for e in body["errors"] if isinstance(e, dict)]
    parts = []
    for error in errors:
        text = f"{error.get('code', 'error')}: {error.get('message') or 'no message'}"
        if error.get("field"):
            text += f" (field {error['field']})"
        parts.append(text)
    first = errors[0] if errors else {}
    return "; ".join(parts) or None, first.get("code"), first.get("field")


def error_from_response(response: requests.Response) -> IntercomError:
    """Turn a non-2xx answer into the error of its kind, with Intercom's own words."""
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    described, code, field_name = _describe_errors(body)
    status = response.status_code
    request_id = (body.get("request_id") if isinstance(body, dict) else None) or (
        response.headers.get("X-Request-Id")
    )
    message = f"Intercom answered HTTP {status}: {described or 'the body was not an error list'}"
    error_class = error_class_for_status(status)
    kwargs: dict[str, Any] = {
        "http_status": status,
        "code": code,
        "request_id": request_id,
        "field": field_name,
        "json_body": body,
        "headers": dict(response.headers),
    }
    if error_class is RateLimited:
        kwargs.update(
            limit=_header_int(response.headers, "X-RateLimit-Limit"),
            remaining=_header_int(response.headers, "X-RateLimit-Remaining"),
            reset=_header_int(response.headers, "X-RateLimit-Reset"),
        )
    return error_class(message, **kwargs)


def _network_error(exc: requests.RequestException, request: ApiRequest) -> NetworkError:
    where = f"{request.method} {request.path}"
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkError(f"TLS error talking to Intercom ({where})", should_retry=False)
    if isinstance(exc, requests.exceptions.Timeout):
        return NetworkError(f"Intercom did not answer in time ({where})")
    if isinstance(exc, requests.exceptions.ConnectionError):
        return NetworkError(f"Could not connect to Intercom ({where})")
    return NetworkError(
        f"Request to Intercom failed ({where}): {type(exc).__name__}", should_retry=False
    )


class IntercomClient:
    """Sends `ApiRequest`s to one Intercom workspace with one access token."""

    def __init__(
        self,
        token: str,
        config: ClientConfig,
        session: requests.Session,
        admin_cache: dict[str, str] | None = None,
    ) -> None:
        self._token = Secret(token)
        self.config = config
        self.session = session
        self._admin_cache = admin_cache if admin_cache is not None else {}

    def _cache_key(self) -> str:
        digest = hashlib.sha256(self._token.reveal().encode()).hexdigest()
        return f"{self.config.base_url} {digest}"

    def current_admin_id(self) -> str:
        """The id of the admin who owns the token (`GET /me`), remembered per workspace."""
        key = self._cache_key()
        if key not in self._admin_cache:
            me = self.send(ApiRequest("GET", "/me"))
            if not isinstance(me, dict) or not me.get("id"):
                raise InvalidResponse("GET /me did not return an admin with an id")
            self._admin_cache[key] = str(me["id"])
        return self._admin_cache[key]

    def __repr__(self) -> str:
        return f"<IntercomClient {self.config.base_url} version={self.config.version}>"

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token.reveal()}",
            "Intercom-Version": self.config.version,
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }

    def _prepare(self, request: ApiRequest) -> requests.PreparedRequest:
        """Prepare the request, keeping the path exactly as encoded.

        requests re-quotes URLs and would turn `%2E%2E` back into `..`, which a
        server may resolve as a parent path; the encoded path is put back after.
        """
        prepared = self.session.prepare_request(
            requests.Request(
                request.method,
                self.config.base_url + request.path,
                params=_query_params(request.query),
                json=request.body,
                headers=self._headers(),
            )
        )
        query = urlsplit(prepared.url or "").query
        prepared.url = self.config.base_url + request.path + (f"?{query}" if query else "")
        return prepared

    def send(self, request: ApiRequest) -> Any:
        """Send one request; return the decoded JSON body or raise an `IntercomError`."""
        started = time.perf_counter()
        try:
            response = self.session.send(
                self._prepare(request),
                timeout=(self.config.connect_timeout, self.config.read_timeout),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            logger.debug("request failed method=%s path=%s", request.method, request.path)
            raise _network_error(exc, request) from exc
        logger.debug(
            "request method=%s path=%s status=%s elapsed_ms=%.1f request_id=%s",
            request.method,
            request.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            response.headers.get("X-Request-Id"),
        )
        if not 200 <= response.status_code < 300:
            raise error_from_response(response)
        try:
            return response.json()
        except ValueError as exc:
            raise InvalidResponse(
                f"Intercom answered HTTP {response.status_code} with a body that is not JSON",
                http_status=response.status_code,
                request_id=response.headers.get("X-Request-Id"),
            ) from exc
