"""A catalog grown to any number of tools, for the limits and the start-up benchmark: the
real manifest with copies of its tools (new ids, the same schemas) in new toolsets of at
most `PER_TOOLSET` tools each, as the breadth of Intercom's API will add them."""

from __future__ import annotations

import copy
import functools
import itertools
import string
import tempfile
from pathlib import Path
from typing import Any

from helpers import copy_catalog_tree, edit_manifest
from sim_intercom.manifest import Catalog, load_catalog

PER_TOOLSET = 20


def _suffixes() -> itertools.chain[str]:
    letters = string.ascii_lowercase
    return itertools.chain(
        letters, ("".join(pair) for pair in itertools.product(letters, repeat=2))
    )


def grow_manifest(tree: Path, count: int) -> None:
    """Add copies of the manifest's tools under `tree` until it has `count` tools."""

    def grow(manifest: dict[str, Any]) -> None:
        originals = list(manifest["tools"])
        suffixes = _suffixes()
        added = 0
        while len(manifest["tools"]) < count:
            toolset = f"extra_{string.ascii_lowercase[added // PER_TOOLSET]}"
            if added % PER_TOOLSET == 0:
                manifest["toolsets"].append(
                    {"name": toolset, "label": toolset.title(), "description": "Copies."}
                )
            entry = copy.deepcopy(originals[added % len(originals)])
            entry["id"] = f"{entry['id']}_copy_{next(suffixes)}"
            entry["toolset"] = toolset
            manifest["tools"].append(entry)
            added += 1

    edit_manifest(tree, grow)


@functools.cache
def grown_catalog(count: int) -> Catalog:
    """The real catalog grown to `count` tools (read once per count)."""
    with tempfile.TemporaryDirectory() as folder:
        tree = copy_catalog_tree(Path(folder))
        grow_manifest(tree, count)
        return load_catalog(tree)
