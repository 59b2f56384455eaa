"""sim-intercom's hook implementations, registered under the `sim` entry point."""

from __future__ import annotations

from typing import Any

from .executor import Executor
from .hookspecs import hookimpl

executor = Executor()


@hookimpl
def sim_register_tools() -> list[dict[str, Any]]:
    """The sixteen Intercom tool specs."""
    return executor.tool_specs()


@hookimpl
def sim_execute_tool(
    tool_id: str, params: dict[str, Any], credentials: dict[str, Any]
) -> dict[str, Any] | None:
    """Run an `intercom_*` tool; None for any other id."""
    return executor.execute(tool_id, params, credentials)
