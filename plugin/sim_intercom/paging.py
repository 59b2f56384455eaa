"""Many pages as one: `max_items` gathers records across pages into one output, and
`iterate` walks every record of a list or search lazily, one page in memory at a time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Params = dict[str, Any]
Output = dict[str, Any]


@dataclass(frozen=True)
class Pager:
    """How a list or search tool pages: the output key of its records, and whether it
    pages by number (`page`, `next_page`) rather than by cursor (`starting_after`)."""

    items: str
    by_number: bool = False

    def following(self, params: Params, output: Output) -> Params | None:
        """The parameters of the next page, or None after the last."""
        if self.by_number:
            number = output.get("next_page")
            return None if number is None else {**params, "page": number}
        cursor = output.get("next_starting_after")
        return {**params, "starting_after": cursor} if cursor else None

    def gather(
        self, run_page: Callable[[Params], Output], params: Params, page_size: int
    ) -> Output:
        """Run pages until `params["max_items"]` records are gathered or the list ends.

        Cursor pages are sized to what is still wanted, so the returned cursor continues
        exactly after the last record returned. Numbered pages cannot change size without
        moving their boundaries, so they come whole: up to one page more than asked.
        """
        wanted = params["max_items"]
        asked = params.get("per_page", page_size)
        gathered: list[Any] = []
        current: Params | None = {k: v for k, v in params.items() if k != "max_items"}
        output: Output = {}
        while current is not None and len(gathered) < wanted:
            if not self.by_number:
                current["per_page"] = min(asked, wanted - len(gathered))
            output = run_page(current)
            gathered.extend(output[self.items])
            current = self.following(current, output)
        return {**output, self.items: gathered}


def walk(
    pager: Pager, run_page: Callable[[Params], Output], params: Mapping[str, Any]
) -> Iterator[Any]:
    """Every record of every page, lazily: the next page is fetched when the last record of
    this one has been taken."""
    current: Params | None = dict(params)
    while current is not None:
        output = run_page(current)
        yield from output[pager.items]
        current = pager.following(current, output)
