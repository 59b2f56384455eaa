"""The MCP server on the SDK's 1.x line, as `pip install 'sim-intercom[mcp]'
langchain-mcp-adapters` installs it (`mcp<2`): the vendored mcp 1.24.0 wheel
(tests/data/mcp-1.x) is unpacked in front of the test environment's 2.x, and the server
process is driven by the official 2.x client, over stdio and Streamable HTTP. A version
the server cannot use stops it, saying which was found and which is needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from mcp.shared.exceptions import MCPError

from helpers import REPO_ROOT
from mcp_helpers import PLUGIN_DIR, HttpServerProcess, http_session, stdio_session
from sim_intercom.manifest import default_catalog
from sim_intercom.mcp_compat import version_problem
from sim_intercom.sandbox import SandboxServer

pytestmark = pytest.mark.slow

WHEEL = REPO_ROOT / "tests" / "data" / "mcp-1.x" / "mcp-1.24.0-py3-none-any.whl"
CATALOG = default_catalog()
PROBE = "import sim_intercom.mcp_compat as c; print(c.VERSION, c.V2)"


@pytest.fixture(scope="module")
def mcp1_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """PYTHONPATH with mcp 1.24.0 first, then the plugin's source."""
    folder = tmp_path_factory.mktemp("mcp-1.x")
    with zipfile.ZipFile(WHEEL) as wheel:
        wheel.extractall(folder)
    return {"PYTHONPATH": os.pathsep.join([str(folder), str(PLUGIN_DIR)])}


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def errlog() -> Iterator[IO[str]]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        yield log


def test_the_server_process_runs_on_mcp_1x(mcp1_env):
    probe = subprocess.run(
        [sys.executable, "-c", PROBE],
        env={**os.environ, **mcp1_env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert probe.stdout.split() == ["1.24.0", "False"]


def test_mcp_1x_lists_calls_and_refuses_an_unknown_tool_over_stdio(mcp1_env, sandbox, errlog):
    options = ("--toolsets", "admins,tickets")
    with stdio_session(
        sandbox.base_url, sandbox.token, errlog, options=options, env=mcp1_env
    ) as session:
        listed = [tool.name for tool in session.list_tools().tools]
        chosen = {*CATALOG.toolset_tools("tickets"), *CATALOG.toolset_tools("admins")}
        assert listed == [tool_id for tool_id in CATALOG.tools if tool_id in chosen]
        result = session.call_tool("intercom_list_admins")
        assert not result.is_error and result.structured_content["admins"]
        with pytest.raises(MCPError) as caught:
            session.call_tool("intercom_list_contacts")
        assert caught.value.code == -32602 and "Unknown tool" in caught.value.message
        failed = session.call_tool("intercom_get_ticket", {"ticketId": "404404"})
        assert failed.is_error and failed.content[0].text.startswith("not_found: ")


def test_mcp_1x_dynamic_toolsets_enable_and_notify(mcp1_env, sandbox, errlog):
    with stdio_session(
        sandbox.base_url, sandbox.token, errlog, options=("--dynamic-toolsets",), env=mcp1_env
    ) as session:
        assert len(session.list_tools().tools) == 3
        enabled = session.call_tool("enable_toolset", {"toolset": "admins"})
        assert enabled.structured_content["added"] == CATALOG.toolset_tools("admins")
        assert any("notifications/tools/list_changed" in line for line in session.wire)
        assert "intercom_list_admins" in [tool.name for tool in session.list_tools().tools]


def test_mcp_1x_serves_streamable_http(mcp1_env, sandbox):
    server = HttpServerProcess(sandbox.base_url, sandbox.token, env=mcp1_env)
    try:
        with http_session(server.url) as session:
            listed = [tool.name for tool in session.list_tools().tools]
            assert listed == CATALOG.toolset_tools("default")
            assert not session.call_tool("intercom_list_admins").is_error
    finally:
        server.stop()


@pytest.mark.parametrize("found", ["1.19.0", "1.23.3", "3.0.0"])
def test_a_version_the_server_cannot_use_is_named_with_the_one_needed(found):
    problem = version_problem(found)
    assert problem is not None
    assert f"mcp {found} is installed" in problem and "mcp>=1.24,<3" in problem


@pytest.mark.parametrize("found", ["1.24.0", "1.30.0", "2.3.0"])
def test_both_lines_are_accepted(found):
    assert version_problem(found) is None


def test_sim_intercom_mcp_with_an_old_mcp_says_which_it_found(tmp_path: Path):
    package = tmp_path / "mcp"
    package.mkdir()
    (package / "__init__.py").write_text("")
    metadata = tmp_path / "mcp-1.10.0.dist-info"
    metadata.mkdir()
    (metadata / "METADATA").write_text("Metadata-Version: 2.1\nName: mcp\nVersion: 1.10.0\n")
    done = subprocess.run(
        [sys.executable, "-m", "sim_intercom", "mcp", "--sandbox"],
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(PLUGIN_DIR)])},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "mcp 1.10.0 is installed" in done.stderr and "mcp>=1.24,<3" in done.stderr


HANDSHAKE = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def test_sim_intercom_mcp_on_1x_serves_and_exits_cleanly_when_the_client_goes(mcp1_env):
    server = subprocess.Popen(
        [sys.executable, "-m", "sim_intercom", "mcp", "--sandbox", "--toolsets", "admins"],
        env={**os.environ, **mcp1_env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdin is not None and server.stdout is not None
        server.stdin.write("".join(json.dumps(message) + "\n" for message in HANDSHAKE))
        server.stdin.flush()
        answers = [json.loads(server.stdout.readline()) for _ in range(2)]
        _, stderr = server.communicate(timeout=30)  # closes stdin: the client goes
    finally:
        if server.poll() is None:
            server.kill()
    listed = [tool["name"] for tool in answers[1]["result"]["tools"]]
    assert listed == CATALOG.toolset_tools("admins")
    assert server.returncode == 0, stderr
    assert "unexpected error" not in stderr
