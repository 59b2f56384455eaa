"""A remote MCP server with client keys: two replicas sharing a real redis-server, two
tenants on two sandboxes, driven by the official `mcp` client over HTTP."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

pytest.importorskip("mcp")

from mcp.shared.exceptions import MCPError

from faultserver import FaultServer, drip
from mcp_helpers import reading_tools_of, tools_of
from redis_helpers import RedisProcess
from serve_helpers import (
    MCP_HEADERS,
    Alternating,
    RemoteServer,
    bearer,
    client_session,
    command_env,
    own_address,
    rpc,
)
from sim_intercom.remote.tenants import new_key
from sim_intercom.sandbox import SandboxServer, Workspace

pytestmark = pytest.mark.slow

ACME_TOKEN = "acme-intercom-token-0123456789"
GLOBEX_TOKEN = "globex-intercom-token-9876543210"
GLOBEX_TOOLS = reading_tools_of("contacts")  # globex: contacts, read-only


class Deployment:
    """Two sandboxes (acme's workspace is seeded, globex's empty), a keys file, Redis and
    two replicas: one on loopback, one on every interface."""

    def __init__(self, folder: Path, redis: RedisProcess) -> None:
        self.acme_box = SandboxServer(Workspace(token=ACME_TOKEN)).start()
        self.globex_box = SandboxServer(Workspace("empty", token=GLOBEX_TOKEN)).start()
        self.acme_key, acme = new_key("acme")
        self.globex_key, globex = new_key("globex")
        (folder / acme["accessTokenFile"]).write_text(ACME_TOKEN + "\n")
        acme |= {"baseUrl": self.acme_box.base_url, "toolsets": ["all"]}
        globex = {k: v for k, v in globex.items() if k != "accessTokenFile"}
        globex |= {"accessToken": GLOBEX_TOKEN, "baseUrl": self.globex_box.base_url}
        globex |= {"toolsets": ["contacts"], "readOnly": True}
        self.keys_file = folder / "tenants.yaml"
        self.keys_file.write_text(yaml.safe_dump({"tenants": [acme, globex]}))
        env = {"SIM_INTERCOM_STORE": redis.url()}
        args = ["--auth", "keys", "--keys-file", str(self.keys_file)]
        self.local = RemoteServer(args, env=env)
        self.anywhere = RemoteServer(args, host="0.0.0.0", env=env)

    @property
    def replicas(self) -> list[RemoteServer]:
        return [self.local, self.anywhere]

    def stop(self) -> None:
        for server in self.replicas:
            server.stop()
        self.acme_box.stop()
        self.globex_box.stop()


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisProcess]:
    with RedisProcess() as process:
        yield process


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, redis: RedisProcess
) -> Iterator[Deployment]:
    made = Deployment(tmp_path_factory.mktemp("keys"), redis)
    try:
        yield made
    finally:
        made.stop()


def listed(session: Any) -> list[str]:
    return [tool.name for tool in session.list_tools().tools]


def output(result: Any) -> dict[str, Any]:
    assert result.is_error is False, result.content[0].text
    found: dict[str, Any] = result.structured_content
    return found


def post(
    url: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(url, json=body, headers={**MCP_HEADERS, **(headers or {})}, timeout=15)


# Keys: right, wrong, missing, another tenant's


def test_a_right_key_acts_as_its_tenant(deployment: Deployment) -> None:
    with client_session(deployment.local.url, bearer(deployment.acme_key)) as session:
        assert "intercom_create_ticket" in listed(session)
        contacts = output(session.call_tool("intercom_list_contacts", {"per_page": 5}))
    assert contacts["contacts"], "acme's sandbox is seeded with customers"


def test_a_wrong_key_is_refused_with_401(deployment: Deployment) -> None:
    answer = post(deployment.local.url, rpc("tools/list"), bearer("sik_not-a-key-of-anyone"))
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Bearer ")


def test_a_missing_key_is_refused_with_401(deployment: Deployment) -> None:
    answer = post(deployment.local.url, rpc("tools/list"))
    assert answer.status_code == 401
    assert 'error="invalid_token"' in answer.headers["WWW-Authenticate"]


def test_a_key_sent_without_the_bearer_scheme_is_refused(deployment: Deployment) -> None:
    answer = post(deployment.local.url, rpc("tools/list"), {"Authorization": deployment.acme_key})
    assert answer.status_code == 401


def test_another_tenants_key_acts_as_that_tenant_only(deployment: Deployment) -> None:
    with client_session(deployment.local.url, bearer(deployment.globex_key)) as session:
        assert listed(session) == GLOBEX_TOOLS
        contacts = output(session.call_tool("intercom_list_contacts", {"per_page": 5}))
    assert contacts["contacts"] == [], "globex's workspace is empty; acme's is not"


def test_arguments_cannot_name_a_token_or_base_url(deployment: Deployment) -> None:
    smuggled = {
        "per_page": 5,
        "accessToken": ACME_TOKEN,
        "baseUrl": deployment.acme_box.base_url,
        "region": "eu",
        "maxRetries": 0,
    }
    with client_session(deployment.local.url, bearer(deployment.globex_key)) as session:
        contacts = output(session.call_tool("intercom_list_contacts", smuggled))
    assert contacts["contacts"] == []


# Selection: headers and paths, always within the tenant's allowance


def test_the_toolsets_header_narrows_the_tools(deployment: Deployment) -> None:
    headers = {**bearer(deployment.acme_key), "X-MCP-Toolsets": "tickets"}
    with client_session(deployment.local.url, headers) as session:
        assert listed(session) == tools_of("tickets")


def test_the_tools_header_adds_single_tools(deployment: Deployment) -> None:
    headers = {**bearer(deployment.acme_key), "X-MCP-Toolsets": "admins"}
    headers["X-MCP-Tools"] = "intercom_get_contact"
    with client_session(deployment.local.url, headers) as session:
        assert listed(session) == tools_of("admins", extra=("intercom_get_contact",))


def test_the_readonly_header_lists_and_calls_only_reading_tools(deployment: Deployment) -> None:
    headers = {**bearer(deployment.acme_key), "X-MCP-Toolsets": "contacts", "X-MCP-Readonly": "1"}
    with client_session(deployment.local.url, headers) as session:
        assert listed(session) == GLOBEX_TOOLS
        with pytest.raises(MCPError, match="Unknown tool"):
            session.call_tool("intercom_create_contact", {"role": "user", "email": "x@example.com"})


def test_the_readonly_path_selects_like_the_headers(deployment: Deployment) -> None:
    url = deployment.local.endpoint(path="/mcp/x/contacts,admins/readonly")
    with client_session(url, bearer(deployment.acme_key)) as session:
        assert listed(session) == reading_tools_of("contacts", "admins")


def test_a_selection_never_exceeds_the_tenants_allowance(deployment: Deployment) -> None:
    headers = {**bearer(deployment.globex_key), "X-MCP-Toolsets": "contacts,tickets"}
    headers["X-MCP-Tools"] = "intercom_create_contact"
    with client_session(deployment.local.url, headers) as session:
        assert listed(session) == GLOBEX_TOOLS
        with pytest.raises(MCPError, match="Unknown tool"):
            session.call_tool("intercom_create_contact", {"role": "user", "email": "y@example.com"})


def test_a_read_only_tenant_cannot_call_a_writing_tool(deployment: Deployment) -> None:
    with (
        client_session(deployment.local.url, bearer(deployment.globex_key)) as session,
        pytest.raises(MCPError, match="Unknown tool"),
    ):
        session.call_tool("intercom_delete_contact", {"contactId": "6762f0dd0000000000000001"})


def test_an_unknown_toolset_is_a_400_naming_the_valid_ones(deployment: Deployment) -> None:
    headers = {**bearer(deployment.acme_key), "X-MCP-Toolsets": "contacts,nonsense"}
    answer = post(deployment.local.url, rpc("tools/list"), headers)
    assert answer.status_code == 400
    assert "'nonsense'" in answer.json()["error_description"]
    assert "tickets" in answer.json()["error_description"]


# Replicas, the network, the store


def test_requests_alternate_between_replicas(deployment: Deployment) -> None:
    ports = [server.port for server in deployment.replicas]
    transport = Alternating(ports)
    before = [len(server.access_lines()) for server in deployment.replicas]
    with client_session(
        deployment.local.url, bearer(deployment.acme_key), transport=transport
    ) as session:
        assert "intercom_list_admins" in listed(session)
        for _ in range(3):  # with initialize and its notification: each replica calls
            assert output(session.call_tool("intercom_list_admins"))["admins"]
    assert set(transport.sent) == set(ports)
    time.sleep(0.2)  # the last log lines are written after the answers
    for server, seen in zip(deployment.replicas, before, strict=True):
        calls = [
            line for line in server.access_lines()[seen:] if "tool=intercom_list_admins" in line
        ]
        assert calls and all("tenant=acme" in line and "status=200" in line for line in calls)


def test_a_client_from_this_machines_own_address_reaches_the_server_with_a_key(
    deployment: Deployment,
) -> None:
    address = own_address()
    url = deployment.anywhere.endpoint(host=address)
    assert post(url, rpc("tools/list")).status_code == 401
    with client_session(url, bearer(deployment.acme_key)) as session:
        assert output(session.call_tool("intercom_list_admins"))["admins"]
    time.sleep(0.2)
    assert any(
        f"client={address} " in line and "tool=intercom_list_admins" in line
        for line in deployment.anywhere.access_lines()
    )


def test_healthz_answers_for_a_load_balancer(deployment: Deployment) -> None:
    answer = requests.get(deployment.local.endpoint(path="/healthz"), timeout=5)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_losing_redis_keeps_keys_working_and_the_budget_falls_back(
    deployment: Deployment, redis: RedisProcess
) -> None:
    redis.stop()
    try:
        with client_session(deployment.local.url, bearer(deployment.acme_key)) as session:
            for _ in range(2):
                assert output(session.call_tool("intercom_list_admins"))["admins"]
    finally:
        redis.start()
    assert "pacing in this process only" in deployment.local.log


def test_no_token_or_key_is_in_any_log_line_or_answer(deployment: Deployment) -> None:
    answers = []
    with client_session(deployment.local.url, bearer(deployment.acme_key)) as session:
        answers.append(
            session.call_tool("intercom_get_contact", {"contactId": "6762f0dd00000000000000ff"})
        )
        answers.append(session.call_tool("intercom_list_admins", {"accessToken": GLOBEX_TOKEN}))
        wire = "\n".join(session.wire)
    answers.append(
        post(deployment.local.url, rpc("tools/list"), bearer(deployment.globex_key + "x")).text
    )
    secrets = [ACME_TOKEN, GLOBEX_TOKEN, deployment.acme_key, deployment.globex_key]
    text = "\n".join([wire, *map(str, answers), *(s.log for s in deployment.replicas)])
    for secret in secrets:
        assert secret not in text
    assert "tenant=acme" in text  # the logs were read


# Starting and stopping


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sim_intercom", *args],
        capture_output=True,
        text=True,
        env=command_env(),
        timeout=60,
        check=False,
    )


def test_listening_off_loopback_without_authentication_refuses_to_start() -> None:
    done = run_command("mcp", "--http", "--host", "0.0.0.0", "--port", "0")
    assert done.returncode == 2
    assert "needs authentication" in done.stderr
    assert "--auth keys" in done.stderr


def test_keygen_prints_a_key_and_the_line_that_admits_only_its_hash() -> None:
    done = run_command("mcp", "keygen", "--name", "acme")
    assert done.returncode == 0
    key = done.stdout.splitlines()[1].strip()
    entry = json.loads(done.stdout.splitlines()[-1])
    assert key.startswith("sik_") and key not in done.stdout.splitlines()[-1]
    import hashlib

    assert entry["key_sha256"] == hashlib.sha256(key.encode()).hexdigest()
    assert entry["name"] == "acme"


def test_sigterm_finishes_the_call_in_flight_then_exits_0(tmp_path: Path) -> None:
    key, entry = new_key("slow")
    admins = json.dumps({"type": "admin.list", "admins": []}).encode()
    with FaultServer([drip(admins, interval=0.04)]) as intercom:
        entry = {k: v for k, v in entry.items() if k != "accessTokenFile"}
        entry |= {"accessToken": ACME_TOKEN, "baseUrl": intercom.base_url}
        keys = tmp_path / "keys.json"
        keys.write_text(json.dumps({"tenants": [entry]}))
        server = RemoteServer(["--auth", "keys", "--keys-file", str(keys)])
        try:
            call = rpc("tools/call", {"name": "intercom_list_admins", "arguments": {}})
            with ThreadPoolExecutor(1) as pool:
                pending = pool.submit(post, server.url, call, bearer(key))
                while not intercom.requests:
                    time.sleep(0.02)
                server.process.send_signal(signal.SIGTERM)
                answer = pending.result(timeout=15)
            assert answer.status_code == 200
            assert answer.json()["result"]["isError"] is False
            assert server.process.wait(15) == 0
            with pytest.raises(requests.ConnectionError):
                post(server.url, call, bearer(key))
        finally:
            server.stop()
