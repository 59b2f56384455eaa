"""A remote MCP server with OAuth 2.1 in front of Intercom's OAuth (the sandbox's): two
replicas sharing a real redis-server, signed in to with the official `mcp` client's OAuth
support."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

pytest.importorskip("mcp")

from redis_helpers import RedisProcess, free_port
from serve_helpers import (
    MCP_HEADERS,
    Alternating,
    Browser,
    MemoryTokens,
    RemoteServer,
    bearer,
    client_session,
    oauth_client,
    rpc,
)
from sim_intercom.sandbox import SandboxServer, Workspace
from sim_intercom.sandbox.oauth import OAuthApp

pytestmark = pytest.mark.slow

CLIENT_ID = "intercom-app-client-id"
CLIENT_SECRET = "intercom-app-client-secret-0123456789"
STORE_KEY = "store-key-" + "k" * 40


class Deployment:
    """The sandbox (Intercom, with the app registered and the server's callback as its
    redirect URL), Redis, and two replicas behind one public URL (the first's)."""

    def __init__(self, folder: Path, redis: RedisProcess) -> None:
        self.ports = [free_port(), free_port()]
        self.public = f"http://127.0.0.1:{self.ports[0]}"
        app = OAuthApp(CLIENT_ID, CLIENT_SECRET, (self.public + "/oauth/callback",))
        self.sandbox = SandboxServer(Workspace(oauth=app)).start()
        (folder / "secret").write_text(CLIENT_SECRET)
        (folder / "store-key").write_text(STORE_KEY)
        base = self.sandbox.base_url
        args = ["--auth", "oauth", "--public-url", self.public, "--base-url", base]
        args += ["--oauth-client-id", CLIENT_ID]
        args += ["--oauth-client-secret-file", str(folder / "secret")]
        args += ["--oauth-authorize-url", f"{base}/oauth"]
        args += ["--oauth-token-url", f"{base}/auth/eagle/token"]
        args += ["--store-key-file", str(folder / "store-key")]
        env = {"SIM_INTERCOM_STORE": redis.url()}
        self.replicas = [RemoteServer(args, port=port, env=env) for port in self.ports]

    @property
    def url(self) -> str:
        return self.public + "/mcp"

    def intercom_tokens(self) -> list[str]:
        return self.sandbox.workspace.oauth.issued()

    def stop(self) -> None:
        for server in self.replicas:
            server.stop()
        self.sandbox.stop()


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisProcess]:
    with RedisProcess() as process:
        yield process


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, redis: RedisProcess
) -> Iterator[Deployment]:
    made = Deployment(tmp_path_factory.mktemp("oauth"), redis)
    try:
        yield made
    finally:
        made.stop()


class SignedIn:
    """A client that went through the whole sign-in, and what it holds."""

    def __init__(self, deployment: Deployment) -> None:
        self.storage = MemoryTokens()
        self.browser = Browser(first_port=deployment.ports[1])
        self.transport = Alternating(deployment.ports)
        auth = oauth_client(deployment.url, self.browser, self.storage)
        with client_session(deployment.url, transport=self.transport, auth=auth) as session:
            self.tools = [tool.name for tool in session.list_tools().tools]
            self.admins = session.call_tool("intercom_list_admins")
            self.wire = "\n".join(session.wire)

    @property
    def access_token(self) -> str:
        assert self.storage.tokens is not None
        return self.storage.tokens.access_token


@pytest.fixture(scope="module")
def signed_in(deployment: Deployment) -> SignedIn:
    return SignedIn(deployment)


def post(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(url, json=body, headers={**MCP_HEADERS, **(headers or {})}, timeout=15)


def test_an_unauthenticated_request_gets_401_naming_the_resource_metadata(
    deployment: Deployment,
) -> None:
    answer = post(deployment.url, rpc("tools/list"))
    assert answer.status_code == 401
    expected = f'resource_metadata="{deployment.public}/.well-known/oauth-protected-resource/mcp"'
    assert expected in answer.headers["WWW-Authenticate"]


def test_the_protected_resource_metadata_names_this_server(deployment: Deployment) -> None:
    for path in (
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ):
        metadata = requests.get(deployment.public + path, timeout=5).json()
        assert metadata["resource"] == deployment.url
        assert metadata["authorization_servers"] == [deployment.public]


def test_the_authorization_server_metadata_offers_registration_and_pkce(
    deployment: Deployment,
) -> None:
    url = deployment.public + "/.well-known/oauth-authorization-server"
    metadata = requests.get(url, timeout=5).json()
    assert metadata["issuer"] == deployment.public
    assert metadata["registration_endpoint"] == deployment.public + "/register"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_endpoint"] == deployment.public + "/authorize"


def test_the_official_client_signs_in_through_intercom_and_calls_tools(
    signed_in: SignedIn, deployment: Deployment
) -> None:
    assert "intercom_list_admins" in signed_in.tools
    assert signed_in.admins.is_error is False
    assert signed_in.admins.structured_content["admins"]
    hops = [url.split("?")[0] for url in signed_in.browser.visited]
    assert hops[1] == deployment.sandbox.base_url + "/oauth"
    assert hops[2] == deployment.public + "/oauth/callback"
    assert signed_in.browser.arrived["code"]


def test_sign_in_and_calls_alternate_between_replicas(
    signed_in: SignedIn, deployment: Deployment
) -> None:
    assert set(signed_in.transport.sent) == set(deployment.ports)
    assert signed_in.browser.visited[0].startswith(f"http://127.0.0.1:{deployment.ports[1]}/")
    for server in deployment.replicas:
        assert any("status=200" in line for line in server.access_lines())


def test_the_client_never_holds_intercoms_token_nor_intercom_the_clients(
    signed_in: SignedIn, deployment: Deployment
) -> None:
    (intercom_token,) = deployment.intercom_tokens()
    assert signed_in.access_token != intercom_token
    assert intercom_token not in signed_in.wire
    assert intercom_token not in str(signed_in.storage.tokens)
    me = deployment.sandbox.base_url + "/me"
    assert requests.get(me, headers=bearer(signed_in.access_token), timeout=5).status_code == 401
    assert post(deployment.url, rpc("tools/list"), bearer(intercom_token)).status_code == 401


def test_the_servers_token_works_on_every_replica(
    signed_in: SignedIn, deployment: Deployment
) -> None:
    for server in deployment.replicas:
        answer = post(server.url, rpc("tools/list"), bearer(signed_in.access_token))
        assert answer.status_code == 200
        assert answer.json()["result"]["tools"]


def test_no_token_or_secret_is_in_any_log_line(signed_in: SignedIn, deployment: Deployment) -> None:
    secrets = [*deployment.intercom_tokens(), signed_in.access_token, CLIENT_SECRET, STORE_KEY]
    assert signed_in.storage.tokens is not None and signed_in.storage.tokens.refresh_token
    secrets.append(signed_in.storage.tokens.refresh_token)
    logs = "\n".join(server.log for server in deployment.replicas)
    assert "tenant=oauth-" in logs
    for secret in secrets:
        assert secret not in logs


def test_redis_holds_no_token_in_the_clear(signed_in: SignedIn, redis: RedisProcess) -> None:
    import redis as redis_py

    client = redis_py.Redis.from_url(redis.url())
    values = b"".join(client.get(key) or b"" for key in client.keys("sim-intercom:mcp:*"))
    keys = b"".join(client.keys("sim-intercom:mcp:*"))
    assert values and keys
    for token in (signed_in.access_token, signed_in.storage.tokens.refresh_token):
        assert token.encode() not in values + keys
    assert b"sandbox-oauth-" not in values


def test_a_used_code_cannot_be_exchanged_again(signed_in: SignedIn, deployment: Deployment) -> None:
    client = signed_in.storage.client_info
    assert client is not None
    form = {
        "grant_type": "authorization_code",
        "code": signed_in.browser.arrived["code"],
        "redirect_uri": "http://localhost:3030/callback",
        "client_id": client.client_id,
        "client_secret": client.client_secret or "",
        "code_verifier": "x" * 50,
    }
    answer = requests.post(deployment.public + "/token", data=form, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_losing_redis_fails_closed(
    signed_in: SignedIn, deployment: Deployment, redis: RedisProcess
) -> None:
    redis.stop()
    try:
        answer = post(deployment.url, rpc("tools/list"), bearer(signed_in.access_token))
        assert answer.status_code == 503
        assert "result" not in answer.text
        health = requests.get(deployment.public + "/healthz", timeout=5)
        assert health.status_code == 503
    finally:
        redis.start()
    # Redis came back empty: the token is unknown, and nobody gets in without one.
    answer = post(deployment.url, rpc("tools/list"), bearer(signed_in.access_token))
    assert answer.status_code == 401


def test_a_refresh_token_rotates_and_a_revoked_one_is_gone(deployment: Deployment) -> None:
    first = SignedIn(deployment)
    client, tokens = first.storage.client_info, first.storage.tokens
    assert client is not None and tokens is not None and tokens.refresh_token
    credentials = {"client_id": client.client_id, "client_secret": client.client_secret or ""}
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens.refresh_token}
    answer = requests.post(deployment.public + "/token", data={**refresh, **credentials}, timeout=5)
    assert answer.status_code == 200, answer.text
    renewed = answer.json()
    again = requests.post(deployment.public + "/token", data={**refresh, **credentials}, timeout=5)
    assert again.status_code == 400  # a refresh token is used once
    assert post(deployment.url, rpc("tools/list"), bearer(tokens.access_token)).status_code == 401
    assert (
        post(deployment.url, rpc("tools/list"), bearer(renewed["access_token"])).status_code == 200
    )
    revoke = {"token": renewed["refresh_token"], "token_type_hint": "refresh_token", **credentials}
    assert requests.post(deployment.public + "/revoke", data=revoke, timeout=5).status_code == 200
    assert (
        post(deployment.url, rpc("tools/list"), bearer(renewed["access_token"])).status_code == 401
    )
