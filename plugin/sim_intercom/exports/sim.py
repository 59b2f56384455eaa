"""Sim: a block and its tools, valid under Sim's own types for every key JSON can carry.

The document is `{"block": BlockConfig, "tools": [ToolConfig, ...], "x-sim-intercom": ...}`,
checked against `BlockConfig`, `SubBlockConfig` and `OutputFieldDefinition`
(simstudioai/sim `apps/sim/blocks/types.ts`) and `ToolConfig` (`apps/sim/tools/types.ts`):
only keys Sim defines, with Sim's value types (`json` for an object output,
`defaultValue` for a preset). What Sim's types cannot hold as JSON is left to the host: the
block's `icon` (a component; named in the extras) and a tool's `request` (the plugin's hook
makes the calls).

The block type and tool ids never clash with Sim's own Intercom block and tools: the block
type is the manifest's (not Sim's), and each tool id is that type joined to the tool's
action (`<block type>_create_contact`).

Sub-blocks are shared across operations where the parameter is the same, as Sim's own
Intercom block does: one `contactId` field shown for every operation that takes it
(`condition: {field: "operation", value: [...]}`), required for the operations that need
it. A name whose field differs between operations (another kind of input or other
choices) gets one sub-block per kind, the later ones named `<name>_<action>` with
`canonicalParamId` naming the parameter.

The plugin's own extras live under one key, `x-sim-intercom`: for each Sim tool id, the
plugin's tool id and which sub-block fills which parameter; which sub-blocks are the
call's credentials (the token and settings) rather than parameters; the icon's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..manifest import Catalog, Credential, Tool, default_catalog
from .schema import (
    Schema,
    enum_labels,
    is_json_text,
    types_of,
    visibility,
    widget,
)

OPERATION = "operation"
EXTRAS = "x-sim-intercom"  # the one key that holds what Sim's types do not define
# Form widgets (the catalog's `x-widget`, or derived) as Sim sub-block types.
SUB_BLOCK_TYPES = {
    "short-text": "short-input",
    "long-text": "long-input",
    "number": "short-input",
    "timestamp": "short-input",
    "list": "short-input",
    "dropdown": "dropdown",
    "switch": "switch",
    "json": "code",
}
_CREDENTIAL_TYPES = {
    "secret-input": "short-input",
    "text-input": "short-input",
    "number-input": "short-input",
    "select": "dropdown",
}
_PLACEHOLDERS = {
    "timestamp": "Unix timestamp in seconds",
    "list": "Comma-separated",
}


def value_type(node: Mapping[str, Any]) -> str:
    """Sim's value type of a parameter or block output: string, number, boolean, array, or
    json (JSON text, an object, or a value of several types)."""
    if is_json_text(node):
        return "json"
    types = [t for t in types_of(node) if t != "null"]
    if len(types) != 1:
        return "json"
    return {"integer": "number", "object": "json"}.get(types[0], types[0])


def _output_type(node: Mapping[str, Any]) -> str:
    """Sim's `OutputType` of a tool output: an object with described fields stays `object`,
    as in Sim's own tools."""
    described = isinstance(node.get("properties"), Mapping)
    return "object" if described and types_of(node)[:1] == ["object"] else value_type(node)


def _action(tool: Tool, catalog: Catalog) -> str:
    """What the tool does, without the plugin's prefix: `get_contact`."""
    return tool.id.removeprefix(f"{catalog.manifest.id}_")


def sim_tool_id(tool: Tool, catalog: Catalog) -> str:
    """The tool's id in Sim: the block type joined to its action (`<block type>_get_contact`)."""
    return f"{catalog.manifest.block.type}_{_action(tool, catalog)}"


def _token(catalog: Catalog) -> Credential:
    """The secret credential: the access token."""
    return next(c for c in catalog.manifest.credentials if c.type == "secret-input")


def _param(node: Mapping[str, Any], required: bool) -> Schema:
    param: Schema = {
        "type": value_type(node),
        "required": required,
        "visibility": visibility(node),
        "description": str(node.get("description", "")),
    }
    if "default" in node:
        param["default"] = node["default"]
    items = node.get("items")
    if param["type"] == "array" and isinstance(items, Mapping) and types_of(items):
        param["items"] = {"type": types_of(items)[0]}
    return param


def _output(node: Mapping[str, Any], required: bool, depth: int = 0) -> Schema:
    """A tool output with its description and, one level down, its fields."""
    result: Schema = {"type": _output_type(node), "description": str(node.get("description", ""))}
    if not required:
        result["optional"] = True
    if "null" in types_of(node):
        result["nullable"] = True
    if depth > 0:
        return result
    items = node.get("items")
    if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
        result["items"] = {
            "type": _output_type(items),
            "properties": {n: _output(p, True, 1) for n, p in items["properties"].items()},
        }
    elif isinstance(node.get("properties"), Mapping):
        result["properties"] = {n: _output(p, True, 1) for n, p in node["properties"].items()}
    return result


def sim_tool(tool: Tool, catalog: Catalog | None = None) -> Schema:
    """One tool as Sim's `ToolConfig` (less `request`: the plugin's hook makes the calls)."""
    catalog = catalog or default_catalog()
    token = _token(catalog)
    schema = tool.input_schema
    required = set(schema.get("required", []))
    params: Schema = {
        token.name: {
            "type": "string",
            "required": True,
            "visibility": token.visibility,
            "description": token.label,
        }
    }
    params.update(
        {name: _param(prop, name in required) for name, prop in schema["properties"].items()}
    )
    output = tool.output_schema
    kept = set(output.get("required", []))
    return {
        "id": sim_tool_id(tool, catalog),
        "name": tool.entry.name,
        "description": tool.entry.description.llm,
        "version": tool.version,
        "params": params,
        "outputs": {
            name: _output(prop, name in kept) for name, prop in output.get("properties", {}).items()
        },
    }


def _placeholder(node: Mapping[str, Any], kind: str) -> str:
    examples = node.get("examples")
    if examples:
        example = examples[0]
        shown = ", ".join(map(str, example)) if isinstance(example, list) else str(example)
        return f"e.g. {shown}"
    return _PLACEHOLDERS.get(kind, "")


def _kind(node: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    """What makes two parameters of one name the same field: widget, value type, choices."""
    return widget(node), value_type(node), tuple(map(str, node.get("enum", [])))


class _SharedField:
    """One sub-block: a parameter name of one kind, and the operations that take it."""

    def __init__(self, field_id: str, param: str, node: Mapping[str, Any]) -> None:
        self.id, self.param, self.node = field_id, param, node
        self.shown: list[str] = []  # Sim tool ids, in catalog order
        self.required: list[str] = []
        self.defaults: list[Any] = []

    def take(self, sim_id: str, node: Mapping[str, Any], required: bool, preset: bool) -> None:
        self.shown.append(sim_id)
        if required:
            self.required.append(sim_id)
        self.defaults.append(node.get("default") if preset else None)

    def render(self) -> Schema:
        node, kind = self.node, widget(self.node)
        field: Schema = {
            "id": self.id,
            "title": str(node.get("title", self.param)),
            "type": SUB_BLOCK_TYPES.get(kind, "short-input"),
            "description": str(node.get("description", "")),
            "condition": {"field": OPERATION, "value": list(self.shown)},
        }
        if self.id != self.param:
            field["canonicalParamId"] = self.param
        if self.required:
            everywhere = self.required == self.shown
            field["required"] = (
                True if everywhere else {"field": OPERATION, "value": list(self.required)}
            )
        if visibility(node) != "user-or-llm":
            field["paramVisibility"] = visibility(node)
        if kind == "dropdown":
            field["options"] = [{"label": lb, "id": v} for v, lb in enum_labels(node).items()]
        if kind == "json":
            field["language"] = "json"
        placeholder = _placeholder(node, kind)
        if placeholder and kind not in ("dropdown", "switch"):
            field["placeholder"] = placeholder
        if self.defaults[0] is not None and all(d == self.defaults[0] for d in self.defaults):
            field["defaultValue"] = self.defaults[0]
        return field


def _shared_fields(catalog: Catalog) -> list[_SharedField]:
    """Every parameter sub-block, in order of first use; one per name and kind."""
    fields: dict[tuple[str, tuple[str, str, tuple[str, ...]]], _SharedField] = {}
    taken: set[str] = {OPERATION, *(c.name for c in catalog.manifest.credentials)}
    for tool in catalog.tools.values():
        sim_id = sim_tool_id(tool, catalog)
        schema = tool.input_schema
        required, needs_others = (
            set(schema.get("required", [])),
            schema.get("dependentRequired", {}),
        )
        for name, node in schema["properties"].items():
            key = (name, _kind(node))
            if key not in fields:
                field_id = name if name not in taken else f"{name}_{_action(tool, catalog)}"
                taken.add(field_id)
                fields[key] = _SharedField(field_id, name, node)
            preset = "default" in node and name not in needs_others  # never pre-fill a pair
            fields[key].take(sim_id, node, name in required, preset)
    return list(fields.values())


def _credential_field(credential: Credential) -> Schema:
    field: Schema = {
        "id": credential.name,
        "title": credential.label,
        "type": _CREDENTIAL_TYPES[credential.type],
        "required": credential.required,
        "paramVisibility": credential.visibility,
        "description": " ".join(filter(None, (credential.help, credential.url))),
    }
    if credential.type == "secret-input":
        field["password"] = True
    if credential.options:
        field["options"] = [
            {"label": credential.labels.get(option, option), "id": option}
            for option in credential.options
        ]
    if credential.default is not None:
        field["defaultValue"] = credential.default
    if not credential.required:
        field["mode"] = "advanced"
    return field


def _operation_field(catalog: Catalog) -> Schema:
    options = [
        {
            "label": op["label"],
            "id": sim_tool_id(catalog.tools[op["tool"]], catalog),
            "group": group["label"],
        }
        for group in catalog.palette()
        for op in group["operations"]
    ]
    return {
        "id": OPERATION,
        "title": "Operation",
        "type": "dropdown",
        "required": True,
        "options": options,
        "defaultValue": options[0]["id"],
    }


def _block_outputs(catalog: Catalog) -> Schema:
    """Every output of any operation: its type, its description (a read-only tool's first,
    being the plainest) and the operations that give it."""
    described: dict[str, str] = {}
    tools = list(catalog.tools.values())
    for tool in [t for t in tools if t.entry.annotations.readOnlyHint] + tools:
        for name, prop in tool.output_schema.get("properties", {}).items():
            described.setdefault(name, str(prop.get("description", "")))
    outputs: Schema = {}
    for tool in tools:  # in the palette's order of operations
        for name, prop in tool.output_schema.get("properties", {}).items():
            entry = outputs.setdefault(
                name,
                {
                    "type": value_type(prop),
                    "description": described[name],
                    "condition": {"field": OPERATION, "value": []},
                },
            )
            entry["condition"]["value"].append(sim_tool_id(tool, catalog))
    return outputs


def _extras(catalog: Catalog, fields: list[_SharedField]) -> Schema:
    """What a host needs beyond Sim's types: which plugin tool a Sim tool runs and which
    sub-block fills which of its parameters; which sub-blocks are credentials."""
    tools: Schema = {}
    for tool in catalog.tools.values():
        sim_id = sim_tool_id(tool, catalog)
        tools[sim_id] = {
            "tool": tool.id,
            "toolset": tool.entry.toolset,
            "humanDescription": tool.entry.description.human,
            "params": {f.id: f.param for f in fields if sim_id in f.shown},
        }
    return {
        "plugin": catalog.manifest.id,
        "version": catalog.manifest.version,
        "icon": catalog.manifest.icon,
        "operationField": OPERATION,
        "credentials": [c.name for c in catalog.manifest.credentials],
        "tools": tools,
    }


def sim_block(catalog: Catalog | None = None) -> Schema:
    """The block as Sim's `BlockConfig` (less `icon`): identity, the operation dropdown, the
    credential and settings fields and the shared parameter fields."""
    catalog = catalog or default_catalog()
    manifest, block = catalog.manifest, catalog.manifest.block
    shared = _shared_fields(catalog)
    fields = [_operation_field(catalog)]
    fields += [_credential_field(c) for c in manifest.credentials]
    fields += [field.render() for field in shared]
    inputs: Schema = {OPERATION: {"type": "string", "description": "The tool to run."}}
    for credential in manifest.credentials:
        number = credential.type == "number-input"
        inputs[credential.name] = {
            "type": "number" if number else "string",
            "description": credential.label,
        }
    for field in shared:
        inputs[field.id] = {
            "type": value_type(field.node),
            "description": str(field.node.get("title", field.param)),
        }
    return {
        "type": block.type,
        "name": block.name,
        "description": block.description,
        "longDescription": manifest.description.human,
        "category": block.category,
        "bgColor": block.color,
        "docsLink": block.docs,
        "authMode": "api_key",
        "subBlocks": fields,
        "tools": {"access": [sim_tool_id(t, catalog) for t in catalog.tools.values()]},
        "inputs": inputs,
        "outputs": _block_outputs(catalog),
    }


def sim_tools(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool as Sim's `ToolConfig`, in catalog order."""
    catalog = catalog or default_catalog()
    return [sim_tool(tool, catalog) for tool in catalog.tools.values()]


def sim_export(catalog: Catalog | None = None) -> Schema:
    """The block, its tools and the plugin's extras."""
    catalog = catalog or default_catalog()
    return {
        "block": sim_block(catalog),
        "tools": sim_tools(catalog),
        EXTRAS: _extras(catalog, _shared_fields(catalog)),
    }
