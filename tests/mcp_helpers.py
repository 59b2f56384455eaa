"""Drive sim-intercom's MCP server with the official SDK's own client, from plain tests.

The server runs as a subprocess, as an MCP client's config would start it; the client
session lives in an event loop on a background thread (an anyio blocking portal), so
synchronous tests call it one request at a time, each bounded by a timeout. Every message
the server sends is recorded as it arrived on the wire.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

import anyio
import anyio.from_thread
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.message import SessionMessage

PLUGIN_DIR = Path(__file__).resolve().parents[1] / "plugin"
CALL_TIMEOUT = 15.0  # seconds for any one request, the handshake included
START_TIMEOUT = 15.0  # seconds for an HTTP server process to say where it listens
STOP_TIMEOUT = 5.0
T = TypeVar("T")

# The server process with every logger at DEBUG (the SDK's, uvicorn's and the plugin's
# `sim_intercom.http` request log), so a test can read everything it could ever log.
DEBUG_SERVER = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG, stream=sys.stderr); "
    "from sim_intercom.mcp_server import main; sys.exit(main())"
)


def server_env(token: str) -> dict[str, str]:
    """The environment an MCP client config would give the server: the token, and the
    source tree on the path in case the package is not installed."""
    path = os.pathsep.join(p for p in (str(PLUGIN_DIR), os.environ.get("PYTHONPATH")) if p)
    return {"INTERCOM_ACCESS_TOKEN": token, "PYTHONPATH": path}


class RecordingReadStream:
    """A client's read stream that keeps the JSON of every message the server sent."""

    def __init__(self, inner: Any, wire: list[str]) -> None:
        self._inner = inner
        self._wire = wire

    def __getattr__(self, name: str) -> Any:  # e.g. `last_context`
        return getattr(self._inner, name)

    async def receive(self) -> Any:
        item = await self._inner.receive()
        if isinstance(item, SessionMessage):
            self._wire.append(item.message.model_dump_json(by_alias=True, exclude_unset=True))
        else:
            self._wire.append(repr(item))
        return item

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> RecordingReadStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def __aenter__(self) -> RecordingReadStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class SyncSession:
    """An initialized `ClientSession`, called from synchronous code with a timeout."""

    def __init__(
        self, portal: anyio.from_thread.BlockingPortal, session: ClientSession, wire: list[str]
    ) -> None:
        self.portal = portal
        self.session = session
        self.wire = wire  # every message the server sent, as JSON

    def run(self, call: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        async def bounded() -> T:
            with anyio.fail_after(CALL_TIMEOUT):
                return await call(*args, **kwargs)

        return self.portal.call(bounded)

    def list_tools(self) -> Any:
        return self.run(self.session.list_tools)

    def call_tool(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        return self.run(self.session.call_tool, name, arguments or {})


@asynccontextmanager
async def _session(streams: Any, wire: list[str]) -> AsyncIterator[ClientSession]:
    read_stream, write_stream = streams
    recorded = RecordingReadStream(read_stream, wire)
    async with ClientSession(recorded, write_stream, read_timeout_seconds=CALL_TIMEOUT) as session:
        with anyio.fail_after(CALL_TIMEOUT):
            await session.initialize()
        yield session


@contextmanager
def stdio_session(
    base_url: str,
    token: str,
    errlog: IO[str],
    *,
    debug: bool = True,
    options: Sequence[str] = (),
    env: dict[str, str] | None = None,
) -> Iterator[SyncSession]:
    """The server started over stdio (`python -m sim_intercom.mcp_server`, with `options`
    and `env` added), with its standard error written to `errlog`."""
    args = ["-c", DEBUG_SERVER] if debug else ["-m", "sim_intercom.mcp_server"]
    params = StdioServerParameters(
        command=sys.executable,
        args=[*args, "--base-url", base_url, *options],
        env={**server_env(token), **(env or {})},
    )
    wire: list[str] = []

    @asynccontextmanager
    async def connect() -> AsyncIterator[ClientSession]:
        async with stdio_client(params, errlog=errlog) as streams, _session(streams, wire) as s:
            yield s

    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(connect()) as session,
    ):
        yield SyncSession(portal, session, wire)


@contextmanager
def http_session(url: str) -> Iterator[SyncSession]:
    """A session with a Streamable HTTP server at `url`."""
    wire: list[str] = []

    @asynccontextmanager
    async def connect() -> AsyncIterator[ClientSession]:
        async with streamable_http_client(url) as streams, _session(streams, wire) as session:
            yield session

    with (
        anyio.from_thread.start_blocking_portal() as portal,
        portal.wrap_async_context_manager(connect()) as session,
    ):
        yield SyncSession(portal, session, wire)


class ServerProcess:
    """A server in its own process that says `listening on URL` on standard error when it
    is ready; every line it writes there is kept in `lines`."""

    LISTENING = re.compile(r"listening on (http://\S+)")
    what = "the server"

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            self._queue.put(line)
        self._queue.put(None)

    def _wait_for_url(self) -> str:
        while True:
            try:
                line = self._queue.get(timeout=START_TIMEOUT)
            except queue.Empty:
                self.stop()
                raise TimeoutError(f"{self.what} did not start") from None
            if line is None:
                self.stop()
                raise RuntimeError(f"{self.what} exited:\n" + self.stderr)
            if match := self.LISTENING.search(line):
                return match.group(1)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def stop(self, sig: int = signal.SIGTERM, wait: float = STOP_TIMEOUT) -> int | None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT)
        self._reader.join(STOP_TIMEOUT)
        return self.process.returncode


class HttpServerProcess(ServerProcess):
    """`python -m sim_intercom.mcp_server --http --port 0` as a subprocess."""

    what = "the MCP HTTP server"

    def __init__(self, base_url: str, token: str, *, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-c", DEBUG_SERVER, "--http", "--port", "0"]
        super().__init__(
            subprocess.Popen(
                [*command, "--base-url", base_url],
                env={**os.environ, **server_env(token), **(env or {})},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        )


def default_tool_ids() -> list[str]:
    """The tools a server serves when no selection is given (the default toolset), in
    catalog order."""
    from sim_intercom.manifest import default_catalog
    from sim_intercom.selection import Selection

    return [tool.id for tool in Selection().tools_of(default_catalog())]


def reading_tools_of(*toolsets: str) -> list[str]:
    """The read-only tools of `toolsets`, in catalog order: what a read-only selection of
    them serves."""
    from sim_intercom.manifest import default_catalog
    from sim_intercom.selection import Selection

    chosen = Selection(toolsets=list(toolsets), read_only=True)
    return [tool.id for tool in chosen.tools_of(default_catalog())]


def tools_of(*toolsets: str, extra: tuple[str, ...] = ()) -> list[str]:
    """The tools of `toolsets` and the `extra` ones, in catalog order: what a selection of
    them serves."""
    from sim_intercom.manifest import default_catalog

    catalog = default_catalog()
    chosen = {tool for name in toolsets for tool in catalog.toolset_tools(name)} | set(extra)
    return [tool_id for tool_id in catalog.tools if tool_id in chosen]
