"""`fields`: an agent asks for the parts of an output it needs, and gets only those."""

from __future__ import annotations

from typing import Any

import pytest

from sim_intercom.host import execute_tool
from sim_intercom.sandbox import SandboxServer


@pytest.fixture(scope="module")
def sandbox():
    with SandboxServer() as server:
        yield server


@pytest.fixture
def run(plugin_manager, sandbox):
    credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}

    def run(tool: str, **params: Any) -> dict[str, Any]:
        result = execute_tool(plugin_manager, tool, params, credentials)
        assert result is not None
        return result

    return run


def test_fields_keep_only_the_named_parts(run):
    contacts = run("intercom_list_contacts", per_page=3)["output"]["contacts"]
    result = run("intercom_get_contact", contactId=contacts[0]["id"], fields=["contact.email"])
    assert result["output"] == {"contact": {"email": contacts[0]["email"]}}


def test_a_path_through_a_list_applies_to_each_item(run):
    output = run("intercom_list_contacts", per_page=3, fields=["contacts.id", "total_count"])[
        "output"
    ]
    assert set(output) == {"contacts", "total_count"}
    assert all(set(contact) == {"id"} for contact in output["contacts"])


def test_fields_as_comma_separated_text_from_a_block(run):
    output = run("intercom_list_contacts", per_page=2, fields="contacts.id, contacts.email")[
        "output"
    ]
    assert all(set(contact) == {"id", "email"} for contact in output["contacts"])


def test_a_path_into_free_form_custom_attributes_is_allowed(run):
    result = run("intercom_list_contacts", per_page=2, fields=["contacts.custom_attributes.x"])
    assert result["success"] is True


def test_an_unknown_path_is_an_input_error_naming_it_and_nothing_is_sent(run, sandbox):
    result = run("intercom_list_contacts", fields=["contacts.emale", "contacts.id"])
    detail = result["error_detail"]
    assert detail["kind"] == "invalid_input"
    assert detail["violations"] == [
        {"parameter": "fields", "message": "'contacts.emale' names nothing in this tool's output"}
    ]
    assert detail["attempts"] == 0


@pytest.mark.parametrize("path", ["", "contact..email", "contact.e-mail", ".contact"])
def test_a_malformed_path_is_an_input_error(run, path):
    result = run("intercom_get_contact", contactId="1", fields=[path])
    assert result["error_detail"]["violations"][0]["parameter"].startswith("fields")


def test_every_tool_takes_fields(plugin_manager):
    specs = [tool for specs in plugin_manager.hook.sim_register_tools() for tool in specs]
    assert all("fields" in spec["input_schema"]["properties"] for spec in specs)
