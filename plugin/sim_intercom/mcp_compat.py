"""The official MCP SDK's two lines behind one small face: `mcp` 1.x (from 1.24) and 2.x.

Hosts install the SDK beside other packages that pin it (`langchain-mcp-adapters` pins
`mcp<2`), so the server runs on either line. What differs, and is kept here: how a
low-level server takes its `tools/list` and `tools/call` handlers, how a protocol error is
raised, where a request's session is, and how a Streamable HTTP app is made. Everything
else (`mcp.types` models built from wire-shape dicts, `stdio_server`, the transport
security settings) is the same in both.

Importing this module checks the installed version first and raises `ImportError` saying
which version was found and which is needed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

# 1.24 is langchain-mcp-adapters' floor; 1.20 to 1.23 fail to import on today's pydantic.
NEEDED = "mcp>=1.24,<3"
INSTALL = "pip install 'sim-intercom[mcp]'"


def installed_version() -> str | None:
    """The installed `mcp` distribution's version, or None."""
    try:
        return metadata.version("mcp")
    except metadata.PackageNotFoundError:
        return None


def version_problem(version: str | None) -> str | None:
    """Why `version` of `mcp` cannot serve (naming what was found and what is needed), or
    None when it can."""
    if version is None:
        return f"sim-intercom's MCP server needs the official MCP SDK ({NEEDED}): {INSTALL}"
    found = re.match(r"(\d+)\.(\d+)", version)
    major_minor = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if (1, 24) <= major_minor < (3, 0):
        return None
    return (
        f"sim-intercom's MCP server needs {NEEDED}, but mcp {version} is installed: "
        f"pip install '{NEEDED}'"
    )


VERSION = installed_version()
_problem = version_problem(VERSION)
if _problem:
    raise ImportError(_problem)
V2 = int((VERSION or "0").split(".")[0]) >= 2

from mcp import types  # noqa: E402  (after the version check, which says what is wrong)
from mcp.server.lowlevel import NotificationOptions, Server  # noqa: E402

if V2:
    from mcp.shared.exceptions import MCPError
else:  # pragma: no cover - run by the mcp 1.x test in a subprocess
    from mcp.shared.exceptions import McpError  # type: ignore[attr-defined]

__all__ = [
    "V2",
    "VERSION",
    "CallTool",
    "Caller",
    "ListTools",
    "make_server",
    "protocol_error",
    "stdio_stdout",
    "streamable_http_app",
    "types",
]


@dataclass(frozen=True)
class Caller:
    """Who sent a request: `session` sends to that client; `connection` is the same object
    for every request of one client (2.x makes a session per request, 1.x one per client)."""

    session: Any
    connection: Any


def _caller_v2(ctx: Any) -> Caller:
    # 2.x keeps the client's connection on its per-request session, not on the context.
    return Caller(ctx.session, getattr(ctx.session, "_connection", None) or ctx.session)


ListTools = Callable[[Caller], Awaitable[list[types.Tool]]]
CallTool = Callable[[Caller, str, dict[str, Any]], Awaitable[types.CallToolResult]]


def protocol_error(code: int, message: str) -> Exception:
    """A JSON-RPC error for the client (raised from a handler), in this SDK's class."""
    if V2:
        return MCPError(code=code, message=message)
    error: Exception = McpError(types.ErrorData(code=code, message=message))
    return error


def make_server(
    name: str,
    *,
    version: str,
    title: str,
    instructions: str,
    list_tools: ListTools,
    call_tool: CallTool,
    tools_changed: bool = False,
    input_schema: Callable[[str], Mapping[str, Any] | None] | None = None,
) -> Any:
    """A low-level server answering `tools/list` and `tools/call` with these handlers; it
    announces `tools.listChanged` when `tools_changed`."""
    options = NotificationOptions(tools_changed=tools_changed)
    if V2:
        handlers = (list_tools, call_tool, options, input_schema)
        return _server_v2(name, version, title, instructions, *handlers)
    return _server_v1(name, version, instructions, list_tools, call_tool, options)


def _server_v2(
    name: str,
    version: str,
    title: str,
    instructions: str,
    list_tools: ListTools,
    call_tool: CallTool,
    options: NotificationOptions,
    input_schema: Callable[[str], Mapping[str, Any] | None] | None,
) -> Any:
    class Announcing(Server[Any]):
        def create_initialization_options(self, *args: Any, **kwargs: Any) -> Any:
            if not args and "notification_options" not in kwargs:
                kwargs["notification_options"] = options
            return super().create_initialization_options(*args, **kwargs)

    async def on_list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=await list_tools(_caller_v2(ctx)))

    async def on_call_tool(ctx: Any, params: Any) -> types.CallToolResult:
        return await call_tool(_caller_v2(ctx), params.name, dict(params.arguments or {}))

    return Announcing(
        name,
        version=version,
        title=title,
        instructions=instructions,
        get_tool_input_schema=input_schema,
        on_list_tools=on_list_tools,
        on_call_tool=on_call_tool,
    )


def _server_v1(  # pragma: no cover - run by the mcp 1.x test in a subprocess
    name: str,
    version: str,
    instructions: str,
    list_tools: ListTools,
    call_tool: CallTool,
    options: NotificationOptions,
) -> Any:
    v1: Any = types  # 1.x's models, which mypy (reading 2.x) does not know

    class Announcing(Server[Any]):
        def create_initialization_options(self, *args: Any, **kwargs: Any) -> Any:
            if not args and "notification_options" not in kwargs:
                kwargs["notification_options"] = options
            return super().create_initialization_options(*args, **kwargs)

    server: Any = Announcing(name, version=version, instructions=instructions)

    async def on_list_tools(request: Any) -> Any:
        session = server.request_context.session
        tools = await list_tools(Caller(session, session))
        return v1.ServerResult(v1.ListToolsResult(tools=tools))

    async def on_call_tool(request: Any) -> Any:
        session = server.request_context.session
        arguments = dict(request.params.arguments or {})
        result = await call_tool(Caller(session, session), request.params.name, arguments)
        return v1.ServerResult(result)

    # Registered as raw handlers, as the 2.x constructor takes them: the decorators would
    # turn a protocol error (an unknown tool) into a tool result.
    server.request_handlers[v1.ListToolsRequest] = on_list_tools
    server.request_handlers[v1.CallToolRequest] = on_call_tool
    return server


def stdio_stdout() -> Any:
    """The stdout to give `stdio_server`: None (the SDK's own) on 2.x; on 1.x a text file
    over a copy of descriptor 1, because 1.x wraps `sys.stdout.buffer` itself and closes
    it when done, so the process's last flush of stdout would fail."""
    if V2:
        return None
    import anyio  # pragma: no cover - mcp 1.x

    return anyio.wrap_file(open(os.dup(1), "w", encoding="utf-8", closefd=True))


def streamable_http_app(server: Any, path: str, security: Any, host: str) -> Any:
    """A Starlette app serving `server` over Streamable HTTP at `path`."""
    if V2:
        return server.streamable_http_app(
            streamable_http_path=path, transport_security=security, host=host
        )
    from contextlib import asynccontextmanager  # pragma: no cover - mcp 1.x

    from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
    from starlette.applications import Starlette
    from starlette.routing import Route

    manager = StreamableHTTPSessionManager(app=server, security_settings=security)

    @asynccontextmanager
    async def lifespan(app: Any) -> Any:
        async with manager.run():
            yield

    class Endpoint:  # an ASGI app, so Starlette passes the raw scope
        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            await manager.handle_request(scope, receive, send)

    return Starlette(routes=[Route(path, endpoint=Endpoint())], lifespan=lifespan)
