"""The sandbox's first door: a threaded HTTP/1.1 keep-alive server on loopback.

Whatever arrives on the socket gets an answer in Intercom's `error.list` shape or a real
one; nothing a client sends makes a handler fail or the server stop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from ..serving import BackgroundServer
from ..settings import is_loopback
from .app import MAX_BODY_BYTES, Reply, SandboxApp, error_reply, too_large
from .errors import BadRequest, SandboxError
from .ratelimit import DEFAULT_WINDOW
from .webhooks import WebhookSender
from .workspace import Workspace

IDLE_TIMEOUT = 30.0
DRAIN_LIMIT = 64 * 1024 * 1024
DRAIN_IDLE = 1.0
EMPTY_LINES_SKIPPED = 4
DECIMAL = re.compile(r"[0-9]{1,19}")
CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(;[^\r\n]*)?\r?\n")
Log = Callable[[str], None]


class _BodyError(Exception):
    def __init__(self, error: SandboxError) -> None:
        self.error = error


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "IntercomSandbox/1"
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024
    server: _Server
    raw_requestline: bytes

    def __getattr__(self, name: str) -> Any:
        """Every method reaches the app, which answers 405 for one a path does not take
        (http.server would answer 501 for a method without a `do_` handler)."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except ConnectionError:  # the client went away mid-request; nothing left to answer
            self.close_connection = True

    def parse_request(self) -> bool:
        """http.server's parsing, after skipping the empty lines RFC 9112 lets a client send
        before a request, and refusing HTTP/0.9, which would otherwise wait for headers."""
        for _ in range(EMPTY_LINES_SKIPPED):
            if self.raw_requestline not in (b"\r\n", b"\n"):
                break
            self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline.split()) == 2:
            self.command = ""  # no method was read; a previous request's must not linger
            self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
            self.send_error(400, "HTTP/0.9 requests are not supported")
            return False
        return super().parse_request()

    def _serve(self) -> None:
        if not self.server.allow_remote and not _loopback_host(self.headers.get("Host")):
            # DNS rebinding: a web page's request reaches loopback under a name of its own.
            self.close_connection = True
            error = SandboxError("Invalid Host header", code="misdirected_request")
            error.status = 421
            self._send(error_reply(error))
            self._discard_input()
            return
        try:
            body = self._read_body()
        except _BodyError as failed:
            self.close_connection = True
            self._send(self.server.app.refuse(dict(self.headers), failed.error))
            self._discard_input()
            return
        target = _ascii_target(self.path)
        self._send(self.server.app.handle(self.command, target, dict(self.headers), body))

    def _read_body(self) -> bytes | None:
        encoding = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if encoding == "chunked":
            self.close_connection |= "Content-Length" in self.headers
            return self._read_chunked()
        if encoding:
            raise _BodyError(BadRequest(f"Transfer-Encoding {encoding!r} is not supported"))
        length = self._content_length()
        if length is None:
            return None
        if length > MAX_BODY_BYTES:
            raise _BodyError(too_large())
        body = self.rfile.read(length)
        if len(body) < length:
            raise _BodyError(BadRequest("Request body is shorter than its Content-Length"))
        return body

    def _content_length(self) -> int | None:
        values = {value.strip() for value in self.headers.get_all("Content-Length") or ()}
        if not values:
            return None
        if len(values) > 1:
            raise _BodyError(BadRequest("Content-Length is given twice, with different values"))
        text = values.pop()
        if not DECIMAL.fullmatch(text):
            raise _BodyError(BadRequest("Content-Length is not a number"))
        return int(text)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            match = CHUNK_SIZE.fullmatch(self.rfile.readline(1024))
            if match is None:
                raise _BodyError(BadRequest("Malformed chunked body"))
            length = int(match.group(1), 16)
            size += length
            if size > MAX_BODY_BYTES:
                raise _BodyError(too_large())
            if length == 0:
                self._skip_trailers()
                return b"".join(chunks)
            chunk = self.rfile.read(length)
            if len(chunk) < length or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _BodyError(BadRequest("Malformed chunked body"))
            chunks.append(chunk)

    def _skip_trailers(self) -> None:
        for _ in range(100):
            if not self.rfile.readline(8192).strip():
                return
        raise _BodyError(BadRequest("Too many trailer fields"))

    def _discard_input(self) -> None:
        """After refusing a body, read what the client still sends (up to a bound) before
        closing, so it sees the answer rather than a connection reset."""
        try:
            self.wfile.flush()
            self.connection.settimeout(DRAIN_IDLE)
            left = DRAIN_LIMIT
            while left > 0 and (got := self.connection.recv(min(left, 65536))):
                left -= len(got)
        except OSError:
            pass

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests get Intercom's JSON error body, not http.server's HTML page.

        A request line too broken to name its HTTP version still gets a status line.
        """
        self.close_connection = True
        self.request_version = self.protocol_version
        error = SandboxError(message or "Bad request", code="bad_request")
        error.status = code if 400 <= code < 500 else 400
        self._send(error_reply(error))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")


def _ascii_target(path: str) -> str:
    """The request target as http.server read it (each byte one Latin-1 character) with every
    byte outside printable ASCII percent-encoded, so the app decodes the URL as UTF-8."""
    return "".join(char if " " < char < "\x7f" else f"%{ord(char):02X}" for char in path)


def _loopback_host(value: str | None) -> bool:
    """A `Host` header naming loopback (`localhost`, `127.0.0.1`, `[::1]`, any port), or
    none at all (HTTP/1.0 clients; browsers always send one)."""
    if value is None:
        return True
    host = value.strip()
    if host.startswith("["):
        host = host[1 : host.find("]")] if "]" in host else host
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    return is_loopback(host)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(
        self, address: tuple[str, int], app: SandboxApp, log: Log | None, allow_remote: bool
    ) -> None:
        self.app = app
        self.log = log
        self.allow_remote = allow_remote
        super().__init__(address, _Handler)


class SandboxServer(BackgroundServer):
    """The sandbox on a loopback port; a context manager that starts and stops it.

    >>> with SandboxServer() as sandbox:
    ...     credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}

    With `webhook_url`, every change fires Intercom's webhook notification there, signed with
    `webhook_secret` (see `webhooks.WebhookSender`, which `webhooks` holds); or pass a
    `webhooks` sender of your own. The sender starts and stops with the server.
    """

    thread_name = "intercom-sandbox"

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int | None = None,
        window: float = DEFAULT_WINDOW,
        log: Log | None = None,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        webhooks: WebhookSender | None = None,
        allow_remote: bool = False,
        allow_remote_webhooks: bool = False,
    ) -> None:
        self.workspace = workspace if workspace is not None else Workspace()
        self.app = SandboxApp.limited(self.workspace, rate_limit, window)
        if webhooks is None and webhook_url is not None:
            webhooks = WebhookSender(
                webhook_url, webhook_secret, allow_remote=allow_remote_webhooks
            )
        self.webhooks = webhooks
        super().__init__()
        self._address = (host, port)
        self._log = log
        self._allow_remote = allow_remote

    @property
    def token(self) -> str:
        return self.workspace.token

    @property
    def base_url(self) -> str:
        host, port = self.bound_address()
        return f"http://{host}:{port}"

    def _make_server(self) -> _Server:
        return _Server(self._address, self.app, self._log, self._allow_remote)

    def start(self) -> Self:
        if self._server is None and self.webhooks is not None:
            self.webhooks.attach(self.workspace).start()
        return super().start()

    def stop(self) -> None:
        super().stop()
        if self.webhooks is not None:
            self.webhooks.stop()
