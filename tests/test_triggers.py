"""The trigger hooks: Sim's six Intercom webhook triggers (the topic families' triggers have
tests/test_trigger_topics.py), and each POST checked (signature over the raw bytes, in
constant time), filtered by topic, and answered without ever raising."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from helpers import SPEC_DIR, copy_catalog_tree, edit_manifest, our_plugin_manager
from sim_intercom import hookspecs, triggers
from sim_intercom.manifest import ManifestError, load_catalog

SECRET = "client-secret-3f9a"
TOPICS = {
    "intercom_conversation_created": [
        "conversation.user.created",
        "conversation.admin.single.created",
    ],
    "intercom_conversation_reply": ["conversation.user.replied", "conversation.admin.replied"],
    "intercom_conversation_closed": ["conversation.admin.closed"],
    "intercom_contact_created": ["contact.lead.created", "contact.created"],
    "intercom_user_created": ["contact.user.created", "user.created"],
    "intercom_webhook": ["*"],
}
EVERY_TOPIC = sorted({topic for topics in TOPICS.values() for topic in topics} - {"*"})
ITEMS = {
    "conversation": {"type": "conversation", "id": "215", "state": "open", "open": True},
    "contact": {"type": "contact", "id": "6762f0dd1bb69f9f2193bb83", "role": "lead"},
    "user": {"type": "contact", "id": "6762f0dd1bb69f9f2193bb84", "role": "user"},
}
_MANAGER = our_plugin_manager()  # for the property tests (fixtures do not mix with @given)
ANSWER_KEYS = {
    "status", "body", "run", "kind", "topic", "event", "idempotency_key", "verified", "warning"
}  # fmt: skip


def notification(topic: str = "conversation.user.replied", **fields: Any) -> dict[str, Any]:
    """An Intercom notification as it is delivered."""
    kind = topic.split(".", 1)[0]
    item = ITEMS.get(kind, {"type": kind, "id": "1"})
    if topic == "ping":
        item = {"type": "ping", "message": "something something interzen"}
    return {
        "type": "notification_event",
        "app_id": "ecahpwf5",
        "data": {"type": "notification_event_data", "item": item},
        "links": {},
        "id": "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3",
        "topic": topic,
        "delivery_status": "pending",
        "delivery_attempts": 1,
        "delivered_at": 0,
        "first_sent_at": 1700000000,
        "created_at": 1699999999,
        "self": None,
        **fields,
    }


def encode(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def signature(body: bytes, secret: str = SECRET) -> str:
    """Computed here from the definition, not with the code under test."""
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


@pytest.fixture
def webhook(plugin_manager):
    """POST a body to a trigger through the hook, as a host does; signed unless told."""

    def webhook(
        body: Any = None,
        *,
        trigger: str = "intercom_webhook",
        headers: Any = "signed",
        secret: Any = SECRET,
    ) -> dict[str, Any]:
        body = encode(notification()) if body is None else body
        if headers == "signed":
            raw = body.encode() if isinstance(body, str) else body
            headers = {"Content-Type": "application/json", "X-Hub-Signature": signature(raw)}
        return plugin_manager.hook.sim_handle_webhook(
            trigger_id=trigger, headers=headers, body=body, secret=secret
        )

    return webhook


def specs(manager) -> dict[str, dict[str, Any]]:
    return {spec["id"]: spec for found in manager.hook.sim_register_triggers() for spec in found}


# The trigger specs, as data


def test_the_six_triggers_are_registered_with_the_spec_topics(plugin_manager):
    registered = specs(plugin_manager)
    assert {id: registered[id]["topics"] for id in TOPICS} == TOPICS


def test_the_triggers_are_the_spec_table_of_webhook_triggers():
    spec = SPEC_DIR / "intercom-tools-more.md"
    section = spec.read_text(encoding="utf-8").split("## Webhook triggers", 1)[1]
    rows = re.findall(r"^\| `(intercom_[a-z_]+)` \| (.+?) \|$", section, flags=re.MULTILINE)
    table = {
        trigger: ["*"] if cell.strip() == "every topic" else re.findall(r"`([^`]+)`", cell)
        for trigger, cell in rows
    }
    assert table == TOPICS


def test_every_trigger_names_the_client_secret_as_its_secret_setting(plugin_manager):
    for spec in specs(plugin_manager).values():
        secret = spec["secret"]
        assert (secret["name"], secret["type"], secret["required"]) == (
            "clientSecret",
            "secret-input",
            False,
        )
        assert "client secret" in secret["help"]


def test_every_trigger_spec_has_identity_and_descriptions(plugin_manager):
    for spec in specs(plugin_manager).values():
        assert spec["name"] and spec["description"] and spec["human_description"]
        assert spec["version"] == load_catalog().manifest.version


def test_trigger_output_schemas_are_self_contained_draft_2020_12(plugin_manager):
    for spec in specs(plugin_manager).values():
        schema = spec["output_schema"]
        Draft202012Validator.check_schema(schema)
        assert "$ref" not in json.dumps(schema)
        assert set(schema["required"]) == {
            "topic", "id", "app_id", "created_at", "delivery_attempts", "first_sent_at", "data"
        }  # fmt: skip


def test_the_triggers_section_is_read_strictly_naming_the_place(tmp_path):
    tree = copy_catalog_tree(tmp_path)
    edit_manifest(tree, lambda m: m["triggers"]["items"][2].update(topic=["x"]))
    with pytest.raises(
        ManifestError, match=r"triggers\.items\.2\.topic: Extra inputs are not permitted"
    ):
        load_catalog(tree)


def test_every_topic_is_listed_alone(tmp_path):
    tree = copy_catalog_tree(tmp_path)
    edit_manifest(tree, lambda m: m["triggers"]["items"][5].update(topics=["*", "contact.created"]))
    with pytest.raises(ManifestError, match=r"triggers\.items\.5\.topics"):
        load_catalog(tree)


def test_a_topic_carrying_an_unknown_item_is_named(tmp_path):
    tree = copy_catalog_tree(tmp_path)
    edit_manifest(tree, lambda m: m["triggers"]["families"][0]["topics"][1].update(item="nope"))
    with pytest.raises(ManifestError, match=r"triggers\.families\.0\.topics\.1\.item: 'nope'"):
        load_catalog(tree)


def test_a_trigger_taking_a_topic_no_family_lists_is_refused(tmp_path):
    tree = copy_catalog_tree(tmp_path)
    edit_manifest(tree, lambda m: m["triggers"]["items"][2].update(topics=["ticket.resolved"]))
    with pytest.raises(ManifestError, match=r"triggers\.items\.2\.topics: 'ticket\.resolved'"):
        load_catalog(tree)


def test_a_topic_listed_twice_is_refused(tmp_path):
    tree = copy_catalog_tree(tmp_path)
    twice = lambda m: m["triggers"]["families"][1]["topics"].append(  # noqa: E731
        m["triggers"]["families"][0]["topics"][0]
    )
    edit_manifest(tree, twice)
    with pytest.raises(ManifestError, match=r"listed twice"):
        load_catalog(tree)


# The signature


def test_a_correctly_signed_notification_runs_with_its_event(webhook):
    answer = webhook(encode(notification()), trigger="intercom_conversation_reply")
    assert (answer["status"], answer["run"], answer["kind"], answer["verified"]) == (
        200,
        True,
        "event",
        True,
    )
    assert answer["event"] == {
        "topic": "conversation.user.replied",
        "id": "notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3",
        "app_id": "ecahpwf5",
        "created_at": 1699999999,
        "delivery_attempts": 1,
        "first_sent_at": 1700000000,
        "data": {"type": "notification_event_data", "item": ITEMS["conversation"]},
    }
    assert answer["warning"] is None
    assert answer["body"] == {"ok": True, "kind": "event", "message": answer["body"]["message"]}


@pytest.mark.parametrize("trigger", sorted(TOPICS))
def test_each_triggers_event_is_valid_against_its_output_schema(plugin_manager, webhook, trigger):
    topic = TOPICS[trigger][0] if trigger != "intercom_webhook" else "company.created"
    answer = webhook(encode(notification(topic)), trigger=trigger)
    assert answer["run"]
    Draft202012Validator(specs(plugin_manager)[trigger]["output_schema"]).validate(answer["event"])


def test_a_wrong_signature_is_401_and_runs_nothing(webhook):
    body = encode(notification())
    answer = webhook(body, headers={"X-Hub-Signature": signature(body, "another-secret")})
    assert (answer["status"], answer["kind"], answer["run"], answer["verified"]) == (
        401,
        "signature_mismatch",
        False,
        False,
    )
    assert answer["event"] is None and answer["idempotency_key"] is None


def test_a_missing_signature_is_401(webhook):
    answer = webhook(encode(notification()), headers={"Content-Type": "application/json"})
    assert (answer["status"], answer["kind"]) == (401, "signature_missing")


@pytest.mark.parametrize(
    "value",
    [
        "",
        "sha1=",
        "sha1",
        "6f3e" * 10,
        "sha256=" + "6f3e" * 10,
        "md5=" + "6f3e" * 10,
        "sha1=" + "6f3e" * 10 + "0",
        "sha1=" + "6f3e" * 9 + "6f3",
        "sha1=" + "6f3g" * 10,
        "sha1=" + "\uff16" * 40,  # fullwidth digits are not hex
        "sha1:" + "6f3e" * 10,
        "sha1=6f3e 6f3e" + "6f3e" * 8,
    ],
)
def test_a_malformed_signature_is_401(webhook, value):
    answer = webhook(encode(notification()), headers={"X-Hub-Signature": value})
    assert (answer["status"], answer["kind"], answer["run"]) == (401, "signature_malformed", False)


def test_two_different_signature_headers_are_401(webhook):
    body = encode(notification())
    headers = [("X-Hub-Signature", signature(body)), ("x-hub-signature", signature(b"other"))]
    assert webhook(body, headers=headers)["kind"] == "signature_malformed"


@pytest.mark.parametrize(
    "form",
    [
        lambda s: {"X-Hub-Signature": s},
        lambda s: {"x-hub-signature": s},
        lambda s: {"X-HUB-SIGNATURE": s},
        lambda s: {" X-Hub-Signature ": s},
        lambda s: {"X-Hub-Signature": s.upper()},  # SHA1=ABC...
        lambda s: {"X-Hub-Signature": "  " + s.replace("=", " = ") + "\t"},
        lambda s: [("Content-Type", "application/json"), ("X-Hub-Signature", s)],
        lambda s: [["x-hub-signature", s]],
        lambda s: [("X-Hub-Signature", s), ("X-Hub-Signature", s)],  # repeated, the same
        lambda s: {b"X-Hub-Signature": s.encode()},
        lambda s: {"X-Hub-Signature": [s]},  # a multi-valued mapping
        lambda s: email.message_from_string(f"X-Hub-Signature: {s}\n\n"),  # http.client
    ],
    ids=[
        "as sent",
        "lower",
        "upper",
        "spaces in name",
        "upper value",
        "spaces in value",
        "pairs",
        "list pairs",
        "repeated",
        "bytes",
        "multi-valued",
        "http.client message",
    ],
)
def test_the_signature_header_is_read_in_any_form(webhook, form):
    body = encode(notification())
    answer = webhook(body, headers=form(signature(body)))
    assert (answer["status"], answer["verified"], answer["run"]) == (200, True, True)


def test_the_signature_is_compared_in_constant_time(webhook, monkeypatch):
    compared = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(triggers.hmac, "compare_digest", spy)
    body = encode(notification())
    assert webhook(body)["verified"]
    assert webhook(body, headers={"X-Hub-Signature": signature(b"x")})["status"] == 401
    assert len(compared) == 2


# Raw bytes, never re-serialised JSON


def test_a_body_with_its_own_spacing_verifies_against_its_own_bytes(webhook):
    spaced = json.dumps(notification(), indent=3, separators=(" ,  ", " :  ")).encode()
    answer = webhook(spaced, headers={"X-Hub-Signature": signature(spaced)})
    assert (answer["status"], answer["verified"], answer["run"]) == (200, True, True)


def test_a_reserialised_body_does_not_verify_against_the_original_signature(webhook):
    original = json.dumps(notification(), indent=3).encode()
    reserialised = json.dumps(json.loads(original)).encode()
    assert json.loads(reserialised) == json.loads(original)
    answer = webhook(reserialised, headers={"X-Hub-Signature": signature(original)})
    assert (answer["status"], answer["kind"]) == (401, "signature_mismatch")


def test_one_changed_byte_does_not_verify(webhook):
    body = encode(notification())
    tampered = body.replace(b"ecahpwf5", b"ecahpwf6")
    answer = webhook(tampered, headers={"X-Hub-Signature": signature(body)})
    assert answer["kind"] == "signature_mismatch"


def test_a_text_body_verifies_as_its_utf8_bytes(webhook):
    text = json.dumps(notification(app_id="café ☕"), ensure_ascii=False)
    answer = webhook(text, headers={"X-Hub-Signature": signature(text.encode("utf-8"))})
    assert answer["verified"] and answer["event"]["app_id"] == "café ☕"


@pytest.mark.parametrize("wrap", [bytearray, memoryview], ids=["bytearray", "memoryview"])
def test_bytes_like_bodies_verify(webhook, wrap):
    body = encode(notification())
    assert webhook(wrap(body), headers={"X-Hub-Signature": signature(body)})["verified"]


def test_the_signature_is_checked_before_the_body_is_parsed(webhook):
    answer = webhook(b"not json", headers={"X-Hub-Signature": signature(b"other")})
    assert (answer["status"], answer["kind"]) == (401, "signature_mismatch")


# Topics


@pytest.mark.parametrize("trigger", sorted(TOPICS))
def test_ping_is_acknowledged_and_runs_nothing(webhook, trigger):
    answer = webhook(encode(notification("ping")), trigger=trigger)
    assert (answer["status"], answer["kind"], answer["run"], answer["topic"]) == (
        200,
        "ping",
        False,
        "ping",
    )
    assert answer["event"] is None and answer["verified"]


@pytest.mark.parametrize("topic", EVERY_TOPIC)
@pytest.mark.parametrize("trigger", sorted(set(TOPICS) - {"intercom_webhook"}))
def test_each_trigger_runs_only_on_its_topics(webhook, trigger, topic):
    answer = webhook(encode(notification(topic)), trigger=trigger)
    takes = topic in TOPICS[trigger]
    assert (answer["status"], answer["run"], answer["kind"]) == (
        200,
        takes,
        "event" if takes else "ignored",
    )
    assert answer["topic"] == topic
    assert (answer["event"] is not None) == takes


@pytest.mark.parametrize(
    "topic", [*EVERY_TOPIC, "company.created", "ticket.created", "conversation.deleted", "x"]
)
def test_intercom_webhook_takes_every_topic(webhook, topic):
    answer = webhook(encode(notification(topic)), trigger="intercom_webhook")
    assert (answer["status"], answer["run"], answer["event"]["topic"]) == (200, True, topic)


# Redeliveries


def test_the_idempotency_key_is_the_notification_id_on_every_redelivery(webhook):
    first = webhook(encode(notification(delivery_attempts=1)))
    again = webhook(encode(notification(delivery_attempts=2, delivered_at=1700000060)))
    assert first["idempotency_key"] == again["idempotency_key"] == notification()["id"]
    assert again["event"]["delivery_attempts"] == 2


def test_different_notifications_have_different_keys(webhook):
    one = webhook(encode(notification(id="notif_1")))
    two = webhook(encode(notification(id="notif_2")))
    assert (one["idempotency_key"], two["idempotency_key"]) == ("notif_1", "notif_2")


def test_a_notification_without_an_id_runs_without_an_idempotency_key(webhook):
    body = notification()
    del body["id"]
    answer = webhook(encode(body))
    assert answer["run"] and answer["idempotency_key"] is None and answer["event"]["id"] is None


# No secret


def test_with_no_secret_nothing_is_verified_and_the_answer_warns(webhook):
    answer = webhook(encode(notification()), headers={}, secret=None)
    assert (answer["status"], answer["run"], answer["verified"]) == (200, True, False)
    assert "not verified" in answer["warning"]


def test_with_no_secret_a_bogus_signature_is_not_checked(webhook):
    answer = webhook(encode(notification()), headers={"X-Hub-Signature": "junk"}, secret=None)
    assert (answer["status"], answer["verified"]) == (200, False)


def test_with_no_secret_every_answer_warns(webhook):
    answer = webhook(b"not json", headers={}, secret=None)
    assert answer["status"] == 400 and answer["warning"]


@pytest.mark.parametrize("secret", ["", "   ", "\t\n", b"", b"  "])
def test_an_empty_or_blank_secret_is_a_configuration_error_that_runs_nothing(webhook, secret):
    answer = webhook(encode(notification()), headers={}, secret=secret)
    assert (answer["status"], answer["kind"], answer["run"]) == (500, "bad_secret", False)
    assert "empty or blank" in answer["body"]["message"]


def test_a_secret_given_as_bytes_verifies(webhook):
    assert webhook(secret=SECRET.encode())["verified"]


def test_a_secret_that_is_not_text_is_a_500_answer(webhook):
    answer = webhook(secret=12345)
    assert (answer["status"], answer["kind"], answer["run"]) == (500, "bad_secret", False)


def test_no_answer_contains_the_secret(webhook):
    body = encode(notification())
    answers = [
        webhook(body),
        webhook(body, headers={"X-Hub-Signature": SECRET}),
        webhook(b"{}"),
        webhook(SECRET.encode()),
    ]
    assert SECRET not in json.dumps(answers)


# Bodies that are not a notification


@pytest.mark.parametrize("size", [triggers.MAX_BODY_BYTES + 1, 5 * triggers.MAX_BODY_BYTES])
@pytest.mark.parametrize("as_text", [False, True], ids=["bytes", "text"])
def test_a_body_over_one_mib_is_413(webhook, size, as_text):
    body = b"x" * size
    answer = webhook(body.decode() if as_text else body)
    assert (answer["status"], answer["kind"], answer["run"]) == (413, "too_large", False)


def test_a_body_of_exactly_one_mib_is_read(webhook):
    base = encode(notification(padding=""))
    padding = b"x" * (triggers.MAX_BODY_BYTES - len(base))
    body = base.replace(b'"padding": ""', b'"padding": "' + padding + b'"')
    assert len(body) == triggers.MAX_BODY_BYTES
    assert webhook(body)["status"] == 200


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"{", b"\xff\xfe\x00", b'{"topic": NaN}', b"[" * 100_000, b"1" * 5000],
    ids=["empty", "text", "truncated", "not utf-8", "NaN", "deep", "huge number"],
)
def test_a_body_that_is_not_json_is_400(webhook, body):
    answer = webhook(body)
    assert (answer["status"], answer["kind"], answer["run"]) == (400, "not_json", False)
    assert answer["verified"]  # it was signed; it is still not a notification


@pytest.mark.parametrize("value", [[], [notification()], "ping", 42, None, True])
def test_a_json_body_that_is_not_an_object_is_400(webhook, value):
    answer = webhook(encode(value))
    assert (answer["status"], answer["kind"]) == (400, "not_notification")


@pytest.mark.parametrize(
    "change",
    [
        lambda n: n.pop("topic"),
        lambda n: n.update(topic=""),
        lambda n: n.update(topic=["ping"]),
        lambda n: n.pop("data"),
        lambda n: n.update(data={"item": "conversation"}),
        lambda n: n.update(data=[]),
    ],
    ids=["no topic", "empty topic", "topic not text", "no data", "item not an object", "data list"],
)
def test_an_object_that_is_not_a_notification_is_400(webhook, change):
    body = notification()
    change(body)
    answer = webhook(encode(body))
    assert (answer["status"], answer["kind"], answer["run"]) == (400, "not_notification", False)


@pytest.mark.parametrize("body", [notification(), 42, ["a"]], ids=["dict", "int", "list"])
def test_a_parsed_body_is_400_since_it_cannot_be_verified(webhook, body):
    answer = webhook(body, headers={"X-Hub-Signature": signature(encode(body))})
    assert (answer["status"], answer["kind"], answer["run"]) == (400, "not_json", False)


def test_fields_of_the_wrong_type_are_null_in_the_event(webhook):
    body = notification(created_at="yesterday", delivery_attempts=True, app_id=["x"], id=7)
    event = webhook(encode(body))["event"]
    assert (event["created_at"], event["delivery_attempts"], event["app_id"], event["id"]) == (
        None,
        None,
        None,
        "7",
    )


# The hook among other plugins


@pytest.mark.parametrize("trigger_id", ["slack_message", "intercom_nope", "", None, 42, ["x"]])
def test_the_hook_answers_none_for_a_trigger_id_it_does_not_own(webhook, trigger_id):
    assert webhook(trigger=trigger_id) is None


class OtherTriggers:
    """Another plugin's trigger, sharing the host."""

    @hookspecs.hookimpl
    def sim_register_triggers(self):
        return [{"id": "other_push", "name": "Other push", "topics": ["*"]}]

    @hookspecs.hookimpl
    def sim_handle_webhook(self, trigger_id, headers, body, secret):
        return {"status": 204, "run": False} if trigger_id == "other_push" else None


def test_plugins_share_a_host_each_answering_its_own_triggers():
    manager = our_plugin_manager()
    manager.register(OtherTriggers(), name="other-triggers")
    listed = [spec["id"] for found in manager.hook.sim_register_triggers() for spec in found]
    assert "other_push" in listed and set(TOPICS) <= set(listed)
    ask = manager.hook.sim_handle_webhook
    body = encode(notification())
    headers = {"X-Hub-Signature": signature(body)}
    assert ask(trigger_id="other_push", headers={}, body=b"", secret=None)["status"] == 204
    assert ask(trigger_id="intercom_webhook", headers=headers, body=body, secret=SECRET)["run"]
    assert ask(trigger_id="zzz", headers={}, body=b"", secret=None) is None


# Whatever a host passes, a clean answer


texts = st.text(max_size=60)
header_names = st.one_of(
    st.sampled_from(["X-Hub-Signature", "x-hub-signature", "X-HUB-SIGNATURE", "Content-Type"]),
    texts,
)
header_values = st.one_of(
    texts,
    st.binary(max_size=60),
    st.builds(lambda h: "sha1=" + h, st.text("0123456789abcdefABCDEF", min_size=38, max_size=42)),
    st.none(),
    st.integers(),
    st.lists(texts, max_size=3),
)
any_headers = st.one_of(
    st.none(),
    st.dictionaries(header_names, header_values, max_size=5),
    st.lists(st.tuples(header_names, header_values), max_size=5),
    st.lists(st.lists(header_values, max_size=3), max_size=4),
    texts,
    st.binary(max_size=20),
    st.integers(),
    st.lists(st.one_of(st.integers(), st.none(), texts), max_size=4),
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
notifications = st.fixed_dictionaries(
    {"topic": st.one_of(st.sampled_from([*EVERY_TOPIC, "ping", "company.created"]), json_values)},
    optional={
        "id": json_values,
        "app_id": json_values,
        "created_at": json_values,
        "delivery_attempts": json_values,
        "first_sent_at": json_values,
        "data": st.one_of(json_values, st.fixed_dictionaries({"item": json_values})),
    },
)
any_body = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    notifications.map(encode),
    notifications.map(lambda n: json.dumps(n, indent=2)),
    json_values,
    st.none(),
)
any_secret = st.one_of(
    st.none(), st.just(""), st.just(SECRET), texts, st.binary(max_size=20), st.integers()
)
any_trigger = st.one_of(st.sampled_from(sorted(TOPICS)), texts)


@settings(max_examples=400, deadline=None, database=None)
@given(trigger=any_trigger, headers=any_headers, body=any_body, secret=any_secret)
def test_any_headers_body_and_secret_get_a_clean_answer(trigger, headers, body, secret):
    manager = _MANAGER
    answer = manager.hook.sim_handle_webhook(
        trigger_id=trigger, headers=headers, body=body, secret=secret
    )
    if trigger not in TOPICS:
        assert answer is None
        return
    assert set(answer) == ANSWER_KEYS
    assert answer["status"] in (200, 400, 401, 413, 500)
    assert answer["run"] == (answer["kind"] == "event") == (answer["event"] is not None)
    assert answer["body"]["ok"] == (answer["status"] == 200)
    json.dumps(answer, allow_nan=False)  # a host can send and log it as JSON
    if answer["verified"]:
        assert secret not in (None, "", b"")
    if isinstance(secret, str) and len(secret) >= 8:
        assert secret not in json.dumps(answer)


@settings(max_examples=200, deadline=None, database=None)
@given(
    trigger=st.sampled_from(sorted(TOPICS)),
    note=notifications,
    form=st.sampled_from(["dict", "pairs", "upper", "spaced"]),
)
def test_any_signed_notification_is_verified_and_routed_by_topic(trigger, note, form):
    body = encode(note)
    value = signature(body)
    headers: Any = {
        "dict": {"X-Hub-Signature": value},
        "pairs": [("x-hub-signature", value)],
        "upper": {"X-HUB-SIGNATURE": value.upper()},
        "spaced": {"X-Hub-Signature": f"  {value}  "},
    }[form]
    answer = _MANAGER.hook.sim_handle_webhook(
        trigger_id=trigger, headers=headers, body=body, secret=SECRET
    )
    assert answer["verified"]
    topic = note["topic"]
    item_ok = isinstance(note.get("data"), dict) and isinstance(note["data"].get("item"), dict)
    if not isinstance(topic, str) or not topic.strip():
        assert answer["kind"] == "not_notification"
    elif topic == "ping":
        assert answer["kind"] == "ping"
    elif trigger != "intercom_webhook" and topic not in TOPICS[trigger]:
        assert answer["kind"] == "ignored"
    elif not item_ok:
        assert answer["kind"] == "not_notification"
    else:
        assert answer["run"] and answer["event"]["topic"] == topic
