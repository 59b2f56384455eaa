"""Every host's export is derived from the catalog, valid by that host's rules, and
round-trips: a model-shaped call built from it runs against the sandbox, and what comes
back validates against the exported MCP output schema, also when `fields` cuts it down."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mcp_types
import pytest
from google.genai import types as genai
from jsonschema import Draft202012Validator

from sim_intercom import exports
from sim_intercom.exports import FORMATS, export
from sim_intercom.exports.openai import openai_tool
from sim_intercom.exports.sim import EXTRAS
from sim_intercom.host import execute_tool, get_plugin_manager
from sim_intercom.manifest import Tool, default_catalog
from sim_intercom.sandbox import SandboxServer
from sim_intercom.selection import select_catalog

CATALOG = default_catalog()
TOOLS = list(CATALOG.tools.values())
TOOL_IDS = list(CATALOG.tools)
EVERY = select_catalog(CATALOG, ["all"])
DEFAULT_IDS = CATALOG.toolset_tools("default")
SIM_IDS = [f"sim_intercom_{tool_id.removeprefix('intercom_')}" for tool_id in TOOL_IDS]
LLM_FORMATS = ("mcp", "openai", "anthropic", "gemini")
MCP_TOOLS_LIST_LIMIT = 80 * 1024
TOKEN = next(c.name for c in CATALOG.manifest.credentials if c.type == "secret-input")

# OpenAI's Structured Outputs guide, "Supported schemas" (strict mode): the keywords it
# lists, the string formats it supports, and its size limits.
OPENAI_KEYWORDS = {
    "type",
    "description",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "$defs",
    "$ref",
    "pattern",
    "format",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "minItems",
    "maxItems",
}
OPENAI_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6"}
OPENAI_FORMATS |= {"uuid"}
OPENAI_TYPES = {"string", "number", "boolean", "integer", "object", "array", "null"}
OPENAI_MAX_PROPERTIES, OPENAI_MAX_DEPTH, OPENAI_MAX_ENUM_VALUES = 5000, 10, 1000
OPENAI_MAX_STRING_TOTAL = 120_000
FUNCTION_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")  # OpenAI's and Anthropic's tool names
GEMINI_FORBIDDEN = {"examples", "$schema", "contentMediaType", "contentSchema", "if", "then"}
GEMINI_FORBIDDEN |= {"else", "additionalProperties", "const", "uniqueItems", "$ref"}

# Which kind of sandbox record a parameter names (tests may know the tools; the export may not).
ID_KINDS = {
    "contactId": "contact",
    "to_id": "contact",
    "companyId": "company",
    "conversationId": "conversation",
    "ticketId": "ticket",
    "admin_id": "admin",
    "from_id": "admin",
    "owner_id": "admin",
    "ticket_type_id": "ticket_type",
    "tagId": "tag",
    "assignee_id": "admin",
    "ticket_state_id": "ticket_state",
}

pm = get_plugin_manager()


def parameters(fmt: str, exported: dict[str, Any]) -> dict[str, Any]:
    """The parameter schema inside one exported tool."""
    match fmt:
        case "mcp":
            schema: dict[str, Any] = exported["inputSchema"]
        case "openai":
            schema = exported["function"]["parameters"]
        case "anthropic":
            schema = exported["input_schema"]
        case _:
            schema = exported["parameters"]
    return schema


def keywords(node: Any) -> Iterator[tuple[str, Any]]:
    """(keyword, value) of every schema node, below `properties` maps by name."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            if key in ("properties", "$defs"):
                for sub in value.values():
                    yield from keywords(sub)
            elif key in ("items", "additionalProperties") and isinstance(value, dict):
                yield from keywords(value)
            elif key in ("anyOf", "oneOf", "allOf"):
                for sub in value:
                    yield from keywords(sub)


# The OpenAI strict-mode rules, walked over a schema


def openai_strict_problems(schema: dict[str, Any]) -> list[str]:
    """Every way `schema` breaks OpenAI's documented strict-mode rules."""
    problems: list[str] = []
    if schema.get("type") != "object" or "anyOf" in schema:
        problems.append("root: must be an object, not anyOf")
    counts = {"properties": 0, "enum": 0, "text": 0}

    def visit(node: dict[str, Any], where: str, depth: int) -> None:
        if depth > OPENAI_MAX_DEPTH:
            problems.append(f"{where}: nested deeper than {OPENAI_MAX_DEPTH}")
        for key in set(node) - OPENAI_KEYWORDS:
            problems.append(f"{where}: {key} is not supported in strict mode")
        declared = node.get("type", [])
        for name in [declared] if isinstance(declared, str) else declared:
            if name not in OPENAI_TYPES:
                problems.append(f"{where}: type {name!r}")
        if "format" in node and node["format"] not in OPENAI_FORMATS:
            problems.append(f"{where}: format {node['format']!r} is not supported")
        for value in node.get("enum", []):
            counts["enum"] += 1
            counts["text"] += len(value) if isinstance(value, str) else 0
        if "properties" in node or node.get("type") == "object":
            properties = node.get("properties", {})
            counts["properties"] += len(properties)
            counts["text"] += sum(map(len, properties))
            if node.get("additionalProperties") is not False:
                problems.append(f"{where}: additionalProperties must be false")
            if set(node.get("required", [])) != set(properties):
                problems.append(f"{where}: every property must be required")
            for name, sub in properties.items():
                visit(sub, f"{where}.{name}", depth + 1)
        if isinstance(node.get("items"), dict):
            visit(node["items"], f"{where}[]", depth + 1)
        for index, branch in enumerate(node.get("anyOf", [])):
            visit(branch, f"{where}.anyOf[{index}]", depth + 1)

    visit(schema, "parameters", 0)
    if counts["properties"] > OPENAI_MAX_PROPERTIES:
        problems.append("more than 5000 object properties")
    if counts["enum"] > OPENAI_MAX_ENUM_VALUES:
        problems.append("more than 1000 enum values")
    if counts["text"] > OPENAI_MAX_STRING_TOTAL:
        problems.append("property names and enum values longer than 120,000 characters")
    return problems


def test_the_strict_rules_checker_finds_what_openai_refuses():
    loose = {
        "type": "object",
        "properties": {"a": {"type": "string", "minLength": 1}, "b": {"type": "object"}},
        "required": ["a"],
        "anyOf": [{"required": ["a"]}],
    }
    found = "\n".join(openai_strict_problems(loose))
    for expected in ("anyOf", "minLength", "additionalProperties", "every property"):
        assert expected in found


# The formats and their errors


def test_every_format_exports_the_default_set_in_catalog_order_when_nothing_is_selected():
    for fmt in LLM_FORMATS:
        names = [parameters_name(fmt, tool) for tool in export(fmt)]
        assert names == DEFAULT_IDS, fmt
    assert [tool["id"] for tool in export("sim")["tools"]] == [sim_id_of(t) for t in DEFAULT_IDS]


def test_every_format_without_a_tool_limit_exports_all_in_catalog_order():
    for fmt in ("mcp", "anthropic", "gemini"):
        names = [parameters_name(fmt, tool) for tool in export(fmt, ["all"])]
        assert names == TOOL_IDS, fmt
    assert [tool["id"] for tool in export("sim", ["all"])["tools"]] == SIM_IDS


def single(fmt: str, tool_id: str) -> dict[str, Any]:
    """The export of one tool: the selection's list has it alone."""
    exported = export(fmt, tools=[tool_id])
    (one,) = exported["tools"] if fmt == "sim" else exported
    return one


def parameters_name(fmt: str, exported: dict[str, Any]) -> str:
    return str(exported["function"]["name"] if fmt == "openai" else exported["name"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_tool_is_exported_by_its_id(fmt):
    one = single(fmt, "intercom_get_contact")
    name = one["id"] if fmt == "sim" else parameters_name(fmt, one)
    assert name == ("sim_intercom_get_contact" if fmt == "sim" else "intercom_get_contact")


def test_an_unknown_format_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="'yaml'"):
        export("yaml")


def test_an_unknown_tool_id_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="'intercom_fly'"):
        export("openai", tools=["intercom_fly"])


def test_every_export_is_plain_json():
    for fmt in FORMATS:
        assert json.loads(json.dumps(export(fmt))) == export(fmt), fmt


def test_no_llm_export_carries_annotations_or_the_token():
    for fmt in LLM_FORMATS:
        text = json.dumps(export(fmt))
        assert '"x-' not in text, fmt
        assert TOKEN not in text, fmt


# MCP


def test_mcp_tools_are_valid_mcp_tool_models():
    for tool in exports.mcp_tools():
        model = mcp_types.Tool.model_validate(tool)
        assert model.annotations is not None and model.annotations.title == tool["title"]
        assert model.output_schema is not None


def test_mcp_schemas_are_valid_json_schema():
    for tool in exports.mcp_tools():
        Draft202012Validator.check_schema(tool["inputSchema"])
        Draft202012Validator.check_schema(tool["outputSchema"])


@pytest.mark.parametrize(
    "toolset", ["default", *(toolset.name for toolset in CATALOG.manifest.toolsets)]
)
def test_each_toolsets_mcp_tools_list_is_at_most_80_kb(toolset):
    """Each toolset served alone stays within 80 KB (with all of Intercom's operations as
    tools, `all` cannot; issue 18)."""
    chosen = {tool_id: CATALOG.tools[tool_id] for tool_id in CATALOG.toolset_tools(toolset)}
    listed = exports.mcp_tools(dataclasses.replace(CATALOG, tools=chosen))
    tools = [mcp_types.Tool.model_validate(tool) for tool in listed]
    wire = mcp_types.ListToolsResult(tools=tools).model_dump_json(by_alias=True, exclude_none=True)
    assert len(wire.encode()) <= MCP_TOOLS_LIST_LIMIT


def test_mcp_output_schemas_require_nothing_fields_may_drop():
    for tool in exports.mcp_tools():
        assert "required" not in dict(keywords(tool["outputSchema"])), tool["name"]


def test_mcp_output_schemas_keep_every_output_and_type_its_objects_fields_once():
    listed = {tool["name"]: tool for tool in exports.mcp_tools(CATALOG)}  # every tool
    for tool in TOOLS:
        kept = listed[tool.id]["outputSchema"]["properties"]
        assert list(kept) == list(tool.output_schema["properties"])
        for name, prop in tool.output_schema["properties"].items():
            inner = prop.get("items", prop).get("properties", {})
            exported = kept[name].get("items", kept[name])
            pointer = re.search(r"as in (intercom_\w+)'s output", exported.get("description", ""))
            if pointer:  # described once, in the tool it names
                there = listed[pointer[1]]["outputSchema"]["properties"]
                exported = next(
                    p.get("items", p) for p in there.values() if "properties" in p.get("items", p)
                )
            assert list(exported.get("properties", {})) == list(inner), (tool.id, name)
            assert all("type" in sub for sub in exported.get("properties", {}).values())


def test_each_kind_of_object_is_described_once_in_the_mcp_list():
    described = {}
    for tool in exports.mcp_tools():
        for name, prop in tool["outputSchema"]["properties"].items():
            inner = prop.get("items", prop).get("properties", {})
            if inner and all("description" in sub for sub in inner.values()):
                described.setdefault(tool["name"], []).append(name)
    assert described["intercom_get_contact"] == ["contact"]
    assert "intercom_list_contacts" not in described


# OpenAI


def test_openai_tools_follow_the_strict_mode_rules():
    for tool in [openai_tool(tool) for tool in TOOLS]:
        function = tool["function"]
        assert tool["type"] == "function" and function["strict"] is True
        assert FUNCTION_NAME.match(function["name"])
        assert openai_strict_problems(function["parameters"]) == [], function["name"]


def test_openai_optional_parameters_are_nullable_and_required_ones_are_not():
    for tool, exported in zip(TOOLS, [openai_tool(tool) for tool in TOOLS], strict=True):
        required = set(tool.input_schema.get("required", []))
        schema = exported["function"]["parameters"]
        validator = Draft202012Validator(schema)
        for name, prop in schema["properties"].items():
            assert ("null" in prop["type"]) is (name not in required), (tool.id, name)
        nulls = {name: None for name in schema["properties"]}
        errors = {e.path[0] for e in validator.iter_errors(nulls) if e.path}
        assert errors == required, tool.id


def test_openai_states_in_words_what_strict_mode_cannot_carry():
    search = single("openai", "intercom_search_contacts")["function"]
    assert "`sort_order` needs `sort_field`" in search["description"]
    message = single("openai", "intercom_create_message")["function"]
    assert "`subject` is required when `message_type` is `email`" in message["description"]
    fields = search["parameters"]["properties"]["fields"]["description"]
    assert "Each item: at most 200 characters" in fields and "No item twice" in fields
    query = search["parameters"]["properties"]["query"]["description"]
    assert "JSON text" in query


# Anthropic


def test_anthropic_tools_follow_anthropics_rules():
    for tool in exports.anthropic_tools(EVERY):
        assert set(tool) == {"name", "description", "input_schema"}
        assert FUNCTION_NAME.match(tool["name"])
        schema = tool["input_schema"]
        assert schema["type"] == "object"
        assert not {"anyOf", "oneOf", "allOf"} & set(schema), tool["name"]
        Draft202012Validator.check_schema(schema)


def test_anthropic_states_root_rules_in_the_description():
    tool = single("anthropic", "intercom_create_message")
    assert "`subject` is required when `message_type` is `email`" in tool["description"]


# Gemini


def test_gemini_declarations_are_valid_function_declarations():
    declarations = [
        genai.FunctionDeclaration.model_validate(d) for d in exports.gemini_declarations(EVERY)
    ]
    tool = genai.Tool(function_declarations=declarations)
    assert [d.name for d in tool.function_declarations or []] == TOOL_IDS


def test_gemini_declarations_stay_in_googles_subset():
    for declaration in exports.gemini_declarations(EVERY):
        used = {key for key, _ in keywords(declaration["parameters"])}
        assert not used & GEMINI_FORBIDDEN, declaration["name"]
        types = {value for key, value in keywords(declaration["parameters"]) if key == "type"}
        assert types <= {"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT"}


# Sim (its types are checked by tsc in tests/test_sim_types.py)


def sim_fields(tool_id: str) -> dict[str, dict[str, Any]]:
    """The sub-blocks a Sim form shows for `tool_id`, by the parameter each fills."""
    document = export("sim", ["all"])
    sim_id = sim_id_of(tool_id)
    filled = document[EXTRAS]["tools"][sim_id]["params"]
    return {
        filled[field["id"]]: field
        for field in document["block"]["subBlocks"]
        if field["id"] in filled
    }


def sim_id_of(tool_id: str) -> str:
    return SIM_IDS[TOOL_IDS.index(tool_id)]


def test_sim_ids_do_not_clash_with_sims_own_intercom_block_and_tools():
    document = export("sim")
    assert document["block"]["type"] not in ("intercom", "intercom_v2")
    assert not any(sim_id.startswith("intercom_") for sim_id in SIM_IDS)
    assert len(set(SIM_IDS)) == len(SIM_IDS)


def test_the_plugins_extras_are_under_one_key():
    assert set(export("sim")) == {"block", "tools", EXTRAS}
    extras = export("sim", ["all"])[EXTRAS]
    assert [entry["tool"] for entry in extras["tools"].values()] == TOOL_IDS


def test_sim_block_names_every_tool_and_every_parameter_of_every_tool():
    block = export("sim", ["all"])["block"]
    operation = block["subBlocks"][0]
    assert operation["id"] == "operation" and operation["type"] == "dropdown"
    # The dropdown is grouped by toolset (the palette's order); the tools are in catalog order.
    in_palette = [op["tool"] for group in CATALOG.palette() for op in group["operations"]]
    assert [option["id"] for option in operation["options"]] == list(map(sim_id_of, in_palette))
    assert block["tools"]["access"] == SIM_IDS
    for tool in TOOLS:
        fields = sim_fields(tool.id)
        assert sorted(fields) == sorted(tool.input_schema["properties"]), tool.id
        for name, field in fields.items():
            assert sim_id_of(tool.id) in field["condition"]["value"], (tool.id, name)


def test_a_sub_block_is_required_exactly_for_the_operations_that_need_it():
    for tool in TOOLS:
        required = set(tool.input_schema.get("required", []))
        for name, field in sim_fields(tool.id).items():
            rule = field.get("required", False)
            needed = rule is True or (rule and sim_id_of(tool.id) in rule["value"])
            assert bool(needed) == (name in required), (tool.id, name)


def test_a_parameter_shared_by_operations_is_one_sub_block():
    ids = [field["id"] for field in export("sim")["block"]["subBlocks"]]
    assert len(ids) == len(set(ids))
    taking = [t for t in TOOLS if "contactId" in t.input_schema["properties"]]
    field = sim_fields(taking[0].id)["contactId"]
    assert field["id"] == "contactId"
    assert field["condition"]["value"] == [sim_id_of(t.id) for t in taking]


def test_a_name_whose_field_differs_gets_its_own_sub_block_naming_its_parameter():
    fields = [f for f in export("sim")["block"]["subBlocks"] if "canonicalParamId" in f]
    assert fields, "the catalog has names of two kinds (a dropdown and free text, say)"
    for field in fields:
        assert field["id"] != field["canonicalParamId"]
        assert field["id"].startswith(f"{field['canonicalParamId']}_")


def test_sim_operation_dropdown_is_grouped_by_toolset_as_the_palette_is():
    operation = export("sim", ["all"])["block"]["subBlocks"][0]
    palette = CATALOG.palette()
    assert [o["group"] for o in operation["options"]] == [
        g["label"] for g in palette for _ in g["operations"]
    ]


def test_sim_tools_name_every_parameter_with_the_token_user_only():
    for tool, entry in zip(TOOLS, export("sim", ["all"])["tools"], strict=True):
        params = entry["params"]
        assert list(params) == [TOKEN, *tool.input_schema["properties"]]
        assert params[TOKEN]["visibility"] == "user-only" and params[TOKEN]["required"]
        for name, param in params.items():
            assert {"type", "required", "visibility", "description"} <= set(param), name
            assert param["description"], (tool.id, name)
        assert entry["version"] == CATALOG.manifest.version


def test_sim_block_carries_identity_credentials_and_settings():
    document = export("sim")
    block = document["block"]
    assert block["bgColor"].startswith("#") and block["docsLink"].startswith("https://")
    assert document[EXTRAS]["icon"] and block["category"] == "tools"
    names = document[EXTRAS]["credentials"]
    assert names == [c.name for c in CATALOG.manifest.credentials]
    credentials = {f["id"]: f for f in block["subBlocks"] if f["id"] in names}
    token = credentials[TOKEN]
    assert token["password"] and token["required"] and token["paramVisibility"] == "user-only"
    region = credentials["region"]
    assert region["type"] == "dropdown" and all(o["label"] != o["id"] for o in region["options"])
    for credential in CATALOG.manifest.credentials:
        if credential.default is not None:
            assert credentials[credential.name]["defaultValue"] == credential.default


def test_sim_fields_follow_the_catalogs_widgets():
    fields = sim_fields("intercom_create_message")
    assert fields["message_type"]["options"] == [
        {"label": "In-app message", "id": "inapp"},
        {"label": "Email", "id": "email"},
    ]
    assert fields["body"]["type"] == "long-input"
    assert fields["created_at"]["placeholder"]
    assert sim_fields("intercom_get_conversation")["include_translations"]["type"] == "switch"
    assert sim_fields("intercom_create_ticket")["contacts"]["type"] == "code"


def test_an_object_output_of_the_block_is_json_as_sim_types_it():
    outputs = export("sim")["block"]["outputs"]
    assert outputs["contact"]["type"] == "json"
    assert outputs["contacts"]["type"] == "array"
    assert outputs["total_count"]["type"] == "number"


def test_every_enum_value_has_a_label_in_the_catalog():
    for tool in TOOLS:
        for name, prop in tool.input_schema["properties"].items():
            if "enum" in prop:
                assert set(prop.get("x-enum-labels", {})) == set(prop["enum"]), (tool.id, name)
    for credential in CATALOG.manifest.credentials:
        assert set(credential.labels) == set(credential.options), credential.name


def test_every_output_a_sim_block_shows_is_described():
    for entry in export("sim", ["all"])["tools"]:
        for name, output in entry["outputs"].items():
            assert output["description"], (entry["id"], name)
            inner = output.get("items", output).get("properties", {})
            for field, sub in inner.items():
                assert sub["description"], (entry["id"], name, field)
    for name, output in export("sim")["block"]["outputs"].items():
        assert output["description"] and output["condition"]["value"], name


def test_nothing_in_the_exports_is_written_for_a_particular_tool():
    package = Path(exports.__file__).parent
    source = "\n".join(path.read_text(encoding="utf-8") for path in package.glob("*.py"))
    assert "intercom_" not in source
    for tool in TOOLS:
        assert tool.entry.name not in source, tool.entry.name


# Round trips through the executor against the sandbox


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def credentials_for(server: SandboxServer) -> dict[str, Any]:
    return {"accessToken": server.token, "baseUrl": server.base_url}


def sandbox_ids(server: SandboxServer) -> dict[str, str]:
    """A real id of each kind of record, found through the tools where one lists them."""
    credentials = credentials_for(server)

    def listed(tool_id: str, key: str) -> list[dict[str, Any]]:
        result = execute_tool(pm, tool_id, {}, credentials)
        assert result is not None and result["success"], result
        records: list[dict[str, Any]] = result["output"][key]
        return records

    state = server.workspace.state
    return {
        "contact": next(
            c["id"] for c in listed("intercom_list_contacts", "contacts") if c["role"] == "user"
        ),
        "company": listed("intercom_list_companies", "companies")[0]["id"],
        "conversation": listed("intercom_list_conversations", "conversations")[0]["id"],
        "ticket": next(iter(state.tickets)),
        "admin": next(iter(state.admins)),
        "ticket_type": next(iter(state.ticket_types)),
        "tag": next(iter(state.tags)),
        "ticket_state": next(iter(state.tickets.values())).ticket_type.states[1].id,
    }


def seed_ids(server: SandboxServer) -> set[str]:
    """Every id of a record the fresh sandbox holds."""
    state = server.workspace.state
    kinds = (state.contacts, state.companies, state.conversations, state.tickets, state.admins)
    more = (state.ticket_types, state.tags, state.teams)
    return {str(key) for records in (*kinds, *more) for key in records}


def real_example(tool: Tool, server: SandboxServer) -> dict[str, Any]:
    """The tool's catalog example, with the example ids of every tool's examples replaced
    by the sandbox's (in JSON text too); an id the seed holds (the newer examples use them)
    is kept."""
    ids = sandbox_ids(server)
    seeded = seed_ids(server)
    replace = {
        str(value): ids[ID_KINDS[name]]
        for other in TOOLS
        for name, value in other.entry.example.params.items()
        if name in ID_KINDS and str(value) not in seeded
    }
    params: dict[str, Any] = {}
    for name, value in tool.spec()["example"]["params"].items():
        if isinstance(value, str) and value in replace:
            value = replace[value]
        elif isinstance(value, str):  # JSON text: ids as whole JSON strings
            for old, new in replace.items():
                value = value.replace(json.dumps(old), json.dumps(new))
        params[name] = value
    return params


def derived_value(prop: dict[str, Any]) -> Any:
    """A value for a parameter from its schema alone: an example, an enum value, or one of
    its type."""
    if prop.get("examples"):
        return prop["examples"][0]
    if prop.get("enum"):
        return prop["enum"][0]
    first = prop["type"] if isinstance(prop["type"], str) else prop["type"][0]
    return {"string": "x", "integer": 1, "number": 1, "boolean": False, "array": []}[first]


def model_call(fmt: str, tool: Tool, server: SandboxServer) -> dict[str, Any]:
    """The arguments a model would send, built from the export: the example's values,
    every other required parameter from the schema, and for OpenAI every optional one
    as null. Gemini sends numbers as floats (a protobuf Struct)."""
    schema = parameters(fmt, single(fmt, tool.id))
    example = real_example(tool, server)
    required = set(tool.input_schema.get("required", []))
    call: dict[str, Any] = {}
    for name in schema["properties"]:
        if name in example:
            call[name] = example[name]
        elif name in required:
            call[name] = derived_value(tool.input_schema["properties"][name])
        elif fmt == "openai":
            call[name] = None
    if fmt == "gemini":
        call = {
            k: float(v) if isinstance(v, int) and not isinstance(v, bool) else v
            for k, v in call.items()
        }
    if fmt in ("mcp", "openai", "anthropic"):
        errors = [e.message for e in Draft202012Validator(schema).iter_errors(call)]
        assert errors == [], (fmt, tool.id, errors)
    return call


@pytest.mark.parametrize("tool_id", TOOL_IDS)
@pytest.mark.parametrize("fmt", LLM_FORMATS)
def test_a_model_shaped_call_from_each_export_runs(fmt, tool_id, sandbox):
    tool = CATALOG.tools[tool_id]
    result = execute_tool(pm, tool_id, model_call(fmt, tool, sandbox), credentials_for(sandbox))
    assert result is not None
    detail = result["error_detail"] or {}
    assert detail.get("kind") != "invalid_input", detail
    assert result["success"], result["error"]


def block_text(value: Any) -> str:
    """A value as a block's form field holds it: text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_a_sim_block_form_maps_to_a_call_with_no_code_per_tool(tool_id, sandbox):
    document = export("sim", ["all"])
    extras = document[EXTRAS]
    form = {"operation": sim_id_of(tool_id), TOKEN: sandbox.token, "baseUrl": sandbox.base_url}
    example = real_example(CATALOG.tools[tool_id], sandbox)
    for field_id, param in extras["tools"][form["operation"]]["params"].items():
        if param in example:
            form[field_id] = block_text(example[param])
    chosen = extras["tools"][form["operation"]]
    params = {
        chosen["params"][key]: value for key, value in form.items() if key in chosen["params"]
    }
    credentials = {key: value for key, value in form.items() if key in extras["credentials"]}
    result = execute_tool(pm, chosen["tool"], params, credentials)
    assert result is not None and result["success"], result and result["error"]


def fields_paths(tool: Tool) -> list[str]:
    """Two `fields` paths a caller might ask for: into an object or a list, or an output."""
    paths = []
    for name, prop in tool.output_schema["properties"].items():
        inner = prop.get("items", prop).get("properties", {})
        paths.append(f"{name}.{'id' if 'id' in inner else next(iter(inner))}" if inner else name)
    return paths[: max(1, min(2, len(paths) - 1))]  # never every output


@pytest.mark.parametrize("tool_id", TOOL_IDS)
def test_real_outputs_validate_against_the_mcp_output_schema_also_with_fields(tool_id, sandbox):
    tool = CATALOG.tools[tool_id]
    validator = Draft202012Validator(single("mcp", tool_id)["outputSchema"])
    credentials = credentials_for(sandbox)
    params = real_example(tool, sandbox)
    whole = execute_tool(pm, tool_id, params, credentials)
    assert whole is not None and whole["success"], whole and whole["error"]
    assert [e.message for e in validator.iter_errors(whole["output"])] == []
    if tool.entry.annotations.readOnlyHint:
        cut = execute_tool(pm, tool_id, {**params, "fields": fields_paths(tool)}, credentials)
    else:  # a second write would change what the first did: start again
        with SandboxServer() as again:
            params = real_example(tool, again)
            cut = execute_tool(
                pm, tool_id, {**params, "fields": fields_paths(tool)}, credentials_for(again)
            )
    assert cut is not None and cut["success"], cut and cut["error"]
    assert set(cut["output"]) < set(whole["output"]) or len(whole["output"]) == 1
    assert [e.message for e in validator.iter_errors(cut["output"])] == []
