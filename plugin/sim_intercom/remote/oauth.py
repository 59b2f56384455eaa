"""OAuth 2.1 for a remote MCP server, as the MCP authorization specification asks, in front
of Intercom's own OAuth.

The server is its clients' authorization server and resource server; the `mcp` SDK serves
the protocol (metadata, dynamic client registration, `/authorize` with PKCE S256, `/token`,
`/revoke`, the bearer check) and calls `IntercomOAuthProvider` for the decisions:

1. `/authorize` (checked by the SDK): the request is kept under a new random `state`, and
   the person is sent to Intercom's authorize URL with the app's client id, that state and
   the server's callback, `{public_url}/oauth/callback` (the redirect URL to register in the
   Intercom Developer Hub).
2. `/oauth/callback`: Intercom's code is exchanged at Intercom's token URL with the app's
   client id and secret for an Intercom access token; the server makes its own
   authorization code, bound to that token, and redirects to the client's `redirect_uri`.
3. `/token` (PKCE checked by the SDK): the code becomes the server's own access and refresh
   tokens, each bound to the Intercom token.

The client never sees the Intercom token and the server never sends the client's token to
Intercom. Everything lives in the store (`store.py`): ids hashed, values sealed.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import anyio.to_thread
import requests
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    IdentityAssertionParams,
    RefreshToken,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import ConfigDict, Field
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..settings import TOKEN_CREDENTIAL, token_problem
from .store import Record, Store, StoreUnavailable
from .tenants import Tenant

logger = logging.getLogger("sim_intercom.remote")

INTERCOM_AUTHORIZE_URL = "https://app.intercom.com/oauth"
INTERCOM_TOKEN_URL = "https://api.intercom.io/auth/eagle/token"
CALLBACK_PATH = "/oauth/callback"
PENDING_TTL = 600  # seconds a person has to approve the app at Intercom
CODE_TTL = 300
ACCESS_TTL = 3600
REFRESH_TTL = 30 * 24 * 3600
CLIENT_TTL = 365 * 24 * 3600
INTERCOM_TIMEOUT = (5.0, 30.0)
NO_STORE = {"Cache-Control": "no-store"}


class TenantToken(AccessToken):
    """An access token the server accepts, with the tenant its calls act as. The tenant is
    never rendered: it holds the Intercom token."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    token: str = Field(repr=False)
    tenant: Any = Field(default=None, exclude=True, repr=False)


class BoundCode(AuthorizationCode):
    """The server's authorization code, bound to the Intercom token obtained for it."""

    intercom_token: str = Field(exclude=True, repr=False)


class BoundRefreshToken(RefreshToken):
    intercom_token: str = Field(exclude=True, repr=False)
    access: str | None = None  # the sha256 of the access token issued with it


@dataclass(frozen=True)
class IntercomApp:
    """The Intercom app this server authorizes through: its credentials and URLs."""

    client_id: str
    client_secret: str = field(repr=False)
    authorize_url: str = INTERCOM_AUTHORIZE_URL
    token_url: str = INTERCOM_TOKEN_URL


@dataclass(frozen=True)
class OAuthSettings:
    """What an OAuth tenant is: the Intercom app, the origin clients reach (`public_url`),
    and what every token obtained gets beside itself (`connection`: `baseUrl` or `region`
    and the settings; `toolsets`, `tools`, `read_only`: its allowance)."""

    public_url: str
    app: IntercomApp
    connection: Mapping[str, Any] = field(default_factory=dict)
    toolsets: tuple[str, ...] | None = None
    tools: tuple[str, ...] = ()
    read_only: bool = False

    @property
    def callback_url(self) -> str:
        return self.public_url + CALLBACK_PATH

    def tenant(self, intercom_token: str) -> Tenant:
        """The tenant of an Intercom token: named by its hash, for the access log."""
        name = "oauth-" + hashlib.sha256(intercom_token.encode()).hexdigest()[:12]
        credentials = {**self.connection, TOKEN_CREDENTIAL: intercom_token}
        return Tenant(name, credentials, self.toolsets, self.tools, self.read_only)


def _new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits; the SDK asks at least 160 for a code


class IntercomOAuthProvider:
    """The SDK's `OAuthAuthorizationServerProvider`, with Intercom behind it and every
    record in `store`."""

    def __init__(self, settings: OAuthSettings, store: Store, resource_url: str) -> None:
        self.settings = settings
        self.store = store
        self.resource_url = resource_url

    async def _run(self, method: Any, *args: Any) -> Any:
        return await anyio.to_thread.run_sync(method, *args)

    # Clients

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        record = await self._run(self.store.get, "client", client_id)
        return None if record is None else OAuthClientInformationFull.model_validate(record)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        record = client_info.model_dump(mode="json", exclude_none=True)
        await self._run(self.store.put, "client", client_info.client_id or "", record, CLIENT_TTL)

    # Authorization: on to Intercom, and back through the callback

    async def authorize(
        self, client: OAuthClientInformationFull, params: AuthorizationParams
    ) -> str:
        state = _new_secret()
        pending = {"client_id": client.client_id, "params": params.model_dump(mode="json")}
        await self._run(self.store.put, "pending", state, pending, PENDING_TTL)
        app = self.settings.app
        query = urlencode(
            {"client_id": app.client_id, "state": state, "redirect_uri": self.settings.callback_url}
        )
        return f"{app.authorize_url}?{query}"

    async def callback(self, request: Request) -> Response:
        """Intercom's redirect back: exchange its code, then send the person on to the
        client with the server's own code."""
        state = request.query_params.get("state") or ""
        pending = await self._run(self.store.take, "pending", state) if state else None
        if pending is None:
            return HTMLResponse(
                "<p>This authorization is unknown or has expired; start again from your MCP "
                "client.</p>",
                status_code=400,
                headers=NO_STORE,
            )
        params = AuthorizationParams.model_validate(pending["params"])
        redirect = str(params.redirect_uri)
        code = request.query_params.get("code")
        if not code:
            error = "access_denied" if request.query_params.get("error") else "invalid_request"
            return _back(redirect, params.state, error=error)
        intercom_token = await self._run(self._exchange_with_intercom, code)
        if intercom_token is None:
            return _back(redirect, params.state, error="server_error")
        ours = _new_secret()
        bound = BoundCode(
            code=ours,
            scopes=params.scopes or [],
            expires_at=time.time() + CODE_TTL,
            client_id=str(pending["client_id"]),
            code_challenge=params.code_challenge,
            redirect_uri=params.redirect_uri,
            redirect_uri_provided_explicitly=params.redirect_uri_provided_explicitly,
            resource=params.resource,
            subject=self.settings.tenant(intercom_token).name,
            intercom_token=intercom_token,
        )
        await self._run(self.store.put, "code", ours, _sealable(bound), CODE_TTL)
        return _back(redirect, params.state, code=ours)

    def _exchange_with_intercom(self, code: str) -> str | None:
        """Intercom's access token for `code`, or None (logged without a secret)."""
        app = self.settings.app
        form = {"code": code, "client_id": app.client_id, "client_secret": app.client_secret}
        try:
            answer = requests.post(
                app.token_url,
                data=form,
                headers={"Accept": "application/json"},
                timeout=INTERCOM_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            logger.warning("Intercom's token URL did not answer (%s)", type(exc).__name__)
            return None
        if answer.status_code != 200:
            logger.warning("Intercom refused the authorization code (HTTP %s)", answer.status_code)
            return None
        try:
            body = answer.json()
        except ValueError:
            body = None
        token = (body.get("access_token") or body.get("token")) if isinstance(body, dict) else None
        if token_problem(token):
            logger.warning("Intercom's token answer holds no usable access token")
            return None
        return str(token)

    # Codes and tokens

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> BoundCode | None:
        record = await self._run(self.store.get, "code", authorization_code)
        if record is None or record.get("client_id") != client.client_id:
            return None
        return BoundCode.model_validate(record)

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: BoundCode
    ) -> OAuthToken:
        if await self._run(self.store.take, "code", authorization_code.code) is None:
            raise TokenError("invalid_grant", "the authorization code was already used")
        return await self._issue(client, authorization_code, authorization_code.intercom_token)

    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> BoundRefreshToken | None:
        record = await self._run(self.store.get, "refresh", refresh_token)
        if record is None or record.get("client_id") != client.client_id:
            return None
        return BoundRefreshToken.model_validate({**record, "token": refresh_token})

    async def exchange_refresh_token(
        self,
        client: OAuthClientInformationFull,
        refresh_token: BoundRefreshToken,
        scopes: list[str],
    ) -> OAuthToken:
        if await self._run(self.store.take, "refresh", refresh_token.token) is None:
            raise TokenError("invalid_grant", "the refresh token was already used")
        if refresh_token.access:  # rotated: the access token issued beside it goes too
            await self._run(self.store.forget, "access", refresh_token.access)
        return await self._issue(client, refresh_token, refresh_token.intercom_token, scopes)

    async def _issue(
        self,
        client: OAuthClientInformationFull,
        grant: BoundCode | BoundRefreshToken,
        intercom_token: str,
        scopes: list[str] | None = None,
    ) -> OAuthToken:
        access, refresh = _new_secret(), _new_secret()
        now = int(time.time())
        common: Record = {
            "client_id": client.client_id,
            "scopes": scopes or grant.scopes,
            "resource": grant.resource,
            "subject": grant.subject,
            "intercom_token": intercom_token,
        }
        await self._run(
            self.store.put, "access", access, {**common, "expires_at": now + ACCESS_TTL}, ACCESS_TTL
        )
        await self._run(
            self.store.put,
            "refresh",
            refresh,
            {**common, "expires_at": now + REFRESH_TTL, "access": _digest(access)},
            REFRESH_TTL,
        )
        return OAuthToken(
            access_token=access,
            expires_in=ACCESS_TTL,
            refresh_token=refresh,
            scope=" ".join(common["scopes"]) or None,
        )

    async def load_access_token(self, token: str) -> TenantToken | None:
        """The token's grant and tenant, or None. A store that cannot answer raises
        `StoreUnavailable`: no request passes unauthenticated."""
        record = await self._run(self.store.get, "access", token)
        if record is None or not self._for_this_resource(record.get("resource")):
            return None
        intercom_token = str(record.pop("intercom_token"))
        return TenantToken.model_validate(
            {**record, "token": token, "tenant": self.settings.tenant(intercom_token)}
        )

    async def verify_token(self, token: str) -> TenantToken | None:
        """The SDK's `TokenVerifier`: the bearer check."""
        return await self.load_access_token(token)

    def _for_this_resource(self, resource: Any) -> bool:
        """A token asked for no resource, or for this server's MCP endpoint (or a path
        under it, such as a toolset's)."""
        if resource in (None, ""):
            return True
        wanted = self.resource_url.rstrip("/")
        given = str(resource).rstrip("/")
        return given == wanted or given.startswith(wanted + "/")

    async def exchange_identity_assertion(
        self, client: OAuthClientInformationFull, params: IdentityAssertionParams
    ) -> OAuthToken:
        raise TokenError("unsupported_grant_type", "only authorization codes and refresh tokens")

    async def revoke_token(self, token: TenantToken | BoundRefreshToken) -> None:
        """Forget the token; a refresh token takes the access token issued with it along."""
        if isinstance(token, BoundRefreshToken):
            await self._run(self.store.delete, "refresh", token.token)
            if token.access:
                await self._run(self.store.forget, "access", token.access)
        else:
            await self._run(self.store.delete, "access", token.token)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sealable(code: BoundCode) -> Record:
    """A code's record, the Intercom token included (the model leaves it out of dumps)."""
    return {**code.model_dump(mode="json"), "intercom_token": code.intercom_token}


def _back(redirect_uri: str, state: str | None, **params: str) -> RedirectResponse:
    location = construct_redirect_uri(redirect_uri, state=state, **params)
    return RedirectResponse(location, status_code=302, headers=NO_STORE)


__all__ = [
    "CALLBACK_PATH",
    "INTERCOM_AUTHORIZE_URL",
    "INTERCOM_TOKEN_URL",
    "IntercomApp",
    "IntercomOAuthProvider",
    "OAuthSettings",
    "StoreUnavailable",
    "TenantToken",
]
