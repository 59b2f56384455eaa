"""Intercom's OpenAPI 2.14 description, read once, from the copy in `tests/data/`."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

# The one place that says where the description is (`scripts/build_defs.py` reads the
# same file by default). It is vendored, MIT, with its licence: see tests/data/README.md.
OPENAPI_FILE = (
    Path(__file__).resolve().parent / "data" / "intercom-openapi" / "api.intercom.io-2.14.yaml"
)


@cache
def load_openapi() -> dict[str, Any]:
    """The parsed description. It is part of the repository: never skip for its absence."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(OPENAPI_FILE.read_text(encoding="utf-8"), Loader=loader)
