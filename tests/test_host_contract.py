"""A host loads sim-intercom the way Sim would: `PluginManager("sim")` and the `sim` entry point.

The suite's plugin manager holds our plugin alone (`helpers.our_plugin_manager`). Here, one
test finds it through the entry point of a built wheel, and a second plugin registered
beside it is shown to change nothing about our tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pluggy
import pytest
import responses

from helpers import CONTACT_ID, REPO_ROOT, TOKEN, US, error_list, our_plugin_manager
from intercom_examples import CONTACT
from sim_intercom import hookspecs
from sim_intercom.host import execute_tool, list_tools
from sim_intercom.manifest import default_catalog
from spec_tables import JSON_TYPES, contract_part, spec_tables

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
    # The fifteen more (tests/data/spec/intercom-tools-more.md)
    "intercom_update_ticket",
    "intercom_list_admins",
    "intercom_close_conversation",
    "intercom_open_conversation",
    "intercom_snooze_conversation",
    "intercom_assign_conversation",
    "intercom_list_tags",
    "intercom_create_tag",
    "intercom_tag_contact",
    "intercom_untag_contact",
    "intercom_tag_conversation",
    "intercom_create_note",
    "intercom_create_event",
    "intercom_attach_contact_to_company",
    "intercom_detach_contact_from_company",
}
SPEC_KEYS = {"id", "name", "description", "version", "input_schema", "output_schema", "annotations"}
HINTS = {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}


@pytest.fixture(scope="module")
def tools(plugin_manager) -> dict[str, dict]:
    return {tool["id"]: tool for tool in list_tools(plugin_manager)}


def test_thirty_one_tools_are_listed(tools):
    """Sim's 31, among every tool of the catalog."""
    assert TOOL_IDS <= set(tools) == set(default_catalog().tools)


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
    assert set(tables) == TOOL_IDS
    for tool_id, table in tables.items():
        schema = tools[tool_id]["input_schema"]
        properties, required = schema["properties"], set(schema.get("required", []))
        assert contract_part(list(properties)) == list(table), tool_id
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
        ("intercom_update_ticket", False, False, True),
        ("intercom_close_conversation", False, False, False),
        ("intercom_open_conversation", False, False, True),
        ("intercom_snooze_conversation", False, False, True),
        ("intercom_assign_conversation", False, False, False),
        ("intercom_create_tag", False, False, True),
        ("intercom_tag_contact", False, False, True),
        ("intercom_untag_contact", False, True, True),
        ("intercom_tag_conversation", False, False, False),
        ("intercom_create_note", False, False, False),
        ("intercom_create_event", False, False, False),
        ("intercom_attach_contact_to_company", False, False, True),
        ("intercom_detach_contact_from_company", False, True, True),
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


# Another plugin in the same host


FOREIGN_TOOL = {
    "id": "other_echo",
    "name": "Echo",
    "description": "Another plugin's tool.",
    "version": "1.0.0",
    "input_schema": {"type": "object"},
    "output_schema": {"type": "object"},
    "annotations": dict.fromkeys(HINTS, False),
}
FOREIGN_ANSWER = {"success": True, "output": {"from": "other"}, "error": None}


class OtherPlugin:
    """A second plugin sharing the host: it owns `other_*` tools. Registered after ours, it
    is asked first (pluggy asks the last registered first)."""

    @hookspecs.hookimpl
    def sim_register_tools(self):
        return [FOREIGN_TOOL]

    @hookspecs.hookimpl
    def sim_execute_tool(self, tool_id, params, credentials):
        return self.answer(tool_id)

    @staticmethod
    def answer(tool_id):
        return FOREIGN_ANSWER if tool_id.startswith("other_") else None


class OtherPluginAskedLast(OtherPlugin):
    """The same plugin, asked after ours: it gets its tools only if ours passes them on."""

    @hookspecs.hookimpl(trylast=True)
    def sim_execute_tool(self, tool_id, params, credentials):
        return self.answer(tool_id)


@pytest.fixture(params=[OtherPlugin, OtherPluginAskedLast], ids=["asked first", "asked last"])
def shared_host(request) -> pluggy.PluginManager:
    """A fresh host holding our plugin and another, as when two `sim` plugins are installed."""
    manager = our_plugin_manager()
    manager.register(request.param(), name="other")
    return manager


def answered(manager: pluggy.PluginManager, tool_id: str, params: dict) -> dict:
    """The result of one call through `manager`, Intercom answering with fixed bodies."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as intercom:
        intercom.get(f"{US}/contacts/{CONTACT_ID}", json=CONTACT)
        not_found = error_list("not_found", "User Not Found")
        intercom.get(f"{US}/contacts/nope", json=not_found, status=404)
        return execute_tool(manager, tool_id, params, {"accessToken": TOKEN})


def test_plugins_share_a_host_each_answering_its_own_tools(shared_host):
    other = shared_host.hook.sim_execute_tool(tool_id="other_x", params={}, credentials={})
    ours = shared_host.hook.sim_execute_tool(
        tool_id="intercom_get_ticket", params={}, credentials={}
    )
    nobody = shared_host.hook.sim_execute_tool(tool_id="zzz", params={}, credentials={})
    assert other["output"] == {"from": "other"}
    assert ours["error_detail"]["kind"] == "invalid_input"
    assert nobody is None


def test_a_plugin_beside_ours_adds_its_tool_and_leaves_our_specs_alone(plugin_manager, shared_host):
    listed = list_tools(shared_host)
    assert FOREIGN_TOOL in listed
    assert [tool for tool in listed if tool != FOREIGN_TOOL] == list_tools(plugin_manager)


@pytest.mark.parametrize(
    ("tool_id", "params", "kind"),
    [
        ("intercom_get_contact", {"contactId": CONTACT_ID}, None),
        ("intercom_get_contact", {"contactId": "nope"}, "not_found"),
        ("intercom_get_ticket", {}, "invalid_input"),
    ],
    ids=["success", "api error", "input error"],
)
def test_a_plugin_beside_ours_leaves_our_results_unchanged(
    plugin_manager, shared_host, tool_id, params, kind
):
    alone = answered(plugin_manager, tool_id, params)
    beside = answered(shared_host, tool_id, params)
    assert beside == alone
    assert (alone["error_detail"] or {}).get("kind") == kind


def test_our_plugin_answers_none_for_another_plugins_tool(plugin_manager):
    answer = plugin_manager.hook.sim_execute_tool(
        tool_id=FOREIGN_TOOL["id"], params={}, credentials={}
    )
    assert answer is None


def test_hooks_are_called_with_keywords_only(plugin_manager):
    with pytest.raises(TypeError):
        plugin_manager.hook.sim_execute_tool("intercom_get_ticket", {}, {})


# The one test that finds the plugin through the `sim` entry point, as Sim does: from a
# built wheel, installed elsewhere. Only our plugin's tools are counted, so other `sim`
# plugins installed beside it change nothing.

CHECK_INSTALLED = """
import json, pluggy, sim_intercom
from sim_intercom import hookspecs
from sim_intercom.manifest import data_root
pm = pluggy.PluginManager("sim"); pm.add_hookspecs(hookspecs); pm.load_setuptools_entrypoints("sim")
plugin = pm.get_plugin("intercom")
tools = [t["id"] for t in plugin.sim_register_tools()] if plugin is not None else []
print(json.dumps({"registered": plugin is not None, "tools": tools,
                  "plugin": getattr(plugin, "__file__", None),
                  "package": sim_intercom.__file__, "data": str(data_root())}))
"""


@pytest.mark.slow
def test_a_built_wheel_is_found_through_the_entry_point_with_its_manifest_and_schemas(
    tmp_path,
):
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
    assert found["registered"], "the `sim` entry point did not register the plugin"
    assert set(found["tools"]) == set(default_catalog().tools)
    assert Path(found["plugin"]).is_relative_to(target)
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
