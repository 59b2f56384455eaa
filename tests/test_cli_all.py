"""`sim-intercom run TOOL --all`: every record of a list or search as NDJSON, with progress
on a terminal and one line when a page fails."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest

from sim_intercom.cli import main, run
from sim_intercom.cli.run import Progress, duration
from sim_intercom.sandbox import SandboxServer

SEEDED_CONTACTS = 6
COMPANIES_WITH_CONTACTS = 3


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def records(out: str) -> list[dict]:
    lines = out.splitlines()
    parsed = [json.loads(line) for line in lines]
    assert all(isinstance(record, dict) for record in parsed)
    return parsed


def test_run_all_streams_every_contact_as_ndjson(capsys):
    assert main(["run", "intercom_list_contacts", "per_page=2", "--all", "--sandbox"]) == 0
    printed = capsys.readouterr()
    contacts = records(printed.out)
    assert len(contacts) == SEEDED_CONTACTS
    assert len({contact["id"] for contact in contacts}) == SEEDED_CONTACTS
    assert {contact["type"] for contact in contacts} == {"contact"}
    assert printed.err == ""  # standard error is no terminal: no progress


def test_run_all_takes_the_largest_page_by_default(capsys):
    assert main(["run", "intercom_list_contacts", "--all", "--sandbox"]) == 0
    assert len(records(capsys.readouterr().out)) == SEEDED_CONTACTS


def test_run_all_pages_companies_by_number(capsys):
    assert main(["run", "intercom_list_companies", "per_page=1", "--all", "--sandbox"]) == 0
    companies = records(capsys.readouterr().out)
    assert len({company["id"] for company in companies}) == COMPANIES_WITH_CONTACTS


def test_run_all_streams_a_search(capsys, monkeypatch):
    query = json.dumps({"field": "role", "operator": "=", "value": "user"})
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"query": query, "per_page": 1})))
    assert main(["run", "intercom_search_contacts", "--input", "-", "--all", "--sandbox"]) == 0
    users = records(capsys.readouterr().out)
    assert len(users) == 4 and {user["role"] for user in users} == {"user"}


def test_run_all_shows_progress_when_standard_error_is_a_terminal(capsys, monkeypatch):
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["run", "intercom_list_contacts", "per_page=2", "--all", "--sandbox"]) == 0
    assert len(records(capsys.readouterr().out)) == SEEDED_CONTACTS
    progress = terminal.getvalue()
    assert progress.startswith("\r1 of 6 contacts")
    assert re.search(r"\r6 of 6 contacts in \d+\.\d s\x1b\[K\n$", progress)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_shows_a_rate_and_the_time_left():
    terminal, clock = Terminal(), FakeClock()
    progress = Progress(terminal, "contacts", clock)
    clock.now += 4
    progress.show(1000, 80000)
    assert terminal.getvalue() == "\r1000 of 80000 contacts, 250/s, 5 min 16 s left\x1b[K"


def test_progress_without_a_total_shows_the_rate_only():
    terminal, clock = Terminal(), FakeClock()
    progress = Progress(terminal, "contacts", clock)
    clock.now += 2
    progress.show(300, None)
    assert terminal.getvalue() == "\r300 contacts, 150/s\x1b[K"


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(0.43, "0.4 s"), (25.2, "25 s"), (516, "8 min 36 s"), (7500, "2 h 05 min")],
)
def test_a_duration_reads_as_a_person_would_say_it(seconds, shown):
    assert duration(seconds) == shown


def test_run_all_ends_its_progress_line_when_interrupted(capsys, monkeypatch):
    def interrupted(*args):
        yield {"type": "contact", "id": "1"}
        raise KeyboardInterrupt

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(run, "iterate", interrupted)
    assert main(["run", "intercom_list_contacts", "per_page=2", "--all", "--sandbox"]) == 130
    assert len(records(capsys.readouterr().out)) == 3
    assert re.search(r"\r3 of 6 contacts in \d+\.\d s, interrupted\x1b\[K\n$", terminal.getvalue())


@pytest.mark.parametrize(
    ("tool_id", "problem"),
    [
        ("intercom_get_contact", "--all works with list and search tools only"),
        ("intercom_create_contact", "--all works with list and search tools only"),
    ],
)
def test_run_all_is_a_usage_error_for_a_tool_that_does_not_page(tool_id, problem, capsys):
    assert main(["run", tool_id, "--all", "--sandbox"]) == 2
    printed = capsys.readouterr()
    assert problem in printed.err and len(printed.err.splitlines()) == 1
    assert printed.out == ""


@pytest.mark.parametrize("option", ["fields=id", "max_items=10"])
def test_run_all_refuses_options_that_do_not_apply(option, capsys):
    assert main(["run", "intercom_list_contacts", option, "--all", "--sandbox"]) == 2
    assert "do not apply" in capsys.readouterr().err


def test_run_all_with_invalid_input_exits_two(capsys):
    assert main(["run", "intercom_list_contacts", "per_page=many", "--all", "--sandbox"]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert "invalid_input" in printed.err and len(printed.err.splitlines()) == 1


def test_run_all_stops_with_one_line_when_a_page_fails(capsys, monkeypatch):
    """The sandbox allows one request a minute: the second page is rate limited, and with
    no waiting allowed the stream stops after the first page's records."""
    monkeypatch.setenv("SIM_INTERCOM_MAX_WAIT", "0")
    monkeypatch.setenv("SIM_INTERCOM_MAX_RETRIES", "0")
    with SandboxServer(rate_limit=1, window=60) as sandbox:
        monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", sandbox.token)
        args = ["run", "intercom_list_contacts", "per_page=2", "--all"]
        assert main([*args, "--base-url", sandbox.base_url]) == 1
    printed = capsys.readouterr()
    assert len(records(printed.out)) == 2
    message = printed.err.splitlines()
    assert len(message) == 1
    assert message[0].startswith(
        "sim-intercom: intercom_list_contacts --all stopped after 2 contacts: rate_limited: "
    )
