"""Sandbox fixtures: a mocked Intercom reached with plain `requests`, and a clock to move."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpers import FakeClock
from sandbox_helpers import SANDBOX_START, SandboxApi
from sim_intercom.sandbox import Workspace, mock_intercom


@pytest.fixture
def sandbox_clock() -> FakeClock:
    """A clock standing at `SANDBOX_START` until the test moves it."""
    return FakeClock(SANDBOX_START)


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
