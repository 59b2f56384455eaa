"""Every tool as an MCP server, on the official `mcp` SDK (the optional extra
`sim-intercom[mcp]`).

One low-level `mcp.server.lowlevel.Server` whose tools are data: `tool_definitions()` reads
the same catalog as the pluggy hooks, and every `tools/call` runs through the plugin's
executor in a worker thread, so the event loop never waits on Intercom.

The access token is the server's configuration (`build_server(credentials)`), never the
client's: it is not in a tool's input schema, an `accessToken` argument is dropped, and no
result, error or log line carries it.

Nothing else in `sim_intercom` imports this module at import time, so the package works
without `mcp` installed; the command line imports it only for `sim-intercom mcp`.
"""

from __future__ import annotations

import argparse
import asyncio
import codecs
import json
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

try:
    import anyio
    import anyio.to_thread
    import mcp_types as types
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server
    from mcp.server.transport_security import TransportSecuritySettings
    from mcp.shared.exceptions import MCPError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "sim-intercom's MCP server needs the official MCP SDK: pip install 'sim-intercom[mcp]'"
    ) from exc

from .manifest import default_catalog
from .settings import TOKEN_CREDENTIAL, is_loopback, read_config, token_problem
from .version import DISTRIBUTION, __version__

__all__ = [
    "DEFAULT_HTTP_PORT",
    "MCP_PATH",
    "build_server",
    "credential_problems",
    "main",
    "render_result",
    "run_stdio",
    "serve_http",
    "serve_stdio",
    "tool_definitions",
]

DEFAULT_HTTP_PORT = 8182  # next to the sandbox's 8181
MCP_PATH = "/mcp"
TEXT_LIMIT = 4000  # characters of JSON in a result's text rendering
TOKEN_ENV = "INTERCOM_ACCESS_TOKEN"
REDACTED = "[redacted]"
MIN_REDACTED_LENGTH = 8  # shorter "tokens" are refused anyway; replacing them would mangle text
FAILURES = (
    "A failed call says its kind first (invalid_input, not_found, rate_limited, ...); after "
    "'outcome: unknown' a write may have been applied, so check before repeating it."
)


def instructions() -> str:
    """What the server tells a client about its tools: the catalog's own description for
    models, and how failures read."""
    return f"{default_catalog().manifest.description.llm} {FAILURES}"


def tool_definitions() -> list[dict[str, Any]]:
    """Every tool as an MCP `Tool` in its wire shape, in catalog order: the `mcp` export,
    whose output schemas are compacted so the whole list stays under 80 KB."""
    from .exports import mcp_tools

    return mcp_tools()


def credential_problems(credentials: Mapping[str, Any]) -> list[str]:
    """What is wrong with the server's credentials, each naming the setting; empty when
    nothing is. Reads the environment's settings too, as every call will. Never quotes
    the token."""
    problems = []
    problem = token_problem(credentials.get(TOKEN_CREDENTIAL))
    if problem:
        problems.append(f"{TOKEN_CREDENTIAL}: {problem}")
    _config, violations = read_config(credentials)
    problems += [f"{violation.parameter}: {violation.message}" for violation in violations]
    return problems


def _redact(text: str, token: str) -> str:
    if len(token) >= MIN_REDACTED_LENGTH and token in text:
        return text.replace(token, REDACTED)
    return text


def _truncated_json(value: Any, limit: int = TEXT_LIMIT) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if len(text) <= limit:
        return text
    return (
        f"{text[:limit]}... [truncated: {len(text)} characters in all; the whole result "
        "is the structured content]"
    )


def _error_text(result: Mapping[str, Any]) -> str:
    """The kind and message of a failure, then what a model needs to act on it."""
    detail = result.get("error_detail") or {}
    kind = detail.get("kind") or "error"
    lines = [f"{kind}: {result.get('error') or detail.get('message') or 'the call failed'}"]
    if detail.get("outcome"):
        lines.append(f"outcome: {detail['outcome']}")
    if detail.get("retry_after") is not None:
        lines.append(f"retry_after: {detail['retry_after']} s")
    if detail.get("stage"):
        lines.append(f"failed at stage: {detail['stage']}")
    if result.get("output"):
        lines.append(f"done before the failure: {_truncated_json(result['output'])}")
    return "\n".join(lines)


def render_result(result: Mapping[str, Any], token: str = "") -> types.CallToolResult:
    """The MCP result of an executor result envelope: the output as structured content
    with a short JSON rendering, or `isError` with the failure's kind and message."""
    if result.get("success"):
        output = result.get("output") or {}
        text = _redact(_truncated_json(output), token)
        return types.CallToolResult(
            content=[types.TextContent(type="text", text=text)], structured_content=output
        )
    text = _redact(_error_text(result), token)
    return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=True)


def build_server(credentials: Mapping[str, Any]) -> Server[Any]:
    """An MCP server for every tool, calling Intercom with `credentials` (`accessToken` and
    optionally `region`, `baseUrl`, `intercomVersion`, `connectTimeout`, `readTimeout`,
    `maxRetries`, `maxWait`, exactly as a host passes them to `sim_execute_tool`).

    Raises `ValueError` naming each bad setting (never quoting the token), so a
    misconfigured server does not start.
    """
    problems = credential_problems(credentials)
    if problems:
        raise ValueError("Cannot start the MCP server: " + "; ".join(problems))
    config = dict(credentials)
    token = str(config[TOKEN_CREDENTIAL])
    definitions = tool_definitions()
    tools = [types.Tool.model_validate(definition) for definition in definitions]
    input_schemas = {d["name"]: d["inputSchema"] for d in definitions}

    from .plugin import get_executor

    executor = get_executor()

    async def list_tools(
        ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        name = params.name
        if name not in input_schemas:
            raise MCPError(
                code=types.INVALID_PARAMS,
                message=f"Unknown tool: {name[:80]!r}. Known tools: {', '.join(input_schemas)}",
            )
        arguments = dict(params.arguments or {})
        arguments.pop(TOKEN_CREDENTIAL, None)  # the server's token, never the client's

        def run() -> dict[str, Any] | None:
            return executor.execute(name, arguments, dict(config))

        result = await anyio.to_thread.run_sync(run)
        if result is None:  # the executor answers for every intercom_* id; defensive
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {name[:80]!r}")
        return render_result(result, token)

    return Server(
        DISTRIBUTION,
        version=__version__,
        title="Intercom",
        instructions=instructions(),
        get_tool_input_schema=input_schemas.get,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


class _StdinLines:
    """The lines of stdin as an async iterator, read on a daemon thread.

    The SDK reads stdin in a worker thread that a cancelled server must wait for, so while
    stdin stays open neither Ctrl+C nor SIGTERM could stop it. Nothing waits for a daemon
    thread, and reading the descriptor with `os.read` holds no lock of `sys.stdin` at exit.
    """

    def __init__(self, fd: int = 0) -> None:
        self._fd = fd
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read, args=(loop,), name="mcp-stdin", daemon=True).start()

    def __aiter__(self) -> _StdinLines:
        return self

    async def __anext__(self) -> str:
        line = await self._lines.get()
        if line is None:
            raise StopAsyncIteration
        return line

    def _read(self, loop: asyncio.AbstractEventLoop) -> None:
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # as the SDK reads
        pending = ""
        while True:
            try:
                chunk = os.read(self._fd, 65536)
            except OSError:
                chunk = b""
            *lines, pending = (pending + decoder.decode(chunk, final=not chunk)).split("\n")
            ended = [] if chunk else [*([pending] if pending else []), None]
            try:
                for line in [*(line + "\n" for line in lines), *ended]:
                    loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except RuntimeError:  # the loop has closed: the server has stopped
                return
            if not chunk:
                return


async def _cancel_on_signal(scope: anyio.CancelScope) -> None:
    with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
        async for _ in signals:
            scope.cancel()
            return


async def run_stdio(server: Server[Any]) -> None:
    """Serve one client over this process's stdin and stdout until it disconnects, or, in
    the main thread, until the first SIGINT (Ctrl+C) or SIGTERM."""
    stdin = _StdinLines()
    async with anyio.create_task_group() as group:
        if threading.current_thread() is threading.main_thread():
            group.start_soon(_cancel_on_signal, group.cancel_scope)
        stdin.start()
        # The SDK only iterates its `stdin`, line by line.
        lines = cast("anyio.AsyncFile[str]", stdin)
        async with stdio_server(stdin=lines) as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
        group.cancel_scope.cancel()


def serve_stdio(credentials: Mapping[str, Any]) -> None:
    """Serve MCP over stdin and stdout (what an MCP client's `command` config starts)."""
    anyio.run(run_stdio, build_server(credentials))


def serve_http(
    credentials: Mapping[str, Any],
    host: str = "127.0.0.1",
    port: int = DEFAULT_HTTP_PORT,
    *,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve MCP over Streamable HTTP at `http://host:port/mcp`, on loopback only, until
    interrupted (SIGINT or SIGTERM). Port 0 picks a free port; `on_ready` is called with
    the endpoint's URL once the port is listening.

    Host and Origin headers are checked (DNS rebinding protection). The endpoint has no
    authentication of its own: any local process can use the configured token through it.
    """
    if not is_loopback(host):
        raise ValueError(f"the MCP HTTP server listens on loopback only, not {host[:80]!r}")
    import uvicorn

    server = build_server(credentials)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
        bound = sock.getsockname()[1]
        authority = f"[{host}]" if family == socket.AF_INET6 else host
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=[f"{authority}:*", "127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=[
                f"http://{authority}:*",
                "http://127.0.0.1:*",
                "http://localhost:*",
                "http://[::1]:*",
            ],
        )
        app = server.streamable_http_app(
            streamable_http_path=MCP_PATH, transport_security=security, host=host
        )
        config = uvicorn.Config(
            app,
            host=host,
            port=bound,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        if on_ready is not None:
            on_ready(f"http://{authority}:{bound}{MCP_PATH}")
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m sim_intercom.mcp_server`: the token from INTERCOM_ACCESS_TOKEN."""
    parser = argparse.ArgumentParser(
        prog="python -m sim_intercom.mcp_server",
        description=f"Serve the Intercom tools over MCP; the token comes from {TOKEN_ENV}.",
    )
    parser.add_argument("--http", action="store_true", help="Streamable HTTP, not stdio")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (with --http)")
    parser.add_argument("--port", type=int, default=DEFAULT_HTTP_PORT, help="0 picks one")
    parser.add_argument("--region", choices=["us", "eu", "au"])
    parser.add_argument("--base-url")
    args = parser.parse_args(argv)
    credentials: dict[str, Any] = {TOKEN_CREDENTIAL: os.environ.get(TOKEN_ENV, "")}
    if args.region:
        credentials["region"] = args.region
    if args.base_url:
        credentials["baseUrl"] = args.base_url

    def ready(url: str) -> None:
        print(f"sim-intercom MCP server listening on {url}", file=sys.stderr, flush=True)

    problems = credential_problems(credentials)
    if args.http and not is_loopback(args.host):
        problems.append(f"--host: must be a loopback address, not {args.host[:80]!r}")
    if problems:
        print("Cannot start the MCP server:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    try:
        if args.http:
            serve_http(credentials, args.host, args.port, on_ready=ready)
        else:
            serve_stdio(credentials)
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"Cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
