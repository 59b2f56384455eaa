"""Shared fixtures, and the hooks by which a skip fails a CI run; helpers are in helpers.py."""

from __future__ import annotations

import pytest
import urllib3

from helpers import TOKEN, SkipLog, our_plugin_manager, under_ci

pytest_plugins = ["pytester"]  # tests/test_clean_clone.py runs small suites of its own


@pytest.fixture(scope="session")
def plugin_manager():
    """A `PluginManager("sim")` holding sim-intercom alone, whatever else is installed."""
    return our_plugin_manager()


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


_skips = SkipLog()  # this session's skips, reported (and failing the run) under CI


def pytest_sessionstart(session: pytest.Session) -> None:
    _skips.clear()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _skips.record(report)  # skips in setup (skipif, fixtures) and in the test itself


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _skips.record(report)  # module-level `pytest.skip(..., allow_module_level=True)`


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not (_skips and under_ci()):
        return
    terminalreporter.section("skipped under CI=true: each skip fails the run", red=True)
    for nodeid, reason in _skips:
        terminalreporter.write_line(f"SKIPPED {nodeid} - {reason}", red=True)
    count = len(_skips)
    terminalreporter.write_line(f"{count} skipped: the run fails, every test must run under CI")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    ok = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
    if _skips and under_ci() and session.exitstatus in ok:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
