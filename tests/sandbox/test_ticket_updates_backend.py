"""Updating tickets over HTTP (`PUT /tickets/{id}`).

The default seed holds ticket "501", a Bug report (states 1 submitted, 2 in progress,
3 resolved), and team 814865.
"""

from __future__ import annotations

from sandbox_helpers import INES, NO_SUCH_COMPANY, SAM, SANDBOX_START


def update(api, **fields) -> dict:
    return api.ok("PUT", "/tickets/501", json=fields)


def test_attributes_merge_into_the_tickets(sandbox_api):
    updated = update(sandbox_api, ticket_attributes={"severity": "low"})
    assert updated["ticket_attributes"]["severity"] == "low"
    assert updated["ticket_attributes"]["_default_title_"] == "CSV export times out"


def test_an_attribute_the_type_lacks_is_refused(sandbox_api):
    sandbox_api.error(
        "PUT", "/tickets/501", 400, "parameter_invalid", json={"ticket_attributes": {"colour": 1}}
    )


def test_a_state_of_the_type_moves_the_ticket(sandbox_api):
    updated = update(sandbox_api, ticket_state_id="2")
    assert updated["ticket_state"]["category"] == "in_progress"


def test_a_state_of_no_such_id_is_ticket_state_id_invalid(sandbox_api):
    sandbox_api.error(
        "PUT", "/tickets/501", 400, "ticket_state_id_invalid", json={"ticket_state_id": 99}
    )


def test_open_false_resolves_the_ticket(sandbox_api):
    closed = update(sandbox_api, open=False)
    assert (closed["open"], closed["ticket_state"]["category"]) == (False, "resolved")


def test_open_true_reopens_a_resolved_ticket(sandbox_api):
    update(sandbox_api, open=False)
    assert update(sandbox_api, open=True)["ticket_state"]["category"] == "submitted"


def test_assignee_an_admin_sets_admin_assignee_id(sandbox_api):
    assert update(sandbox_api, assignee_id=SAM, admin_id=int(INES))["admin_assignee_id"] == SAM


def test_assignee_a_team_sets_team_assignee_id(sandbox_api):
    assert update(sandbox_api, assignee_id="814865")["team_assignee_id"] == "814865"


def test_assignee_zero_unassigns(sandbox_api):
    update(sandbox_api, assignee_id=SAM)
    assert update(sandbox_api, assignee_id="0")["admin_assignee_id"] == "0"


def test_an_unknown_admin_is_assignee_not_found(sandbox_api):
    sandbox_api.error("PUT", "/tickets/501", 404, "assignee_not_found", json={"admin_id": 9})


def test_snoozed_until_shows_until_it_passes(sandbox_api, sandbox_clock):
    assert (
        update(sandbox_api, snoozed_until=SANDBOX_START + 60)["snoozed_until"] == SANDBOX_START + 60
    )
    sandbox_clock.advance(60)
    assert "snoozed_until" not in sandbox_api.ok("GET", "/tickets/501")


def test_closing_a_ticket_unsnoozes_it(sandbox_api):
    update(sandbox_api, snoozed_until=SANDBOX_START + 60)
    assert "snoozed_until" not in update(sandbox_api, open=False)


def test_is_shared_is_kept(sandbox_api):
    update(sandbox_api, is_shared=True)
    assert sandbox_api.ok("GET", "/tickets/501")["is_shared"] is True


def test_updated_at_moves(sandbox_api, sandbox_clock):
    now = sandbox_clock.advance(30)
    assert update(sandbox_api, is_shared=False)["updated_at"] == now


def test_an_unknown_company_is_company_not_found(sandbox_api):
    sandbox_api.error(
        "PUT", "/tickets/501", 404, "company_not_found", json={"company_id": NO_SUCH_COMPANY}
    )


def test_a_refused_update_changes_nothing(sandbox_api):
    before = sandbox_api.ok("GET", "/tickets/501")
    sandbox_api.error(
        "PUT",
        "/tickets/501",
        404,
        "assignee_not_found",
        json={"is_shared": True, "assignee_id": "9"},
    )
    assert sandbox_api.ok("GET", "/tickets/501") == before
