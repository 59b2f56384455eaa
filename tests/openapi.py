"""Intercom's OpenAPI 2.14 description, read once, from `../shared/` beside the checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

OPENAPI_FILE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "intercom-openapi"
    / "api.intercom.io-2.14.yaml"
)


@cache
def load_openapi() -> dict[str, Any]:
    """The parsed description; callers check `OPENAPI_FILE.is_file()` first and skip if not."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(OPENAPI_FILE.read_text(encoding="utf-8"), Loader=loader)
