"""Shared fixtures: the plugin loaded the way a host loads it, and the paths of shared data."""

from __future__ import annotations

from pathlib import Path

import pytest
import urllib3

from sim_intercom.host import get_plugin_manager

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
TOKEN = "tok_live_secret_123"


@pytest.fixture(scope="session")
def plugin_manager():
    """A `PluginManager("sim")` that found sim-intercom through its entry point."""
    return get_plugin_manager()


@pytest.fixture
def credentials() -> dict[str, str]:
    return {"accessToken": TOKEN}


@pytest.fixture
def connections_opened(monkeypatch) -> list[int]:
    """The ports of the HTTP connections `requests` opens during the test, as they open."""
    opened: list[int] = []
    original = urllib3.connection.HTTPConnection.connect

    def counting_connect(self):
        opened.append(self.port)
        return original(self)

    monkeypatch.setattr(urllib3.connection.HTTPConnection, "connect", counting_connect)
    return opened
