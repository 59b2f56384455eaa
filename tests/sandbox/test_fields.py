"""One table of value kinds serves request fields, custom attributes and ticket attributes."""

from __future__ import annotations

import math

import pytest

from sandbox_helpers import FIRST_CONTACT
from sim_intercom.sandbox import Workspace, params
from sim_intercom.sandbox.companies import CompanyFields
from sim_intercom.sandbox.errors import ParameterInvalid
from sim_intercom.sandbox.fields import KINDS, check_value

NOT_FINITE = [math.nan, math.inf, -math.inf]


def test_every_custom_attribute_data_type_has_a_kind():
    data_types = {each.data_type for each in Workspace(seed="empty").state.data_attributes}
    assert data_types <= set(KINDS)


@pytest.mark.parametrize("kind", ["float", "number32", "attribute"])
@pytest.mark.parametrize("value", NOT_FINITE, ids=repr)
def test_nan_and_infinity_are_no_number_of_any_kind(kind, value):
    assert not KINDS[kind].test(value)


@pytest.mark.parametrize("value", NOT_FINITE, ids=repr)
def test_a_float_custom_attribute_refuses_nan_and_infinity(value):
    companies = Workspace(seed="empty").companies
    given = frozenset({"custom_attributes"})
    fields = CompanyFields("acme", given, custom_attributes={"churn_risk": value})

    with pytest.raises(ParameterInvalid) as refused:
        companies.upsert(fields)

    assert refused.value.field == "custom_attributes.churn_risk"


@pytest.mark.parametrize("value", NOT_FINITE, ids=repr)
def test_a_ticket_attribute_refuses_nan_and_infinity(value):
    body = {
        "ticket_type_id": "1",
        "contacts": [{"id": FIRST_CONTACT}],
        "ticket_attributes": {"severity": value},
    }
    with pytest.raises(ParameterInvalid) as refused:
        params.new_ticket(body)
    assert refused.value.field == "ticket_attributes.severity"


def test_a_nullable_kind_takes_null():
    assert check_value("size", None, "int32?") is None


def test_a_value_of_another_kind_is_refused_naming_both():
    with pytest.raises(ParameterInvalid, match="size must be an integer, got string"):
        check_value("size", "12", "int32")
