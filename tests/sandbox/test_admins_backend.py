"""The sandbox's admins and settings over HTTP: `/me`, admins, ticket types, data attributes."""

from __future__ import annotations

from sandbox_helpers import SAM


def test_admin_is_fetched_by_id(sandbox_api):
    assert sandbox_api.ok("GET", f"/admins/{SAM}")["name"] == "Sam Patel"


def test_unknown_admin_is_admin_not_found(sandbox_api):
    sandbox_api.error("GET", "/admins/1", 404, "admin_not_found")


def test_data_attributes_of_companies(sandbox_api):
    attributes = sandbox_api.ok("GET", "/data_attributes?model=company")["data"]
    custom = {each["full_name"] for each in attributes if each["custom"]}
    assert custom == {"custom_attributes.account_tier", "custom_attributes.churn_risk"}


def test_data_attributes_refuse_an_unknown_model(sandbox_api):
    sandbox_api.error("GET", "/data_attributes?model=ticket", 400, "parameter_invalid")


def test_data_attributes_of_every_model_by_default(sandbox_api):
    attributes = sandbox_api.ok("GET", "/data_attributes")["data"]
    assert {each["model"] for each in attributes} == {"contact", "company"}


def test_data_attributes_include_archived_takes_true_or_false(sandbox_api):
    sandbox_api.error("GET", "/data_attributes?include_archived=yes", 400, "parameter_invalid")
