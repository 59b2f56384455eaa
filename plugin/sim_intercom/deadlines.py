"""A deadline for the whole answer, status line and headers included.

A socket timeout bounds each read, not their sum: a server that sends one byte of its
headers every second holds a request as long as it likes. `Deadlines` (`WATCH`, one per
process) is one daemon thread that watches every running exchange and, at its deadline,
shuts its socket down, which wakes the read blocked on it. The connection classes below
hand their socket to the exchange of their thread (`watching`) just before reading the
answer.

Cost per exchange: a lock taken twice and a dict entry; the thread sleeps until the
earliest deadline and is woken only when a new one comes sooner.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection

_current = threading.local()


class Exchange:
    """One request and its answer: the deadline for the answer, and the socket to cut."""

    __slots__ = ("answer_within", "deadline", "expired", "sock")

    def __init__(self, deadline: float, answer_within: float) -> None:
        self.deadline = deadline
        self.answer_within = answer_within
        self.expired = False
        self.sock: socket.socket | None = None


class Deadlines:
    """Cuts off every exchange still running at its deadline (time.monotonic seconds)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running: dict[int, Exchange] = {}
        self._wake_at = float("inf")
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def watching(self, total: float, answer_within: float) -> Iterator[Exchange]:
        """Watch the exchange made in this block: it ends within `total` seconds, and its
        answer (status line, headers, body) within `answer_within` of being awaited."""
        exchange = Exchange(time.monotonic() + total, answer_within)
        with self._cond:
            self._running[id(exchange)] = exchange
            if exchange.deadline < self._wake_at:
                self._wake_at = exchange.deadline
                self._start_or_wake()
        _current.exchange = exchange
        try:
            yield exchange
        finally:
            _current.exchange = None
            with self._cond:
                del self._running[id(exchange)]
                exchange.sock = None

    def release(self, exchange: Exchange) -> None:
        """The answer is read: its socket goes back to the pool and must not be cut."""
        with self._cond:
            exchange.sock = None

    def _start_or_wake(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._watch, name="sim-intercom-deadlines")
            self._thread.daemon = True
            self._thread.start()
        else:
            self._cond.notify()

    def _watch(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for exchange in self._running.values():
                    if exchange.deadline <= now and not exchange.expired:
                        _cut(exchange)
                upcoming = [e.deadline for e in self._running.values() if not e.expired]
                self._wake_at = min(upcoming, default=float("inf"))
                self._cond.wait(None if not upcoming else self._wake_at - now)

    def attach(self, sock: Any) -> None:
        """Called by a connection of this thread about to read an answer."""
        exchange: Exchange | None = getattr(_current, "exchange", None)
        if exchange is None or not isinstance(sock, socket.socket):
            return
        with self._cond:
            exchange.sock = sock
            sooner = time.monotonic() + exchange.answer_within
            if sooner < exchange.deadline:
                exchange.deadline = sooner
                if sooner < self._wake_at:
                    self._wake_at = sooner
                    self._cond.notify()
            if exchange.deadline <= time.monotonic():
                _cut(exchange)


def _cut(exchange: Exchange) -> None:
    exchange.expired = True
    if exchange.sock is not None:
        with contextlib.suppress(OSError):
            exchange.sock.shutdown(socket.SHUT_RDWR)


WATCH = Deadlines()
"""The one watcher of the process: exchanges register with it from any transport."""


class _WatchedHTTPConnection(HTTPConnection):
    def getresponse(self) -> Any:
        WATCH.attach(self.sock)
        return super().getresponse()


class _WatchedHTTPSConnection(HTTPSConnection):
    def getresponse(self) -> Any:
        WATCH.attach(self.sock)
        return super().getresponse()


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """An adapter whose connections, direct or through a proxy, report to `WATCH`."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> PoolManager:
        manager: PoolManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager
