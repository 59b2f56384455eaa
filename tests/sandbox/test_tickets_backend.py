"""The sandbox's tickets over HTTP: raised for a contact on a ticket type, then fetched."""

from __future__ import annotations

from helpers import ids
from sandbox_helpers import NO_SUCH_CONTACT, contact_of


def ticket_for(contact_id: str, **fields) -> dict:
    return {
        "ticket_type_id": "1",
        "contacts": [{"id": contact_id}],
        "ticket_attributes": {"_default_title_": "Export broken"},
    } | fields


def test_ticket_is_created_for_a_contact(sandbox_api):
    contact_id = contact_of(sandbox_api, "100")

    ticket = sandbox_api.ok("POST", "/tickets", json=ticket_for(contact_id))

    assert ticket["type"] == "ticket"
    assert ticket["ticket_type"]["id"] == "1"
    assert ticket["ticket_attributes"] == {"_default_title_": "Export broken"}
    assert ids(ticket["contacts"]["contacts"]) == [contact_id]
    assert ticket["ticket_state"]["category"] == "submitted"


def test_created_ticket_is_fetched_by_id(sandbox_api):
    ticket = sandbox_api.ok("POST", "/tickets", json=ticket_for(contact_of(sandbox_api, "100")))
    assert sandbox_api.ok("GET", f"/tickets/{ticket['id']}") == ticket


def test_ticket_type_id_may_be_a_number(sandbox_api):
    payload = ticket_for(contact_of(sandbox_api, "100"), ticket_type_id=1)
    assert sandbox_api.ok("POST", "/tickets", json=payload)["ticket_type"]["id"] == "1"


def test_ticket_of_an_unknown_type_is_rejected(sandbox_api):
    payload = ticket_for(contact_of(sandbox_api, "100"), ticket_type_id="77")
    error = sandbox_api.error("POST", "/tickets", 400, "parameter_invalid", json=payload)
    assert error["field"] == "ticket_type_id"


def test_ticket_without_a_type_is_parameter_not_found(sandbox_api):
    payload = ticket_for(contact_of(sandbox_api, "100"))
    del payload["ticket_type_id"]
    sandbox_api.error("POST", "/tickets", 400, "parameter_not_found", json=payload)


def test_ticket_for_an_unknown_contact_is_not_found(sandbox_api):
    payload = ticket_for(NO_SUCH_CONTACT)
    sandbox_api.error("POST", "/tickets", 404, "not_found", json=payload)


def test_ticket_without_contacts_is_rejected(sandbox_api):
    payload = ticket_for("unused", contacts=[])
    error = sandbox_api.error("POST", "/tickets", 400, "parameter_invalid", json=payload)
    assert error["field"] == "contacts"


def test_ticket_for_a_new_email_raises_a_lead(sandbox_api):
    payload = ticket_for("unused", contacts=[{"email": "walk-in@visitor.example"}])

    ticket = sandbox_api.ok("POST", "/tickets", json=payload)

    contact_id = ticket["contacts"]["contacts"][0]["id"]
    lead = sandbox_api.ok("GET", f"/contacts/{contact_id}")
    assert (lead["role"], lead["email"]) == ("lead", "walk-in@visitor.example")


def test_refused_ticket_raises_no_lead(sandbox_api):
    payload = ticket_for("unused", contacts=[{"email": "walk-in@visitor.example"}])
    payload["ticket_attributes"] = {"mood": "grumpy"}

    sandbox_api.error("POST", "/tickets", 400, "parameter_invalid", json=payload)

    assert sandbox_api.ok("GET", "/contacts")["total_count"] == 6


def test_ticket_with_an_unknown_attribute_is_rejected_by_name(sandbox_api):
    payload = ticket_for(contact_of(sandbox_api, "100"), ticket_attributes={"mood": "grumpy"})
    error = sandbox_api.error("POST", "/tickets", 400, "parameter_invalid", json=payload)
    assert "mood" in error["message"]
    assert error["field"] == "ticket_attributes.mood"


def test_unknown_ticket_is_ticket_not_found(sandbox_api):
    error = sandbox_api.error("GET", "/tickets/424242", 404, "ticket_not_found")
    assert error["message"] == "Ticket not found"
