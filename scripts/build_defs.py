"""Generates `schemas/defs/` from Intercom's OpenAPI 2.14 description.

Usage: python scripts/build_defs.py [OPENAPI_YAML] [--out DIR]

OPENAPI_YAML defaults to the copy in tests/data/intercom-openapi/, DIR to schemas/defs/.

Takes the component schemas of the objects the tools return, inlines their nested
`#/components/schemas/...` references, converts OpenAPI 3.0 to JSON Schema 2020-12
and makes the result as lenient as the live API is (it omits fields the description
marks required): only `type` and `id` stay required, at the top level.
"""

from __future__ import annotations

import argparse
import copy
import json
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
# The vendored copy the tests read too (tests/openapi.py, OPENAPI_FILE).
DEFAULT_OPENAPI = REPO_ROOT / "tests" / "data" / "intercom-openapi" / "api.intercom.io-2.14.yaml"
DEFAULT_OUT = REPO_ROOT / "schemas" / "defs"
BASE_ID = "https://sim-intercom.invalid/schemas/defs/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
COMMENT = (
    "Generated from Intercom's OpenAPI 2.14 description (api.intercom.io-2.14.yaml, "
    "MIT license, Intercom, Inc.) by scripts/build_defs.py. Do not edit by hand."
)

# Output file stem -> OpenAPI component name.
OBJECTS = {
    "contact": "contact",
    "company": "company",
    "conversation": "conversation",
    "ticket": "ticket",
    "message": "message",
    "admin": "admin",
    "tag": "tag",
    "note": "note",
    "intercom_error": "error",
    # A: people
    "data_attribute": "data_attribute",
    "segment": "segment",
    # The objects webhook notifications carry beside those (schemas/defs/webhook_item.json)
    "article": "article",
    "call": "call",
    "conversation_part": "conversation_part",
    "event": "data_event",
    "job": "jobs",
    "subscription_type": "subscription_type",
    "visitor": "visitor",
    # B: support
    "admin_with_app": "admin_with_app",
    "team": "team",
    "ticket_type": "ticket_type",
    "ticket_type_attribute": "ticket_type_attribute",
    "ticket_state": "ticket_state_detailed",
    "ticket_part": "ticket_reply",
    "activity_log": "activity_log",
    "away_status_reason": "away_status_reason",
    # C: content (issue 18)
    "collection": "collection",
    "help_center": "help_center",
    "internal_article": "internal_article",
    "news_item": "news_item",
    "newsfeed": "newsfeed",
    "content_import_source": "content_import_source",
    "external_page": "external_page",
    "data_export": "data_export",
    "custom_object_instance": "custom_object_instance",
    "ip_allowlist": "ip_allowlist",
}

# Keywords carried over; everything else (example, x-*, required, additionalProperties,
# nullable once applied) is dropped. `additionalProperties` goes because Intercom's value
# types are hints the live API does not keep (company custom attributes are "strings" that
# hold booleans and numbers); leaving it out keeps every object open.
KEPT = (
    "title",
    "description",
    "type",
    "format",
    "enum",
    "default",
    "items",
    "properties",
    "allOf",
    "anyOf",
    "oneOf",
)
# Where Intercom's own response examples (and the live API) contradict the description:
# (component, property) -> the OpenAPI fields that replace the property's own.
CORRECTIONS = {
    ("conversation_part", "id"): {"type": ["string", "integer"]},  # examples send integers
    ("admin", "avatar"): {"type": ["string", "object"], "nullable": True},  # `GET /me`: object
}
# Properties Intercom's description leaves undescribed, though a block shows them:
# (component, property) -> the description to give them.
DESCRIPTIONS = {
    ("contact", "avatar"): "The contact's avatar, with its `image_url`.",
    ("company", "plan"): "The plan the company is on, with its `id` and `name`.",
    ("visitor", "avatar"): "The visitor's avatar, with its `image_url`.",
    ("visitor", "companies"): "The companies the visitor is associated with.",
    ("visitor", "location_data"): "Where the visitor was last seen: city, region, country.",
    ("visitor", "social_profiles"): "The visitor's social profiles.",
    ("visitor", "tags"): "The tags on the visitor.",
    ("visitor", "segments"): "The segments the visitor is in.",
    ("activity_log", "activity_type"): "What the admin did, such as `admin_away_mode_change`.",
    ("away_status_reason", "type"): "Always `away_status_reason`.",
    ("call", "initiated_at"): "When the call started, as a Unix timestamp.",
    ("call", "answered_at"): "When the call was answered, as a Unix timestamp.",
    ("call", "ended_at"): "When the call ended, as a Unix timestamp.",
    ("call", "created_at"): "When the call was recorded, as a Unix timestamp.",
    ("call", "updated_at"): "When the call last changed, as a Unix timestamp.",
}
# Components whose title another object already has: a host tells objects apart by title.
TITLES = {
    "admin_with_app": "Admin with workspace",
    "ticket_state_detailed": "Ticket State with its types",
}
MAX_DEPTH = 8
REF_PREFIX = "#/components/schemas/"


class Converter:
    """Turns OpenAPI component schemas into self-contained JSON Schema 2020-12."""

    def __init__(self, components: dict[str, Any]) -> None:
        self.components = components

    def convert(self, node: dict[str, Any], trail: tuple[str, ...] = ()) -> dict[str, Any]:
        """`node` in JSON Schema terms; `trail` holds the components being inlined."""
        if "$ref" in node:
            name = node["$ref"].removeprefix(REF_PREFIX)
            siblings = {k: v for k, v in node.items() if k != "$ref"}  # nullable, description
            if name in trail or len(trail) >= MAX_DEPTH:
                return self.convert({"type": "object", "title": name, **siblings}, trail)
            return self.convert({**self.components[name], **siblings}, (*trail, name))
        result: dict[str, Any] = {}
        for key in KEPT:
            if key not in node:
                continue
            value = node[key]
            if key == "properties":
                value = {name: self.convert(prop, trail) for name, prop in value.items()}
            elif key == "items":
                value = self.convert(value, trail)
            elif key in ("allOf", "anyOf", "oneOf"):
                value = [self.convert(branch, trail) for branch in value]
            elif key == "format" and node.get("type") != "string":
                continue  # Intercom marks integer Unix timestamps `date-time`: no JSON format
            elif key == "description" and not value:
                continue
            result[key] = value
        if node.get("nullable"):
            _allow_null(result)
        return result


def _allow_null(schema: dict[str, Any]) -> None:
    """OpenAPI's `nullable: true` in JSON Schema terms."""
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"].append(None)
    declared = schema.get("type")
    if not any(key in schema for key in ("allOf", "anyOf", "oneOf")):
        if isinstance(declared, str):
            schema["type"] = [declared, "null"]
            return
        if isinstance(declared, list):
            schema["type"] = [*declared, "null"] if "null" not in declared else declared
            return
    # A composed schema (or one without a type): null is one more alternative.
    inner = {k: schema.pop(k) for k in list(schema) if k not in ("title", "description")}
    schema["anyOf"] = [inner, {"type": "null"}]


def corrected(components: dict[str, Any]) -> dict[str, Any]:
    """A copy of the components with `CORRECTIONS` and `DESCRIPTIONS` applied."""
    result = copy.deepcopy(components)
    for (component, name), fields in CORRECTIONS.items():
        prop = result[component]["properties"][name]
        description = prop.get("description")
        prop.clear()
        prop.update(fields, **({"description": description} if description else {}))
    for (component, name), description in DESCRIPTIONS.items():
        result[component]["properties"][name].setdefault("description", description)
    return result


def merged(body: dict[str, Any]) -> dict[str, Any]:
    """An object written as `allOf` object branches (Intercom's article) as one object, so
    its `type` and `id` are properties that can be required."""
    branches = body.get("allOf")
    if not branches or not all("properties" in branch for branch in branches):
        return body
    properties: dict[str, Any] = {}
    for branch in branches:
        properties.update(branch["properties"])
    properties.update(body.get("properties", {}))
    return {**{k: v for k, v in body.items() if k != "allOf"}, "properties": properties}


def build(components: dict[str, Any], component: str, stem: str) -> dict[str, Any]:
    """One def document: header, the converted object, `type` and `id` required."""
    source = {k: v for k, v in components[component].items() if k != "nullable"}
    body = merged(Converter(components).convert(source, (component,)))
    required = [name for name in ("type", "id") if name in body.get("properties", {})]
    document = {"$schema": DRAFT, "$id": f"{BASE_ID}{stem}.json", "$comment": COMMENT}
    document.update(body)
    if component in TITLES:
        document["title"] = TITLES[component]
    document.setdefault("title", component.replace("_", " ").capitalize())  # some have none
    if required:
        document["required"] = required
    return document


def dumps(value: Any, level: int = 0) -> str:
    """JSON with two-space indents, lists of plain values (types, enums) kept on one line."""
    pad, inner = "  " * level, "  " * (level + 1)
    if isinstance(value, dict) and value:
        rows = [f"{inner}{json.dumps(k)}: {dumps(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(rows) + f"\n{pad}}}"
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        rows = [f"{inner}{dumps(v, level + 1)}" for v in value]
        return "[\n" + ",\n".join(rows) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def command_line(
    description: str, default_out: Path, argv: list[str] | None
) -> tuple[dict[str, Any], Path]:
    """The OpenAPI document a generator's command line names (`[OPENAPI_YAML] [--out DIR]`),
    and the output directory, made if missing."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("openapi", nargs="?", type=Path, default=DEFAULT_OPENAPI)
    parser.add_argument("--out", type=Path, default=default_out, help="output directory")
    args = parser.parse_args(argv)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document = yaml.load(args.openapi.read_text(encoding="utf-8"), Loader=loader)
    args.out.mkdir(parents=True, exist_ok=True)
    return document, args.out


def write(out: Path, stem: str, document: dict[str, Any]) -> None:
    (out / f"{stem}.json").write_text(dumps(document) + "\n", encoding="utf-8")
    print(f"wrote {out / f'{stem}.json'}")


def main(argv: list[str] | None = None) -> None:
    document, out = command_line(__doc__.splitlines()[0], DEFAULT_OUT, argv)
    components = corrected(document["components"]["schemas"])
    for stem, component in OBJECTS.items():
        write(out, stem, build(components, component, stem))


if __name__ == "__main__":
    main()
