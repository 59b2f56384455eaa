"""The sandbox workspace as a whole: seeds, its clock, auth, ids in paths, 100k contacts."""

from __future__ import annotations

import json

import pytest
import requests

from helpers import DAY, HOUR, US, ids
from sandbox_helpers import INES, SAM, SANDBOX_AUTH, flt
from sim_intercom.sandbox import SANDBOX_TOKEN, Workspace, mock_intercom
from sim_intercom.sandbox.app import SandboxApp
from sim_intercom.sandbox.contacts import ContactFields
from sim_intercom.sandbox.records import Contact

# The default seed


def test_default_seed_me_is_the_first_admin(sandbox_api):
    me = sandbox_api.ok("GET", "/me")
    assert (me["type"], me["id"], me["email"]) == ("admin", INES, "ines@sandbox.example")
    assert me["app"]["id_code"] == "sandboxws"


def test_default_seed_has_three_admins(sandbox_api):
    admins = sandbox_api.ok("GET", "/admins")
    assert admins["type"] == "admin.list"
    assert ids(admins["admins"]) == [INES, SAM, "991267803"]


def test_default_seed_has_the_bug_report_ticket_type(sandbox_api):
    types = sandbox_api.ok("GET", "/ticket_types")["data"]

    assert [(each["id"], each["name"]) for each in types] == [("1", "Bug report")]
    attributes = types[0]["ticket_type_attributes"]["data"]
    assert {each["name"] for each in attributes} == {
        "_default_title_",
        "_default_description_",
        "severity",
    }


def test_default_seed_defines_contact_custom_attributes(sandbox_api):
    attributes = sandbox_api.ok("GET", "/data_attributes?model=contact")["data"]

    assert {each["model"] for each in attributes} == {"contact"}
    custom = {each["name"]: each["data_type"] for each in attributes if each["custom"]}
    assert custom == {
        "plan_tier": "string",
        "seats": "integer",
        "beta_tester": "boolean",
        "renewal_date": "date",
    }


def test_default_seed_has_users_and_leads(sandbox_api):
    contacts = sandbox_api.ok("GET", "/contacts")

    assert contacts["total_count"] == 6
    roles = [each["role"] for each in contacts["data"]]
    assert (roles.count("user"), roles.count("lead")) == (4, 2)


def test_default_seed_contacts_belong_to_their_companies(sandbox_api):
    found = sandbox_api.search("contacts", flt("email", "=", "hank@globex.example"))["data"][0]
    globex = sandbox_api.ok("GET", "/companies?company_id=globex")["data"][0]

    assert ids(found["companies"]["data"]) == [globex["id"]]
    assert found["custom_attributes"] == {"plan_tier": "enterprise"}


def test_default_seed_has_four_companies(sandbox_api):
    companies = sandbox_api.ok("GET", "/companies")
    names = {each["company_id"]: each["name"] for each in companies["data"]}
    assert names == {
        "globex": "Globex",
        "initech": "Initech",
        "umbrella": "Umbrella Corp",
        "hooli": "Hooli",
    }


def test_default_seed_has_four_conversations(sandbox_api):
    listed = sandbox_api.ok("GET", "/conversations")
    assert sorted(each["id"] for each in listed["conversations"]) == ["100", "101", "102", "103"]


def test_default_seed_conversations_have_admin_parts(sandbox_api):
    conversation = sandbox_api.ok("GET", "/conversations/100")

    parts = conversation["conversation_parts"]["conversation_parts"]
    assert [(each["part_type"], each["author"]["type"]) for each in parts] == [("comment", "admin")]
    assert parts[0]["body"] == "<p>Which browser do you use?</p>"
    assert conversation["source"]["subject"] == "My export to CSV times out"


def test_default_seed_closed_conversation_has_a_close_part(sandbox_api):
    conversation = sandbox_api.ok("GET", "/conversations/103")

    parts = conversation["conversation_parts"]["conversation_parts"]
    assert conversation["state"] == "closed"
    assert [each["part_type"] for each in parts] == ["comment", "close"]
    assert conversation["statistics"]["last_close_at"] == parts[-1]["created_at"]
    assert conversation["statistics"]["last_closed_by_id"] == INES


def test_default_seed_conversation_contacts_have_replied(sandbox_api):
    conversation = sandbox_api.ok("GET", "/conversations/101")
    contact_id = conversation["contacts"]["contacts"][0]["id"]
    contact = sandbox_api.ok("GET", f"/contacts/{contact_id}")
    assert contact["last_replied_at"] == conversation["created_at"]


def test_default_seed_has_a_bug_report_ticket_from_hank(sandbox_api):
    ticket = sandbox_api.ok("GET", "/tickets/501")
    hank = sandbox_api.ok("GET", f"/contacts/{ticket['contacts']['contacts'][0]['id']}")

    assert ticket["ticket_type"]["name"] == "Bug report"
    assert ticket["ticket_attributes"]["_default_title_"] == "CSV export times out"
    assert hank["email"] == "hank@globex.example"


# The empty seed


def test_empty_seed_has_no_contacts(empty_sandbox_api):
    assert empty_sandbox_api.ok("GET", "/contacts")["total_count"] == 0


def test_empty_seed_has_no_companies(empty_sandbox_api):
    assert empty_sandbox_api.ok("GET", "/companies")["total_count"] == 0


def test_empty_seed_has_no_conversations(empty_sandbox_api):
    assert empty_sandbox_api.ok("GET", "/conversations")["total_count"] == 0


def test_empty_seed_has_no_tickets(empty_sandbox_api):
    empty_sandbox_api.error("GET", "/tickets/501", 404, "ticket_not_found")


def test_empty_seed_keeps_the_admins(empty_sandbox_api):
    assert empty_sandbox_api.ok("GET", "/me")["id"] == INES
    assert len(empty_sandbox_api.ok("GET", "/admins")["admins"]) == 3


def test_empty_seed_keeps_the_ticket_type(empty_sandbox_api):
    types = empty_sandbox_api.ok("GET", "/ticket_types")["data"]
    assert ids(types) == ["1"]


def test_empty_seed_keeps_the_data_attributes(empty_sandbox_api):
    attributes = empty_sandbox_api.ok("GET", "/data_attributes")["data"]
    assert {each["name"] for each in attributes if each["custom"]} >= {"plan_tier", "churn_risk"}


def test_unknown_seed_is_refused():
    with pytest.raises(ValueError, match="seed"):
        Workspace(seed="full")


def test_negative_contact_count_is_refused():
    with pytest.raises(ValueError, match="contacts"):
        Workspace(contacts=-1)


def test_generated_contacts_follow_the_random_seed():
    def names(random_seed: int) -> list[str | None]:
        workspace = Workspace(seed="empty", contacts=20, random_seed=random_seed)
        return [each.name for each in workspace.state.contacts.values()]

    assert names(3) == names(3)
    assert names(3) != names(4)


def test_generated_contacts_follow_the_seeded_ones():
    workspace = Workspace(contacts=10)
    assert len(workspace.state.contacts) == 16
    assert len(set(workspace.state.contacts)) == 16


# The clock


def test_the_workspace_keeps_the_clock_it_is_given(sandbox_clock):
    assert Workspace(seed="empty", clock=sandbox_clock).clock is sandbox_clock


def test_moving_the_clock_moves_the_workspaces_time(sandbox_clock):
    workspace = Workspace(seed="empty", clock=sandbox_clock)
    later = sandbox_clock.advance(HOUR)

    contact = workspace.contacts.create(ContactFields(frozenset({"email"}), email="a@b.example"))

    assert contact.created_at == contact.updated_at == later


def test_the_seed_dates_its_conversations_before_the_clock(sandbox_api, sandbox_clock):
    listed = sandbox_api.ok("GET", "/conversations")["conversations"]
    assert max(each["created_at"] for each in listed) == sandbox_clock.now - DAY


# Auth


def test_missing_bearer_is_unauthorized(sandbox_api):
    sandbox_api.token = None
    error = sandbox_api.error("GET", "/me", 401, "unauthorized")
    assert error["message"] == "Access Token Invalid"


def test_wrong_bearer_is_unauthorized(sandbox_api):
    sandbox_api.token = "not-the-token"
    sandbox_api.error("GET", "/contacts", 401, "unauthorized")


def test_right_token_with_another_scheme_is_unauthorized(sandbox_api):
    headers = {"Authorization": f"Basic {SANDBOX_TOKEN}"}
    sandbox_api.error("GET", "/me", 401, "unauthorized", headers=headers)


def test_unauthorized_request_changes_nothing(sandbox_api):
    sandbox_api.token = None
    sandbox_api.call("POST", "/contacts", json={"email": "sneaky@example.com"})
    assert len(sandbox_api.workspace.state.contacts) == 6


def test_workspace_answers_to_its_own_token():
    with mock_intercom(Workspace(seed="empty", token="tok-123")):
        good = requests.get(f"{US}/me", headers={"Authorization": "Bearer tok-123"})
        bad = requests.get(f"{US}/me", headers=SANDBOX_AUTH)
    assert (good.status_code, bad.status_code) == (200, 401)


def test_sandbox_app_answers_json_with_a_request_id():
    reply = SandboxApp(Workspace(seed="empty")).handle("GET", "/me", SANDBOX_AUTH, None)
    assert reply.status == 200
    assert json.loads(reply.body)["id"] == INES
    assert reply.headers["X-Request-Id"]


# Ids in paths


def put_contact(api, contact_id: str) -> None:
    now = api.workspace.state.now()
    api.workspace.state.contacts[contact_id] = Contact(contact_id, "user", now, now, name="Slash")


def test_encoded_slash_stays_inside_the_id(sandbox_api):
    put_contact(sandbox_api, "a/b")
    contact = sandbox_api.ok("GET", "/contacts/a%2Fb")
    assert (contact["id"], contact["name"]) == ("a/b", "Slash")


def test_unknown_id_with_an_encoded_slash_is_a_missing_contact(sandbox_api):
    error = sandbox_api.error("GET", "/contacts/a%2Fb", 404, "not_found")
    assert error["message"] == "User Not Found"


def test_encoded_slash_never_reaches_another_route(sandbox_api):
    contact_id = sandbox_api.ok("GET", "/contacts?per_page=1")["data"][0]["id"]
    hooli = sandbox_api.ok("GET", "/companies?company_id=hooli")["data"][0]

    sandbox_api.error(
        "POST",
        f"/contacts/{contact_id}%2Fcompanies",
        405,
        "method_not_allowed",
        json={"id": hooli["id"]},
    )

    assert sandbox_api.ok("GET", f"/companies/{hooli['id']}")["user_count"] == 0


def test_encoded_characters_are_decoded_in_ids(sandbox_api):
    put_contact(sandbox_api, "x y?z")
    assert sandbox_api.ok("GET", "/contacts/x%20y%3Fz")["id"] == "x y?z"


# Many contacts


@pytest.fixture(scope="module")
def hundred_thousand() -> Workspace:
    return Workspace(seed="empty", contacts=100_000)


def test_workspace_seeds_a_hundred_thousand_contacts(hundred_thousand):
    with mock_intercom(hundred_thousand):
        listed = requests.get(f"{US}/contacts?per_page=1", headers=SANDBOX_AUTH).json()
    assert listed["total_count"] == 100_000
    assert listed["pages"]["total_pages"] == 100_000


def test_generated_users_have_unique_emails(hundred_thousand):
    contacts = hundred_thousand.state.contacts.values()
    emails = [each.email for each in contacts if each.role == "user"]
    assert len(emails) == 80_000
    assert len(set(emails)) == len(emails)
    assert len(hundred_thousand.state.contact_by_email) == 80_000


@pytest.mark.slow
def test_paging_a_hundred_thousand_contacts_reaches_the_end(hundred_thousand):
    seen = 0
    pages = 0
    path = "/contacts?per_page=150"
    with mock_intercom(hundred_thousand):
        while True:
            listed = requests.get(US + path, headers=SANDBOX_AUTH).json()
            seen += len(listed["data"])
            pages += 1
            following = listed["pages"].get("next")
            if following is None:
                break
            path = f"/contacts?per_page=150&starting_after={following['starting_after']}"

    assert seen == 100_000
    assert pages == listed["pages"]["page"] == listed["pages"]["total_pages"] == 667
    assert len(listed["data"]) == 100_000 - 666 * 150
