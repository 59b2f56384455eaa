"""Tests of the sandbox's search grammar: validation, matching and sorting."""

from __future__ import annotations

import time

import pytest

from helpers import DAY, HOUR, ids
from sandbox_helpers import flt, group
from sim_intercom.sandbox.errors import InvalidQuery
from sim_intercom.sandbox.search import compile_query, sort_records

JAN_1_2020 = 1_577_836_800


def model_of(record):
    return "conversation" if record.get("type") == "conversation" else "contact"


def matches(record, query):
    """Whether `record` (as the API renders it) satisfies `query`, for the record's model."""
    return compile_query(query, model_of(record))(record)


def validate_query(query, model):
    """Raise InvalidQuery where Intercom would refuse `query` for a `model` search."""
    compile_query(query, model)


def contact(**fields):
    return {"type": "contact", "id": "c1", "role": "user"} | fields


def conversation(**fields):
    return {"type": "conversation", "id": "1"} | fields


ADA = contact(
    name="Ada Lovelace",
    email="Ada@Example.com",
    owner_id=42,
    created_at=JAN_1_2020 + 9 * HOUR,
    unsubscribed_from_emails=False,
    location={"type": "location", "country": "Ireland", "city": "Dublin"},
    tags={"data": [{"type": "tag", "id": "11"}, {"type": "tag", "id": "12"}]},
    companies={"data": [{"type": "company", "id": "co_1"}]},
    custom_attributes={"plan": "Pro", "seats": 5, "vip": True},
)


def assert_operator(field, operator, hit, miss, record=ADA):
    assert matches(record, flt(field, operator, hit))
    assert not matches(record, flt(field, operator, miss))


@pytest.mark.parametrize(
    ("field", "operator", "hit", "miss"),
    [
        ("name", "=", "Ada Lovelace", "Ada"),
        ("name", "!=", "Grace", "Ada Lovelace"),
        ("name", "~", "love", "grace"),
        ("name", "!~", "grace", "love"),
        ("name", "^", "ada", "love"),
        ("name", "$", "lace", "ada"),
        ("owner_id", "=", 42, 41),
        ("owner_id", "!=", 41, 42),
        ("owner_id", "<", 43, 42),
        ("owner_id", ">", 41, 42),
        ("owner_id", "<=", 42, 41),
        ("owner_id", ">=", 42, 43),
        ("unsubscribed_from_emails", "=", False, True),
        ("unsubscribed_from_emails", "!=", True, False),
    ],
)
def test_each_contact_operator_matches_and_rejects(field, operator, hit, miss):
    assert_operator(field, operator, hit, miss)


def test_in_and_nin_take_lists():
    assert_operator("email", "IN", ["x@y.com", "ada@example.com"], ["x@y.com"])
    assert_operator("email", "NIN", ["x@y.com"], ["x@y.com", "ada@example.com"])
    assert_operator("owner_id", "IN", [1, 42], [1, 2])


def test_contact_dates_match_by_calendar_day():
    assert_operator("created_at", "=", JAN_1_2020, JAN_1_2020 + DAY)
    assert_operator("created_at", ">", JAN_1_2020 - DAY, JAN_1_2020 + HOUR)
    assert_operator("created_at", "<", JAN_1_2020 + DAY, JAN_1_2020 + 23 * HOUR)


def test_timestamp_given_as_digit_string_is_accepted():
    assert matches(ADA, flt("created_at", ">", str(JAN_1_2020 - DAY)))


def test_string_comparison_ignores_case():
    assert matches(ADA, flt("email", "=", "ADA@example.COM"))
    assert matches(ADA, flt("location.country", "^", "IRE"))


def test_equals_null_matches_missing_value():
    assert matches(ADA, flt("phone", "=", None))
    assert not matches(ADA, flt("email", "=", None))
    assert matches(ADA, flt("email", "!=", None))


def test_email_domain_is_derived_from_email():
    assert_operator("email_domain", "=", "example.com", "example.org")


def test_tag_id_matches_any_of_the_contacts_tags():
    assert_operator("tag_id", "=", "12", "13")
    assert_operator("tag_id", "!=", "13", "11")
    assert not matches(contact(), flt("tag_id", "=", "11"))


def test_company_id_matches_any_of_the_contacts_companies():
    assert_operator("company_id", "=", "co_1", "co_2")


def test_custom_attribute_type_follows_the_value():
    assert_operator("custom_attributes.plan", "=", "pro", "free")
    assert_operator("custom_attributes.seats", ">=", 5, 6)
    assert_operator("custom_attributes.vip", "=", True, False)
    assert matches(ADA, flt("custom_attributes.missing", "=", None))


def test_custom_attribute_rejects_operator_of_inferred_type():
    with pytest.raises(InvalidQuery, match=r"custom_attributes\.plan"):
        validate_query(flt("custom_attributes.plan", ">", "a"), "contact")


def test_nested_and_or_groups_two_levels():
    query = group(
        "AND",
        group("OR", flt("name", "~", "grace"), flt("tag_id", "=", "11")),
        group("OR", flt("owner_id", "=", 1), flt("location.city", "=", "dublin")),
    )
    validate_query(query, "contact")
    assert matches(ADA, query)
    assert not matches(contact(name="Grace", owner_id=2), query)


def test_or_group_matches_when_one_filter_does():
    query = group("OR", flt("name", "=", "nobody"), flt("owner_id", "=", 42))
    assert matches(ADA, query)


def test_third_level_of_groups_is_rejected():
    query = group("AND", group("OR", group("AND", flt("name", "=", "a"))))
    with pytest.raises(InvalidQuery, match="2 levels") as error:
        validate_query(query, "contact")
    assert error.value.field == "query.value[0].value[0]"


def test_group_of_fifteen_filters_is_accepted():
    validate_query(group("OR", *[flt("owner_id", "=", n) for n in range(15)]), "contact")


def test_group_of_sixteen_filters_is_rejected():
    with pytest.raises(InvalidQuery, match="16"):
        validate_query(group("OR", *[flt("owner_id", "=", n) for n in range(16)]), "contact")


def test_empty_group_is_rejected():
    with pytest.raises(InvalidQuery, match="at least one"):
        validate_query(group("AND"), "contact")


@pytest.mark.parametrize(
    ("field", "operator", "value"),
    [
        ("created_at", "~", 1),
        ("created_at", ">=", 1),
        ("created_at", "!=", 1),
        ("created_at", "IN", [1]),
        ("name", "<", "a"),
        ("unsubscribed_from_emails", ">", True),
        ("tag_id", "IN", ["1"]),
        ("tag_id", "~", "1"),
    ],
)
def test_operator_not_supported_by_field_type_is_rejected(field, operator, value):
    with pytest.raises(InvalidQuery, match=f"{operator!r}.*{field!r}") as error:
        validate_query(flt(field, operator, value), "contact")
    assert error.value.code == "query_invalid"
    assert error.value.field == "query.operator"


def test_unknown_field_is_rejected():
    with pytest.raises(InvalidQuery, match="'shoe_size' is not a searchable contact field"):
        validate_query(flt("shoe_size", "=", 1), "contact")


def test_contact_field_is_unknown_to_conversation_search():
    with pytest.raises(InvalidQuery, match="conversation"):
        validate_query(flt("email", "=", "a@b.c"), "conversation")


def test_date_value_must_be_a_timestamp():
    with pytest.raises(InvalidQuery, match="Unix timestamp"):
        validate_query(flt("created_at", "=", "foobar"), "contact")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("email = x", "query must be an object"),
        ([flt("name", "=", "a")], "query must be an object"),
        ({"field": "name", "value": "a"}, "missing 'operator'"),
        ({"field": "name", "operator": "="}, "missing 'value'"),
        ({"operator": "=", "value": "a"}, "missing 'field'"),
        (flt("name", "LIKE", "a"), "unknown operator 'LIKE'"),
        (flt("name", "=", "a") | {"extra": 1}, "unknown key 'extra'"),
        (flt(7, "=", "a"), "field must be a non-empty string"),
        (flt("name", "IN", "a"), "needs a list"),
        (flt("name", "=", ["a"]), "needs a single value"),
        (flt("name", "~", None), "needs a value"),
        (flt("name", "=", True), "must be a string"),
        (flt("owner_id", "=", "x"), "must be an integer"),
        (group("XOR", flt("name", "=", "a")), "must be AND or OR"),
        (group("AND", "name"), r"query.value\[0\] must be an object"),
        ({"operator": "AND", "value": flt("name", "=", "a")}, "must be a list"),
    ],
)
def test_malformed_query_is_rejected(query, message):
    with pytest.raises(InvalidQuery, match=message):
        validate_query(query, "contact")


CHAT = conversation(
    created_at=JAN_1_2020,
    state="open",
    open=True,
    admin_assignee_id=7,
    source={
        "type": "conversation",
        "body": "<p>I need support, please</p>",
        "author": {"type": "user", "id": "c1", "email": "Ada@Example.com"},
    },
    contacts={"type": "contact.list", "contacts": [{"type": "contact", "id": "c1"}]},
    teammates={"type": "admin.list", "teammates": [{"type": "admin", "id": "7"}]},
    tags={"type": "tag.list", "tags": [{"type": "tag", "id": "99"}]},
    statistics={"type": "conversation_statistics", "count_reopens": 2},
    conversation_rating={"rating": 5, "contact": {"type": "contact", "id": "c1"}},
)


@pytest.mark.parametrize(
    ("field", "operator", "hit", "miss"),
    [
        ("source.author.email", "=", "ada@example.com", "x@example.com"),
        ("contact_ids", "=", "c1", "c2"),
        ("contact_ids", "NIN", ["c2"], ["c1"]),
        ("teammate_ids", "IN", ["7", "8"], ["8"]),
        ("tag_ids", "!=", "1", "99"),
        ("state", "IN", ["open", "snoozed"], ["closed"]),
        ("open", "=", True, False),
        ("admin_assignee_id", "<", 7, 6),
        ("statistics.count_reopens", ">", 2, 3),
        ("conversation_rating.score", "=", 5, 4),
        ("conversation_rating.contact_id", "=", "c1", "c2"),
        ("created_at", "!=", JAN_1_2020 + 1, JAN_1_2020),
    ],
)
def test_conversation_fields_match(field, operator, hit, miss):
    assert_operator(field, operator, hit, miss, CHAT)


def test_conversation_body_matches_single_words():
    assert matches(CHAT, flt("source.body", "=", "support"))
    assert not matches(CHAT, flt("source.body", "=", "need support"))


def test_conversation_search_has_no_inclusive_comparison_operators():
    with pytest.raises(InvalidQuery, match="'>='"):
        validate_query(flt("statistics.count_reopens", ">=", 1), "conversation")


def test_compiled_query_is_reusable_across_records():
    predicate = compile_query(flt("owner_id", ">", 10), "contact")
    assert [predicate(contact(owner_id=n)) for n in (5, 15)] == [False, True]


def test_compiled_query_keeps_the_values_it_was_compiled_with():
    query = flt("owner_id", "=", 42)
    predicate = compile_query(query, "contact")
    assert matches(ADA, query)
    query["value"] = 41
    assert predicate(ADA)
    assert not matches(ADA, query)


RANKED = [contact(id="a", n=2), contact(id="b"), contact(id="c", n=1), contact(id="d", n=2)]


def test_sort_ascending_puts_missing_values_last():
    assert ids(sort_records(RANKED, "n", "ascending")) == ["c", "a", "d", "b"]


def test_sort_descending_is_stable_and_puts_missing_values_last():
    assert ids(sort_records(RANKED, "n", "descending")) == ["a", "d", "c", "b"]


def test_sort_defaults_to_ascending():
    assert ids(sort_records(RANKED, "n", None)) == ["c", "a", "d", "b"]


def test_sort_without_field_keeps_order():
    assert ids(sort_records(RANKED, None, None)) == ["a", "b", "c", "d"]


def test_sort_by_dotted_field_and_strings_ignore_case():
    records = [contact(id=str(i), location={"city": city}) for i, city in enumerate("bAc")]
    assert ids(sort_records(records, "location.city", "ascending")) == ["1", "0", "2"]


def test_sort_rejects_unknown_order():
    with pytest.raises(InvalidQuery, match="ascending or descending"):
        sort_records(RANKED, "n", "up")


def test_one_filter_over_100k_contacts_takes_well_under_a_second():
    records = [contact(id=str(n), email=f"user{n}@example.com") for n in range(100_000)]
    predicate = compile_query(flt("email", "=", "user99999@example.com"), "contact")
    started = time.perf_counter()
    found = [record for record in records if predicate(record)]
    assert time.perf_counter() - started < 0.5
    assert ids(found) == ["99999"]


def test_greater_than_includes_the_bound_for_conversations_but_not_contacts():
    query = flt("created_at", ">", JAN_1_2020)
    assert matches(conversation(created_at=JAN_1_2020), query)
    assert not matches(contact(created_at=JAN_1_2020), query)
