"""A misbehaving HTTP/1.1 server on loopback, for fault-injection tests of an HTTP client.

Built on raw sockets (no `http.server`) so that it can do what a well-behaved server never
does: drop a connection before or after reading the request, cut a body short, stall, drip
an answer one byte at a time, send a gzip bomb, or send arbitrary bytes.

A test gives the server a *script*: a list of `Step`s. Each request that arrives consumes
the next step; once the script is exhausted its last step repeats (an empty script serves
`DEFAULT_STEP`, a 200 with `{}`, forever)::

    with FaultServer([reply(503), reply(503), reply(200, {"type": "contact"})]) as server:
        ...  # point the client at server.base_url
        assert len(server.requests) == 3

"A request arrives" means the first byte of it can be read on a connection, so a step that
does not read the request (`close_before_reading`) is still consumed by exactly one request.
Steps are consumed in the order requests arrive, whatever connection they arrive on.

After a normal answer the connection is kept alive and the next request is read from the
same socket, as a pooled `requests`/urllib3 client expects.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import http
import http.client
import json
import socket
import threading
import time
import zlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

MAX_HEAD_BYTES = 64 * 1024
"""A request whose line and headers are longer than this gets a 431 and is dropped."""
MAX_BODY_BYTES = 32 * 1024 * 1024
"""A request whose Content-Length is larger than this gets a 413 and is dropped."""
STREAM_CHUNK = 64 * 1024
JOIN_TIMEOUT = 2.0

HeaderPairs = tuple[tuple[str, str], ...]
HeadersArg = Mapping[str, str] | Iterable[tuple[str, str]] | None


class Headers(Mapping[str, str]):
    """Request headers, looked up case-insensitively; repeated headers are kept in order.

    `headers["x-a"]` joins repeated values with ", "; `get_all` returns them separately.
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        self.pairs: HeaderPairs = tuple(pairs)

    def get_all(self, name: str) -> list[str]:
        wanted = name.lower()
        return [value for key, value in self.pairs if key.lower() == wanted]

    def __getitem__(self, name: str) -> str:
        values = self.get_all(name)
        if not values:
            raise KeyError(name)
        return ", ".join(values)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and bool(self.get_all(name))

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for key, _ in self.pairs:
            if key.lower() not in seen:
                seen.add(key.lower())
                yield key

    def __len__(self) -> int:
        return len({key.lower() for key, _ in self.pairs})

    def __repr__(self) -> str:
        return f"Headers({list(self.pairs)!r})"


@dataclass(frozen=True)
class Request:
    """One request as the server read it off the wire."""

    method: str
    path: str  # the request target: path and query, e.g. "/contacts?per_page=5"
    version: str  # e.g. "HTTP/1.1"
    headers: Headers
    body: bytes
    connection: int  # 1-based number of the TCP connection it arrived on

    @property
    def keep_alive(self) -> bool:
        """Whether the client allows another request on this connection."""
        tokens = {t.strip().lower() for t in self.headers.get("Connection", "").split(",")}
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


class ConnectionClosed(Exception):
    """The client closed its side (or the server is stopping) before a full request arrived."""


class BadRequest(Exception):
    """The request could not be parsed or breaks a size bound; `status` is the answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ClientConnection:
    """One accepted TCP connection, as a step sees it: read a request, send bytes, wait."""

    def __init__(self, sock: socket.socket, number: int, stopping: threading.Event) -> None:
        self.sock = sock
        self.number = number
        self.stopping = stopping
        self.idle = False  # waiting for the next request (guarded by FaultServer._lock)
        self._buffer = b""

    def send(self, data: bytes) -> None:
        """Send all of `data`; raises OSError if the client has gone or the server stops."""
        self.sock.sendall(data)

    def sleep(self, seconds: float) -> bool:
        """Wait `seconds`; False if the server started stopping meanwhile (then give up)."""
        return not self.stopping.wait(seconds)

    def wait_for_request(self) -> bool:
        """Block until a request starts arriving; False if the client closed the connection.

        Peeks rather than reads so that a step can still close without reading anything.
        """
        if self._buffer:
            return True
        try:
            return bool(self.sock.recv(1, socket.MSG_PEEK))
        except OSError:
            return False

    def read_request(self) -> Request:
        """Read one request: the head up to CRLFCRLF, then Content-Length bytes of body."""
        head = self._read_head()
        method, target, version, headers = _parse_head(head)
        body = self._read_exactly(_body_length(headers))
        return Request(method, target, version, headers, body, self.number)

    def _read_head(self) -> bytes:
        while b"\r\n\r\n" not in self._buffer:
            if len(self._buffer) > MAX_HEAD_BYTES:
                raise BadRequest(431, "request head too large")
            self._fill()
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        if len(head) > MAX_HEAD_BYTES:
            raise BadRequest(431, "request head too large")
        return head

    def _read_exactly(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._fill()
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _fill(self) -> None:
        chunk = self.sock.recv(STREAM_CHUNK)
        if not chunk:
            raise ConnectionClosed
        self._buffer += chunk

    def shutdown(self) -> None:
        """Wake any thread blocked on this socket; the FIN tells the client it is closed."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


def _parse_head(head: bytes) -> tuple[str, str, str, Headers]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequest(400, f"bad request line {lines[0]!r}")
    pairs = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name.strip():
            raise BadRequest(400, f"bad header line {line!r}")
        pairs.append((name.strip(), value.strip()))
    return parts[0], parts[1], parts[2], Headers(pairs)


def _body_length(headers: Headers) -> int:
    if "Transfer-Encoding" in headers:
        raise BadRequest(501, "chunked request bodies are not supported")
    try:
        length = int(headers.get("Content-Length", "0"))
    except ValueError as error:
        raise BadRequest(400, "bad Content-Length") from error
    if length < 0:
        raise BadRequest(400, "bad Content-Length")
    if length > MAX_BODY_BYTES:
        raise BadRequest(413, "request body too large")
    return length


# --- building answers ---------------------------------------------------------------------


def _header_pairs(headers: HeadersArg) -> HeaderPairs:
    if headers is None:
        return ()
    items = headers.items() if isinstance(headers, Mapping) else headers
    return tuple((str(name), str(value)) for name, value in items)


def _has(pairs: HeaderPairs, name: str) -> bool:
    return any(key.lower() == name.lower() for key, _ in pairs)


def response_head(status: int, headers: Iterable[tuple[str, str]], reason: str = "") -> bytes:
    """The status line and headers of an answer, ending with the blank line."""
    if not reason:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _with_defaults(pairs: HeaderPairs, defaults: Sequence[tuple[str, str]]) -> HeaderPairs:
    """`pairs` plus each default whose name `pairs` does not already set (so a test can lie)."""
    return pairs + tuple((name, value) for name, value in defaults if not _has(pairs, name))


def _connection_header(keep_alive: bool) -> tuple[str, str]:
    return ("Connection", "keep-alive" if keep_alive else "close")


def http_date(offset_seconds: float = 0.0) -> str:
    """An HTTP date `offset_seconds` from now, e.g. for `rate_limited(retry_after=...)`."""
    return email.utils.formatdate(time.time() + offset_seconds, usegmt=True)


# --- steps ----------------------------------------------------------------------------------


class Step(ABC):
    """What the server does with one request. Subclass it for a one-off behaviour."""

    reads_request: ClassVar[bool] = True
    """False for a step that acts before reading the request (it is then passed None)."""

    @abstractmethod
    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        """Answer (or not) on `conn`; return True to keep the connection for another request."""


@dataclass(frozen=True)
class Reply(Step):
    """A complete, well-formed answer."""

    status: int = 200
    headers: HeaderPairs = ()
    body: bytes = b""
    keep_alive: bool = True
    reason: str = ""

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        keep = self.keep_alive and request is not None and request.keep_alive
        defaults = [("Content-Length", str(len(self.body))), _connection_header(keep)]
        head = response_head(self.status, _with_defaults(self.headers, defaults), self.reason)
        no_body = (request is not None and request.method == "HEAD") or self.status in (204, 304)
        conn.send(head if no_body else head + self.body)
        return keep


@dataclass(frozen=True)
class CloseBeforeReading(Step):
    """Close as soon as the request starts arriving, unread: the kernel answers with a RST."""

    reads_request: ClassVar[bool] = False

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        return False


@dataclass(frozen=True)
class CloseAfterRequest(Step):
    """Read the whole request, then close without a byte of answer."""

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        return False


@dataclass(frozen=True)
class CloseMidBody(Step):
    """Promise `declared` body bytes in Content-Length, send `sent` of them, then close."""

    status: int = 200
    declared: int = 1000
    sent: int = 10

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        headers = [("Content-Type", "application/json"), ("Content-Length", str(self.declared))]
        body = (b'{"type":"list","data":"' + b"x" * self.declared)[: self.sent]
        conn.send(response_head(self.status, headers) + body)
        return False


@dataclass(frozen=True)
class Stall(Step):
    """Read the request, send nothing for `seconds` (less if the server stops), then close."""

    seconds: float

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        conn.sleep(self.seconds)
        return False


@dataclass(frozen=True)
class Drip(Step):
    """Send the head at once, then the body `chunk_size` bytes at a time, `interval` apart.

    Every socket read on the client succeeds quickly, so only an overall deadline catches it.
    The wait comes before each piece: the whole answer takes at least pieces * interval.
    """

    body: bytes
    interval: float
    status: int = 200
    chunk_size: int = 1
    content_type: str = "application/json"

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        headers = [
            ("Content-Type", self.content_type),
            ("Content-Length", str(len(self.body))),
            _connection_header(True),
        ]
        conn.send(response_head(self.status, headers))
        for start in range(0, len(self.body), self.chunk_size):
            if not conn.sleep(self.interval):
                return False
            conn.send(self.body[start : start + self.chunk_size])
        return True


@dataclass(frozen=True)
class HugeBody(Step):
    """A 200 whose JSON body is `size` bytes, streamed so it is never whole in memory.

    With `chunked=True` it has no Content-Length, so the client cannot know the size up front.
    Stops as soon as the client closes or the server stops.
    """

    size: int
    chunked: bool = False

    PREFIX: ClassVar[bytes] = b'{"type":"huge","data":"'
    SUFFIX: ClassVar[bytes] = b'"}'

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        size = str(self.size)
        length = ("Transfer-Encoding", "chunked") if self.chunked else ("Content-Length", size)
        headers = [("Content-Type", "application/json"), length, _connection_header(True)]
        conn.send(response_head(200, headers))
        for piece in _json_filler(self.size, self.PREFIX, self.SUFFIX):
            if conn.stopping.is_set():
                return False
            conn.send(_chunk(piece) if self.chunked else piece)
        if self.chunked:
            conn.send(b"0\r\n\r\n")
        return True


def _chunk(piece: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(piece), piece)


@dataclass(frozen=True)
class Raw(Step):
    """Read the request, send exactly `data`, then close (malformed answers of any kind)."""

    data: bytes

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        conn.send(self.data)
        return False


def _json_filler(size: int, prefix: bytes, suffix: bytes) -> Iterator[bytes]:
    """The pieces of a JSON object of exactly `size` bytes: prefix, spaces, suffix."""
    filler = size - len(prefix) - len(suffix)
    if filler < 0:
        raise ValueError(f"size must be at least {len(prefix) + len(suffix)}")
    yield prefix
    block = b" " * STREAM_CHUNK
    while filler > 0:
        yield block[: min(filler, STREAM_CHUNK)]
        filler -= STREAM_CHUNK
    yield suffix


@functools.lru_cache(maxsize=4)
def gzip_bomb_bytes(decompressed_size: int) -> bytes:
    """Gzip bytes that inflate to a JSON object of exactly `decompressed_size` bytes.

    Built once per size by streaming a compressor over repeated chunks (about 1 KiB on the
    wire per MiB inflated; 300 MiB takes about a second), then cached.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS, 9)
    parts = [
        compressor.compress(piece)
        for piece in _json_filler(decompressed_size, b'{"type":"bomb","data":"', b'"}')
    ]
    parts.append(compressor.flush())
    return b"".join(parts)


# --- step factories -------------------------------------------------------------------------


def reply(
    status: int = 200,
    json_body: Any = None,
    headers: HeadersArg = None,
    body: bytes | None = None,
    *,
    request_id: str | None = None,
    keep_alive: bool = True,
    reason: str = "",
) -> Reply:
    """A normal answer: `json_body` serialised (with Content-Type) or raw `body` bytes.

    Content-Length and Connection are added unless `headers` sets them.
    """
    if json_body is not None and body is not None:
        raise ValueError("give json_body or body, not both")
    pairs = _header_pairs(headers)
    if json_body is not None:
        body = json.dumps(json_body).encode()
        pairs = _with_defaults(pairs, [("Content-Type", "application/json")])
    if request_id is not None:
        pairs += (("X-Request-Id", request_id),)
    return Reply(status, pairs, body or b"", keep_alive, reason)


def close_before_reading() -> CloseBeforeReading:
    """Drop the connection without reading the request: the client sees a reset."""
    return CloseBeforeReading()


def close_after_request() -> CloseAfterRequest:
    """Read the request, then close: it reached the server but no answer comes back."""
    return CloseAfterRequest()


def close_mid_body(status: int = 200, declared: int = 1000, sent: int = 10) -> CloseMidBody:
    """Send a head declaring `declared` body bytes, then `sent` of them, then close."""
    if not 0 <= sent < declared:
        raise ValueError("need 0 <= sent < declared")
    return CloseMidBody(status, declared, sent)


def stall(seconds: float) -> Stall:
    """Read the request and say nothing for `seconds` (cut short when the server stops)."""
    return Stall(seconds)


def drip(body: bytes, interval: float, status: int = 200, chunk_size: int = 1) -> Drip:
    """A slow-loris answer: the body `chunk_size` bytes at a time, `interval` seconds apart."""
    return Drip(body, interval, status, chunk_size)


def gzip_bomb(decompressed_size: int) -> Reply:
    """A 200, Content-Encoding gzip, whose small body inflates to `decompressed_size` bytes."""
    headers = [("Content-Type", "application/json"), ("Content-Encoding", "gzip")]
    return reply(200, headers=headers, body=gzip_bomb_bytes(decompressed_size))


def huge_body(size: int, chunked: bool = False) -> HugeBody:
    """A 200 with a `size`-byte JSON body, streamed (chunked: without a Content-Length)."""
    next(_json_filler(size, HugeBody.PREFIX, HugeBody.SUFFIX))  # validates size
    return HugeBody(size, chunked)


def redirect(status: int = 302, location: str = "http://127.0.0.2:1/elsewhere") -> Reply:
    """A redirect; the default points at another host where nothing listens."""
    return reply(status, headers={"Location": location})


def rate_limited(
    retry_after: float | str | None = None,
    reset: float | str | None = None,
    limit: int | None = None,
    remaining: int | None = 0,
    *,
    request_id: str = "fault-rate-limited",
) -> Reply:
    """Intercom's 429: an `error.list` body plus whichever rate-limit headers are given.

    `retry_after` is sent as given (seconds, or an HTTP date string: see `http_date`);
    `reset` is X-RateLimit-Reset (Intercom sends epoch seconds). A None value omits its
    header, so `rate_limited(remaining=None)` is a bare 429 with no hint at all.
    """
    named = {
        "Retry-After": retry_after,
        "X-RateLimit-Limit": limit,
        "X-RateLimit-Remaining": remaining,
        "X-RateLimit-Reset": reset,
    }
    headers = {name: str(value) for name, value in named.items() if value is not None}
    message = f"Exceeded rate limit of {limit if limit is not None else 1000} in 10_seconds"
    error = {"code": "rate_limit_exceeded", "message": message}
    body = {"type": "error.list", "request_id": request_id, "errors": [error]}
    return reply(429, body, headers, request_id=request_id)


def set_cookie(name: str, value: str, status: int = 200, json_body: Any = None) -> Reply:
    """A normal answer that also sets a cookie, to check the client never sends it back."""
    cookie = {"Set-Cookie": f"{name}={value}; Path=/"}
    return reply(status, {} if json_body is None else json_body, cookie)


def raw(data: bytes) -> Raw:
    """Read the request, send exactly `data`, then close."""
    return Raw(data)


@dataclass(frozen=True)
class DripHead(Step):
    """Send the status line and headers `chunk_size` bytes at a time, `interval` apart, then
    a small JSON body: a socket timeout never fires, only a deadline on the whole answer."""

    interval: float
    chunk_size: int = 1

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        body = b'{"type": "contact", "id": "c1"}'
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        head = response_head(200, [*headers, _connection_header(False)])
        for start in range(0, len(head), self.chunk_size):
            if not conn.sleep(self.interval):
                return False
            conn.send(head[start : start + self.chunk_size])
        conn.send(body)
        return False


@dataclass(frozen=True)
class Forward(Step):
    """A proxy in front of a real server at `upstream` (`host:port`): send it the request,
    then relay its answer, or with `drop` close without a byte, so the request was applied
    and the client never learns it (a proxy timing out, a connection lost on the way back)."""

    upstream: str
    drop: bool = False

    def serve(self, conn: ClientConnection, request: Request | None) -> bool:
        assert request is not None
        skip = {"host", "connection", "content-length", "accept-encoding"}
        headers = {k: v for k, v in request.headers.pairs if k.lower() not in skip}
        upstream = http.client.HTTPConnection(self.upstream, timeout=10)
        try:
            upstream.request(request.method, request.path, request.body or None, headers)
            answer = upstream.getresponse()
            body = answer.read()
        finally:
            upstream.close()
        if self.drop:
            return False
        pairs = [(k, v) for k, v in answer.getheaders() if k.lower() not in skip]
        pairs += [("Content-Length", str(len(body))), _connection_header(request.keep_alive)]
        conn.send(response_head(answer.status, pairs) + body)
        return request.keep_alive


def drip_head(interval: float, chunk_size: int = 1) -> DripHead:
    """An answer whose status line and headers trickle in."""
    return DripHead(interval, chunk_size)


def forward(upstream: str, *, drop: bool = False) -> Forward:
    """Pass the request on to `upstream` (`host:port`); with `drop`, lose its answer."""
    return Forward(upstream, drop)


DEFAULT_STEP: Step = reply(200, {})
"""What an empty script serves to every request."""


# --- the server -----------------------------------------------------------------------------


@dataclass
class _Live:
    conn: ClientConnection
    thread: threading.Thread


@dataclass
class _State:
    script: list[Step] = field(default_factory=list)
    cursor: int = 0
    requests: list[Request] = field(default_factory=list)
    connections: int = 0
    live: dict[int, _Live] = field(default_factory=dict)


class FaultServer:
    """A scripted, misbehaving HTTP/1.1 server on 127.0.0.1; use it as a context manager."""

    def __init__(self, script: Iterable[Step] = ()) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)  # a connection went idle or closed
        self._state = _State(script=list(script))
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port: int = self._listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._acceptor = threading.Thread(
            target=self._accept_loop, name="faultserver-accept", daemon=True
        )

    # -- lifecycle --

    def __enter__(self) -> FaultServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self._acceptor.start()

    def stop(self) -> None:
        """Stop accepting, close every client socket, and join every thread."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        if self._acceptor.ident is not None:  # started
            self._wake_acceptor()
            self._acceptor.join(JOIN_TIMEOUT)
        self._listener.close()
        with self._lock:
            live = list(self._state.live.values())
        self._shut_and_join(live)

    def _wake_acceptor(self) -> None:
        """Unblock `accept()` by connecting to ourselves; the loop then sees `_stopping`."""
        if not self._acceptor.is_alive():
            return
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()

    def _shut_and_join(self, live: list[_Live]) -> None:
        with self._lock:  # the serving thread closes its socket under the lock too
            for entry in live:
                entry.conn.shutdown()
        for entry in live:
            entry.thread.join(JOIN_TIMEOUT)
            entry.conn.sock.close()

    # -- what tests read and control --

    @property
    def requests(self) -> list[Request]:
        """Every request read so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._state.requests)

    @property
    def connections(self) -> int:
        """How many TCP connections have been accepted."""
        with self._lock:
            return self._state.connections

    @property
    def open_connections(self) -> int:
        """How many client connections are still being served."""
        with self._lock:
            return len(self._state.live)

    @property
    def steps_taken(self) -> int:
        """How many steps have been consumed (requests read plus requests dropped unread)."""
        with self._lock:
            return self._state.cursor

    def set_script(self, script: Iterable[Step]) -> None:
        """Replace the script; the next request gets its first step."""
        with self._lock:
            self._state.script = list(script)
            self._state.cursor = 0

    def close_idle_connections(self, grace: float = 0.5) -> int:
        """Close, server side, every connection waiting for its next request; return how many.

        A connection still sending its answer is waited for up to `grace` seconds (the client
        may have the last byte before this server's thread has finished with it); one busy
        longer than that (a stall, a drip) is left alone. Returns once the idle ones are
        closed. A pooled client usually notices the FIN and reconnects; to make a request hit
        a connection dropped under it, script `close_before_reading()` instead.
        """
        with self._changed:
            self._changed.wait_for(self._all_idle, timeout=grace)
            idle = [entry for entry in self._state.live.values() if entry.conn.idle]
        self._shut_and_join(idle)
        return len(idle)

    def _all_idle(self) -> bool:
        return all(entry.conn.idle for entry in self._state.live.values())

    # -- serving --

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            if self._stopping.is_set():
                sock.close()
                return
            self._start_connection(sock)

    def _start_connection(self, sock: socket.socket) -> None:
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self._stopping.is_set():
                sock.close()
                return
            self._state.connections += 1
            number = self._state.connections
            conn = ClientConnection(sock, number, self._stopping)
            thread = threading.Thread(
                target=self._serve, args=(conn,), name=f"faultserver-conn-{number}", daemon=True
            )
            self._state.live[number] = _Live(conn, thread)
        thread.start()

    def _serve(self, conn: ClientConnection) -> None:
        try:
            while self._serve_one(conn):
                pass
        except BadRequest as error:
            _answer_bad_request(conn, error)
        except (ConnectionClosed, OSError):
            pass
        finally:
            with self._lock:
                self._state.live.pop(conn.number, None)
                conn.sock.close()
                self._changed.notify_all()

    def _serve_one(self, conn: ClientConnection) -> bool:
        """Serve one request on `conn`; True if the connection stays open for another."""
        if not self._await_request(conn):
            return False
        step = self._take_step()
        request = None
        if step.reads_request:
            request = conn.read_request()
            with self._lock:
                self._state.requests.append(request)
        keep = step.serve(conn, request)
        return keep and not self._stopping.is_set()

    def _await_request(self, conn: ClientConnection) -> bool:
        with self._lock:
            conn.idle = True
            self._changed.notify_all()
        arrived = conn.wait_for_request()
        with self._lock:
            conn.idle = False
        return arrived and not self._stopping.is_set()

    def _take_step(self) -> Step:
        with self._lock:
            state = self._state
            state.cursor += 1
            if not state.script:
                return DEFAULT_STEP
            return state.script[min(state.cursor, len(state.script)) - 1]


def _answer_bad_request(conn: ClientConnection, error: BadRequest) -> None:
    body = str(error).encode()
    headers = [("Content-Length", str(len(body))), _connection_header(False)]
    with contextlib.suppress(OSError):
        conn.send(response_head(error.status, headers) + body)
