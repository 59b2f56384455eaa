"""The argument parser: every command, its options, and examples in its --help."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

from ..version import DISTRIBUTION, __version__
from .catalog import cmd_export, cmd_tools
from .common import EXIT_USAGE, TOKEN_ENV
from .run import cmd_run
from .serve import cmd_demo, cmd_mcp, cmd_sandbox, cmd_webhook_serve


class _Parser(argparse.ArgumentParser):
    """A usage error is one line, as every other error of the command line, naming the
    `--help` that shows the usage; every command's parser is one of these."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"sim-intercom: {message} (see {self.prog} --help)\n")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {value}")
    return value


def _port(text: str) -> int:
    value = _count(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"a port is 0 to 65535, got {value}")
    return value


EXAMPLES = {
    "": """\
  sim-intercom tools                     the toolsets and their tools
  sim-intercom run intercom_get_contact contactId=6762f0dd0000000000000001 --sandbox
  sim-intercom sandbox                   a local Intercom on http://127.0.0.1:8181
  sim-intercom mcp --sandbox             the default toolset over MCP (stdio)
  sim-intercom webhook serve --secret-file secret.txt   try webhook triggers by hand
  sim-intercom demo                      a support workflow against the sandbox""",
    "tools": """\
  sim-intercom tools                          every toolset and its tools
  sim-intercom tools --toolsets contacts --read-only   what that selection serves
  sim-intercom tools intercom_search_contacts parameters, example and annotations
  sim-intercom tools --json                   every tool's full spec as JSON""",
    "run": f"""\
  sim-intercom run intercom_get_contact contactId=6762f0dd0000000000000001 --sandbox
  echo '{{"per_page": 5}}' | sim-intercom run intercom_list_contacts --input - --sandbox
  {TOKEN_ENV}=... sim-intercom run intercom_list_contacts per_page=5 --region eu
  sim-intercom run intercom_list_contacts --all --token-file ~/.intercom-token > all.ndjson

The token comes from --token-file PATH or {TOKEN_ENV}. JSON is indented on a
terminal and compact otherwise; --all prints one record a line (NDJSON).
Exit status: 0 success, 1 the tool failed, 2 usage error or invalid input.""",
    "sandbox": """\
  sim-intercom sandbox                          on http://127.0.0.1:8181
  sim-intercom sandbox --port 0 --quiet         a free port, no request log
  sim-intercom sandbox --contacts 100000 --rate-limit 1000/10
  sim-intercom sandbox --webhook-url http://127.0.0.1:8183/ --webhook-secret-file secret.txt
  sim-intercom sandbox --fire admin.logged_in   fire a topic from the sandbox running on 8181

Its token is the public value sandbox-token, so it serves on loopback only unless
--allow-remote is given. Ctrl+C or SIGTERM stops it.""",
    "mcp": f"""\
  {TOKEN_ENV}=... sim-intercom mcp          over stdio, against your workspace
  sim-intercom mcp --http --port 8182 --token-file ~/.intercom-token
  sim-intercom mcp --sandbox                   to try it: a fresh local sandbox, no token
  sim-intercom mcp --sandbox --toolsets contacts,conversations --read-only
  sim-intercom mcp --sandbox --dynamic-toolsets   the client enables toolsets as it needs

In an MCP client's config: {{"command": "sim-intercom", "args": ["mcp"],
"env": {{"{TOKEN_ENV}": "..."}}}}. Over HTTP the endpoint is
http://127.0.0.1:PORT/mcp, on loopback only. The SIM_INTERCOM_* settings apply.

Serving a team (any other address needs authentication; docs/serving.md):
  sim-intercom mcp keygen --name acme          a client key and its keys-file line
  sim-intercom mcp --http --host 0.0.0.0 --auth keys --keys-file tenants.yaml
  sim-intercom mcp --http --host 0.0.0.0 --auth oauth --public-url https://mcp.example.com \\
      --oauth-client-id ID --oauth-client-secret-file secret.txt""",
    "webhook": """\
  sim-intercom webhook serve --secret-file ~/.intercom-client-secret
  sim-intercom webhook serve --secret-file secret.txt --port 0 --trigger intercom_conversation_reply
  sim-intercom webhook serve --secret-file secret.txt --trigger intercom_ticket_events \
      --topic ticket.state.updated --store redis://127.0.0.1:6379/0

A receiver on loopback: each POST is checked with the trigger hook (X-Hub-Signature, the
HMAC-SHA1 of the raw body keyed with the app's client secret) and answered as the hook
says; each event that runs prints on stdout as one JSON line, once per notification id.
Ctrl+C or SIGTERM stops it.""",
    "export": """\
  sim-intercom export --format openai > tools.json
  sim-intercom export --format openai-responses --toolsets contacts,tickets --read-only
  sim-intercom export --format anthropic --tool intercom_search_contacts

The output is a JSON list of tool definitions (for sim, its block document). Without
--toolsets or --tools the default set is exported; --toolsets all exports every tool.""",
    "demo": """\
  sim-intercom demo""",
}


def build_parser() -> argparse.ArgumentParser:
    def parser_for(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        options: dict[str, Any] = {
            "epilog": "Examples:\n" + EXAMPLES[name],
            "formatter_class": argparse.RawDescriptionHelpFormatter,
            **kwargs,
        }
        if not name:
            return _Parser(**options)
        sub = commands.add_parser(name, description=kwargs.get("help"), **options)
        sub.set_defaults(handler=HANDLERS[name])
        return sub

    parser = parser_for(
        "",
        prog=DISTRIBUTION,
        description="Intercom tools for Sim-style workflow builders, with a local sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"{DISTRIBUTION} {__version__}")
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")

    tools = parser_for("tools", help="list the tools, or describe one")
    tools.add_argument("tool", nargs="?", help="a tool id: describe this tool")
    tools.add_argument("--json", action="store_true", help="print the full specs as JSON")
    _selection_options(tools)

    run = parser_for("run", help="run one tool and print its result as JSON")
    run.add_argument("tool", help="tool id, e.g. intercom_list_contacts")
    run.add_argument(
        "params", nargs="*", default=[], metavar="key=value", help="tool parameters, if any"
    )
    run.add_argument("--input", metavar="JSON|-", help="parameters as a JSON object; - reads stdin")
    run.add_argument("--all", action="store_true", help="every record of a list or search, NDJSON")
    _connection_options(run)

    sandbox = parser_for("sandbox", help="serve the Intercom sandbox on loopback")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    sandbox.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (and any Host header)",
    )
    sandbox.add_argument(
        "--allow-remote-webhooks",
        action="store_true",
        help="allow a --webhook-url on another machine (default: loopback only)",
    )
    sandbox.add_argument(
        "--port",
        type=_port,
        default=8181,
        metavar="N",
        help="port (default %(default)s; 0 picks a free one)",
    )
    sandbox.add_argument(
        "--empty", action="store_true", help="only admins, ticket type, attributes"
    )
    sandbox.add_argument(
        "--contacts", type=_count, default=0, metavar="N", help="also generate N contacts"
    )
    sandbox.add_argument("--rate-limit", metavar="N[/SECONDS]", help="requests per window")
    sandbox.add_argument("--quiet", action="store_true", help="do not print each request")
    sandbox.add_argument(
        "--webhook-url", metavar="URL", help="deliver signed notifications of changes here"
    )
    sandbox.add_argument(
        "--webhook-secret-file", metavar="PATH", help="sign them with the client secret in PATH"
    )
    sandbox.add_argument("--oauth-client-id", metavar="ID", help="its OAuth app's client id")
    sandbox.add_argument(
        "--oauth-client-secret-file", metavar="PATH", help="that app's client secret is here"
    )
    sandbox.add_argument(
        "--oauth-redirect-url",
        action="append",
        metavar="URL",
        help="a redirect URL registered for the app (repeatable; default: any https URL)",
    )
    sandbox.add_argument(
        "--fire",
        metavar="TOPIC",
        help="ask the sandbox running on --host/--port to fire this webhook topic, then exit",
    )
    sandbox.add_argument(
        "--item", metavar="JSON", help="with --fire: the data.item to send (default: one made)"
    )

    mcp = parser_for("mcp", help="serve the tools over MCP (stdio, or Streamable HTTP)")
    mcp.add_argument("--http", action="store_true", help="Streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="loopback address (with --http)")
    mcp.add_argument(
        "--port", type=_port, metavar="N", help="port (with --http; default 8182, 0 picks one)"
    )
    _connection_options(mcp, token_argument=False)
    _selection_options(mcp)
    mcp.add_argument(
        "--dynamic-toolsets",
        action="store_true",
        help="start with list_toolsets, get_toolset_tools and enable_toolset only; "
        "the client enables what it needs",
    )
    _remote_options(mcp)

    webhook = parser_for("webhook", help="receive Intercom webhooks for a trigger, by hand")
    actions = webhook.add_subparsers(dest="action", title="actions", metavar="ACTION")
    actions.required = True
    serve = actions.add_parser(
        "serve",
        help="serve a webhook receiver on loopback; print each event as a JSON line",
        description="Serve a webhook receiver on loopback; print each event as a JSON line.",
        epilog="Examples:\n" + EXAMPLES["webhook"],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.set_defaults(handler=cmd_webhook_serve)
    serve.add_argument(
        "--secret-file", required=True, metavar="PATH", help="the app's client secret is here"
    )
    serve.add_argument(
        "--port",
        type=_port,
        default=8183,
        metavar="N",
        help="port (default %(default)s; 0 picks a free one)",
    )
    serve.add_argument(
        "--trigger",
        default="intercom_webhook",
        metavar="ID",
        help="trigger id (intercom_webhook: every topic)",
    )
    serve.add_argument(
        "--topic",
        action="append",
        metavar="TOPIC",
        help="run only on this topic (repeat for more; default: every topic the trigger takes)",
    )
    serve.add_argument(
        "--store",
        metavar="REDIS_URL",
        help="remember notifications run in this Redis store, shared by every receiver naming "
        "it (default: $SIM_INTERCOM_STORE or $SIM_INTERCOM_RATE_STORE, else memory)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    serve.add_argument("--quiet", action="store_true", help="do not log each request")

    export = parser_for("export", help="print the tool definitions for an AI platform, as JSON")
    export.add_argument(
        "--format",
        required=True,
        help="mcp, openai, openai-responses, anthropic, gemini or sim",
    )
    _selection_options(export)
    export.add_argument(
        "--tool",
        metavar="ID",
        action="append",
        dest="tools",
        help="add this tool (repeatable; joins --tools)",
    )

    parser_for("demo", help="run a support workflow against the sandbox")
    return parser


def _remote_options(mcp: argparse.ArgumentParser) -> None:
    """`mcp --auth ...` (a remote server for a team; docs/serving.md) and `mcp keygen`."""
    remote = mcp.add_argument_group("serving a team (with --http; see docs/serving.md)")
    remote.add_argument(
        "--auth", choices=["keys", "oauth"], help="authenticate clients (needed off loopback)"
    )
    remote.add_argument("--keys-file", metavar="PATH", help="tenants and their key hashes")
    remote.add_argument("--public-url", metavar="URL", help="the origin clients reach (oauth)")
    remote.add_argument("--oauth-client-id", metavar="ID", help="your Intercom app's client id")
    remote.add_argument(
        "--oauth-client-secret-file", metavar="PATH", help="its client secret is here"
    )
    remote.add_argument("--oauth-authorize-url", metavar="URL", help="Intercom's, by default")
    remote.add_argument("--oauth-token-url", metavar="URL", help="Intercom's, by default")
    remote.add_argument(
        "--store-key-file", metavar="PATH", help="secret that seals tokens in Redis"
    )
    actions = mcp.add_subparsers(dest="action", title="actions", metavar="ACTION")
    keygen = actions.add_parser(
        "keygen",
        help="make a client key for a tenant and print the keys-file line that admits it",
        description="Make a client key for a tenant; print it and the keys-file line to add.",
    )
    keygen.add_argument("--name", required=True, help="the tenant's name, e.g. acme")


def _connection_options(parser: argparse.ArgumentParser, *, token_argument: bool = True) -> None:
    parser.add_argument(
        "--token-file", metavar="PATH", help=f"read the token here (or ${TOKEN_ENV})"
    )
    if token_argument:  # kept for old scripts; visible to other users, so not advertised
        parser.add_argument("--token", help=argparse.SUPPRESS)
    parser.add_argument("--region", choices=["us", "eu", "au"], help="workspace region (us)")
    parser.add_argument("--base-url", help="explicit API base URL (https, or http on loopback)")
    parser.add_argument("--sandbox", action="store_true", help="use a fresh local sandbox")


def _selection_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--toolsets",
        metavar="A,B",
        help="toolsets to serve: default, all, or names from `sim-intercom tools` "
        "(or $SIM_INTERCOM_TOOLSETS; default: default)",
    )
    parser.add_argument(
        "--tools",
        metavar="ID,ID",
        action="append",
        help="tool ids to add to the toolsets (or $SIM_INTERCOM_TOOLS)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=None,
        help="only the tools that change nothing; wins over everything "
        "(or $SIM_INTERCOM_READ_ONLY=1)",
    )


HANDLERS = {
    "tools": cmd_tools,
    "run": cmd_run,
    "sandbox": cmd_sandbox,
    "mcp": cmd_mcp,
    "webhook": cmd_webhook_serve,
    "export": cmd_export,
    "demo": cmd_demo,
}
