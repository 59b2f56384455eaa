"""Sandbox fixtures: a mocked Intercom reached with plain `requests`, and a clock to move."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from sim_intercom.sandbox import SANDBOX_TOKEN, Workspace, mock_intercom

SANDBOX_BASE_URL = "https://api.intercom.io"
SANDBOX_START = 1_750_000_000  # 2025-06-15 15:06:40 UTC


class FakeClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: float = SANDBOX_START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@dataclass
class SandboxApi:
    """Plain `requests` calls to the mocked Intercom, each with a bearer token."""

    workspace: Workspace
    token: str | None = SANDBOX_TOKEN

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}))
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return requests.request(method, SANDBOX_BASE_URL + path, headers=headers, **kwargs)

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


@pytest.fixture
def sandbox_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox_api(sandbox_clock: FakeClock) -> Iterator[SandboxApi]:
    """The default seed behind `mock_intercom`, on `sandbox_clock`."""
    with mock_intercom(Workspace(clock=sandbox_clock)) as workspace:
        yield SandboxApi(workspace)


@pytest.fixture
def empty_sandbox_api(sandbox_clock: FakeClock) -> Iterator[SandboxApi]:
    """The empty seed (admins, a ticket type, data attributes) behind `mock_intercom`."""
    with mock_intercom(Workspace(seed="empty", clock=sandbox_clock)) as workspace:
        yield SandboxApi(workspace)


def contact_of(api: SandboxApi, conversation_id: str) -> str:
    """The id of the (first) contact of a conversation."""
    conversation = api.ok("GET", f"/conversations/{conversation_id}")
    return conversation["contacts"]["contacts"][0]["id"]
