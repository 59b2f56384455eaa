"""`run`: one call, its result as JSON; with `--all`, every record as NDJSON."""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import IO, Any

import pluggy

from ..host import execute_tool, get_plugin_manager, iterate, list_tools
from .common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    NO_TOKEN_HELP,
    UsageError,
    connection,
    is_terminal,
    one_line,
    print_json,
    unknown_tool,
)

PROGRESS_INTERVAL = 0.1  # seconds between updates of the --all progress line
CLEAR_TO_END = "\x1b[K"  # a terminal's erase to the end of the line, after a shorter update


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
            raise UsageError(f"expected key=value, got {one_line(pair, 80)!r}")
        params[name] = value
    return params


def _input_text(option: str | None) -> str | None:
    """`--input`'s JSON: the option's text, or standard input for `-`."""
    if option != "-":
        return option
    if sys.stdin is None:
        raise UsageError("--input - reads standard input, which is closed")
    return sys.stdin.read()


def cmd_run(args: argparse.Namespace) -> int:
    params = parse_assignments(args.params, _input_text(args.input))
    manager = get_plugin_manager()
    spec = next((t for t in list_tools(manager) if t["id"] == args.tool), None)
    if spec is None:
        raise unknown_tool(args.tool)
    if args.all:
        _check_streamable(args.tool, params)
    with ExitStack() as stack:
        credentials = connection(args, stack)
        if credentials is None:
            print(NO_TOKEN_HELP, file=sys.stderr)
            return EXIT_USAGE
        if args.all:
            return stream_all(manager, spec, params, credentials)
        result = execute_tool(manager, args.tool, params, credentials)
    if result is None:
        raise unknown_tool(args.tool)
    print_json(result)
    if result["success"]:
        return EXIT_OK
    invalid = (result.get("error_detail") or {}).get("kind") == "invalid_input"
    return EXIT_USAGE if invalid else EXIT_FAILED


def _check_streamable(tool_id: str, params: dict[str, Any]) -> None:
    from ..operations import OPERATIONS

    operation = OPERATIONS.get(tool_id)
    if operation is None or operation.pager is None:
        raise UsageError(f"--all works with list and search tools only, not {tool_id}")
    ignored = sorted({"fields", "max_items"} & params.keys())
    if ignored:
        raise UsageError(f"--all streams whole records; {' and '.join(ignored)} do not apply")


class Progress:
    """`\\r`-updated `N of TOTAL contacts, R/s, T left` on a terminal's standard error, a
    few times a second at most; `end` finishes the line, however the walk ended."""

    def __init__(self, stream: IO[str], noun: str, clock: Callable[[], float] = time.monotonic):
        self.stream = stream
        self.noun = noun
        self.clock = clock
        self.started = clock()
        self.shown_at: float | None = None

    def show(self, count: int, total: int | None) -> None:
        now = self.clock()
        if self.shown_at is not None and now - self.shown_at < PROGRESS_INTERVAL:
            return
        self.shown_at = now
        self._write(self._counted(count, total) + self._pace(count, total, now - self.started))

    def end(self, count: int, total: int | None, how: str = "") -> None:
        elapsed = duration(self.clock() - self.started)
        self._write(f"{self._counted(count, total)} in {elapsed}{how}", "\n")

    def _counted(self, count: int, total: int | None) -> str:
        return f"{count}{f' of {total}' if isinstance(total, int) else ''} {self.noun}"

    @staticmethod
    def _pace(count: int, total: int | None, elapsed: float) -> str:
        if elapsed <= 0 or count == 0:
            return ""
        rate = count / elapsed
        left = f", {duration((total - count) / rate)} left" if isinstance(total, int) else ""
        return f", {rate:,.0f}/s{left}"

    def _write(self, text: str, ending: str = "") -> None:
        self.stream.write(f"\r{text}{CLEAR_TO_END}{ending}")
        self.stream.flush()


def duration(seconds: float) -> str:
    """`0.4 s`, `25 s`, `8 min 36 s`, `2 h 05 min`."""
    if seconds < 10:
        return f"{max(seconds, 0):.1f} s"
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def stream_all(
    manager: pluggy.PluginManager,
    spec: dict[str, Any],
    params: dict[str, Any],
    credentials: dict[str, Any],
) -> int:
    """Every record of a list or search tool as NDJSON on standard output.

    The first page runs as a call of its own, for its `total_count`; `host.iterate` walks
    the rest from where it ended."""
    from ..errors import IntercomError, InvalidInput, error_from_result
    from ..operations import OPERATIONS

    tool_id = spec["id"]
    pager = OPERATIONS[tool_id].pager
    assert pager is not None  # _check_streamable said so
    per_page = spec["input_schema"].get("properties", {}).get("per_page", {})
    first = {"per_page": per_page.get("maximum", 50), **params}
    show = is_terminal(sys.stderr) and not is_terminal(sys.stdout)
    progress = Progress(sys.stderr, pager.items) if show else None
    count, total = 0, None
    try:
        result = execute_tool(manager, tool_id, first, credentials)
        if result is None:
            raise unknown_tool(tool_id)
        if not result["success"]:
            raise error_from_result(result)
        output = result["output"]
        total = output.get("total_count")
        following = pager.following(first, output)
        rest = iterate(tool_id, following, credentials) if following else iter(())
        for record in itertools.chain(output[pager.items], rest):
            print(json.dumps(record, separators=(",", ":")))
            count += 1
            if progress is not None:
                progress.show(count, total)
    except KeyboardInterrupt:
        if progress is not None:
            progress.end(count, total, ", interrupted")
        raise
    except IntercomError as error:
        if progress is not None:
            progress.end(count, total, ", stopped")
        print(
            f"sim-intercom: {tool_id} --all stopped after {count} {pager.items}: "
            f"{error.kind}: {one_line(str(error))}",
            file=sys.stderr,
        )
        return EXIT_USAGE if isinstance(error, InvalidInput) and count == 0 else EXIT_FAILED
    if progress is not None:
        progress.end(count, total)
    return EXIT_OK
