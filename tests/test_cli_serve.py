"""`sim-intercom sandbox` and `sim-intercom mcp`: serving until stopped, on loopback, and
failing in one line (a busy port, a bad value, no token, no MCP SDK)."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator

import pytest
import requests

from sim_intercom.cli import main, serve
from sim_intercom.selection import Selection

TOKEN = "tok_for_the_mcp_server_123"


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1", **extra}


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        yield listener.getsockname()[1]


# --- sandbox --------------------------------------------------------------------------------


@pytest.mark.slow
def test_the_sandbox_stops_cleanly_on_sigterm():
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--quiet"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    ) as process:
        try:
            banner = [process.stdout.readline()]
            while banner[-1] not in ("Press Ctrl+C to stop.\n", ""):
                banner.append(process.stdout.readline())
            assert banner[0] == "Intercom sandbox listening\n"
            assert banner[-1] == "Press Ctrl+C to stop.\n"
            process.send_signal(signal.SIGTERM)
            output, errors = process.communicate(timeout=10)
        finally:
            process.kill()
    assert process.returncode == 0
    assert "Stopping." in output.splitlines()
    assert errors == ""
    try_line = next(line for line in banner if line.startswith("Try: "))
    assert try_line.startswith("Try: INTERCOM_ACCESS_TOKEN=sandbox-token sim-intercom run ")
    assert "--token" not in try_line


def test_the_sandbox_delivers_signed_webhooks_where_it_is_told(tmp_path):
    received: list[tuple[bytes, str]] = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("X-Hub-Signature", "")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("client-secret\n")
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
    command = [
        *[sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--quiet"],
        *["--webhook-url", url, "--webhook-secret-file", str(secret_file)],
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    ) as process:
        try:
            banner = [process.stdout.readline() for _ in range(6)]
            base_url = next(line.split()[-1] for line in banner if "base URL" in line)
            assert any(f"signed, to {url}" in line for line in banner)
            answer = requests.post(
                f"{base_url}/contacts",
                json={"role": "user", "email": "hook@example.com"},
                headers={"Authorization": "Bearer sandbox-token"},
                timeout=5,
            )
            deadline = time.monotonic() + 10
            while not received and time.monotonic() < deadline:
                time.sleep(0.02)
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=10)
        finally:
            process.kill()
            receiver.shutdown()
    assert answer.status_code == 200
    body, signature = received[0]
    expected = hmac.new(b"client-secret", body, hashlib.sha1).hexdigest()
    assert signature == f"sha1={expected}"
    assert json.loads(body)["topic"] == "contact.user.created"


def test_a_webhook_url_off_loopback_is_a_usage_error_naming_the_flag(capsys):
    assert main(["sandbox", "--webhook-url", "http://169.254.169.254/hook"]) == 2
    assert "--allow-remote-webhooks" in capsys.readouterr().err


def test_a_webhook_secret_without_a_url_is_a_usage_error(tmp_path, capsys):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("s")
    assert main(["sandbox", "--webhook-secret-file", str(secret_file)]) == 2
    assert "--webhook-secret-file needs --webhook-url" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("intercom.example", False),
    ],
)
def test_loopback_is_127_8_the_ipv6_loopback_and_localhost(host, loopback):
    assert serve.is_loopback(host) is loopback


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "sandbox.example"])
def test_the_sandbox_refuses_a_host_beyond_loopback(host, capsys):
    assert main(["sandbox", "--host", host]) == 2
    printed = capsys.readouterr()
    assert "--allow-remote" in one_line(printed.err) and printed.out == ""


def test_allow_remote_serves_beyond_loopback_with_a_warning(capsys, monkeypatch):
    """A stand-in server records where it would listen; the wait ends as Ctrl+C ends it."""
    from sim_intercom import sandbox

    started: list[tuple[str, int]] = []

    class FakeServer:
        token = "sandbox-token"
        base_url = "http://0.0.0.0:8181"

        def __init__(self, workspace, *, host, port, **options):
            self.address = (host, port)

        def start(self):
            started.append(self.address)

        def stop(self):
            started.append(("stopped", 0))

    def interrupted(seconds):
        raise KeyboardInterrupt

    monkeypatch.setattr(sandbox, "SandboxServer", FakeServer)
    monkeypatch.setattr(
        serve, "time", types.SimpleNamespace(perf_counter=time.perf_counter, sleep=interrupted)
    )
    assert main(["sandbox", "--host", "0.0.0.0", "--allow-remote", "--empty"]) == 0
    assert started == [("0.0.0.0", 8181), ("stopped", 0)]
    printed = capsys.readouterr()
    assert "warning" in one_line(printed.err) and "0.0.0.0" in printed.err
    assert printed.out.rstrip().endswith("Stopping.")


def test_a_busy_port_is_one_line_and_exits_one(busy_port, capsys):
    assert main(["sandbox", "--port", str(busy_port), "--quiet"]) == 1
    message = one_line(capsys.readouterr().err)
    assert (
        message == f"sim-intercom: cannot listen on 127.0.0.1:{busy_port}: Address already in use"
    )


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--contacts", "-1"], "argument --contacts: must be zero or more, got -1"),
        (["--contacts", "many"], "argument --contacts: 'many' is not a whole number"),
        (["--port", "70000"], "argument --port: a port is 0 to 65535, got 70000"),
        (["--rate-limit", "0"], "--rate-limit needs a positive count and window"),
        (["--rate-limit", "ten"], "--rate-limit must be N or N/SECONDS"),
    ],
)
def test_a_bad_sandbox_value_is_a_usage_error(args, problem, capsys):
    assert main(["sandbox", *args]) == 2
    printed = capsys.readouterr()
    assert problem in printed.err.splitlines()[-1]
    assert "Traceback" not in printed.err and printed.out == ""


# --- mcp: wiring ----------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch) -> list[dict]:
    """`sim_intercom.mcp_server`'s serve functions replaced by ones that record how they were
    called, and check that a sandbox they were given answers."""
    calls: list[dict] = []

    def serve_stdio(credentials, selection=None, *, dynamic=False):
        calls.append({"transport": "stdio", "credentials": dict(credentials)})
        calls[-1].update(selection=selection, dynamic=dynamic)
        _check_sandbox(credentials)

    def serve_http(
        credentials, host="127.0.0.1", port=8182, *, on_ready=None, selection=None, dynamic=False
    ):
        calls.append({"transport": "http", "credentials": dict(credentials), "host": host})
        calls[-1].update(port=port, selection=selection, dynamic=dynamic)
        if on_ready is not None:
            on_ready(f"http://{host}:{port}/mcp")

    module = types.ModuleType("sim_intercom.mcp_server")
    module.serve_stdio = serve_stdio  # type: ignore[attr-defined]
    module.serve_http = serve_http  # type: ignore[attr-defined]
    import sim_intercom

    monkeypatch.setitem(sys.modules, "sim_intercom.mcp_server", module)
    monkeypatch.setattr(sim_intercom, "mcp_server", module, raising=False)
    return calls


DEFAULT_SELECTION = {"selection": Selection(), "dynamic": False}


def _check_sandbox(credentials):
    if "baseUrl" in credentials and credentials["baseUrl"].startswith("http://127.0.0.1:"):
        headers = {"Authorization": f"Bearer {credentials['accessToken']}"}
        answer = requests.get(f"{credentials['baseUrl']}/me", headers=headers, timeout=5)
        assert answer.status_code == 200


def test_mcp_serves_stdio_with_the_token_from_the_environment(served, monkeypatch, capsys):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(["mcp", "--region", "eu"]) == 0
    credentials = {"accessToken": TOKEN, "region": "eu"}
    assert served == [{"transport": "stdio", "credentials": credentials, **DEFAULT_SELECTION}]
    printed = capsys.readouterr()
    assert printed.out == "" and TOKEN not in printed.err


def test_mcp_serves_http_on_the_port_given(served, monkeypatch, capsys, tmp_path):
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    args = ["mcp", "--http", "--port", "9999", "--token-file", str(token_file)]
    assert main([*args, "--base-url", "https://intercom.example"]) == 0
    credentials = {"accessToken": TOKEN, "baseUrl": "https://intercom.example"}
    assert served == [
        {
            "transport": "http",
            "credentials": credentials,
            "host": "127.0.0.1",
            "port": 9999,
            **DEFAULT_SELECTION,
        }
    ]
    assert "listening on http://127.0.0.1:9999/mcp" in capsys.readouterr().err


def test_mcp_over_http_takes_the_servers_default_port(served, monkeypatch):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(["mcp", "--http"]) == 0
    assert served[0]["port"] == 8182


def test_mcp_with_sandbox_serves_against_a_running_sandbox(served, monkeypatch, capsys):
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    assert main(["mcp", "--sandbox"]) == 0
    credentials = served[0]["credentials"]
    assert credentials["accessToken"] == "sandbox-token"
    assert credentials["baseUrl"].startswith("http://127.0.0.1:")
    printed = capsys.readouterr()
    assert printed.out == ""  # over stdio, stdout is the protocol's
    assert credentials["baseUrl"] in printed.err


def test_mcp_passes_the_selection_and_dynamic_toolsets(served, monkeypatch):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SIM_INTERCOM_READ_ONLY", "1")
    args = ["--toolsets", "contacts", "--tools", "intercom_get_ticket", "--dynamic-toolsets"]
    assert main(["mcp", *args]) == 0
    selection = Selection(["contacts"], ("intercom_get_ticket",), read_only=True)
    assert served[0]["selection"] == selection and served[0]["dynamic"] is True


def test_mcp_without_a_token_is_one_line_and_exits_two(served, monkeypatch, capsys):
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    assert main(["mcp"]) == 2
    message = one_line(capsys.readouterr().err)
    assert "INTERCOM_ACCESS_TOKEN" in message and "--token-file" in message
    assert served == []


def test_mcp_without_the_sdk_says_how_to_install_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "mcp", None)  # `import mcp` fails
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(["mcp"]) == 2
    message = one_line(capsys.readouterr().err)
    assert "pip install 'sim-intercom[mcp]'" in message
    assert "in a clone of the repository pip install -e '.[mcp]'" in message


@pytest.mark.parametrize(("command", "port"), [(["sandbox"], 8181), (["webhook", "serve"], 8183)])
def test_a_server_help_gives_its_default_port(command, port, capsys):
    assert main([*command, "--help"]) == 0
    assert f"port (default {port}; 0 picks a free one)" in capsys.readouterr().out


# --- mcp: the real server -------------------------------------------------------------------


def test_mcp_refuses_a_bad_setting_before_serving(monkeypatch, capsys):
    pytest.importorskip("mcp")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("SIM_INTERCOM_MAX_RETRIES", "lots")
    assert main(["mcp"]) == 2
    message = one_line(capsys.readouterr().err)
    assert "SIM_INTERCOM_MAX_RETRIES" in message and TOKEN not in message


def test_mcp_on_a_busy_port_is_one_line_and_exits_one(busy_port, monkeypatch, capsys):
    pytest.importorskip("mcp")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(["mcp", "--http", "--port", str(busy_port)]) == 1
    message = one_line(capsys.readouterr().err)
    assert (
        message == f"sim-intercom: cannot listen on 127.0.0.1:{busy_port}: Address already in use"
    )


@pytest.mark.slow
def test_mcp_serves_the_default_toolset_over_stdio_against_a_sandbox():
    """`sim-intercom mcp --sandbox` as an MCP client's config starts it: newline-delimited
    JSON-RPC on stdin and stdout, and nothing else on stdout."""
    pytest.importorskip("mcp")
    command = [sys.executable, "-m", "sim_intercom", "mcp", "--sandbox"]
    messages = [
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
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "intercom_get_ticket", "arguments": {"ticketId": "501"}},
        },
    ]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as process:
        try:
            answers = {}
            for message in messages:
                process.stdin.write(json.dumps(message) + "\n")
                process.stdin.flush()
                if "id" in message:
                    answer = json.loads(_read_line(process, timeout=30))
                    answers[answer["id"]] = answer
            process.stdin.close()
            process.wait(timeout=10)
        finally:
            process.kill()
    tools = answers[2]["result"]["tools"]
    from mcp_helpers import default_tool_ids

    assert [tool["name"] for tool in tools] == default_tool_ids()
    ticket = answers[3]["result"]
    assert ticket["isError"] is False
    assert ticket["structuredContent"]["ticket"]["id"] == "501"
    assert process.returncode == 0


def _read_line(process: subprocess.Popen, timeout: float) -> str:
    """One line of the process's stdout, or fail after `timeout` seconds."""
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise TimeoutError("the MCP server did not answer")
    line = process.stdout.readline()
    assert line, process.stderr.read()
    return line


INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stdio_mcp_stops_on_the_first_signal_with_stdin_open(signum):
    """The SDK's stdio transport alone ignores Ctrl+C and SIGTERM while stdin is open; the
    server stops on the first one, exits 0 as the other servers do, with no traceback."""
    command = [sys.executable, "-m", "sim_intercom", "mcp", "--sandbox"]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as process:
        try:
            process.stdin.write(json.dumps(INITIALIZE) + "\n")
            process.stdin.flush()
            assert json.loads(_read_line(process, timeout=30))["id"] == 1  # serving
            process.send_signal(signum)
            process.wait(timeout=10)  # a guard against hanging, not a measure of speed
            errors = process.stderr.read()
        finally:
            process.kill()
    assert process.returncode == 0
    assert "Traceback" not in errors


def test_mcp_help_shows_a_real_workspace_before_the_sandbox(capsys):
    assert main(["mcp", "--help"]) == 0
    examples = capsys.readouterr().out.split("Examples:\n", 1)[1].splitlines()
    assert "sim-intercom mcp" in examples[0]
    assert "--sandbox" not in examples[0]


def test_the_sandbox_refuses_more_contacts_than_its_limit_stating_it(capsys):
    assert main(["sandbox", "--contacts", "100000000", "--port", "0"]) == 2
    message = one_line(capsys.readouterr().err)
    assert message == (
        "sim-intercom: --contacts 100,000,000 is more than the sandbox generates: at most 1,000,000"
    )


@pytest.mark.slow
def test_the_sandbox_says_it_generates_contacts_before_it_listens():
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--quiet"]
    with subprocess.Popen(
        [*command, "--contacts", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    ) as process:
        try:
            lines = [process.stdout.readline()]
            while lines[-1] not in ("Press Ctrl+C to stop.\n", ""):
                lines.append(process.stdout.readline())
            process.send_signal(signal.SIGTERM)
            process.communicate(timeout=10)
        finally:
            process.kill()
    assert lines[:2] == ["Generating 100 contacts...\n", "Intercom sandbox listening\n"]
    assert any(line.startswith("  seeded    100 generated contacts in ") for line in lines)
