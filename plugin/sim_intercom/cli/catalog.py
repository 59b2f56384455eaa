"""`tools` and `export`: the catalog for a person, or for an AI platform."""

from __future__ import annotations

import argparse
import json
import shlex
import textwrap
from typing import Any

from ..host import get_plugin_manager, list_tools
from ..reference import type_name
from ..tables import render_table
from .common import EXIT_OK, UsageError, one_line, print_json, unknown_tool


def _required(spec: dict[str, Any]) -> str:
    return ", ".join(spec["input_schema"].get("required", [])) or "-"


def example_command(tool_id: str, params: dict[str, Any]) -> str:
    """A `sim-intercom run` line for these parameters, quoted for a POSIX shell."""
    pairs = [
        f"{name}={value if isinstance(value, str) else json.dumps(value)}"
        for name, value in params.items()
    ]
    return shlex.join(["sim-intercom", "run", tool_id, *pairs])


def describe_tool(spec: dict[str, Any]) -> str:
    """One tool for a person: what it does, its parameters, an example, its annotations."""
    schema = spec["input_schema"]
    required = set(schema.get("required", []))
    rows = [
        (
            name,
            one_line(type_name(prop), 30),
            "yes" if name in required else "",
            textwrap.shorten(prop.get("description", ""), 56, placeholder="..."),
        )
        for name, prop in schema.get("properties", {}).items()
    ]
    table = render_table(["name", "type", "required", "description"], rows)
    example = spec.get("example") or {}
    hints = spec.get("annotations") or {}
    lines = [
        f"{spec['id']}: {spec['name']} ({spec.get('resource', '-')})",
        "",
        *textwrap.wrap(spec.get("description", ""), 88),
        "",
        "Parameters:",
        textwrap.indent(table, "  "),
        "",
        f"Example: {example.get('note', '')}".rstrip(),
        "  " + example_command(spec["id"], example.get("params", {})),
        "",
        "Annotations: " + ", ".join(f"{k}={json.dumps(v)}" for k, v in hints.items()),
    ]
    return "\n".join(lines)


def cmd_tools(args: argparse.Namespace) -> int:
    tools = list_tools(get_plugin_manager())
    if args.tool:
        spec = next((t for t in tools if t["id"] == args.tool), None)
        if spec is None:
            raise unknown_tool(args.tool)
        if args.json:
            print_json(spec)
        else:
            print(describe_tool(spec))
        return EXIT_OK
    if args.json:
        print_json(tools)
        return EXIT_OK
    rows = [(t["id"], t["name"], t.get("resource", ""), _required(t)) for t in tools]
    print(render_table(["tool", "name", "resource", "required parameters"], rows))
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from ..exports import FORMATS, export

    if args.format not in FORMATS:
        known = ", ".join(FORMATS)
        raise UsageError(f"unknown format {one_line(args.format, 40)!r} (one of: {known})")
    if args.tool and args.tool not in {t["id"] for t in list_tools(get_plugin_manager())}:
        raise unknown_tool(args.tool)
    try:
        exported = export(args.format, args.tool)
    except ValueError as exc:
        raise UsageError(one_line(str(exc))) from None
    print_json(exported)
    return EXIT_OK
