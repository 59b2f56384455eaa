"""Walking a large search, page by page, against a sandbox of 100,000 contacts.

`role = user` matches four contacts in five (80,004 of 100,006). The walk goes through
`host.iterate` over loopback HTTP, 150 a page, as `sim-intercom run
intercom_search_contacts --all` does; a list walk of the same workspace is the yardstick.

Run from the repository root after installing (`pip install -e .`):

    python benchmarks/bench_search.py               # the figures in docs/benchmarks.md
    python benchmarks/bench_search.py --pages 10    # stop each walk after 10 pages
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Iterator
from typing import Any

from sim_intercom.host import iterate
from sim_intercom.sandbox import SandboxServer, Workspace
from sim_intercom.tables import render_table

QUERY = json.dumps({"field": "role", "operator": "=", "value": "user"})
PER_PAGE = 150


def _timed_pages(records: Iterator[dict[str, Any]], pages: int | None) -> tuple[int, list[float]]:
    """Records walked and the seconds each page took (a page ends every PER_PAGE records)."""
    count, times, started = 0, [], time.perf_counter()
    for _ in records:
        count += 1
        if count % PER_PAGE == 0:
            now = time.perf_counter()
            times.append(now - started)
            started = now
            if pages is not None and len(times) >= pages:
                break
    return count, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--pages", type=int, help="stop each walk after this many pages")
    args = parser.parse_args()

    started = time.perf_counter()
    workspace = Workspace(contacts=args.contacts)
    print(f"seeded {args.contacts:,} contacts in {time.perf_counter() - started:.2f} s")
    rows = []
    with SandboxServer(workspace) as sandbox:
        credentials = {"accessToken": sandbox.token, "baseUrl": sandbox.base_url}
        walks = {
            "list contacts": iterate("intercom_list_contacts", {"per_page": PER_PAGE}, credentials),
            "search role = user": iterate(
                "intercom_search_contacts", {"query": QUERY, "per_page": PER_PAGE}, credentials
            ),
        }
        for name, records in walks.items():
            started = time.perf_counter()
            count, times = _timed_pages(records, args.pages)
            elapsed = time.perf_counter() - started
            rows.append(
                (
                    f"walk: {name}",
                    f"{elapsed:.2f} s",
                    f"{count:,} records, {len(times)} full pages; per page: first "
                    f"{times[0] * 1000:,.0f} ms, median {statistics.median(times) * 1000:,.0f} ms,"
                    f" last {times[-1] * 1000:,.0f} ms",
                )
            )
    print(render_table(["what", "time", "detail"], rows))


if __name__ == "__main__":
    main()
