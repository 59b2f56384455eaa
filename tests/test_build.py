"""The build checks the catalog with pydantic and ships it compiled: a broken manifest fails
the build with pydantic's message; an installed wheel lists its tools from
`_data/catalog.json` without importing PyYAML or pydantic."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO_ROOT, edit_manifest
from sim_intercom.manifest import default_catalog

pytestmark = pytest.mark.slow
PIP = (sys.executable, "-m", "pip")

STARTUP = """
import json, sys
from sim_intercom.host import get_plugin_manager, list_tools
import sim_intercom
print(json.dumps({"tools": len(list_tools(get_plugin_manager())), "file": sim_intercom.__file__,
                  "yaml": "yaml" in sys.modules, "pydantic": "pydantic" in sys.modules}))
"""


def build_wheel(source: Path, into: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(into), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def source_copy(into: Path) -> Path:
    """The files a build reads, copied so a test may break them."""
    into.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md", "manifest.yaml"):
        shutil.copy(REPO_ROOT / name, into / name)
    shutil.copytree(REPO_ROOT / "schemas", into / "schemas")
    shutil.copytree(
        REPO_ROOT / "plugin", into / "plugin", ignore=shutil.ignore_patterns("_data", "__pycache__")
    )
    return into


def test_an_installed_wheel_lists_its_tools_without_yaml_or_pydantic(tmp_path):
    built = build_wheel(REPO_ROOT, tmp_path / "wheels")
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "wheels").glob("sim_intercom-*.whl"))
    target = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    assert (target / "sim_intercom" / "_data" / "catalog.json").is_file()
    run = subprocess.run(
        [sys.executable, "-c", STARTUP],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(run.stdout)
    assert Path(found["file"]).is_relative_to(target)
    assert found["tools"] == len(default_catalog().tools)
    assert found["yaml"] is False and found["pydantic"] is False


def test_a_broken_manifest_fails_the_build_with_pydantics_message(tmp_path):
    source = source_copy(tmp_path / "source")
    edit_manifest(source, lambda m: m["tools"][4]["annotations"].update(readOnlyHint="no"))
    built = build_wheel(source, tmp_path / "wheels")
    assert built.returncode != 0
    output = built.stdout + built.stderr
    assert "the catalog is broken: manifest.yaml: tools.4.annotations.readOnlyHint:" in output
    assert "Input should be a valid boolean" in output
    assert not list((tmp_path / "wheels").glob("*.whl"))
