"""The build compiles and checks the catalog (`manifest.yaml` and `schemas/`) with the
plugin's pydantic models, and ships the result as `sim_intercom/_data/catalog.json`, the
one file start-up reads. A broken catalog fails the build with pydantic's message."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMPILED = "sim_intercom/_data/catalog.json"


class CatalogBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "catalog"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        sys.path.insert(0, str(root / "plugin"))
        try:
            from sim_intercom.compiler import compile_catalog, write_compiled
            from sim_intercom.manifest import ManifestError
        finally:
            sys.path.pop(0)
        try:
            document = compile_catalog(root)
        except ManifestError as exc:
            raise SystemExit(f"sim-intercom: the catalog is broken: {exc}") from None
        compiled = root / "plugin" / COMPILED
        write_compiled(document, compiled)
        if self.target_name == "wheel" and version != "editable":
            build_data["force_include"][str(compiled)] = COMPILED
