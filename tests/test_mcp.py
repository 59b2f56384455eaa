"""The MCP server, driven by the official SDK's own client over stdio and Streamable HTTP,
against the sandbox on loopback."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from typing import IO, Any

import pytest

pytest.importorskip("mcp")

import requests
from jsonschema import Draft202012Validator
from mcp.shared.exceptions import MCPError

from mcp_helpers import (
    HttpServerProcess,
    SyncSession,
    default_tool_ids,
    http_session,
    stdio_session,
)
from sim_intercom import mcp_server
from sim_intercom.exports import mcp_tools
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SandboxServer

pytestmark = pytest.mark.slow

HINTS = ("readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint")
MISSING_ID = "6762f0dd00000000000000ff"


class Sandbox:
    """A sandbox that keeps the line of every request it answered."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.server = SandboxServer(log=self.requests.append)

    @property
    def token(self) -> str:
        return self.server.token


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    box = Sandbox()
    with box.server:
        yield box


@pytest.fixture(scope="module")
def server_log() -> Iterator[IO[str]]:
    """The stdio server's standard error, every logger at DEBUG."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        yield log


@pytest.fixture(scope="module")
def stdio(sandbox: Sandbox, server_log: IO[str]) -> Iterator[SyncSession]:
    with stdio_session(sandbox.server.base_url, sandbox.token, server_log) as session:
        yield session


def text_of(result: Any) -> str:
    assert len(result.content) == 1
    assert result.content[0].type == "text"
    text: str = result.content[0].text
    return text


def listed(session: SyncSession) -> dict[str, Any]:
    return {tool.name: tool for tool in session.list_tools().tools}


def check_output(session: SyncSession, name: str, result: Any) -> dict[str, Any]:
    """The structured content of a successful call, valid against the listed schema."""
    assert result.is_error is False, text_of(result)
    schema = listed(session)[name].output_schema
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(result.structured_content))
    assert not errors, errors[0]
    output: dict[str, Any] = result.structured_content
    return output


# In process: the definitions and the configuration


def test_tool_definitions_are_the_mcp_export_of_the_catalog() -> None:
    catalog = default_catalog()
    definitions = mcp_server.tool_definitions()
    assert definitions == mcp_tools()
    assert [d["name"] for d in definitions] == default_tool_ids()
    for definition in definitions:
        spec = catalog.tools[definition["name"]].spec()
        assert definition["title"] == spec["name"]
        assert list(definition["inputSchema"]["properties"]) == list(
            spec["input_schema"]["properties"]
        )
        assert definition["annotations"] == {"title": spec["name"], **spec["annotations"]}
        assert "accessToken" not in json.dumps(definition["inputSchema"])


def test_a_server_without_a_usable_token_does_not_start() -> None:
    with pytest.raises(ValueError, match="accessToken: is required"):
        mcp_server.build_server({})
    secret = "tok secret\nwith a newline"
    with pytest.raises(ValueError, match="accessToken") as caught:
        mcp_server.build_server({"accessToken": secret})
    assert "secret" not in str(caught.value)
    with pytest.raises(ValueError, match="baseUrl") as caught:
        mcp_server.build_server({"accessToken": "tok_12345678", "baseUrl": "http://example.com"})
    with pytest.raises(ValueError, match=r"region.*maxRetries"):
        mcp_server.build_server({"accessToken": "tok_12345678", "region": "mars", "maxRetries": 99})


def test_the_http_server_listens_on_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        mcp_server.serve_http({"accessToken": "tok_12345678"}, host="0.0.0.0", port=0)


def test_without_a_token_the_entry_point_explains_and_exits(monkeypatch, capsys) -> None:
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    assert mcp_server.main([]) == 2
    assert "accessToken: is required" in capsys.readouterr().err


def test_a_token_in_a_result_is_redacted() -> None:
    token = "tok_live_secret_123"
    failed = {
        "success": False,
        "output": {},
        "error": f"boom {token}",
        "error_detail": {"kind": "internal", "message": f"boom {token}"},
    }
    text = text_of(mcp_server.render_result(failed, token))
    assert token not in text
    assert text.startswith("internal: boom [redacted]")


# Over stdio, as an MCP client's config starts it


def test_stdio_lists_the_default_toolset_from_the_catalog(stdio: SyncSession) -> None:
    catalog = default_catalog()
    tools = listed(stdio)
    assert list(tools) == default_tool_ids()
    exported = {tool["name"]: tool for tool in mcp_tools()}
    for name, tool in tools.items():
        spec = catalog.tools[name].spec()
        assert tool.title == spec["name"]
        assert tool.description == exported[name]["description"]
        assert tool.input_schema == exported[name]["inputSchema"]
        assert tool.output_schema == exported[name]["outputSchema"]
        hints = tool.annotations.model_dump(by_alias=True, exclude_none=True)
        assert hints == {"title": spec["name"], **spec["annotations"]}
        assert set(HINTS) <= set(hints)
    assert stdio.session.initialize_result is not None
    assert stdio.session.initialize_result.server_info.name == "sim-intercom"


def test_stdio_gets_a_contact_found_in_the_list(stdio: SyncSession) -> None:
    listing = stdio.call_tool("intercom_list_contacts")
    contacts = check_output(stdio, "intercom_list_contacts", listing)
    contact_id = contacts["contacts"][0]["id"]
    result = stdio.call_tool("intercom_get_contact", {"contactId": contact_id})
    output = check_output(stdio, "intercom_get_contact", result)
    assert output["contact"]["id"] == contact_id
    assert json.loads(text_of(result)) == output  # a small result's text is its whole JSON


def test_stdio_pages_through_contacts(stdio: SyncSession) -> None:
    first = stdio.call_tool("intercom_list_contacts", {"per_page": 2})
    page = check_output(stdio, "intercom_list_contacts", first)
    assert len(page["contacts"]) == 2
    cursor = page["next_starting_after"]
    assert cursor
    second = stdio.call_tool("intercom_list_contacts", {"per_page": 2, "starting_after": cursor})
    next_page = check_output(stdio, "intercom_list_contacts", second)
    assert next_page["contacts"]
    first_ids = {c["id"] for c in page["contacts"]}
    assert not first_ids & {c["id"] for c in next_page["contacts"]}


def test_stdio_a_large_result_has_a_short_text(stdio: SyncSession) -> None:
    result = stdio.call_tool("intercom_list_contacts", {"per_page": 150})
    output = check_output(stdio, "intercom_list_contacts", result)
    whole = json.dumps(output, ensure_ascii=False, separators=(",", ":"))
    assert len(whole) > 2 * mcp_server.TEXT_LIMIT  # the seeded contacts make a long answer
    text = text_of(result)
    assert len(text) <= mcp_server.TEXT_LIMIT + 200
    assert text.startswith(whole[: mcp_server.TEXT_LIMIT])
    assert f"truncated: {len(whole)} characters" in text


def test_stdio_not_found_is_a_tool_error(stdio: SyncSession, sandbox: Sandbox) -> None:
    result = stdio.call_tool("intercom_get_contact", {"contactId": MISSING_ID})
    assert result.is_error is True
    assert result.structured_content is None
    text = text_of(result)
    assert text.startswith("not_found: ")
    assert "404" in text
    assert sandbox.token not in text


def test_stdio_a_missing_parameter_is_named_and_nothing_is_sent(
    stdio: SyncSession, sandbox: Sandbox
) -> None:
    before = len(sandbox.requests)
    result = stdio.call_tool("intercom_get_contact", {})
    assert result.is_error is True
    text = text_of(result)
    assert text.startswith("invalid_input: ")
    assert "contactId" in text
    assert len(sandbox.requests) == before


def test_stdio_every_bad_parameter_is_named(stdio: SyncSession, sandbox: Sandbox) -> None:
    before = len(sandbox.requests)
    result = stdio.call_tool("intercom_list_contacts", {"per_page": 1000, "colour": "red"})
    assert result.is_error is True
    text = text_of(result)
    assert "per_page" in text
    assert "colour" in text
    assert len(sandbox.requests) == before


def test_stdio_a_refused_write_says_it_was_not_applied(stdio: SyncSession) -> None:
    arguments = {"role": "user", "email": "mcp-twice@example.com"}
    created = stdio.call_tool("intercom_create_contact", arguments)
    assert check_output(stdio, "intercom_create_contact", created)["contact"]["email"] == (
        "mcp-twice@example.com"
    )
    again = stdio.call_tool("intercom_create_contact", arguments)
    assert again.is_error is True
    text = text_of(again)
    assert text.startswith("conflict: ")
    assert "outcome: not_applied" in text


def test_stdio_an_unknown_tool_is_a_protocol_error_and_the_session_goes_on(
    stdio: SyncSession,
) -> None:
    for name in ("intercom_no_such_tool", "send_email"):
        with pytest.raises(MCPError) as caught:
            stdio.call_tool(name, {})
        assert caught.value.code == -32602  # INVALID_PARAMS, as the MCP spec says
        assert "Unknown tool" in caught.value.message
    assert list(listed(stdio)) == default_tool_ids()


def test_stdio_the_client_cannot_supply_the_token(stdio: SyncSession) -> None:
    result = stdio.call_tool("intercom_get_ticket", {"ticketId": "501", "accessToken": "nope"})
    assert check_output(stdio, "intercom_get_ticket", result)["ticket"]["id"] == "501"


def test_stdio_the_token_is_in_no_message_and_no_log_line(
    stdio: SyncSession, sandbox: Sandbox, server_log: IO[str]
) -> None:
    stdio.call_tool("intercom_get_contact", {"contactId": MISSING_ID})
    stdio.call_tool("intercom_list_companies", {"per_page": 1})
    assert len(stdio.wire) > 5
    assert not [message for message in stdio.wire if sandbox.token in message]
    server_log.flush()
    server_log.seek(0)
    log = server_log.read()
    assert "sim_intercom.http" in log  # the request log was on, at DEBUG
    assert sandbox.token not in log


# Over Streamable HTTP, on a loopback port


@pytest.fixture(scope="module")
def http_server(sandbox: Sandbox) -> Iterator[HttpServerProcess]:
    server = HttpServerProcess(sandbox.server.base_url, sandbox.token)
    try:
        yield server
    finally:
        server.stop()


def test_http_lists_and_calls(http_server: HttpServerProcess, sandbox: Sandbox) -> None:
    assert http_server.url.startswith("http://127.0.0.1:")
    with http_session(http_server.url) as session:
        assert list(listed(session)) == default_tool_ids()
        globex = {"companyId": "6762f07a0000000000000001"}
        result = session.call_tool("intercom_get_company", globex)
        output = check_output(session, "intercom_get_company", result)
        assert output["company"]["company_id"] == "globex"
        missing = session.call_tool("intercom_get_ticket", {"ticketId": "999999"})
        assert missing.is_error is True
        assert text_of(missing).startswith("not_found: ")
        assert not [message for message in session.wire if sandbox.token in message]
    assert sandbox.token not in http_server.stderr


def test_http_refuses_another_host_name(http_server: HttpServerProcess) -> None:
    """DNS rebinding protection: a page on another origin cannot reach the token."""
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "evil", "version": "1"},
        },
    }
    headers = {"Accept": "application/json, text/event-stream"}
    foreign_host = requests.post(
        http_server.url,
        json=initialize,
        headers={**headers, "Host": "evil.example:80"},
        timeout=5,
    )
    assert foreign_host.status_code == 421
    foreign_origin = requests.post(
        http_server.url,
        json=initialize,
        headers={**headers, "Origin": "http://evil.example"},
        timeout=5,
    )
    assert foreign_origin.status_code == 403
