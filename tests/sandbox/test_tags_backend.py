"""Tags over HTTP: created or renamed, applied to contacts and conversations at most once.

The default seed holds two tags, "VIP" (7522901) and "Churn risk" (7522902).
"""

from __future__ import annotations

from helpers import ids
from sandbox_helpers import FIRST_CONTACT, INES, SAM

VIP = "7522901"
CONTACT_TAGS = f"/contacts/{FIRST_CONTACT}/tags"


def test_the_seed_holds_two_tags(sandbox_api):
    listed = sandbox_api.ok("GET", "/tags")
    assert [tag["name"] for tag in listed["data"]] == ["VIP", "Churn risk"]


def test_create_adds_a_tag_to_the_list(sandbox_api):
    created = sandbox_api.ok("POST", "/tags", json={"name": "Urgent"})
    assert created["id"] in ids(sandbox_api.ok("GET", "/tags")["data"])


def test_create_with_an_existing_name_returns_that_tag(sandbox_api):
    again = sandbox_api.ok("POST", "/tags", json={"name": "vip"})
    assert again["id"] == VIP
    assert len(sandbox_api.ok("GET", "/tags")["data"]) == 2


def test_create_with_an_id_renames_the_tag(sandbox_api):
    renamed = sandbox_api.ok("POST", "/tags", json={"id": VIP, "name": "Key account"})
    assert (renamed["id"], renamed["name"]) == (VIP, "Key account")
    assert sandbox_api.ok("GET", f"/tags/{VIP}")["name"] == "Key account"


def test_renaming_a_tag_renames_it_where_it_is_applied(sandbox_api):
    sandbox_api.ok("POST", "/conversations/100/tags", json={"id": VIP, "admin_id": INES})
    sandbox_api.ok("POST", "/tags", json={"id": VIP, "name": "Key account"})
    tags = sandbox_api.ok("GET", "/conversations/100")["tags"]["tags"]
    assert [tag["name"] for tag in tags] == ["Key account"]


def test_renaming_to_another_tags_name_is_refused(sandbox_api):
    sandbox_api.error(
        "POST", "/tags", 400, "parameter_invalid", json={"id": VIP, "name": "Churn risk"}
    )


def test_an_empty_name_is_invalid_tag_parameters(sandbox_api):
    error = sandbox_api.error("POST", "/tags", 400, "parameter_invalid", json={"name": " "})
    assert error["message"] == "invalid tag parameters"


def test_tagging_a_contact_shows_in_its_tags(sandbox_api):
    applied = sandbox_api.ok("POST", CONTACT_TAGS, json={"id": VIP})
    assert applied["applied_by"] == {"type": "admin", "id": INES}
    contact = sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")
    assert ids(contact["tags"]["data"]) == [VIP]
    assert ids(sandbox_api.ok("GET", CONTACT_TAGS)["data"]) == [VIP]


def test_a_tag_applied_twice_is_applied_once(sandbox_api, sandbox_clock):
    first = sandbox_api.ok("POST", CONTACT_TAGS, json={"id": VIP})
    sandbox_clock.advance(60)
    second = sandbox_api.ok("POST", CONTACT_TAGS, json={"id": VIP})
    assert second["applied_at"] == first["applied_at"]
    assert sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")["tags"]["total_count"] == 1


def test_an_unknown_tag_cannot_be_applied(sandbox_api):
    error = sandbox_api.error("POST", CONTACT_TAGS, 404, "not_found", json={"id": "9"})
    assert error["message"] == "Resource Not Found"
    assert sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")["tags"]["total_count"] == 0


def test_untagging_removes_the_tag_from_the_contact(sandbox_api):
    sandbox_api.ok("POST", CONTACT_TAGS, json={"id": VIP})
    removed = sandbox_api.ok("DELETE", f"{CONTACT_TAGS}/{VIP}")
    assert removed["id"] == VIP
    assert sandbox_api.ok("GET", CONTACT_TAGS)["data"] == []


def test_untagging_a_tag_the_contact_lacks_leaves_it_as_it_is(sandbox_api):
    assert sandbox_api.ok("DELETE", f"{CONTACT_TAGS}/{VIP}")["id"] == VIP
    assert sandbox_api.ok("GET", CONTACT_TAGS)["data"] == []


def test_tagging_a_conversation_records_the_admin(sandbox_api):
    applied = sandbox_api.ok("POST", "/conversations/101/tags", json={"id": VIP, "admin_id": SAM})
    assert applied["applied_by"]["id"] == SAM
    tags = sandbox_api.ok("GET", "/conversations/101")["tags"]["tags"]
    assert ids(tags) == [VIP]


def test_a_conversation_tag_applied_twice_is_applied_once(sandbox_api):
    for _ in range(2):
        sandbox_api.ok("POST", "/conversations/101/tags", json={"id": VIP, "admin_id": SAM})
    assert len(sandbox_api.ok("GET", "/conversations/101")["tags"]["tags"]) == 1


def test_tagging_a_conversation_needs_an_admin_id(sandbox_api):
    sandbox_api.error(
        "POST", "/conversations/101/tags", 400, "parameter_not_found", json={"id": VIP}
    )


def test_tagging_a_conversation_as_an_unknown_admin_is_admin_not_found(sandbox_api):
    sandbox_api.error(
        "POST", "/conversations/101/tags", 404, "admin_not_found", json={"id": VIP, "admin_id": "9"}
    )
