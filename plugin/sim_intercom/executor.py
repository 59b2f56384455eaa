"""Runs one tool call end to end and wraps the outcome in Sim's result envelope."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import requests

from .client import ClientConfig, IntercomClient
from .errors import IntercomError, InvalidInput, Violation
from .inputs import InputChecker
from .manifest import Catalog, default_catalog
from .operations import OPERATIONS, PartialResult

TOOL_PREFIX = "intercom_"
TOKEN_PARAMETER = "accessToken"


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
    """Owns the catalog, the input checkers and one connection pool shared by all calls."""

    def __init__(self, catalog: Catalog | None = None, session: requests.Session | None = None):
        self._catalog = catalog
        self._session = session
        self._checkers: dict[str, InputChecker] = {}
        self._admin_cache: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = default_catalog()
        return self._catalog

    @property
    def session(self) -> requests.Session:
        with self._lock:
            if self._session is None:
                self._session = requests.Session()
            return self._session

    def clear_caches(self) -> None:
        """Forget the token owners looked up with `GET /me`."""
        with self._lock:
            self._admin_cache.clear()

    def tool_specs(self) -> list[dict[str, Any]]:
        return [tool.spec() for tool in self.catalog.tools.values()]

    def _checker(self, tool_id: str) -> InputChecker:
        with self._lock:
            if tool_id not in self._checkers:
                self._checkers[tool_id] = InputChecker(self.catalog.tools[tool_id])
            return self._checkers[tool_id]

    def execute(
        self, tool_id: str, params: Mapping[str, Any] | None, credentials: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """The result envelope for a call, or None when the tool id is not ours."""
        if not isinstance(tool_id, str) or not tool_id.startswith(TOOL_PREFIX):
            return None
        try:
            return success(self._run(tool_id, dict(params or {}), dict(credentials or {})))
        except PartialResult as partial:
            result = failure(partial.error, partial.output)
            result["error"] = partial.message
            result["error_detail"]["stage"] = partial.stage
            return result
        except IntercomError as error:
            return failure(error)

    def _run(self, tool_id: str, params: dict[str, Any], credentials: dict[str, Any]) -> dict:
        if tool_id not in self.catalog.tools or tool_id not in OPERATIONS:
            known = ", ".join(sorted(self.catalog.tools))
            raise InvalidInput(f"Unknown tool {tool_id!r}. Known tools: {known}", field="tool_id")
        token = credentials.get(TOKEN_PARAMETER) or params.pop(TOKEN_PARAMETER, None)
        params.pop(TOKEN_PARAMETER, None)
        problems: list[Violation] = []
        if not token or not isinstance(token, str):
            problems.append(
                Violation(
                    TOKEN_PARAMETER, "is required: pass the Intercom access token as a credential"
                )
            )
        try:
            checked = self._checker(tool_id).check(params)
        except InvalidInput as invalid:
            problems.extend(invalid.violations)
        if problems:
            raise InvalidInput.from_violations(problems)
        operation = OPERATIONS[tool_id]
        if operation.refine is not None:
            checked = operation.refine(checked)
        config = ClientConfig.from_credentials(credentials)
        client = IntercomClient(token, config, self.session, self._admin_cache)
        return operation.run(checked, client)
