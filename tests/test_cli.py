"""The `sim-intercom` command line: tools table, run, sandbox and demo."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
import requests
import responses

from sim_intercom.cli import main

ENV_TOKEN = "tok_from_environment_456"


def test_tools_prints_the_palette_as_a_table(capsys):
    assert main(["tools"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["tool", "name", "resource", "required", "parameters"]
    rows = [line for line in lines[2:] if line.startswith("intercom_")]
    assert len(rows) == 16
    assert any(r.startswith("intercom_get_contact ") and "contactId" in r for r in rows)


def test_tools_json_prints_every_spec(capsys):
    assert main(["tools", "--json"]) == 0
    specs = json.loads(capsys.readouterr().out)
    assert {spec["id"] for spec in specs} >= {"intercom_create_contact", "intercom_get_ticket"}
    assert all("input_schema" in spec and "annotations" in spec for spec in specs)


def test_run_against_the_sandbox_prints_the_result_as_json(capsys):
    assert main(["run", "intercom_list_contacts", "per_page=2", "--sandbox"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["success"] is True
    assert len(result["output"]["contacts"]) == 2
    assert result["output"]["next_starting_after"]


def test_run_takes_parameters_as_json_input(capsys):
    code = main(["run", "intercom_search_contacts", "--sandbox", "--input", _role_query("lead")])
    assert code == 0
    contacts = json.loads(capsys.readouterr().out)["output"]["contacts"]
    assert contacts and {c["role"] for c in contacts} == {"lead"}


def _role_query(role: str) -> str:
    query = json.dumps({"field": "role", "operator": "=", "value": role})
    return json.dumps({"query": query})


def test_a_failed_result_exits_non_zero(capsys):
    assert main(["run", "intercom_get_contact", "contactId=nobody", "--sandbox"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["error_detail"]["kind"] == "not_found"


@responses.activate
def test_run_without_a_token_says_how_to_get_one_and_sends_nothing(capsys, monkeypatch):
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    assert main(["run", "intercom_list_contacts"]) == 2
    message = capsys.readouterr().err
    assert "--token" in message and "INTERCOM_ACCESS_TOKEN" in message and "--sandbox" in message
    assert len(responses.calls) == 0


@responses.activate
def test_run_reads_the_token_from_the_environment_and_never_prints_it(capsys, monkeypatch):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", ENV_TOKEN)
    responses.get(
        "https://api.eu.intercom.io/contacts",
        json={"type": "list", "data": [], "total_count": 0, "pages": {"type": "pages"}},
    )
    assert main(["run", "intercom_list_contacts", "--region", "eu"]) == 0
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {ENV_TOKEN}"
    printed = capsys.readouterr()
    assert ENV_TOKEN not in printed.out + printed.err


def test_a_malformed_parameter_is_a_usage_error(capsys):
    assert main(["run", "intercom_list_contacts", "per_page", "--sandbox"]) == 2
    assert "key=value" in capsys.readouterr().err


def test_an_unknown_tool_is_reported_as_a_failed_result(capsys):
    assert main(["run", "intercom_nope", "--sandbox"]) == 1
    assert "Known tools" in json.loads(capsys.readouterr().out)["error"]


@pytest.mark.slow
def test_the_sandbox_command_serves_until_interrupted():
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--contacts", "10"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        banner = [process.stdout.readline() for _ in range(4)]
        base_url = next(line.split()[-1] for line in banner if "base URL" in line)
        token = next(line.split()[-1] for line in banner if "token" in line)
        answer = requests.get(
            f"{base_url}/contacts", headers={"Authorization": f"Bearer {token}"}, timeout=5
        )
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=10)
    assert answer.status_code == 200
    assert answer.json()["total_count"] == 16
    assert '"GET /contacts HTTP/1.1" 200' in output
    assert process.returncode == 0


@pytest.mark.slow
def test_the_demo_runs_every_step_and_exits_zero(capsys):
    assert main(["demo"]) == 0
    output = capsys.readouterr().out
    assert "All 10 steps succeeded." in output
    assert "intercom_create_ticket" in output and "intercom_create_message" in output
