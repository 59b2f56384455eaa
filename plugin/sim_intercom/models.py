"""The plugin's contract as pydantic models, for hosts that want types.

`ToolSpec` is what `sim_register_tools` lists, `ToolResult` (with `ErrorDetail`) what
`sim_execute_tool` returns, `TriggerSpec` what `sim_register_triggers` lists and
`WebhookAnswer` what `sim_handle_webhook` returns (its `event` valid against the trigger's
output schema). Every result the hooks return validates against them (the tests check each
tool's example against the sandbox). Their JSON Schemas are published with the compiled
catalog (`contract_schemas()`, under `contract` in `_data/catalog.json`).

The hooks themselves never import this module (nor pydantic):

    from sim_intercom.models import ToolResult
    result = ToolResult.model_validate(pm.hook.sim_execute_tool(tool_id=..., ...))
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ErrorDetail",
    "ToolAnnotations",
    "ToolExample",
    "ToolResult",
    "ToolSpec",
    "TriggerSecret",
    "TriggerSpec",
    "Violation",
    "WebhookAnswer",
    "contract_schemas",
]

ErrorKind = Literal[
    "error",
    "invalid_input",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "rate_limited",
    "server_error",
    "network",
    "invalid_response",
    "internal",
]


class Contract(BaseModel):
    """A record of the contract: every key known, types as the hooks return them."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class ToolAnnotations(Contract):
    """MCP's behaviour hints."""

    readOnlyHint: bool
    destructiveHint: bool
    idempotentHint: bool
    openWorldHint: bool


class ToolExample(Contract):
    params: dict[str, Any]
    note: str


class ToolSpec(Contract):
    """One tool as `sim_register_tools` lists it."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    description: str = Field(description="For models.")
    human_description: str = Field(description="For people.")
    version: str
    toolset: str
    resource: str = Field(description="The toolset's earlier name, kept for hosts.")
    operation: str = Field(description='The Intercom operation it calls: "GET /contacts/{id}".')
    input_schema: dict[str, Any] = Field(description="Self-contained JSON Schema 2020-12.")
    output_schema: dict[str, Any] = Field(description="Self-contained JSON Schema 2020-12.")
    annotations: ToolAnnotations
    example: ToolExample


class Violation(Contract):
    parameter: str
    message: str


class RateLimit(Contract):
    limit: int | None
    remaining: int | None
    reset: float | None  # Unix seconds; Intercom sends whole ones, fractions are kept


class ErrorDetail(Contract):
    """Why a call failed: `kind` to branch on, and what a host needs to act on it."""

    kind: ErrorKind
    message: str
    status: int | None = Field(description="Intercom's HTTP status, when it answered.")
    code: str | None
    request_id: str | None
    field: str | None
    attempts: int
    retry_after: float | None
    outcome: Literal["not_applied", "unknown"] | None = Field(
        default=None, description="not_applied: nothing changed; unknown: a write may have."
    )
    violations: list[Violation] | None = Field(default=None, description="For invalid_input.")
    rate_limit: RateLimit | None = Field(default=None, description="For rate_limited.")
    stage: str | None = Field(
        default=None, description="The step that failed, when earlier ones ran."
    )


class ToolResult(Contract):
    """What `sim_execute_tool` returns for a tool the plugin owns."""

    success: bool
    output: dict[str, Any] = Field(description="Valid against the tool's output schema.")
    error: str | None
    error_detail: ErrorDetail | None


class TriggerSecret(Contract):
    """The setting webhooks are signed with."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True)

    name: str
    type: str
    required: bool


class TopicChoice(Contract):
    """A topic a trigger takes, as a host offers it for choosing."""

    topic: str
    label: str
    description: str
    item: str  # the kind of object `data.item` carries


class TopicSetting(Contract):
    """The setting a host narrows a trigger's topics with (empty: every topic it takes)."""

    name: str
    type: Literal["multi-select"]
    required: bool
    label: str
    help: str
    options: list[str]


class TriggerSpec(Contract):
    """One trigger as `sim_register_triggers` lists it."""

    id: str
    name: str
    description: str
    human_description: str
    version: str
    family: str | None  # the topic family it takes, for a trigger made from one
    topics: list[str]
    topic_options: list[TopicChoice]
    topic_setting: TopicSetting
    output_schema: dict[str, Any]
    secret: TriggerSecret


class AnswerBody(Contract):
    ok: bool
    kind: str
    message: str


class WebhookAnswer(Contract):
    """What `sim_handle_webhook` returns: what to answer Intercom, and whether to run."""

    status: Literal[200, 400, 401, 413, 500]
    body: AnswerBody
    run: bool
    kind: Literal[
        "event",
        "ping",
        "ignored",
        "signature_missing",
        "signature_malformed",
        "signature_mismatch",
        "too_large",
        "not_json",
        "not_notification",
        "bad_secret",
        "internal_error",
    ]
    topic: str | None
    event: dict[str, Any] | None = Field(description="When run: the trigger event.")
    idempotency_key: str | None
    verified: bool
    warning: str | None


CONTRACT: dict[str, type[BaseModel]] = {
    "tool_spec": ToolSpec,
    "tool_result": ToolResult,
    "error_detail": ErrorDetail,
    "trigger_spec": TriggerSpec,
    "webhook_answer": WebhookAnswer,
}


def contract_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema of each contract model, by name (`tool_result`, ...)."""
    return {name: model.model_json_schema() for name, model in CONTRACT.items()}
