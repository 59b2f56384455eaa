"""The manifest is read strictly: every mistake names its file and its place."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import copy_catalog_tree, edit_manifest
from sim_intercom.manifest import ManifestError, load_catalog


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the manifest and schemas that a test may break."""
    return copy_catalog_tree(tmp_path)


def refused(tree: Path) -> str:
    with pytest.raises(ManifestError) as caught:
        load_catalog(tree)
    return str(caught.value)


def test_the_shipped_manifest_loads_with_every_tool(tree):
    manifest = yaml.safe_load((tree / "manifest.yaml").read_text())
    assert list(load_catalog(tree).tools) == [tool["id"] for tool in manifest["tools"]]


def test_an_unknown_key_is_named_by_its_place(tree):
    edit_manifest(tree, lambda m: m["tools"][3].update(colour="red"))
    assert refused(tree) == "manifest.yaml: tools.3.colour: is not an allowed key"


def test_a_missing_key_is_named_by_its_place(tree):
    edit_manifest(tree, lambda m: m["tools"][0]["annotations"].pop("readOnlyHint"))
    assert refused(tree) == "manifest.yaml: tools.0.annotations.readOnlyHint: is required"


def test_a_value_of_the_wrong_type_is_named(tree):
    edit_manifest(tree, lambda m: m["tools"][1]["annotations"].update(idempotentHint="yes"))
    assert "tools.1.annotations.idempotentHint: must be bool, got str" in refused(tree)


def test_a_tool_id_outside_the_pattern_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][2].update(id="slack_post"))
    assert "tools.2.id: must match" in refused(tree)


def test_empty_required_text_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][0]["description"].update(llm=""))
    assert "tools.0.description.llm: must not be empty" in refused(tree)


def test_a_literal_outside_its_choices_is_refused(tree):
    edit_manifest(tree, lambda m: m["credentials"][1].update(type="slider"))
    assert "credentials.1.type: must be one of" in refused(tree)


def test_a_tool_whose_toolset_is_not_declared_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][0].update(toolset="invoices"))
    assert "tools.0.toolset: 'invoices' is not declared under toolsets" in refused(tree)


def test_a_reserved_toolset_name_is_refused(tree):
    edit_manifest(tree, lambda m: m["toolsets"][0].update(name="all"))
    assert "toolsets.0.name: 'all' is reserved" in refused(tree)


def test_a_default_toolset_naming_no_tool_is_refused(tree):
    edit_manifest(tree, lambda m: m["default_toolset"]["tools"].append("intercom_fly"))
    assert "'intercom_fly' is not a tool" in refused(tree)


def test_an_operation_that_is_not_method_and_path_is_refused(tree):
    edit_manifest(tree, lambda m: m["tools"][0].update(operation="createContact"))
    assert "tools.0.operation:" in refused(tree)


def test_a_missing_schema_file_is_named(tree):
    (tree / "schemas" / "intercom_get_ticket.json").unlink()
    assert "intercom_get_ticket.json not found" in refused(tree)
