"""A webhook receiver on loopback, for trying triggers by hand, in tests, and as a model.

It does what a host does with a webhook: hands each POST's headers and raw body to the
`sim_handle_webhook` hook, answers with the status and body the hook gives, and passes each
event that runs to `on_event`, once per notification id (Intercom redelivers).

Intercom counts an answer later than 5 seconds as a failure, so the receiver must answer a
real notification promptly however many slow or half-open connections are open. Connections
are read by one asyncio loop (a connection costs a coroutine, not a thread; at most
`max_connections` are open, each request must arrive whole within `READ_TIMEOUT`), and only
a complete request reaches the bounded pool of `workers` threads that run the hook and the
workflow. The notification ids already run live in `replay` memory: this process's, bounded,
or a Redis store shared by every receiver that names it (`store`), so a redelivery runs once
across workers and restarts.
"""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import socket
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Self

import pluggy

from .manifest import default_catalog
from .replay import Replay, replay_for
from .serving import StartStop
from .settings import is_loopback
from .triggers import BLANK_SECRET, MAX_BODY_BYTES

READ_TIMEOUT = 10.0  # seconds a request (headers and body) may take to arrive
IDLE_TIMEOUT = 10.0  # seconds a kept-alive connection may wait for its next request
DRAIN_LIMIT = 16 * 1024 * 1024  # bytes of a refused body read before closing
DRAIN_TIMEOUT = 1.0
MAX_HEADER_BYTES = 64 * 1024
DEFAULT_WORKERS = 8
DEFAULT_MAX_CONNECTIONS = 1000
Log = Callable[[str], None]
OnEvent = Callable[[dict[str, Any]], None]


@dataclass
class _Request:
    method: str
    path: str
    headers: http.client.HTTPMessage
    body: bytes = b""
    truncated: bool = False  # the body is longer than MAX_BODY_BYTES; the rest is unread


class _Refusal(Exception):
    """A request answered without the hook; the connection closes after it."""

    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def _blank(secret: Any) -> bool:
    return isinstance(secret, str | bytes) and not secret.strip()


class WebhookReceiver(StartStop):
    """Receives Intercom webhooks for one trigger on a loopback port; a context manager.

    >>> with WebhookReceiver(manager, "intercom_conversation_reply", secret, on_event=run):
    ...     ...  # point Intercom (or the sandbox) at receiver.url

    `secret` is what the hook's `secret` takes: the client secret, or a mapping of the
    trigger's settings (the secret and the chosen `topics`). `store` is a Redis URL to share
    the memory of notifications already run (the `rateStore`); None keeps it in memory.
    """

    def __init__(
        self,
        manager: pluggy.PluginManager,
        trigger_id: str,
        secret: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_event: OnEvent | None = None,
        log: Log | None = None,
        workers: int = DEFAULT_WORKERS,
        max_connections: int = DEFAULT_MAX_CONNECTIONS,
        store: str | None = None,
        replay: Replay | None = None,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"{host!r} is not a loopback address; the receiver serves loopback")
        if workers < 1 or max_connections < 1:
            raise ValueError("workers and max_connections must be at least 1")
        setting = default_catalog().manifest.triggers.secret.name
        if _blank(secret.get(setting) if isinstance(secret, Mapping) else secret):
            raise ValueError(BLANK_SECRET)
        self.manager = manager
        self.trigger_id = trigger_id
        self._secret = secret
        self._address = (host, port)
        self._on_event = on_event
        self._log = log
        self.workers = workers
        self.max_connections = max_connections
        self.replay = replay if replay is not None else replay_for(store)
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._bound: tuple[str, int] | None = None
        self._connections: set[asyncio.Task[None]] = set()

    def __repr__(self) -> str:  # never the secret
        return f"WebhookReceiver(trigger_id={self.trigger_id!r}, address={self._address!r})"

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    def bound_address(self) -> tuple[str, int]:
        """The host and port the receiver listens on (the port is known once started)."""
        if self._bound is None:
            raise RuntimeError("the webhook receiver is not started")
        return self._bound

    @property
    def url(self) -> str:
        host, port = self.bound_address()
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    # The hook: what a host does with one POST

    def handle(
        self, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """The status and JSON body to answer one POST, as the hook says; runs `on_event`
        for an event that runs, unless its notification id was run before."""
        result: dict[str, Any] | None = self.manager.hook.sim_handle_webhook(
            trigger_id=self.trigger_id, headers=headers, body=body, secret=self._secret
        )
        if result is None:
            self.log(f"POST {path} 404 no plugin owns trigger {self.trigger_id}")
            message = f"no plugin owns trigger {self.trigger_id}"
            return 404, {"ok": False, "kind": "unknown_trigger", "message": message}
        status, answer = int(result["status"]), dict(result["body"])
        key = result["idempotency_key"]
        note = ""
        if result["run"] and key is not None and not self.replay.claim(self.trigger_id, key):
            note = f" (redelivery of {key}, not run again)"
        elif result["run"]:
            try:
                with self._lock:  # one event a line, whichever thread delivers it
                    if self._on_event is not None:
                        self._on_event(result["event"])
            except Exception as exc:  # the workflow failed: 500, so Intercom redelivers
                if key is not None:
                    self.replay.release(self.trigger_id, key)
                note = f" (the workflow failed: {type(exc).__name__})"
                status = 500
                answer = {"ok": False, "kind": "workflow_failed", "message": "try again later"}
        topic = f" {result['topic']}" if result["topic"] else ""
        self.log(f"POST {path} {status} {result['kind']}{topic}{note}")
        return status, answer

    def log(self, line: str) -> None:
        if self._log is not None:
            self._log(line)

    # Serving

    def start(self) -> Self:
        if self._thread is not None:
            return self
        listener = _listen(*self._address)
        loop = asyncio.new_event_loop()
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="intercom-webhook")
        self._server = loop.run_until_complete(
            asyncio.start_server(self._connection, sock=listener, limit=MAX_HEADER_BYTES)
        )
        host, port = listener.getsockname()[:2]
        self._bound = (str(host), int(port))
        self._loop = loop
        self._thread = threading.Thread(
            target=loop.run_forever, name="intercom-webhooks", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._loop = self._thread = self._server = self._pool = None
        self._bound = None

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        if self._connections:
            await asyncio.wait(list(self._connections), timeout=5)

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is None or len(self._connections) >= self.max_connections:
            writer.close()  # full: the client retries, as Intercom does
            return
        self._connections.add(task)
        try:
            await self._serve(reader, writer)
        except (TimeoutError, ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away or stalled: nothing left to answer
        except asyncio.CancelledError:
            pass
        finally:
            self._connections.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        idle = IDLE_TIMEOUT
        while True:
            try:
                head = await asyncio.wait_for(_read_head(reader), idle)
            except _Refusal as refusal:
                await self._refuse(writer, "?", "?", refusal)
                return
            if head is None:
                return
            try:
                request = await asyncio.wait_for(_read_request(reader, *head), READ_TIMEOUT)
            except _Refusal as refusal:
                await self._refuse(writer, head[0], head[1], refusal)
                return
            loop = asyncio.get_running_loop()
            raw = [(name, value) for name, value in request.headers.items()]
            status, answer = await loop.run_in_executor(
                self._pool, self.handle, request.path, raw, request.body
            )
            close = request.truncated or _closes(request)
            await _send(writer, status, answer, close=close)
            if request.truncated:
                await _drain(reader)
            if close:
                return
            idle = IDLE_TIMEOUT

    async def _refuse(
        self, writer: asyncio.StreamWriter, method: str, path: str, refusal: _Refusal
    ) -> None:
        answer = {"ok": False, "kind": refusal.kind, "message": refusal.message}
        extra = {"Allow": "POST"} if refusal.status == 405 else {}
        await _send(writer, refusal.status, answer, close=True, extra=extra, head=method == "HEAD")
        self.log(f"{method} {path} {refusal.status} {refusal.kind}")


def _listen(host: str, port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(512)
    except BaseException:
        listener.close()
        raise
    return listener


async def _read_head(reader: asyncio.StreamReader) -> tuple[str, str, bytes] | None:
    """The method, target and header bytes of the next request; None at the end of input."""
    try:
        block = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as partial:
        if not partial.partial.strip():
            return None
        raise
    except asyncio.LimitOverrunError:
        raise _Refusal(431, "headers_too_large", "the request headers are too large") from None
    line, _, rest = block.lstrip(b"\r\n").partition(b"\r\n")
    parts = line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise _Refusal(400, "bad_request", "not an HTTP/1.x request")
    return parts[0], parts[1], rest


async def _read_request(
    reader: asyncio.StreamReader, method: str, path: str, rest: bytes
) -> _Request:
    try:
        headers = http.client.parse_headers(io.BytesIO(rest))
    except http.client.HTTPException:
        raise _Refusal(400, "bad_request", "the request headers are malformed") from None
    request = _Request(method, path, headers)
    if method != "POST":
        raise _Refusal(405, "method_not_allowed", "POST Intercom notifications here")
    if headers.get("Transfer-Encoding"):
        raise _Refusal(411, "length_required", "send the body with a Content-Length")
    values = {value.strip() for value in headers.get_all("Content-Length") or ()}
    text = values.pop() if len(values) == 1 else ""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        raise _Refusal(411, "length_required", "send one valid Content-Length")
    length = int(text)
    wanted = min(length, MAX_BODY_BYTES + 1)
    try:
        request.body = await reader.readexactly(wanted)
    except asyncio.IncompleteReadError:
        raise _Refusal(400, "short_body", "the body is shorter than its Content-Length") from None
    request.truncated = length > wanted  # too large: the hook says so; the rest is drained
    return request


def _closes(request: _Request) -> bool:
    connection = (request.headers.get("Connection") or "").lower()
    return "close" in connection


async def _send(
    writer: asyncio.StreamWriter,
    status: int,
    answer: dict[str, Any],
    *,
    close: bool,
    extra: dict[str, str] | None = None,
    head: bool = False,
) -> None:
    payload = json.dumps(answer, separators=(",", ":")).encode("utf-8")
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Status"
    lines = [
        f"HTTP/1.1 {status} {reason}",
        "Server: SimIntercomWebhooks/2",
        "Content-Type: application/json",
        f"Content-Length: {len(payload)}",
        *(f"{name}: {value}" for name, value in (extra or {}).items()),
        *(["Connection: close"] if close else []),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    if not head:
        writer.write(payload)
    await asyncio.wait_for(writer.drain(), READ_TIMEOUT)


async def _drain(reader: asyncio.StreamReader) -> None:
    """Read what the client still sends (up to a bound) so it sees the answer rather than a
    connection reset."""
    left = DRAIN_LIMIT
    try:
        while left > 0:
            got = await asyncio.wait_for(reader.read(min(left, 65536)), DRAIN_TIMEOUT)
            if not got:
                return
            left -= len(got)
    except (TimeoutError, ConnectionError):
        pass
