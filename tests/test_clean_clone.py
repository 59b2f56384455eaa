"""A clean clone tests everything: the test data is in the repository, and under CI a
skipped test fails the run (the hook in `tests/conftest.py`), so nothing silently stops
being checked."""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import REPO_ROOT, SPEC_DIR
from openapi import OPENAPI_FILE

TESTS = Path(__file__).resolve().parent

SUITE = """
import pytest

def test_passes():
    pass

def test_needs_a_widget():
    pytest.skip("no widget here")

@pytest.mark.xfail(strict=True, reason="known bug")
def test_known_bug():
    assert False
"""


def test_openapi_description_is_vendored_with_its_licence():
    folder = OPENAPI_FILE.parent
    assert OPENAPI_FILE.is_file()
    assert OPENAPI_FILE.is_relative_to(REPO_ROOT / "tests" / "data")
    assert "Intercom, Inc." in (folder / "LICENSE.md").read_text(encoding="utf-8")
    assert (folder / "README.md").is_file()
    assert (folder.parent / "README.md").is_file()  # where it comes from


def test_the_product_spec_is_vendored_as_the_test_data_readme_lists():
    data = REPO_ROOT / "tests" / "data"
    listed = re.findall(
        r"^([0-9a-f]{64})  (\S+)$", (data / "README.md").read_text(), flags=re.MULTILINE
    )
    spec_files = {path.name for path in SPEC_DIR.glob("*.md")}
    assert {"intercom-tools.md", "intercom-tools-more.md", "intercom-webhook-topics.md"} <= (
        spec_files
    )
    assert spec_files <= {name for _, name in listed}
    for digest, name in listed:
        (path,) = [p for p in (SPEC_DIR / name, OPENAPI_FILE.parent / name) if p.is_file()]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name


def test_build_defs_reads_the_same_copy_by_default():
    path = REPO_ROOT / "scripts" / "build_defs.py"
    spec = importlib.util.spec_from_file_location("build_defs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.DEFAULT_OPENAPI.resolve() == OPENAPI_FILE


@pytest.fixture
def run_suite(pytester, monkeypatch):
    """Runs a test file in a fresh pytest process with this project's conftest as a plugin."""
    monkeypatch.setenv("PYTHONPATH", str(TESTS))

    def run(source: str, *, ci: str | None) -> pytest.RunResult:
        if ci is None:
            monkeypatch.delenv("CI", raising=False)
        else:
            monkeypatch.setenv("CI", ci)
        pytester.makepyfile(test_suite=source)
        return pytester.runpytest_subprocess("-p", "conftest", "-p", "no:cacheprovider")

    return run


@pytest.mark.slow
def test_a_skip_fails_the_run_under_ci_naming_the_test_and_its_reason(run_suite):
    result = run_suite(SUITE, ci="true")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(
        [
            "*skipped under CI=true: each skip fails the run*",
            "SKIPPED test_suite.py::test_needs_a_widget - no widget here (*test_suite.py:*)",
        ]
    )
    assert "SKIPPED test_suite.py::test_known_bug" not in result.stdout.str()


@pytest.mark.slow
def test_a_module_level_skip_fails_the_run_under_ci(run_suite):
    source = 'import pytest\npytest.skip("no data", allow_module_level=True)\n'
    result = run_suite(source, ci="true")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["SKIPPED test_suite.py - no data (*)"])


@pytest.mark.slow
@pytest.mark.parametrize("ci", [None, "false", ""])
def test_a_skip_is_only_reported_outside_ci(run_suite, ci):
    result = run_suite(SUITE, ci=ci)
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1, xfailed=1)
    assert "skipped under CI" not in result.stdout.str()


@pytest.mark.slow
def test_expected_failures_stay_allowed_under_ci(run_suite):
    source = SUITE.replace('pytest.skip("no widget here")', "pass")
    result = run_suite(source, ci="true")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=2, xfailed=1)


def test_ci_run_without_redis_server_says_in_one_line_what_to_install(tmp_path):
    """As a user who is not root, cannot sudo, and has no redis-server: one line, exit 1."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dirname").symlink_to(shutil.which("dirname"))
    (bin_dir / "id").write_text("#!/bin/sh\necho 1000\n")
    (bin_dir / "id").chmod(0o755)
    ran = subprocess.run(
        [shutil.which("bash"), str(REPO_ROOT / ".ci" / "run")],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert ran.returncode == 1
    assert ran.stdout == ""
    assert ran.stderr.count("\n") == 1
    assert "install it (apt-get install redis-server" in ran.stderr
