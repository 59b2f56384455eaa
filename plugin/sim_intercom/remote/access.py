"""One access log line per request, and what a request learns on its way through: its
tenant, the JSON-RPC method, the tool and how the call went.

A line names the tenant, the client's address, the method, the tool, the HTTP status, the
tool's outcome and the time taken; never a header, a token or an argument. A store that
cannot answer (`StoreUnavailable`) is answered 503 here, whichever layer met it.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .store import StoreUnavailable

logger = logging.getLogger("sim_intercom.access")

SCOPE_KEY = "sim_intercom.exchange"
PEEK_BYTES = 64 * 1024  # enough of a body to read its JSON-RPC method


@dataclass
class Exchange:
    """What one request learned, for its log line; shared through the ASGI scope."""

    tenant: Any = None  # remote.tenants.Tenant, once authenticated
    tools: list[str] = field(default_factory=list)  # what this request may list and call
    tool: str | None = None
    outcome: str | None = None  # "ok", or the failure's kind


def exchange_of(scope: Scope) -> Exchange:
    found = scope.get(SCOPE_KEY)
    if isinstance(found, Exchange):
        return found
    made = Exchange()
    scope[SCOPE_KEY] = made
    return made


def _method(body: bytes) -> str:
    try:
        message = json.loads(body)
    except ValueError:
        return "-"
    if isinstance(message, dict) and isinstance(message.get("method"), str):
        return str(message["method"])[:60]
    if isinstance(message, list):
        return "batch"
    return "-"


def _field(value: Any) -> str:
    text = str(value if value not in (None, "") else "-")
    return "".join(c if c.isprintable() and not c.isspace() else "?" for c in text)[:80]


class AccessLog:
    """ASGI middleware: the log line, and 503 for a store that cannot answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exchange = exchange_of(scope)
        started = time.perf_counter()
        status = 0
        peeked = bytearray()

        async def peek() -> Message:
            message = await receive()
            if message["type"] == "http.request" and len(peeked) < PEEK_BYTES:
                peeked.extend(message.get("body", b"")[: PEEK_BYTES - len(peeked)])
            return message

        async def sent(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, peek, sent)
        except StoreUnavailable as exc:
            logger.error("%s", exc)
            if status == 0:
                status = 503
                await _unavailable(send)
        finally:
            self._log(scope, exchange, status, bytes(peeked), time.perf_counter() - started)

    def _log(
        self, scope: Scope, exchange: Exchange, status: int, body: bytes, elapsed: float
    ) -> None:
        client = scope.get("client")
        tenant = getattr(exchange.tenant, "name", None)
        method = _method(body) if scope.get("method") == "POST" and body else "-"
        logger.info(
            "tenant=%s client=%s %s %s method=%s tool=%s status=%s outcome=%s ms=%.1f",
            _field(tenant),
            _field(client[0] if client else None),
            _field(scope.get("method")),
            _field(scope.get("path")),
            _field(method),
            _field(exchange.tool),
            status,
            _field(exchange.outcome),
            elapsed * 1000,
        )


async def _unavailable(send: Send) -> None:
    body = json.dumps(
        {
            "error": "temporarily_unavailable",
            "error_description": "the server's store is unreachable",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"5"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def configure(stream: Any = None) -> None:
    """Send the access log (and the server's warnings) to `stream` (standard error), one
    line each, when nothing else has configured where they go."""
    for name, level in (("sim_intercom.access", logging.INFO), ("sim_intercom", logging.INFO)):
        target = logging.getLogger(name)
        if not target.handlers:
            handler = logging.StreamHandler(stream)
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
            target.addHandler(handler)
            target.setLevel(level)
            target.propagate = False
