"""Every way Intercom or the network can fail becomes a failed result of the right kind."""

from __future__ import annotations

import json
import logging

import pytest
import requests
import responses

from helpers import TOKEN, US, error_list
from sim_intercom.host import execute_tool

GET_CONTACT = ("intercom_get_contact", {"contactId": "abc"}, "GET", f"{US}/contacts/abc")


@pytest.mark.parametrize(
    ("status", "code", "kind"),
    [
        (400, "parameter_invalid", "invalid_input"),
        (401, "unauthorized", "unauthorized"),
        (403, "api_plan_restricted", "forbidden"),
        (404, "not_found", "not_found"),
        (409, "conflict", "conflict"),
        (422, "parameter_invalid", "invalid_input"),
        (429, "rate_limit_exceeded", "rate_limited"),
        (500, "server_error", "server_error"),
    ],
)
@responses.activate
def test_an_intercom_error_becomes_a_failed_result_of_its_kind(
    status, code, kind, plugin_manager, credentials
):
    tool, params, method, url = GET_CONTACT
    responses.add(method, url, json=error_list(code, "It went wrong", "b1f2c3"), status=status)
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["success"] is False
    assert result["output"] == {}
    detail = result["error_detail"]
    assert (detail["kind"], detail["status"], detail["code"], detail["request_id"]) == (
        kind,
        status,
        code,
        "b1f2c3",
    )
    assert f"{code}: It went wrong" in result["error"]


@responses.activate
def test_rate_limited_result_carries_the_window(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    headers = {
        "X-RateLimit-Limit": "166",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": "1734537600",
    }
    responses.add(
        method, url, json=error_list("rate_limit_exceeded", "Too many"), status=429, headers=headers
    )
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["error_detail"]["rate_limit"] == {
        "limit": 166,
        "remaining": 0,
        "reset": 1734537600,
    }


@responses.activate
def test_a_custom_attribute_intercom_does_not_know_is_an_input_error(plugin_manager, credentials):
    body = error_list("parameter_invalid", "Custom attribute 'tier' does not exist")
    responses.post(f"{US}/companies", json=body, status=400)
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_create_company",
        params={"company_id": "acme", "custom_attributes": '{"tier": "gold"}'},
        credentials=credentials,
    )
    assert result["error_detail"]["kind"] == "invalid_input"
    assert "Custom attribute 'tier' does not exist" in result["error"]


@responses.activate
def test_a_2xx_body_that_is_not_json_is_an_invalid_response(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    responses.add(method, url, body="<html>maintenance</html>", status=200)
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["error_detail"]["kind"] == "invalid_response"


@responses.activate
def test_a_2xx_json_body_that_is_not_an_object_is_an_invalid_response(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    responses.add(method, url, json=["not", "a", "contact"], status=200)
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["error_detail"]["kind"] == "invalid_response"


@responses.activate
def test_an_error_body_that_is_not_json_still_gives_kind_and_status(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    responses.add(method, url, body="Bad Gateway", status=502)
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert (result["error_detail"]["kind"], result["error_detail"]["status"]) == (
        "server_error",
        502,
    )


@responses.activate
def test_a_connection_error_is_a_network_failure(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    responses.add(method, url, body=requests.ConnectionError("connection refused"))
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["success"] is False
    assert result["error_detail"]["kind"] == "network"


@responses.activate
def test_a_read_timeout_is_a_network_failure(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    responses.add(method, url, body=requests.exceptions.ReadTimeout("slow"))
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["error_detail"]["kind"] == "network"


@pytest.mark.parametrize("status", [200, 401, 500])
@responses.activate
def test_the_token_never_appears_in_a_result_or_a_log(status, plugin_manager, credentials, caplog):
    caplog.set_level(logging.DEBUG)
    tool, params, method, url = GET_CONTACT
    body = {"type": "contact", "id": "abc"} if status == 200 else error_list("x", "y")
    responses.add(method, url, json=body, status=status)
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert TOKEN not in json.dumps(result)
    assert TOKEN not in caplog.text


def test_the_token_never_appears_in_an_input_error(plugin_manager):
    result = plugin_manager.hook.sim_execute_tool(
        tool_id="intercom_get_contact",
        params={"accessToken": TOKEN, "contactId": ""},
        credentials={},
    )
    assert TOKEN not in json.dumps(result)


def test_the_token_never_appears_in_the_exported_tool_specs(plugin_manager):
    specs = plugin_manager.hook.sim_register_tools()
    dumped = json.dumps(specs)
    assert TOKEN not in dumped
    assert "accessToken" not in dumped


def _echoing(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
    """A proxy that quotes the request's Authorization header in its error, as some do."""
    echoed = f"bad gateway for {request.headers['Authorization']}"
    return 400, {"Content-Type": "application/json"}, json.dumps(error_list("bad", echoed))


@responses.activate
def test_a_token_echoed_into_an_error_body_never_reaches_the_result(plugin_manager, credentials):
    tool, params, method, url = GET_CONTACT
    responses.add_callback(method, url, callback=_echoing)
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["success"] is False and "bad gateway for" in result["error"]
    assert TOKEN not in json.dumps(result)
