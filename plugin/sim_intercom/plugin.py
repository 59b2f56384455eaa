"""sim-intercom's hook implementations, registered under the `sim` entry point.

Listing the tools reads only the catalog; the executor (HTTP, JSON Schema) is imported on
the first call, so a host that builds its palette pays for nothing else.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from . import triggers
from .hookspecs import hookimpl
from .manifest import default_catalog

if TYPE_CHECKING:
    from .executor import Executor

_lock = threading.Lock()
_executor: Executor | None = None


def __getattr__(name: str) -> Any:
    """`plugin.executor`: the one executor of this process, made on first use."""
    if name == "executor":
        return get_executor()
    raise AttributeError(name)


def get_executor() -> Executor:
    global _executor
    with _lock:
        if _executor is None:
            from .executor import Executor

            _executor = Executor(default_catalog())
        return _executor


@hookimpl
def sim_register_tools() -> list[dict[str, Any]]:
    """Every Intercom tool spec of the catalog."""
    return [tool.spec() for tool in default_catalog().tools.values()]


@hookimpl
def sim_execute_tool(
    tool_id: str, params: dict[str, Any], credentials: dict[str, Any]
) -> dict[str, Any] | None:
    """Run an `intercom_*` tool; None for any other id."""
    return get_executor().execute(tool_id, params, credentials)


# The trigger hooks are optional, so a host that declares only the tool hooks passes
# `check_pending()`; a host with the trigger hookspecs gets them as usual.
@hookimpl(optionalhook=True)
def sim_register_triggers() -> list[dict[str, Any]]:
    """Every Intercom webhook trigger spec: Sim's six, one per topic family, and `ping`."""
    return [trigger.spec() for trigger in default_catalog().triggers.values()]


@hookimpl(optionalhook=True)
def sim_handle_webhook(
    trigger_id: str, headers: Any, body: bytes | str, secret: str | None
) -> dict[str, Any] | None:
    """Check and route a webhook for an `intercom_*` trigger; None for any other id."""
    return triggers.handle_webhook(default_catalog(), trigger_id, headers, body, secret)
