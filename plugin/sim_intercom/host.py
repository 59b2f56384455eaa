"""A host's view of the plugin: the one place a `PluginManager("sim")` is built."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pluggy

from . import hookspecs

ENTRY_POINT_GROUP = hookspecs.PROJECT_NAME


def get_plugin_manager(*, load_entrypoints: bool = True) -> pluggy.PluginManager:
    """A plugin manager with the `sim` hook specs and every plugin installed under `sim`.

    When sim-intercom runs from a source tree without being installed, its own plugin
    is registered directly, so the command line works the same either way.
    """
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    if load_entrypoints:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    from . import plugin

    if not manager.is_registered(plugin):
        manager.register(plugin, name="intercom")
    return manager


def list_tools(manager: pluggy.PluginManager) -> list[dict[str, Any]]:
    """Every plugin's tool specs, flattened."""
    return list(itertools.chain.from_iterable(manager.hook.sim_register_tools()))


def execute_tool(
    manager: pluggy.PluginManager,
    tool_id: str,
    params: dict[str, Any],
    credentials: dict[str, Any],
) -> dict[str, Any] | None:
    """Run a tool through the hook, as a host does."""
    result: dict[str, Any] | None = manager.hook.sim_execute_tool(
        tool_id=tool_id, params=params, credentials=credentials
    )
    return result


def iterate(
    tool_id: str, params: dict[str, Any], credentials: dict[str, Any]
) -> Iterator[dict[str, Any]]:
    """Every record of a list or search tool, across pages, lazily, in bounded memory:

    >>> for contact in iterate("intercom_list_contacts", {}, {"accessToken": token}):
    ...     print(contact["email"])

    Raises the `IntercomError` of the kind that failed (after the retries that are safe).
    """
    from .plugin import get_executor

    return get_executor().iterate(tool_id, params, credentials)
