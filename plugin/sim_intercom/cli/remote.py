"""`mcp --auth keys|oauth` (a remote MCP server for a team) and `mcp keygen`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..selection import Selection
from ..settings import base_url_problem, read_config
from .common import EXIT_OK, UsageError, one_line, read_secret_file

REMOTE_OPTIONS = (
    "keys_file",
    "public_url",
    "oauth_client_id",
    "oauth_client_secret_file",
    "oauth_authorize_url",
    "oauth_token_url",
    "store_key_file",
)
NEEDS_AUTH = (
    "serving off loopback needs authentication: add --auth keys --keys-file PATH, or "
    "--auth oauth --public-url URL --oauth-client-id ID --oauth-client-secret-file PATH "
    "(docs/serving.md)"
)


def cmd_keygen(args: argparse.Namespace) -> int:
    from ..remote.tenants import KeysFileError, new_key

    try:
        key, entry = new_key(args.name)
    except KeysFileError as exc:
        raise UsageError(f"--name: {exc}") from None
    print(f"Client key for {args.name} (give it to the client; only its hash is kept):")
    print(f"  {key}")
    print("Add this tenant to the keys file's tenants (and put its Intercom token in that file):")
    print(f"  {json.dumps(entry)}")
    return EXIT_OK


def check_remote_options(args: argparse.Namespace) -> None:
    """Options of a remote server given without --auth are mistakes, not silently unused."""
    if args.auth is None:
        given = [f"--{name.replace('_', '-')}" for name in REMOTE_OPTIONS if getattr(args, name)]
        if given:
            raise UsageError(f"{given[0]} needs --auth keys or --auth oauth")
        return
    if not args.http:
        raise UsageError("--auth serves over HTTP: add --http")
    if args.sandbox or args.token_file:
        option = "--sandbox" if args.sandbox else "--token-file"
        raise UsageError(f"{option} does not apply to --auth: each tenant brings its own token")
    if args.auth == "keys" and (args.region or args.base_url):
        option = "--region" if args.region else "--base-url"
        raise UsageError(f"{option} does not apply to --auth keys: the keys file names each API")


def _url(value: str | None, option: str, required: bool = False) -> str | None:
    if not value:
        if required:
            raise UsageError(f"--auth oauth needs {option}")
        return None
    problem = base_url_problem(value)
    if problem:
        raise UsageError(f"{option} {problem}")
    return value.rstrip("/")


def _store(args: argparse.Namespace, needs_key: bool) -> Any:
    from ..remote.store import fernet_key, open_store

    config, problems = read_config({})
    if problems or config is None:
        raise UsageError("; ".join(str(problem) for problem in problems))
    url = config.rate_store
    secret = None
    if args.store_key_file:
        secret = read_secret_file(args.store_key_file, "--store-key-file", args.secrets)
        try:
            fernet_key(secret)
        except ValueError as exc:
            raise UsageError(f"--store-key-file: {exc}") from None
    elif url and needs_key:
        raise UsageError("a Redis store (SIM_INTERCOM_STORE) needs --store-key-file to seal tokens")
    try:
        return open_store(url if needs_key else None, secret)
    except ValueError as exc:
        raise UsageError(f"--store-key-file: {exc}") from None


def remote_config(args: argparse.Namespace, chosen: Selection | None = None) -> Any:
    """The server's configuration; `chosen` (the command's selection flags) is what every
    OAuth tenant may use (a keys tenant's allowance is in the keys file)."""
    from ..remote.app import RemoteConfig

    if args.auth == "keys":
        from ..remote.tenants import KeysFileError, load_keys_file

        if not args.keys_file:
            raise UsageError("--auth keys needs --keys-file PATH (sim-intercom mcp keygen helps)")
        try:
            keyring = load_keys_file(args.keys_file)
        except KeysFileError as exc:
            raise UsageError(f"--keys-file: {one_line(str(exc))}") from None
        return RemoteConfig("keys", _store(args, needs_key=False), keyring=keyring)
    return RemoteConfig(
        "oauth", _store(args, needs_key=True), oauth=_oauth_settings(args, chosen or Selection())
    )


def _oauth_settings(args: argparse.Namespace, chosen: Selection) -> Any:
    from ..remote.oauth import (
        INTERCOM_AUTHORIZE_URL,
        INTERCOM_TOKEN_URL,
        IntercomApp,
        OAuthSettings,
    )

    public_url = _url(args.public_url, "--public-url", required=True)
    if not args.oauth_client_id or not args.oauth_client_secret_file:
        raise UsageError("--auth oauth needs --oauth-client-id and --oauth-client-secret-file")
    secret = read_secret_file(
        args.oauth_client_secret_file, "--oauth-client-secret-file", args.secrets
    )
    app = IntercomApp(
        args.oauth_client_id,
        secret,
        _url(args.oauth_authorize_url, "--oauth-authorize-url") or INTERCOM_AUTHORIZE_URL,
        _url(args.oauth_token_url, "--oauth-token-url") or INTERCOM_TOKEN_URL,
    )
    connection = {
        key: value for key, value in (("region", args.region), ("baseUrl", args.base_url)) if value
    }
    _config, problems = read_config(connection)
    if problems:
        raise UsageError("; ".join(str(problem) for problem in problems))
    assert public_url is not None
    toolsets = tuple(chosen.toolsets) if chosen.toolsets is not None else None
    return OAuthSettings(public_url, app, connection, toolsets, chosen.tools, chosen.read_only)


def serve_remote(args: argparse.Namespace, port: int, chosen: Selection | None = None) -> None:
    """Serve until SIGTERM or Ctrl+C (which the caller turns into a clean exit)."""
    from ..remote.access import configure
    from ..remote.server import serve

    config = remote_config(args, chosen)
    configure(sys.stderr)

    def ready(url: str) -> None:
        print(f"sim-intercom MCP server listening on {url}", file=sys.stderr)
        print(f"  auth      {config.auth}, store {config.store.where}", file=sys.stderr)
        if config.oauth is not None:
            print(f"  public    {config.oauth.public_url}/mcp", file=sys.stderr)
            print(
                f"  redirect  {config.oauth.callback_url} (register it with your Intercom app)",
                file=sys.stderr,
            )
        sys.stderr.flush()

    serve(config, args.host, port, on_ready=ready)
