"""MkDocs hook (named in mkdocs.yml): adds the pages generated from the catalog, the tool
and trigger reference (`sim_intercom.reference`), to the site being built, and writes the
current sizes of the toolsets into `toolsets.md` (`sim_intercom.exports.sizes`)."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import File, Files

from sim_intercom.exports.sizes import sizes_markdown
from sim_intercom.manifest import default_catalog
from sim_intercom.reference import PAGES

SIZES = ("<!-- sizes:start -->\n", "<!-- sizes:end -->")


def on_files(files: Files, config: Any) -> Files:
    catalog = default_catalog()
    for path, page in PAGES.items():
        files.append(File.generated(config, path, content=page(catalog)))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """`toolsets.md` with the table between its sizes markers made from the catalog."""
    start, end = SIZES
    if page.file.src_uri != "toolsets.md" or start not in markdown:
        return markdown
    before, rest = markdown.split(start, 1)
    _, after = rest.split(end, 1)
    return f"{before}{start}{sizes_markdown(default_catalog())}\n{end}{after}"
