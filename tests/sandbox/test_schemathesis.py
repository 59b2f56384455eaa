"""Schemathesis, driven by Intercom's own description, against the sandbox: for every
operation of the description, generated requests (valid and invalid) never get a 5xx, and
every answer is one the description allows.

Requests go through the `responses` door (`mock_intercom`), in process, to a fresh seeded
workspace per operation, a few examples each, derandomized so a failure reproduces. An
answer is checked as the sandbox fidelity tests check one (`tests/openapi.py`: OpenAPI 3.0
read as JSON Schema, `nullable` beside a `$ref` admitting null as the live API sends it):
a JSON body validates against the schema of its operation and status, or against the
description's `error` schema for an error status the operation does not list (an operation
the sandbox does not serve yet answers 404 with an error list). The two answers that are
not JSON are the ones the description says: a 302 with `Location` (a call's recording) and
text (a call's transcript).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator
from schemathesis.config import SchemathesisConfig

from helpers import US
from openapi import DOCUMENT_URI, load_openapi, openapi_document, openapi_registry
from sim_intercom.sandbox import SANDBOX_TOKEN, Workspace, mock_intercom

AUTH = {"Authorization": f"Bearer {SANDBOX_TOKEN}", "Intercom-Version": "2.14"}
ERROR_SCHEMA = {"$ref": DOCUMENT_URI + "#/components/schemas/error"}
EXAMPLES = 4

# Examples and fuzzing (valid and invalid requests); no coverage phase of unexpected
# methods, which `responses` cannot carry (TRACE) and which the fidelity tests cover (405).
CONFIG = SchemathesisConfig.from_dict(
    {"phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}}}
)


def with_errata(document: dict[str, Any]) -> dict[str, Any]:
    """The description with the errata its README lists that a generator trips on: the two
    reporting-data paths declare `{job_identifier}` only as a query parameter."""
    fixed = copy.deepcopy(document)
    for template, item in fixed["paths"].items():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if f"{{{parameter.get('name')}}}" in template and parameter.get("in") == "query":
                    parameter.update({"in": "path", "required": True})
    return fixed


schema = schemathesis.openapi.from_dict(with_errata(load_openapi()), config=CONFIG)


def documented(method: str, template: str, status: int) -> dict[str, Any] | None:
    """What the description says of this answer: its response object, or None."""
    operation = openapi_document()["paths"][template][method.lower()]
    answers: dict[str, Any] = operation.get("responses", {})
    return answers.get(str(status)) or answers.get(f"{str(status)[0]}XX")


def header(response: Any, name: str) -> str:
    """A header of a schemathesis `Response` (each header a list of values), or ""."""
    wanted = name.lower()
    values = next((v for k, v in response.headers.items() if k.lower() == wanted), [""])
    return values[0] if isinstance(values, list) else str(values)


def off_spec(method: str, template: str, response: Any) -> list[str]:
    """How the answer departs from the description; empty when it does not."""
    status = response.status_code
    answer = documented(method, template, status)
    kind = header(response, "Content-Type").split(";")[0].strip()
    if kind != "application/json":
        if answer is None:
            return [f"HTTP {status} with {kind or 'no body'} is not documented"]
        if 300 <= status < 400:
            return [] if header(response, "Location") else ["a redirect without Location"]
        content = answer.get("content", {})
        return [] if kind in content else [f"{kind} is not among {sorted(content)}"]
    if answer is None and status < 400:
        return [f"HTTP {status} is not documented"]
    body_schema = (answer or {}).get("content", {}).get("application/json", {}).get("schema")
    validator = Draft202012Validator(body_schema or ERROR_SCHEMA, registry=openapi_registry())
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: list(e.absolute_path))
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors]


@pytest.fixture
def sandbox() -> Any:
    with mock_intercom(Workspace(), base_url=US) as workspace:
        yield workspace


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_sandbox_answers_every_operation_within_the_description(case: Any, sandbox: Any):
    response = case.call(base_url=US, headers=AUTH, allow_redirects=False)
    where = f"{case.method} {case.path}"
    assert response.status_code < 500, (where, response.text[:500])
    problems = off_spec(case.method, case.operation.path, response)
    assert not problems, (where, response.status_code, problems)
