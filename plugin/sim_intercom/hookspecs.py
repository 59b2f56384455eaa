"""The host contract: hook specifications under the pluggy project name ``sim``.

A workflow builder imports this module, adds it to a ``pluggy.PluginManager("sim")``
and loads plugins from the ``sim`` entry-point group. Hooks are called with keyword
arguments only.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT_NAME = "sim"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def sim_register_tools() -> list[dict[str, Any]]:
    """Return the tool specs this plugin contributes to the palette.

    Each spec is a plain dict with ``id``, ``name``, ``description``, ``version``,
    ``input_schema``, ``output_schema`` (self-contained JSON Schemas, Draft 2020-12)
    and ``annotations`` (MCP hints ``readOnlyHint``, ``destructiveHint``,
    ``idempotentHint``, ``openWorldHint``). The host flattens the lists of all plugins.
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec(firstresult=True)
def sim_execute_tool(
    tool_id: str, params: dict[str, Any], credentials: dict[str, Any]
) -> dict[str, Any] | None:
    """Run one tool call and return its result envelope.

    :param tool_id: the tool's id, e.g. ``intercom_create_contact``.
    :param params: the step's parameters, as the workflow supplies them.
    :param credentials: ``accessToken`` and optionally ``region`` and ``baseUrl``.
    :returns: ``None`` for a tool id the plugin does not own; otherwise
        ``{"success": bool, "output": dict, "error": str | None, "error_detail": dict | None}``.
        No exception escapes for an input, API or network error.

    Stops at first non-None result.
    """
