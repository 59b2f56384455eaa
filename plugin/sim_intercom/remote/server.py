"""Serve the remote app with uvicorn: on a socket bound first (so port 0 works and the URL
is known), until SIGTERM or Ctrl+C, then drained.

On SIGTERM uvicorn stops accepting connections, lets the requests in flight finish for at
most `drain` seconds, and returns; the command then exits 0.
"""

from __future__ import annotations

from collections.abc import Callable

from ..listening import listening_socket, url_authority
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
    sock = listening_socket(host, port)
    try:
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
            on_ready(f"http://{url_authority(sock, host)}{MCP_PATH}")
        uvicorn.Server(uvicorn_config).run(sockets=[sock])
    finally:
        sock.close()
