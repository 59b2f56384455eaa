"""Whatever a host passes, the hook returns a result naming what is wrong and sends nothing."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import responses

from helpers import TOKEN, US, our_plugin_manager
from sim_intercom.host import execute_tool, list_tools

CONTACT = {"type": "contact", "id": "c1", "role": "user"}


def deep_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def deep_dict(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.fixture
def run(plugin_manager):
    """Run a tool with no Intercom behind it; fail the test if anything was sent."""

    def run(tool: str, params: Any, credentials: Any = None) -> dict[str, Any]:
        creds = {"accessToken": TOKEN} if credentials is None else credentials
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            result = execute_tool(plugin_manager, tool, params, creds)
            assert len(mock.calls) == 0, "a request was sent for bad input"
        assert result is not None
        return result

    return run


def invalid(result: dict[str, Any], *parameters: str) -> dict[str, Any]:
    assert result["success"] is False
    detail = result["error_detail"]
    assert detail["kind"] == "invalid_input", detail
    named = {v["parameter"] for v in detail["violations"]}
    assert set(parameters) <= named, named
    assert detail["attempts"] == 0
    return detail


@pytest.mark.parametrize("params", [["contactId"], "contactId=1", 42, object()])
def test_params_that_are_not_a_mapping_are_named(run, params):
    invalid(run("intercom_get_contact", params), "params")


@pytest.mark.parametrize("credentials", [["token"], "token", 3.5])
def test_credentials_that_are_not_a_mapping_are_named(run, credentials):
    invalid(run("intercom_get_contact", {"contactId": "1"}, credentials), "credentials")


def test_a_key_that_is_not_a_string_is_named(run):
    detail = invalid(run("intercom_get_contact", {"contactId": "1", 7: "x"}), "7")
    assert "not a valid name" in detail["violations"][0]["message"]


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("ab\ud800cd", "not valid Unicode"),
        (10**5000, "too large"),
        (2**64, "too large"),
        (float("nan"), "finite"),
        (float("-inf"), "finite"),
        (deep_list(10_000), "nested"),
        ({1, 2}, "not a JSON value"),
        (b"bytes", "not a JSON value"),
        ("x" * 5_000_000, "characters"),
    ],
    ids=[
        "lone-surrogate",
        "5000-digit-int",
        "2**64",
        "nan",
        "-inf",
        "10000-deep",
        "set",
        "bytes",
        "5-MB-string",
    ],
)
def test_a_value_no_parameter_can_hold_is_named_with_its_problem(run, value, phrase):
    detail = invalid(run("intercom_update_contact", {"contactId": "1", "name": value}), "name")
    assert phrase in detail["violations"][0]["message"]


def test_a_deep_mapping_is_refused_without_recursion(run):
    params = {"contactId": "1", "custom_attributes": deep_dict(50_000)}
    invalid(run("intercom_update_contact", params), "custom_attributes")


def test_a_multi_megabyte_value_is_never_quoted_whole(run):
    result = run("intercom_get_contact", {"contactId": "x" * 5_000_000})
    assert len(result["error"]) < 2_000
    assert len(json.dumps(result)) < 5_000


def test_a_long_bad_value_is_quoted_by_a_short_prefix(run):
    result = run("intercom_list_contacts", {"per_page": "y" * 100_000})
    invalid(result, "per_page")
    assert len(result["error"]) < 1_000


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("[" * 100_000 + "]" * 100_000, "too deep"),
        ('{"tier": NaN}', "NaN"),
        ('{"tier": 1' + "0" * 5000 + "}", "JSON"),
        (json.dumps({"tier": deep_list(100)}), "nested"),
    ],
    ids=["100000-deep", "NaN", "5000-digit-number", "100-deep"],
)
def test_json_text_that_cannot_be_sent_is_named(run, text, phrase):
    params = {"contactId": "1", "custom_attributes": text}
    detail = invalid(run("intercom_update_contact", params), "custom_attributes")
    assert phrase in detail["violations"][0]["message"]


@pytest.mark.parametrize("token", ["tok\nen", " tok", "tok\x7f", "tøk€n", "tok\ud800"], ids=repr)
def test_a_token_that_cannot_be_a_header_is_invalid_input_and_never_shown(run, token, caplog):
    caplog.set_level(logging.DEBUG)
    result = run("intercom_get_contact", {"contactId": "1"}, {"accessToken": token})
    invalid(result, "accessToken")
    assert token not in json.dumps(result, ensure_ascii=False)
    assert token not in caplog.text


def test_a_version_that_cannot_be_a_header_is_named(run):
    credentials = {"accessToken": TOKEN, "intercomVersion": "2.14\r\nX-Evil: 1"}
    invalid(run("intercom_get_contact", {"contactId": "1"}, credentials), "intercomVersion")


def test_credential_and_parameter_problems_are_reported_together(run):
    result = run("intercom_get_contact", {}, {"accessToken": TOKEN, "region": "mars"})
    invalid(result, "region", "contactId")


@responses.activate
def test_an_integral_float_is_sent_as_an_integer(plugin_manager):
    responses.get(f"{US}/contacts", json={"type": "list", "data": [CONTACT], "total_count": 1})
    result = execute_tool(
        plugin_manager, "intercom_list_contacts", {"per_page": 5.0}, {"accessToken": TOKEN}
    )
    assert result["success"] is True
    assert responses.calls[0].request.url.endswith("?per_page=5")


def test_a_fractional_float_for_an_integer_is_refused(run):
    invalid(run("intercom_list_contacts", {"per_page": 5.5}), "per_page")


def test_a_nested_key_that_is_not_a_string_is_named(run):
    params = {"contactId": "1", "custom_attributes": {None: "x"}}
    detail = invalid(run("intercom_update_contact", params), "custom_attributes")
    assert "key that is not a string" in detail["violations"][0]["message"]


def test_thousands_of_unknown_names_give_a_short_error_at_once(run):
    params = {f"unknown{n}-" + "k" * 2_000: "v" for n in range(20_000)}
    result = run("intercom_list_contacts", params)
    assert len(result["error"]) < 5_000
    assert len(json.dumps(result)) < 100_000


class LyingId(str):
    """A str subclass whose text form is not its value."""

    def __str__(self) -> str:
        return "lies"


@responses.activate
def test_what_was_checked_is_what_is_sent_even_for_a_str_subclass(plugin_manager):
    responses.get(f"{US}/contacts/c1", json=CONTACT)
    result = execute_tool(
        plugin_manager,
        "intercom_get_contact",
        {"contactId": LyingId("c1")},
        {"accessToken": LyingId(TOKEN)},
    )
    assert result["success"] is True
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


# The last ways to an `internal` result from input.

ALL_TOOL_IDS = [tool["id"] for tool in list_tools(our_plugin_manager())]


@pytest.mark.parametrize("tool_id", ALL_TOOL_IDS)
@pytest.mark.parametrize("item", [None, 1, False, 1.5, ["a"], {"a": 1}])
def test_fields_holding_something_other_than_text_is_invalid_input_on_every_tool(
    run, tool_id, item
):
    invalid(run(tool_id, {"fields": [item]}), "fields[0]")


@pytest.mark.parametrize("spend", ["-1e999", "1e999", "-1", -1, -0.5, "nan", "inf"])
def test_a_monthly_spend_that_is_infinite_or_negative_is_invalid_input(run, spend):
    invalid(run("intercom_create_company", {"company_id": "acme", "monthly_spend": spend}))


@pytest.mark.parametrize("digits", ["\u0664\u0662", "\uff14\uff12", "\u0968"])
def test_numeric_text_in_other_scripts_is_not_a_number(run, digits):
    invalid(run("intercom_list_contacts", {"per_page": digits}), "per_page")


@pytest.mark.parametrize("digits", ["\u0664\u0662", "\uff14\uff12"])
def test_numeric_text_in_other_scripts_is_not_a_number_for_a_number_parameter(run, digits):
    params = {"company_id": "acme", "monthly_spend": digits}
    invalid(run("intercom_create_company", params), "monthly_spend")


class _Unreadable(dict[str, Any]):
    def items(self) -> Any:
        raise RuntimeError("no items")


def test_params_whose_items_cannot_be_read_are_invalid_input_not_internal(run):
    invalid(run("intercom_get_contact", _Unreadable(contactId="c1")), "params")
