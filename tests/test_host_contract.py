"""A host loads sim-intercom the way Sim would: `PluginManager("sim")` and the `sim` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pluggy
import pytest

from conftest import REPO_ROOT
from sim_intercom import hookspecs
from sim_intercom.host import list_tools
from spec_tables import JSON_TYPES, spec_tables

TOOL_IDS = {
    "intercom_create_contact",
    "intercom_get_contact",
    "intercom_update_contact",
    "intercom_list_contacts",
    "intercom_search_contacts",
    "intercom_delete_contact",
    "intercom_create_company",
    "intercom_get_company",
    "intercom_list_companies",
    "intercom_get_conversation",
    "intercom_list_conversations",
    "intercom_reply_conversation",
    "intercom_search_conversations",
    "intercom_create_ticket",
    "intercom_get_ticket",
    "intercom_create_message",
}
SPEC_KEYS = {"id", "name", "description", "version", "input_schema", "output_schema", "annotations"}
HINTS = {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}


@pytest.fixture(scope="module")
def bare_manager() -> pluggy.PluginManager:
    """Only pluggy and the hook specs: the plugin must be found through its entry point."""
    manager = pluggy.PluginManager("sim")
    manager.add_hookspecs(hookspecs)
    manager.load_setuptools_entrypoints("sim")
    return manager


@pytest.fixture(scope="module")
def tools(bare_manager) -> dict[str, dict]:
    return {tool["id"]: tool for tool in list_tools(bare_manager)}


def test_the_entry_point_registers_the_plugin(bare_manager):
    assert bare_manager.get_plugin("intercom") is not None


def test_sixteen_tools_are_listed(tools):
    assert set(tools) == TOOL_IDS


def test_each_tool_spec_has_the_contract_keys(tools):
    for tool in tools.values():
        assert set(tool) >= SPEC_KEYS, tool["id"]
        assert set(tool["annotations"]) == HINTS


def test_tool_schemas_are_self_contained(tools):
    for tool in tools.values():
        dumped = json.dumps([tool["input_schema"], tool["output_schema"]])
        assert '"$ref"' not in dumped, tool["id"]


def test_input_parameters_equal_the_spec_tables(tools):
    tables = spec_tables()
    if tables is None:
        pytest.skip("../shared/spec/intercom-tools.md is not beside this checkout")
    assert set(tables) == TOOL_IDS
    for tool_id, table in tables.items():
        schema = tools[tool_id]["input_schema"]
        properties, required = schema["properties"], set(schema.get("required", []))
        assert list(properties) == list(table), tool_id
        for name, (spec_type, spec_required) in table.items():
            declared = properties[name]["type"]
            declared = {declared} if isinstance(declared, str) else set(declared)
            assert declared <= JSON_TYPES[spec_type], (tool_id, name)
            assert (name in required) == spec_required, (tool_id, name)


@pytest.mark.parametrize(
    ("prefix", "read_only", "destructive", "idempotent"),
    [
        ("intercom_get_", True, False, True),
        ("intercom_list_", True, False, True),
        ("intercom_search_", True, False, True),
        ("intercom_delete_", False, True, True),
        ("intercom_create_company", False, False, True),
        ("intercom_reply_", False, False, False),
        ("intercom_create_ticket", False, False, False),
        ("intercom_create_message", False, False, False),
    ],
)
def test_annotations_follow_what_each_tool_does(tools, prefix, read_only, destructive, idempotent):
    matching = [t for t in tools.values() if t["id"].startswith(prefix)]
    assert matching
    for tool in matching:
        hints = tool["annotations"]
        assert (hints["readOnlyHint"], hints["destructiveHint"], hints["idempotentHint"]) == (
            read_only,
            destructive,
            idempotent,
        ), tool["id"]


class OtherPlugin:
    """A second plugin sharing the host: it owns `other_*` tools."""

    @hookspecs.hookimpl
    def sim_execute_tool(self, tool_id, params, credentials):
        if tool_id.startswith("other_"):
            return {"success": True, "output": {"from": "other"}, "error": None}
        return None


def test_plugins_share_a_host_each_answering_its_own_tools(bare_manager):
    bare_manager.register(OtherPlugin(), name="other")
    try:
        other = bare_manager.hook.sim_execute_tool(tool_id="other_x", params={}, credentials={})
        ours = bare_manager.hook.sim_execute_tool(
            tool_id="intercom_get_ticket", params={}, credentials={}
        )
        nobody = bare_manager.hook.sim_execute_tool(tool_id="zzz", params={}, credentials={})
    finally:
        bare_manager.unregister(name="other")
    assert other["output"] == {"from": "other"}
    assert ours["error_detail"]["kind"] == "invalid_input"
    assert nobody is None


def test_hooks_are_called_with_keywords_only(bare_manager):
    with pytest.raises(TypeError):
        bare_manager.hook.sim_execute_tool("intercom_get_ticket", {}, {})


CHECK_INSTALLED = """
import json, pluggy, sim_intercom
from sim_intercom import hookspecs
from sim_intercom.manifest import data_root
pm = pluggy.PluginManager("sim"); pm.add_hookspecs(hookspecs); pm.load_setuptools_entrypoints("sim")
tools = [t["id"] for specs in pm.hook.sim_register_tools() for t in specs]
print(json.dumps({"tools": tools, "package": sim_intercom.__file__, "data": str(data_root())}))
"""


@pytest.mark.slow
def test_a_built_wheel_carries_manifest_and_schemas_and_loads_from_elsewhere(tmp_path):
    wheels, target = tmp_path / "wheels", tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(REPO_ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("sim_intercom-*.whl"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", CHECK_INSTALLED],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(run.stdout)
    assert set(found["tools"]) == TOOL_IDS
    assert Path(found["package"]).is_relative_to(target)
    assert Path(found["data"]).is_relative_to(target)


def test_the_version_is_written_once_and_read_everywhere():
    import sim_intercom
    from sim_intercom.manifest import default_catalog
    from sim_intercom.version import USER_AGENT

    version = default_catalog().manifest.version
    assert sim_intercom.__version__ == version
    assert f"sim-intercom/{version}" == USER_AGENT
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
