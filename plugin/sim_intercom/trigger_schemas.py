"""The webhook triggers as the compiler makes them: the triggers the manifest names, and one
per topic family, each with its topics (labelled, for a host to choose among) and its output
schema, generated from the notification envelope and the item each topic carries.

Every check that spans records is already done by `manifest_models.Manifest`; what is left
here needs the schema documents (does a topic's item kind exist).
"""

from __future__ import annotations

from typing import Any, Protocol

from .manifest import (
    ALL_TOPICS,
    DRAFT_2020_12,
    PING_TOPIC,
    TOPICS_SETTING,
    ManifestError,
    TopicOption,
)
from .manifest_models import Manifest, SchemaDocument, TopicFamily, TriggerEntry

NOTIFICATION_DEFS = "schemas/defs/notification.json"
ITEM_DEFS = "schemas/defs/webhook_item.json"
ENVELOPE = ("topic", "id", "app_id", "created_at", "delivery_attempts", "first_sent_at")


class SchemaStore(Protocol):
    def document(self, name: str, model: type[SchemaDocument], where: str) -> tuple[str, Any]: ...

    def inline(self, node: Any, base: str, trail: tuple[str, ...] = ()) -> Any: ...


def _item_kinds(store: SchemaStore) -> dict[str, Any]:
    """Each item kind of schemas/defs/webhook_item.json, inlined."""
    base, document = store.document(ITEM_DEFS, SchemaDocument, "triggers")
    return {kind: store.inline(schema, base) for kind, schema in document["$defs"].items()}


def _event_schema(
    store: SchemaStore, title: str, items: dict[str, str], kinds: dict[str, Any], every: bool
) -> dict[str, Any]:
    """The event a trigger outputs: the notification's fields, `topic` one of `items` (any
    text when it takes `every` topic), and `data.item` typed by the item its topic carries."""
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
    base, notification = store.document(NOTIFICATION_DEFS, SchemaDocument, "triggers")
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


def _topic_table(manifest: Manifest, kinds: dict[str, Any]) -> dict[str, TopicOption]:
    """Every topic of the families, and each 1.x name as its 2.x twin, by topic."""
    table: dict[str, TopicOption] = {}
    for f_index, family in enumerate(manifest.triggers.families):
        for t_index, entry in enumerate(family.topics):
            if entry.item not in kinds:
                where = f"manifest.yaml: triggers.families.{f_index}.topics.{t_index}.item"
                raise ManifestError(f"{where}: {entry.item!r} is not in {ITEM_DEFS}")
            table[entry.topic] = TopicOption(entry.topic, entry.label, entry.when, entry.item)
    for old, new in manifest.triggers.renamed.items():
        twin = table[new]
        table[old] = TopicOption(old, f"{twin.label} (API 1.x name)", twin.when, twin.item)
    return table


def _family_entry(family: TopicFamily) -> TriggerEntry:
    topics = [entry.topic for entry in family.topics]
    listed = ", ".join(topics)
    human = f"Runs when {family.about}; choose which."
    llm = (
        f"Starts the workflow when {family.about} (Intercom topics: {listed}). A host may "
        f"narrow it to some of them with the `{TOPICS_SETTING}` setting. Outputs the "
        "notification: `topic` says what happened and `data.item` is the object it carries."
    )
    return TriggerEntry.model_validate(
        {
            "id": family.trigger,
            "name": family.name,
            "topics": topics,
            "description": {"human": human, "llm": llm},
        }
    )


def compile_triggers(store: SchemaStore, manifest: Manifest) -> dict[str, dict[str, Any]]:
    """Each trigger by id: its entry, family, topic options and output schema."""
    kinds = _item_kinds(store)
    table = _topic_table(manifest, kinds)
    named = [(entry, None) for entry in manifest.triggers.items]
    families = [(_family_entry(f), f.family) for f in manifest.triggers.families]
    compiled: dict[str, dict[str, Any]] = {}
    for entry, family in [*named, *families]:
        every = entry.topics == [ALL_TOPICS]
        if every:  # 2.14's topics but ping; 1.x names and later topics pass through too
            skipped = {PING_TOPIC, *manifest.triggers.renamed}
            options = [o for o in table.values() if o.topic not in skipped]
        else:
            options = [table[topic] for topic in entry.topics]
        items = {option.topic: option.item for option in options}
        compiled[entry.id] = {
            "entry": entry.model_dump(mode="json"),
            "family": family,
            "options": [vars(option) for option in options],
            "output": _event_schema(store, f"{entry.id} output", items, kinds, every),
        }
    return compiled
