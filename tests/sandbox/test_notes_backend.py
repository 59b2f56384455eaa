"""Notes on contacts and data events over HTTP.

The default seed holds one note, "1", on the first contact (Hank Scorpio, a user whose email
is hank@globex.example).
"""

from __future__ import annotations

from helpers import ids
from sandbox_helpers import FIRST_CONTACT, INES, NO_SUCH_CONTACT, SAM, SANDBOX_START

NOTES = f"/contacts/{FIRST_CONTACT}/notes"
EVENT = {"event_name": "placed-order", "created_at": SANDBOX_START, "id": FIRST_CONTACT}


def events_of(api, **query) -> dict:
    return api.ok("GET", "/events", params={"type": "user", **query})


# Notes


def test_a_note_is_written_by_the_admin_given(sandbox_api):
    note = sandbox_api.ok("POST", NOTES, json={"body": "<p>Called them.</p>", "admin_id": SAM})
    assert note["author"]["id"] == SAM
    assert note["contact"] == {"type": "contact", "id": FIRST_CONTACT}
    assert note["body"] == "<p>Called them.</p>"


def test_a_note_without_an_admin_is_the_tokens_admins(sandbox_api):
    assert sandbox_api.ok("POST", NOTES, json={"body": "Hi"})["author"]["id"] == INES


def test_a_plain_text_note_becomes_a_paragraph(sandbox_api):
    assert sandbox_api.ok("POST", NOTES, json={"body": "a < b"})["body"] == "<p>a &lt; b</p>"


def test_notes_are_listed_newest_first(sandbox_api):
    created = sandbox_api.ok("POST", NOTES, json={"body": "Second"})
    listed = sandbox_api.ok("GET", NOTES)
    assert ids(listed["data"]) == [created["id"], "1"]
    assert listed["total_count"] == 2


def test_a_note_shows_in_the_contacts_notes_summary(sandbox_api):
    created = sandbox_api.ok("POST", NOTES, json={"body": "Noted"})
    summary = sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")["notes"]
    assert summary["total_count"] == 2
    assert summary["data"][0]["id"] == created["id"]


def test_a_note_is_fetched_by_its_id(sandbox_api):
    created = sandbox_api.ok("POST", NOTES, json={"body": "Fetch me"})
    assert sandbox_api.ok("GET", f"/notes/{created['id']}") == created


def test_a_note_on_an_unknown_contact_is_user_not_found(sandbox_api):
    error = sandbox_api.error(
        "POST", f"/contacts/{NO_SUCH_CONTACT}/notes", 404, "not_found", json={"body": "x"}
    )
    assert error["message"] == "User Not Found"


# Data events


def test_an_event_is_accepted_with_202_and_no_body(sandbox_api):
    answer = sandbox_api.call("POST", "/events", json=EVENT)
    assert (answer.status_code, answer.content) == (202, b"")


def test_an_event_is_recorded_for_its_contact(sandbox_api):
    sandbox_api.call("POST", "/events", json={**EVENT, "metadata": {"order": "A1", "total": 9}})
    listed = events_of(sandbox_api, intercom_user_id=FIRST_CONTACT)
    (event,) = listed["events"]
    assert (event["event_name"], event["created_at"]) == ("placed-order", SANDBOX_START)
    assert event["metadata"] == {"order": "A1", "total": 9}


def test_an_event_can_name_its_contact_by_email(sandbox_api):
    body = {key: value for key, value in EVENT.items() if key != "id"}
    assert sandbox_api.call("POST", "/events", json={**body, "email": "hank@globex.example"}).ok
    assert len(events_of(sandbox_api, email="hank@globex.example")["events"]) == 1


def test_the_same_event_sent_twice_is_kept_once(sandbox_api):
    for _ in range(2):
        sandbox_api.call("POST", "/events", json=EVENT)
    assert len(events_of(sandbox_api, intercom_user_id=FIRST_CONTACT)["events"]) == 1


def test_the_summary_counts_events_by_name(sandbox_api):
    for offset in (0, 60):
        sandbox_api.call("POST", "/events", json={**EVENT, "created_at": SANDBOX_START + offset})
    summary = events_of(sandbox_api, intercom_user_id=FIRST_CONTACT, summary="true")
    (row,) = summary["events"]
    assert (row["name"], row["count"]) == ("placed-order", 2)
    assert row["first"] < row["last"]


def test_an_event_needs_a_contact(sandbox_api):
    body = {"event_name": "x", "created_at": SANDBOX_START}
    sandbox_api.error("POST", "/events", 400, "parameter_not_found", json=body)


def test_an_event_for_an_unknown_contact_is_user_not_found(sandbox_api):
    sandbox_api.error("POST", "/events", 404, "not_found", json={**EVENT, "id": NO_SUCH_CONTACT})


def test_event_metadata_takes_at_most_ten_keys(sandbox_api):
    metadata = {f"k{number}": "v" for number in range(11)}
    sandbox_api.error(
        "POST", "/events", 400, "parameter_invalid", json={**EVENT, "metadata": metadata}
    )
