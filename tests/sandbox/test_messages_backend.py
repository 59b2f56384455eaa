"""The sandbox's messages over HTTP: an admin writes to a user or lead, opening a conversation."""

from __future__ import annotations

from helpers import ids
from sandbox_helpers import INES, NO_SUCH_CONTACT, contact_of, flt


def message(contact_id: str, role: str = "user", **fields) -> dict:
    return {
        "message_type": "inapp",
        "body": "Your export is ready.",
        "from": {"type": "admin", "id": INES},
        "to": {"type": role, "id": contact_id},
    } | fields


def test_inapp_message_opens_a_conversation(sandbox_api):
    contact_id = contact_of(sandbox_api, "100")

    sent = sandbox_api.ok("POST", "/messages", json=message(contact_id))

    assert sent["type"] == "admin_message"
    assert sent["message_type"] == "inapp"
    assert sent["owner"]["id"] == INES
    conversation = sandbox_api.ok("GET", f"/conversations/{sent['conversation_id']}")
    assert conversation["source"]["body"] == "Your export is ready."
    assert conversation["source"]["author"]["id"] == INES
    assert ids(conversation["contacts"]["contacts"]) == [contact_id]


def test_message_conversation_is_listed(sandbox_api):
    sent = sandbox_api.ok("POST", "/messages", json=message(contact_of(sandbox_api, "100")))
    listed = sandbox_api.ok("GET", "/conversations")
    assert sent["conversation_id"] in ids(listed["conversations"])
    assert listed["total_count"] == 5


def test_email_message_carries_its_subject(sandbox_api):
    payload = message(contact_of(sandbox_api, "100"), message_type="email", subject="Export")

    sent = sandbox_api.ok("POST", "/messages", json=payload)

    assert sent["subject"] == "Export"
    conversation = sandbox_api.ok("GET", f"/conversations/{sent['conversation_id']}")
    assert conversation["source"]["type"] == "email"
    assert conversation["source"]["subject"] == "Export"


def test_email_message_without_subject_is_unprocessable(sandbox_api):
    payload = message(contact_of(sandbox_api, "100"), message_type="email")
    error = sandbox_api.error("POST", "/messages", 422, "parameter_not_found", json=payload)
    assert "subject" in error["message"]


def test_message_type_in_app_with_underscore_is_rejected(sandbox_api):
    payload = message(contact_of(sandbox_api, "100"), message_type="in_app")
    error = sandbox_api.error("POST", "/messages", 400, "parameter_invalid", json=payload)
    assert error["field"] == "message_type"


def test_message_from_an_unknown_admin_is_admin_not_found(sandbox_api):
    payload = message(contact_of(sandbox_api, "100"), **{"from": {"type": "admin", "id": "1"}})
    sandbox_api.error("POST", "/messages", 404, "admin_not_found", json=payload)


def test_message_to_an_unknown_contact_is_not_found(sandbox_api):
    sandbox_api.error("POST", "/messages", 404, "not_found", json=message(NO_SUCH_CONTACT))


def test_message_to_a_user_addressed_as_lead_is_not_found(sandbox_api):
    payload = message(contact_of(sandbox_api, "100"), role="lead")
    sandbox_api.error("POST", "/messages", 404, "not_found", json=payload)


def test_message_to_a_lead(sandbox_api):
    lead = sandbox_api.search("contacts", flt("role", "=", "lead"))["data"][0]

    sent = sandbox_api.ok("POST", "/messages", json=message(lead["id"], role="lead"))

    conversation = sandbox_api.ok("GET", f"/conversations/{sent['conversation_id']}")
    assert conversation["contacts"]["contacts"][0]["id"] == lead["id"]


def test_rejected_message_opens_no_conversation(sandbox_api):
    sandbox_api.call("POST", "/messages", json=message(contact_of(sandbox_api, "100"), role="lead"))
    assert sandbox_api.ok("GET", "/conversations")["total_count"] == 4
