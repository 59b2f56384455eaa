"""Every webhook topic of Intercom 2.14 starts a workflow: each topic family is a trigger, a
host chooses among its topics, and each event's `data.item` is typed by the object its
topic carries, as the published output schema says."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from helpers import REPO_ROOT
from sim_intercom.manifest import default_catalog
from webhook_items import item_for

SECRET = "client-secret-3f9a"
SPEC = REPO_ROOT / "tests" / "data" / "spec" / "intercom-webhook-topics.md"
CATALOG = default_catalog()
# Every 2.14 topic: (topic, the item kind it carries, the trigger of its family)
TOPICS = [
    (entry.topic, entry.item, family.trigger)
    for family in CATALOG.manifest.triggers.families
    for entry in family.topics
]
TOPIC_IDS = [topic for topic, _, _ in TOPICS]


def spec_topics(path: Path = SPEC) -> dict[str, str]:
    """The topic tables of the reference (§2): each topic and the object it names."""
    section = path.read_text(encoding="utf-8").split("## 2.", 1)[1].split("## 3.", 1)[0]
    rows = re.findall(r"^\| ([a-z_.]+) \| ([^|]+?) \|", section, flags=re.MULTILINE)
    return {topic: object_ for topic, object_ in rows if topic != "topic"}


def notification(topic: str, item: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "type": "notification_event",
        "app_id": "ecahpwf5",
        "data": {"type": "notification_event_data", "item": item},
        "links": {},
        "id": f"notif_{topic}",
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": 1700000000,
        "created_at": 1699999999,
        "self": None,
        **fields,
    }


def deliver(manager: Any, trigger: str, body: dict[str, Any], settings: Any = SECRET) -> Any:
    """POST `body`, signed as Intercom signs it, to `trigger` through the hook."""
    raw = json.dumps(body).encode()
    signature = "sha1=" + hmac.new(SECRET.encode(), raw, hashlib.sha1).hexdigest()
    return manager.hook.sim_handle_webhook(
        trigger_id=trigger, headers={"X-Hub-Signature": signature}, body=raw, secret=settings
    )


@cache
def specs(manager: Any) -> dict[str, dict[str, Any]]:
    return {spec["id"]: spec for found in manager.hook.sim_register_triggers() for spec in found}


def validator(manager: Any, trigger: str) -> Draft202012Validator:
    return Draft202012Validator(specs(manager)[trigger]["output_schema"])


# The table


def test_the_families_hold_the_90_topics_of_2_14_each_once():
    assert len(TOPIC_IDS) == len(set(TOPIC_IDS)) == 90


def test_the_topics_are_the_references_topics_of_2_14():
    assert sorted(TOPIC_IDS) == sorted(spec_topics())


def test_each_topic_carries_the_object_the_reference_names():
    named = spec_topics()
    for topic, item, _ in TOPICS:
        # "company, contact" is the pair `company_contact`; a deleted or merged contact is
        # a contact's `_deleted` or `_merged` kind
        expected = "_".join(re.findall(r"[a-z_]+", named[topic].replace("merged_from", "")))
        assert item.removesuffix("_deleted").removesuffix("_merged") == expected, topic


def test_topics_only_later_versions_send_are_not_2_14_topics():
    later = ["ticket.resolved", "ticket.admin.snoozed", "conversation.admin.replied.translated"]
    assert not set(later) & set(TOPIC_IDS)


# Every topic through a trigger that takes it


@pytest.mark.parametrize(("topic", "item", "trigger"), TOPICS, ids=TOPIC_IDS)
def test_every_topic_runs_its_familys_trigger_with_an_event_valid_under_its_schema(
    plugin_manager, topic, item, trigger
):
    answer = deliver(plugin_manager, trigger, notification(topic, item_for(item, topic)))
    assert (answer["status"], answer["kind"], answer["run"], answer["verified"]) == (
        200,
        "event",
        True,
        True,
    )
    assert answer["event"]["topic"] == topic
    validator(plugin_manager, trigger).validate(answer["event"])


@pytest.mark.parametrize(
    ("topic", "item"),
    [(topic, item) for topic, item, _ in TOPICS if topic != "ping"],
    ids=[topic for topic in TOPIC_IDS if topic != "ping"],
)
def test_every_topic_but_ping_runs_the_catch_all_with_an_event_valid_under_its_schema(
    plugin_manager, topic, item
):
    answer = deliver(plugin_manager, "intercom_webhook", notification(topic, item_for(item, topic)))
    assert answer["run"]
    validator(plugin_manager, "intercom_webhook").validate(answer["event"])


@pytest.mark.parametrize(
    "topic", ["ticket.created", "contact.user.tag.created", "company.deleted", "content_stat.sms"]
)
def test_an_item_of_another_kind_is_not_valid_for_a_topic(plugin_manager, topic):
    other = item_for("ping", "ping")
    answer = deliver(plugin_manager, "intercom_webhook", notification(topic, other))
    assert not validator(plugin_manager, "intercom_webhook").is_valid(answer["event"])


def test_the_deleted_topics_schemas_say_they_carry_identifying_fields_only(plugin_manager):
    deleted = [(t, trigger) for t, _, trigger in TOPICS if re.fullmatch(r"[a-z_]+\.deleted", t)]
    assert len(deleted) == 4
    for topic, trigger in deleted:
        schema = specs(plugin_manager)[trigger]["output_schema"]
        branch = next(
            rule["then"]
            for rule in schema["allOf"]
            if topic in rule["if"]["properties"]["topic"]["enum"]
        )
        item = branch["properties"]["data"]["properties"]["item"]
        assert "identifying fields only" in item["title"] and item["required"] == ["type", "id"]


def test_a_family_of_one_object_types_data_item_directly(plugin_manager):
    schema = specs(plugin_manager)["intercom_ticket_events"]["output_schema"]
    assert schema["properties"]["data"]["properties"]["item"]["title"] == "Ticket"
    assert "allOf" not in schema


# Sim's two contact triggers on 2.x and 1.x names


@pytest.mark.parametrize(
    ("trigger", "topic"),
    [
        ("intercom_contact_created", "contact.lead.created"),
        ("intercom_contact_created", "contact.created"),
        ("intercom_user_created", "contact.user.created"),
        ("intercom_user_created", "user.created"),
    ],
)
def test_sims_contact_triggers_take_the_2x_name_and_still_the_1x_name(
    plugin_manager, trigger, topic
):
    answer = deliver(plugin_manager, trigger, notification(topic, item_for("contact", topic)))
    assert answer["run"]
    validator(plugin_manager, trigger).validate(answer["event"])


def test_the_lead_trigger_does_not_run_on_a_user_created(plugin_manager):
    body = notification("contact.user.created", item_for("contact", "contact.user.created"))
    assert deliver(plugin_manager, "intercom_contact_created", body)["kind"] == "ignored"


# A host chooses the topics


def test_a_host_chooses_which_topics_a_trigger_takes(plugin_manager):
    settings = {"clientSecret": SECRET, "topics": ["ticket.state.updated"]}
    changed = notification("ticket.state.updated", item_for("ticket", "ticket.state.updated"))
    created = notification("ticket.created", item_for("ticket", "ticket.created"))
    ran = deliver(plugin_manager, "intercom_ticket_events", changed, settings)
    skipped = deliver(plugin_manager, "intercom_ticket_events", created, settings)
    assert (ran["run"], ran["verified"]) == (True, True)
    assert (skipped["status"], skipped["kind"], skipped["run"]) == (200, "ignored", False)


def test_the_choice_may_be_comma_separated_text(plugin_manager):
    settings = {
        "clientSecret": SECRET,
        "topics": "contact.user.tag.created, contact.lead.tag.created",
    }
    body = notification("contact.lead.tag.created", item_for("contact_tag", "x"))
    assert deliver(plugin_manager, "intercom_contact_events", body, settings)["run"]
    other = notification("contact.lead.created", item_for("contact", "x"))
    assert not deliver(plugin_manager, "intercom_contact_events", other, settings)["run"]


@pytest.mark.parametrize("chosen", [None, "", []], ids=["None", "empty text", "empty list"])
def test_no_choice_takes_every_topic_of_the_trigger(plugin_manager, chosen):
    settings = {"clientSecret": SECRET, "topics": chosen}
    body = notification("ticket.created", item_for("ticket", "ticket.created"))
    assert deliver(plugin_manager, "intercom_ticket_events", body, settings)["run"]


def test_the_catch_all_may_be_narrowed_across_families(plugin_manager):
    settings = {"clientSecret": SECRET, "topics": ["ticket.created", "company.created"]}
    company = notification("company.created", item_for("company", "company.created"))
    contact = notification("contact.user.created", item_for("contact", "x"))
    assert deliver(plugin_manager, "intercom_webhook", company, settings)["run"]
    assert not deliver(plugin_manager, "intercom_webhook", contact, settings)["run"]


@pytest.mark.parametrize("chosen", [["company.created"], ["nope"], [3], {"a": 1}, 7])
def test_a_choice_the_trigger_cannot_take_is_a_settings_error(plugin_manager, chosen):
    settings = {"clientSecret": SECRET, "topics": chosen}
    body = notification("ticket.created", item_for("ticket", "ticket.created"))
    answer = deliver(plugin_manager, "intercom_ticket_events", body, settings)
    assert (answer["status"], answer["kind"], answer["run"]) == (500, "bad_settings", False)
    assert SECRET not in json.dumps(answer)


def test_the_settings_mapping_carries_the_secret_that_verifies(plugin_manager):
    body = notification("ticket.created", item_for("ticket", "ticket.created"))
    wrong = deliver(plugin_manager, "intercom_ticket_events", body, {"clientSecret": "other"})
    assert (wrong["status"], wrong["kind"]) == (401, "signature_mismatch")


# Ping, and topics of later versions


def test_ping_runs_the_ping_trigger_and_no_other(plugin_manager):
    body = notification("ping", item_for("ping", "ping"))
    assert deliver(plugin_manager, "intercom_ping", body)["run"]
    for trigger in specs(plugin_manager):
        if trigger != "intercom_ping":
            answer = deliver(plugin_manager, trigger, body)
            assert (answer["status"], answer["kind"], answer["run"]) == (200, "ping", False)


def test_a_later_versions_topic_runs_the_catch_all_but_not_its_family(plugin_manager):
    body = notification("ticket.resolved", item_for("ticket", "ticket.resolved"))
    assert deliver(plugin_manager, "intercom_webhook", body)["run"]
    validator(plugin_manager, "intercom_webhook").validate(
        deliver(plugin_manager, "intercom_webhook", body)["event"]
    )
    assert deliver(plugin_manager, "intercom_ticket_events", body)["kind"] == "ignored"


# What a host lists


@pytest.mark.parametrize(
    ("label", "trigger", "topics"),
    [
        ("Ticket state changed", "intercom_ticket_events", ["ticket.state.updated"]),
        (
            "Contact tagged",
            "intercom_contact_events",
            ["contact.lead.tag.created", "contact.user.tag.created"],
        ),
        ("Conversation rated", "intercom_conversation_events", ["conversation.rating.added"]),
        ("Teammate logged in", "intercom_admin_events", ["admin.logged_in"]),
    ],
)
def test_a_person_finds_a_topic_by_its_label(plugin_manager, label, trigger, topics):
    found = sorted(
        (spec["id"], option["topic"])
        for spec in specs(plugin_manager).values()
        if spec["family"]
        for option in spec["topic_options"]
        if label.lower() in option["label"].lower()
    )
    assert found == sorted((trigger, topic) for topic in topics)


def test_every_trigger_offers_each_topic_it_takes_labelled(plugin_manager):
    for spec in specs(plugin_manager).values():
        offered = [option["topic"] for option in spec["topic_options"]]
        assert spec["topic_setting"]["options"] == offered
        assert all(option["label"] and option["description"] for option in spec["topic_options"])
        if spec["topics"] == ["*"]:
            assert sorted(offered) == sorted(set(TOPIC_IDS) - {"ping"})
        else:
            assert offered == spec["topics"]


def test_every_family_is_a_trigger_and_every_trigger_schema_is_valid(plugin_manager):
    listed = specs(plugin_manager)
    families = {family.family: family.trigger for family in CATALOG.manifest.triggers.families}
    assert {listed[trigger]["family"] for trigger in families.values()} == set(families)
    for spec in listed.values():
        Draft202012Validator.check_schema(spec["output_schema"])
        assert "$ref" not in json.dumps(spec["output_schema"])


def test_the_trigger_reference_lists_each_familys_topics_with_label_item_and_sandbox_cause():
    from sim_intercom.reference import triggers_page
    from sim_intercom.sandbox.webhooks import CAUSES

    page = triggers_page(CATALOG)
    for family in CATALOG.manifest.triggers.families:
        section = page.split(f"## {family.trigger}\n", 1)[1].split("\n## ", 1)[0]
        for entry in family.topics:
            cause = CAUSES.get(entry.topic, "`--fire` only")
            row = f"| `{entry.topic}` | {entry.label} | `{entry.item}` | {entry.when} | {cause} |"
            assert row in section
