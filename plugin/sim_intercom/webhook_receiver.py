"""A small webhook receiver on loopback, for trying triggers by hand and in tests.

It does what a host does with a webhook: hands each POST's headers and raw body to the
`sim_handle_webhook` hook, answers with the status and body the hook gives, and passes each
event that runs to `on_event`, once per notification id (Intercom redelivers).
"""

from __future__ import annotations

import json
import socket
import threading
from collections import OrderedDict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pluggy

from .serving import BackgroundServer
from .settings import is_loopback
from .triggers import BLANK_SECRET, MAX_BODY_BYTES

IDLE_TIMEOUT = 10.0  # seconds a connection may sit idle or trickle its body
DRAIN_LIMIT = 16 * 1024 * 1024  # bytes of a refused body read before closing
REMEMBERED_KEYS = 10_000  # notification ids remembered to drop redeliveries
Log = Callable[[str], None]
OnEvent = Callable[[dict[str, Any]], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SimIntercomWebhooks/1"
    timeout = IDLE_TIMEOUT
    server: _Server

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, TimeoutError):  # the client went away or stalled
            self.close_connection = True

    def do_POST(self) -> None:
        if self.headers.get("Transfer-Encoding"):
            self._refuse(411, "length_required", "send the body with a Content-Length")
            return
        values = {value.strip() for value in self.headers.get_all("Content-Length") or ()}
        text = values.pop() if len(values) == 1 else ""
        if not text.isascii() or not text.isdigit() or len(text) > 19:
            self._refuse(411, "length_required", "send one valid Content-Length")
            return
        length = int(text)
        body = self.rfile.read(min(length, MAX_BODY_BYTES + 1))
        if len(body) < min(length, MAX_BODY_BYTES + 1):
            self._refuse(400, "short_body", "the body is shorter than its Content-Length")
            return
        if length > len(body):  # too large: the hook says so; the rest is drained unread
            self.close_connection = True
        status, answer = self.server.receiver.handle(self.path, list(self.headers.items()), body)
        self._send(status, answer)
        if length > len(body):
            self._drain()

    def _refuse(self, status: int, kind: str, message: str) -> None:
        self.close_connection = True
        self._send(status, {"ok": False, "kind": kind, "message": message})
        self.server.receiver.log(f"{self.command} {self.path} {status} {kind}")

    def _not_allowed(self) -> None:
        self._refuse(405, "method_not_allowed", "POST Intercom notifications here")

    do_GET = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _not_allowed

    def _send(self, status: int, answer: dict[str, Any]) -> None:
        payload = json.dumps(answer, separators=(",", ":")).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if status == 405:
            self.send_header("Allow", "POST")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _drain(self) -> None:
        """Read what the client still sends (up to a bound) so it sees the answer rather
        than a connection reset."""
        try:
            self.wfile.flush()
            self.connection.settimeout(1.0)
            left = DRAIN_LIMIT
            while left > 0 and (got := self.connection.recv(min(left, 65536))):
                left -= len(got)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Requests are logged once, with the hook's verdict, by the receiver."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], receiver: WebhookReceiver) -> None:
        self.receiver = receiver
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)


class WebhookReceiver(BackgroundServer):
    """Receives Intercom webhooks for one trigger on a loopback port; a context manager.

    >>> with WebhookReceiver(manager, "intercom_conversation_reply", secret, on_event=run):
    ...     ...  # point Intercom (or the sandbox) at receiver.url
    """

    thread_name = "intercom-webhooks"

    def __init__(
        self,
        manager: pluggy.PluginManager,
        trigger_id: str,
        secret: str | None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_event: OnEvent | None = None,
        log: Log | None = None,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"{host!r} is not a loopback address; the receiver serves loopback")
        if secret is not None and not secret.strip():
            raise ValueError(BLANK_SECRET)
        super().__init__()
        self.manager = manager
        self.trigger_id = trigger_id
        self._secret = secret
        self._address = (host, port)
        self._on_event = on_event
        self._log = log
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, None] = OrderedDict()

    def __repr__(self) -> str:  # never the secret
        return f"WebhookReceiver(trigger_id={self.trigger_id!r}, address={self._address!r})"

    @property
    def url(self) -> str:
        host, port = self.bound_address()
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def handle(
        self, path: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        """The status and JSON body to answer one POST, as the hook says; runs `on_event`
        for an event that runs, unless its notification id was seen before."""
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
        if result["run"] and not self._first_time(key):
            note = f" (redelivery of {key}, not run again)"
        elif result["run"]:
            try:
                with self._lock:  # one event a line, whichever thread delivers it
                    if self._on_event is not None:
                        self._on_event(result["event"])
            except Exception as exc:  # the workflow failed: 500, so Intercom redelivers
                self._forget(key)
                note = f" (the workflow failed: {type(exc).__name__})"
                status = 500
                answer = {"ok": False, "kind": "workflow_failed", "message": "try again later"}
        topic = f" {result['topic']}" if result["topic"] else ""
        self.log(f"POST {path} {status} {result['kind']}{topic}{note}")
        return status, answer

    def _first_time(self, key: str | None) -> bool:
        if key is None:
            return True
        with self._lock:
            if key in self._seen:
                return False
            self._seen[key] = None
            if len(self._seen) > REMEMBERED_KEYS:
                self._seen.popitem(last=False)
            return True

    def _forget(self, key: str | None) -> None:
        with self._lock:
            self._seen.pop(key or "", None)

    def log(self, line: str) -> None:
        if self._log is not None:
            self._log(line)

    def _make_server(self) -> _Server:
        return _Server(self._address, self)
