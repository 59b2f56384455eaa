"""`sim_intercom.models`: the contract's pydantic models. Every spec the hooks list and every
result they return validates against them (each tool's catalog example against the
sandbox, failures of each kind, webhook answers of each kind); their JSON Schemas are
published in the compiled catalog; the hook path itself imports no pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from sim_intercom.host import execute_tool, get_plugin_manager, list_tools
from sim_intercom.manifest import compiled_path, default_catalog
from sim_intercom.models import (
    ErrorDetail,
    ToolResult,
    ToolSpec,
    TriggerSpec,
    WebhookAnswer,
    contract_schemas,
)
from sim_intercom.sandbox import SandboxServer
from test_exports import credentials_for, real_example
from test_triggers import encode, notification, signature

CATALOG = default_catalog()
pm = get_plugin_manager()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


def test_every_tool_spec_validates():
    for spec in list_tools(pm):
        ToolSpec.model_validate(spec)


def test_every_trigger_spec_validates():
    specs = [spec for specs in pm.hook.sim_register_triggers() for spec in specs]
    assert specs
    for spec in specs:
        TriggerSpec.model_validate(spec)


@pytest.mark.parametrize("tool_id", list(CATALOG.tools))
def test_each_examples_result_validates(tool_id):
    with SandboxServer() as fresh:  # an example may delete or merge what another uses
        params = real_example(CATALOG.tools[tool_id], fresh)
        result = execute_tool(pm, tool_id, params, credentials_for(fresh))
    checked = ToolResult.model_validate(result)
    assert checked.success, checked.error


@pytest.mark.parametrize(
    ("tool_id", "params", "token", "kind"),
    [
        ("intercom_get_contact", {}, None, "invalid_input"),
        ("intercom_get_contact", {"contactId": "6762f0dd00000000000000ff"}, None, "not_found"),
        ("intercom_list_admins", {}, "not-the-sandbox-token", "unauthorized"),
        ("intercom_list_contacts", {"per_page": 2}, "", "invalid_input"),
    ],
)
def test_each_kind_of_failure_validates(tool_id, params, token, kind, sandbox):
    credentials = credentials_for(sandbox)
    if token is not None:
        credentials["accessToken"] = token
    checked = ToolResult.model_validate(execute_tool(pm, tool_id, params, credentials))
    assert not checked.success and checked.error_detail is not None
    assert checked.error_detail.kind == kind


def test_a_rate_limited_failure_validates():
    with SandboxServer(rate_limit=1, window=60) as server:
        credentials = {**credentials_for(server), "maxRetries": 0}
        results = [execute_tool(pm, "intercom_list_admins", {}, credentials) for _ in range(3)]
    limited = [ToolResult.model_validate(r) for r in results if not r["success"]]
    assert limited and limited[-1].error_detail.kind == "rate_limited"


SECRET = "client-secret-3f9a"


def answers() -> Iterator[dict[str, Any]]:
    body = encode(notification())
    signed = {"X-Hub-Signature": signature(body, SECRET)}
    ping = encode(notification("ping"))
    cases = [
        ("intercom_conversation_reply", body, signed, SECRET),
        ("intercom_webhook", ping, {"X-Hub-Signature": signature(ping, SECRET)}, SECRET),
        ("intercom_conversation_reply", body, {"X-Hub-Signature": "sha1=00"}, SECRET),
        ("intercom_conversation_reply", body, {}, None),
        ("intercom_conversation_reply", b"not json", {}, None),
    ]
    for trigger_id, raw, headers, secret in cases:
        yield pm.hook.sim_handle_webhook(
            trigger_id=trigger_id, headers=headers, body=raw, secret=secret
        )


def test_every_kind_of_webhook_answer_validates():
    kinds = {WebhookAnswer.model_validate(answer).kind for answer in answers()}
    assert {"event", "ping"} <= kinds and len(kinds) >= 4


def test_the_contracts_json_schemas_are_published_with_the_catalog():
    published = json.loads(compiled_path().read_text(encoding="utf-8"))["contract"]
    assert published == contract_schemas()
    for schema in published.values():
        Draft202012Validator.check_schema(schema)
    kinds = published["error_detail"]["properties"]["kind"]["enum"]
    assert "invalid_input" in kinds and ErrorDetail.model_fields["kind"].is_required()


HOOK_PATH = """
import sys
from sim_intercom.host import execute_tool, get_plugin_manager
execute_tool(get_plugin_manager(), "intercom_get_contact", {}, {"accessToken": "x" * 20})
print("pydantic" in sys.modules)
"""


def test_the_hook_path_imports_no_pydantic():
    done = subprocess.run([sys.executable, "-c", HOOK_PATH], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
