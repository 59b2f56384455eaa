"""Intercom's OpenAPI 2.14 description, read once, from the copy in `tests/data/`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

# The one place that says where the description is (`scripts/build_defs.py` reads the
# same file by default). It is vendored, MIT, with its licence: see tests/data/README.md.
OPENAPI_FILE = (
    Path(__file__).resolve().parent / "data" / "intercom-openapi" / "api.intercom.io-2.14.yaml"
)


@cache
def load_openapi() -> dict[str, Any]:
    """The parsed description. It is part of the repository: never skip for its absence."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(OPENAPI_FILE.read_text(encoding="utf-8"), Loader=loader)


DOCUMENT_URI = "urn:intercom-openapi-2.14"


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema keywords as JSON Schema: `nullable: true` admits null, and local
    `$ref`s name the document so they resolve from any schema taken out of it."""
    if isinstance(node, list):
        return [as_json_schema(each) for each in node]
    if not isinstance(node, dict):
        return node
    node = {key: as_json_schema(value) for key, value in node.items()}
    if isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        node["$ref"] = DOCUMENT_URI + node["$ref"]
    if node.get("nullable") is True:
        del node["nullable"]
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def openapi_document() -> dict[str, Any]:
    """The whole description as JSON Schema (see `as_json_schema`)."""
    translated: dict[str, Any] = as_json_schema(load_openapi())
    return translated


@cache
def openapi_registry() -> Registry:
    """A registry in which `DOCUMENT_URI#/components/...` references resolve."""
    resource = Resource.from_contents(openapi_document(), default_specification=DRAFT202012)
    return Registry().with_resource(DOCUMENT_URI, resource)
