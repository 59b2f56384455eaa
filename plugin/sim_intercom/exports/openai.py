"""OpenAI: Chat Completions function tools in strict mode (Structured Outputs).

Shape: `{"type": "function", "function": {"name", "description", "parameters", "strict":
true}}`; for the Responses API (`openai-responses`) the same fields without the `function`
wrapper: `{"type": "function", "name", "description", "parameters", "strict": true}`.
OpenAI takes at most `MAX_TOOLS` (128) tools in a request: a longer list is refused here,
naming the toolsets to choose from, rather than by OpenAI at the first call.

Strict mode, as OpenAI's Structured Outputs guide ("Supported schemas") documents it: the
root is an object without `anyOf`; every object lists all its properties in `required` and
has `additionalProperties: false`; an optional parameter is made nullable (`"type": [T,
"null"]`, and `null` joins its `enum`), and the executor treats `null` as absent. Kept
keywords: `type`, `description`, `enum`, `const`, `properties`, `required`,
`additionalProperties`, `items`, `anyOf`, `$defs`, `$ref`; for strings `pattern` and
`format` (date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid); for numbers
`minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`; for arrays
`minItems`, `maxItems`. Everything else (`minLength`, `maxLength`, `uniqueItems`,
`default`, `examples`, `title`, `contentMediaType`/`contentSchema`, `$schema`, `x-*`, and
the root rules `anyOf`/`if`/`then`/`dependentRequired`) is dropped, and what constrains a
value is said in the description instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..manifest import Catalog, Tool
from ..selection import default_selection
from .schema import Schema, constraint_notes, described, root_rules

STRICT_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}
)
STRICT_KEYWORDS = frozenset(
    {
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
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
    }
)
# Constraints strict mode drops that a model should still read.
_STATED = ("minLength", "maxLength", "uniqueItems", "default", "contentMediaType", "format")


def _nullable(schema: Schema) -> Schema:
    """`schema` that also accepts null."""
    result = dict(schema)
    if "anyOf" in result:
        result["anyOf"] = [*result["anyOf"], {"type": "null"}]
        return result
    if "const" in result:
        result["enum"] = [result.pop("const")]
    declared = result.get("type")
    if isinstance(declared, str) and declared != "null":
        result["type"] = [declared, "null"]
    elif isinstance(declared, list) and "null" not in declared:
        result["type"] = [*declared, "null"]
    if "enum" in result and None not in result["enum"]:
        result["enum"] = [*result["enum"], None]
    return result


def strict_schema(node: Mapping[str, Any]) -> tuple[Schema, list[str]]:
    """`node` in strict mode's subset, and the notes that did not fit in it: a node with a
    description takes its own notes; one without passes them up to its parent."""
    dropped = [k for k in _STATED if k in node]
    if node.get("format") in STRICT_FORMATS:
        dropped.remove("format")
    notes = constraint_notes(node, dropped)
    result: Schema = {k: v for k, v in node.items() if k in STRICT_KEYWORDS and k not in dropped}
    if isinstance(node.get("items"), Mapping):
        result["items"], below = strict_schema(node["items"])
        notes += [f"Each item: {note[0].lower()}{note[1:]}" for note in below]
    if "anyOf" in node:
        result["anyOf"] = [strict_schema(branch)[0] for branch in node["anyOf"]]
    if isinstance(node.get("properties"), Mapping) or node.get("type") == "object":
        properties = node.get("properties", {})
        required = set(node.get("required", []))
        result["properties"] = {}
        for name, prop in properties.items():
            converted, _ = strict_schema(prop)
            result["properties"][name] = converted if name in required else _nullable(converted)
        result["required"] = list(properties)
        result["additionalProperties"] = False
    if "description" in node:
        result["description"] = described(str(node["description"]), notes)
        notes = []
    return result, notes


def openai_parameters(tool: Tool) -> Schema:
    """The tool's parameters for strict mode: an object, every property required."""
    root = {k: v for k, v in tool.input_schema.items() if k in ("type", "properties", "required")}
    schema, _ = strict_schema(root)
    return schema


def openai_tool(tool: Tool) -> Schema:
    entry = tool.entry
    return {
        "type": "function",
        "function": {
            "name": entry.id,
            "description": described(entry.description.llm, root_rules(tool.input_schema)),
            "parameters": openai_parameters(tool),
            "strict": True,
        },
    }


def openai_responses_tool(tool: Tool) -> Schema:
    """One tool as a Responses API function tool: Chat Completions' fields, unwrapped."""
    return {"type": "function", **openai_tool(tool)["function"]}


MAX_TOOLS = 128  # OpenAI's limit on the tools of one request (VS Code's too)


class TooManyTools(ValueError):
    """More tools than a platform takes in one request; names the toolsets to choose from."""


def check_tool_count(catalog: Catalog, platform: str, limit: int = MAX_TOOLS) -> None:
    """Raise `TooManyTools` when `catalog` holds more than `limit` tools."""
    if len(catalog.tools) <= limit:
        return
    sizes = [
        f"{toolset.name} ({len(catalog.toolset_tools(toolset.name))})"
        for toolset in catalog.manifest.toolsets
        if catalog.toolset_tools(toolset.name)
    ]
    raise TooManyTools(
        f"{platform} takes at most {limit} tools in a request and this selection has "
        f"{len(catalog.tools)}: choose toolsets (--toolsets a,b or toolsets=[...]) from "
        f"{', '.join(sizes)}, or the default set"
    )


def openai_tools(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool of `catalog` as a Chat Completions function tool in strict mode, in
    catalog order; `TooManyTools` past OpenAI's limit."""
    catalog = catalog or default_selection()
    check_tool_count(catalog, "OpenAI")
    return [openai_tool(tool) for tool in catalog.tools.values()]


def openai_responses_tools(catalog: Catalog | None = None) -> list[Schema]:
    """Every tool of `catalog` as a Responses API function tool in strict mode, in catalog
    order; `TooManyTools` past OpenAI's limit."""
    catalog = catalog or default_selection()
    check_tool_count(catalog, "OpenAI")
    return [openai_responses_tool(tool) for tool in catalog.tools.values()]
