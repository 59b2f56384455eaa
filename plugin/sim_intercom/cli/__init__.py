"""The `sim-intercom` command line: tools, run, sandbox, mcp, webhook serve, export and demo.

Exit statuses: 0 success; 1 a tool or a page failed, or the command could not do its work
(a port in use, an unexpected error); 2 a usage error or invalid input. Every error is one
line on standard error, never a traceback and never a token.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from .common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CommandError, one_line
from .parser import build_parser

__all__ = ["build_parser", "main"]


def _is_pair(item: str) -> bool:
    return not item.startswith("-") and "=" in item


def _dispatch(argv: Sequence[str] | None, secrets: list[str]) -> int:
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        # argparse stops collecting `run`'s key=value pairs at the first option; take
        # the pairs that come after options too, as people write them.
        if extra and args.command == "run" and all(_is_pair(item) for item in extra):
            args.params += extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as done:  # --help, --version, or a usage error argparse reported
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    args.secrets = secrets
    try:
        code: int = args.handler(args)
        return code
    except CommandError as exc:
        print(f"sim-intercom: {exc}", file=sys.stderr)
        return exc.status


def _stdout_to_devnull() -> None:
    """After a closed pipe, point stdout at devnull so the interpreter's last flush is quiet
    (as the `signal` module's documentation recommends)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # not a real file: nothing will flush
        pass


def main(argv: Sequence[str] | None = None) -> int:
    secrets: list[str] = []
    try:
        code = _dispatch(argv, secrets)
        if sys.stdout is not None:
            sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except BrokenPipeError:  # the reader has all it wanted (`| head`): not a failure
        _stdout_to_devnull()
        return EXIT_OK
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # the last line of defence: one line, never a traceback
        message = str(exc)
        for secret in secrets:
            message = message.replace(secret, "[redacted]")
        print(
            f"sim-intercom: unexpected error: {type(exc).__name__}: {one_line(message, 200)}",
            file=sys.stderr,
        )
        return EXIT_FAILED
