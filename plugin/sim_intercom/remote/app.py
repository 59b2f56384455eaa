"""The remote MCP server's ASGI app: every tool over stateless Streamable HTTP, behind
authentication, for many tenants.

Built from the `mcp` SDK's pieces: its session manager (stateless, JSON answers, so any
replica answers any request and nothing of a session lives in a process), its bearer
authentication backend and `RequireAuthMiddleware` (401 with `WWW-Authenticate`), and in
OAuth mode its authorization-server routes and RFC 9728 metadata. Ours: the tenant per
request, the tools it may see, the access log and `/healthz`.

Per request a client narrows its tools, always within its tenant's allowance, with GitHub's
conventions: headers `X-MCP-Toolsets` and `X-MCP-Tools` (comma-separated) and
`X-MCP-Readonly: true`, or the paths `/mcp/readonly`, `/mcp/x/{toolsets}` and
`/mcp/x/{toolsets}/readonly`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

import anyio.to_thread
import mcp_types as types
from mcp.server.auth.middleware.bearer_auth import (
    AuthenticatedUser,
    BearerAuthBackend,
    RequireAuthMiddleware,
)
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.routes import (
    build_resource_metadata_url,
    create_auth_routes,
    create_protected_resource_routes,
)
from mcp.server.auth.settings import AuthSettings, ClientRegistrationOptions, RevocationOptions
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPASGIApp, StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.shared.exceptions import MCPError
from pydantic import AnyHttpUrl
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..manifest import default_catalog
from ..mcp_server import ToolLists, instructions, render_result, tool_definitions
from ..selection import ALL_TOOLSET, Selection, SelectionError, parse_names, select_tools
from ..settings import TOKEN_CREDENTIAL
from ..version import DISTRIBUTION, __version__
from .access import AccessLog, exchange_of
from .oauth import CALLBACK_PATH, IntercomOAuthProvider, OAuthSettings, TenantToken
from .store import Store
from .tenants import CONNECTION_FIELDS, KeyRing, key_digest

MCP_PATH = "/mcp"
MCP_PATHS = (MCP_PATH, "/mcp/readonly", "/mcp/x/{toolsets}", "/mcp/x/{toolsets}/readonly")
HEALTH_PATH = "/healthz"
PROTECTED_RESOURCE_PATH = "/.well-known/oauth-protected-resource"
TRUE, FALSE = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")
CREDENTIAL_NAMES = frozenset({TOKEN_CREDENTIAL, "rateStore", *CONNECTION_FIELDS})


@dataclass(frozen=True)
class RemoteConfig:
    """How a remote server authenticates: `keys` with a `keyring`, or `oauth` with its
    `oauth` settings; `store` keeps OAuth's clients, codes and tokens."""

    auth: Literal["keys", "oauth"]
    store: Store
    keyring: KeyRing | None = None
    oauth: OAuthSettings | None = None


class KeysVerifier:
    """The SDK's `TokenVerifier` for client keys: the tenant the key's hash names."""

    def __init__(self, keyring: KeyRing) -> None:
        self.keyring = keyring

    async def verify_token(self, token: str) -> TenantToken | None:
        tenant = self.keyring.find(token)
        if tenant is None:
            return None
        digest = key_digest(token).hex()
        return TenantToken(
            token=digest, client_id=tenant.name, scopes=[], subject=tenant.name, tenant=tenant
        )


def _flag(value: str, name: str) -> bool:
    if value.strip().lower() in TRUE:
        return True
    if value.strip().lower() in FALSE:
        return False
    raise SelectionError(f"{name} must be true or false")


def served_tools(tenant: Any, headers: Any, path_params: dict[str, str], path: str) -> list[str]:
    """The tools a request may list and call: what it asks for (everything its tenant may
    use when it asks for nothing), within what its tenant may use. `SelectionError` names
    what it asked for that does not exist."""
    catalog = default_catalog()
    allowed = tenant.allowance(catalog)
    toolsets = parse_names(path_params.get("toolsets") or headers.get("x-mcp-toolsets"))
    tools = parse_names(headers.get("x-mcp-tools"))
    read_only = path.rstrip("/").endswith("/readonly") or _flag(
        headers.get("x-mcp-readonly", ""), "X-MCP-Readonly"
    )
    if not toolsets and not tools:
        chosen = allowed
    else:
        chosen = [t.id for t in select_tools(catalog, toolsets or None, tools)]
    if read_only:
        readable = {t.id for t in select_tools(catalog, [ALL_TOOLSET], read_only=True)}
        chosen = [tool for tool in chosen if tool in readable]
    return [tool for tool in chosen if tool in set(allowed)]


class SelectTools:
    """ASGI middleware after authentication: the request's tenant and tools, or 400."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        user = scope.get("user")
        if scope["type"] == "http" and isinstance(user, AuthenticatedUser):
            exchange = exchange_of(scope)
            exchange.tenant = getattr(user.access_token, "tenant", None)
            request = Request(scope)
            try:
                exchange.tools = served_tools(
                    exchange.tenant, request.headers, request.path_params, request.url.path
                )
            except SelectionError as exc:
                body = {"error": "invalid_selection", "error_description": str(exc)}
                await JSONResponse(body, status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _exchange(ctx: Any) -> Any:
    request = getattr(ctx, "request", None)
    if request is None:
        raise MCPError(code=types.INTERNAL_ERROR, message="no HTTP request behind this call")
    return exchange_of(request.scope)


def build_mcp_server() -> Server[Any]:
    """The low-level MCP server: each request's tools and tenant come from its exchange."""
    catalog = default_catalog()
    every = tool_definitions(Selection(toolsets=[ALL_TOOLSET]))
    input_schemas = {d["name"]: d["inputSchema"] for d in every}
    tool_lists = ToolLists(catalog, [])  # each set of tools described as one list

    from ..plugin import get_executor

    executor = get_executor()

    async def list_tools(
        ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        exchange = _exchange(ctx)
        return types.ListToolsResult(tools=tool_lists.tools(list(exchange.tools)))

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        exchange = _exchange(ctx)
        name = params.name
        exchange.tool = name
        if name not in exchange.tools:
            exchange.outcome = "unknown_tool"
            raise MCPError(
                code=types.INVALID_PARAMS,
                message=f"Unknown tool: {name[:80]!r}. Tools here: {', '.join(exchange.tools)}",
            )
        arguments = {
            key: value
            for key, value in (params.arguments or {}).items()
            if key not in CREDENTIAL_NAMES  # the tenant's, never the client's
        }
        credentials = dict(exchange.tenant.credentials)
        result = await anyio.to_thread.run_sync(executor.execute, name, arguments, credentials)
        if result is None:
            raise MCPError(code=types.INVALID_PARAMS, message=f"Unknown tool: {name[:80]!r}")
        exchange.outcome = "ok" if result.get("success") else _kind(result)
        return render_result(result, exchange.tenant.token)

    return Server(
        DISTRIBUTION,
        version=__version__,
        title="Intercom",
        instructions=instructions(),
        get_tool_input_schema=input_schemas.get,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


def _kind(result: dict[str, Any]) -> str:
    detail = result.get("error_detail") or {}
    return str(detail.get("kind") or "error")


def build_app(config: RemoteConfig) -> Starlette:
    """The whole ASGI app for `config`."""
    session_manager = StreamableHTTPSessionManager(
        app=build_mcp_server(),
        stateless=True,
        json_response=True,
        # Authentication stands where DNS-rebinding protection would: a page in a browser
        # has no key or token to send. Behind a proxy the Host is the public one.
        security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    verifier: TokenVerifier
    routes: list[Route] = []
    metadata_url: AnyHttpUrl | None = None
    if config.auth == "oauth":
        assert config.oauth is not None
        public = config.oauth.public_url
        provider = IntercomOAuthProvider(config.oauth, config.store, public + MCP_PATH)
        verifier = provider
        # The SDK's settings model keeps a path-less issuer as written (no trailing slash):
        # RFC 8414 compares issuers as strings.
        settings = AuthSettings.model_validate(
            {
                "issuer_url": public,
                "resource_server_url": public + MCP_PATH,
                "validate_token_resource": False,  # the provider checks the resource itself
                "client_registration_options": ClientRegistrationOptions(enabled=True),
                "revocation_options": RevocationOptions(enabled=True),
            }
        )
        issuer, resource = settings.issuer_url, settings.resource_server_url
        assert resource is not None
        metadata_url = build_resource_metadata_url(resource)
        routes += create_auth_routes(
            provider,
            issuer_url=issuer,
            client_registration_options=settings.client_registration_options,
            revocation_options=settings.revocation_options,
        )
        metadata = create_protected_resource_routes(resource, [issuer])
        routes += metadata
        # The root path too, where a client looks when it was not told where to look.
        routes.append(
            Route(PROTECTED_RESOURCE_PATH, metadata[0].endpoint, methods=["GET", "OPTIONS"])
        )
        routes.append(Route(CALLBACK_PATH, provider.callback, methods=["GET"]))
    else:
        assert config.keyring is not None
        verifier = KeysVerifier(config.keyring)
    endpoint = RequireAuthMiddleware(
        SelectTools(StreamableHTTPASGIApp(session_manager)), [], metadata_url
    )
    routes += [Route(path, endpoint) for path in MCP_PATHS]
    routes.append(Route(HEALTH_PATH, _health(config), methods=["GET"]))
    return Starlette(
        routes=routes,
        middleware=[
            Middleware(AccessLog),
            Middleware(AuthenticationMiddleware, backend=BearerAuthBackend(verifier)),
        ],
        lifespan=lambda app: session_manager.run(),
    )


def _health(config: RemoteConfig) -> Any:
    async def health(request: Request) -> Response:
        store_ok = await anyio.to_thread.run_sync(config.store.healthy)
        # OAuth cannot authenticate without its store; keys need none.
        ready = store_ok or config.auth == "keys"
        body = {"status": "ok" if ready else "unavailable", "auth": config.auth}
        body["store"] = f"{config.store.where} {'ok' if store_ok else 'unreachable'}"
        return Response(json.dumps(body), 200 if ready else 503, media_type="application/json")

    return health
