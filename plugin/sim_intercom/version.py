"""The package's version: written once in manifest.yaml, copied by the build into the package
metadata and `_version.py`; read here from the latter, which is faster than the metadata."""

from __future__ import annotations

__all__ = ["DISTRIBUTION", "USER_AGENT", "__version__"]

DISTRIBUTION = "sim-intercom"

try:
    from ._version import __version__
except ImportError:  # a source tree that was never built or installed
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version(DISTRIBUTION)
    except PackageNotFoundError:
        __version__ = "0+unknown"

USER_AGENT = f"{DISTRIBUTION}/{__version__}"
