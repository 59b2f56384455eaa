"""`tools` and `export`: the catalog for a person, or for an AI platform."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import textwrap
from collections.abc import Callable
from typing import Any

from ..host import get_plugin_manager, list_tools
from ..manifest import ALL_TOOLSET, DEFAULT_TOOLSET, Catalog, default_catalog
from ..reference import type_name
from ..selection import (
    ENV_READ_ONLY,
    ENV_TOOLS,
    ENV_TOOLSETS,
    Selection,
    SelectionError,
    selection_from,
)
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


def selection(args: argparse.Namespace) -> Selection:
    """The command's selection (`--toolsets`, `--tools`/`--tool`, `--read-only`, each
    falling back to its environment variable), checked against the catalog: an unknown
    name is a usage error that names the valid ones."""
    try:
        chosen = selection_from(os.environ, args.toolsets, args.tools or (), args.read_only)
        chosen.tools_of(default_catalog())
    except SelectionError as exc:
        raise UsageError(one_line(str(exc), 2000)) from None
    return chosen


def _toolset_rows(catalog: Catalog) -> list[tuple[str, str, str, str]]:
    rows = [
        (t.name, t.label, str(len(catalog.toolset_tools(t.name))), t.description)
        for t in catalog.manifest.toolsets
    ]
    default = catalog.manifest.default_toolset
    rows.append(
        (DEFAULT_TOOLSET, default.label, str(len(catalog.toolset_tools(DEFAULT_TOOLSET))), "")
    )
    rows.append((ALL_TOOLSET, "All", str(len(catalog.tools)), "every tool"))
    return [(name, label, count, one_line(text, 70)) for name, label, count, text in rows]


def _given(args: argparse.Namespace) -> bool:
    names = (ENV_TOOLSETS, ENV_TOOLS, ENV_READ_ONLY)
    flags = (args.toolsets, args.tools, args.read_only)
    return any(flag is not None for flag in flags) or any(os.environ.get(n) for n in names)


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
    catalog = default_catalog()
    if _given(args):  # what that selection serves; otherwise every toolset and tool
        chosen = {tool.id for tool in selection(args).tools_of(catalog)}
        tools = [spec for spec in tools if spec["id"] in chosen]
    if args.json:
        print_json(tools)
        return EXIT_OK
    print(render_table(["toolset", "label", "tools", "description"], _toolset_rows(catalog)))
    print()
    rows = [
        (t.get("toolset", ""), t["id"], t["name"], _access(t), _required(t))
        for t in sorted(tools, key=_toolset_order(catalog))
    ]
    print(render_table(["toolset", "tool", "name", "access", "required parameters"], rows))
    return EXIT_OK


def _access(spec: dict[str, Any]) -> str:
    return "read" if (spec.get("annotations") or {}).get("readOnlyHint") else "write"


def _toolset_order(catalog: Catalog) -> Callable[[dict[str, Any]], int]:
    order = {toolset.name: index for index, toolset in enumerate(catalog.manifest.toolsets)}
    return lambda spec: order.get(spec.get("toolset", ""), len(order))


def cmd_export(args: argparse.Namespace) -> int:
    from ..exports import FORMATS, export

    if args.format not in FORMATS:
        known = ", ".join(FORMATS)
        raise UsageError(f"unknown format {one_line(args.format, 40)!r} (one of: {known})")
    chosen = selection(args)
    try:
        exported = export(args.format, chosen.toolsets, list(chosen.tools), chosen.read_only)
    except ValueError as exc:
        raise UsageError(one_line(str(exc), 2000)) from None
    print_json(exported)
    return EXIT_OK
