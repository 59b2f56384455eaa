"""Limits of Intercom's API that the plugin checks before sending and the sandbox enforces.

Stated once here so the two can never disagree; where JSON Schema can say a limit, the
tool's schema says it instead.
"""

from __future__ import annotations

MAX_ATTACHMENTS = 10
"""A reply carries at most ten attachment URLs."""
