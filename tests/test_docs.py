"""The documentation site: it builds with warnings as errors, and its tool and trigger
reference comes from the catalog, so every tool appears and every count is the catalog's."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from helpers import REPO_ROOT
from sim_intercom.manifest import default_catalog
from sim_intercom.reference import tool_kind, tools_page, triggers_page


def headings(page: str, level: str) -> list[str]:
    return re.findall(rf"^{level} (\S+)$", page, flags=re.MULTILINE)


def test_the_tool_reference_has_a_section_for_each_tool_of_the_catalog():
    catalog = default_catalog()
    assert headings(tools_page(catalog), "###") == [
        tool_id
        for toolset in catalog.manifest.toolsets
        for tool_id in catalog.toolset_tools(toolset.name)
    ]


def test_the_tool_reference_counts_the_tools_the_catalog_holds():
    catalog = default_catalog()
    fewer = dict(list(catalog.tools.items())[:-1])
    page = tools_page(dataclasses.replace(catalog, tools=fewer))
    assert f"{len(fewer)} tools in {len(catalog.manifest.toolsets)} toolsets" in page
    assert len(headings(page, "###")) == len(fewer)


def test_the_tool_reference_lists_each_parameter_with_its_type_and_whether_required():
    page = tools_page(default_catalog())
    section = page.split("### intercom_get_contact\n", 1)[1].split("\n### ", 1)[0]
    assert "| `contactId` | `string` | yes |" in section
    assert "(read-only; calls `GET /contacts/{contact_id}`)" in section


@pytest.mark.parametrize(
    ("hints", "kind"),
    [
        ({"readOnlyHint": True, "idempotentHint": True}, "read-only"),
        ({"destructiveHint": False, "idempotentHint": False}, "write"),
        ({"destructiveHint": False, "idempotentHint": True}, "write, idempotent"),
        ({"destructiveHint": True, "idempotentHint": True}, "destructive, idempotent"),
    ],
)
def test_a_tool_kind_is_read_from_its_annotations(hints, kind):
    assert tool_kind(hints) == kind


def test_the_trigger_reference_gives_each_trigger_its_topics():
    catalog = default_catalog()
    page = triggers_page(catalog)
    assert headings(page, "##") == list(catalog.triggers)
    assert page.startswith(f"# Trigger reference\n\n{len(catalog.triggers)} webhook triggers")
    for trigger in catalog.triggers.values():
        row = next(line for line in page.splitlines() if line.startswith(f"| [`{trigger.id}`]"))
        assert all(f"`{topic}`" in row for topic in trigger.entry.topics if topic != "*")


def test_a_pipe_in_a_description_stays_inside_its_table_cell():
    page = tools_page(default_catalog())
    rows = [line for line in page.splitlines() if line.startswith("| `query` |")]
    assert rows
    for row in rows:
        outside_code = "".join(row.split("`")[::2]).replace("\\|", "")
        assert outside_code.count("|") == 5, row


@pytest.mark.slow
def test_the_docs_build_with_warnings_as_errors_and_hold_the_generated_reference(tmp_path):
    site = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    tools_html = (site / "reference" / "tools" / "index.html").read_text(encoding="utf-8")
    assert all(f'id="{tool_id}"' in tools_html for tool_id in default_catalog().tools)
    assert (site / "reference" / "triggers" / "index.html").is_file()
