"""The sandbox's companies over HTTP: upsert, lookup, attaching contacts, the company list."""

from __future__ import annotations

from helpers import ids
from sandbox_helpers import FIRST_CONTACT, NO_SUCH_COMPANY, NO_SUCH_CONTACT


def upsert(api, **fields):
    return api.ok("POST", "/companies", json=fields)


def new_contact(api, email: str) -> dict:
    return api.ok("POST", "/contacts", json={"email": email})


def attach(api, contact: dict, company: dict) -> dict:
    return api.ok("POST", f"/contacts/{contact['id']}/companies", json={"id": company["id"]})


def company_with_contacts(api, company_id: str, contacts: int = 1) -> dict:
    company = upsert(api, company_id=company_id, name=company_id.title())
    for number in range(contacts):
        attach(api, new_contact(api, f"{number}@{company_id}.example"), company)
    return company


# Upsert and lookup


def test_company_is_created_with_its_fields(empty_sandbox_api):
    company = upsert(
        empty_sandbox_api, company_id="acme", name="Acme", plan="Pro", size=40, monthly_spend=99.5
    )

    assert company["type"] == "company"
    assert company["company_id"] == "acme"
    assert company["name"] == "Acme"
    assert company["plan"] == {"type": "plan", "id": "plan_pro", "name": "Pro"}
    assert company["size"] == 40
    assert company["monthly_spend"] == 99
    assert company["user_count"] == 0


def test_second_post_with_the_same_company_id_updates_it(empty_sandbox_api):
    first = upsert(empty_sandbox_api, company_id="acme", name="Acme")

    second = upsert(empty_sandbox_api, company_id="acme", name="Acme Corporation")

    assert second["id"] == first["id"]
    assert second["name"] == "Acme Corporation"
    assert empty_sandbox_api.ok("GET", "/companies")["total_count"] == 1


def test_upsert_moves_updated_at_and_keeps_created_at(empty_sandbox_api, sandbox_clock):
    first = upsert(empty_sandbox_api, company_id="acme", name="Acme")
    later = sandbox_clock.advance(600)

    second = upsert(empty_sandbox_api, company_id="acme", size=12)

    assert second["created_at"] == first["created_at"] == later - 600
    assert second["updated_at"] == later
    assert second["name"] == "Acme"


def test_company_needs_a_company_id(empty_sandbox_api):
    empty_sandbox_api.error(
        "POST", "/companies", 400, "parameter_not_found", json={"company_id": "", "name": "Acme"}
    )


def test_company_is_found_by_company_id(empty_sandbox_api):
    upsert(empty_sandbox_api, company_id="other")
    acme = upsert(empty_sandbox_api, company_id="acme", name="Acme")

    found = empty_sandbox_api.ok("GET", "/companies?company_id=acme")

    assert found["type"] == "list"
    assert found["data"] == [acme]
    assert found["total_count"] == 1


def test_unknown_company_id_is_company_not_found(empty_sandbox_api):
    error = empty_sandbox_api.error("GET", "/companies?company_id=nobody", 404, "company_not_found")
    assert error["message"] == "Company Not Found"


def test_company_is_fetched_by_its_intercom_id(empty_sandbox_api):
    acme = upsert(empty_sandbox_api, company_id="acme", name="Acme")
    assert empty_sandbox_api.ok("GET", f"/companies/{acme['id']}") == acme


def test_unknown_intercom_company_id_is_company_not_found(empty_sandbox_api):
    empty_sandbox_api.error("GET", f"/companies/{NO_SUCH_COMPANY}", 404, "company_not_found")


# Attaching contacts


def test_attached_company_shows_in_the_contacts_companies(empty_sandbox_api):
    acme = upsert(empty_sandbox_api, company_id="acme")
    ada = new_contact(empty_sandbox_api, "ada@acme.example")

    attach(empty_sandbox_api, ada, acme)

    companies = empty_sandbox_api.ok("GET", f"/contacts/{ada['id']}")["companies"]
    assert ids(companies["data"]) == [acme["id"]]
    assert companies["total_count"] == 1


def test_attach_answers_with_the_company(empty_sandbox_api):
    acme = upsert(empty_sandbox_api, company_id="acme")
    ada = new_contact(empty_sandbox_api, "ada@acme.example")

    answered = attach(empty_sandbox_api, ada, acme)

    assert answered["id"] == acme["id"]
    assert answered["user_count"] == 1


def test_attached_contacts_count_in_user_count(empty_sandbox_api):
    acme = company_with_contacts(empty_sandbox_api, "acme", contacts=2)
    assert empty_sandbox_api.ok("GET", f"/companies/{acme['id']}")["user_count"] == 2


def test_attaching_twice_counts_once(empty_sandbox_api):
    acme = upsert(empty_sandbox_api, company_id="acme")
    ada = new_contact(empty_sandbox_api, "ada@acme.example")

    attach(empty_sandbox_api, ada, acme)
    attach(empty_sandbox_api, ada, acme)

    assert empty_sandbox_api.ok("GET", f"/companies/{acme['id']}")["user_count"] == 1
    contact = empty_sandbox_api.ok("GET", f"/contacts/{ada['id']}")
    assert contact["companies"]["total_count"] == 1


def test_deleting_a_contact_decrements_user_count(empty_sandbox_api):
    acme = upsert(empty_sandbox_api, company_id="acme")
    ada = new_contact(empty_sandbox_api, "ada@acme.example")
    attach(empty_sandbox_api, ada, acme)
    attach(empty_sandbox_api, new_contact(empty_sandbox_api, "bob@acme.example"), acme)

    empty_sandbox_api.ok("DELETE", f"/contacts/{ada['id']}")

    assert empty_sandbox_api.ok("GET", f"/companies/{acme['id']}")["user_count"] == 1


def test_attaching_an_unknown_company_is_company_not_found(empty_sandbox_api):
    ada = new_contact(empty_sandbox_api, "ada@acme.example")
    empty_sandbox_api.error(
        "POST",
        f"/contacts/{ada['id']}/companies",
        404,
        "company_not_found",
        json={"id": NO_SUCH_COMPANY},
    )


def test_attaching_without_a_company_id_is_parameter_not_found(empty_sandbox_api):
    ada = new_contact(empty_sandbox_api, "ada@acme.example")
    error = empty_sandbox_api.error(
        "POST", f"/contacts/{ada['id']}/companies", 400, "parameter_not_found", json={}
    )
    assert error["field"] == "id"


def test_attaching_to_an_unknown_contact_is_not_found(empty_sandbox_api):
    acme = upsert(empty_sandbox_api, company_id="acme")
    empty_sandbox_api.error(
        "POST",
        f"/contacts/{NO_SUCH_CONTACT}/companies",
        404,
        "not_found",
        json={"id": acme["id"]},
    )


# The company list


def test_company_list_leaves_out_companies_without_contacts(sandbox_api):
    listed = sandbox_api.ok("POST", "/companies/list")

    assert {each["company_id"] for each in listed["data"]} == {"globex", "initech", "umbrella"}
    assert listed["total_count"] == 3


def test_company_list_counts_each_companys_contacts(sandbox_api):
    listed = sandbox_api.ok("POST", "/companies/list")
    counts = {each["company_id"]: each["user_count"] for each in listed["data"]}
    assert counts == {"globex": 1, "initech": 2, "umbrella": 1}


def test_company_list_takes_sixty_per_page(empty_sandbox_api):
    listed = empty_sandbox_api.ok("POST", "/companies/list?per_page=60")
    assert listed["pages"]["per_page"] == 60


def test_company_list_refuses_sixty_one_per_page(empty_sandbox_api):
    error = empty_sandbox_api.error("POST", "/companies/list?per_page=61", 400, "parameter_invalid")
    assert error["field"] == "per_page"


def test_company_list_numbers_its_pages(empty_sandbox_api):
    for name in ("a", "b", "c", "d", "e"):
        company_with_contacts(empty_sandbox_api, f"co-{name}")

    pages = [
        empty_sandbox_api.ok("POST", f"/companies/list?page={page}&per_page=2")
        for page in (1, 2, 3)
    ]

    assert [len(each["data"]) for each in pages] == [2, 2, 1]
    assert [each["pages"]["page"] for each in pages] == [1, 2, 3]
    assert {each["pages"]["total_pages"] for each in pages} == {3}
    listed = {company["company_id"] for each in pages for company in each["data"]}
    assert listed == {"co-a", "co-b", "co-c", "co-d", "co-e"}


def test_company_list_total_pages_counts_only_companies_with_contacts(empty_sandbox_api):
    for name in ("a", "b", "c"):
        company_with_contacts(empty_sandbox_api, f"co-{name}")
    upsert(empty_sandbox_api, company_id="lonely")

    listed = empty_sandbox_api.ok("POST", "/companies/list?per_page=1")

    assert listed["pages"]["total_pages"] == 3
    assert listed["total_count"] == 3


def test_company_list_orders_newest_first_by_default(empty_sandbox_api):
    for name in ("a", "b", "c"):
        company_with_contacts(empty_sandbox_api, f"co-{name}")

    desc = empty_sandbox_api.ok("POST", "/companies/list")
    asc = empty_sandbox_api.ok("POST", "/companies/list?order=asc")

    assert [each["company_id"] for each in desc["data"]] == ["co-c", "co-b", "co-a"]
    assert [each["company_id"] for each in asc["data"]] == ["co-a", "co-b", "co-c"]


# Custom attributes


def test_defined_company_custom_attributes_are_stored(empty_sandbox_api):
    attributes = {"account_tier": "gold", "churn_risk": 0.25}
    company = upsert(empty_sandbox_api, company_id="acme", custom_attributes=attributes)
    assert company["custom_attributes"] == attributes


def test_undefined_company_custom_attribute_is_rejected_by_name(empty_sandbox_api):
    error = empty_sandbox_api.error(
        "POST",
        "/companies",
        400,
        "parameter_invalid",
        json={"company_id": "acme", "custom_attributes": {"headquarters": "Springfield"}},
    )
    assert "headquarters" in error["message"]
    assert error["field"] == "custom_attributes.headquarters"


def test_company_custom_attribute_of_the_wrong_type_is_rejected(empty_sandbox_api):
    error = empty_sandbox_api.error(
        "POST",
        "/companies",
        400,
        "parameter_invalid",
        json={"company_id": "acme", "custom_attributes": {"churn_risk": "high"}},
    )
    assert error["field"] == "custom_attributes.churn_risk"


def test_rejected_company_is_not_created(empty_sandbox_api):
    empty_sandbox_api.call(
        "POST",
        "/companies",
        json={"company_id": "acme", "custom_attributes": {"churn_risk": "high"}},
    )
    empty_sandbox_api.error("GET", "/companies?company_id=acme", 404, "company_not_found")


# Detaching a contact


def test_detach_removes_the_association_and_user_count_follows(sandbox_api):
    company_id = sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")["companies"]["data"][0]["id"]
    before = sandbox_api.ok("GET", f"/companies/{company_id}")["user_count"]
    detached = sandbox_api.ok("DELETE", f"/contacts/{FIRST_CONTACT}/companies/{company_id}")
    assert detached["user_count"] == before - 1
    assert sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")["companies"]["total_count"] == 0


def test_detaching_a_company_not_attached_leaves_it_as_it_is(sandbox_api):
    company = sandbox_api.ok("POST", "/companies", json={"company_id": "lonely"})
    detached = sandbox_api.ok("DELETE", f"/contacts/{FIRST_CONTACT}/companies/{company['id']}")
    assert detached["user_count"] == 0
    assert sandbox_api.ok("GET", f"/contacts/{FIRST_CONTACT}")["companies"]["total_count"] == 1
