"""The sandbox's second door: the same workspace behind `responses`, for fast unit tests."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import requests
import responses

from .app import SandboxApp
from .ratelimit import DEFAULT_WINDOW
from .webhooks import WebhookSender
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
    webhooks: WebhookSender | None = None,
) -> Iterator[Workspace]:
    """Answer every `requests` call to `base_url` from a sandbox workspace, no sockets opened.

    >>> with mock_intercom() as workspace:
    ...     me = requests.get(f"{US_BASE_URL}/me", headers={"Authorization": f"Bearer {TOKEN}"})

    (`TOKEN` is `workspace.token`, `SANDBOX_TOKEN` unless the workspace was given another.)

    With `rate_limit`, requests past it in a `window` (on the workspace's clock) get a 429.
    With `webhooks`, the workspace's changes are delivered by that sender (real HTTP, which
    `responses` does not intercept), started here and stopped on leaving.
    """
    workspace = workspace if workspace is not None else Workspace()
    app = SandboxApp.limited(workspace, rate_limit, window)

    def answer(request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        method = str(request.method)
        reply = app.handle(method, request.path_url, request.headers, body_bytes(request.body))
        return reply.status, reply.headers, b"" if method == "HEAD" else reply.body

    url = re.compile(re.escape(base_url.rstrip("/")) + r"(/.*)?$")
    if webhooks is not None:
        webhooks.attach(workspace).start()
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            for method in METHODS:
                mock.add_callback(method, url, callback=answer)
            yield workspace
    finally:
        if webhooks is not None:
            webhooks.stop()


def body_bytes(body: object) -> bytes | None:
    """A prepared request's body as bytes, whether `requests` holds it as text, bytes, or (for
    a streamed, chunked upload) an iterable of pieces; `responses` has already read files."""
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, bytearray | memoryview):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, Iterable):
        return b"".join(body_bytes(piece) or b"" for piece in body)
    raise TypeError(f"cannot send a {type(body).__name__} body")
