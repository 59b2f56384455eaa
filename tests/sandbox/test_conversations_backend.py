"""The sandbox's conversations over HTTP: replies that append parts, and conversation search.

The default seed holds conversations "100" to "103", started four days to one day before
the clock; "100" and "103" have an admin reply, and "103" is closed.
"""

from __future__ import annotations

import pytest

from helpers import ids
from sandbox_helpers import SAM, contact_of, flt, group


def parts_of(conversation: dict) -> list[dict]:
    return conversation["conversation_parts"]["conversation_parts"]


def admin_reply(body: str = "<p>On it.</p>", **fields) -> dict:
    return {"type": "admin", "admin_id": SAM, "message_type": "comment", "body": body} | fields


def reply(api, conversation_id: str, payload: dict) -> dict:
    return api.ok("POST", f"/conversations/{conversation_id}/reply", json=payload)


# Replies


def test_admin_reply_appends_a_comment_part(sandbox_api):
    before = parts_of(sandbox_api.ok("GET", "/conversations/101"))

    after = parts_of(reply(sandbox_api, "101", admin_reply("<p>Use Settings, then Teammates.</p>")))

    assert len(after) == len(before) + 1
    part = after[-1]
    assert part["part_type"] == "comment"
    assert part["body"] == "<p>Use Settings, then Teammates.</p>"
    assert part["author"]["type"] == "admin"
    assert part["author"]["id"] == SAM


def test_admin_reply_is_kept(sandbox_api):
    reply(sandbox_api, "101", admin_reply("<p>Kept.</p>"))
    fetched = sandbox_api.ok("GET", "/conversations/101")
    assert parts_of(fetched)[-1]["body"] == "<p>Kept.</p>"
    assert fetched["conversation_parts"]["total_count"] == 1


def test_admin_note_appends_a_note_part(sandbox_api):
    answered = reply(sandbox_api, "101", admin_reply("<p>VIP</p>", message_type="note"))
    assert parts_of(answered)[-1]["part_type"] == "note"


def test_reply_moves_updated_at(sandbox_api, sandbox_clock):
    now = sandbox_clock.advance(90)

    answered = reply(sandbox_api, "100", admin_reply())

    assert answered["updated_at"] == now
    assert parts_of(answered)[-1]["created_at"] == now


def test_admin_comment_stops_the_wait(sandbox_api):
    assert sandbox_api.ok("GET", "/conversations/101")["waiting_since"] is not None
    answered = reply(sandbox_api, "101", admin_reply())
    assert answered["waiting_since"] is None
    assert answered["read"] is True


def test_reply_from_an_unknown_admin_is_admin_not_found(sandbox_api):
    sandbox_api.error(
        "POST",
        "/conversations/101/reply",
        404,
        "admin_not_found",
        json=admin_reply(admin_id="12345"),
    )


def test_admin_reply_without_admin_id_is_parameter_not_found(sandbox_api):
    payload = admin_reply()
    del payload["admin_id"]
    error = sandbox_api.error(
        "POST", "/conversations/101/reply", 400, "parameter_not_found", json=payload
    )
    assert error["field"] == "admin_id"


def test_reply_without_a_body_is_rejected(sandbox_api):
    payload = admin_reply()
    del payload["body"]
    error = sandbox_api.error(
        "POST", "/conversations/101/reply", 400, "parameter_invalid", json=payload
    )
    assert error["field"] == "body"


def test_rejected_reply_adds_no_part(sandbox_api):
    sandbox_api.call("POST", "/conversations/101/reply", json=admin_reply(admin_id="12345"))
    assert parts_of(sandbox_api.ok("GET", "/conversations/101")) == []


def test_reply_without_message_type_is_parameter_not_found(sandbox_api):
    payload = admin_reply()
    del payload["message_type"]
    sandbox_api.error("POST", "/conversations/101/reply", 400, "parameter_not_found", json=payload)


def test_user_may_not_leave_a_note(sandbox_api):
    payload = {
        "type": "user",
        "intercom_user_id": contact_of(sandbox_api, "101"),
        "message_type": "note",
        "body": "secret",
    }
    error = sandbox_api.error(
        "POST", "/conversations/101/reply", 400, "parameter_invalid", json=payload
    )
    assert error["field"] == "message_type"


def test_user_reply_reopens_a_closed_conversation(sandbox_api):
    assert sandbox_api.ok("GET", "/conversations/103")["state"] == "closed"
    payload = {
        "type": "user",
        "intercom_user_id": contact_of(sandbox_api, "103"),
        "message_type": "comment",
        "body": "Still no dark mode?",
    }

    answered = reply(sandbox_api, "103", payload)

    assert answered["state"] == "open"
    assert answered["open"] is True
    assert parts_of(answered)[-1]["author"]["type"] == "user"


def test_user_reply_by_email_finds_the_contact(sandbox_api):
    payload = {
        "type": "user",
        "email": "Peter@Initech.example",
        "message_type": "comment",
        "body": "Found it!",
    }
    answered = reply(sandbox_api, "101", payload)
    assert parts_of(answered)[-1]["author"]["email"] == "peter@initech.example"


def test_user_reply_sets_the_contacts_last_replied_at(sandbox_api, sandbox_clock):
    contact_id = contact_of(sandbox_api, "101")
    now = sandbox_clock.advance(30)
    payload = {
        "type": "user",
        "intercom_user_id": contact_id,
        "message_type": "comment",
        "body": "Thanks",
    }

    reply(sandbox_api, "101", payload)

    assert sandbox_api.ok("GET", f"/contacts/{contact_id}")["last_replied_at"] == now


def test_admin_note_leaves_a_closed_conversation_closed(sandbox_api):
    answered = reply(sandbox_api, "103", admin_reply("<p>FYI</p>", message_type="note"))
    assert answered["state"] == "closed"


def test_reply_to_an_unknown_conversation_is_not_found(sandbox_api):
    sandbox_api.error("POST", "/conversations/999/reply", 404, "not_found", json=admin_reply())


# Conversation search


def ids_found(api, query, **extra) -> list[str]:
    return ids(api.search("conversations", query, **extra)["conversations"])


def created_at(api, conversation_id: str) -> int:
    return api.ok("GET", f"/conversations/{conversation_id}")["created_at"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (flt("state", "=", "closed"), {"103"}),
        (flt("state", "!=", "closed"), {"100", "101", "102"}),
        (flt("id", "IN", ["100", "102", "999"]), {"100", "102"}),
        (flt("id", "NIN", ["100", "102"]), {"101", "103"}),
        (flt("source.subject", "~", "vat"), {"102"}),
        (flt("source.subject", "!~", "csv"), {"101", "102", "103"}),
        (flt("source.subject", "^", "how do"), {"101"}),
        (flt("source.subject", "$", "dark mode"), {"103"}),
    ],
    ids=["=", "!=", "IN", "NIN", "~", "!~", "^", "$"],
)
def test_conversation_search_string_operators(sandbox_api, query, expected):
    assert set(ids_found(sandbox_api, query)) == expected


def test_conversation_search_less_than_includes_the_bound(sandbox_api):
    query = flt("created_at", "<", created_at(sandbox_api, "101"))
    assert set(ids_found(sandbox_api, query)) == {"100", "101"}


def test_conversation_search_greater_than_includes_the_bound(sandbox_api):
    query = flt("created_at", ">", created_at(sandbox_api, "102"))
    assert set(ids_found(sandbox_api, query)) == {"102", "103"}


def test_conversation_search_by_contact(sandbox_api):
    query = flt("contact_ids", "=", contact_of(sandbox_api, "102"))
    assert ids_found(sandbox_api, query) == ["102"]


def test_conversation_search_nested_groups(sandbox_api):
    either = group("OR", flt("id", "=", "100"), flt("id", "=", "103"))
    query = group("AND", flt("state", "=", "open"), either)
    assert ids_found(sandbox_api, query) == ["100"]


def test_conversation_search_sorts_by_created_at(sandbox_api):
    everything = flt("id", "!=", "0")
    newest = ids_found(sandbox_api, everything, sort={"field": "created_at", "order": "descending"})
    oldest = ids_found(sandbox_api, everything, sort={"field": "created_at", "order": "ascending"})
    assert newest == ["103", "102", "101", "100"]
    assert oldest == ["100", "101", "102", "103"]


def test_conversation_search_pages_with_starting_after(sandbox_api):
    query = flt("id", "!=", "0")
    sort = {"field": "created_at", "order": "ascending"}
    first = sandbox_api.search("conversations", query, sort=sort, pagination={"per_page": 3})
    cursor = first["pages"]["next"]["starting_after"]

    second = sandbox_api.search(
        "conversations", query, sort=sort, pagination={"per_page": 3, "starting_after": cursor}
    )

    assert ids(first["conversations"]) == ["100", "101", "102"]
    assert ids(second["conversations"]) == ["103"]
    assert "next" not in second["pages"]
    assert second["total_count"] == 4


def test_conversation_search_leaves_out_parts(sandbox_api):
    found = sandbox_api.search("conversations", flt("id", "=", "100"))["conversations"][0]
    assert "conversation_parts" not in found


def test_conversation_search_nested_three_levels_deep_is_rejected(sandbox_api):
    inner = group("AND", flt("state", "=", "open"))
    query = group("OR", group("AND", inner))
    sandbox_api.error("POST", "/conversations/search", 400, "query_invalid", json={"query": query})


def test_conversation_search_group_of_sixteen_filters_is_rejected(sandbox_api):
    query = group("AND", *[flt("id", "!=", str(n)) for n in range(16)])
    sandbox_api.error("POST", "/conversations/search", 400, "query_invalid", json={"query": query})


def test_conversation_search_with_a_non_string_sort_field_is_rejected(sandbox_api):
    error = sandbox_api.error(
        "POST",
        "/conversations/search",
        400,
        "parameter_invalid",
        json={"query": flt("id", "=", "100"), "sort": {"field": 5}},
    )
    assert error["field"] == "sort.field"


def test_search_without_a_query_is_parameter_not_found(sandbox_api):
    error = sandbox_api.error("POST", "/conversations/search", 400, "parameter_not_found", json={})
    assert error["field"] == "query"
