"""The `sim-intercom` command line: list tools, run one, serve the sandbox, run the demo."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from contextlib import ExitStack
from typing import Any

from .host import execute_tool, get_plugin_manager, list_tools
from .tables import render_table

TOKEN_ENV = "INTERCOM_ACCESS_TOKEN"
NO_TOKEN_HELP = (
    "No Intercom access token given, so nothing was sent.\n"
    f"  Use a real workspace: pass --token TOKEN or set {TOKEN_ENV}\n"
    "    (Intercom Developer Hub > your app > Authentication > Access token).\n"
    "  Or try it offline: add --sandbox to run against the built-in Intercom sandbox."
)


class UsageError(Exception):
    """A mistake on the command line; printed without a traceback."""


def _required(spec: dict[str, Any]) -> str:
    return ", ".join(spec["input_schema"].get("required", [])) or "-"


def cmd_tools(args: argparse.Namespace) -> int:
    tools = list_tools(get_plugin_manager())
    if args.json:
        print(json.dumps(tools, indent=2))
        return 0
    rows = [(t["id"], t["name"], t.get("resource", ""), _required(t)) for t in tools]
    print(render_table(["tool", "name", "resource", "required parameters"], rows))
    return 0


def parse_assignments(pairs: Sequence[str], input_json: str | None) -> dict[str, Any]:
    """`key=value` pairs (values stay text, as a workflow block sends them) over `--input`."""
    params: dict[str, Any] = {}
    if input_json:
        try:
            loaded = json.loads(input_json)
        except json.JSONDecodeError as exc:
            raise UsageError(f"--input is not valid JSON: {exc}") from None
        if not isinstance(loaded, dict):
            raise UsageError("--input must be a JSON object of parameters")
        params.update(loaded)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(f"expected key=value, got {pair!r}")
        params[name] = value
    return params


def parse_rate_limit(text: str | None) -> tuple[int | None, float]:
    """`N` or `N/SECONDS`: at most N requests per window (10 seconds, like Intercom)."""
    if not text:
        return None, 10.0
    count, _, window = text.partition("/")
    try:
        limit, seconds = int(count), float(window or 10)
    except ValueError:
        raise UsageError(f"--rate-limit must be N or N/SECONDS, got {text!r}") from None
    if limit < 1 or seconds <= 0:
        raise UsageError("--rate-limit needs a positive count and window")
    return limit, seconds


def cmd_run(args: argparse.Namespace) -> int:
    params = parse_assignments(args.params, args.input)
    token = args.token or os.environ.get(TOKEN_ENV)
    with ExitStack() as stack:
        credentials: dict[str, Any] = {}
        if args.sandbox:
            from .sandbox import SandboxServer

            server = stack.enter_context(SandboxServer())
            credentials = {"accessToken": server.token, "baseUrl": server.base_url}
        elif not token:
            print(NO_TOKEN_HELP, file=sys.stderr)
            return 2
        else:
            credentials = {"accessToken": token, "region": args.region}
            if args.base_url:
                credentials["baseUrl"] = args.base_url
        result = execute_tool(get_plugin_manager(), args.tool, params, credentials)
    if result is None:
        print(f"No installed plugin provides the tool {args.tool!r}.", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0 if result["success"] else 1


def _print_request(line: str) -> None:
    print(line, flush=True)


def cmd_sandbox(args: argparse.Namespace) -> int:
    from .sandbox import SandboxServer, Workspace

    limit, window = parse_rate_limit(args.rate_limit)
    started = time.perf_counter()
    workspace = Workspace(seed="empty" if args.empty else "default", contacts=args.contacts)
    seeded = time.perf_counter() - started
    server = SandboxServer(
        workspace,
        host=args.host,
        port=args.port,
        rate_limit=limit,
        window=window,
        log=None if args.quiet else _print_request,
    )
    server.start()
    print("Intercom sandbox listening")
    print(f"  base URL  {server.base_url}")
    print(f"  token     {server.token}")
    if args.contacts:
        print(f"  seeded    {args.contacts} generated contacts in {seeded:.1f} s")
    if limit:
        print(f"  rate      {limit} requests per {window:g} s")
    print(
        f"Try: sim-intercom run intercom_list_contacts per_page=5 --base-url {server.base_url} "
        f"--token {server.token}"
    )
    print("Press Ctrl+C to stop.", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nStopping.")
    finally:
        server.stop()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(print)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim-intercom",
        description="Intercom tools for Sim-style workflow builders, with a local sandbox.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    tools = commands.add_parser("tools", help="list the tools as a table")
    tools.add_argument("--json", action="store_true", help="print the full tool specs as JSON")
    tools.set_defaults(handler=cmd_tools)

    run = commands.add_parser("run", help="run one tool and print its result as JSON")
    run.add_argument("tool", help="tool id, e.g. intercom_list_contacts")
    run.add_argument("params", nargs="*", metavar="key=value", help="tool parameters")
    run.add_argument("--input", help="parameters as a JSON object (key=value pairs win)")
    run.add_argument("--token", help=f"Intercom access token (default: ${TOKEN_ENV})")
    run.add_argument("--region", default="us", choices=["us", "eu", "au"], help="workspace region")
    run.add_argument("--base-url", help="explicit API base URL (https, or http on loopback)")
    run.add_argument("--sandbox", action="store_true", help="run against a fresh local sandbox")
    run.set_defaults(handler=cmd_run)

    sandbox = commands.add_parser("sandbox", help="serve the Intercom sandbox on loopback")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    sandbox.add_argument("--port", type=int, default=8181, help="port (0 picks a free one)")
    sandbox.add_argument(
        "--empty", action="store_true", help="only admins, a ticket type and attributes"
    )
    sandbox.add_argument("--contacts", type=int, default=0, help="also generate N contacts")
    sandbox.add_argument("--rate-limit", metavar="N[/SECONDS]", help="requests per window")
    sandbox.add_argument("--quiet", action="store_true", help="do not print each request")
    sandbox.set_defaults(handler=cmd_sandbox)

    demo = commands.add_parser("demo", help="run a support workflow against the sandbox")
    demo.set_defaults(handler=cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except UsageError as exc:
        print(f"sim-intercom: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
