"""The people resources through the hook against the sandbox over loopback HTTP: what one
call writes, the next reads (issue 18, group A)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from helpers import ids
from sim_intercom.host import execute_tool
from sim_intercom.sandbox import SandboxServer

Run = Callable[..., dict[str, Any]]

HANK = "6762f0dd0000000000000001"  # a user of Globex
MILTON = "6762f0dd0000000000000003"  # a user of Initech
DANA = "6762f0dd0000000000000005"  # a lead
GLOBEX = "6762f07a0000000000000001"
INITECH = "6762f07a0000000000000002"
INES = "991267801"
VIP = "7522901"
VISITOR = "6762f30c0000000000000001"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as sandbox:
        yield sandbox


def _caller(plugin_manager, server: SandboxServer) -> Callable[..., dict[str, Any]]:
    credentials = {"accessToken": server.token, "baseUrl": server.base_url}

    def call(tool_id: str, **params: Any) -> dict[str, Any]:
        result = execute_tool(plugin_manager, tool_id, params, credentials)
        assert result is not None
        return result

    return call


@pytest.fixture
def run(plugin_manager, server) -> Run:
    """A tool call that must succeed: its output."""
    call = _caller(plugin_manager, server)

    def succeeded(tool_id: str, **params: Any) -> dict[str, Any]:
        result = call(tool_id, **params)
        assert result["success"], result["error"]
        output: dict[str, Any] = result["output"]
        return output

    return succeeded


@pytest.fixture
def fails(plugin_manager, server) -> Run:
    """A tool call that must fail, on the same sandbox: its error detail."""
    call = _caller(plugin_manager, server)

    def failed(tool_id: str, **params: Any) -> dict[str, Any]:
        result = call(tool_id, **params)
        assert not result["success"], result
        detail: dict[str, Any] = result["error_detail"]
        return detail

    return failed


def listed_contacts(run: Run) -> list[str]:
    return ids(run("intercom_list_contacts", per_page=150)["contacts"])


def test_an_archived_contact_leaves_the_list_and_comes_back_when_unarchived(run):
    assert run("intercom_archive_contact", contactId=MILTON)["contact"]["archived"] is True
    assert MILTON not in listed_contacts(run)
    query = json.dumps({"field": "email", "operator": "=", "value": "milton@initech.example"})
    assert run("intercom_search_contacts", query=query)["contacts"] == []
    assert run("intercom_unarchive_contact", contactId=MILTON)["contact"]["archived"] is False
    assert MILTON in listed_contacts(run)


def test_a_blocked_contact_is_blocked_and_archived(run):
    assert run("intercom_block_contact", contactId=DANA)["contact"]["blocked"] is True
    assert DANA not in listed_contacts(run)


def test_a_merged_lead_disappears_into_its_user(run):
    run("intercom_tag_contact", contactId=DANA, tagId=VIP)
    run("intercom_create_note", contactId=DANA, body="Asked about pricing")
    merged = run("intercom_merge_contacts", **{"from": DANA, "into": HANK})["contact"]
    assert merged["id"] == HANK
    assert DANA not in listed_contacts(run)
    assert VIP in ids(run("intercom_list_contact_tags", contactId=HANK)["tags"])
    notes = run("intercom_list_notes", contactId=HANK)["notes"]
    assert "Asked about pricing" in notes[0]["body"]
    assert {n["contact"]["id"] for n in notes} == {HANK}


def test_merging_a_user_into_a_user_is_refused(fails):
    detail = fails("intercom_merge_contacts", **{"from": MILTON, "into": HANK})
    assert (detail["kind"], detail["status"]) == ("invalid_input", 400)


def test_a_contact_is_found_by_the_external_id_an_update_gave_it(run):
    run("intercom_update_contact", contactId=MILTON, external_id="initech-milton")
    found = run("intercom_get_contact_by_external_id", external_id="initech-milton")
    assert found["contact"]["id"] == MILTON


def test_a_company_is_found_updated_listed_and_deleted(run):
    found = run("intercom_find_companies", company_id="initech")["companies"]
    assert ids(found) == [INITECH]
    updated = run("intercom_update_company", companyId=INITECH, name="Initech Ltd", size=80)
    assert (updated["company"]["name"], updated["company"]["size"]) == ("Initech Ltd", 80)
    assert ids(run("intercom_find_companies", name="initech ltd")["companies"]) == [INITECH]
    contacts = run("intercom_list_company_contacts", companyId=INITECH)["contacts"]
    assert MILTON in ids(contacts)
    assert INITECH in ids(run("intercom_list_contact_companies", contactId=MILTON)["companies"])
    assert run("intercom_delete_company", companyId=INITECH) == {"id": INITECH, "deleted": True}
    assert run("intercom_list_contact_companies", contactId=MILTON)["companies"] == []
    assert INITECH not in ids(run("intercom_scroll_companies")["companies"])


def test_a_scroll_walks_every_company_then_ends(run):
    seen: list[str] = []
    batch = run("intercom_scroll_companies")
    while batch["companies"]:
        seen += ids(batch["companies"])
        batch = run("intercom_scroll_companies", scroll_param=batch["scroll_param"])
    assert len(seen) == len(set(seen)) == 4
    assert batch["scroll_param"] is None


def test_a_defined_data_attribute_makes_the_custom_attribute_writable(fails, run):
    colour = json.dumps({"favourite_colour": "teal"})
    detail = fails("intercom_update_contact", contactId=HANK, custom_attributes=colour)
    assert detail["status"] == 400
    created = run(
        "intercom_create_data_attribute",
        name="favourite_colour",
        model="contact",
        data_type="string",
    )["data_attribute"]
    contact = run("intercom_update_contact", contactId=HANK, custom_attributes=colour)["contact"]
    assert contact["custom_attributes"]["favourite_colour"] == "teal"
    listed = run("intercom_list_data_attributes", model="contact")["data_attributes"]
    assert created["id"] in ids(listed)
    run("intercom_update_data_attribute", dataAttributeId=str(created["id"]), archived=True)
    assert created["id"] not in ids(run("intercom_list_data_attributes")["data_attributes"])


def test_segments_match_the_seeded_contacts_and_follow_changes(run):
    segments = {s["name"]: s for s in run("intercom_list_segments", include_count=True)["segments"]}
    assert segments["Active users"]["count"] == 4
    assert segments["Leads"]["count"] == 2
    leads = segments["Leads"]["id"]
    assert leads in ids(run("intercom_list_contact_segments", contactId=DANA)["segments"])
    run("intercom_update_contact", contactId=DANA, role="user")
    assert leads not in ids(run("intercom_list_contact_segments", contactId=DANA)["segments"])
    assert run("intercom_get_segment", segmentId=leads)["segment"]["count"] == 1
    pro = segments["Pro plan companies"]["id"]
    assert pro in ids(run("intercom_list_company_segments", companyId=INITECH)["segments"])
    assert INITECH in ids(run("intercom_find_companies", segment_id=pro)["companies"])


def test_a_contact_subscribes_and_unsubscribes(run):
    types = run("intercom_list_subscription_types")["subscription_types"]
    assert {t["consent_type"] for t in types} == {"opt_in", "opt_out"}
    run(
        "intercom_add_subscription_to_contact",
        contactId=MILTON,
        subscriptionId="103",
        consent_type="opt_in",
    )
    chosen = run("intercom_list_contact_subscriptions", contactId=MILTON)["subscription_types"]
    assert [(t["id"], t["consent_type"]) for t in chosen] == [("103", "opt_in")]
    opted_in = run("intercom_get_contact", contactId=MILTON)["contact"][
        "opted_in_subscription_types"
    ]
    assert ids(opted_in["data"]) == ["103"]
    run("intercom_remove_subscription_from_contact", contactId=MILTON, subscriptionId="103")
    assert run("intercom_list_contact_subscriptions", contactId=MILTON)["subscription_types"] == []


def test_a_visitor_is_updated_found_and_converted_into_a_user(run, fails):
    visitor = run("intercom_update_visitor", id=VISITOR, name="Riley B.")["visitor"]
    found = run("intercom_get_visitor", user_id=visitor["user_id"])["visitor"]
    assert (found["id"], found["name"]) == (VISITOR, "Riley B.")
    user = json.dumps({"user_id": "riley-1", "email": "riley@example.com"})
    contact = run(
        "intercom_convert_visitor", type="user", user=user, visitor=json.dumps({"id": VISITOR})
    )["contact"]
    assert (contact["role"], contact["external_id"], contact["email"], contact["name"]) == (
        "user",
        "riley-1",
        "riley@example.com",
        "Riley B.",
    )
    assert fails("intercom_get_visitor", user_id=visitor["user_id"])["kind"] == "not_found"


def test_event_summaries_join_the_recorded_events(run):
    run(
        "intercom_create_event",
        event_name="invited-teammate",
        user_id="initech-peter",
        created_at=1_734_600_000,
    )
    summary = json.dumps(
        {
            "event_name": "invited-teammate",
            "count": 3,
            "first": 1_734_000_000,
            "last": 1_734_500_000,
        }
    )
    assert run("intercom_create_event_summaries", user_id="initech-peter", event_summaries=summary)
    events = run("intercom_list_events", user_id="initech-peter", summary=True)["events"]
    assert [(e["name"], e["count"]) for e in events] == [("invited-teammate", 4)]
    listed = run("intercom_list_events", user_id="initech-peter")["events"]
    assert [e["event_name"] for e in listed] == ["invited-teammate"]


def test_tags_go_on_and_off_conversations_and_tickets_and_a_deleted_tag_goes_everywhere(run, fails):
    assert run("intercom_get_tag", tagId=VIP)["tag"]["name"] == "VIP"
    run("intercom_tag_conversation", conversationId="100", tagId=VIP, admin_id=INES)
    run("intercom_untag_conversation", conversationId="100", tagId=VIP, admin_id=INES)
    tags = run("intercom_get_conversation", conversationId="100")["conversation"]["tags"]["tags"]
    assert tags == []
    assert run("intercom_tag_ticket", ticketId="501", tagId=VIP, admin_id=INES)["tag"]["id"] == VIP
    assert (
        run("intercom_untag_ticket", ticketId="501", tagId=VIP, admin_id=INES)["tag"]["id"] == VIP
    )
    run("intercom_tag_contact", contactId=HANK, tagId=VIP)
    assert run("intercom_delete_tag", tagId=VIP) == {"id": VIP, "deleted": True}
    assert run("intercom_list_contact_tags", contactId=HANK)["tags"] == []
    assert VIP not in ids(run("intercom_list_tags")["tags"])
    assert fails("intercom_get_tag", tagId=VIP)["kind"] == "not_found"


def test_a_note_is_read_back_by_its_id(run):
    note = run("intercom_create_note", contactId=MILTON, body="Stapler returned")["note"]
    assert "Stapler returned" in run("intercom_get_note", noteId=note["id"])["note"]["body"]
