"""Loads `manifest.yaml` and the tool schemas into a checked, self-contained catalog."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urldefrag, urljoin

import yaml

from .checked import CheckError, build, field

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


class ManifestError(Exception):
    """The manifest or a schema it names is missing or malformed; names the file and field."""


@dataclass(frozen=True)
class Description:
    human: str = field(nonempty=True)
    llm: str = field(nonempty=True)


@dataclass(frozen=True)
class Credential:
    name: str
    type: Literal["secret-input", "text-input", "number-input", "select"]
    required: bool
    label: str
    help: str = ""
    url: str = ""
    default: str | float | None = None
    options: list[str] = field([])
    # A label for each option, by option; an option without one shows as itself.
    labels: dict[str, str] = field({})
    # Who fills it in a host's form: the user only (never a model), the default for every
    # credential and setting.
    visibility: Literal["user-only", "hidden"] = "user-only"


@dataclass(frozen=True)
class Toolset:
    """A named group of tools, for one Intercom resource; the block's palette groups too."""

    name: str = field(pattern=r"[a-z][a-z_]*")
    label: str = field(nonempty=True)
    description: str = field(nonempty=True)


@dataclass(frozen=True)
class DefaultToolset:
    """The tools served when a host names no selection (reserved name `default`)."""

    label: str = field(nonempty=True)
    description: str = field(nonempty=True)
    tools: list[str] = field(nonempty=True)


@dataclass(frozen=True)
class Block:
    type: str
    category: str
    name: str
    description: str = ""
    color: str = field("#FFFFFF", pattern=r"#[0-9A-Fa-f]{6}")  # the block's background
    docs: str = field("", pattern=r"(https://\S+)?")  # a documentation link


@dataclass(frozen=True)
class Annotations:
    readOnlyHint: bool
    destructiveHint: bool
    idempotentHint: bool
    openWorldHint: bool

    def as_dict(self) -> dict[str, bool]:
        return dict(vars(self))


@dataclass(frozen=True)
class Example:
    params: dict[str, Any]
    note: str


@dataclass(frozen=True)
class ToolEntry:
    id: str = field(pattern=r"intercom_[a-z_]+")
    name: str = field(nonempty=True)
    toolset: str = field(nonempty=True)
    # The Intercom operation the tool calls (its main one if it makes several), exactly as
    # the OpenAPI description writes method and path: "GET /contacts/{contact_id}".
    operation: str = field(pattern=r"(GET|POST|PUT|PATCH|DELETE) /\S*")
    schema_file: str = field(alias="schema", nonempty=True)
    description: Description = field()
    example: Example = field()
    annotations: Annotations = field()


@dataclass(frozen=True)
class TriggerEntry:
    id: str = field(pattern=r"intercom_[a-z_]+")
    name: str = field(nonempty=True)
    # Intercom's topics the trigger runs on; `*` alone takes every topic (never `ping`).
    topics: list[str] = field(nonempty=True)
    schema_file: str = field(alias="schema", nonempty=True)
    description: Description = field()


@dataclass(frozen=True)
class Triggers:
    """Intercom webhooks: the secret that signs them, and the triggers."""

    secret: Credential
    items: list[TriggerEntry] = field(nonempty=True)


@dataclass(frozen=True)
class Manifest:
    id: str
    name: str
    version: str
    category: Literal["tools"]
    type: Literal["intercom"]
    description: Description
    block: Block
    toolsets: list[Toolset] = field(nonempty=True)
    default_toolset: DefaultToolset = field()
    credentials: list[Credential] = field(nonempty=True)
    tools: list[ToolEntry] = field(nonempty=True)
    triggers: Triggers = field()
    icon: str = ""
    author: str = ""


@dataclass(frozen=True)
class Tool:
    """One tool: its manifest entry and its self-contained input and output schemas."""

    entry: ToolEntry
    version: str
    input_schema: dict[str, Any]
    output_schema: dict[str, Any]

    @property
    def id(self) -> str:
        return self.entry.id

    def spec(self) -> dict[str, Any]:
        """The plain-dict tool spec a host lists in its palette."""
        return {
            "id": self.entry.id,
            "name": self.entry.name,
            "description": self.entry.description.llm,
            "human_description": self.entry.description.human,
            "version": self.version,
            "toolset": self.entry.toolset,
            "resource": self.entry.toolset,  # the toolset's earlier name, kept for hosts
            "operation": self.entry.operation,
            "input_schema": copy.deepcopy(self.input_schema),
            "output_schema": copy.deepcopy(self.output_schema),
            "annotations": self.entry.annotations.as_dict(),
            "example": {
                "params": copy.deepcopy(self.entry.example.params),
                "note": self.entry.example.note,
            },
        }


DEFAULT_TOOLSET = "default"  # the reserved name of the manifest's default selection
ALL_TOOLSET = "all"  # the reserved name of every tool

ALL_TOPICS = "*"  # a trigger that takes every topic lists only this
PING_TOPIC = "ping"  # what Intercom sends to test a subscription; runs nothing


@dataclass(frozen=True)
class Trigger:
    """One webhook trigger: its manifest entry, the secret setting and its output schema."""

    entry: TriggerEntry
    version: str
    secret: Credential
    output_schema: dict[str, Any]

    @property
    def id(self) -> str:
        return self.entry.id

    def takes(self, topic: str) -> bool:
        """Whether a notification of `topic` runs this trigger (`ping` never does)."""
        if topic == PING_TOPIC:
            return False
        return self.entry.topics == [ALL_TOPICS] or topic in self.entry.topics

    def spec(self) -> dict[str, Any]:
        """The plain-dict trigger spec a host lists."""
        secret = {k: v for k, v in vars(self.secret).items() if v not in (None, "", [], {})}
        return {
            "id": self.entry.id,
            "name": self.entry.name,
            "description": self.entry.description.llm,
            "human_description": self.entry.description.human,
            "version": self.version,
            "topics": list(self.entry.topics),
            "output_schema": copy.deepcopy(self.output_schema),
            "secret": {**secret, "required": self.secret.required},
        }


@dataclass(frozen=True)
class Catalog:
    """The manifest, its tools and its triggers, by id."""

    manifest: Manifest
    tools: dict[str, Tool]
    triggers: dict[str, Trigger] = dataclasses.field(default_factory=dict)

    def toolset_tools(self, name: str) -> list[str]:
        """The ids of the tools in toolset `name` (`default` and `all` included), in
        catalog order."""
        if name == ALL_TOOLSET:
            return list(self.tools)
        if name == DEFAULT_TOOLSET:
            chosen = set(self.manifest.default_toolset.tools)
            return [tool_id for tool_id in self.tools if tool_id in chosen]
        return [tool.id for tool in self.tools.values() if tool.entry.toolset == name]

    def toolset_names(self) -> list[str]:
        """Every name a selection may use: the declared toolsets, then `default` and `all`."""
        return [t.name for t in self.manifest.toolsets] + [DEFAULT_TOOLSET, ALL_TOOLSET]

    def subset(self, tool_ids: Iterable[str]) -> Catalog:
        """This catalog with only the tools `tool_ids` names (in catalog order): what every
        door derives its description from once a selection is made."""
        kept = set(tool_ids)
        tools = {tool_id: tool for tool_id, tool in self.tools.items() if tool_id in kept}
        return Catalog(self.manifest, tools, self.triggers)

    def palette(self) -> list[dict[str, Any]]:
        """The block's operation groups, derived from the toolsets: toolset, label, and
        each tool of that toolset (in manifest order) with its name as its label; a toolset
        with no tool in this catalog has no group."""
        groups = [
            {
                "resource": toolset.name,
                "label": toolset.label,
                "operations": [
                    {"tool": tool_id, "label": self.tools[tool_id].entry.name}
                    for tool_id in self.toolset_tools(toolset.name)
                ],
            }
            for toolset in self.manifest.toolsets
        ]
        return [group for group in groups if group["operations"]]


def data_root() -> Path:
    """Where `manifest.yaml` and `schemas/` are: inside the installed wheel, or the source tree."""
    packaged = Path(str(resources.files("sim_intercom"))) / "_data"
    if (packaged / "manifest.yaml").is_file():
        return packaged
    return Path(__file__).resolve().parents[2]


def _read_json(path: Path, root: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return document
    except FileNotFoundError:
        raise ManifestError(f"{path.relative_to(root)}: file not found") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path.relative_to(root)}: not valid JSON: {exc}") from None


class _SchemaStore:
    """All schema documents under `schemas/`, by `$id`, for inlining `$ref`s."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.documents: dict[str, dict[str, Any]] = {}
        for path in sorted((root / "schemas").rglob("*.json")):
            document = _read_json(path, root)
            key = document.get("$id") or path.resolve().as_uri()
            self.documents[key] = document

    def load(self, path: Path) -> tuple[str, dict[str, Any]]:
        document = _read_json(path, self.root)
        return document.get("$id") or path.resolve().as_uri(), document

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


def _read_manifest(path: Path) -> Manifest:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except FileNotFoundError:
        raise ManifestError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path.name}: not valid YAML: {exc}") from None
    try:
        return build(Manifest, raw)
    except CheckError as exc:
        raise ManifestError(f"{path.name}: {exc}") from None


def _tool_schemas(
    store: _SchemaStore, index: int, entry: ToolEntry
) -> tuple[dict[str, Any], dict[str, Any]]:
    where = f"manifest.yaml: tools.{index}.schema"
    path = store.root / entry.schema_file
    if not path.is_file():
        raise ManifestError(f"{where}: file {entry.schema_file} not found")
    base, document = store.load(path)
    schemas = []
    for part in ("input", "output"):
        schema = document.get("$defs", {}).get(part)
        if not isinstance(schema, dict):
            raise ManifestError(f"{entry.schema_file}: $defs.{part}: missing")
        inlined = store.inline(schema, base)
        schemas.append({"$schema": DRAFT_2020_12, "title": f"{entry.id} {part}", **inlined})
    return schemas[0], schemas[1]


def _output_schema(store: _SchemaStore, where: str, schema_file: str, title: str) -> dict[str, Any]:
    path = store.root / schema_file
    if not path.is_file():
        raise ManifestError(f"{where}: file {schema_file} not found")
    base, document = store.load(path)
    schema = document.get("$defs", {}).get("output")
    if not isinstance(schema, dict):
        raise ManifestError(f"{schema_file}: $defs.output: missing")
    return {"$schema": DRAFT_2020_12, "title": title, **store.inline(schema, base)}


def _triggers(store: _SchemaStore, manifest: Manifest) -> dict[str, Trigger]:
    triggers: dict[str, Trigger] = {}
    for index, entry in enumerate(manifest.triggers.items):
        where = f"manifest.yaml: triggers.items.{index}"
        if entry.id in triggers:
            raise ManifestError(f"{where}.id: duplicate id {entry.id!r}")
        if ALL_TOPICS in entry.topics and entry.topics != [ALL_TOPICS]:
            raise ManifestError(f"{where}.topics: {ALL_TOPICS!r} takes every topic; list it alone")
        schema = _output_schema(store, f"{where}.schema", entry.schema_file, f"{entry.id} output")
        triggers[entry.id] = Trigger(entry, manifest.version, manifest.triggers.secret, schema)
    return triggers


def _check_toolsets(manifest: Manifest) -> None:
    declared = [toolset.name for toolset in manifest.toolsets]
    used = {tool.toolset for tool in manifest.tools}
    for index, name in enumerate(declared):
        where = f"manifest.yaml: toolsets.{index}.name"
        if name in (DEFAULT_TOOLSET, ALL_TOOLSET):
            raise ManifestError(f"{where}: {name!r} is reserved")
        if name not in used or declared.count(name) > 1:
            raise ManifestError(f"{where}: {name!r} must have tools and be declared once")
    for index, tool in enumerate(manifest.tools):
        if tool.toolset not in declared:
            raise ManifestError(
                f"manifest.yaml: tools.{index}.toolset: {tool.toolset!r} is not declared "
                f"under toolsets ({', '.join(declared)})"
            )
    ids = {tool.id for tool in manifest.tools}
    for index, tool_id in enumerate(manifest.default_toolset.tools):
        if tool_id not in ids:
            raise ManifestError(
                f"manifest.yaml: default_toolset.tools.{index}: {tool_id!r} is not a tool"
            )


def load_catalog(root: Path | None = None) -> Catalog:
    """Read and check `manifest.yaml` and every schema it names under `root`."""
    root = root or data_root()
    manifest = _read_manifest(root / "manifest.yaml")
    _check_toolsets(manifest)
    store = _SchemaStore(root)
    tools = {}
    for index, entry in enumerate(manifest.tools):
        if entry.id in tools:
            raise ManifestError(f"manifest.yaml: tools.{index}.id: duplicate id {entry.id!r}")
        input_schema, output_schema = _tool_schemas(store, index, entry)
        tools[entry.id] = Tool(entry, manifest.version, input_schema, output_schema)
    return Catalog(manifest, tools, _triggers(store, manifest))


@cache
def default_catalog() -> Catalog:
    """The catalog that ships with the package, loaded once."""
    return load_catalog()
