"""Hosts that declare less than the whole contract: a host with only the tool hooks
registers the plugin and passes pluggy's `check_pending()` (the trigger hook
implementations are optional), and still lists and runs the tools."""

from __future__ import annotations

from typing import Any

import pluggy

from sim_intercom import hookspecs, plugin
from sim_intercom.manifest import default_catalog

spec = pluggy.HookspecMarker(hookspecs.PROJECT_NAME)


class ToolHooksOnly:
    """A host's hook specifications without the trigger pair."""

    @spec
    def sim_register_tools(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    @spec(firstresult=True)
    def sim_execute_tool(
        self, tool_id: str, params: dict[str, Any], credentials: dict[str, Any]
    ) -> dict[str, Any] | None:
        raise NotImplementedError


def tools_only_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(ToolHooksOnly)
    manager.register(plugin, name="intercom")
    return manager


def test_a_host_with_only_the_tool_hooks_passes_check_pending():
    tools_only_manager().check_pending()


def test_a_host_with_only_the_tool_hooks_lists_and_runs_the_tools():
    manager = tools_only_manager()
    listed = [tool["id"] for specs in manager.hook.sim_register_tools() for tool in specs]
    assert listed == list(default_catalog().tools)
    result = manager.hook.sim_execute_tool(
        tool_id="intercom_get_contact", params={}, credentials={"accessToken": "x" * 20}
    )
    assert result["error_detail"]["kind"] == "invalid_input"


def test_a_host_with_the_whole_contract_still_gets_the_trigger_hooks():
    manager = pluggy.PluginManager(hookspecs.PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    manager.register(plugin, name="intercom")
    manager.check_pending()
    assert manager.hook.sim_register_triggers()
