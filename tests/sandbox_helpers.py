"""Helpers for tests of the sandbox: its two doors, plain `requests` calls to it, search
queries, and what its seed holds."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from helpers import US
from sim_intercom.sandbox import SANDBOX_TOKEN, SandboxServer, Workspace, mock_intercom

SANDBOX_START = 1_750_000_000  # the sandbox clock's start: 2025-06-15 15:06:40 UTC
SANDBOX_AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}

# The seed's records
INES = "991267801"  # the first admin, who `/me` is
SAM = "991267802"
FIRST_CONTACT = "6762f0dd0000000000000001"
NO_SUCH_CONTACT = "6762f0dd0000000000000999"
NO_SUCH_COMPANY = "6762f07a0000000000000999"

DOORS = ["responses", "loopback"]


@contextmanager
def door(
    kind: str,
    workspace: Workspace | None = None,
    *,
    rate_limit: int | None = None,
    window: float = 60,
) -> Iterator[str]:
    """A workspace (a fresh default one unless given) behind one of the sandbox's doors,
    `mock_intercom` ("responses") or a loopback server ("loopback"); its base URL."""
    workspace = workspace or Workspace()
    if kind == "responses":
        with mock_intercom(workspace, rate_limit=rate_limit, window=window):
            yield US
    else:
        with SandboxServer(workspace, rate_limit=rate_limit, window=window) as server:
            yield server.base_url


def flt(field: str, operator: str, value: Any) -> dict[str, Any]:
    """A search filter."""
    return {"field": field, "operator": operator, "value": value}


def group(operator: str, *items: dict[str, Any]) -> dict[str, Any]:
    """A search group (`AND` or `OR`) of filters and groups."""
    return {"operator": operator, "value": list(items)}


@dataclass
class SandboxApi:
    """Plain `requests` calls to the sandbox behind `mock_intercom`, each with a bearer token."""

    workspace: Workspace
    token: str | None = SANDBOX_TOKEN

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, US + path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The JSON of a call that must answer 200."""
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    def error(self, method: str, path: str, status: int, code: str, **kwargs: Any) -> dict:
        """The one error of a call failing with `status` and `code`, in Intercom's shape."""
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, response.text
        body = response.json()
        assert body["type"] == "error.list"
        assert body["request_id"] == response.headers["X-Request-Id"] != ""
        assert len(body["errors"]) == 1
        error = body["errors"][0]
        assert error["code"] == code, error
        assert error["message"]
        return error

    def search(self, resource: str, query: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """The page of `POST /{resource}/search` (`contacts`, `conversations`) for `query`."""
        return self.ok("POST", f"/{resource}/search", json={"query": query, **extra})


def contact_of(api: SandboxApi, conversation_id: str) -> str:
    """The id of the (first) contact of a conversation."""
    conversation = api.ok("GET", f"/conversations/{conversation_id}")
    return conversation["contacts"]["contacts"][0]["id"]
