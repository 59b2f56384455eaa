"""The sandbox's first door: a threaded HTTP/1.1 keep-alive server on loopback."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .app import JSON_TYPE, MAX_BODY_BYTES, Reply, SandboxApp
from .errors import BadRequest, PayloadTooLarge, SandboxError
from .ratelimit import DEFAULT_WINDOW, RateLimiter
from .workspace import Workspace

IDLE_TIMEOUT = 30.0
DRAIN_LIMIT = 64 * 1024 * 1024
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

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BodyError as failed:
            self.close_connection = True
            self._send(_error_reply(failed.error))
            return
        self._send(self.server.app.handle(self.command, self.path, dict(self.headers), body))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _serve

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length_text = self.headers.get("Content-Length")
        if length_text is None:
            return None
        if not length_text.strip().isdigit():
            raise _BodyError(BadRequest("Content-Length is not a number"))
        length = int(length_text)
        if length > MAX_BODY_BYTES:
            self._drain(length)
            raise _BodyError(_too_large())
        return self.rfile.read(length)

    def _drain(self, length: int) -> None:
        """Read a refused body (up to a bound) so the client sees the 413, not a reset."""
        left = min(length, DRAIN_LIMIT)
        while left > 0:
            got = self.rfile.read(min(left, 65536))
            if not got:
                return
            left -= len(got)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            line = self.rfile.readline(64).split(b";")[0].strip()
            try:
                length = int(line, 16)
            except ValueError:
                raise _BodyError(BadRequest("Malformed chunked body")) from None
            size += length
            if size > MAX_BODY_BYTES:
                raise _BodyError(_too_large())
            if length == 0:
                while self.rfile.readline(1024).strip():
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(length))
            self.rfile.readline(8)

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
        self._send(_error_reply(error))

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.log is not None:
            self.server.log(f"{self.address_string()} {format % args}")


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"Request body is larger than {MAX_BODY_BYTES} bytes")


def _error_reply(error: SandboxError) -> Reply:
    request_id = uuid.uuid4().hex
    body = json.dumps(error.body(request_id), separators=(",", ":")).encode()
    return Reply(error.status, body, {"Content-Type": JSON_TYPE, "X-Request-Id": request_id})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], app: SandboxApp, log: Log | None) -> None:
        self.app = app
        self.log = log
        super().__init__(address, _Handler)


class SandboxServer:
    """The sandbox on a loopback port; a context manager that starts and stops it.

    >>> with SandboxServer() as sandbox:
    ...     credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}
    """

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit: int | None = None,
        window: float = DEFAULT_WINDOW,
        log: Log | None = None,
    ) -> None:
        self.workspace = workspace if workspace is not None else Workspace()
        limiter = RateLimiter(rate_limit, window) if rate_limit else None
        self.app = SandboxApp(self.workspace, limiter)
        self._address = (host, port)
        self._log = log
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def token(self) -> str:
        return self.workspace.token

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SandboxServer:
        if self._server is None:
            self._server = _Server(self._address, self.app, self._log)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="intercom-sandbox",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
