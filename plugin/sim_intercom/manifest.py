"""Loads `manifest.yaml` and the tool schemas into a checked, self-contained catalog."""

from __future__ import annotations

import copy
import dataclasses
import json
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


TOPIC_PATTERN = r"[a-z_]+(\.[a-z_]+)*"


@dataclass(frozen=True)
class TriggerEntry:
    id: str = field(pattern=r"intercom_[a-z_]+")
    name: str = field(nonempty=True)
    # Intercom's topics the trigger runs on; `*` alone takes every topic (never `ping`).
    topics: list[str] = field(nonempty=True)
    description: Description = field()


@dataclass(frozen=True)
class TopicEntry:
    """One webhook topic: what `data.item` carries (a `$defs` key of
    schemas/defs/webhook_item.json), the label a person finds it by, and when it fires."""

    topic: str = field(pattern=TOPIC_PATTERN)
    item: str = field(nonempty=True)
    label: str = field(nonempty=True)
    when: str = field(nonempty=True)


@dataclass(frozen=True)
class TopicFamily:
    """A family of topics (`contact`, `ticket`...) and the trigger that takes them."""

    family: str = field(pattern=r"[a-z_]+")
    trigger: str = field(pattern=r"intercom_[a-z_]+")
    name: str = field(nonempty=True)
    about: str = field(nonempty=True)  # completes "Runs when ..."
    topics: list[TopicEntry] = field(nonempty=True)


@dataclass(frozen=True)
class Triggers:
    """Intercom webhooks: the secret that signs them, the triggers named one by one, and the
    topic families, each of which is a trigger too."""

    secret: Credential
    items: list[TriggerEntry] = field(nonempty=True)
    families: list[TopicFamily] = field([])
    # Topic names of API 1.x a trigger may take, each typed as its 2.x twin.
    renamed: dict[str, str] = field({})


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
    """One webhook trigger: its manifest entry, the secret setting, its output schema and the
    topics a host may choose among (`options`, every topic it takes, labelled)."""

    entry: TriggerEntry
    version: str
    secret: Credential
    output_schema: dict[str, Any]
    options: tuple[TopicOption, ...] = ()
    family: str | None = None

    @property
    def id(self) -> str:
        return self.entry.id

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

    def palette(self) -> list[dict[str, Any]]:
        """The block's operation groups, derived from the toolsets: toolset, label, and
        each tool of that toolset (in manifest order) with its name as its label."""
        return [
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


NOTIFICATION_DEFS = "schemas/defs/notification.json"
ITEM_DEFS = "schemas/defs/webhook_item.json"
ENVELOPE = ("topic", "id", "app_id", "created_at", "delivery_attempts", "first_sent_at")


def _event_schema(
    store: _SchemaStore, title: str, items: dict[str, str], kinds: dict[str, Any], every: bool
) -> Any:
    """The event a trigger outputs: the notification's fields, `topic` one of `items` (any
    text when it takes `every` topic), and `data.item` typed by the item its topic carries
    (`kinds`: each item kind's schema, inlined once and shared by every trigger)."""
    envelope: dict[str, Any] = {name: {"$ref": f"#/$defs/{name}"} for name in ENVELOPE}
    if not every:
        envelope["topic"]["enum"] = list(items)
    data = {
        "$ref": "#/$defs/data",
        "properties": {"type": {"$ref": "#/$defs/data/properties/type"}},
        "required": ["item"],
    }
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {**envelope, "data": data},
        "required": [*ENVELOPE, "data"],
    }
    base, notification = store.load(store.root / NOTIFICATION_DEFS)
    inlined: dict[str, Any] = store.inline(schema, base)
    by_item: dict[str, list[str]] = {}
    for topic, kind in items.items():
        by_item.setdefault(kind, []).append(topic)
    item = notification["$defs"]["data"]["properties"]["item"]  # any object, typed below
    if len(by_item) == 1 and not every:
        item = kinds[next(iter(by_item))]
    inlined["properties"]["data"]["properties"]["item"] = item
    if every or len(by_item) > 1:
        inlined["allOf"] = [
            {
                "if": {"properties": {"topic": {"enum": topics}}, "required": ["topic"]},
                "then": {"properties": {"data": {"properties": {"item": kinds[kind]}}}},
            }
            for kind, topics in by_item.items()
        ]
    return {"$schema": DRAFT_2020_12, "title": title, **inlined}


def _item_kinds(store: _SchemaStore) -> dict[str, Any]:
    """Each item kind of schemas/defs/webhook_item.json, inlined."""
    base, document = store.load(store.root / ITEM_DEFS)
    kinds: dict[str, Any] = {}
    for kind, schema in document.get("$defs", {}).items():
        kinds[kind] = store.inline(schema, base)
    return kinds


def _topic_table(manifest: Manifest) -> dict[str, TopicOption]:
    """Every topic of the families, and each 1.x name as its 2.x twin, by topic."""
    table: dict[str, TopicOption] = {}
    for f_index, family in enumerate(manifest.triggers.families):
        for t_index, entry in enumerate(family.topics):
            if entry.topic in table:
                where = f"manifest.yaml: triggers.families.{f_index}.topics.{t_index}.topic"
                raise ManifestError(f"{where}: {entry.topic!r} is listed twice")
            table[entry.topic] = TopicOption(entry.topic, entry.label, entry.when, entry.item)
    for old, new in manifest.triggers.renamed.items():
        if new not in table:
            raise ManifestError(f"manifest.yaml: triggers.renamed.{old}: {new!r} is no topic")
        twin = table[new]
        table[old] = TopicOption(old, f"{twin.label} (API 1.x name)", twin.when, twin.item)
    return table


def _check_items(known: dict[str, Any], manifest: Manifest) -> None:
    for f_index, family in enumerate(manifest.triggers.families):
        for t_index, entry in enumerate(family.topics):
            if entry.item not in known:
                where = f"manifest.yaml: triggers.families.{f_index}.topics.{t_index}.item"
                raise ManifestError(f"{where}: {entry.item!r} is not in {ITEM_DEFS}")


def _family_entry(family: TopicFamily) -> TriggerEntry:
    topics = [entry.topic for entry in family.topics]
    listed = ", ".join(topics)
    human = f"Runs when {family.about}; choose which."
    llm = (
        f"Starts the workflow when {family.about} (Intercom topics: {listed}). A host may "
        f"narrow it to some of them with the `{TOPICS_SETTING}` setting. Outputs the "
        "notification: `topic` says what happened and `data.item` is the object it carries."
    )
    return TriggerEntry(family.trigger, family.name, topics, Description(human, llm))


def _triggers(store: _SchemaStore, manifest: Manifest) -> dict[str, Trigger]:
    kinds = _item_kinds(store)
    _check_items(kinds, manifest)
    table = _topic_table(manifest)
    named = [
        (f"triggers.items.{i}", entry, None) for i, entry in enumerate(manifest.triggers.items)
    ]
    families = [
        (f"triggers.families.{i}.trigger", _family_entry(family), family.family)
        for i, family in enumerate(manifest.triggers.families)
    ]
    triggers: dict[str, Trigger] = {}
    for where, entry, family in [*named, *families]:
        where = f"manifest.yaml: {where}"
        if entry.id in triggers:
            raise ManifestError(f"{where}: duplicate trigger id {entry.id!r}")
        every = entry.topics == [ALL_TOPICS]
        if ALL_TOPICS in entry.topics and not every:
            raise ManifestError(f"{where}.topics: {ALL_TOPICS!r} takes every topic; list it alone")
        unknown = [topic for topic in entry.topics if topic not in table and not every]
        if unknown:
            raise ManifestError(f"{where}.topics: {unknown[0]!r} is not a topic of the families")
        options = tuple(table.values()) if every else tuple(table[t] for t in entry.topics)
        if every:  # 2.14's topics but ping; 1.x names and later topics pass through too
            skipped = {PING_TOPIC, *manifest.triggers.renamed}
            options = tuple(o for o in options if o.topic not in skipped)
        items = {option.topic: option.item for option in options}
        schema = _event_schema(store, f"{entry.id} output", items, kinds, every)
        secret = manifest.triggers.secret
        triggers[entry.id] = Trigger(entry, manifest.version, secret, schema, options, family)
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
