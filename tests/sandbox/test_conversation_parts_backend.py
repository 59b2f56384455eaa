"""Managing conversations over HTTP (`POST /conversations/{id}/parts`): close, open, snooze
until a time on the workspace's clock, assign to an admin or a team.

The default seed holds conversations "100" to "103" ("103" is closed) and team 814865.
"""

from __future__ import annotations

from sandbox_helpers import INES, SAM, SANDBOX_START

HOUR = 3_600
TEAM = "814865"


def manage(api, conversation_id: str, message_type: str, **fields) -> dict:
    body = {"message_type": message_type, "admin_id": INES, **fields}
    if message_type in ("close", "assignment"):
        body.setdefault("type", "admin")
    return api.ok("POST", f"/conversations/{conversation_id}/parts", json=body)


def last_part(conversation: dict) -> dict:
    return conversation["conversation_parts"]["conversation_parts"][-1]


def test_close_closes_with_a_close_part(sandbox_api):
    closed = manage(sandbox_api, "100", "close", body="<p>Solved.</p>")
    assert (closed["state"], closed["open"]) == ("closed", False)
    part = last_part(closed)
    assert (part["part_type"], part["body"], part["author"]["id"]) == (
        "close",
        "<p>Solved.</p>",
        INES,
    )


def test_closing_a_closed_conversation_changes_nothing(sandbox_api):
    before = sandbox_api.ok("GET", "/conversations/103")
    after = manage(sandbox_api, "103", "close")
    assert after["conversation_parts"] == before["conversation_parts"]


def test_a_closed_conversation_can_be_reopened(sandbox_api):
    opened = manage(sandbox_api, "103", "open")
    assert opened["state"] == "open"
    assert last_part(opened)["part_type"] == "open"
    assert opened["statistics"]["count_reopens"] == 1


def test_snooze_sets_the_state_and_the_time(sandbox_api):
    snoozed = manage(sandbox_api, "100", "snoozed", snoozed_until=SANDBOX_START + HOUR)
    assert (snoozed["state"], snoozed["snoozed_until"]) == ("snoozed", SANDBOX_START + HOUR)
    assert last_part(snoozed)["part_type"] == "snoozed"


def test_snoozing_into_the_past_is_refused(sandbox_api):
    body = {"message_type": "snoozed", "admin_id": INES, "snoozed_until": SANDBOX_START}
    error = sandbox_api.error(
        "POST", "/conversations/100/parts", 400, "parameter_invalid", json=body
    )
    assert error["field"] == "snoozed_until"


def test_a_snoozed_conversation_reopens_when_its_time_comes(sandbox_api, sandbox_clock):
    manage(sandbox_api, "100", "snoozed", snoozed_until=SANDBOX_START + HOUR)
    sandbox_clock.advance(HOUR - 1)
    assert sandbox_api.ok("GET", "/conversations/100")["state"] == "snoozed"
    sandbox_clock.advance(1)
    woken = sandbox_api.ok("GET", "/conversations/100")
    assert (woken["state"], woken["snoozed_until"]) == ("open", None)
    part = last_part(woken)
    assert (part["part_type"], part["created_at"]) == ("timer_unsnooze", SANDBOX_START + HOUR)


def test_a_woken_conversation_is_open_in_search_too(sandbox_api, sandbox_clock):
    manage(sandbox_api, "100", "snoozed", snoozed_until=SANDBOX_START + HOUR)
    sandbox_clock.advance(2 * HOUR)
    found = sandbox_api.search(
        "conversations", {"field": "state", "operator": "=", "value": "snoozed"}
    )
    assert found["total_count"] == 0


def test_a_contact_reply_wakes_a_snoozed_conversation(sandbox_api):
    manage(sandbox_api, "100", "snoozed", snoozed_until=SANDBOX_START + HOUR)
    contact_id = sandbox_api.ok("GET", "/conversations/100")["contacts"]["contacts"][0]["id"]
    reply = {"type": "user", "intercom_user_id": contact_id, "message_type": "comment", "body": "?"}
    replied = sandbox_api.ok("POST", "/conversations/100/reply", json=reply)
    assert (replied["state"], replied["snoozed_until"]) == ("open", None)


def test_assigning_to_an_admin_sets_admin_assignee_id(sandbox_api):
    assigned = manage(sandbox_api, "100", "assignment", assignee_id=SAM)
    assert assigned["admin_assignee_id"] == int(SAM)
    part = last_part(assigned)
    assert (part["part_type"], part["assigned_to"]) == ("assignment", {"type": "admin", "id": SAM})


def test_assigning_to_a_team_sets_team_assignee_id(sandbox_api):
    assigned = manage(sandbox_api, "100", "assignment", assignee_id=TEAM)
    assert (assigned["team_assignee_id"], assigned["admin_assignee_id"]) == (int(TEAM), None)


def test_assignee_zero_unassigns_the_admin(sandbox_api):
    manage(sandbox_api, "100", "assignment", assignee_id=SAM)
    unassigned = manage(sandbox_api, "100", "assignment", assignee_id="0")
    assert unassigned["admin_assignee_id"] is None
    assert last_part(unassigned)["assigned_to"] is None


def test_assigning_a_closed_conversation_reopens_it(sandbox_api):
    assigned = manage(sandbox_api, "103", "assignment", assignee_id=SAM, body="Over to Sam")
    assert assigned["state"] == "open"
    part = last_part(assigned)
    assert (part["part_type"], part["body"]) == ("assign_and_reopen", "Over to Sam")


def test_assignments_count_in_the_statistics(sandbox_api):
    assigned = manage(sandbox_api, "100", "assignment", assignee_id=SAM)
    assert assigned["statistics"]["count_assignments"] == 1


def test_an_unknown_assignee_is_assignee_not_found(sandbox_api):
    body = {"message_type": "assignment", "type": "admin", "admin_id": INES, "assignee_id": "9"}
    sandbox_api.error("POST", "/conversations/100/parts", 404, "assignee_not_found", json=body)


def test_close_needs_type_admin(sandbox_api):
    body = {"message_type": "close", "admin_id": INES}
    sandbox_api.error("POST", "/conversations/100/parts", 400, "parameter_not_found", json=body)


def test_a_field_of_another_part_type_is_refused(sandbox_api):
    body = {"message_type": "open", "admin_id": INES, "snoozed_until": SANDBOX_START + HOUR}
    sandbox_api.error("POST", "/conversations/100/parts", 400, "bad_request", json=body)


def test_a_contact_starts_a_conversation_waiting_for_an_answer(sandbox_api, sandbox_clock):
    contact_id = sandbox_api.ok("GET", "/conversations/100")["contacts"]["contacts"][0]["id"]
    message = sandbox_api.ok(
        "POST", "/conversations", json={"from": {"type": "user", "id": contact_id}, "body": "Hi"}
    )
    assert message["type"] == "user_message"
    conversation = sandbox_api.ok("GET", f"/conversations/{message['conversation_id']}")
    assert conversation["source"]["delivered_as"] == "customer_initiated"
    assert conversation["waiting_since"] == int(sandbox_clock.now)
