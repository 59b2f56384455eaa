"""The sandbox's second door: the same workspace behind `responses`, for fast unit tests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import requests
import responses

from .app import SandboxApp
from .ratelimit import DEFAULT_WINDOW, RateLimiter
from .workspace import Workspace

US_BASE_URL = "https://api.intercom.io"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")


@contextmanager
def mock_intercom(
    workspace: Workspace | None = None,
    *,
    base_url: str = US_BASE_URL,
    rate_limit: int | None = None,
    window: float = DEFAULT_WINDOW,
) -> Iterator[Workspace]:
    """Answer every `requests` call to `base_url` from a sandbox workspace, no sockets opened.

    >>> with mock_intercom() as workspace:
    ...     me = requests.get(f"{US_BASE_URL}/me", headers={"Authorization": f"Bearer {TOKEN}"})
    """
    workspace = workspace if workspace is not None else Workspace()
    app = SandboxApp(workspace, RateLimiter(rate_limit, window) if rate_limit else None)

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        method = request.method or "GET"
        reply = app.handle(method, request.path_url, request.headers, body_bytes(request.body))
        return reply.status, reply.headers, b"" if method.upper() == "HEAD" else reply.body

    url = re.compile(re.escape(base_url.rstrip("/")) + r"(/.*)?$")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in METHODS:
            mock.add_callback(method, url, callback=answer)
        yield workspace


def body_bytes(body: Any) -> bytes | None:
    """A prepared request's body as bytes, whether `requests` holds it as text, bytes, a file
    or (for a streamed, chunked upload) an iterable of pieces."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        return body_bytes(body.read())
    if isinstance(body, Iterable):
        return b"".join(body_bytes(piece) or b"" for piece in body)
    raise TypeError(f"cannot send a {type(body).__name__} body")
