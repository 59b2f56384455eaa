"""sim-intercom: Intercom tools for Sim-style workflow builders, as a pluggy plugin."""

from .hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["__version__", "hookimpl"]
