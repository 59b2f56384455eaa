"""Generated contacts (`Workspace(contacts=N)`, `sandbox --contacts N`): a stated limit, and
progress while they are made."""

from __future__ import annotations

import pytest

from sim_intercom.sandbox import Workspace, seed
from sim_intercom.sandbox.seed import MAX_GENERATED_CONTACTS, generate_contacts


@pytest.mark.parametrize("count", [-1, MAX_GENERATED_CONTACTS + 1])
def test_a_workspace_refuses_a_count_of_contacts_beyond_the_limit_naming_it(count):
    with pytest.raises(ValueError, match=f"contacts must be 0 to {MAX_GENERATED_CONTACTS:,}"):
        Workspace(contacts=count)


def test_generating_contacts_reports_progress_at_each_step_and_at_the_end(monkeypatch):
    monkeypatch.setattr(seed, "PROGRESS_STEP", 10)
    workspace = Workspace(seed="empty")
    done: list[int] = []
    generate_contacts(workspace.contacts, 25, progress=done.append)
    assert done == [10, 20, 25]
    assert len(workspace.state.contacts) == 25
