"""The sandbox's emulation of Intercom's OAuth: `GET /oauth` approves at once and redirects
with a code and the state; `POST /auth/eagle/token` exchanges the code for a token that
works against the API; wrong secrets, codes and redirects are refused."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from helpers import FakeClock
from sandbox_helpers import SANDBOX_START
from serve_helpers import command_env
from sim_intercom.sandbox import Workspace, mock_intercom
from sim_intercom.sandbox.oauth import CODE_LIFETIME, OAuthApp

BASE = "https://api.intercom.io"
REDIRECT = "https://tools.example.com/oauth/callback"
APP = OAuthApp("app-client-id", "app-client-secret", (REDIRECT,))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(SANDBOX_START)


@pytest.fixture
def workspace(clock: FakeClock) -> Iterator[Workspace]:
    with mock_intercom(Workspace("empty", oauth=APP, clock=clock)) as found:
        yield found


def authorize(**params: str) -> requests.Response:
    query = {"client_id": APP.client_id, "state": "s-1", "redirect_uri": REDIRECT, **params}
    return requests.get(f"{BASE}/oauth", params=query, allow_redirects=False, timeout=5)


def code_of(answer: requests.Response) -> str:
    assert answer.status_code == 302, answer.text
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def exchange(code: str, secret: str = APP.client_secret, **extra: str) -> requests.Response:
    form = {"code": code, "client_id": APP.client_id, "client_secret": secret, **extra}
    return requests.post(f"{BASE}/auth/eagle/token", data=form, timeout=5)


def test_authorize_redirects_at_once_with_a_code_and_the_state(workspace: Workspace) -> None:
    answer = authorize()
    location = urlsplit(answer.headers["Location"])
    assert answer.status_code == 302
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["s-1"] and len(query["code"][0]) >= 24


def test_without_a_redirect_uri_the_first_registered_one_is_used(workspace: Workspace) -> None:
    answer = requests.get(
        f"{BASE}/oauth", params={"client_id": APP.client_id}, allow_redirects=False, timeout=5
    )
    assert answer.headers["Location"].startswith(REDIRECT + "?code=")


def test_the_code_becomes_a_token_that_works_against_the_api(workspace: Workspace) -> None:
    answer = exchange(code_of(authorize()))
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["access_token"] == body["token"]
    me = requests.get(f"{BASE}/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json()["type"] == "admin"


def test_the_code_may_come_as_json_or_in_the_query(workspace: Workspace) -> None:
    fields = {"client_id": APP.client_id, "client_secret": APP.client_secret}
    as_json = requests.post(
        f"{BASE}/auth/eagle/token", json={"code": code_of(authorize()), **fields}, timeout=5
    )
    in_query = requests.post(
        f"{BASE}/auth/eagle/token", params={"code": code_of(authorize()), **fields}, timeout=5
    )
    assert as_json.status_code == in_query.status_code == 200


def test_a_wrong_client_secret_is_refused_with_401(workspace: Workspace) -> None:
    answer = exchange(code_of(authorize()), secret="not-the-secret")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["code"] == "unauthorized"


@pytest.mark.parametrize("case", ["unknown", "used", "expired"])
def test_a_wrong_code_is_refused(workspace: Workspace, clock: FakeClock, case: str) -> None:
    code = code_of(authorize())
    if case == "unknown":
        code += "x"
    elif case == "used":
        assert exchange(code).status_code == 200
    else:
        clock.advance(CODE_LIFETIME + 1)
    answer = exchange(code)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "code"


def test_an_unregistered_redirect_is_refused_without_redirecting(workspace: Workspace) -> None:
    answer = authorize(redirect_uri="https://attacker.example/steal")
    assert answer.status_code == 400 and "Location" not in answer.headers
    assert answer.json()["errors"][0]["field"] == "redirect_uri"


def test_an_unknown_client_id_is_refused(workspace: Workspace) -> None:
    answer = authorize(client_id="someone-else")
    assert answer.status_code == 400 and "Location" not in answer.headers


def test_an_app_without_registered_urls_takes_https_or_loopback_only(clock: FakeClock) -> None:
    app = OAuthApp("id", "secret")
    with mock_intercom(Workspace("empty", oauth=app, clock=clock)):
        for url, status in [
            ("https://tools.example.com/cb", 302),
            ("http://127.0.0.1:9/cb", 302),
            ("http://tools.example.com/cb", 400),
            ("javascript:alert(1)", 400),
        ]:
            answer = requests.get(
                f"{BASE}/oauth",
                params={"client_id": "id", "redirect_uri": url},
                allow_redirects=False,
                timeout=5,
            )
            assert answer.status_code == status, url


def test_a_made_up_oauth_token_is_refused(workspace: Workspace) -> None:
    answer = requests.get(f"{BASE}/me", headers={"Authorization": "Bearer sandbox-oauth-made-up"})
    assert answer.status_code == 401


def test_the_sandbox_command_prints_a_made_up_client_and_its_urls() -> None:
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--quiet"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=command_env()) as process:
        try:
            lines = [process.stdout.readline() for _ in range(7)] if process.stdout else []
        finally:
            process.terminate()
            process.wait(10)
    banner = "".join(lines)
    assert "client id sandbox-client-" in banner and "client secret " in banner
    assert "/oauth\n" in banner and "/auth/eagle/token\n" in banner


def test_the_sandbox_command_takes_the_apps_credentials(tmp_path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("given-secret-value\n")
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--quiet"]
    command += ["--oauth-client-id", "given-id", "--oauth-client-secret-file", str(secret)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=command_env()) as process:
        try:
            lines = [process.stdout.readline() for _ in range(7)] if process.stdout else []
        finally:
            process.terminate()
            process.wait(10)
    banner = "".join(lines)
    assert "client id given-id" in banner
    assert "given-secret-value" not in banner and "client secret" not in banner
