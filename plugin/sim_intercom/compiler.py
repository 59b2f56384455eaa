"""Compiles `manifest.yaml` and `schemas/` into one checked document: the catalog start-up
reads (`_data/catalog.json`, with `json` alone).

The checked path: the manifest and every schema document are validated by the pydantic
models of `manifest_models` (a mistake is a `ManifestError` naming the file and the place,
with pydantic's message), every `$ref` is inlined so each tool's schemas are
self-contained, and the plugin's contract (`sim_intercom.models`) is published beside them
as JSON Schemas. The build runs it (`hatch_build.py`), so a broken catalog fails the build;
a source checkout runs it again when the sources change (`manifest.default_catalog`).

    python -m sim_intercom.compiler [ROOT]     # check and compile; print where it wrote
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import yaml
from pydantic import BaseModel, ValidationError

from .manifest import (
    COMPILED_FORMAT,
    DRAFT_2020_12,
    ManifestError,
    compiled_path,
    source_fingerprint,
    source_root,
)
from .manifest_models import Manifest, SchemaDocument, ToolSchemaDocument
from .trigger_schemas import compile_triggers

__all__ = ["compile_catalog", "main", "write_compiled"]


def _place(error: Any) -> str:
    return ".".join(str(part) for part in error["loc"])


def _problems(file: str, exc: ValidationError) -> ManifestError:
    """One `ManifestError` naming the file and each place pydantic found wrong."""
    lines = []
    for error in exc.errors(include_url=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        place = _place(error)
        lines.append(f"{file}: {place}: {message}" if place else f"{file}: {message}")
    return ManifestError("; ".join(lines))


def _checked(model: type[BaseModel], value: Any, file: str) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        raise _problems(file, exc) from None


def _read_json(path: Path, root: Path) -> dict[str, Any]:
    name = path.relative_to(root).as_posix()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{name}: file not found") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{name}: not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise ManifestError(f"{name}: must be a JSON object")
    return document


class _SchemaStore:
    """Every schema document under `schemas/`, checked, by `$id`, for inlining `$ref`s."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents: dict[str, dict[str, Any]] = {}
        self.files: dict[str, str] = {}  # path relative to root -> $id
        for path in sorted((root / "schemas").rglob("*.json")):
            name = path.relative_to(root).as_posix()
            document = _read_json(path, root)
            checked = _checked(SchemaDocument, document, name)
            self.documents[checked.id] = document
            self.files[name] = checked.id

    def document(self, name: str, model: type[SchemaDocument], where: str) -> tuple[str, Any]:
        """The `$id` and the raw document of file `name`, checked against `model`."""
        if name not in self.files:
            raise ManifestError(f"{where}: file {name} not found")
        base = self.files[name]
        _checked(model, self.documents[base], name)
        return base, self.documents[base]

    def inline(self, node: Any, base: str, trail: tuple[str, ...] = ()) -> Any:
        """Replace every `$ref` by a copy of its target, so the result needs no resolver."""
        if isinstance(node, list):
            return [self.inline(item, base, trail) for item in node]
        if not isinstance(node, dict):
            return node
        result = {k: self.inline(v, base, trail) for k, v in node.items() if k != "$ref"}
        if "$ref" in node:
            target, target_base = self._resolve(node["$ref"], base, trail)
            resolved = self.inline(target, target_base, (*trail, urljoin(base, node["$ref"])))
            resolved = {k: v for k, v in resolved.items() if k not in ("$schema", "$id", "$defs")}
            result = {**resolved, **result}
        return result

    def _resolve(self, ref: str, base: str, trail: tuple[str, ...]) -> tuple[Any, str]:
        absolute = urljoin(base, ref)
        if absolute in trail:
            raise ManifestError(f"schemas: cyclic $ref {ref!r} (from {base})")
        url, fragment = urldefrag(absolute)
        if url not in self.documents:
            raise ManifestError(f"schemas: $ref {ref!r} in {base} names no known schema")
        target: Any = self.documents[url]
        for part in [p for p in fragment.split("/") if p]:
            try:
                target = target[part.replace("~1", "/").replace("~0", "~")]
            except (KeyError, TypeError):
                raise ManifestError(f"schemas: $ref {ref!r} in {base} points nowhere") from None
        return target, url

    def part(self, base: str, document: dict[str, Any], part: str, title: str) -> dict[str, Any]:
        inlined = self.inline(document["$defs"][part], base)
        return {"$schema": DRAFT_2020_12, "title": title, **inlined}


def _read_manifest(path: Path) -> Manifest:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise ManifestError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path.name}: not valid YAML: {exc}") from None
    manifest: Manifest = _checked(Manifest, raw, path.name)
    return manifest


def _compact(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


def _contract() -> dict[str, Any]:
    from .models import contract_schemas

    return contract_schemas()


def compile_catalog(root: Path) -> dict[str, Any]:
    """The checked, compiled catalog of `manifest.yaml` and `schemas/` under `root`.

    Each tool's and trigger's schemas are kept as compact JSON text, parsed only when used,
    so start-up reads one small outer document. Raises `ManifestError` naming each problem.
    """
    manifest = _read_manifest(root / "manifest.yaml")
    store = _SchemaStore(root)
    tools = {}
    for index, entry in enumerate(manifest.tools):
        where = f"manifest.yaml: tools.{index}.schema"
        base, document = store.document(entry.schema_file, ToolSchemaDocument, where)
        tools[entry.id] = {
            part: _compact(store.part(base, document, part, f"{entry.id} {part}"))
            for part in ("input", "output")
        }
    triggers = {
        trigger_id: {**compiled, "output": _compact(compiled["output"])}
        for trigger_id, compiled in compile_triggers(store, manifest).items()
    }
    return {
        "format": COMPILED_FORMAT,
        "sources": source_fingerprint(root),
        "manifest": manifest.model_dump(mode="json"),
        "tools": tools,
        "triggers": triggers,
        "contract": _contract(),
    }


def write_compiled(document: dict[str, Any], path: Path) -> None:
    """Write the compiled catalog to `path` atomically (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as out:
        json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
    os.chmod(out.name, 0o644)  # readable as any installed file is
    os.replace(out.name, path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else source_root()
    if root is None:
        print("no manifest.yaml here: give the folder that holds it", file=sys.stderr)
        return 2
    try:
        document = compile_catalog(root)
    except ManifestError as exc:
        print(f"sim-intercom catalog: {exc}", file=sys.stderr)
        return 1
    write_compiled(document, compiled_path())
    print(compiled_path())
    return 0


if __name__ == "__main__":
    sys.exit(main())
