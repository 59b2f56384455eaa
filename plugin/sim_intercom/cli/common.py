"""What every command shares: exit statuses, errors, JSON output, the token and the
connection (a real workspace or a fresh sandbox)."""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Iterable
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

TOKEN_ENV = "INTERCOM_ACCESS_TOKEN"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
NO_TOKEN_HELP = (
    f"no Intercom access token, so nothing was sent: set {TOKEN_ENV} or pass --token-file "
    "PATH (the token is in Intercom's Developer Hub > your app > Authentication), or add "
    "--sandbox to use a local sandbox"
)
TOKEN_ARGUMENT_WARNING = (
    "sim-intercom: warning: a token on the command line is visible to other users of this "
    f"machine; prefer --token-file PATH or {TOKEN_ENV}"
)
MESSAGE_CHARS = 300
TOOL_PREFIX = "intercom_"
CLEAR_TO_END = "\x1b[K"  # a terminal's erase to the end of the line, after a shorter update


class CommandError(Exception):
    """A command that cannot go on: one line on standard error, and an exit status."""

    status = EXIT_FAILED


class UsageError(CommandError):
    """A mistake on the command line or in its input."""

    status = EXIT_USAGE


def is_terminal(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def print_json(value: Any) -> None:
    """Indented for a person at a terminal, compact for a pipe or a file."""
    if is_terminal(sys.stdout):
        print(json.dumps(value, indent=2))
    else:
        print(json.dumps(value, separators=(",", ":")))


def one_line(text: str, limit: int = MESSAGE_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def unknown_tool(tool_id: str, known: Iterable[str]) -> UsageError:
    """An unknown tool, with the known id closest to it (compared without the prefix they
    share, which would make every id look close)."""
    by_name = {each.removeprefix(TOOL_PREFIX): each for each in known}
    name = tool_id.removeprefix(TOOL_PREFIX)
    close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
    guess = f"; did you mean {by_name[close[0]]}?" if close else ""
    return UsageError(f"unknown tool {tool_id[:80]!r}{guess} (sim-intercom tools lists them)")


def read_token(args: argparse.Namespace) -> str | None:
    """The token from --token-file, the hidden --token, or the environment; remembered in
    `args.secrets` so no error message can quote it."""
    token_file, token = getattr(args, "token_file", None), getattr(args, "token", None)
    if token_file and token:
        raise UsageError("give the token once: --token-file or --token, not both")
    if token_file:
        return read_secret_file(token_file, "--token-file", args.secrets)
    if token:
        print(TOKEN_ARGUMENT_WARNING, file=sys.stderr)
    else:
        token = os.environ.get(TOKEN_ENV) or None
    if token:
        args.secrets.append(token)
    return token


def _warn_if_shared(path: str, option: str) -> None:
    """A warning on stderr (never the content) when other users may read a secret's file."""
    if os.name == "posix" and os.stat(path).st_mode & 0o077:
        print(
            f"warning: {option} {one_line(path, 80)} can be read by other users of this "
            f"machine; chmod 600 it",
            file=sys.stderr,
        )


def read_secret_file(path: str, option: str, secrets: list[str]) -> str:
    """The secret in a file named by `option` (its text, stripped), remembered in `secrets`
    so no error message can quote it; a usage error when it cannot be read or is empty."""
    try:
        secret = Path(path).read_text(encoding="utf-8-sig").strip()  # a BOM is not the secret
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"cannot read {option} {path}: {reason}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{option} {path} is not UTF-8 text") from None
    if not secret:
        raise UsageError(f"{option} {path} is empty")
    _warn_if_shared(path, option)
    secrets.append(secret)
    return secret


def connection(args: argparse.Namespace, stack: ExitStack) -> dict[str, Any] | None:
    """The credentials for `--sandbox` (a fresh sandbox, stopped with `stack`) or for the
    token and its settings; None when there is no token."""
    if args.sandbox:
        from ..sandbox import SandboxServer

        server = stack.enter_context(SandboxServer())
        return {"accessToken": server.token, "baseUrl": server.base_url}
    token = read_token(args)
    if not token:
        return None
    credentials: dict[str, Any] = {"accessToken": token}
    if args.region:
        credentials["region"] = args.region
    if args.base_url:
        credentials["baseUrl"] = args.base_url
    return credentials
