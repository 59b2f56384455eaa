"""What every export does to a catalog schema: walk it, read its `x-` annotations, strip
them, and say in words what a host's schema subset cannot carry."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

Schema = dict[str, Any]

ANNOTATION_PREFIX = "x-"
JSON_MEDIA_TYPE = "application/json"
DEFAULT_VISIBILITY = "user-or-llm"

# Where a schema keeps subschemas: by name, in a list, or one.
_SCHEMA_MAPS = ("properties", "$defs", "patternProperties", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = (
    "items",
    "additionalProperties",
    "contentSchema",
    "if",
    "then",
    "else",
    "not",
    "contains",
    "propertyNames",
)
# Root keywords that tie parameters together; every LLM export states them in words.
ROOT_RULES = ("anyOf", "oneOf", "allOf", "if", "then", "else", "dependentRequired")


def walk(node: Any, change: Callable[[Schema], Schema]) -> Any:
    """`node` rebuilt bottom-up: every subschema first, then `change` on the node itself."""
    if not isinstance(node, Mapping):
        return node
    result: Schema = dict(node)
    for key in _SCHEMA_MAPS:
        if isinstance(node.get(key), Mapping):
            result[key] = {name: walk(sub, change) for name, sub in node[key].items()}
    for key in _SCHEMA_LISTS:
        if isinstance(node.get(key), list):
            result[key] = [walk(sub, change) for sub in node[key]]
    for key in _SCHEMA_ONE:
        if isinstance(node.get(key), Mapping):
            result[key] = walk(node[key], change)
    return change(result)


def without_annotations(schema: Schema) -> Schema:
    """`schema` without the catalog's `x-` keywords, at every depth."""
    stripped: Schema = walk(
        schema, lambda node: {k: v for k, v in node.items() if not k.startswith(ANNOTATION_PREFIX)}
    )
    return stripped


def types_of(node: Mapping[str, Any]) -> list[str]:
    """The JSON types `node` allows, `anyOf` branches included; empty when it does not say."""
    declared = node.get("type")
    found = [declared] if isinstance(declared, str) else list(declared or [])
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        found += [t for t in types_of(branch) if t not in found]
    if "const" in node and not found:
        found = [_json_type(node["const"])]
    return found


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def is_json_text(node: Mapping[str, Any]) -> bool:
    return node.get("contentMediaType") == JSON_MEDIA_TYPE


def widget(node: Mapping[str, Any]) -> str:
    """How a form shows the parameter: `x-widget` when declared, else from its schema."""
    declared = node.get("x-widget")
    if isinstance(declared, str):
        return declared
    types = [t for t in types_of(node) if t != "null"]
    if "enum" in node:
        return "dropdown"
    if is_json_text(node):
        return "json"
    if types == ["boolean"]:
        return "switch"
    if types in (["integer"], ["number"]):
        return "number"
    if types == ["array"]:
        return "list"
    return "short-text"


def enum_labels(node: Mapping[str, Any]) -> dict[str, str]:
    """A label for each enum value: `x-enum-labels`, or the value itself."""
    labels = node.get("x-enum-labels") or {}
    return {str(value): str(labels.get(value, value)) for value in node.get("enum", [])}


def visibility(node: Mapping[str, Any]) -> str:
    return str(node.get("x-visibility", DEFAULT_VISIBILITY))


def code(value: Any) -> str:
    """A value as the descriptions quote it: `user`, `["a"]`."""
    return f"`{value if isinstance(value, str) else json.dumps(value)}`"


def _names(names: Iterable[str], joiner: str) -> str:
    quoted = [code(n) for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {joiner} {quoted[-1]}"


def _alternatives(branches: list[Any], how: str) -> str:
    if not all(isinstance(b, Mapping) and set(b) == {"required"} for b in branches):
        raise ValueError(f"cannot state this {how} rule in words: {branches!r}")
    names = [name for branch in branches for name in branch["required"]]
    return f"Give {how} one of {_names(names, 'or')}."


def _condition(rule: Mapping[str, Any]) -> str:
    consts = {
        name: prop["const"]
        for name, prop in rule.get("properties", {}).items()
        if isinstance(prop, Mapping) and "const" in prop
    }
    if not consts or set(rule) - {"properties", "required"}:
        raise ValueError(f"cannot state this condition in words: {rule!r}")
    return " and ".join(f"{code(name)} is {code(value)}" for name, value in consts.items())


def root_rules(schema: Mapping[str, Any]) -> list[str]:
    """The rules that tie a tool's parameters together, in words, e.g. "Give at least one
    of `email`, `external_id` or `role`." A rule no sentence can state raises ValueError, so
    a new kind of rule cannot be dropped from an export silently."""
    rules: list[str] = []
    if "anyOf" in schema:
        rules.append(_alternatives(schema["anyOf"], "at least"))
    if "oneOf" in schema:
        rules.append(_alternatives(schema["oneOf"], "exactly"))
    for part in schema.get("allOf", []):
        rules += root_rules(part)
    if "if" in schema:
        then = schema.get("then", {})
        if set(then) != {"required"} or "else" in schema:
            raise ValueError(f"cannot state this if/then rule in words: {schema['if']!r}")
        needed = _names(then["required"], "and")
        rules.append(
            f"{needed} {'is' if len(then['required']) == 1 else 'are'} required when "
            f"{_condition(schema['if'])}."
        )
    for name, needed in schema.get("dependentRequired", {}).items():
        rules.append(f"{code(name)} needs {_names(needed, 'and')}.")
    return rules


def without_root_rules(schema: Schema) -> Schema:
    return {k: v for k, v in schema.items() if k not in ROOT_RULES}


def constraint_notes(node: Mapping[str, Any], dropped: Iterable[str]) -> list[str]:
    """Sentences for the constraints of `node` named in `dropped` (keywords a host's
    subset lacks), so a model still reads them."""
    notes: list[str] = []
    description = str(node.get("description", ""))
    for key in dropped:
        if key not in node:
            continue
        value = node[key]
        match key:
            case "minLength":
                notes.append("Not empty." if value == 1 else f"At least {value} characters.")
            case "maxLength":
                notes.append(f"At most {value} characters.")
            case "pattern":
                notes.append(f"Matches the regular expression {code(value)}.")
            case "format":
                notes.append(f"Format: {value}.")
            case "minimum":
                notes.append(f"At least {value}.")
            case "maximum":
                notes.append(f"At most {value}.")
            case "minItems":
                notes.append(f"At least {value} items.")
            case "maxItems":
                notes.append(f"At most {value} items.")
            case "uniqueItems" if value:
                notes.append("No item twice.")
            case "default" if "default" not in description.lower():
                notes.append(f"Default: {code(value)}.")
            case "contentMediaType" if value == JSON_MEDIA_TYPE and "JSON" not in description:
                notes.append("JSON text.")
    return notes


def _plain(text: str) -> str:
    return " ".join(text.replace("`", "").split()).rstrip(".")


def described(description: str, notes: Iterable[str]) -> str:
    """`description` followed by each note it does not already say (backticks aside)."""
    text = description.strip()
    for note in notes:
        if note and _plain(note) not in _plain(text):
            text = f"{text} {note}" if text else note
    return text


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(`])")


def short(text: str, limit: int = 90) -> str:
    """The first sentence of `text`, at most about `limit` characters, whole words."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return f"{cut}..."
