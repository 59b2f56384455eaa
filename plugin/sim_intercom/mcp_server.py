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
import sys
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

# First: says which `mcp` was found and which is needed, before anything of it is imported.
from .mcp_compat import (
    Caller,
    make_server,
    protocol_error,
    stdio_stdout,
    streamable_http_app,
    types,
)

# isort: split
import anyio
import anyio.to_thread
from mcp.server.stdio import stdio_server
from mcp.server.transport_security import TransportSecuritySettings

from .dynamic import (
    ENABLE_TOOLSET,
    GET_TOOLSET_TOOLS,
    META_TOOL_NAMES,
    META_TOOLS,
    DynamicToolsets,
)
from .exports import mcp_tools
from .listening import listening_socket, url_authority
from .manifest import Catalog, default_catalog
from .selection import Selection, selection_from
from .settings import TOKEN_CREDENTIAL, is_loopback, read_config, token_problem
from .stdio_lines import UNUSABLE_TOOL, screened
from .version import DISTRIBUTION, __version__

__all__ = [
    "DEFAULT_HTTP_PORT",
    "MCP_PATH",
    "ToolLists",
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


def tool_definitions(selection: Selection | None = None) -> list[dict[str, Any]]:
    """The selected tools (the `default` set when none is given) as MCP `Tool`s in their
    wire shape, in catalog order: the `mcp` export, whose output schemas are compacted so
    the default list and every toolset's stay under 80 KB."""
    return mcp_tools((selection or Selection()).catalog_of(default_catalog()))


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
        return _call_result(text, output)
    text = _redact(_error_text(result), token)
    return _call_result(text, is_error=True)


def _call_result(
    text: str, structured: dict[str, Any] | None = None, is_error: bool = False
) -> types.CallToolResult:
    wire: dict[str, Any] = {"content": [{"type": "text", "text": text}], "isError": is_error}
    if structured is not None:
        wire["structuredContent"] = structured
    return types.CallToolResult.model_validate(wire)


class ToolLists:
    """The `Tool` lists a server serves, made once per set of tool ids; the most recent
    `keep` sets are kept (a remote client may ask for any set through its headers)."""

    def __init__(self, catalog: Catalog, extra: list[dict[str, Any]], keep: int = 64) -> None:
        self.catalog = catalog
        self.extra = [types.Tool.model_validate(tool) for tool in extra]
        self.keep = keep
        self._made: dict[tuple[str, ...], list[types.Tool]] = {}

    def tools(self, tool_ids: list[str]) -> list[types.Tool]:
        key = tuple(tool_ids)
        made = self._made.pop(key, None)
        if made is None:
            definitions = mcp_tools(self.catalog.subset(tool_ids))
            made = self.extra + [types.Tool.model_validate(d) for d in definitions]
        self._made[key] = made  # now the most recent
        while len(self._made) > self.keep:
            del self._made[next(iter(self._made))]
        return made


def build_server(
    credentials: Mapping[str, Any],
    selection: Selection | None = None,
    *,
    dynamic: bool = False,
) -> Any:
    """An MCP server for the selected tools, calling Intercom with `credentials`
    (`accessToken` and optionally `region`, `baseUrl`, `intercomVersion`, `connectTimeout`,
    `readTimeout`, `maxRetries`, `maxWait`, exactly as a host passes them to
    `sim_execute_tool`).

    `selection` (toolsets, an allow-list of tools, read-only) defaults to the environment's
    `SIM_INTERCOM_TOOLSETS`, `SIM_INTERCOM_TOOLS` and `SIM_INTERCOM_READ_ONLY`, and without
    them to the `default` set; a tool outside it is neither listed nor callable. With
    `dynamic`, each session starts with the three meta-tools of `sim_intercom.dynamic` and
    enables toolsets as it needs them.

    Raises `ValueError` naming each bad setting (never quoting the token) or an unknown
    toolset or tool (`SelectionError`, naming the valid ones), so a misconfigured server
    does not start.
    """
    problems = credential_problems(credentials)
    if problems:
        raise ValueError("Cannot start the MCP server: " + "; ".join(problems))
    selection = selection if selection is not None else selection_from(os.environ)
    catalog = default_catalog()
    static = selection.tools_of(catalog)  # checks every name first
    config = dict(credentials)
    token = str(config[TOKEN_CREDENTIAL])
    lists = ToolLists(catalog, META_TOOLS if dynamic else [])
    sessions: weakref.WeakKeyDictionary[Any, DynamicToolsets] = weakref.WeakKeyDictionary()
    static_ids = [tool.id for tool in static]

    def view(caller: Caller) -> DynamicToolsets | None:
        if not dynamic:
            return None
        if caller.connection not in sessions:
            sessions[caller.connection] = DynamicToolsets(catalog, selection)
        return sessions[caller.connection]

    def served(caller: Caller) -> list[str]:
        state = view(caller)
        return state.tool_ids() if state else static_ids

    from .plugin import get_executor

    executor = get_executor()

    async def list_tools(caller: Caller) -> list[types.Tool]:
        return lists.tools(served(caller))

    async def call_tool(
        caller: Caller, name: str, arguments: dict[str, Any]
    ) -> types.CallToolResult:
        if name == UNUSABLE_TOOL:  # a request stdio could not pass on (`stdio_lines`)
            raise protocol_error(types.INVALID_PARAMS, str(arguments.get("problem")))
        state = view(caller)
        if state is not None and name in META_TOOL_NAMES:
            return await _call_meta(state, caller.session, name, arguments)
        known = served(caller)
        if name not in known:
            raise protocol_error(
                types.INVALID_PARAMS,
                f"Unknown tool: {name[:80]!r}. Known tools: {', '.join(known) or '(none yet)'}",
            )
        arguments.pop(TOKEN_CREDENTIAL, None)  # the server's token, never the client's

        def run() -> dict[str, Any] | None:
            return executor.execute(name, arguments, dict(config))

        result = await anyio.to_thread.run_sync(run)
        if result is None:  # the executor answers for every intercom_* id; defensive
            raise protocol_error(types.INVALID_PARAMS, f"Unknown tool: {name[:80]!r}")
        return render_result(result, token)

    def input_schema(name: str) -> dict[str, Any] | None:
        tool = catalog.tools.get(name)
        return tool.input_schema if tool else None

    return make_server(
        DISTRIBUTION,
        version=__version__,
        title="Intercom",
        instructions=instructions(),
        list_tools=list_tools,
        call_tool=call_tool,
        tools_changed=dynamic,
        input_schema=input_schema,
    )


async def _call_meta(
    state: DynamicToolsets, session: Any, name: str, arguments: dict[str, Any]
) -> types.CallToolResult:
    """One of the three meta-tools; enabling a toolset that adds tools tells the client."""
    try:
        if name == GET_TOOLSET_TOOLS:
            answer = state.get_toolset_tools(arguments)
        elif name == ENABLE_TOOLSET:
            answer, changed = state.enable_toolset(arguments)
            if changed:
                await session.send_tool_list_changed()
        else:
            answer = state.list_toolsets()
    except ValueError as exc:
        return _call_result(f"invalid_input: {exc}", is_error=True)
    return _call_result(_truncated_json(answer), answer)


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
                for line in [*(screened(line + "\n") for line in lines), *ended]:
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


async def run_stdio(server: Any) -> None:
    """Serve one client over this process's stdin and stdout until it disconnects, or, in
    the main thread, until the first SIGINT (Ctrl+C) or SIGTERM."""
    stdin = _StdinLines()
    async with anyio.create_task_group() as group:
        if threading.current_thread() is threading.main_thread():
            group.start_soon(_cancel_on_signal, group.cancel_scope)
        stdin.start()
        # The SDK only iterates its `stdin`, line by line.
        lines = cast("anyio.AsyncFile[str]", stdin)
        async with stdio_server(stdin=lines, stdout=stdio_stdout()) as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())
        group.cancel_scope.cancel()


def serve_stdio(
    credentials: Mapping[str, Any], selection: Selection | None = None, *, dynamic: bool = False
) -> None:
    """Serve MCP over stdin and stdout (what an MCP client's `command` config starts)."""
    anyio.run(run_stdio, build_server(credentials, selection, dynamic=dynamic))


def serve_http(
    credentials: Mapping[str, Any],
    host: str = "127.0.0.1",
    port: int = DEFAULT_HTTP_PORT,
    *,
    on_ready: Callable[[str], None] | None = None,
    selection: Selection | None = None,
    dynamic: bool = False,
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

    server = build_server(credentials, selection, dynamic=dynamic)
    sock = listening_socket(host, port, backlog=128)
    try:
        bound = sock.getsockname()[1]
        authority = url_authority(sock, host).rsplit(":", 1)[0]
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
        app = streamable_http_app(server, MCP_PATH, security, host)
        config = uvicorn.Config(
            app,
            host=host,
            port=bound,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=2,
        )
        if on_ready is not None:
            on_ready(f"http://{url_authority(sock, host)}{MCP_PATH}")
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
    parser.add_argument("--toolsets", help="a,b (or SIM_INTERCOM_TOOLSETS); default: default")
    parser.add_argument("--tools", action="append", help="id,id (or SIM_INTERCOM_TOOLS)")
    parser.add_argument("--read-only", action="store_true", default=None)
    parser.add_argument("--dynamic-toolsets", action="store_true")
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
    try:
        selection = selection_from(os.environ, args.toolsets, args.tools or (), args.read_only)
        selection.tools_of(default_catalog())
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        print("Cannot start the MCP server:", *problems, sep="\n  ", file=sys.stderr)
        return 2
    options: dict[str, Any] = {"selection": selection, "dynamic": args.dynamic_toolsets}
    try:
        if args.http:
            serve_http(credentials, args.host, args.port, on_ready=ready, **options)
        else:
            serve_stdio(credentials, **options)
    except OSError as error:  # the port is taken, or the address is not this machine's
        print(f"Cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
