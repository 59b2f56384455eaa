"""The catalog is checked by pydantic models, compiled once, and read at start-up without
PyYAML or pydantic: every mistake names its file and its place with pydantic's message."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from helpers import REPO_ROOT, copy_catalog_tree, edit_manifest
from sim_intercom import manifest, manifest_models
from sim_intercom.manifest import ManifestError, compiled_path, default_catalog, load_catalog


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the manifest and schemas that a test may break."""
    return copy_catalog_tree(tmp_path)


def refused(tree: Path) -> str:
    with pytest.raises(ManifestError) as caught:
        load_catalog(tree)
    return str(caught.value)


def test_the_shipped_manifest_loads_with_every_tool(tree):
    raw = yaml.safe_load((tree / "manifest.yaml").read_text())
    assert list(load_catalog(tree).tools) == [tool["id"] for tool in raw["tools"]]


# pydantic's messages, each naming its file and place


def test_an_unknown_key_is_named_by_its_place(tree):
    edit_manifest(tree, lambda m: m["tools"][3].update(colour="red"))
    assert refused(tree) == "manifest.yaml: tools.3.colour: Extra inputs are not permitted"


def test_a_missing_key_is_named_by_its_place(tree):
    edit_manifest(tree, lambda m: m["tools"][0]["annotations"].pop("readOnlyHint"))
    assert refused(tree) == "manifest.yaml: tools.0.annotations.readOnlyHint: Field required"


def test_a_value_of_the_wrong_type_is_named(tree):
    edit_manifest(tree, lambda m: m["tools"][1]["annotations"].update(idempotentHint="yes"))
    message = refused(tree)
    assert message.startswith("manifest.yaml: tools.1.annotations.idempotentHint: ")
    assert "valid boolean" in message


def test_a_tool_id_outside_the_pattern_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][2].update(id="slack_post"))
    assert "tools.2.id: String should match pattern" in refused(tree)


def test_empty_required_text_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][0]["description"].update(llm=""))
    assert "tools.0.description.llm: String should have at least 1 character" in refused(tree)


def test_a_literal_outside_its_choices_is_refused(tree):
    edit_manifest(tree, lambda m: m["credentials"][1].update(type="slider"))
    assert "credentials.1.type: Input should be 'secret-input'" in refused(tree)


def test_every_problem_is_named_not_only_the_first(tree):
    def break_two(raw):
        raw["tools"][0].update(colour="red")
        raw["tools"][5]["annotations"].pop("openWorldHint")

    edit_manifest(tree, break_two)
    message = refused(tree)
    assert "tools.0.colour" in message and "tools.5.annotations.openWorldHint" in message


def test_a_tool_in_an_undeclared_toolset_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][0].update(toolset="invoices"))
    assert "tools.0.toolset: 'invoices' is not declared under toolsets (contacts," in refused(tree)


def test_a_reserved_toolset_name_is_refused(tree):
    edit_manifest(tree, lambda m: m["toolsets"][0].update(name="all"))
    assert "toolsets.0.name: 'all' is reserved" in refused(tree)


def test_a_default_toolset_naming_no_tool_is_refused(tree):
    edit_manifest(tree, lambda m: m["default_toolset"]["tools"].append("intercom_fly"))
    assert "'intercom_fly' is not a tool" in refused(tree)


def test_a_duplicate_tool_id_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"].append(dict(m["tools"][0])))
    last = len(default_catalog().tools)
    assert f"tools.{last}.id: duplicate id 'intercom_create_contact'" in refused(tree)


def test_an_operation_that_is_not_method_and_path_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][0].update(operation="createContact"))
    assert "tools.0.operation:" in refused(tree)


def test_a_missing_schema_file_is_named(tree):
    (tree / "schemas" / "intercom_get_ticket.json").unlink()
    assert "intercom_get_ticket.json not found" in refused(tree)


def test_a_schema_file_without_its_input_is_named(tree):
    path = tree / "schemas" / "intercom_get_ticket.json"
    document = json.loads(path.read_text())
    del document["$defs"]["input"]
    path.write_text(json.dumps(document))
    assert refused(tree) == "schemas/intercom_get_ticket.json: $defs.input: Field required"


def test_a_schema_that_is_not_valid_json_schema_is_named(tree):
    path = tree / "schemas" / "defs" / "tag.json"
    document = json.loads(path.read_text())
    document["properties"]["id"]["type"] = "text"
    path.write_text(json.dumps(document))
    message = refused(tree)
    assert message.startswith("schemas/defs/tag.json: properties.id.type: not a valid JSON Schema")


# The runtime records and the models are the same records


RECORDS = [
    (manifest.Manifest, manifest_models.Manifest),
    (manifest.Description, manifest_models.Description),
    (manifest.Credential, manifest_models.Credential),
    (manifest.Toolset, manifest_models.Toolset),
    (manifest.DefaultToolset, manifest_models.DefaultToolset),
    (manifest.Block, manifest_models.Block),
    (manifest.Annotations, manifest_models.Annotations),
    (manifest.Example, manifest_models.Example),
    (manifest.ToolEntry, manifest_models.ToolEntry),
    (manifest.TriggerEntry, manifest_models.TriggerEntry),
    (manifest.Triggers, manifest_models.Triggers),
]


@pytest.mark.parametrize(("record", "model"), RECORDS, ids=lambda r: r.__name__)
def test_each_runtime_record_has_its_models_fields(record, model):
    assert [f.name for f in dataclasses.fields(record)] == list(model.model_fields)


def test_the_compiled_catalog_is_the_checked_one():
    assert load_catalog(REPO_ROOT) == default_catalog()
    compiled = json.loads(compiled_path().read_text())
    assert set(compiled["contract"]) >= {"tool_spec", "tool_result", "error_detail"}


# Start-up: the compiled catalog, without PyYAML or pydantic

STARTUP = """
import json, sys
from sim_intercom.host import get_plugin_manager, list_tools
tools = list_tools(get_plugin_manager())
loaded = {name: name in sys.modules for name in ("yaml", "pydantic", "jsonschema")}
print(json.dumps({"tools": len(tools), **loaded}))
"""


def run_startup(env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", STARTUP],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_start_up_imports_neither_yaml_nor_pydantic():
    default_catalog()  # compiled and saved, if the sources changed since
    found = run_startup()
    assert found == {
        "tools": len(default_catalog().tools),
        "yaml": False,
        "pydantic": False,
        "jsonschema": False,
    }


def test_a_source_checkout_recompiles_when_a_source_changes(tmp_path):
    default_catalog()
    path = REPO_ROOT / "schemas" / "defs" / "tag.json"
    before = compiled_path().stat().st_mtime_ns
    stat = path.stat()
    later = stat.st_mtime_ns + 10**9
    try:
        os.utime(path, ns=(stat.st_atime_ns, later))
        assert run_startup()["tools"] == len(default_catalog().tools)
        assert compiled_path().stat().st_mtime_ns > before
        assert run_startup()["pydantic"] is False  # compiled again once, then read as is
    finally:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        time.sleep(0)
