"""Helpers shared by the tests: where things are, constants, Intercom's error bodies, a clock
that never waits, the plugin manager the suite uses, and the CI rule on skips."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pluggy
import pytest
import yaml

from sim_intercom.client import IntercomClient
from sim_intercom.host import get_plugin_manager
from sim_intercom.settings import ClientConfig
from sim_intercom.transport import Transport

REPO_ROOT = Path(__file__).resolve().parents[1]
SPEC_DIR = REPO_ROOT / "tests" / "data" / "spec"  # the product spec (tests/data/README.md)
SHARED = SPEC_DIR.parent  # where `spec/` is: `SHARED / "spec" / name` names a vendored file

TOKEN = "tok_live_secret_123"
US = "https://api.intercom.io"  # the US region's base URL, and the `responses` door's
# The ids of the contact and the company in Intercom's own examples
CONTACT_ID = "6762f0dd1bb69f9f2193bb83"
COMPANY_ID = "6762f0941bb69f9f2193bb25"

HOUR = 3_600
DAY = 86_400


def our_plugin_manager() -> pluggy.PluginManager:
    """A `PluginManager("sim")` holding sim-intercom and nothing else, whatever other `sim`
    plugins are installed: the suite tests this plugin, not the environment (llm's
    `_called_from_test`). Discovery through the entry point has its own test."""
    return get_plugin_manager(load_entrypoints=False)


def ids(records: list[dict[str, Any]]) -> list[str]:
    """The ids of records (a page's `data`, a list's items), in order."""
    return [record["id"] for record in records]


def error_list(code: str, message: str, request_id: str = "req-1") -> dict[str, Any]:
    """Intercom's error body."""
    return {
        "type": "error.list",
        "request_id": request_id,
        "errors": [{"code": code, "message": message}],
    }


@dataclass
class FakeClock:
    """Time that stands still until a test advances it or a caller sleeps; records every
    sleep. Calling it reads the time, as the sandbox's clock is read."""

    now: float = 1_700_000_000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)


def fake_transport(clock: FakeClock | None = None, **kwargs: Any) -> Transport:
    """A transport whose waits are recorded, not slept, with a jitter fraction of 1."""
    clock = clock or FakeClock()
    return Transport(
        clock=clock.time,
        sleep=clock.sleep,
        random_fraction=lambda: 1.0,
        **kwargs,
    )


def make_client(
    transport: Transport | None = None, *, safe: bool = True, **credentials: Any
) -> IntercomClient:
    """A client for one call, with credentials as a host would pass them."""
    config = ClientConfig.from_credentials(credentials)
    return IntercomClient(TOKEN, config, transport or fake_transport(), safe=safe)


# Under CI a skip fails the run: nothing may silently stop being checked. Everything the
# tests compare against is in the repository (tests/data/), so nothing skips for want of
# it. Expected failures (xfail) are not skips and stay allowed. The hooks are in conftest.py.


def under_ci() -> bool:
    """Whether this run is CI's: the `CI` environment variable is `true` (or `1`, `yes`)."""
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


class SkipLog:
    """The skips of one session, each as (node id, reason); an xfail is not a skip."""

    def __init__(self) -> None:
        self.skips: list[tuple[str, str]] = []

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.skips)

    def __len__(self) -> int:
        return len(self.skips)

    def clear(self) -> None:
        self.skips.clear()

    def record(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        if report.skipped and not hasattr(report, "wasxfail"):
            self.skips.append((report.nodeid, self._reason(report)))

    @staticmethod
    def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:
            path, lineno, message = longrepr
            return f"{str(message).removeprefix('Skipped: ')} ({path}:{lineno})"
        return str(longrepr)


def copy_catalog_tree(into: Path) -> Path:
    """A copy of `manifest.yaml` and `schemas/` under `into`, for a test that breaks them."""
    shutil.copy(REPO_ROOT / "manifest.yaml", into / "manifest.yaml")
    shutil.copytree(REPO_ROOT / "schemas", into / "schemas")
    return into


def edit_manifest(tree: Path, change: Callable[[dict[str, Any]], object]) -> None:
    """Apply `change` to the parsed `manifest.yaml` under `tree` and write it back."""
    path = tree / "manifest.yaml"
    manifest = yaml.safe_load(path.read_text())
    change(manifest)
    path.write_text(yaml.safe_dump(manifest, sort_keys=False))
