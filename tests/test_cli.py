"""The `sim-intercom` command line: help and version, the tools table and one tool, run
(parameters, token, output, exit statuses), export, and errors that stay one line."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import types

import pytest
import requests
import responses

from sim_intercom import __version__
from sim_intercom.cli import main
from sim_intercom.manifest import default_catalog

ENV_TOKEN = "tok_from_environment_456"
FILE_TOKEN = "tok_from_a_file_789"
COMMANDS = ["tools", "run", "sandbox", "mcp", "export", "demo"]


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_token(monkeypatch):
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


# --- help, version, tools -------------------------------------------------------------------


def test_version_prints_the_package_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"sim-intercom {__version__}\n"


def test_the_bare_command_prints_the_help_and_succeeds(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: sim-intercom")
    assert all(command in out for command in COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test_every_help_shows_an_example(command, capsys):
    assert main([command, "--help"] if command else ["--help"]) == 0
    examples = capsys.readouterr().out.split("Examples:\n", 1)[1]
    assert f"sim-intercom {command}".strip() in examples


def test_tools_lists_the_toolsets_then_every_tool_by_toolset(capsys):
    assert main(["tools"]) == 0
    toolsets, tools = capsys.readouterr().out.split("\n\n")
    catalog = default_catalog()
    lines = toolsets.splitlines()
    assert lines[0].split() == ["toolset", "label", "tools", "description"]
    assert [line.split()[0] for line in lines[2:]] == catalog.toolset_names()
    lines = tools.splitlines()
    assert lines[0].split() == ["toolset", "tool", "name", "access", "required", "parameters"]
    rows = [line.split() for line in lines[2:]]
    assert sorted(row[1] for row in rows) == sorted(catalog.tools)
    contact = next(row for row in rows if row[1] == "intercom_get_contact")
    assert contact[0] == "contacts" and "contactId" in contact


def test_tools_with_a_selection_lists_what_it_serves(capsys):
    assert main(["tools", "--toolsets", "tickets", "--tools", "intercom_get_contact"]) == 0
    rows = capsys.readouterr().out.split("\n\n")[1].splitlines()[2:]
    expected = {*default_catalog().toolset_tools("tickets"), "intercom_get_contact"}
    assert {row.split()[1] for row in rows} == expected
    assert main(["tools", "--toolsets", "tickets", "--read-only", "--json"]) == 0
    specs = json.loads(capsys.readouterr().out)
    assert specs and all(spec["annotations"]["readOnlyHint"] for spec in specs)
    assert {spec["toolset"] for spec in specs} == {"tickets"}


def test_tools_takes_the_selection_from_the_environment(capsys, monkeypatch):
    monkeypatch.setenv("SIM_INTERCOM_TOOLSETS", "admins")
    assert main(["tools", "--json"]) == 0
    specs = json.loads(capsys.readouterr().out)
    assert [spec["id"] for spec in specs] == default_catalog().toolset_tools("admins")


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--toolsets", "contacts,wizards"], "unknown toolset 'wizards'; valid toolsets: contacts"),
        (["--tools", "intercom_fly"], "unknown tool 'intercom_fly'; valid tools: intercom_"),
    ],
)
@pytest.mark.parametrize("command", ["tools", "export", "mcp"])
def test_an_unknown_toolset_or_tool_exits_two_naming_the_valid_ones(command, args, named, capsys):
    extra = {"export": ["--format", "mcp"], "mcp": ["--sandbox"]}.get(command, [])
    assert main([command, *extra, *args]) == 2
    printed = capsys.readouterr()
    assert named in printed.err and printed.out == ""


def test_tools_json_prints_every_spec(capsys):
    assert main(["tools", "--json"]) == 0
    specs = json.loads(capsys.readouterr().out)
    assert {spec["id"] for spec in specs} >= {"intercom_create_contact", "intercom_get_ticket"}
    assert all("input_schema" in spec and "annotations" in spec for spec in specs)


def test_tools_with_an_id_describes_that_tool(capsys):
    assert main(["tools", "intercom_create_message"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("intercom_create_message: ")
    table = out.split("Parameters:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0].split() == ["name", "type", "required", "description"]
    rows = {line.split()[0]: line for line in table[2:] if line[2] != " "}  # not wrapped
    assert rows["message_type"].split()[1:3] == ["inapp|email", "yes"]
    assert "Example: " in out and "sim-intercom run intercom_create_message message_type=" in out
    assert "destructiveHint=false" in out and "readOnlyHint=false" in out


def test_tools_with_an_id_and_json_prints_that_spec(capsys):
    assert main(["tools", "intercom_get_ticket", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "intercom_get_ticket"


def test_tools_with_an_unknown_id_is_a_usage_error(capsys):
    assert main(["tools", "intercom_nope"]) == 2
    assert "unknown tool 'intercom_nope'" in one_line(capsys.readouterr().err)


# --- run: parameters, output, exit statuses -------------------------------------------------


def test_run_against_the_sandbox_prints_the_result_as_compact_json(capsys):
    assert main(["run", "intercom_list_contacts", "per_page=2", "--sandbox"]) == 0
    out = capsys.readouterr().out
    result = json.loads(one_line(out))
    assert result["success"] is True
    assert len(result["output"]["contacts"]) == 2
    assert result["output"]["next_starting_after"]


def test_run_indents_json_on_a_terminal(monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["run", "intercom_get_ticket", "ticketId=501", "--sandbox"]) == 0
    out = terminal.getvalue()
    assert out.startswith('{\n  "success": true,')
    assert json.loads(out)["output"]["ticket"]["id"] == "501"


def test_run_takes_parameters_as_json_input(capsys):
    code = main(["run", "intercom_search_contacts", "--sandbox", "--input", _role_query("lead")])
    assert code == 0
    contacts = json.loads(capsys.readouterr().out)["output"]["contacts"]
    assert contacts and {c["role"] for c in contacts} == {"lead"}


def test_run_reads_json_parameters_from_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(_role_query("user")))
    assert main(["run", "intercom_search_contacts", "--input", "-", "--sandbox"]) == 0
    contacts = json.loads(capsys.readouterr().out)["output"]["contacts"]
    assert len(contacts) == 4 and {c["role"] for c in contacts} == {"user"}


def test_key_value_pairs_win_over_json_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"per_page": 5}'))
    assert main(["run", "intercom_list_contacts", "--input", "-", "per_page=1", "--sandbox"]) == 0
    assert len(json.loads(capsys.readouterr().out)["output"]["contacts"]) == 1


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_bad_json_input_is_a_usage_error(text, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    assert main(["run", "intercom_list_contacts", "--input", "-", "--sandbox"]) == 2
    assert "--input" in one_line(capsys.readouterr().err)


def _role_query(role: str) -> str:
    query = json.dumps({"field": "role", "operator": "=", "value": role})
    return json.dumps({"query": query})


def test_a_failed_result_exits_one(capsys):
    assert main(["run", "intercom_get_contact", "contactId=nobody", "--sandbox"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["error_detail"]["kind"] == "not_found"


def test_invalid_input_exits_two_and_still_prints_the_result(capsys):
    assert main(["run", "intercom_list_contacts", "per_page=lots", "--sandbox"]) == 2
    result = json.loads(capsys.readouterr().out)
    assert result["error_detail"]["kind"] == "invalid_input"
    assert result["error_detail"]["violations"][0]["parameter"] == "per_page"


def test_a_malformed_parameter_is_a_usage_error(capsys):
    assert main(["run", "intercom_list_contacts", "per_page", "--sandbox"]) == 2
    assert "key=value" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize("tool_id", ["intercom_nope", "zendesk_get_ticket"])
def test_an_unknown_tool_is_a_usage_error_whatever_its_prefix(tool_id, capsys):
    assert main(["run", tool_id, "--sandbox"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    message = one_line(printed.err)
    assert f"unknown tool {tool_id!r}" in message and "sim-intercom tools" in message


def test_an_unknown_option_is_a_usage_error(capsys):
    assert main(["run", "intercom_list_contacts", "--sandbx"]) == 2
    assert "unrecognized arguments: --sandbx" in capsys.readouterr().err


# --- run: the token -------------------------------------------------------------------------


@responses.activate
def test_run_without_a_token_says_how_to_get_one_and_sends_nothing(capsys, no_token):
    assert main(["run", "intercom_list_contacts"]) == 2
    message = capsys.readouterr().err
    assert "--token-file" in message and "INTERCOM_ACCESS_TOKEN" in message
    assert "--sandbox" in message
    assert len(responses.calls) == 0


def _empty_list(region: str = "") -> None:
    host = f"api.{region}.intercom.io" if region else "api.intercom.io"
    responses.get(
        f"https://{host}/contacts",
        json={"type": "list", "data": [], "total_count": 0, "pages": {"type": "pages"}},
    )


@responses.activate
def test_run_reads_the_token_from_the_environment_and_never_prints_it(capsys, monkeypatch):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", ENV_TOKEN)
    _empty_list("eu")
    assert main(["run", "intercom_list_contacts", "--region", "eu"]) == 0
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {ENV_TOKEN}"
    printed = capsys.readouterr()
    assert ENV_TOKEN not in printed.out + printed.err
    assert printed.err == ""


@responses.activate
def test_run_reads_the_token_from_a_file(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", ENV_TOKEN)  # the file wins
    token_file = tmp_path / "token"
    token_file.write_text(FILE_TOKEN + "\n")
    _empty_list()
    assert main(["run", "intercom_list_contacts", "--token-file", str(token_file)]) == 0
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {FILE_TOKEN}"
    printed = capsys.readouterr()
    assert FILE_TOKEN not in printed.out + printed.err


@pytest.mark.parametrize(("content", "problem"), [(None, "cannot read"), ("\n", "is empty")])
def test_a_missing_or_empty_token_file_is_a_usage_error(content, problem, capsys, tmp_path):
    token_file = tmp_path / "token"
    if content is not None:
        token_file.write_text(content)
    assert main(["run", "intercom_list_contacts", "--token-file", str(token_file)]) == 2
    assert problem in one_line(capsys.readouterr().err)


@responses.activate
def test_a_token_on_the_command_line_works_with_a_warning_and_is_not_advertised(capsys, no_token):
    _empty_list()
    assert main(["run", "intercom_list_contacts", "--token", ENV_TOKEN]) == 0
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {ENV_TOKEN}"
    printed = capsys.readouterr()
    warning = one_line(printed.err)
    assert "visible to other users" in warning and ENV_TOKEN not in warning
    assert main(["run", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert "--token-file" in help_text
    assert "--token " not in help_text and "--token\n" not in help_text


def test_an_unexpected_error_is_one_line_without_the_token(capsys, monkeypatch):
    from sim_intercom.cli import run

    def broken(manager, tool_id, params, credentials):
        raise RuntimeError(f"something broke holding {credentials['accessToken']}\nand more")

    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", ENV_TOKEN)
    monkeypatch.setattr(run, "execute_tool", broken)
    assert main(["run", "intercom_list_contacts"]) == 1
    printed = capsys.readouterr()
    message = one_line(printed.err)
    assert "RuntimeError" in message and "something broke" in message
    assert ENV_TOKEN not in printed.out + printed.err


def test_ctrl_c_exits_130_without_a_traceback(capsys, monkeypatch):
    from sim_intercom.cli import run

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "execute_tool", interrupted)
    assert main(["run", "intercom_list_contacts", "--sandbox"]) == 130
    assert "Traceback" not in capsys.readouterr().err


# --- export ---------------------------------------------------------------------------------


@pytest.fixture
def exports(monkeypatch):
    """A stand-in for `sim_intercom.exports`: the command line's contract with it."""
    module = types.ModuleType("sim_intercom.exports")
    module.FORMATS = ("mcp", "openai", "anthropic", "gemini", "sim")  # type: ignore[attr-defined]
    calls = []

    def export(fmt, toolsets=None, tools=None, read_only=False):
        calls.append((fmt, toolsets, tools, read_only))
        if tools == ["intercom_get_ticket"]:
            raise ValueError(f"{fmt} cannot describe {tools[0]}")
        return [{"format": fmt, "name": name} for name in tools or ["default"]]

    module.export = export  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sim_intercom.exports", module)
    return calls


def test_export_prints_the_format_as_json(exports, capsys):
    args = ["export", "--format", "openai", "--tool", "intercom_get_contact"]
    assert main(args) == 0
    assert json.loads(one_line(capsys.readouterr().out)) == [
        {"format": "openai", "name": "intercom_get_contact"}
    ]
    assert exports == [("openai", None, ["intercom_get_contact"], False)]
    assert main(["export", "--format", "gemini"]) == 0
    assert exports[-1] == ("gemini", None, [], False)


def test_export_passes_the_whole_selection(exports, capsys):
    args = ["--toolsets", "contacts,tags", "--tools", "intercom_get_ticket,intercom_list_admins"]
    args += ["--tool", "intercom_get_company", "--tool", "intercom_list_admins", "--read-only"]
    assert main(["export", "--format", "mcp", *args]) == 0
    wanted = ["intercom_get_ticket", "intercom_list_admins", "intercom_get_company"]
    assert exports == [("mcp", ["contacts", "tags"], wanted, True)]


def test_export_takes_the_selection_from_the_environment(exports, monkeypatch, capsys):
    monkeypatch.setenv("SIM_INTERCOM_TOOLSETS", "tickets")
    monkeypatch.setenv("SIM_INTERCOM_TOOLS", "intercom_list_admins")
    monkeypatch.setenv("SIM_INTERCOM_READ_ONLY", "true")
    assert main(["export", "--format", "mcp"]) == 0
    assert exports == [("mcp", ["tickets"], ["intercom_list_admins"], True)]
    assert main(["export", "--format", "mcp", "--toolsets", "admins"]) == 0
    assert exports[-1] == ("mcp", ["admins"], ["intercom_list_admins"], True)


def test_a_bad_read_only_setting_is_a_usage_error_naming_it(exports, monkeypatch, capsys):
    monkeypatch.setenv("SIM_INTERCOM_READ_ONLY", "maybe")
    assert main(["export", "--format", "mcp"]) == 2
    assert "SIM_INTERCOM_READ_ONLY must be one of 1, true" in capsys.readouterr().err


def test_export_indents_json_on_a_terminal(exports, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["export", "--format", "sim"]) == 0
    assert terminal.getvalue().startswith('[\n  {\n    "format": "sim"')


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--format", "yaml"], "unknown format 'yaml' (one of: mcp, openai"),
        (["--format", "mcp", "--tool", "intercom_nope"], "unknown tool 'intercom_nope'; valid"),
        (["--format", "sim", "--tool", "intercom_get_ticket"], "sim cannot describe"),
    ],
)
def test_a_bad_export_is_one_line_and_exits_two(args, problem, exports, capsys):
    assert main(["export", *args]) == 2
    printed = capsys.readouterr()
    assert problem in one_line(printed.err) and printed.out == ""


def test_export_needs_a_format(capsys):
    assert main(["export"]) == 2
    assert "--format" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["mcp", "openai", "openai-responses", "anthropic", "gemini", "sim"])
def test_export_prints_each_format_of_the_real_exporter(fmt, capsys):
    assert main(["export", "--format", fmt]) == 0
    everything = json.loads(one_line(capsys.readouterr().out))
    assert "intercom_search_contacts" in json.dumps(everything)
    assert main(["export", "--format", fmt, "--tool", "intercom_get_contact"]) == 0
    one = json.dumps(json.loads(one_line(capsys.readouterr().out)))
    assert "intercom_get_contact" in one
    assert len(one) < len(json.dumps(everything)) / 5


# --- a closed pipe, and the demo --------------------------------------------------------------


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONUNBUFFERED": "1"}


@pytest.mark.slow
def test_a_closed_pipe_exits_quietly():
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "sim_intercom", "tools", "--json"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(writer)
    assert done.stderr == ""
    assert done.returncode == 0  # the reader had all it wanted


@pytest.mark.slow
def test_tools_json_into_head_exits_quietly():
    command = f"{sys.executable} -m sim_intercom tools --json | head -c 20"
    done = subprocess.run(
        ["sh", "-c", command], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout == '[{"id":"intercom_cre'
    assert done.stderr == ""
    assert done.returncode == 0


@pytest.mark.slow
def test_the_sandbox_command_serves_until_interrupted():
    command = [sys.executable, "-m", "sim_intercom", "sandbox", "--port", "0", "--contacts", "10"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=_env()) as process:
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
    assert "All 14 steps succeeded." in output
    assert "intercom_create_ticket" in output and "intercom_create_message" in output


# --- the messages of the command line -------------------------------------------------------


@pytest.mark.parametrize("columns", [72, 100, 160])
def test_tools_id_wraps_each_description_to_the_terminal_width(columns, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", str(columns))
    assert main(["tools", "intercom_create_message"]) == 0
    out = capsys.readouterr().out
    table = out.split("Parameters:\n", 1)[1].split("\n\n", 1)[0]
    assert max(len(line) for line in table.splitlines()) <= columns
    words = " ".join(table.split())
    for prop in (
        default_catalog().tools["intercom_create_message"].input_schema["properties"].values()
    ):
        assert " ".join(prop["description"].split()) in words  # whole, never cut


def test_run_without_arguments_requires_only_the_tool(capsys):
    assert main(["run"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "sim-intercom: the following arguments are required: tool (see sim-intercom run --help)"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["sandbox", "--port", "x"], "argument --port: 'x' is not a whole number"),
        (["bogus"], "argument COMMAND: invalid choice: 'bogus'"),
        (["webhook"], "the following arguments are required: ACTION"),
    ],
)
def test_a_usage_error_is_one_line_naming_the_help_to_read(args, message, capsys):
    assert main(args) == 2
    printed = one_line(capsys.readouterr().err)
    assert printed.startswith(f"sim-intercom: {message}")
    assert printed.endswith("--help)")


@pytest.mark.parametrize(
    ("asked", "meant"),
    [
        ("intercom_get_contat", "intercom_get_contact"),
        ("search_contact", "intercom_search_contacts"),
        ("zendesk_get_ticket", "intercom_get_ticket"),
    ],
)
def test_an_unknown_tool_suggests_the_closest_one(asked, meant, capsys):
    assert main(["run", asked, "--sandbox"]) == 2
    assert f"unknown tool {asked!r}; did you mean {meant}? " in one_line(capsys.readouterr().err)


def test_an_unknown_tool_far_from_any_suggests_nothing(capsys):
    assert main(["tools", "intercom_nope"]) == 2
    assert "did you mean" not in one_line(capsys.readouterr().err)


def test_run_without_a_token_is_one_line(capsys, no_token):
    assert main(["run", "intercom_list_contacts"]) == 2
    message = one_line(capsys.readouterr().err)
    assert message.startswith("sim-intercom: no Intercom access token, so nothing was sent: ")


def test_a_token_file_others_can_read_gets_a_warning_without_its_content(tmp_path, capsys):
    token_file = tmp_path / "token.txt"
    token_file.write_text("tok_shared_secret_123\n")
    token_file.chmod(0o644)
    main(["run", "intercom_list_admins", "--token-file", str(token_file), "--base-url", "x"])
    err = capsys.readouterr().err
    assert "can be read by other users" in err and "tok_shared_secret_123" not in err


def test_a_private_token_file_gets_no_warning(tmp_path, capsys):
    token_file = tmp_path / "token.txt"
    token_file.write_text("tok_private_secret_123\n")
    token_file.chmod(0o600)
    main(["run", "intercom_list_admins", "--token-file", str(token_file), "--base-url", "x"])
    assert "can be read by other users" not in capsys.readouterr().err


def test_a_byte_order_mark_is_not_part_of_the_secret(tmp_path):
    from sim_intercom.cli.common import read_secret_file

    secret_file = tmp_path / "secret.txt"
    secret_file.write_bytes("\ufeffclient-secret\n".encode())
    secret_file.chmod(0o600)
    assert read_secret_file(str(secret_file), "--secret-file", []) == "client-secret"
