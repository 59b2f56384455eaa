"""A local, stateful Intercom: one in-memory workspace behind two doors.

`SandboxServer` serves it over loopback HTTP (the command line, the demo, end-to-end
tests); `mock_intercom` plugs it into `responses` for fast unit tests.
"""

from .mock import mock_intercom
from .server import SandboxServer
from .webhooks import WebhookSender
from .workspace import SANDBOX_TOKEN, Workspace

__all__ = ["SANDBOX_TOKEN", "SandboxServer", "WebhookSender", "Workspace", "mock_intercom"]
