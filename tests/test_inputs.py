"""Bad input is refused before anything is sent, with every problem named by its parameter."""

from __future__ import annotations

import pytest
import responses

from helpers import CONTACT_ID
from sim_intercom import plugin as intercom_plugin
from sim_intercom.host import execute_tool

QUERY = '{"field": "email", "operator": "=", "value": "a@b.c"}'
TICKET = {"ticket_type_id": "1", "contacts": '[{"id": "1"}]', "ticket_attributes": "{}"}
MESSAGE = {
    "message_type": "inapp",
    "template": "plain",
    "body": "Hi",
    "from_type": "admin",
    "from_id": "1",
    "to_type": "user",
    "to_id": CONTACT_ID,
}
REPLY = {"conversationId": "1", "message_type": "comment", "body": "Hi"}
PART = {"conversationId": "1", "admin_id": "991267459"}
TAGGING = {"contactId": CONTACT_ID, "tagId": "81"}
EVENT = {"event_name": "ordered-item", "user_id": "user-1"}
ATTACHING = {"contactId": CONTACT_ID, "companyId": "6762f0941bb69f9f2193bb25"}

# (tool, params, the parameter the error must name, a phrase of the message)
BAD_INPUTS = [
    # missing required parameters
    ("intercom_get_contact", {}, "contactId", "is required"),
    ("intercom_update_contact", {"name": "x"}, "contactId", "is required"),
    ("intercom_delete_contact", {"contactId": ""}, "contactId", "is required"),
    ("intercom_search_contacts", {}, "query", "is required"),
    ("intercom_create_company", {"name": "Acme"}, "company_id", "is required"),
    ("intercom_get_company", {}, "companyId", "is required"),
    ("intercom_get_conversation", {}, "conversationId", "is required"),
    ("intercom_reply_conversation", {**REPLY, "body": None}, "body", "is required"),
    ("intercom_search_conversations", {}, "query", "is required"),
    ("intercom_create_ticket", {**TICKET, "contacts": ""}, "contacts", "is required"),
    ("intercom_get_ticket", {}, "ticketId", "is required"),
    ("intercom_create_message", {**MESSAGE, "to_id": " "}, "to_id", "is required"),
    ("intercom_create_contact", {}, "email or external_id or role", "at least one of"),
    ("intercom_update_ticket", {"open": False}, "ticketId", "is required"),
    ("intercom_close_conversation", {"conversationId": "1"}, "admin_id", "is required"),
    ("intercom_close_conversation", {"admin_id": "1"}, "conversationId", "is required"),
    ("intercom_open_conversation", {"conversationId": "1"}, "admin_id", "is required"),
    ("intercom_snooze_conversation", PART, "snoozed_until", "is required"),
    ("intercom_assign_conversation", PART, "assignee_id", "is required"),
    ("intercom_create_tag", {"id": "81"}, "name", "is required"),
    ("intercom_tag_contact", {"contactId": CONTACT_ID}, "tagId", "is required"),
    ("intercom_untag_contact", {"tagId": "81"}, "contactId", "is required"),
    ("intercom_tag_conversation", {"conversationId": "1", "tagId": "81"}, "admin_id", "required"),
    ("intercom_create_note", {"contactId": CONTACT_ID, "body": " "}, "body", "is required"),
    ("intercom_create_event", {"user_id": "user-1"}, "event_name", "is required"),
    ("intercom_create_event", {"event_name": "x"}, "user_id or email or id", "at least one of"),
    ("intercom_attach_contact_to_company", {"contactId": "1"}, "companyId", "is required"),
    ("intercom_detach_contact_from_company", {"companyId": "1"}, "contactId", "is required"),
    # wrong types and values
    (
        "intercom_create_contact",
        {"email": "a@b.c", "signed_up_at": "yesterday"},
        "signed_up_at",
        "whole number",
    ),
    ("intercom_create_contact", {"email": "a@b.c", "owner_id": "bob"}, "owner_id", "numeric id"),
    ("intercom_create_contact", {"role": "admin"}, "role", "one of user, lead"),
    (
        "intercom_update_contact",
        {"contactId": "1", "unsubscribed_from_emails": "maybe"},
        "unsubscribed_from_emails",
        "true or false",
    ),
    ("intercom_list_contacts", {"per_page": "151"}, "per_page", "at most 150"),
    ("intercom_list_contacts", {"per_page": 0}, "per_page", "at least 1"),
    ("intercom_search_contacts", {"query": QUERY, "sort_order": "up"}, "sort_order", "one of"),
    ("intercom_create_company", {"company_id": "a", "size": "many"}, "size", "whole number"),
    ("intercom_list_companies", {"per_page": 61}, "per_page", "at most 60"),
    ("intercom_list_companies", {"page": "0"}, "page", "at least 1"),
    (
        "intercom_get_conversation",
        {"conversationId": "1", "display_as": "html"},
        "display_as",
        "one of plaintext",
    ),
    (
        "intercom_get_conversation",
        {"conversationId": "1", "include_translations": "yes"},
        "include_translations",
        "true or false",
    ),
    ("intercom_list_conversations", {"order": "newest"}, "order", "one of asc, desc"),
    ("intercom_list_conversations", {"per_page": 2.5}, "per_page", "whole number"),
    (
        "intercom_reply_conversation",
        {**REPLY, "message_type": "quick_reply"},
        "message_type",
        "one of comment, note",
    ),
    ("intercom_reply_conversation", {**REPLY, "created_at": "-5"}, "created_at", "at least 0"),
    (
        "intercom_create_ticket",
        {**TICKET, "disable_notifications": "sure"},
        "disable_notifications",
        "true or false",
    ),
    (
        "intercom_create_message",
        {**MESSAGE, "message_type": "in_app"},
        "message_type",
        "one of inapp, email",
    ),
    ("intercom_create_message", {**MESSAGE, "template": "fancy"}, "template", "one of plain"),
    ("intercom_create_message", {**MESSAGE, "from_type": "user"}, "from_type", "admin"),
    ("intercom_create_message", {**MESSAGE, "to_type": "visitor"}, "to_type", "one of"),
    ("intercom_create_message", {**MESSAGE, "from_id": "abc"}, "from_id", "numeric id"),
    (
        "intercom_create_message",
        {**MESSAGE, "message_type": "email"},
        "subject",
        "is required when message_type is 'email'",
    ),
    ("intercom_update_ticket", {"ticketId": "1", "open": "closed"}, "open", "true or false"),
    (
        "intercom_update_ticket",
        {"ticketId": "1", "open": False, "admin_id": "x"},
        "admin_id",
        "numeric id",
    ),
    (
        "intercom_update_ticket",
        {"ticketId": "1", "assignee_id": "Ines"},
        "assignee_id",
        "numeric id",
    ),
    ("intercom_snooze_conversation", {**PART, "snoozed_until": "soon"}, "snoozed_until", "whole"),
    ("intercom_assign_conversation", {**PART, "assignee_id": "team-a"}, "assignee_id", "numeric"),
    ("intercom_create_event", {**EVENT, "created_at": "-1"}, "created_at", "at least 0"),
    ("intercom_list_tags", {"per_page": 5}, "per_page", "not a parameter of this tool"),
    ("intercom_list_admins", {"display_avatar": True}, "display_avatar", "not a parameter"),
    ("intercom_tag_contact", {**TAGGING, "admin_id": "1"}, "admin_id", "not a parameter"),
    (
        "intercom_attach_contact_to_company",
        {**ATTACHING, "fields": "company.nope"},
        "fields",
        "names nothing",
    ),
    (
        "intercom_get_ticket",
        {"ticketId": "1", "priority": "high"},
        "priority",
        "not a parameter of this tool",
    ),
    # malformed JSON text
    (
        "intercom_create_contact",
        {"email": "a@b.c", "custom_attributes": "{plan: gold}"},
        "custom_attributes",
        "not valid JSON",
    ),
    (
        "intercom_update_contact",
        {"contactId": "1", "custom_attributes": '{"a": 1'},
        "custom_attributes",
        "not valid JSON",
    ),
    (
        "intercom_create_company",
        {"company_id": "a", "custom_attributes": "[1,"},
        "custom_attributes",
        "not valid JSON",
    ),
    ("intercom_search_contacts", {"query": "email = a@b.c"}, "query", "not valid JSON"),
    ("intercom_search_conversations", {"query": "{'field': 'state'}"}, "query", "not valid JSON"),
    ("intercom_create_ticket", {**TICKET, "contacts": "[{id: 1}]"}, "contacts", "not valid JSON"),
    (
        "intercom_create_ticket",
        {**TICKET, "ticket_attributes": "{"},
        "ticket_attributes",
        "not valid JSON",
    ),
    (
        "intercom_update_ticket",
        {"ticketId": "1", "ticket_attributes": "{title"},
        "ticket_attributes",
        "not valid JSON",
    ),
    ("intercom_create_event", {**EVENT, "metadata": "{plan: pro}"}, "metadata", "not valid JSON"),
    # JSON of the wrong shape
    (
        "intercom_create_contact",
        {"email": "a@b.c", "custom_attributes": '["gold"]'},
        "custom_attributes",
        "object",
    ),
    (
        "intercom_create_company",
        {"company_id": "a", "custom_attributes": '"gold"'},
        "custom_attributes",
        "object",
    ),
    (
        "intercom_search_contacts",
        {"query": '{"field": "email", "operator": "is", "value": "a"}'},
        "query.operator",
        "must be one of =, !=",
    ),
    ("intercom_search_conversations", {"query": "[]"}, "query", "must be an object"),
    ("intercom_search_contacts", {"query": "{}"}, "query.operator", "is required"),
    ("intercom_search_contacts", {"query": '{"field": "email"}'}, "query.value", "is required"),
    ("intercom_create_ticket", {**TICKET, "contacts": "[]"}, "contacts", "must not be empty"),
    (
        "intercom_create_ticket",
        {**TICKET, "contacts": '[{"id": "1", "email": "a@b.c"}]'},
        "contacts[0]",
        "give exactly one of id, external_id, email, not id and email",
    ),
    ("intercom_create_ticket", {**TICKET, "contacts": '[{"x": "1"}]'}, "contacts[0].x", "not an"),
    ("intercom_create_ticket", {**TICKET, "contacts": '{"id": "1"}'}, "contacts", "array"),
    (
        "intercom_create_ticket",
        {**TICKET, "ticket_attributes": '["title"]'},
        "ticket_attributes",
        "object",
    ),
    (
        "intercom_update_ticket",
        {"ticketId": "1", "ticket_attributes": '"title"'},
        "ticket_attributes",
        "object",
    ),
    ("intercom_create_event", {**EVENT, "metadata": '["pro"]'}, "metadata", "must be an object"),
    (
        "intercom_create_event",
        {**EVENT, "metadata": str({f"k{n}": "v" for n in range(11)}).replace("'", '"')},
        "metadata",
        "at most 10 keys",
    ),
    (
        "intercom_create_event",
        {**EVENT, "metadata": '{"items": ["a", "b"]}'},
        "metadata.items",
        "must be a string or a number or true or false or an object",
    ),
]


@pytest.mark.parametrize(("tool", "params", "parameter", "phrase"), BAD_INPUTS)
@responses.activate
def test_bad_input_is_refused_naming_the_parameter_and_nothing_is_sent(
    tool, params, parameter, phrase, plugin_manager, credentials
):
    result = execute_tool(plugin_manager, tool, params, credentials)
    assert result["success"] is False
    assert result["error_detail"]["kind"] == "invalid_input"
    violations = {v["parameter"]: v["message"] for v in result["error_detail"]["violations"]}
    assert parameter in violations, violations
    assert phrase in violations[parameter]
    assert parameter in result["error"]
    assert len(responses.calls) == 0


@responses.activate
def test_a_problem_inside_json_text_is_reported_once(plugin_manager, credentials):
    result = execute_tool(plugin_manager, "intercom_search_contacts", {"query": "{}"}, credentials)
    violations = result["error_detail"]["violations"]
    assert violations == [
        {"parameter": "query.operator", "message": "is required"},
        {"parameter": "query.value", "message": "is required"},
    ]


@responses.activate
def test_every_violation_is_reported_at_once(plugin_manager, credentials):
    params = {"role": "boss", "per_page": 3, "signed_up_at": "soon", "owner_id": "x"}
    result = execute_tool(plugin_manager, "intercom_create_contact", params, credentials)
    named = {v["parameter"] for v in result["error_detail"]["violations"]}
    assert named == {"role", "per_page", "signed_up_at", "owner_id"}


@responses.activate
def test_a_missing_token_is_an_input_error_and_nothing_is_sent(plugin_manager):
    result = execute_tool(plugin_manager, "intercom_get_ticket", {"ticketId": "1"}, {})
    assert result["error_detail"]["kind"] == "invalid_input"
    assert result["error_detail"]["field"] == "accessToken"
    assert len(responses.calls) == 0


@responses.activate
def test_more_than_ten_attachment_urls_is_an_input_error(plugin_manager, credentials):
    urls = ",".join(f"https://a.example/{n}.png" for n in range(11))
    params = {
        "conversationId": "1",
        "message_type": "comment",
        "body": "x",
        "attachment_urls": urls,
    }
    result = execute_tool(plugin_manager, "intercom_reply_conversation", params, credentials)
    assert result["error_detail"]["field"] == "attachment_urls"
    assert "at most 10" in result["error"]
    assert len(responses.calls) == 0


@responses.activate
def test_an_operations_own_check_is_reported_with_the_schemas(plugin_manager, credentials):
    urls = ",".join(f"https://a.example/{n}.png" for n in range(11))
    params = {"conversationId": "1", "message_type": "comment", "attachment_urls": urls}
    result = execute_tool(plugin_manager, "intercom_reply_conversation", params, credentials)
    named = {v["parameter"] for v in result["error_detail"]["violations"]}
    assert named == {"body", "attachment_urls"}
    assert len(responses.calls) == 0


@responses.activate
def test_sort_order_without_sort_field_is_an_input_error(plugin_manager, credentials):
    params = {"query": QUERY, "sort_order": "descending"}
    result = execute_tool(plugin_manager, "intercom_search_contacts", params, credentials)
    assert result["error_detail"]["field"] == "sort_order"
    assert len(responses.calls) == 0


@responses.activate
def test_a_bad_region_is_an_input_error_and_nothing_is_sent(plugin_manager, credentials):
    result = execute_tool(
        plugin_manager, "intercom_get_ticket", {"ticketId": "1"}, {**credentials, "region": "moon"}
    )
    assert result["error_detail"]["field"] == "region"
    assert len(responses.calls) == 0


@responses.activate
def test_a_search_nested_three_levels_deep_is_refused(plugin_manager, credentials):
    leaf = '{"field": "name", "operator": "=", "value": "a"}'
    inner = f'{{"operator": "AND", "value": [{leaf}]}}'
    middle = f'{{"operator": "OR", "value": [{inner}]}}'
    query = f'{{"operator": "AND", "value": [{middle}]}}'
    result = execute_tool(plugin_manager, "intercom_search_contacts", {"query": query}, credentials)
    assert result["error_detail"]["field"] == "query.value[0].value[0].field"
    assert len(responses.calls) == 0


@responses.activate
def test_a_search_group_of_sixteen_filters_is_refused(plugin_manager, credentials):
    leaf = '{"field": "name", "operator": "=", "value": "a"}'
    query = f'{{"operator": "OR", "value": [{", ".join([leaf] * 16)}]}}'
    result = execute_tool(plugin_manager, "intercom_search_contacts", {"query": query}, credentials)
    assert result["error_detail"]["field"] == "query.value"
    assert len(responses.calls) == 0


def test_an_intercom_id_not_in_the_catalog_is_left_to_other_plugins(plugin_manager, credentials):
    assert execute_tool(plugin_manager, "intercom_no_such_tool", {}, credentials) is None


def test_a_tool_of_another_plugin_is_left_to_that_plugin():
    assert intercom_plugin.sim_execute_tool(tool_id="slack_post", params={}, credentials={}) is None
