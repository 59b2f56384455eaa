"""Runs one tool call end to end and wraps the outcome in Sim's result envelope.

The hook never raises: whatever the host passes and whatever Intercom answers, the result
is a dict. Expected failures are `IntercomError`s; anything else is caught at this edge
as an `InternalError`, with no token in its message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from .aliases import Alias, declared_aliases, with_aliases
from .client import IntercomClient
from .errors import (
    NOT_APPLIED,
    UNKNOWN,
    IntercomError,
    InternalError,
    InvalidInput,
    Violation,
    error_from_result,
)
from .guard import mapping_problems
from .inputs import InputChecker
from .manifest import Catalog, Tool, default_catalog
from .operations import OPERATIONS, PartialResult
from .paging import walk
from .settings import TOKEN_CREDENTIAL, ClientConfig, read_config, token_problem
from .shaping import project
from .transport import Transport, without_secret

logger = logging.getLogger("sim_intercom")


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
        self._aliases: dict[str, list[Alias]] = {}
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

    def _complete(self, tool: Tool, output: dict[str, Any]) -> dict[str, Any]:
        """The output with the flat fields its schema declares (Sim's v2 names)."""
        aliases = self._aliases.get(tool.id)
        if aliases is None:
            aliases = self._aliases[tool.id] = declared_aliases(tool.output_schema)
        return with_aliases(output, aliases) if aliases else output

    def execute(self, tool_id: Any, params: Any, credentials: Any) -> dict[str, Any] | None:
        """The result envelope for a call, or None when the tool id is not in our catalog
        (another plugin may own it, whatever its prefix)."""
        if not isinstance(tool_id, str) or tool_id not in self.catalog.tools:
            return None
        try:
            result = self._execute(tool_id, params, credentials)
        except Exception as exc:  # the hook never raises: a bug becomes a result
            return failure(_internal(exc, tool_id))
        if result["success"]:
            return result  # answers are decoded without the token (`Transport._decode`)
        return _without_token(result, params, credentials)

    def _execute(self, tool_id: str, params: Any, credentials: Any) -> dict[str, Any]:
        tool = self.catalog.tools[tool_id]
        client: IntercomClient | None = None
        try:
            client, checked = self._prepare(tool, params, credentials)
            output = self._complete(
                tool, OPERATIONS[tool_id].run(checked, client, _largest_page(tool))
            )
            return success(project(output, checked["fields"]) if "fields" in checked else output)
        except PartialResult as partial:
            output = self._complete(tool, partial.output) if partial.output else partial.output
            result = failure(_account(partial.error, tool, client), output)
            result["error"] = partial.message
            result["error_detail"]["stage"] = partial.stage
            return result
        except IntercomError as error:
            return failure(_account(error, tool, client))
        except Exception as exc:
            return failure(_account(_internal(exc, tool_id), tool, client))

    def iterate(
        self, tool_id: str, params: Mapping[str, Any], credentials: Mapping[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Every record of a list or search tool, across pages, lazily: one page in memory
        at a time, pages as large as Intercom serves unless `per_page` says otherwise.
        Raises the `IntercomError` of a failed page; `fields` and `max_items` do not apply."""
        operation = OPERATIONS.get(tool_id)
        if operation is None or operation.pager is None:
            raise InvalidInput(f"{tool_id[:80]!r} is not a list or search tool", field="tool_id")
        first = {k: v for k, v in params.items() if k not in ("fields", "max_items")}
        first.setdefault("per_page", _largest_page(self.catalog.tools[tool_id]))

        def run_page(page: dict[str, Any]) -> dict[str, Any]:
            result = self.execute(tool_id, page, credentials)
            if result is None or not result["success"]:
                raise error_from_result(result or {})
            output: dict[str, Any] = result["output"]
            return output

        return walk(operation.pager, run_page, first)

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
        safe = hints.readOnlyHint or OPERATIONS[tool.id].retry_safe(checked, hints.idempotentHint)
        client = IntercomClient(token, config, self.transport, self._admin_cache, safe=safe)
        return client, checked


def _without_token(result: dict[str, Any], params: Any, credentials: Any) -> dict[str, Any]:
    """A failed result with the token removed from every text: Intercom or a proxy may
    echo the Authorization header into an error body."""
    token = None
    for source in (credentials, params):
        try:
            token = token or (source or {}).get(TOKEN_CREDENTIAL)
        except Exception:  # a host's mapping that fails when read holds no usable token
            continue
    if type(token) is not str:
        return result
    return {
        "success": False,
        "output": without_secret(result["output"], token),
        "error": without_secret(result["error"], token),
        "error_detail": without_secret(result["error_detail"], token),
    }


def _largest_page(tool: Tool) -> int:
    """The most records one page of this tool may hold, from its schema's `per_page`."""
    per_page = tool.input_schema.get("properties", {}).get("per_page", {})
    return int(per_page.get("maximum", 50))


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
