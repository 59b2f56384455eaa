"""The catalog: `manifest.yaml` and the tool schemas, as start-up reads them.

The build compiles and checks the catalog once (`sim_intercom.compiler`, with the pydantic
models of `manifest_models`) into one JSON document, `_data/catalog.json`; start-up reads
that document with `json` alone, into the frozen dataclasses below (the same records as
the models, without their checks). In a source checkout the document is compiled again
when `manifest.yaml` or a schema has changed since it was written, through the checked
path, so an edit is never served stale and never served unchecked.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
COMPILED_FORMAT = 2  # the compiled document's layout; a change recompiles a checkout's copy
PACKAGE = Path(__file__).resolve().parent
# The modules that make the compiled document: a change to one compiles it again.
COMPILER_SOURCES = ("manifest_models.py", "compiler.py", "trigger_schemas.py", "models.py")


class ManifestError(Exception):
    """The manifest or a schema it names is missing or malformed; names the file and field."""


@dataclass(frozen=True)
class Description:
    human: str
    llm: str


@dataclass(frozen=True)
class Credential:
    name: str
    type: Literal["secret-input", "text-input", "number-input", "select"]
    required: bool
    label: str
    help: str = ""
    url: str = ""
    default: str | float | None = None
    options: list[str] = dataclasses.field(default_factory=list)
    # A label for each option, by option; an option without one shows as itself.
    labels: dict[str, str] = dataclasses.field(default_factory=dict)
    # Who fills it in a host's form: the user only (never a model), the default for every
    # credential and setting.
    visibility: Literal["user-only", "hidden"] = "user-only"


@dataclass(frozen=True)
class Toolset:
    """A named group of tools, for one Intercom resource; the block's palette groups too."""

    name: str
    label: str
    description: str


@dataclass(frozen=True)
class DefaultToolset:
    """The tools served when a host names no selection (reserved name `default`)."""

    label: str
    description: str
    tools: list[str]


@dataclass(frozen=True)
class Block:
    type: str
    category: str
    name: str
    description: str = ""
    color: str = "#FFFFFF"  # the block's background
    docs: str = ""  # a documentation link


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
    id: str
    name: str
    toolset: str
    # The Intercom operation the tool calls (its main one if it makes several), exactly as
    # the OpenAPI description writes method and path: "GET /contacts/{contact_id}".
    operation: str
    schema_file: str  # `schema` in the manifest
    description: Description
    example: Example
    annotations: Annotations


@dataclass(frozen=True)
class TriggerEntry:
    id: str
    name: str
    # Intercom's topics the trigger runs on; `*` alone takes every topic (`ping` only
    # where a trigger names it).
    topics: list[str]
    description: Description


@dataclass(frozen=True)
class TopicEntry:
    """One webhook topic: what `data.item` carries (a `$defs` key of
    schemas/defs/webhook_item.json), the label a person finds it by, and when it fires."""

    topic: str
    item: str
    label: str
    when: str


@dataclass(frozen=True)
class TopicFamily:
    """A family of topics (`contact`, `ticket`...) and the trigger that takes them."""

    family: str
    trigger: str
    name: str
    about: str  # completes "Runs when ..."
    topics: list[TopicEntry]


@dataclass(frozen=True)
class Triggers:
    """Intercom webhooks: the secret that signs them, the triggers named one by one, and the
    topic families, each of which is a trigger too."""

    secret: Credential
    items: list[TriggerEntry]
    families: list[TopicFamily] = dataclasses.field(default_factory=list)
    # Topic names of API 1.x a trigger may take, each typed as its 2.x twin.
    renamed: dict[str, str] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    id: str
    name: str
    version: str
    category: Literal["tools"]
    type: Literal["intercom"]
    description: Description
    block: Block
    toolsets: list[Toolset]
    default_toolset: DefaultToolset
    credentials: list[Credential]
    tools: list[ToolEntry]
    triggers: Triggers
    icon: str = ""
    author: str = ""


@dataclass(frozen=True)
class Tool:
    """One tool: its manifest entry and its self-contained input and output schemas (kept
    as the compiled JSON text and parsed on first use, so listing many tools stays cheap)."""

    entry: ToolEntry
    version: str
    input_text: str
    output_text: str

    @property
    def id(self) -> str:
        return self.entry.id

    @functools.cached_property
    def input_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self.input_text)
        return schema

    @functools.cached_property
    def output_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self.output_text)
        return schema

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
            "input_schema": json.loads(self.input_text),  # a fresh copy, quicker than deepcopy
            "output_schema": json.loads(self.output_text),
            "annotations": self.entry.annotations.as_dict(),
            "example": {
                "params": copy.deepcopy(self.entry.example.params),
                "note": self.entry.example.note,
            },
        }


DEFAULT_TOOLSET = "default"  # the reserved name of the manifest's default selection
ALL_TOOLSET = "all"  # the reserved name of every tool

ALL_TOPICS = "*"  # a trigger that takes every topic lists only this
TOPIC_PATTERN = r"[a-z_]+(\.[a-z_]+)*"  # what a topic name looks like
PING_TOPIC = "ping"  # what Intercom sends to test a subscription; runs only a trigger naming it
TOPICS_SETTING = "topics"  # the setting a host chooses a trigger's topics with


@dataclass(frozen=True)
class TopicOption:
    """A topic a trigger can take, as a host offers it for choosing."""

    topic: str
    label: str
    when: str
    item: str

    def as_dict(self) -> dict[str, str]:
        return {
            "topic": self.topic,
            "label": self.label,
            "description": self.when,
            "item": self.item,
        }


@dataclass(frozen=True)
class Trigger:
    """One webhook trigger: its entry (declared, or made from a topic family), the secret
    setting, its output schema (compiled JSON text, parsed on first use) and the topics a
    host may choose among (`options`, every topic it takes, labelled)."""

    entry: TriggerEntry
    version: str
    secret: Credential
    output_text: str
    options: tuple[TopicOption, ...] = ()
    family: str | None = None

    @property
    def id(self) -> str:
        return self.entry.id

    @functools.cached_property
    def output_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = json.loads(self.output_text)
        return schema

    @property
    def takes_every_topic(self) -> bool:
        return self.entry.topics == [ALL_TOPICS]

    def takes(self, topic: str, chosen: frozenset[str] | None = None) -> bool:
        """Whether a notification of `topic` runs this trigger: one of its topics, and of
        `chosen` when a host chose some; `ping` only for a trigger that names it."""
        if chosen is not None and topic not in chosen:
            return False
        if topic == PING_TOPIC:
            return PING_TOPIC in self.entry.topics
        return self.takes_every_topic or topic in self.entry.topics

    def spec(self) -> dict[str, Any]:
        """The plain-dict trigger spec a host lists."""
        secret = {k: v for k, v in vars(self.secret).items() if v not in (None, "", [], {})}
        return {
            "id": self.entry.id,
            "name": self.entry.name,
            "description": self.entry.description.llm,
            "human_description": self.entry.description.human,
            "version": self.version,
            "family": self.family,
            "topics": list(self.entry.topics),
            "topic_options": [option.as_dict() for option in self.options],
            "topic_setting": {
                "name": TOPICS_SETTING,
                "type": "multi-select",
                "required": False,
                "label": "Topics",
                "help": (
                    "Run only on these topics (their labels are in topic_options); "
                    "leave empty for every topic the trigger takes."
                ),
                "options": [option.topic for option in self.options],
            },
            "output_schema": json.loads(self.output_text),
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


def source_root() -> Path | None:
    """The folder with `manifest.yaml` and `schemas/` when running from a source checkout
    (or an editable install of one); None in an installed wheel."""
    root = PACKAGE.parents[1]
    if (PACKAGE / "_data" / "manifest.yaml").is_file():  # a wheel ships its sources there
        return None
    if (root / "manifest.yaml").is_file() and (root / "schemas").is_dir():
        return root
    return None


def data_root() -> Path:
    """Where `manifest.yaml` and `schemas/` are: inside the installed wheel, or the source tree."""
    return source_root() or PACKAGE / "_data"


def compiled_path() -> Path:
    """The compiled catalog: in the wheel, or written beside the sources of a checkout."""
    return PACKAGE / "_data" / "catalog.json"


def source_fingerprint(root: Path) -> str:
    """What the compiled catalog was made from: every source file's name, size and change
    time, and the compiler's layout (a stat of each file, no read)."""
    files = [root / "manifest.yaml", *sorted((root / "schemas").rglob("*.json"))]
    files += [PACKAGE / name for name in COMPILER_SOURCES]
    digest = hashlib.sha256(str(COMPILED_FORMAT).encode())
    for path in files:
        stat = path.stat()
        digest.update(
            f"{path.relative_to(path.anchor)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
        )
    return digest.hexdigest()


def _manifest(raw: dict[str, Any]) -> Manifest:
    """The dataclasses of a compiled (already checked) manifest."""

    def tool(entry: dict[str, Any]) -> ToolEntry:
        return ToolEntry(
            **{
                **entry,
                "description": Description(**entry["description"]),
                "example": Example(**entry["example"]),
                "annotations": Annotations(**entry["annotations"]),
            }
        )

    def family(raw: dict[str, Any]) -> TopicFamily:
        return TopicFamily(**{**raw, "topics": [TopicEntry(**t) for t in raw["topics"]]})

    triggers = raw["triggers"]
    return Manifest(
        **{
            **raw,
            "description": Description(**raw["description"]),
            "block": Block(**raw["block"]),
            "toolsets": [Toolset(**toolset) for toolset in raw["toolsets"]],
            "default_toolset": DefaultToolset(**raw["default_toolset"]),
            "credentials": [Credential(**credential) for credential in raw["credentials"]],
            "tools": [tool(entry) for entry in raw["tools"]],
            "triggers": Triggers(
                Credential(**triggers["secret"]),
                [trigger_entry(t) for t in triggers["items"]],
                [family(f) for f in triggers.get("families", [])],
                dict(triggers.get("renamed", {})),
            ),
        }
    )


def trigger_entry(entry: dict[str, Any]) -> TriggerEntry:
    return TriggerEntry(**{**entry, "description": Description(**entry["description"])})


def catalog_from(document: dict[str, Any]) -> Catalog:
    """The catalog of a compiled document."""
    manifest = _manifest(document["manifest"])
    version = manifest.version
    tools = {
        entry.id: Tool(
            entry, version, *(document["tools"][entry.id][p] for p in ("input", "output"))
        )
        for entry in manifest.tools
    }
    secret = manifest.triggers.secret
    triggers = {
        trigger_id: Trigger(
            trigger_entry(compiled["entry"]),
            version,
            secret,
            compiled["output"],
            tuple(TopicOption(**option) for option in compiled["options"]),
            compiled["family"],
        )
        for trigger_id, compiled in document["triggers"].items()
    }
    return Catalog(manifest, tools, triggers)


def load_catalog(root: Path | None = None) -> Catalog:
    """Read and check `manifest.yaml` and every schema it names under `root` (the checked
    path: PyYAML and pydantic); without `root`, the shipped catalog."""
    if root is None:
        return catalog_from(compiled_document())
    from .compiler import compile_catalog

    return catalog_from(compile_catalog(root))


def _read_compiled(path: Path) -> dict[str, Any] | None:
    try:
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document if document.get("format") == COMPILED_FORMAT else None


def compiled_document() -> dict[str, Any]:
    """The compiled catalog: the wheel's, or in a source checkout one that matches the
    sources (compiled again through the checked path, and saved, when it does not)."""
    root = source_root()
    document = _read_compiled(compiled_path())
    if root is None:
        if document is None:
            raise ManifestError(f"{compiled_path()}: missing or unreadable; reinstall the package")
        return document
    if document is not None and document.get("sources") == source_fingerprint(root):
        return document
    from .compiler import compile_catalog, write_compiled

    document = compile_catalog(root)
    with contextlib.suppress(OSError):  # a read-only checkout: served from memory
        write_compiled(document, compiled_path())
    return document


@cache
def default_catalog() -> Catalog:
    """The catalog that ships with the package, loaded once."""
    return load_catalog()
