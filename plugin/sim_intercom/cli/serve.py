"""`sandbox`, `mcp`, `webhook serve` and `demo`: the commands that serve until stopped, or
start a sandbox."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..settings import is_loopback
from . import remote
from .common import (
    CLEAR_TO_END,
    EXIT_OK,
    NO_TOKEN_HELP,
    TOKEN_ENV,
    CommandError,
    UsageError,
    connection,
    is_terminal,
    one_line,
    print_json,
    read_secret_file,
)

if TYPE_CHECKING:
    from ..sandbox import Workspace
    from ..sandbox.oauth import OAuthApp

DEFAULT_MCP_PORT = 8182
MCP_MISSING = (
    "the MCP server needs the MCP SDK, the mcp extra: pip install 'sim-intercom[mcp]', "
    "or in a clone of the repository pip install -e '.[mcp]'"
)


def parse_rate_limit(text: str | None) -> tuple[int | None, float]:
    """`N` or `N/SECONDS`: at most N requests per window (10 seconds, like Intercom)."""
    if not text:
        return None, 10.0
    count, _, window = text.partition("/")
    try:
        limit, seconds = int(count), float(window or 10)
    except ValueError:
        raise UsageError(f"--rate-limit must be N or N/SECONDS, got {text!r}") from None
    if limit < 1 or not 0 < seconds < float("inf"):
        raise UsageError("--rate-limit needs a positive count and window")
    return limit, seconds


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a server as Ctrl+C does: by raising KeyboardInterrupt in the main
    thread (the only one that can handle signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def _cannot_listen(host: str, port: int, exc: OSError) -> CommandError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return CommandError(f"cannot listen on {host}:{port}: {one_line(reason)}")


def _print_request(line: str) -> None:
    print(line, flush=True)


def _webhook_secret(args: argparse.Namespace) -> str | None:
    """Check `--webhook-url` and read `--webhook-secret-file`: the secret, or None."""
    url = args.webhook_url
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise UsageError(f"--webhook-url must be an http or https URL, got {one_line(url, 80)}")
    if url and not args.allow_remote_webhooks and not is_loopback(urlsplit(url).hostname or ""):
        raise UsageError(
            f"--webhook-url {one_line(url, 80)} is not on loopback; the sandbox posts webhooks "
            "to this machine only unless --allow-remote-webhooks is given"
        )
    if not args.webhook_secret_file:
        return None
    if not url:
        raise UsageError("--webhook-secret-file needs --webhook-url")
    return read_secret_file(args.webhook_secret_file, "--webhook-secret-file", args.secrets)


def _generate_contacts(workspace: Workspace, count: int) -> None:
    """Generate `count` contacts, saying so first and, on a terminal, counting as it goes."""
    terminal = is_terminal(sys.stdout)
    doing = f"Generating {count:,} contacts"
    print(f"{doing}...", end="" if terminal else "\n", flush=True)

    def progress(done: int) -> None:
        if terminal:
            print(f"\r{doing}: {done:,} done{CLEAR_TO_END}", end="", flush=True)

    from ..sandbox.seed import generate_contacts

    try:
        with workspace.lock:
            generate_contacts(workspace.contacts, count, progress=progress)
    finally:
        if terminal:
            print(flush=True)


def _sandbox_oauth_app(args: argparse.Namespace) -> tuple[OAuthApp, bool]:
    """The OAuth app the sandbox knows, from --oauth-client-id and --oauth-client-secret-file,
    or made up (True) when neither is given."""
    from ..sandbox.oauth import OAuthApp

    client_id, secret_file = args.oauth_client_id, args.oauth_client_secret_file
    if bool(client_id) != bool(secret_file):
        raise UsageError("--oauth-client-id and --oauth-client-secret-file go together")
    for url in args.oauth_redirect_url or ():
        if urlsplit(url).scheme not in ("http", "https"):
            raise UsageError(f"--oauth-redirect-url must be an http(s) URL: {one_line(url, 80)}")
    redirects = tuple(args.oauth_redirect_url or ())
    if not client_id:
        made_up = OAuthApp.made_up()
        return OAuthApp(made_up.client_id, made_up.client_secret, redirects), True
    secret = read_secret_file(secret_file, "--oauth-client-secret-file", args.secrets)
    return OAuthApp(client_id, secret, redirects), False


def _print_sandbox_oauth(base_url: str, app: OAuthApp, made_up: bool) -> None:
    print(f"  OAuth     client id {app.client_id}")
    if made_up:  # a made-up secret is shown once, or nobody could use it
        print(f"            client secret {app.client_secret}")
    print(f"            authorize {base_url}/oauth")
    print(f"            token     {base_url}/auth/eagle/token")


def cmd_sandbox(args: argparse.Namespace) -> int:
    if args.fire is not None:
        return _fire(args)
    from ..sandbox import SandboxServer, Workspace
    from ..sandbox.seed import MAX_GENERATED_CONTACTS

    if not args.allow_remote and not is_loopback(args.host):
        raise UsageError(
            f"--host {one_line(args.host, 80)} is not a loopback address and the sandbox's "
            "token is public; add --allow-remote to serve it there anyway"
        )
    if args.contacts > MAX_GENERATED_CONTACTS:
        raise UsageError(
            f"--contacts {args.contacts:,} is more than the sandbox generates: "
            f"at most {MAX_GENERATED_CONTACTS:,}"
        )
    limit, window = parse_rate_limit(args.rate_limit)
    webhook_secret = _webhook_secret(args)
    oauth_app, made_up = _sandbox_oauth_app(args)
    started = time.perf_counter()
    workspace = Workspace(seed="empty" if args.empty else "default", oauth=oauth_app)
    if args.contacts:
        _generate_contacts(workspace, args.contacts)
    seeded = time.perf_counter() - started
    server = SandboxServer(
        workspace,
        host=args.host,
        port=args.port,
        rate_limit=limit,
        window=window,
        log=None if args.quiet else _print_request,
        webhook_url=args.webhook_url,
        webhook_secret=webhook_secret,
        allow_remote=args.allow_remote,
        allow_remote_webhooks=args.allow_remote_webhooks,
    )
    with sigterm_interrupts():
        try:
            server.start()
        except OSError as exc:
            raise _cannot_listen(args.host, args.port, exc) from None
        try:
            if not is_loopback(args.host):
                print(
                    f"sim-intercom: warning: serving the public token on {args.host}; anyone "
                    "who can reach this port can use the sandbox",
                    file=sys.stderr,
                )
            print("Intercom sandbox listening")
            print(f"  base URL  {server.base_url}")
            print(f"  token     {server.token}")
            if args.contacts:
                print(f"  seeded    {args.contacts:,} generated contacts in {seeded:.1f} s")
            if limit:
                print(f"  rate      {limit} requests per {window:g} s")
            if args.webhook_url:
                signed = "signed" if webhook_secret else "unsigned"
                print(f"  webhooks  {signed}, to {args.webhook_url}")
            _print_sandbox_oauth(server.base_url, oauth_app, made_up)
            print(
                f"Try: {TOKEN_ENV}={server.token} sim-intercom run intercom_list_contacts "
                f"per_page=5 --base-url {server.base_url}"
            )
            print("Press Ctrl+C to stop.", flush=True)
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nStopping.", flush=True)
        finally:
            server.stop()
    return EXIT_OK


def _fire(args: argparse.Namespace) -> int:
    """Ask the sandbox running on --host/--port to fire a webhook topic; print its answer."""
    import requests

    from ..sandbox import SANDBOX_TOKEN
    from ..sandbox.webhooks import FIRE_PATH

    body: dict[str, Any] = {"topic": args.fire}
    if args.item is not None:
        try:
            body["item"] = json.loads(args.item)
        except ValueError:
            raise UsageError("--item must be a JSON object") from None
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{args.port}{FIRE_PATH}"
    try:
        answer = requests.post(
            url, json=body, headers={"Authorization": f"Bearer {SANDBOX_TOKEN}"}, timeout=10
        )
    except requests.RequestException:
        raise CommandError(f"no sandbox answers on {host}:{args.port}; start one first") from None
    if answer.status_code != 200:
        try:
            message = answer.json()["errors"][0]["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            message = f"HTTP {answer.status_code}"
        raise CommandError(
            f"the sandbox did not fire {one_line(args.fire, 80)}: {one_line(message)}"
        )
    print_json(answer.json())
    return EXIT_OK


def cmd_mcp(args: argparse.Namespace) -> int:
    from .catalog import selection

    if importlib.util.find_spec("mcp") is None:
        raise UsageError(MCP_MISSING)
    try:
        from .. import mcp_server  # its mcp_compat says which mcp it found and which it needs
    except ImportError as exc:
        raise UsageError(one_line(str(exc)) if "mcp" in str(exc) else MCP_MISSING) from None
    chosen = selection(args)
    options: dict[str, Any] = {"selection": chosen, "dynamic": args.dynamic_toolsets}

    def ready(url: str) -> None:
        print(f"sim-intercom MCP server listening on {url}", file=sys.stderr, flush=True)

    if args.action == "keygen":
        return remote.cmd_keygen(args)
    remote.check_remote_options(args)
    if args.http and args.auth is None and not is_loopback(args.host):
        raise UsageError(f"--host {one_line(args.host, 80)}: {remote.NEEDS_AUTH}")
    if args.auth is not None:
        try:
            with sigterm_interrupts():
                remote.serve_remote(
                    args, DEFAULT_MCP_PORT if args.port is None else args.port, chosen
                )
        except KeyboardInterrupt:
            pass
        except OSError as exc:
            raise _cannot_listen(args.host, args.port or 0, exc) from None
        return EXIT_OK

    with ExitStack() as stack:
        credentials = connection(args, stack)
        if credentials is None:
            raise UsageError(NO_TOKEN_HELP)
        if args.sandbox:  # stdout is the MCP channel over stdio: say it on stderr
            print(f"sim-intercom: sandbox at {credentials['baseUrl']}", file=sys.stderr)
        port = {} if args.port is None else {"port": args.port}
        try:
            with sigterm_interrupts():
                if args.http:
                    mcp_server.serve_http(credentials, args.host, on_ready=ready, **port, **options)
                else:
                    mcp_server.serve_stdio(credentials, **options)
        except KeyboardInterrupt:
            pass
        except ValueError as exc:  # settings the server refuses, each named
            raise UsageError(one_line(str(exc))) from None
        except OSError as exc:
            raise _cannot_listen(args.host, args.port or 0, exc) from None
    return EXIT_OK


def _print_event(event: dict[str, Any]) -> None:
    print(json.dumps(event, separators=(",", ":"), ensure_ascii=False), flush=True)


def _print_note(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def cmd_webhook_serve(args: argparse.Namespace) -> int:
    from ..host import get_plugin_manager
    from ..webhook_receiver import WebhookReceiver

    if not is_loopback(args.host):
        raise UsageError(
            f"--host {one_line(args.host, 80)} is not a loopback address; the receiver is for "
            "trying triggers by hand and serves loopback only"
        )
    manager = get_plugin_manager()
    specs = manager.hook.sim_register_triggers()
    known = {trigger["id"]: trigger for found in specs for trigger in found}
    if args.trigger not in known:
        raise UsageError(f"unknown trigger {args.trigger[:80]!r}; one of: {', '.join(known)}")
    topics = _chosen_topics(known[args.trigger], args.topic or [])
    store = _replay_store(args.store)
    secret = read_secret_file(args.secret_file, "--secret-file", args.secrets)
    settings: Any = {"clientSecret": secret, "topics": topics} if topics else secret
    receiver = WebhookReceiver(
        manager,
        args.trigger,
        settings,
        host=args.host,
        port=args.port,
        on_event=_print_event,
        log=None if args.quiet else _print_note,
        store=store,
    )
    with sigterm_interrupts():
        try:
            receiver.start()
        except OSError as exc:
            raise _cannot_listen(args.host, args.port, exc) from None
        try:
            # stdout carries the events (NDJSON); everything else goes to stderr
            _print_note(f"Intercom webhook receiver for {args.trigger} listening")
            _print_note(f"  URL       {receiver.url}")
            _print_note("  verifies  X-Hub-Signature with the secret in " + args.secret_file)
            _print_note("  topics    " + (", ".join(topics) or "every topic the trigger takes"))
            _print_note("  replays   " + _where_replays(store))
            _print_note("Events print on stdout, one JSON line each. Press Ctrl+C to stop.")
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            _print_note("Stopping.")
        finally:
            receiver.stop()
    return EXIT_OK


STORE_ENVS = ("SIM_INTERCOM_STORE", "SIM_INTERCOM_RATE_STORE")


def _chosen_topics(spec: dict[str, Any], topics: list[str]) -> list[str]:
    """`--topic` values, each one the trigger takes (any topic for the catch-all)."""
    for topic in topics:
        if spec["topics"] != ["*"] and topic not in spec["topics"]:
            raise UsageError(
                f"--topic {one_line(topic, 80)!r} is not a topic {spec['id']} takes; one of: "
                + ", ".join(spec["topics"])
            )
    return topics


def _where_replays(store: str | None) -> str:
    if not store:
        return "remembered in memory"
    from ..redis_budget import redacted

    return "remembered in " + redacted(store)


def _replay_store(given: str | None) -> str | None:
    """The Redis URL redeliveries are remembered in: --store, else SIM_INTERCOM_STORE, else
    SIM_INTERCOM_RATE_STORE (the rate budget's store); never quoted, it may hold a password."""
    from ..settings import RATE_STORE, REDIS_MISSING, redis_installed

    where, value = "--store", given
    for env in STORE_ENVS:
        if value is None and os.environ.get(env, "").strip():
            where, value = env, os.environ[env]
    if value is None:
        return None
    url = RATE_STORE.parse(value)
    if url is None:
        raise UsageError(f"{where} {RATE_STORE.describe_bounds()}")
    if not redis_installed():
        raise UsageError(f"{where}: {REDIS_MISSING}")
    return url


def cmd_demo(args: argparse.Namespace) -> int:
    from ..demo import run_demo

    return run_demo(print)
