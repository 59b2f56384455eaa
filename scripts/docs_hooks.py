"""MkDocs hook (named in mkdocs.yml): adds the pages generated from the catalog, the tool
and trigger reference (`sim_intercom.reference`), to the site being built."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from sim_intercom.manifest import default_catalog
from sim_intercom.reference import PAGES


def on_files(files: Files, config: Any) -> Files:
    catalog = default_catalog()
    for path, page in PAGES.items():
        files.append(File.generated(config, path, content=page(catalog)))
    return files
