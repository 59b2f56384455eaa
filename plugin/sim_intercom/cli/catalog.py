"""`tools` and `export`: the catalog for a person, or for an AI platform."""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
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


MIN_DESCRIPTION_WIDTH = 24  # a narrower terminal wraps the table's lines instead


def describe_tool(spec: dict[str, Any], width: int | None = None) -> str:
    """One tool for a person: what it does, its parameters (their descriptions wrapped to
    the terminal's width), an example, its annotations."""
    width = width or shutil.get_terminal_size().columns
    schema = spec["input_schema"]
    required = set(schema.get("required", []))
    rows = [
        [name, one_line(type_name(prop), 30), "yes" if name in required else ""]
        for name, prop in schema.get("properties", {}).items()
    ]
    # Two of indent, and two between columns; "required" is the widest third column.
    used = 2 + sum(
        max(len(row[i]) for row in [["name", "type", "required"], *rows]) + 2 for i in range(3)
    )
    room = max(width - used, MIN_DESCRIPTION_WIDTH)
    described = [
        (
            *row,
            textwrap.fill(
                " ".join(prop.get("description", "").split()), room, break_on_hyphens=False
            ),
        )
        for row, prop in zip(rows, schema.get("properties", {}).values(), strict=True)
    ]
    table = render_table(["name", "type", "required", "description"], described)
    example = spec.get("example") or {}
    hints = spec.get("annotations") or {}
    lines = [
        f"{spec['id']}: {spec['name']} ({spec.get('resource', '-')})",
        "",
        *textwrap.wrap(spec.get("description", ""), min(width, 100)),
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
            raise unknown_tool(args.tool, [t["id"] for t in tools])
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
        formats = ", ".join(FORMATS)
        raise UsageError(f"unknown format {one_line(args.format, 40)!r} (one of: {formats})")
    known = [t["id"] for t in list_tools(get_plugin_manager())]
    if args.tool and args.tool not in known:
        raise unknown_tool(args.tool, known)
    try:
        exported = export(args.format, args.tool)
    except ValueError as exc:
        raise UsageError(one_line(str(exc))) from None
    print_json(exported)
    return EXIT_OK
