"""Runs one tool call end to end and wraps the outcome in Sim's result envelope.

The hook never raises: whatever the host passes and whatever Intercom answers, the result
is a dict. Expected failures are `IntercomError`s; anything else is caught at this edge
as an `InternalError`, with no token in its message.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from .client import IntercomClient
from .errors import (
    NOT_APPLIED,
    UNKNOWN,
    IntercomError,
    InternalError,
    InvalidInput,
    Violation,
)
from .guard import mapping_problems
from .inputs import InputChecker
from .manifest import Catalog, Tool, default_catalog
from .operations import OPERATIONS, PartialResult
from .settings import TOKEN_CREDENTIAL, ClientConfig, read_config, token_problem
from .transport import Transport

logger = logging.getLogger("sim_intercom")

TOOL_PREFIX = "intercom_"


def success(output: dict[str, Any]) -> dict[str, Any]:
    return {"success": True, "output": output, "error": None, "error_detail": None}


def failure(error: IntercomError, output: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "success": False,
        "output": output or {},
        "error": str(error),
        "error_detail": error.detail(),
    }


class Executor:
    """Owns the catalog, the input checkers and the one transport shared by all calls."""

    def __init__(self, catalog: Catalog | None = None, transport: Transport | None = None):
        self._catalog = catalog
        self._transport = transport
        self._checkers: dict[str, InputChecker] = {}
        self._admin_cache: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = default_catalog()
        return self._catalog

    @property
    def transport(self) -> Transport:
        with self._lock:
            if self._transport is None:
                self._transport = Transport()
            return self._transport

    def clear_caches(self) -> None:
        """Forget the token owners looked up with `GET /me`."""
        with self._lock:
            self._admin_cache.clear()

    def tool_specs(self) -> list[dict[str, Any]]:
        return [tool.spec() for tool in self.catalog.tools.values()]

    def _checker(self, tool: Tool) -> InputChecker:
        with self._lock:
            if tool.id not in self._checkers:
                self._checkers[tool.id] = InputChecker(tool)
            return self._checkers[tool.id]

    def execute(self, tool_id: Any, params: Any, credentials: Any) -> dict[str, Any] | None:
        """The result envelope for a call, or None when the tool id is not ours."""
        if not isinstance(tool_id, str) or not tool_id.startswith(TOOL_PREFIX):
            return None
        try:
            return self._execute(tool_id, params, credentials)
        except Exception as exc:  # the hook never raises: a bug becomes a result
            return failure(_internal(exc, tool_id))

    def _execute(self, tool_id: str, params: Any, credentials: Any) -> dict[str, Any]:
        tool = self.catalog.tools.get(tool_id)
        if tool is None or tool_id not in OPERATIONS:
            known = ", ".join(sorted(self.catalog.tools))
            unknown = InvalidInput(
                f"Unknown tool {tool_id[:80]!r}. Known tools: {known}", field="tool_id"
            )
            return failure(unknown)
        client: IntercomClient | None = None
        try:
            client, checked = self._prepare(tool, params, credentials)
            return success(OPERATIONS[tool_id].run(checked, client))
        except PartialResult as partial:
            result = failure(_account(partial.error, tool, client), partial.output)
            result["error"] = partial.message
            result["error_detail"]["stage"] = partial.stage
            return result
        except IntercomError as error:
            return failure(_account(error, tool, client))
        except Exception as exc:
            return failure(_account(_internal(exc, tool_id), tool, client))

    def _prepare(
        self, tool: Tool, raw_params: Any, raw_credentials: Any
    ) -> tuple[IntercomClient, dict[str, Any]]:
        """Check everything about the call at once; nothing is sent when anything is wrong."""
        params, problems = mapping_problems(raw_params, "params")
        credentials, credential_problems = mapping_problems(raw_credentials, "credentials")
        problems += credential_problems
        token = credentials.get(TOKEN_CREDENTIAL) or params.get(TOKEN_CREDENTIAL)
        params.pop(TOKEN_CREDENTIAL, None)
        problem = token_problem(token)
        if problem:
            problems.append(Violation(TOKEN_CREDENTIAL, problem))
        config, config_problems = read_config(credentials)
        problems += config_problems
        try:
            checked = self._checker(tool).check(params, OPERATIONS[tool.id].refine)
        except InvalidInput as invalid:
            problems += invalid.violations
        if problems:
            raise InvalidInput.from_violations(problems)
        assert isinstance(token, str) and isinstance(config, ClientConfig)
        hints = tool.entry.annotations
        safe = hints.readOnlyHint or hints.idempotentHint
        client = IntercomClient(token, config, self.transport, self._admin_cache, safe=safe)
        return client, checked


def _internal(exc: Exception, tool_id: str) -> InternalError:
    """A bug, reported by its type only: an exception's text may quote what it was given."""
    logger.error("internal error in %s: %s", tool_id[:80], type(exc).__name__)
    error = InternalError(
        f"sim-intercom failed unexpectedly ({type(exc).__name__}) running {tool_id[:80]}; "
        "please report it"
    )
    error.outcome = UNKNOWN
    return error


def _account(error: IntercomError, tool: Tool, client: IntercomClient | None) -> IntercomError:
    """Say what the call spent and, for a write, whether it may have been applied."""
    error.attempts = client.log.attempts if client is not None else 0
    if tool.entry.annotations.readOnlyHint:
        error.outcome = None
    elif (isinstance(error, InternalError) and error.attempts == 0) or error.outcome is None:
        error.outcome = NOT_APPLIED
    return error
