"""docs/triggers.md: its tables are what the catalog renders, and they name every topic."""

from __future__ import annotations

from helpers import REPO_ROOT
from sim_intercom.manifest import default_catalog
from sim_intercom.trigger_docs import BEGIN, END, render_triggers_markdown, rewrite

DOC = REPO_ROOT / "docs" / "triggers.md"


def test_the_docs_tables_are_what_the_catalog_renders():
    generated = DOC.read_text(encoding="utf-8").split(BEGIN, 1)[1].split(END, 1)[0]
    assert generated.strip() == render_triggers_markdown().strip()


def test_the_rendered_reference_names_every_trigger_and_topic():
    text = render_triggers_markdown()
    catalog = default_catalog()
    assert all(f"`{trigger}`" in text for trigger in catalog.triggers)
    families = catalog.manifest.triggers.families
    assert all(f"| `{e.topic}` | {e.label} |" in text for f in families for e in f.topics)


def test_rewrite_replaces_only_the_generated_part(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(f"# Before\n\n{BEGIN}\nstale\n{END}\n\nAfter\n", encoding="utf-8")
    assert rewrite(page) and not rewrite(page)
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Before\n") and text.endswith(f"{END}\n\nAfter\n")
    assert "stale" not in text and "### Ticket events" in text
