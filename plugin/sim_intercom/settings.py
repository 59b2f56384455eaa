"""Where and how to reach Intercom for one call: read from its credentials, then the environment.

Each numeric setting is declared once in `SETTINGS` (credential name, environment variable,
default, bounds), and the one text setting, `RATE_STORE`, beside them; `manifest.yaml` declares
the same credentials and a test keeps the two in step. A call's credentials win over the
environment, which wins over the default.
"""

from __future__ import annotations

import functools
import importlib.util
import ipaddress
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from .errors import InvalidInput, Violation

REGION_BASE_URLS = {
    "us": "https://api.intercom.io",
    "eu": "https://api.eu.intercom.io",
    "au": "https://api.au.intercom.io",
}
DEFAULT_REGION = "us"
DEFAULT_VERSION = "2.14"
TOKEN_CREDENTIAL = "accessToken"

# Visible ASCII and Latin-1 letters, no control characters, no space or no-break space at
# either end: what an HTTP header value can carry unchanged.
_HEADER_VALUE = re.compile(r"[\x21-\x7e\xa1-\xff](?:[\x20-\x7e\xa0-\xff]*[\x21-\x7e\xa1-\xff])?")


@dataclass(frozen=True)
class Setting:
    """One numeric setting: its credential name, environment variable, default and bounds."""

    name: str
    env: str
    default: float
    minimum: float
    maximum: float
    integer: bool = False
    exclusive_minimum: bool = False

    @property
    def envs(self) -> tuple[str, ...]:
        return (self.env,)

    def describe_bounds(self) -> str:
        low = "more than" if self.exclusive_minimum else "at least"
        kind = "a whole number" if self.integer else "a number of seconds"
        return f"must be {kind} {low} {self.minimum:g} and at most {self.maximum:g}"

    def parse(self, value: Any) -> float | None:
        """The value as a number within bounds, or None when it is not one."""
        if isinstance(value, bool):
            return None
        if isinstance(value, str):
            try:
                value = float(value.strip()) if len(value) < 40 else None
            except ValueError:
                return None
        if not isinstance(value, int | float) or not math.isfinite(value):
            return None
        if self.integer and value != int(value):
            return None
        too_low = value <= self.minimum if self.exclusive_minimum else value < self.minimum
        if too_low or value > self.maximum:
            return None
        return int(value) if self.integer else float(value)


CONNECT_TIMEOUT = Setting(
    "connectTimeout", "SIM_INTERCOM_CONNECT_TIMEOUT", 5.0, 0, 300, exclusive_minimum=True
)
READ_TIMEOUT = Setting(
    "readTimeout", "SIM_INTERCOM_READ_TIMEOUT", 30.0, 0, 600, exclusive_minimum=True
)
MAX_RETRIES = Setting("maxRetries", "SIM_INTERCOM_MAX_RETRIES", 3, 0, 10, integer=True)
MAX_WAIT = Setting("maxWait", "SIM_INTERCOM_MAX_WAIT", 20.0, 0, 3600)
SETTINGS = (CONNECT_TIMEOUT, READ_TIMEOUT, MAX_RETRIES, MAX_WAIT)

REDIS_SCHEMES = ("redis", "rediss", "unix")
REDIS_MISSING = "needs the redis extra: pip install 'sim-intercom[redis]'"


@dataclass(frozen=True)
class StoreSetting:
    """Where workers share state (the rate-limit budget; a remote MCP server's sessions and
    tokens): a Redis URL, or None for this process only.

    Its problems never quote the value: a Redis URL may carry a password.
    """

    name: str
    env: str
    default: str | None = None
    legacy_envs: tuple[str, ...] = ()  # older names, read when `env` is not set

    @property
    def envs(self) -> tuple[str, ...]:
        return (self.env, *self.legacy_envs)

    def describe_bounds(self) -> str:
        return (
            "must be a Redis URL: redis://host:port/db, rediss://host:port/db or "
            "unix:///path/to/socket"
        )

    def parse(self, value: Any) -> str | None:
        """The URL without spaces at either end, or None when it cannot be one."""
        if not isinstance(value, str) or len(value) > 2048:
            return None
        url = value.strip()
        if not url.isprintable() or any(c.isspace() for c in url):
            return None
        try:
            parts = urlsplit(url)
            _port = parts.port  # raises ValueError for a port that is not a number
        except ValueError:
            return None
        if parts.scheme not in REDIS_SCHEMES or parts.fragment:
            return None
        if parts.scheme == "unix" and not parts.path:
            return None
        if parts.scheme != "unix" and not parts.hostname:
            return None
        return url


RATE_STORE = StoreSetting(
    "rateStore", "SIM_INTERCOM_STORE", legacy_envs=("SIM_INTERCOM_RATE_STORE",)
)


@functools.cache
def redis_installed() -> bool:
    """Whether redis-py (the `redis` extra) can be imported; looked up once."""
    return importlib.util.find_spec("redis") is not None


def is_header_safe(value: str) -> bool:
    """True when `value` can be sent as an HTTP header value exactly as it is."""
    return _HEADER_VALUE.fullmatch(value) is not None


def is_loopback(host: str) -> bool:
    """True for `localhost` (in any case) and any loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_problem(url: str) -> str | None:
    """Why `url` cannot be a base URL, or None when it can."""
    if url != url.strip() or not url.isprintable():
        return "must not contain whitespace or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return "is not a valid URL"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password: the access token authenticates"
    if parts.query or parts.fragment or "?" in url or "#" in url:
        return "must not have a query (?) or fragment (#): paths are appended to it"
    if parts.scheme == "https" and host:
        return None
    if parts.scheme == "http" and host and is_loopback(host):
        return None
    return "must be an https URL (http only on loopback)"


@dataclass(frozen=True)
class ClientConfig:
    """Where and how to reach Intercom, and how patiently; built from a call's credentials."""

    base_url: str = REGION_BASE_URLS[DEFAULT_REGION]
    version: str = DEFAULT_VERSION
    connect_timeout: float = CONNECT_TIMEOUT.default
    read_timeout: float = READ_TIMEOUT.default
    max_retries: int = int(MAX_RETRIES.default)
    max_wait: float = MAX_WAIT.default
    rate_store: str | None = RATE_STORE.default

    @classmethod
    def from_credentials(
        cls, credentials: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> ClientConfig:
        """The config, or `InvalidInput` naming every credential that is wrong."""
        config, problems = read_config(credentials, environ)
        if problems or config is None:
            raise InvalidInput.from_violations(problems)
        return config


def _base_url(credentials: Mapping[str, Any], problems: list[Violation]) -> str:
    base_url = credentials.get("baseUrl")
    if base_url not in (None, ""):
        if not isinstance(base_url, str):
            problems.append(Violation("baseUrl", "must be a string"))
            return ""
        problem = base_url_problem(base_url)
        if problem:
            problems.append(Violation("baseUrl", problem))
        return base_url.rstrip("/")
    region = credentials.get("region") or DEFAULT_REGION
    if not isinstance(region, str) or region.lower() not in REGION_BASE_URLS:
        shown = repr(region)[:40] if isinstance(region, str) else type(region).__name__
        problems.append(
            Violation("region", f"must be one of {', '.join(REGION_BASE_URLS)}, got {shown}")
        )
        return ""
    return REGION_BASE_URLS[region.lower()]


def _version(credentials: Mapping[str, Any], problems: list[Violation]) -> str:
    version = credentials.get("intercomVersion")
    if version in (None, ""):
        return DEFAULT_VERSION
    if not isinstance(version, str) or not is_header_safe(version) or len(version) > 20:
        problems.append(
            Violation("intercomVersion", "must be a version such as 2.14 (plain text, no spaces)")
        )
        return ""
    return version


T = TypeVar("T", covariant=True)


class _Readable(Protocol[T]):
    """A setting read from the credentials, then the environment: `Setting`, `StoreSetting`."""

    @property
    def name(self) -> str: ...

    @property
    def env(self) -> str: ...

    @property
    def default(self) -> T: ...

    @property
    def envs(self) -> tuple[str, ...]: ...

    def parse(self, value: Any) -> T | None: ...

    def describe_bounds(self) -> str: ...


def _read(
    setting: _Readable[T],
    credentials: Mapping[str, Any],
    environ: Mapping[str, str],
    problems: list[Violation],
) -> T:
    where = _where(setting, credentials, environ)
    if where is None:
        return setting.default
    value = setting.parse(credentials[where] if where == setting.name else environ[where])
    if value is None:
        problems.append(Violation(where, setting.describe_bounds()))
        return setting.default
    return value


def _where(
    setting: _Readable[Any], credentials: Mapping[str, Any], environ: Mapping[str, str]
) -> str | None:
    """Which gives the setting: its credential, its environment variable, or neither."""
    if credentials.get(setting.name) not in (None, ""):
        return setting.name
    for env in setting.envs:
        if environ.get(env, "").strip():
            return env
    return None


def _rate_store(
    credentials: Mapping[str, Any], environ: Mapping[str, str], problems: list[Violation]
) -> str | None:
    """The `rateStore` URL, or None; naming it needs redis-py, the `redis` extra."""
    url = _read(RATE_STORE, credentials, environ, problems)
    where = _where(RATE_STORE, credentials, environ)
    if url is not None and where is not None and not redis_installed():
        problems.append(Violation(where, REDIS_MISSING))
        return None
    return url


def read_config(
    credentials: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> tuple[ClientConfig | None, list[Violation]]:
    """The config and every problem found; the config is None when there is a problem."""
    environ = os.environ if environ is None else environ
    problems: list[Violation] = []
    base_url = _base_url(credentials, problems)
    version = _version(credentials, problems)
    numbers = {s.name: _read(s, credentials, environ, problems) for s in SETTINGS}
    rate_store = _rate_store(credentials, environ, problems)
    if problems:
        return None, problems
    config = ClientConfig(
        base_url=base_url,
        version=version,
        connect_timeout=numbers[CONNECT_TIMEOUT.name],
        read_timeout=numbers[READ_TIMEOUT.name],
        max_retries=int(numbers[MAX_RETRIES.name]),
        max_wait=numbers[MAX_WAIT.name],
        rate_store=rate_store,
    )
    return config, []


def token_problem(token: Any) -> str | None:
    """Why `token` cannot be sent as a Bearer token, or None; never quotes the token."""
    if token in (None, ""):
        return "is required: pass the Intercom access token as a credential"
    if not isinstance(token, str):
        return f"must be a string, got {type(token).__name__}"
    if len(token) > 4096 or not is_header_safe(token):
        return (
            "cannot be sent in an HTTP header: it has control characters, characters "
            "outside Latin-1, or spaces at either end"
        )
    return None
