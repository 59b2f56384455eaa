"""Sim's flat output fields: values already in an output, repeated at its top level.

Sim's own Intercom tools (the v2 ones) return some values flat beside the object they
belong to (`contactId` beside `contact`, a note's `id` and `body` beside `note`), and
workflows reference them (`<intercom.contactId>`). Each is declared in the tool's output
schema, so the schema stays the one description of the output: `x-copy-of: "contact.id"`
repeats the value at that path of the output, and a `const` property (`success: true`)
holds its constant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

COPY_OF = "x-copy-of"

Alias = tuple[str, str | None, Any]  # the field, the path it copies (or None), a constant


def declared_aliases(output_schema: Mapping[str, Any]) -> list[Alias]:
    """The flat fields an output schema declares, in declaration order."""
    found: list[Alias] = []
    for name, schema in output_schema.get("properties", {}).items():
        if not isinstance(schema, Mapping):
            continue
        if COPY_OF in schema:
            found.append((name, str(schema[COPY_OF]), None))
        elif "const" in schema:
            found.append((name, None, schema["const"]))
    return found


def _at(output: Mapping[str, Any], path: str) -> Any:
    value: Any = output
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def with_aliases(output: dict[str, Any], aliases: list[Alias]) -> dict[str, Any]:
    """`output` with each declared flat field filled in (a copy whose source is absent is
    left out, as the source is)."""
    for name, path, constant in aliases:
        if path is None:
            output[name] = constant
            continue
        value = _at(output, path)
        if value is not None:
            output[name] = str(value) if name.endswith("Id") else value
    return output
