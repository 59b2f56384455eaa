"""The transport: the one object every request to Intercom passes through.

One per executor, shared by all threads. It owns the connection pool (no cookie jar, no
netrc, the Bearer token always wins, proxies from the environment honoured), the retry
loop (decisions in `retry`), pacing (the budget in `pacing`), and bounded reading: an
answer larger than a cap, deeper than any Intercom object, or slower than `readTimeout`
in total is a clean failure. The token lives only in the outgoing Authorization header.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import itertools
import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions as u3
from requests.auth import AuthBase
from requests.cookies import RequestsCookieJar

from .answers import Answer, decode_json, error_from_answer, int_or_none, short, window_report
from .deadlines import WATCH, WatchedAdapter
from .errors import (
    NOT_APPLIED,
    UNKNOWN,
    IntercomError,
    InvalidResponse,
    NetworkError,
    RateLimited,
)
from .pacing import BudgetStore, LocalBudget, open_store, workspace_key
from .retry import Failure, header, should_retry, sleep_seconds
from .version import USER_AGENT

logger = logging.getLogger("sim_intercom.http")

POOL_SIZE = 64
MAX_ANSWER_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
READ_METHODS = frozenset({"GET", "HEAD"})
JSON_TYPE = "application/json"


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


REDACTED = "[redacted]"
MIN_REDACTED_LENGTH = 8  # replacing a shorter "secret" would mangle text and hide nothing


def without_secret(value: Any, secret: str) -> Any:
    """`value` (JSON-like) with `secret` replaced in every string, keys included; the same
    object when the secret is too short to matter."""
    if len(secret) < MIN_REDACTED_LENGTH:
        return value
    if isinstance(value, str):
        return value.replace(secret, REDACTED) if secret in value else value
    if isinstance(value, dict):
        return {without_secret(k, secret): without_secret(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [without_secret(item, secret) for item in value]
    return value


@dataclass(frozen=True)
class ApiRequest:
    """One request to Intercom: method, a path whose ids are already encoded, query, body.

    `raw` is for the few answers that are not JSON (a call's transcript, the 302 to its
    recording): a 2xx or 3xx answer is then returned undecoded, as an `Answer`, with the
    `accept` header sent instead of JSON's.
    """

    method: str
    path: str
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    accept: str = JSON_TYPE  # another type asks for a file: the answer is a `Download`
    raw: bool = False


@dataclass(frozen=True)
class Download:
    """An answer that is a file rather than JSON: its type, its bytes and where it came from."""

    content_type: str
    body: bytes
    url: str


@dataclass(frozen=True)
class Endpoint:
    """Where a request goes and with what: base URL, version, token, timeouts, patience."""

    base_url: str
    version: str
    token: Secret
    connect_timeout: float
    read_timeout: float
    max_retries: int
    max_wait: float
    rate_store: str | None = None  # where the budget is shared (a Redis URL); None: in-process


@dataclass
class CallLog:
    """What one tool call has spent: HTTP requests sent and seconds waited, over all steps."""

    attempts: int = 0
    waited: float = 0.0


class _BearerAuth(AuthBase):
    """Explicit auth, so requests never takes credentials from `~/.netrc` or the URL."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token.reveal()}"
        return request


def _no_cookies() -> RequestsCookieJar:
    """A jar that keeps nothing: a cookie set for one token is never sent with another."""
    return RequestsCookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))


def new_session(pool_size: int = POOL_SIZE) -> requests.Session:
    """A session for many threads and many tenants: a large pool, no cookies, no retries."""
    session = requests.Session()
    session.cookies = _no_cookies()
    adapter = WatchedAdapter(pool_connections=8, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def query_params(query: Mapping[str, Any]) -> dict[str, str] | None:
    """Query values as Intercom reads them: booleans as `true`/`false`."""
    params = {
        name: ("true" if value else "false") if isinstance(value, bool) else str(value)
        for name, value in query.items()
        if value is not None
    }
    return params or None


def network_error(exc: Exception, request: ApiRequest) -> NetworkError:
    """Classify a failed exchange: did the request provably never leave, can a retry help?"""
    where = f"{request.method} {request.path}"
    if isinstance(exc, requests.exceptions.SSLError):
        return NetworkError(f"TLS error talking to Intercom ({where})", should_retry=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return NetworkError(f"Could not connect to Intercom in time ({where})", sent=False)
    if isinstance(exc, requests.exceptions.Timeout | u3.TimeoutError | TimeoutError):
        return NetworkError(f"Intercom did not answer in time ({where})")
    if isinstance(exc, requests.exceptions.ConnectionError) and _never_left(exc):
        return NetworkError(f"Could not connect to Intercom ({where})", sent=False)
    if isinstance(exc, requests.exceptions.RequestException | u3.HTTPError | OSError):
        return NetworkError(f"The connection to Intercom broke before its answer ({where})")
    return NetworkError(
        f"Request to Intercom failed ({where}): {type(exc).__name__}", should_retry=False
    )


def _never_left(exc: BaseException) -> bool:
    """True for DNS failures and refused connections, which happen before anything is sent."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, u3.NewConnectionError | u3.NameResolutionError):
            return True
        if isinstance(current, u3.MaxRetryError) and current.reason is not None:
            current = current.reason
            continue
        current = current.__cause__ or current.__context__ or _first_arg(current)
    return False


def _first_arg(exc: BaseException) -> BaseException | None:
    return next((arg for arg in exc.args if isinstance(arg, BaseException)), None)


class Transport:
    """Sends requests for every call of every thread; see the module docstring.

    The clock, monotonic clock, sleeper and random source are injectable so tests check
    waiting without waiting. `budget` is the in-process budget; a call whose settings name
    a `rateStore` is paced by the store for that URL instead, one store per URL, made by
    `store_factory` when first needed.
    """

    def __init__(
        self,
        *,
        session: requests.Session | None = None,
        budget: BudgetStore | None = None,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        random_fraction: Callable[[], float] = random.random,
        store_factory: Callable[[str], BudgetStore] = open_store,
    ) -> None:
        self._session = session
        self.budget: BudgetStore = budget if budget is not None else LocalBudget()
        self.store_factory = store_factory
        self._stores: dict[str, BudgetStore] = {}
        self.max_answer_bytes = max_answer_bytes
        self.clock = clock
        self.monotonic = monotonic
        self.sleep = sleep
        self.random_fraction = random_fraction
        self._lock = threading.Lock()
        self._environments: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        return f"<Transport pool={POOL_SIZE} max_answer_bytes={self.max_answer_bytes}>"

    @property
    def session(self) -> requests.Session:
        with self._lock:
            if self._session is None:
                self._session = new_session()
            return self._session

    def budget_for(self, rate_store: str | None) -> BudgetStore:
        """The budget a call with this `rateStore` uses: the in-process one without a URL,
        else the one store of that URL (the URL is never logged: it may hold a password)."""
        if not rate_store:
            return self.budget
        with self._lock:
            store = self._stores.get(rate_store)
            if store is None:
                store = self._stores[rate_store] = self.store_factory(rate_store)
            return store

    def send(self, request: ApiRequest, endpoint: Endpoint, log: CallLog, *, safe: bool) -> Any:
        """Send `request`, retrying what is safe; the decoded JSON body or an `IntercomError`.

        `safe` says the request may be repeated after it may have reached Intercom (read-only
        or idempotent). A raised error carries `outcome` and `retry_after`; `log` counts the
        attempts and the time waited.
        """
        key = workspace_key(endpoint.base_url, endpoint.token.reveal())
        budget = self.budget_for(endpoint.rate_store)
        uncertain = False
        for retries in itertools.count():
            try:
                self._pace(budget, key, endpoint, log)
                log.attempts += 1
                answer = self._exchange(request, endpoint)
                self._learn(budget, key, answer)
                if request.raw and 200 <= answer.status < 400:
                    return answer
                if 200 <= answer.status < 300 and request.accept != JSON_TYPE:
                    content_type = header(answer.headers, "Content-Type") or ""
                    return Download(content_type, answer.body, endpoint.base_url + request.path)
                if 200 <= answer.status < 300:
                    return self._decode(answer, request, endpoint.token)
                raise error_from_answer(answer, self.clock())
            except IntercomError as error:
                uncertain = uncertain or _may_have_applied(error)
                failure = _failure(error)
                if failure is None or not should_retry(
                    failure, retries_done=retries, max_retries=endpoint.max_retries, safe=safe
                ):
                    raise _finish(error, request, uncertain) from None
                if not self._back_off(retries, error, endpoint, log):
                    raise _finish(error, request, uncertain) from None
        raise AssertionError("unreachable")

    def _back_off(
        self, retries: int, error: IntercomError, endpoint: Endpoint, log: CallLog
    ) -> bool:
        """Wait before the next try; False when that wait would pass `maxWait`."""
        status, headers = error.http_status, error.headers
        delay = sleep_seconds(retries, status, headers, self.clock(), self.random_fraction())
        if log.waited + delay > endpoint.max_wait:
            return False
        self._wait(delay, log)
        return True

    def _wait(self, seconds: float, log: CallLog) -> None:
        if seconds > 0:
            self.sleep(seconds)
            log.waited += seconds

    def _pace(self, budget: BudgetStore, key: str, endpoint: Endpoint, log: CallLog) -> None:
        """Take one request from the workspace's budget, waiting for the reset when it is spent."""
        while (delay := budget.claim(key, self.clock())) > 0:
            if log.waited + delay > endpoint.max_wait:
                raise self._spent(budget, key, delay, endpoint)
            self._wait(delay, log)

    def _spent(
        self, budget: BudgetStore, key: str, delay: float, endpoint: Endpoint
    ) -> RateLimited:
        window = budget.known(key)
        error = RateLimited(
            f"Intercom's rate-limit window is spent; it resets in {delay:.1f} s, more than "
            f"the {endpoint.max_wait:g} s this call may wait (maxWait); nothing was sent",
            limit=window.limit if window else None,
            remaining=0,
            reset=window.reset if window else None,
        )
        error.retry_after = round(delay, 3)
        return error

    def _learn(self, budget: BudgetStore, key: str, answer: Answer) -> None:
        report = window_report(answer, self.clock())
        if report is not None:
            budget.record(key, report, self.clock())

    def _environment(self, base_url: str) -> dict[str, Any]:
        """Proxies and CA bundle from the environment for a base URL, read once per URL.

        `Session.send` alone would re-read every proxy variable on every request; this is
        what `Session.request` would merge, computed once.
        """
        settings = self._environments.get(base_url)
        if settings is None:
            merged = self.session.merge_environment_settings(base_url, {}, True, None, None)
            settings = {**merged, "stream": True}
            self._environments[base_url] = settings
        return settings

    def _prepare(self, request: ApiRequest, endpoint: Endpoint) -> requests.PreparedRequest:
        """Prepare the request, keeping the path exactly as encoded.

        requests re-quotes URLs and would turn `%2E%2E` back into `..`, which a server may
        resolve as a parent path; the encoded path is put back after.
        """
        headers = {
            "Intercom-Version": endpoint.version,
            "Accept": request.accept,
            "User-Agent": USER_AGENT,
        }
        data = None
        if request.body is not None:
            data = json.dumps(request.body, allow_nan=False, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        prepared = self.session.prepare_request(
            requests.Request(
                request.method,
                endpoint.base_url + request.path,
                params=query_params(request.query),
                data=data,
                headers=headers,
                auth=_BearerAuth(endpoint.token),
            )
        )
        query = urlsplit(prepared.url or "").query
        prepared.url = endpoint.base_url + request.path + (f"?{query}" if query else "")
        return prepared

    def _exchange(self, request: ApiRequest, endpoint: Endpoint) -> Answer:
        """One HTTP request and its whole answer, read within the cap and the deadline:
        the answer, status line and headers included, within `readTimeout` of being awaited
        (`deadlines`), and the whole try within `connectTimeout + readTimeout`."""
        started = self.monotonic()
        prepared = self._prepare(request, endpoint)
        total = endpoint.connect_timeout + endpoint.read_timeout
        with WATCH.watching(total, endpoint.read_timeout) as exchange:
            try:
                response = self.session.send(
                    prepared,
                    timeout=(endpoint.connect_timeout, endpoint.read_timeout),
                    allow_redirects=False,
                    **self._environment(endpoint.base_url),
                )
            except Exception as exc:  # every way the exchange can fail is a network error
                logger.debug("request failed method=%s path=%s", request.method, request.path)
                failed = _cut_off(request) if exchange.expired else network_error(exc, request)
                raise failed from None
            try:
                body = self._read(response, request, started + endpoint.read_timeout)
            except IntercomError:
                raise
            except Exception as exc:
                if exchange.expired:
                    raise _cut_off(request) from None
                if isinstance(exc, requests.exceptions.ContentDecodingError | u3.DecodeError):
                    raise InvalidResponse(
                        f"Intercom's answer to {request.method} {request.path} could not be "
                        "decompressed",
                        http_status=response.status_code,
                    ) from None
                raise network_error(exc, request) from None
            finally:
                WATCH.release(exchange)
                response.close()
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "request method=%s path=%s status=%s elapsed_ms=%.1f request_id=%s",
                request.method,
                request.path,
                response.status_code,
                (self.monotonic() - started) * 1000,
                response.headers.get("X-Request-Id"),
            )
        return Answer(response.status_code, response.headers, body)

    def _read(self, response: requests.Response, request: ApiRequest, deadline: float) -> bytes:
        """The decompressed body, failing past the size cap or the total read deadline."""
        cap = self.max_answer_bytes
        declared = int_or_none(response.headers.get("Content-Length"))
        if declared is not None and declared > cap:
            raise _too_large(response, request, cap)
        chunks: list[bytes] = []
        size = 0
        # read1 returns what has arrived, so a slow drip cannot outlast the deadline.
        while chunk := response.raw.read1(CHUNK_BYTES, decode_content=True):
            size += len(chunk)
            if size > cap:
                raise _too_large(response, request, cap)
            chunks.append(chunk)
            if response.raw.length_remaining == 0:
                break
            remaining = deadline - self.monotonic()
            if remaining <= 0:
                raise _cut_off(request)
            _limit_socket_wait(response, remaining)
        return b"".join(chunks)

    def _decode(self, answer: Answer, request: ApiRequest, token: Secret) -> Any:
        """The answer's JSON, with the token removed should the answer echo it (a body
        with a backslash may hide it in an escape); None for an empty 2xx body (`POST
        /events` answers 202 so)."""
        if not answer.body.strip():
            return None
        try:
            value = decode_json(answer.body)
            secret = token.reveal()
            if secret.encode("utf-8") in answer.body or b"\\" in answer.body:
                value = without_secret(value, secret)
            return value
        except ValueError as exc:
            error = InvalidResponse(
                f"Intercom answered HTTP {answer.status} with a body that is not valid JSON "
                f"({request.method} {request.path}): {short(str(exc))}",
                http_status=answer.status,
                request_id=header(answer.headers, "X-Request-Id"),
            )
            raise error from None


def _failure(error: IntercomError) -> Failure | None:
    """What retrying needs to know of an error; None for one made before anything was sent."""
    if isinstance(error, NetworkError):
        return Failure(None, sent=error.sent, retryable=error.should_retry)
    if error.http_status is None:
        return None
    return Failure(error.http_status)


def _may_have_applied(error: IntercomError) -> bool:
    """A request that left and got no answer, a 5xx, or an answer we could not read."""
    if isinstance(error, NetworkError):
        return error.sent
    if isinstance(error, InvalidResponse):
        return True
    return error.http_status is not None and error.http_status >= 500


def _finish(error: IntercomError, request: ApiRequest, uncertain: bool) -> IntercomError:
    """Say whether the request may have been applied: a read never was."""
    if error.outcome is None:
        maybe = uncertain and request.method not in READ_METHODS
        error.outcome = UNKNOWN if maybe else NOT_APPLIED
    error.after_unknown = uncertain
    return error


def _cut_off(request: ApiRequest) -> NetworkError:
    return NetworkError(
        f"Intercom's answer took longer than readTimeout in total ({request.method} {request.path})"
    )


def _too_large(response: requests.Response, request: ApiRequest, cap: int) -> InvalidResponse:
    return InvalidResponse(
        f"Intercom's answer to {request.method} {request.path} is larger than "
        f"{cap // (1024 * 1024)} MiB; it was not read",
        http_status=response.status_code,
    )


def _limit_socket_wait(response: requests.Response, seconds: float) -> None:
    """Let the next socket read wait no longer than what is left of the deadline."""
    connection = getattr(response.raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.settimeout(max(seconds, 0.001))
