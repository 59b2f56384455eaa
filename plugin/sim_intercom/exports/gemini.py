"""Gemini: function declarations, `{"name", "description", "parameters"}`, whose parameters
use Google's subset of the OpenAPI 3.0 schema object (`google.genai.types.Schema`).

Types are upper case (`STRING`, `INTEGER`, ...); an enum is `STRING` with `format: enum`
and text values; `null` in a type becomes `nullable: true`; several types become `anyOf`.
Kept: `type`, `description`, `enum`, `items`, `properties`, `required`, `minimum`,
`maximum`, `minItems`, `maxItems`, `minLength`, `maxLength`, `pattern`, `default`. Dropped,
and said in the description where they constrain a value: `examples`, `$schema`, `title`,
`contentMediaType`/`contentSchema`, `uniqueItems`, `additionalProperties`, `const` (as a
one-value enum), `x-*`, and the root rules (`anyOf`, `if`/`then`, `dependentRequired`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..manifest import Catalog, Tool
from ..selection import default_selection
from .schema import Schema, constraint_notes, described, root_rules, types_of

_KEPT = (
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "pattern",
    "default",
)
_STATED = ("uniqueItems", "contentMediaType")


def gemini_schema(node: Mapping[str, Any]) -> tuple[Schema, list[str]]:
    """`node` in Gemini's subset, and the notes a node without a description passes up."""
    notes = constraint_notes(node, _STATED)
    values = [node["const"]] if "const" in node else node.get("enum")
    types = [t for t in types_of(node) if t != "null"]
    result: Schema = {}
    if values is not None and all(isinstance(v, str) for v in values if v is not None):
        result.update(type="STRING", format="enum", enum=[v for v in values if v is not None])
    elif len(types) == 1:
        result["type"] = types[0].upper()
    elif types:
        result["anyOf"] = [{"type": t.upper()} for t in types]
    if "null" in types_of(node) or (values is not None and None in values):
        result["nullable"] = True
    result.update({k: node[k] for k in _KEPT if k in node})
    if isinstance(node.get("items"), Mapping):
        result["items"], below = gemini_schema(node["items"])
        notes += [f"Each item: {note[0].lower()}{note[1:]}" for note in below]
    if isinstance(node.get("properties"), Mapping):
        result["properties"] = {}
        for name, prop in node["properties"].items():
            result["properties"][name], _ = gemini_schema(prop)
        if node.get("required"):
            result["required"] = list(node["required"])
    if "description" in node:
        result["description"] = described(str(node["description"]), notes)
        notes = []
    return result, notes


def gemini_declaration(tool: Tool) -> Schema:
    entry = tool.entry
    root = {k: v for k, v in tool.input_schema.items() if k in ("type", "properties", "required")}
    parameters, _ = gemini_schema(root)
    return {
        "name": entry.id,
        "description": described(entry.description.llm, root_rules(tool.input_schema)),
        "parameters": parameters,
    }


def gemini_declarations(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool as a Gemini function declaration, in catalog order; a host passes them as
    `types.Tool(function_declarations=[...])`."""
    catalog = catalog or default_selection()
    return [gemini_declaration(tool) for tool in catalog.tools.values()]
