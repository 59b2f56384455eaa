"""The catalog's records as pydantic models: what `manifest.yaml` and `schemas/` must be.

One model per kind of record, strict (no coercion, no unknown keys), each constraint where
its field is; the checks that span records (a tool's toolset is declared, ids are unique,
the default set names real tools) are the manifest's own validators. The compiler
(`sim_intercom.compiler`) runs these at build time and in the tests; start-up never
imports this module: it reads the compiled catalog. `manifest.py` holds the same records
as plain dataclasses for that fast path; a test keeps their fields equal.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .manifest import TOPIC_PATTERN

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"
RESERVED_TOOLSETS = ("default", "all")
ALL_TOPICS = "*"

Text = Annotated[str, StringConstraints(min_length=1)]


class Record(BaseModel):
    """A manifest record: strict types, every key known."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Description(Record):
    human: Text
    llm: Text


class Credential(Record):
    name: Text
    type: Literal["secret-input", "text-input", "number-input", "select"]
    required: bool
    label: Text
    help: str = ""
    url: str = ""
    default: str | float | None = None
    options: list[str] = []
    # A label for each option, by option; an option without one shows as itself.
    labels: dict[str, str] = {}
    # Who fills it in a host's form: the user only (never a model).
    visibility: Literal["user-only", "hidden"] = "user-only"


class Toolset(Record):
    """A named group of tools, for one Intercom resource; the block's palette groups too."""

    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z_]*$")]
    label: Text
    description: Text


class DefaultToolset(Record):
    """The tools served when a host names no selection (reserved name `default`)."""

    label: Text
    description: Text
    tools: Annotated[list[str], Field(min_length=1)]


class Block(Record):
    type: Text
    category: Text
    name: Text
    description: str = ""
    color: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#FFFFFF"
    docs: Annotated[str, StringConstraints(pattern=r"^(https://\S+)?$")] = ""


class Annotations(Record):
    readOnlyHint: bool
    destructiveHint: bool
    idempotentHint: bool
    openWorldHint: bool


class Example(Record):
    params: dict[str, Any]
    note: Text


ToolId = Annotated[str, StringConstraints(pattern=r"^intercom_[a-z_]+$")]


class ToolEntry(Record):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)

    id: ToolId
    name: Text
    toolset: Text
    # The Intercom operation the tool calls (its main one if it makes several), exactly as
    # the OpenAPI description writes method and path: "GET /contacts/{contact_id}".
    operation: Annotated[str, StringConstraints(pattern=r"^(GET|POST|PUT|PATCH|DELETE) /\S*$")]
    schema_file: Text = Field(alias="schema")
    description: Description
    example: Example
    annotations: Annotations


Topic = Annotated[str, StringConstraints(pattern=f"^{TOPIC_PATTERN}$")]


class TriggerEntry(Record):
    id: ToolId
    name: Text
    # Intercom's topics the trigger runs on; `*` alone takes every topic (`ping` only
    # where a trigger names it).
    topics: Annotated[list[Text], Field(min_length=1)]
    description: Description


class TopicEntry(Record):
    """One webhook topic: what `data.item` carries (a `$defs` key of
    schemas/defs/webhook_item.json), the label a person finds it by, and when it fires."""

    topic: Topic
    item: Text
    label: Text
    when: Text


class TopicFamily(Record):
    """A family of topics (`contact`, `ticket`...) and the trigger that takes them."""

    family: Annotated[str, StringConstraints(pattern=r"^[a-z_]+$")]
    trigger: ToolId
    name: Text
    about: Text  # completes "Runs when ..."
    topics: Annotated[list[TopicEntry], Field(min_length=1)]


class Triggers(Record):
    """Intercom webhooks: the secret that signs them, the triggers named one by one, and the
    topic families, each of which is a trigger too."""

    secret: Credential
    items: Annotated[list[TriggerEntry], Field(min_length=1)]
    families: list[TopicFamily] = []
    # Topic names of API 1.x a trigger may take, each typed as its 2.x twin.
    renamed: dict[str, Topic] = {}

    def topics(self) -> list[str]:
        """Every topic of the families, then the 1.x names."""
        return [entry.topic for f in self.families for entry in f.topics] + list(self.renamed)


def _twice(values: list[str]) -> list[str]:
    return [value for value, count in Counter(values).items() if count > 1]


class Manifest(Record):
    id: Text
    name: Text
    version: Text
    category: Literal["tools"]
    type: Literal["intercom"]
    description: Description
    block: Block
    toolsets: Annotated[list[Toolset], Field(min_length=1)]
    default_toolset: DefaultToolset
    credentials: Annotated[list[Credential], Field(min_length=1)]
    tools: Annotated[list[ToolEntry], Field(min_length=1)]
    triggers: Triggers
    icon: str = ""
    author: str = ""

    @model_validator(mode="after")
    def _records_agree(self) -> Manifest:
        """The checks across records; each message starts with the place it names."""
        problems = self._toolset_problems() + self._id_problems() + self._topic_problems()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _toolset_problems(self) -> list[str]:
        declared = [toolset.name for toolset in self.toolsets]
        used = {tool.toolset for tool in self.tools}
        problems = []
        for index, name in enumerate(declared):
            if name in RESERVED_TOOLSETS:
                problems.append(f"toolsets.{index}.name: {name!r} is reserved")
            elif name not in used or declared.count(name) > 1:
                problems.append(
                    f"toolsets.{index}.name: {name!r} must have tools and be declared once"
                )
        for index, tool in enumerate(self.tools):
            if tool.toolset not in declared:
                problems.append(
                    f"tools.{index}.toolset: {tool.toolset!r} is not declared under toolsets "
                    f"({', '.join(declared)})"
                )
        ids = {tool.id for tool in self.tools}
        for index, tool_id in enumerate(self.default_toolset.tools):
            if tool_id not in ids:
                problems.append(f"default_toolset.tools.{index}: {tool_id!r} is not a tool")
        return problems

    def _topic_problems(self) -> list[str]:
        triggers = self.triggers
        problems = [
            f"triggers.families.{f}.topics.{t}.topic: {entry.topic!r} is listed twice"
            for f, family in enumerate(triggers.families)
            for t, entry in enumerate(family.topics)
            if triggers.topics().count(entry.topic) > 1
        ]
        known = set(triggers.topics())
        problems += [
            f"triggers.renamed.{old}: {new!r} is no topic of the families"
            for old, new in triggers.renamed.items()
            if new not in known
        ]
        for index, trigger in enumerate(triggers.items):
            where = f"triggers.items.{index}.topics"
            if trigger.topics == [ALL_TOPICS]:
                continue
            if ALL_TOPICS in trigger.topics:
                problems.append(f"{where}: {ALL_TOPICS!r} takes every topic; list it alone")
            problems += [
                f"{where}: {topic!r} is not a topic of the families"
                for topic in trigger.topics
                if topic not in known
            ][:1]
        return problems

    def _id_problems(self) -> list[str]:
        problems = []
        for kind, records in (("tools", self.tools), ("triggers.items", self.triggers.items)):
            ids = [record.id for record in records]
            for tool_id in _twice(ids):
                index = len(ids) - 1 - ids[::-1].index(tool_id)
                problems.append(f"{kind}.{index}.id: duplicate id {tool_id!r}")
        seen = {trigger.id for trigger in self.triggers.items}
        for index, family in enumerate(self.triggers.families):
            if family.trigger in seen:
                problems.append(
                    f"triggers.families.{index}.trigger: duplicate trigger id {family.trigger!r}"
                )
            seen.add(family.trigger)
        return problems


# The documents under schemas/


def _checked_schema(document: Any) -> Any:
    """`document` when it is a valid JSON Schema (Draft 2020-12); the problem otherwise."""
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as exc:
        place = ".".join(str(part) for part in exc.path) or "(top level)"
        raise ValueError(f"{place}: not a valid JSON Schema: {exc.message}") from None
    return document


class ObjectSchema(BaseModel):
    """A tool's input or output: a JSON Schema of an object."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    type: Literal["object"]
    properties: dict[str, dict[str, Any]] = {}


class SchemaDocument(BaseModel):
    """Any file under schemas/: a JSON Schema 2020-12 document with its own `$id`."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True, populate_by_name=True)

    dialect: Literal["https://json-schema.org/draft/2020-12/schema"] = Field(alias="$schema")
    id: Annotated[str, StringConstraints(pattern=r"^https://\S+\.json$")] = Field(alias="$id")
    title: Text

    @model_validator(mode="before")
    @classmethod
    def _valid_json_schema(cls, data: Any) -> Any:
        return _checked_schema(data)


class ToolSchemaDefs(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    input: ObjectSchema
    output: ObjectSchema


class ToolSchemaDocument(SchemaDocument):
    """`schemas/<tool id>.json`: the tool's input and output under `$defs`."""

    defs: ToolSchemaDefs = Field(alias="$defs")
