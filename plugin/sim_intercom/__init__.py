"""sim-intercom: Intercom tools for Sim-style workflow builders, as a pluggy plugin."""

from .hookspecs import hookimpl
from .version import __version__ as __version__

__all__ = ["__version__", "hookimpl"]
