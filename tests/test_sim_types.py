"""The `sim` export is valid under Sim's own TypeScript types (simstudioai/sim
`BlockConfig`, `SubBlockConfig`, `OutputFieldDefinition`, `ToolConfig`), checked by
`tsc --strict` over the export written as a typed constant (tests/data/sim/types)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers import REPO_ROOT
from sim_intercom.exports import export

TYPES = REPO_ROOT / "tests" / "data" / "sim" / "types"
TSC = TYPES / "node_modules" / "typescript" / "bin" / "tsc"


def type_check(document: dict[str, Any], into: Path) -> subprocess.CompletedProcess[str]:
    """`tsc` over `document` typed as Sim's `SimExport` (check.ts), in a copy of the types."""
    if not (shutil.which("node") and TSC.is_file()):
        pytest.skip("needs Node.js and TypeScript: npm install --prefix tests/data/sim/types")
    shutil.copytree(TYPES, into, ignore=shutil.ignore_patterns("node_modules"))
    source = f"export const document: SimExport = {json.dumps(document, indent=1)}\n"
    (into / "export.ts").write_text(
        "import type { SimExport } from './check'\n" + source, encoding="utf-8"
    )
    return subprocess.run(
        ["node", str(TSC), "-p", str(into / "tsconfig.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_sim_export_type_checks_under_sims_own_types(tmp_path):
    checked = type_check(export("sim"), tmp_path / "types")
    assert checked.returncode == 0, checked.stdout[-4000:]


def test_the_type_check_refuses_a_key_sim_does_not_define(tmp_path):
    document = export("sim")
    document["block"]["subBlocks"][0]["widget"] = "dropdown"
    document["block"]["outputs"]["contact"]["type"] = "object"
    checked = type_check(document, tmp_path / "types")
    assert "'\"widget\"' does not exist in type" in checked.stdout
    assert "Type '\"object\"' is not assignable" in checked.stdout
