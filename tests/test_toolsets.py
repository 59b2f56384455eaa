"""One selection model (toolsets, an allow-list of tools, read-only) through every door:
Python exports, MCP over stdio with the official client (static and dynamic toolsets),
and the limits each selection keeps. The command line's flags are in test_cli.py."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from types import SimpleNamespace
from typing import IO, Any

import mcp_types
import pytest
from mcp.shared.exceptions import MCPError

from helpers import REPO_ROOT
from mcp_helpers import SyncSession, server_env, stdio_session
from sim_intercom.exports import FORMATS, TooManyTools, export
from sim_intercom.exports.openai import openai_tool
from sim_intercom.exports.sim import sim_tool_id
from sim_intercom.exports.sizes import (
    DEFAULT_TOOL_LIMIT,
    TOOLS_LIST_LIMIT,
    sizes,
    sizes_markdown,
)
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SandboxServer
from sim_intercom.selection import SelectionError, select_catalog
from spec_tables import SPEC

CATALOG = default_catalog()
TOOLSETS = [toolset.name for toolset in CATALOG.manifest.toolsets]
READ_ONLY = {tool.id for tool in CATALOG.tools.values() if tool.entry.annotations.readOnlyHint}
META_TOOLS = ["list_toolsets", "get_toolset_tools", "enable_toolset"]


def names(exported: list[dict[str, Any]]) -> list[str]:
    return [tool["name"] for tool in exported]


def wire_bytes(exported: list[dict[str, Any]]) -> int:
    """The bytes of `tools/list` as the official SDK serializes it."""
    tools = [mcp_types.Tool.model_validate(tool) for tool in exported]
    result = mcp_types.ListToolsResult(tools=tools)
    return len(result.model_dump_json(by_alias=True, exclude_none=True).encode())


# --- Python: export(format, toolsets, tools, read_only) --------------------------------------


def test_export_of_toolsets_gives_their_tools_in_catalog_order():
    exported = names(export("mcp", ["tickets", "contacts"]))
    expected = [
        t for t in CATALOG.tools if CATALOG.tools[t].entry.toolset in ("contacts", "tickets")
    ]
    assert exported == expected


def test_export_adds_the_allow_list_to_the_toolsets():
    exported = names(export("anthropic", ["tickets"], ["intercom_list_admins"]))
    chosen = {*CATALOG.toolset_tools("tickets"), "intercom_list_admins"}
    assert exported == [tool_id for tool_id in CATALOG.tools if tool_id in chosen]


def test_export_of_an_allow_list_alone_gives_just_those_tools():
    assert names(export("mcp", tools=["intercom_list_admins"])) == ["intercom_list_admins"]


def test_read_only_wins_over_toolsets_and_the_allow_list():
    exported = names(export("gemini", ["all"], ["intercom_create_contact"], read_only=True))
    assert exported == [tool_id for tool_id in CATALOG.tools if tool_id in READ_ONLY]
    assert export("mcp", tools=["intercom_create_contact"], read_only=True) == []


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "sim"])
def test_every_llm_export_is_a_list_whatever_the_selection(fmt):
    for toolsets, tools in ((None, None), (["admins"], None), (None, ["intercom_get_ticket"])):
        exported = export(fmt, toolsets, tools)
        assert isinstance(exported, list) and exported, (fmt, toolsets, tools)


def test_the_sim_export_keeps_its_document_for_a_selection():
    document = export("sim", ["tickets"])
    tickets = [CATALOG.tools[tool_id] for tool_id in CATALOG.toolset_tools("tickets")]
    assert [entry["id"] for entry in document["tools"]] == [
        sim_tool_id(tool, CATALOG) for tool in tickets
    ]
    groups = [option["group"] for option in document["block"]["subBlocks"][0]["options"]]
    assert set(groups) == {"Tickets"}


@pytest.mark.parametrize(
    ("toolsets", "tools", "named"),
    [
        (["contacts", "wizards"], None, "unknown toolset 'wizards'; valid toolsets: contacts, "),
        (None, ["intercom_fly"], "unknown tool 'intercom_fly'; valid tools: intercom_create_"),
    ],
)
def test_an_unknown_toolset_or_tool_names_the_valid_ones(toolsets, tools, named):
    with pytest.raises(SelectionError) as caught:
        export("mcp", toolsets, tools)
    assert named in str(caught.value)
    assert "default, all" in str(caught.value) or "intercom_list_admins" in str(caught.value)


# --- OpenAI: the Responses format and the 128-tool limit --------------------------------------


def test_openai_responses_tools_are_the_chat_tools_unwrapped():
    chat = export("openai", ["contacts"])
    responses = export("openai-responses", ["contacts"])
    assert responses == [{"type": "function", **tool["function"]} for tool in chat]
    for tool in responses:
        assert set(tool) == {"type", "name", "description", "parameters", "strict"}
        assert tool["strict"] is True and tool["parameters"]["additionalProperties"] is False


@pytest.mark.parametrize("fmt", ["openai", "openai-responses"])
def test_an_openai_export_of_more_than_128_tools_fails_naming_the_toolsets(fmt):
    assert len(CATALOG.tools) > 128  # every operation of Intercom's API is a tool
    with pytest.raises(TooManyTools) as caught:
        export(fmt, ["all"])
    message = str(caught.value)
    assert "at most 128 tools" in message and f"has {len(CATALOG.tools)}" in message
    assert all(f"{name} (" in message for name in TOOLSETS)
    exported = export(fmt, ["contacts", "tickets"])
    assert len(exported) == len(select_catalog(CATALOG, ["contacts", "tickets"]).tools)


def test_openai_takes_exactly_128_tools():
    first = list(CATALOG.tools)[:128]
    exported = export("openai", tools=first)
    assert len(exported) == 128
    assert exported[0] == openai_tool(CATALOG.tools[first[0]])


# --- Limits -----------------------------------------------------------------------------------


def test_the_default_set_is_at_most_40_tools_and_80_kb_of_tools_list():
    exported = export("mcp")
    assert len(exported) <= DEFAULT_TOOL_LIMIT
    assert wire_bytes(exported) <= TOOLS_LIST_LIMIT


@pytest.mark.parametrize("toolset", TOOLSETS)
def test_every_toolset_is_at_most_80_kb_of_tools_list(toolset):
    assert wire_bytes(export("mcp", [toolset])) <= TOOLS_LIST_LIMIT


def test_the_default_set_holds_the_seeds_sixteen_tools():
    seed = set(re.findall(r"^### (intercom_\w+)", SPEC.read_text(encoding="utf-8"), re.M))
    assert len(seed) == 16
    assert seed <= set(CATALOG.toolset_tools("default"))


def test_all_is_served_and_its_size_is_measured_as_the_sdk_serializes_it():
    exported = export("mcp", ["all"])
    assert names(exported) == list(CATALOG.tools)
    measured = {size.name: size for size in sizes()}
    assert measured["all"].tools == len(CATALOG.tools)
    assert abs(measured["all"].tools_list_bytes - wire_bytes(exported)) < 0.02 * wire_bytes(
        exported
    )


def test_the_docs_build_writes_the_sizes_made_from_the_catalog():
    spec = importlib.util.spec_from_file_location(
        "docs_hooks", REPO_ROOT / "scripts" / "docs_hooks.py"
    )
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    page = SimpleNamespace(file=SimpleNamespace(src_uri="toolsets.md"))
    docs = (REPO_ROOT / "docs" / "toolsets.md").read_text(encoding="utf-8")
    built = hooks.on_page_markdown(docs, page, None, None)
    assert sizes_markdown() in built
    assert built.count("| `default` |") == 1 and built.endswith(docs.split("<!-- sizes:end -->")[1])


# --- MCP over stdio: a static selection --------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture(scope="module")
def errlog() -> Iterator[IO[str]]:
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        yield log


def serve(
    sandbox: SandboxServer, errlog: IO[str], *options: str, env: dict[str, str] | None = None
) -> Any:
    return stdio_session(
        sandbox.base_url, sandbox.token, errlog, debug=False, options=options, env=env
    )


def listed(session: SyncSession) -> list[str]:
    return [tool.name for tool in session.list_tools().tools]


@pytest.mark.slow
def test_mcp_serves_only_the_selection_and_refuses_the_rest(sandbox, errlog):
    options = ("--toolsets", "tickets,admins", "--tools", "intercom_get_contact", "--read-only")
    with serve(sandbox, errlog, *options) as session:
        expected = [
            tool_id
            for tool_id in CATALOG.tools
            if tool_id in READ_ONLY
            and (
                CATALOG.tools[tool_id].entry.toolset in ("tickets", "admins")
                or tool_id == "intercom_get_contact"
            )
        ]
        assert listed(session) == expected
        assert not session.call_tool("intercom_list_admins").is_error
        for outside in ("intercom_update_ticket", "intercom_list_contacts"):
            with pytest.raises(MCPError) as caught:
                session.call_tool(outside, {"ticketId": "1"})
            assert "Unknown tool" in caught.value.message


@pytest.mark.slow
def test_mcp_takes_the_selection_from_the_environment(sandbox, errlog):
    env = {"SIM_INTERCOM_TOOLSETS": "companies", "SIM_INTERCOM_READ_ONLY": "true"}
    with serve(sandbox, errlog, env=env) as session:
        expected = [t for t in CATALOG.toolset_tools("companies") if t in READ_ONLY]
        assert listed(session) == expected


@pytest.mark.slow
def test_mcp_serves_the_default_set_without_a_selection(sandbox, errlog):
    with serve(sandbox, errlog) as session:
        assert listed(session) == CATALOG.toolset_tools("default")


@pytest.mark.slow
def test_mcp_with_an_unknown_toolset_does_not_start_and_names_the_valid_ones(sandbox):
    done = subprocess.run(
        [sys.executable, "-m", "sim_intercom.mcp_server", "--toolsets", "wizards"],
        env=server_env(sandbox.token),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "unknown toolset 'wizards'; valid toolsets: " + ", ".join(TOOLSETS) in done.stderr


# --- MCP over stdio: dynamic toolsets ---------------------------------------------------------


def structured(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content
    return dict(result.structured_content)


def changes(session: SyncSession) -> int:
    return sum('"notifications/tools/list_changed"' in line for line in session.wire)


@pytest.mark.slow
def test_dynamic_toolsets_start_with_three_meta_tools(sandbox, errlog):
    with serve(sandbox, errlog, "--dynamic-toolsets") as session:
        assert '"tools":{"listChanged":true}' in session.wire[0]  # announced at initialize
        assert listed(session) == META_TOOLS
        toolsets = structured(session.call_tool("list_toolsets"))["toolsets"]
        assert [toolset["name"] for toolset in toolsets] == TOOLSETS
        assert not any(toolset["enabled"] for toolset in toolsets)
        contacts = next(toolset for toolset in toolsets if toolset["name"] == "contacts")
        assert contacts["tools"] == len(CATALOG.toolset_tools("contacts"))
        tools = structured(session.call_tool("get_toolset_tools", {"toolset": "tickets"}))
        assert [tool["name"] for tool in tools["tools"]] == CATALOG.toolset_tools("tickets")
        assert listed(session) == META_TOOLS  # looking enables nothing


@pytest.mark.slow
def test_enabling_a_toolset_adds_its_tools_and_notifies_the_client(sandbox, errlog):
    with serve(sandbox, errlog, "--dynamic-toolsets") as session:
        with pytest.raises(MCPError):
            session.call_tool("intercom_list_admins")
        answer = structured(session.call_tool("enable_toolset", {"toolset": "admins"}))
        assert answer["added"] == CATALOG.toolset_tools("admins")
        assert changes(session) == 1
        assert listed(session) == [*META_TOOLS, *CATALOG.toolset_tools("admins")]
        assert not session.call_tool("intercom_list_admins").is_error
        structured(session.call_tool("enable_toolset", {"toolset": "admins"}))
        assert changes(session) == 1  # nothing new, nothing said
        unknown = session.call_tool("enable_toolset", {"toolset": "wizards"})
        assert unknown.is_error and "valid toolsets: contacts" in unknown.content[0].text


@pytest.mark.slow
def test_dynamic_toolsets_keep_read_only_and_the_allow_list(sandbox, errlog):
    options = ("--dynamic-toolsets", "--read-only", "--tools", "intercom_get_ticket")
    with serve(sandbox, errlog, *options) as session:
        assert listed(session) == [*META_TOOLS, "intercom_get_ticket"]
        answer = structured(session.call_tool("enable_toolset", {"toolset": "contacts"}))
        expected = [t for t in CATALOG.toolset_tools("contacts") if t in READ_ONLY]
        assert answer["added"] == expected
        assert listed(session) == [
            *META_TOOLS,
            *[t for t in CATALOG.tools if t in {*expected, "intercom_get_ticket"}],
        ]
        with pytest.raises(MCPError):
            session.call_tool("intercom_create_contact", {"email": "a@example.com"})
