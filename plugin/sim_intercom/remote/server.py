"""Serve the remote app with uvicorn: on a socket bound first (so port 0 works and the URL
is known), until SIGTERM or Ctrl+C, then drained.

On SIGTERM uvicorn stops accepting connections, lets the requests in flight finish for at
most `drain` seconds, and returns; the command then exits 0.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from .app import MCP_PATH, RemoteConfig, build_app

DRAIN_SECONDS = 10.0


def serve(
    config: RemoteConfig,
    host: str,
    port: int,
    *,
    on_ready: Callable[[str], None] | None = None,
    drain: float = DRAIN_SECONDS,
) -> None:
    """Serve `config` at `http://host:port/mcp` until stopped. `OSError` when the address
    cannot be bound."""
    import uvicorn

    app = build_app(config)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: an answer's head and body, written apart, must
        # not wait for the client's delayed ACK (40 ms a request otherwise).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(1024)
        sock.setblocking(False)
        bound = sock.getsockname()[1]
        uvicorn_config = uvicorn.Config(
            app,
            host=host,
            port=bound,
            log_level="warning",
            access_log=False,  # ours names the tenant and the tool
            timeout_graceful_shutdown=int(drain) or 1,
            server_header=False,
        )
        if on_ready is not None:
            authority = f"[{host}]" if family == socket.AF_INET6 else host
            on_ready(f"http://{authority}:{bound}{MCP_PATH}")
        uvicorn.Server(uvicorn_config).run(sockets=[sock])
    finally:
        sock.close()
