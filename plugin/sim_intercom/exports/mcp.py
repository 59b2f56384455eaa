"""MCP: every tool as an MCP `Tool` in its wire shape, with compact output schemas.

An output schema keeps each output and, inside an Intercom object (contact, company,
conversation, ticket, message), that object's own properties with their types and first
sentences; what lies deeper is only typed as an object or a list. Nothing is required and
objects stay open, so every real output validates, also one cut down by `fields`.

In the whole list (`mcp_tools`), what repeats is said once: each kind of object (the def's
`title`: Contact, Company, ...) has its properties in the first read-only tool that returns
it (else the first tool), and the other tools type it as an object and say where it is
described; a parameter description already given in full (`fields`, `per_page`, ...) is
cut to its first sentence. The input schemas drop `contentSchema` (each JSON-text
parameter says its shape in words), the form labels (`title`) and `examples` (each tool's
description carries an example call).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..aliases import COPY_OF
from ..manifest import Catalog, Tool, default_catalog
from .schema import (
    Schema,
    described,
    root_rules,
    short,
    types_of,
    without_annotations,
    without_root_rules,
)

# Outputs (depth 0) keep their properties; those (depth 1) keep only type and description.
_KEPT_DEPTH = 1
_DROPPED_FROM_INPUT = ("$schema", "title")
_DROPPED_FROM_PARAMETERS = ("title", "contentSchema", "examples")


def mcp_input_schema(tool: Tool, said: set[str] | None = None) -> Schema:
    """The input schema without annotations, `$schema`, labels, `contentSchema` or root
    rules (which go into the description: many clients hand the schema to models that
    refuse them at the root). A parameter description already in `said` (given in full by
    an earlier tool of the list) shrinks to its first sentence, and loses its examples."""
    schema = without_root_rules(without_annotations(tool.input_schema))
    schema = {k: v for k, v in schema.items() if k not in _DROPPED_FROM_INPUT}
    schema["properties"] = {
        name: _parameter(prop, said) for name, prop in schema.get("properties", {}).items()
    }
    return schema


def _parameter(prop: Mapping[str, Any], said: set[str] | None) -> Schema:
    kept = {k: v for k, v in prop.items() if k not in _DROPPED_FROM_PARAMETERS}
    description = kept.get("description")
    if said is None or not isinstance(description, str):
        return kept
    if description in said:
        kept["description"] = short(description)
        kept.pop("examples", None)
    said.add(description)
    return kept


def _typed(node: Mapping[str, Any], describe: bool) -> Schema:
    types = types_of(node)
    result: Schema = {}
    if types:
        result["type"] = types[0] if len(types) == 1 else types
    if describe and node.get("description"):
        result["description"] = short(str(node["description"]))
    return result


def _branches(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [node, *node.get("anyOf", []), *node.get("oneOf", [])]


def _kind(node: Mapping[str, Any]) -> str | None:
    """The kind of Intercom object `node` is (its def's title), when it is one."""
    title = node.get("title")
    return title if isinstance(title, str) and "properties" in node else None


def _compact(node: Mapping[str, Any], depth: int, described_elsewhere: Mapping[str, str]) -> Schema:
    """`node` with its type and short description and, above the kept depth, its
    properties (described unless `described_elsewhere` names where they are)."""
    result = _typed(node, describe=True)
    if depth >= _KEPT_DEPTH:
        return result
    kinds = [kind for branch in _branches(node) if (kind := _kind(branch))]
    where = next((described_elsewhere[k] for k in kinds if k in described_elsewhere), None)
    if where:
        note = f"The same object, with the same fields, as in {where}."
        result["description"] = described(result.get("description", ""), [note])
        return result
    properties: Schema = {}
    for branch in _branches(node):
        for name, sub in branch.get("properties", {}).items():
            if name not in properties:
                properties[name] = _compact(sub, depth + 1, described_elsewhere)
    if properties:
        result["properties"] = properties
    items = next((b["items"] for b in _branches(node) if isinstance(b.get("items"), Mapping)), None)
    if items is not None:
        below = _compact(items, depth, described_elsewhere)  # a list keeps what an item keeps
        if below:
            result["items"] = below
    return result


def _is_alias(prop: Mapping[str, Any]) -> bool:
    """A flat copy of a value described elsewhere in the output (Sim's names, such as
    `contactId`), or a constant: typed only, its name says the rest."""
    return COPY_OF in prop or "const" in prop


def mcp_output_schema(tool: Tool, described_elsewhere: Mapping[str, str] | None = None) -> Schema:
    """The tool's output schema, compact (see the module docstring); the kinds of object in
    `described_elsewhere` get their properties typed only, with a pointer to the tool that
    describes them."""
    output = tool.output_schema
    schema: Schema = {"type": "object"}
    if output.get("description"):
        schema["description"] = short(str(output["description"]))
    schema["properties"] = {
        name: _typed(prop, describe=False)
        if _is_alias(prop)
        else _compact(prop, 0, described_elsewhere or {})
        for name, prop in output.get("properties", {}).items()
    }
    if output.get("additionalProperties") is False:
        schema["additionalProperties"] = False
    return schema


def mcp_tool(
    tool: Tool,
    described_elsewhere: Mapping[str, str] | None = None,
    said: set[str] | None = None,
) -> Schema:
    """One tool as an MCP `Tool`; alone, it describes every object and parameter in full."""
    entry = tool.entry
    return {
        "name": entry.id,
        "title": entry.name,
        "description": described(entry.description.llm, root_rules(tool.input_schema)),
        "inputSchema": mcp_input_schema(tool, said),
        "outputSchema": mcp_output_schema(tool, described_elsewhere),
        "annotations": {"title": entry.name, **entry.annotations.as_dict()},
    }


def _kinds_returned(tool: Tool) -> list[str]:
    """The kinds of Intercom object among the tool's outputs and their list items."""
    found: list[str] = []
    for prop in tool.output_schema.get("properties", {}).values():
        for node in (prop, prop.get("items")):
            kind = _kind(node) if isinstance(node, Mapping) else None
            if kind and kind not in found:
                found.append(kind)
    return found


def describers(catalog: Catalog) -> dict[str, str]:
    """For each kind of object, the tool that describes its properties: the first
    read-only tool that returns it, else the first tool."""
    chosen: dict[str, str] = {}
    tools = list(catalog.tools.values())
    ordered = [t for t in tools if t.entry.annotations.readOnlyHint] + tools
    for tool in ordered:
        for kind in _kinds_returned(tool):
            chosen.setdefault(kind, tool.id)
    return chosen


def mcp_tools(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool as an MCP `Tool` (camelCase wire keys), in catalog order; each kind of
    object is described in one of them."""
    catalog = catalog or default_catalog()
    chosen = describers(catalog)
    said: set[str] = set()
    return [
        mcp_tool(
            tool,
            {kind: f"{by}'s output" for kind, by in chosen.items() if by != tool.id},
            said,
        )
        for tool in catalog.tools.values()
    ]
