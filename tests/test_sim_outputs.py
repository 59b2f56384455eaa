"""Sim's flat output fields: every top-level output of Sim's v2 Intercom tools is also in
this plugin's output for the same operation, with the same name and meaning, so a workflow
that references `<intercom.contactId>` keeps working."""

from __future__ import annotations

import json
from typing import Any

import pytest

from helpers import REPO_ROOT
from sim_intercom.aliases import declared_aliases
from sim_intercom.manifest import default_catalog
from sim_intercom.sandbox import SANDBOX_TOKEN, mock_intercom

SIM_V2_OUTPUTS: dict[str, list[str]] = json.loads(
    (REPO_ROOT / "tests" / "data" / "sim" / "v2_outputs.json").read_text(encoding="utf-8")
)["outputs"]


def run_example(plugin_manager: Any, tool_id: str) -> dict[str, Any]:
    """The tool's own example, against a fresh sandbox."""
    params = default_catalog().tools[tool_id].entry.example.params
    with mock_intercom():
        result: dict[str, Any] = plugin_manager.hook.sim_execute_tool(
            tool_id=tool_id, params=params, credentials={"accessToken": SANDBOX_TOKEN}
        )
    assert result["success"], result["error"]
    return result


def test_the_sim_table_names_only_tools_of_the_catalog():
    assert set(SIM_V2_OUTPUTS) <= set(default_catalog().tools)


@pytest.mark.parametrize("tool_id", sorted(SIM_V2_OUTPUTS))
def test_every_sim_v2_output_is_declared_in_the_output_schema(tool_id):
    declared = default_catalog().tools[tool_id].output_schema["properties"]
    assert [name for name in SIM_V2_OUTPUTS[tool_id] if name not in declared] == []


@pytest.mark.parametrize("tool_id", sorted(SIM_V2_OUTPUTS))
def test_every_sim_v2_output_comes_back(plugin_manager, tool_id):
    output = run_example(plugin_manager, tool_id)["output"]
    assert [name for name in SIM_V2_OUTPUTS[tool_id] if name not in output] == []


@pytest.mark.parametrize(
    "tool_id",
    sorted(
        tool_id
        for tool_id, tool in default_catalog().tools.items()
        if tool_id in SIM_V2_OUTPUTS and declared_aliases(tool.output_schema)
    ),
)
def test_a_flat_field_holds_what_it_copies(plugin_manager, tool_id):
    output = run_example(plugin_manager, tool_id)["output"]
    for name, path, constant in declared_aliases(default_catalog().tools[tool_id].output_schema):
        if path is None:
            assert output[name] == constant, name
            continue
        source: Any = output
        for part in path.split("."):
            source = source[part]
        assert output[name] == (str(source) if name.endswith("Id") else source), name


def test_a_list_returns_intercoms_own_pages_object(plugin_manager):
    output = run_example(plugin_manager, "intercom_list_contacts")["output"]
    assert output["pages"]["type"] == "pages"
    assert output["pages"]["per_page"] == 50
