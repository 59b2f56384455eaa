"""The listening socket both MCP HTTP servers serve on, bound before uvicorn starts so that
port 0 works and the URL is known."""

from __future__ import annotations

import socket


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A non-blocking socket listening on `host:port`. `OSError` when it cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: an answer's head and body, written apart, must
        # not wait for the client's delayed ACK (40 ms a request otherwise).
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(backlog)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def url_authority(sock: socket.socket, host: str) -> str:
    """`host:port` of a bound socket as a URL writes it (an IPv6 address in brackets)."""
    authority = f"[{host}]" if sock.family == socket.AF_INET6 else host
    return f"{authority}:{sock.getsockname()[1]}"
