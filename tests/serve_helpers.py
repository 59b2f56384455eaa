"""A remote MCP server (`sim-intercom mcp --http --auth ...`) as a subprocess, and clients
for it made of the official SDK's parts: a session with headers, one whose requests
alternate between replicas, and one that signs in with the SDK's OAuth support.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import anyio.from_thread
import anyio.to_thread
import httpx2
import requests
from mcp.client.auth import OAuthClientProvider
from mcp.client.session import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import (
    AuthorizationCodeResult,
    OAuthClientInformationFull,
    OAuthClientMetadata,
    OAuthToken,
)
from pydantic import AnyUrl

from mcp_helpers import (
    CALL_TIMEOUT,
    PLUGIN_DIR,
    STOP_TIMEOUT,
    ServerProcess,
    SyncSession,
    _session,
)


def own_address() -> str:
    """One of this machine's own non-loopback IPv4 addresses (where a container's or a
    colleague's request would come from)."""
    found = subprocess.run(["hostname", "-I"], capture_output=True, text=True, check=False)
    for address in found.stdout.split():
        if "." in address and not address.startswith("127."):
            return address
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
        address = probe.getsockname()[0]
    if address.startswith("127."):
        raise RuntimeError("this machine has no non-loopback IPv4 address")
    return str(address)


def command_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(PLUGIN_DIR), os.environ.get("PYTHONPATH")) if p)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIM_INTERCOM_")}
    env.pop("INTERCOM_ACCESS_TOKEN", None)
    return {**env, "PYTHONPATH": path, **(extra or {})}


class RemoteServer(ServerProcess):
    """`sim-intercom mcp --http --auth ...` in its own process; every line it writes on
    standard error (the access log among them) is kept in `lines`."""

    what = "the remote MCP server"

    def __init__(
        self, args: Sequence[str], *, host: str = "127.0.0.1", port: int = 0, env: Any = None
    ) -> None:
        command = [sys.executable, "-m", "sim_intercom", "mcp", "--http", "--host", host]
        super().__init__(
            subprocess.Popen(
                [*command, "--port", str(port), *args],
                env=command_env(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])

    def endpoint(self, host: str = "127.0.0.1", path: str = "/mcp") -> str:
        return f"http://{host}:{self.port}{path}"

    @property
    def log(self) -> str:
        return self.stderr

    def access_lines(self) -> list[str]:
        return [line for line in self.lines if "sim_intercom.access" in line]

    def stop(self, sig: int = signal.SIGTERM, wait: float = STOP_TIMEOUT * 3) -> int | None:
        return super().stop(sig, wait)


class Alternating(httpx2.AsyncHTTPTransport):
    """Sends each request to the next of `ports` in turn, as a load balancer might: the
    URL the client holds names one origin; the replicas answer in rotation."""

    def __init__(self, ports: Sequence[int]) -> None:
        super().__init__()
        self.ports = list(ports)
        self.sent: list[int] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        port = self.ports[len(self.sent) % len(self.ports)]
        self.sent.append(port)
        request.url = request.url.copy_with(port=port)
        return await super().handle_async_request(request)


@contextmanager
def client_session(
    url: str,
    headers: dict[str, str] | None = None,
    *,
    transport: httpx2.AsyncBaseTransport | None = None,
    auth: httpx2.Auth | None = None,
) -> Iterator[SyncSession]:
    """An initialized session with the server at `url`, sending `headers` with every request."""
    wire: list[str] = []

    @asynccontextmanager
    async def connect() -> AsyncIterator[ClientSession]:
        timeout = httpx2.Timeout(CALL_TIMEOUT, read=CALL_TIMEOUT)
        async with (
            httpx2.AsyncClient(
                headers=headers or {}, transport=transport, auth=auth, timeout=timeout
            ) as http,
            streamable_http_client(url, http_client=http) as streams,
            _session(streams, wire) as session,
        ):
            yield session

    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(connect()) as session,
    ):
        yield SyncSession(portal, session, wire)


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


def rpc(method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """A JSON-RPC request body, for raw HTTP tests."""
    return {"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}


REDIRECT_URI = "http://localhost:3030/callback"  # the client's; never reached, only read


class MemoryTokens:
    """The SDK's `TokenStorage`, in memory: what an MCP client keeps between sessions."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class Browser:
    """The person's browser in an OAuth sign-in: follows redirects from the server's
    `/authorize` through Intercom (the sandbox approves at once) and the server's callback
    until the client's redirect URI, and keeps what arrives there. `first_port`, when
    given, sends the first request to another replica than the URL names."""

    def __init__(self, first_port: int | None = None) -> None:
        self.first_port = first_port
        self.visited: list[str] = []
        self.arrived: dict[str, str] = {}

    def follow(self, url: str) -> None:
        if self.first_port is not None:
            url = str(httpx2.URL(url).copy_with(port=self.first_port))
        for _ in range(10):
            self.visited.append(url)
            if url.startswith(REDIRECT_URI):
                query = httpx2.URL(url).params
                self.arrived = {key: query[key] for key in query}
                return
            answer = requests.get(url, allow_redirects=False, timeout=15)
            if answer.status_code not in (302, 303, 307):
                raise AssertionError(f"{url} answered {answer.status_code}: {answer.text[:300]}")
            url = answer.headers["Location"]
        raise AssertionError("too many redirects")

    async def redirect_handler(self, url: str) -> None:
        await anyio.to_thread.run_sync(self.follow, url)

    async def callback_handler(self) -> AuthorizationCodeResult:
        return AuthorizationCodeResult(
            code=self.arrived["code"], state=self.arrived.get("state"), iss=self.arrived.get("iss")
        )


def oauth_client(server_url: str, browser: Browser, storage: MemoryTokens) -> OAuthClientProvider:
    """The SDK's OAuth support, as an MCP client (Claude, Cursor) uses it."""
    metadata = OAuthClientMetadata(
        client_name="sim-intercom tests",
        redirect_uris=[AnyUrl(REDIRECT_URI)],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
    )
    return OAuthClientProvider(
        server_url=server_url,
        client_metadata=metadata,
        storage=storage,
        redirect_handler=browser.redirect_handler,
        callback_handler=browser.callback_handler,
    )
