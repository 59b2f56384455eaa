"""`sim-intercom mcp` over stdio answers every request, even one whose text the SDK's parser
refuses (a lone surrogate escape, 20,000 levels of nesting), with an error carrying the
request's id, and goes on answering."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

pytest.importorskip("mcp")

from sim_intercom.stdio_lines import MAX_DEPTH, screened
from test_cli_serve import _env, _read_line

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
LONE_SURROGATE = (
    '{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": '
    '"intercom_get_contact", "arguments": {"contactId": "\\ud800"}}}'
)
DEEP = (
    '{"jsonrpc": "2.0", "id": "deep", "method": "tools/call", "params": {"name": '
    '"intercom_get_contact", "arguments": {"contactId": ' + "[" * 20_000 + "]" * 20_000 + "}}}"
)


class StdioServer:
    """`sim-intercom mcp --sandbox`, spoken to in newline-delimited JSON-RPC."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "sim_intercom", "mcp", "--sandbox"]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=_env(),
        )

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def ask(self, line: str) -> dict[str, Any]:
        self.send(line)
        answer: dict[str, Any] = json.loads(_read_line(self.process, timeout=30))
        return answer


@pytest.fixture(scope="module")
def server() -> Iterator[StdioServer]:
    started = StdioServer()
    try:
        started.ask(json.dumps(INITIALIZE))
        started.send(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        yield started
    finally:
        started.process.kill()
        started.process.wait(10)


def test_a_lone_surrogate_gets_an_error_carrying_the_requests_id(server):
    answer = server.ask(LONE_SURROGATE)
    assert answer["id"] == 7
    assert "lone surrogate" in answer["error"]["message"]


def test_arguments_nested_20000_deep_get_an_error_carrying_the_requests_id(server):
    answer = server.ask(DEEP)
    assert answer["id"] == "deep"
    assert f"deeper than {MAX_DEPTH} levels" in answer["error"]["message"]


def test_the_server_goes_on_answering_after_unusable_requests(server):
    server.ask(LONE_SURROGATE)
    answer = server.ask(json.dumps({"jsonrpc": "2.0", "id": 9, "method": "tools/list"}))
    assert answer["id"] == 9 and answer["result"]["tools"]


def test_an_ordinary_request_passes_unchanged():
    line = json.dumps({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}) + "\n"
    assert screened(line) == line


def test_a_deep_notification_is_left_to_the_sdk_having_no_id_to_answer():
    line = '{"jsonrpc": "2.0", "method": "x", "params": ' + "[" * 100 + "]" * 100 + "}\n"
    assert screened(line) == line
