"""Sim: what a Sim-style host needs for its tool registry and its Intercom block.

A tool entry: `id`, `name`, `description` (for agents), `human_description`, `version`,
`params` (each with `type`, `required`, `visibility`, `description`, and `default` where
the tool applies one; the access token first, user-only) and `outputs` (each with `type`,
`description` and, for an object or a list of objects, its own fields described).

The block: `type`, `name`, `description`, `longDescription`, `category`, `icon`, `bgColor`,
`docsLink`, `authMode`, then `subBlocks`: the `operation` dropdown (one option per tool,
grouped by resource as the palette is), the credential and settings fields, and one set of
fields per operation, each shown by `condition: {field: "operation", value: <tool id>}`
and naming the `tool` and `param` it fills, so a host maps a form to a call with no code
per tool. `tools.access` lists the tool ids (`operationField` holds the one to run); `inputs`
and `outputs` describe the block. Credential and settings fields say `credential: true`: a
host passes them as the call's credentials, not as parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..manifest import Catalog, Credential, Tool
from ..selection import default_selection
from .schema import (
    Schema,
    enum_labels,
    is_json_text,
    types_of,
    visibility,
    widget,
)

OPERATION = "operation"
_SEPARATOR = "__"  # a parameter's sub-block id is "<tool id>__<parameter>"
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
    """A Sim value type: string, number, boolean, json (JSON text or an open object),
    array or object."""
    if is_json_text(node):
        return "json"
    types = [t for t in types_of(node) if t != "null"]
    if len(types) != 1:
        return "json"
    return {"integer": "number"}.get(types[0], types[0])


def _token(catalog: Catalog) -> Credential:
    """The secret credential: the access token."""
    return next(c for c in catalog.manifest.credentials if c.type == "secret-input")


def _has_token(catalog: Catalog) -> bool:
    return any(c.type == "secret-input" for c in catalog.manifest.credentials)


def _param(node: Mapping[str, Any], required: bool) -> Schema:
    param: Schema = {
        "type": value_type(node),
        "required": required,
        "visibility": visibility(node),
        "description": str(node.get("description", "")),
    }
    if "default" in node:
        param["default"] = node["default"]
    if "enum" in node:
        param["options"] = list(node["enum"])
    return param


def _output(node: Mapping[str, Any], depth: int = 0) -> Schema:
    """An output with its description and, one level down, its fields."""
    result: Schema = {"type": value_type(node), "description": str(node.get("description", ""))}
    if depth == 0:
        items = node.get("items")
        if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
            result["items"] = {
                "type": "object",
                "properties": {n: _output(p, 1) for n, p in items["properties"].items()},
            }
        elif isinstance(node.get("properties"), Mapping):
            result["properties"] = {n: _output(p, 1) for n, p in node["properties"].items()}
    return result


def sim_tool(tool: Tool, catalog: Catalog | None = None) -> Schema:
    """One tool's registry entry."""
    catalog = catalog or default_selection()
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
    return {
        "id": tool.id,
        "name": tool.entry.name,
        "description": tool.entry.description.llm,
        "human_description": tool.entry.description.human,
        "version": tool.version,
        "resource": tool.entry.toolset,
        "params": params,
        "outputs": {
            name: _output(prop) for name, prop in tool.output_schema.get("properties", {}).items()
        },
    }


def _placeholder(node: Mapping[str, Any], kind: str) -> str:
    examples = node.get("examples")
    if examples:
        example = examples[0]
        shown = ", ".join(map(str, example)) if isinstance(example, list) else str(example)
        return f"e.g. {shown}"
    return _PLACEHOLDERS.get(kind, "")


def _field(tool: Tool, name: str, node: Mapping[str, Any], required: bool) -> Schema:
    kind = widget(node)
    field: Schema = {
        "id": f"{tool.id}{_SEPARATOR}{name}",
        "title": str(node.get("title", name)),
        "type": SUB_BLOCK_TYPES.get(kind, "short-input"),
        "widget": kind,
        "valueType": value_type(node),
        "tool": tool.id,
        "param": name,
        "required": required,
        "visibility": visibility(node),
        "description": str(node.get("description", "")),
        "condition": {"field": OPERATION, "value": tool.id},
    }
    if kind == "dropdown":
        field["options"] = [{"id": v, "label": label} for v, label in enum_labels(node).items()]
    if kind == "json":
        field["language"] = "json"
    placeholder = _placeholder(node, kind)
    if placeholder and kind not in ("dropdown", "switch"):
        field["placeholder"] = placeholder
    needs_others = name in tool.input_schema.get("dependentRequired", {})
    if "default" in node and not needs_others:  # a value that needs another is never pre-filled
        field["value"] = node["default"]
    return field


def _credential_field(credential: Credential) -> Schema:
    field: Schema = {
        "id": credential.name,
        "title": credential.label,
        "type": _CREDENTIAL_TYPES[credential.type],
        "valueType": "number" if credential.type == "number-input" else "string",
        "credential": True,
        "required": credential.required,
        "visibility": credential.visibility,
        "description": credential.help,
    }
    if credential.type == "secret-input":
        field["password"] = True
    if credential.options:
        field["options"] = [
            {"id": option, "label": credential.labels.get(option, option)}
            for option in credential.options
        ]
    if credential.default is not None:
        field["value"] = credential.default
    if credential.url:
        field["docsLink"] = credential.url
    if not credential.required:
        field["mode"] = "advanced"
    return field


def _operation_field(catalog: Catalog) -> Schema:
    groups = catalog.palette()
    options = [
        {"id": op["tool"], "label": op["label"], "group": group["label"]}
        for group in groups
        for op in group["operations"]
    ]
    return {
        "id": OPERATION,
        "title": "Operation",
        "type": "dropdown",
        "required": True,
        "options": options,
        "groups": [
            {
                "label": g["label"],
                "resource": g["resource"],
                "options": [o["tool"] for o in g["operations"]],
            }
            for g in groups
        ],
        "value": options[0]["id"],
    }


def _block_outputs(catalog: Catalog) -> Schema:
    """Every output of any operation: its type, its description (a read-only tool's first,
    being the plainest), each operation's own where they differ, and the operations that
    give it."""
    outputs: Schema = {}
    tools = list(catalog.tools.values())
    for tool in [t for t in tools if t.entry.annotations.readOnlyHint] + tools:
        for name, prop in tool.output_schema.get("properties", {}).items():
            description = str(prop.get("description", ""))
            entry = outputs.setdefault(
                name, {"type": value_type(prop), "description": description, "by": {}}
            )
            entry["by"].setdefault(tool.id, description)
    ordered: Schema = {}
    for tool in tools:  # in the palette's order of operations
        for name in tool.output_schema.get("properties", {}):
            if name in ordered:
                continue
            entry = outputs[name]
            by = {t: entry["by"][t] for t in catalog.tools if t in entry["by"]}
            ordered[name] = {"type": entry["type"], "description": entry["description"]}
            if len(set(by.values())) > 1:
                ordered[name]["descriptions"] = by
            ordered[name]["condition"] = {"field": OPERATION, "value": list(by)}
    return ordered


def sim_block(catalog: Catalog | None = None) -> Schema:
    """The Intercom block: identity, the operation dropdown, the credential and settings
    fields and every operation's fields."""
    catalog = catalog or default_selection()
    manifest, block = catalog.manifest, catalog.manifest.block
    fields = [_operation_field(catalog)]
    fields += [_credential_field(c) for c in manifest.credentials]
    for tool in catalog.tools.values():
        required = set(tool.input_schema.get("required", []))
        fields += [
            _field(tool, name, prop, name in required)
            for name, prop in tool.input_schema["properties"].items()
        ]
    inputs: Schema = {
        OPERATION: {"type": "string", "description": "The tool to run: one of `tools.access`."}
    }
    for field in fields[1:]:
        inputs[field["id"]] = {
            "type": field["valueType"],
            "description": f"{field['title']}: {field['description']}",
        }
    return {
        "type": block.type,
        "name": block.name,
        "description": block.description,
        "longDescription": manifest.description.human,
        "category": block.category,
        "icon": manifest.icon,
        "bgColor": block.color,
        "docsLink": block.docs,
        "authMode": "api_key" if _has_token(catalog) else "none",
        "version": manifest.version,
        "subBlocks": fields,
        "tools": {"access": list(catalog.tools), "operationField": OPERATION},
        "inputs": inputs,
        "outputs": _block_outputs(catalog),
    }


def sim_tools(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool's registry entry, in catalog order."""
    catalog = catalog or default_selection()
    return [sim_tool(tool, catalog) for tool in catalog.tools.values()]


def sim_export(catalog: Catalog | None = None) -> Schema:
    """The block and every tool's registry entry."""
    catalog = catalog or default_selection()
    return {"block": sim_block(catalog), "tools": sim_tools(catalog)}
