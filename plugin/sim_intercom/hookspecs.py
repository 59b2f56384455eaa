"""The host contract: hook specifications under the pluggy project name ``sim``.

A workflow builder imports this module, adds it to a ``pluggy.PluginManager("sim")``
and loads plugins from the ``sim`` entry-point group. Hooks are called with keyword
arguments only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pluggy

PROJECT_NAME = "sim"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def sim_register_tools() -> list[dict[str, Any]]:
    """Return the tool specs this plugin contributes to the palette.

    Each spec is a plain dict with ``id``, ``name``, ``description``, ``version``,
    ``input_schema``, ``output_schema`` (self-contained JSON Schemas, Draft 2020-12)
    and ``annotations`` (MCP hints ``readOnlyHint``, ``destructiveHint``,
    ``idempotentHint``, ``openWorldHint``). The host flattens the lists of all plugins.
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec(firstresult=True)
def sim_execute_tool(
    tool_id: str, params: dict[str, Any], credentials: dict[str, Any]
) -> dict[str, Any] | None:
    """Run one tool call and return its result envelope.

    :param tool_id: the tool's id, e.g. ``intercom_create_contact``.
    :param params: the step's parameters, as the workflow supplies them.
    :param credentials: ``accessToken`` and optionally ``region`` and ``baseUrl``.
    :returns: ``None`` for a tool id the plugin does not own; otherwise
        ``{"success": bool, "output": dict, "error": str | None, "error_detail": dict | None}``.
        No exception escapes for an input, API or network error.

    Stops at first non-None result.
    """


# Triggers: Intercom webhooks that start a workflow


@hookspec
def sim_register_triggers() -> list[dict[str, Any]]:
    """Return the trigger specs this plugin contributes (Intercom webhooks).

    Each spec is a plain dict with ``id``, ``name``, ``description``,
    ``human_description``, ``version``, ``family`` (the topic family it covers, or None),
    ``topics`` (the notification topics it runs on; ``["*"]`` for every topic),
    ``topic_options`` (each topic a host may choose: ``topic``, ``label``, ``description``,
    ``item``), ``topic_setting`` (the setting that holds the choice), ``output_schema`` (the
    event's self-contained JSON Schema, Draft 2020-12, ``data.item`` typed by topic) and
    ``secret`` (the setting that holds the key webhooks are signed with: ``name``, ``type``,
    ``required``, ``label``, ``help``, ``url``). The host flattens the lists of all plugins.
    """
    raise NotImplementedError  # a specification: pluggy calls the plugins' implementations


@hookspec(firstresult=True)
def sim_handle_webhook(
    trigger_id: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]] | None,
    body: bytes | str,
    secret: str | None,
) -> dict[str, Any] | None:
    """Check one webhook POST to a trigger's URL and say what to answer and whether to run.

    :param trigger_id: the trigger's id, e.g. ``intercom_conversation_reply``.
    :param headers: the request's headers: a mapping in any key case, an object with
        ``items()``, or a list of ``(name, value)`` pairs.
    :param body: the request body exactly as it arrived, as bytes (text is taken back to its
        UTF-8 bytes); never re-serialised JSON, which the signature does not match.
    :param secret: the trigger's secret setting (for Intercom, the app's client secret);
        ``None`` or ``""`` verifies nothing, and the result says so. Or a mapping of the
        trigger's settings: the secret under its setting's name (``clientSecret``) and the
        topics the host chose under ``topics`` (a list, or comma-separated text; empty for
        every topic the trigger takes); a topic the trigger does not take is a 500
        ``bad_settings`` answer.
    :returns: ``None`` for a trigger id the plugin does not own; otherwise ::

            {"status": 200 | 400 | 401 | 413 | 500,  # the HTTP status to answer
             "body": {"ok": bool, "kind": str, "message": str},  # the JSON body to answer
             "run": bool,                 # start the workflow with `event`
             "kind": "event" | "ping" | "ignored" | "signature_missing"
                     | "signature_malformed" | "signature_mismatch" | "too_large"
                     | "not_json" | "not_notification" | "bad_secret" | "bad_settings"
                     | "internal_error",
             "topic": str | None,         # the notification's topic, once it is read
             "event": dict | None,        # when run: valid against the output schema
             "idempotency_key": str | None,  # when run: the same on every redelivery
             "verified": bool,            # the signature was checked and matched
             "warning": str | None}       # set when no secret is configured

        ``run`` is true only for a topic the trigger takes (and the host chose); any other
        topic is a 200 that runs nothing, and so is ``ping`` unless the trigger is
        ``intercom_ping``. A missing, malformed or wrong signature is a 401; the
        signature is checked before the body is parsed. Nothing raises, whatever the
        headers and the body.

    Stops at first non-None result.
    """
