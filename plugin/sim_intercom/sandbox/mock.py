"""The sandbox's second door: the same workspace behind `responses`, for fast unit tests."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import requests
import responses

from .app import SandboxApp
from .ratelimit import DEFAULT_WINDOW, RateLimiter
from .workspace import Workspace

US_BASE_URL = "https://api.intercom.io"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


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
        body = request.body.encode() if isinstance(request.body, str) else request.body
        reply = app.handle(request.method or "GET", request.path_url, request.headers, body)
        return reply.status, reply.headers, reply.body

    url = re.compile(re.escape(base_url.rstrip("/")) + r"(/.*)?$")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in METHODS:
            mock.add_callback(method, url, callback=answer)
        yield workspace
