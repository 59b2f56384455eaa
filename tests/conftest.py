"""Shared fixtures: the plugin loaded the way a host loads it, and the paths of shared data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import urllib3

from sim_intercom.host import get_plugin_manager

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
TOKEN = "tok_live_secret_123"

pytest_plugins = ["pytester"]  # tests/test_clean_clone.py runs small suites of its own


@pytest.fixture(scope="session")
def plugin_manager():
    """A `PluginManager("sim")` that found sim-intercom through its entry point."""
    return get_plugin_manager()


@pytest.fixture(autouse=True)
def immediate_back_off(monkeypatch):
    """The plugin's retries back off by zero seconds (the jitter fraction is 0), so a test
    of something else never sleeps for a back-off; waits a server asks for still apply.
    Back-off itself is tested with an injected clock (tests/test_retry.py)."""
    from sim_intercom import plugin

    monkeypatch.setattr(plugin.executor.transport, "random_fraction", lambda: 0.0)


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


# Under CI a skip fails the run: nothing may silently stop being checked. Only the
# comparisons against `../shared/spec/` (tests/spec_tables.py) may skip, and only outside
# CI. Expected failures (xfail) are not skips and stay allowed.

_skipped: list[tuple[str, str]] = []  # (node id, reason) of this session's skips


def under_ci() -> bool:
    """Whether this run is CI's: the `CI` environment variable is `true` (or `1`, `yes`)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        path, lineno, message = longrepr
        return f"{str(message).removeprefix('Skipped: ')} ({path}:{lineno})"
    return str(longrepr)


def _record_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, _skip_reason(report)))


def pytest_sessionstart(session: pytest.Session) -> None:
    _skipped.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _record_skip(report)  # skips in setup (skipif, fixtures) and in the test itself


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _record_skip(report)  # module-level `pytest.skip(..., allow_module_level=True)`


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not (_skipped and under_ci()):
        return
    terminalreporter.section("skipped under CI=true: each skip fails the run", red=True)
    for nodeid, reason in _skipped:
        terminalreporter.write_line(f"SKIPPED {nodeid} - {reason}", red=True)
    count = len(_skipped)
    terminalreporter.write_line(f"{count} skipped: the run fails, every test must run under CI")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ok = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
    if _skipped and under_ci() and session.exitstatus in ok:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
