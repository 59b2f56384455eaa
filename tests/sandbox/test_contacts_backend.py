"""The sandbox's contacts over HTTP: create, fetch, update, list, delete, uniqueness, search."""

from __future__ import annotations

import pytest

from helpers import DAY, HOUR, ids
from sandbox_helpers import NO_SUCH_CONTACT, flt, group


def create(api, **fields):
    return api.ok("POST", "/contacts", json=fields)


def list_all(api, per_page: int) -> list[dict]:
    """Every page of `GET /contacts`, following `pages.next.starting_after`."""
    pages = [api.ok("GET", f"/contacts?per_page={per_page}")]
    while "next" in pages[-1]["pages"]:
        cursor = pages[-1]["pages"]["next"]["starting_after"]
        pages.append(api.ok("GET", f"/contacts?per_page={per_page}&starting_after={cursor}"))
    return pages


# Create, fetch, update


def test_created_contact_can_be_fetched(empty_sandbox_api):
    created = create(empty_sandbox_api, email="ada@lovelace.example", name="Ada Lovelace")

    fetched = empty_sandbox_api.ok("GET", f"/contacts/{created['id']}")

    assert fetched == created
    assert fetched["type"] == "contact"
    assert fetched["email"] == "ada@lovelace.example"
    assert fetched["email_domain"] == "lovelace.example"
    assert fetched["name"] == "Ada Lovelace"


def test_contact_created_without_role_is_a_user(empty_sandbox_api):
    assert create(empty_sandbox_api, email="ada@lovelace.example")["role"] == "user"


def test_contact_needs_email_external_id_or_role(empty_sandbox_api):
    error = empty_sandbox_api.error(
        "POST", "/contacts", 400, "parameter_invalid", json={"name": "Nobody"}
    )
    assert "email" in error["message"]


def test_update_changes_the_fields_given(empty_sandbox_api):
    contact = create(empty_sandbox_api, email="ada@lovelace.example", name="Ada")

    empty_sandbox_api.ok("PUT", f"/contacts/{contact['id']}", json={"name": "Ada Lovelace"})

    fetched = empty_sandbox_api.ok("GET", f"/contacts/{contact['id']}")
    assert fetched["name"] == "Ada Lovelace"
    assert fetched["email"] == "ada@lovelace.example"


def test_update_moves_updated_at_and_keeps_created_at(empty_sandbox_api, sandbox_clock):
    contact = create(empty_sandbox_api, email="ada@lovelace.example")
    later = sandbox_clock.advance(HOUR)

    updated = empty_sandbox_api.ok("PUT", f"/contacts/{contact['id']}", json={"name": "Ada"})

    assert updated["updated_at"] == later
    assert updated["created_at"] == contact["created_at"] == later - HOUR


def test_update_merges_custom_attributes(empty_sandbox_api):
    contact = create(
        empty_sandbox_api, email="ada@lovelace.example", custom_attributes={"seats": 3}
    )

    updated = empty_sandbox_api.ok(
        "PUT", f"/contacts/{contact['id']}", json={"custom_attributes": {"plan_tier": "pro"}}
    )

    assert updated["custom_attributes"] == {"seats": 3, "plan_tier": "pro"}


def test_unknown_contact_is_not_found_in_intercom_shape(empty_sandbox_api):
    error = empty_sandbox_api.error("GET", f"/contacts/{NO_SUCH_CONTACT}", 404, "not_found")
    assert error["message"] == "User Not Found"


# Listing


def test_listing_follows_the_cursor_to_the_last_page(empty_sandbox_api):
    created = [create(empty_sandbox_api, email=f"c{n}@list.example")["id"] for n in range(5)]

    pages = list_all(empty_sandbox_api, per_page=2)

    assert [ids(page["data"]) for page in pages] == [created[0:2], created[2:4], created[4:5]]
    assert [page["pages"]["page"] for page in pages] == [1, 2, 3]
    assert {page["pages"]["total_pages"] for page in pages} == {3}
    assert {page["total_count"] for page in pages} == {5}


def test_last_page_has_no_next(empty_sandbox_api):
    for n in range(3):
        create(empty_sandbox_api, email=f"c{n}@list.example")

    pages = list_all(empty_sandbox_api, per_page=2)

    assert "next" in pages[0]["pages"]
    assert "next" not in pages[-1]["pages"]


def test_listing_neither_repeats_nor_skips_when_an_earlier_contact_is_deleted(empty_sandbox_api):
    created = [create(empty_sandbox_api, email=f"c{n}@list.example")["id"] for n in range(5)]
    first = empty_sandbox_api.ok("GET", "/contacts?per_page=2")
    cursor = first["pages"]["next"]["starting_after"]

    empty_sandbox_api.ok("DELETE", f"/contacts/{created[0]}")
    second = empty_sandbox_api.ok("GET", f"/contacts?per_page=2&starting_after={cursor}")

    assert ids(second["data"]) == created[2:4]


def test_listing_resumes_after_a_deleted_last_contact_of_the_page(empty_sandbox_api):
    created = [create(empty_sandbox_api, email=f"c{n}@list.example")["id"] for n in range(5)]
    first = empty_sandbox_api.ok("GET", "/contacts?per_page=2")
    cursor = first["pages"]["next"]["starting_after"]

    empty_sandbox_api.ok("DELETE", f"/contacts/{created[1]}")
    second = empty_sandbox_api.ok("GET", f"/contacts?per_page=2&starting_after={cursor}")

    assert ids(second["data"]) == created[2:4]


def test_listing_takes_at_most_150_per_page(empty_sandbox_api):
    error = empty_sandbox_api.error("GET", "/contacts?per_page=151", 400, "parameter_invalid")
    assert error["field"] == "per_page"


def test_a_cursor_the_api_never_returned_is_rejected(empty_sandbox_api):
    error = empty_sandbox_api.error(
        "GET", "/contacts?starting_after=not-a-cursor", 400, "parameter_invalid"
    )
    assert error["field"] == "starting_after"


# Delete


def test_delete_answers_with_the_deleted_reference(empty_sandbox_api):
    contact = create(empty_sandbox_api, email="ada@lovelace.example", external_id="ada-1")

    deleted = empty_sandbox_api.ok("DELETE", f"/contacts/{contact['id']}")

    assert deleted == {
        "type": "contact",
        "id": contact["id"],
        "external_id": "ada-1",
        "deleted": True,
    }


def test_deleted_contact_is_not_found(empty_sandbox_api):
    contact = create(empty_sandbox_api, email="ada@lovelace.example")
    empty_sandbox_api.ok("DELETE", f"/contacts/{contact['id']}")

    error = empty_sandbox_api.error("GET", f"/contacts/{contact['id']}", 404, "not_found")

    assert error["message"] == "User Not Found"


def test_deleting_a_contact_frees_its_email_and_external_id(empty_sandbox_api):
    contact = create(empty_sandbox_api, email="ada@lovelace.example", external_id="ada-1")
    empty_sandbox_api.ok("DELETE", f"/contacts/{contact['id']}")

    again = create(empty_sandbox_api, email="ada@lovelace.example", external_id="ada-1")

    assert again["id"] != contact["id"]


# Uniqueness


def test_duplicate_user_email_is_a_conflict(empty_sandbox_api):
    first = create(empty_sandbox_api, email="ada@lovelace.example")

    error = empty_sandbox_api.error(
        "POST", "/contacts", 409, "conflict", json={"email": "ada@lovelace.example"}
    )

    assert first["id"] in error["message"]


def test_duplicate_email_ignores_case(empty_sandbox_api):
    create(empty_sandbox_api, email="ada@lovelace.example")
    empty_sandbox_api.error(
        "POST", "/contacts", 409, "conflict", json={"email": "ADA@Lovelace.example"}
    )


def test_a_lead_may_share_a_users_email(empty_sandbox_api):
    user = create(empty_sandbox_api, email="ada@lovelace.example")

    lead = create(empty_sandbox_api, email="ada@lovelace.example", role="lead")

    assert lead["role"] == "lead"
    assert lead["id"] != user["id"]


def test_duplicate_external_id_is_a_conflict(empty_sandbox_api):
    create(empty_sandbox_api, external_id="crm-42", role="lead")
    empty_sandbox_api.error(
        "POST", "/contacts", 409, "conflict", json={"external_id": "crm-42", "role": "user"}
    )


def test_update_to_another_users_email_is_a_conflict(empty_sandbox_api):
    create(empty_sandbox_api, email="ada@lovelace.example")
    grace = create(empty_sandbox_api, email="grace@navy.example")

    empty_sandbox_api.error(
        "PUT",
        f"/contacts/{grace['id']}",
        409,
        "conflict",
        json={"email": "ada@lovelace.example"},
    )


def test_update_keeping_its_own_email_is_no_conflict(empty_sandbox_api):
    ada = create(empty_sandbox_api, email="ada@lovelace.example")
    updated = empty_sandbox_api.ok(
        "PUT", f"/contacts/{ada['id']}", json={"email": "ada@lovelace.example", "name": "Ada"}
    )
    assert updated["name"] == "Ada"


# Custom attributes


def test_defined_custom_attributes_are_stored(empty_sandbox_api):
    attributes = {
        "plan_tier": "pro",
        "seats": 12,
        "beta_tester": True,
        "renewal_date": 1_767_225_600,
    }

    contact = create(empty_sandbox_api, email="ada@lovelace.example", custom_attributes=attributes)

    assert contact["custom_attributes"] == attributes


def test_undefined_contact_custom_attribute_is_rejected_by_name(empty_sandbox_api):
    error = empty_sandbox_api.error(
        "POST",
        "/contacts",
        400,
        "parameter_invalid",
        json={"email": "ada@lovelace.example", "custom_attributes": {"favourite_colour": "red"}},
    )
    assert "favourite_colour" in error["message"]
    assert error["field"] == "custom_attributes.favourite_colour"


def test_undefined_custom_attribute_is_rejected_on_update(empty_sandbox_api):
    contact = create(empty_sandbox_api, email="ada@lovelace.example")
    empty_sandbox_api.error(
        "PUT",
        f"/contacts/{contact['id']}",
        400,
        "parameter_invalid",
        json={"custom_attributes": {"favourite_colour": "red"}},
    )


def test_custom_attribute_of_the_wrong_type_is_rejected(empty_sandbox_api):
    error = empty_sandbox_api.error(
        "POST",
        "/contacts",
        400,
        "parameter_invalid",
        json={"email": "ada@lovelace.example", "custom_attributes": {"seats": "twelve"}},
    )
    assert error["field"] == "custom_attributes.seats"
    assert "integer" in error["message"]


def test_rejected_contact_is_not_created(empty_sandbox_api):
    empty_sandbox_api.call(
        "POST",
        "/contacts",
        json={"email": "ada@lovelace.example", "custom_attributes": {"seats": "twelve"}},
    )
    assert empty_sandbox_api.ok("GET", "/contacts")["total_count"] == 0


# Search


@pytest.fixture
def people(empty_sandbox_api, sandbox_clock):
    """Three contacts created a day apart: {short name: contact}."""
    made = {}
    for short, name, email, role in [
        ("ada", "Ada Lovelace", "ada@lovelace.example", "user"),
        ("grace", "Grace Hopper", "grace@navy.example", "user"),
        ("alan", "Alan Turing", "alan@bletchley.example", "lead"),
    ]:
        made[short] = create(empty_sandbox_api, name=name, email=email, role=role)
        sandbox_clock.advance(DAY)
    return made


def names_found(api, query, **extra) -> list[str]:
    return [each["name"] for each in api.search("contacts", query, **extra)["data"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (flt("name", "=", "grace hopper"), {"Grace Hopper"}),
        (flt("role", "!=", "user"), {"Alan Turing"}),
        (
            flt("email", "IN", ["ada@lovelace.example", "alan@bletchley.example"]),
            {"Ada Lovelace", "Alan Turing"},
        ),
        (flt("email", "NIN", ["ada@lovelace.example"]), {"Grace Hopper", "Alan Turing"}),
        (flt("name", "~", "hop"), {"Grace Hopper"}),
        (flt("name", "!~", "an"), {"Ada Lovelace", "Grace Hopper"}),
        (flt("email", "^", "gr"), {"Grace Hopper"}),
        (flt("email", "$", "bletchley.example"), {"Alan Turing"}),
    ],
    ids=["=", "!=", "IN", "NIN", "~", "!~", "^", "$"],
)
def test_search_string_operators(empty_sandbox_api, people, query, expected):
    assert set(names_found(empty_sandbox_api, query)) == expected


def test_search_less_than_a_day_finds_contacts_created_before_it(empty_sandbox_api, people):
    query = flt("created_at", "<", people["grace"]["created_at"])
    assert names_found(empty_sandbox_api, query) == ["Ada Lovelace"]


def test_search_greater_than_a_day_finds_contacts_created_after_it(empty_sandbox_api, people):
    query = flt("created_at", ">", people["ada"]["created_at"])
    assert set(names_found(empty_sandbox_api, query)) == {"Grace Hopper", "Alan Turing"}


def test_search_and_group_needs_every_filter(empty_sandbox_api, people):
    query = group("AND", flt("role", "=", "user"), flt("name", "~", "a"))
    assert set(names_found(empty_sandbox_api, query)) == {"Ada Lovelace", "Grace Hopper"}


def test_search_or_groups_nested_in_an_and_group(empty_sandbox_api, people):
    either = group("OR", flt("name", "^", "ada"), flt("name", "^", "alan"))
    query = group("AND", flt("role", "=", "user"), either)
    assert names_found(empty_sandbox_api, query) == ["Ada Lovelace"]


def test_search_and_groups_nested_in_an_or_group(empty_sandbox_api, people):
    lead_alan = group("AND", flt("role", "=", "lead"), flt("name", "^", "alan"))
    navy_user = group("AND", flt("role", "=", "user"), flt("email", "~", "navy"))
    query = group("OR", lead_alan, navy_user)
    assert set(names_found(empty_sandbox_api, query)) == {"Alan Turing", "Grace Hopper"}


def test_search_sorts_descending(empty_sandbox_api, people):
    sort = {"field": "name", "order": "descending"}
    names = names_found(empty_sandbox_api, flt("role", "!=", "visitor"), sort=sort)
    assert names == ["Grace Hopper", "Alan Turing", "Ada Lovelace"]


def test_search_sorts_ascending(empty_sandbox_api, people):
    sort = {"field": "email", "order": "ascending"}
    names = names_found(empty_sandbox_api, flt("role", "!=", "visitor"), sort=sort)
    assert names == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]


def test_search_pages_with_starting_after(empty_sandbox_api, people):
    query = flt("email", "~", "example")
    sort = {"field": "name", "order": "ascending"}
    first = empty_sandbox_api.search("contacts", query, sort=sort, pagination={"per_page": 2})
    cursor = first["pages"]["next"]["starting_after"]

    second = empty_sandbox_api.search(
        "contacts", query, sort=sort, pagination={"per_page": 2, "starting_after": cursor}
    )

    assert [each["name"] for each in first["data"]] == ["Ada Lovelace", "Alan Turing"]
    assert [each["name"] for each in second["data"]] == ["Grace Hopper"]
    assert second["total_count"] == 3
    assert second["pages"]["page"] == 2
    assert "next" not in second["pages"]


def test_search_finds_a_created_contact(sandbox_api):
    created = create(sandbox_api, email="new@person.example", name="New Person")

    found = sandbox_api.search("contacts", flt("email", "=", "new@person.example"))

    assert found["total_count"] == 1
    assert found["data"] == [created]


def test_search_by_custom_attribute(sandbox_api):
    found = sandbox_api.search("contacts", flt("custom_attributes.plan_tier", "=", "enterprise"))
    assert [each["email"] for each in found["data"]] == ["hank@globex.example"]


def test_search_nested_three_levels_deep_is_rejected(empty_sandbox_api):
    inner = group("AND", flt("name", "=", "a"))
    middle = group("OR", inner)
    query = group("AND", middle)

    error = empty_sandbox_api.error(
        "POST", "/contacts/search", 400, "query_invalid", json={"query": query}
    )

    assert "deep" in error["message"]


def test_search_group_of_sixteen_filters_is_rejected(empty_sandbox_api):
    query = group("OR", *[flt("name", "=", f"n{n}") for n in range(16)])

    error = empty_sandbox_api.error(
        "POST", "/contacts/search", 400, "query_invalid", json={"query": query}
    )

    assert "15" in error["message"]


def test_search_group_of_fifteen_filters_is_accepted(empty_sandbox_api, people):
    filters = [flt("name", "=", f"n{n}") for n in range(14)] + [flt("name", "^", "ada")]
    assert names_found(empty_sandbox_api, group("OR", *filters)) == ["Ada Lovelace"]
