"""Where a remote MCP server keeps what must outlive a request: OAuth clients, pending
authorizations, codes and tokens. Redis when `SIM_INTERCOM_STORE` names one, so replicas are
interchangeable; bounded memory otherwise, for one process.

Records are JSON objects under a kind and an id. The id is stored only as its sha256 (an id
may be a token or a code: a Redis key never holds one), and in Redis the value is encrypted
with Fernet (AES-128-CBC and HMAC-SHA256) under a key derived from the `--store-key-file`
secret, so a copy of Redis holds no usable Intercom token. Every record expires by itself.

A store that cannot answer raises `StoreUnavailable`: callers fail closed (no anonymous
access), never on to a guess.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol

from ..redis_budget import redacted

logger = logging.getLogger("sim_intercom.remote")

KEY_PREFIX = "sim-intercom:mcp:"
SOCKET_TIMEOUT = 1.0
MAX_PER_KIND = 10_000  # records of one kind a memory store keeps; the oldest go first
MIN_SECRET_CHARS = 32
Record = dict[str, Any]


class StoreUnavailable(Exception):
    """The store did not answer (Redis down, slow or refusing); never carries a secret."""


def hashed(ident: str) -> str:
    return hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()


class Store(Protocol):
    """Records under a kind and an id, each expiring `ttl` seconds after it is put."""

    where: str
    shared: bool  # whether other processes see the same records

    def put(self, kind: str, ident: str, record: Record, ttl: float) -> None: ...

    def get(self, kind: str, ident: str) -> Record | None: ...

    def take(self, kind: str, ident: str) -> Record | None:
        """The record, removed in the same step: only one caller ever gets it."""
        ...

    def delete(self, kind: str, ident: str) -> None: ...

    def forget(self, kind: str, digest: str) -> None:
        """Delete the record whose id has this sha256 (`hashed`): for a record known only
        by another record that names it."""
        ...

    def healthy(self) -> bool: ...


class MemoryStore:
    """A store in this process: at most `max_per_kind` records of each kind, so a flood of
    registrations cannot push tokens out. Thread-safe."""

    where = "memory"
    shared = False

    def __init__(
        self, max_per_kind: int = MAX_PER_KIND, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_per_kind = max_per_kind
        self._clock = clock
        self._lock = threading.Lock()
        self._kinds: dict[str, OrderedDict[str, tuple[float, Record]]] = {}

    def put(self, kind: str, ident: str, record: Record, ttl: float) -> None:
        with self._lock:
            records = self._kinds.setdefault(kind, OrderedDict())
            records[hashed(ident)] = (self._clock() + ttl, json.loads(json.dumps(record)))
            records.move_to_end(hashed(ident))
            while len(records) > self.max_per_kind:
                records.popitem(last=False)

    def _find(self, kind: str, ident: str, remove: bool) -> Record | None:
        with self._lock:
            records = self._kinds.get(kind, OrderedDict())
            found = records.pop(hashed(ident), None) if remove else records.get(hashed(ident))
            if found is None:
                return None
            expires, record = found
            if expires <= self._clock():
                records.pop(hashed(ident), None)
                return None
            return json.loads(json.dumps(record))  # type: ignore[no-any-return]

    def get(self, kind: str, ident: str) -> Record | None:
        return self._find(kind, ident, remove=False)

    def take(self, kind: str, ident: str) -> Record | None:
        return self._find(kind, ident, remove=True)

    def delete(self, kind: str, ident: str) -> None:
        self.forget(kind, hashed(ident))

    def forget(self, kind: str, digest: str) -> None:
        with self._lock:
            self._kinds.get(kind, OrderedDict()).pop(digest, None)

    def healthy(self) -> bool:
        return True


def fernet_key(secret: str) -> bytes:
    """The Fernet key for a store secret: its sha256, as Fernet spells a key. The secret is
    expected to be random (`openssl rand -base64 32`), so no slow derivation is needed."""
    if len(secret) < MIN_SECRET_CHARS:
        raise ValueError(
            f"the store key must be at least {MIN_SECRET_CHARS} characters of random text "
            "(openssl rand -base64 32 makes one)"
        )
    return base64.urlsafe_b64encode(hashlib.sha256(secret.encode()).digest())


class RedisStore:
    """A store in Redis, shared by every replica with the same URL and secret."""

    shared = True

    def __init__(self, url: str, secret: str, *, prefix: str = KEY_PREFIX) -> None:
        import redis
        from cryptography.fernet import Fernet, InvalidToken
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.where = redacted(url)
        self.prefix = prefix
        self._fernet = Fernet(fernet_key(secret))
        self._invalid = InvalidToken
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
            retry_on_timeout=False,
        )

    def __repr__(self) -> str:
        return f"<RedisStore {self.where}>"

    def _key(self, kind: str, ident: str) -> str:
        return f"{self.prefix}{kind}:{hashed(ident)}"

    def forget(self, kind: str, digest: str) -> None:
        self._call("delete", lambda: self.client.delete(f"{self.prefix}{kind}:{digest}"))

    def _call(self, what: str, work: Callable[[], Any]) -> Any:
        try:
            return work()
        except self._errors as exc:
            # The type only: a Redis error's text may quote the URL and its password.
            raise StoreUnavailable(
                f"the store at {self.where} failed to {what} ({type(exc).__name__})"
            ) from None

    def _open(self, sealed: Any) -> Record | None:
        if sealed is None:
            return None
        try:
            record = json.loads(self._fernet.decrypt(bytes(sealed)))
        except (self._invalid, ValueError):
            logger.warning("a record in %s cannot be read with this store key; ignored", self.where)
            return None
        return record if isinstance(record, dict) else None

    def put(self, kind: str, ident: str, record: Record, ttl: float) -> None:
        sealed = self._fernet.encrypt(json.dumps(record, separators=(",", ":")).encode())
        milliseconds = max(1, int(ttl * 1000))
        self._call(
            "write", lambda: self.client.set(self._key(kind, ident), sealed, px=milliseconds)
        )

    def get(self, kind: str, ident: str) -> Record | None:
        return self._open(self._call("read", lambda: self.client.get(self._key(kind, ident))))

    def take(self, kind: str, ident: str) -> Record | None:
        return self._open(self._call("read", lambda: self.client.getdel(self._key(kind, ident))))

    def delete(self, kind: str, ident: str) -> None:
        self._call("delete", lambda: self.client.delete(self._key(kind, ident)))

    def healthy(self) -> bool:
        try:
            return bool(self.client.ping())
        except self._errors:
            return False


def open_store(url: str | None, secret: str | None) -> Store:
    """A Redis store at `url` sealed with `secret`, or a memory store without a URL."""
    if url is None:
        return MemoryStore()
    if secret is None:
        raise ValueError("a Redis store needs a store key (--store-key-file) to seal tokens")
    return RedisStore(url, secret)
