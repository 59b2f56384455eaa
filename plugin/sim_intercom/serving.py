"""What the servers and senders share: a context manager over `start()` and `stop()`, and
a socket server served from a daemon thread (the sandbox's)."""

from __future__ import annotations

import socketserver
import threading
from types import TracebackType
from typing import Self


class StartStop:
    """`with thing:` starts it and stops it, whatever happens inside."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class BackgroundServer(StartStop):
    """Serves `_make_server()` from a daemon thread between `start()` and `stop()`."""

    thread_name = "sim-intercom"

    def __init__(self) -> None:
        self._server: socketserver.TCPServer | None = None
        self._thread: threading.Thread | None = None

    def _make_server(self) -> socketserver.TCPServer:
        raise NotImplementedError

    def bound_address(self) -> tuple[str, int]:
        """The host and port the server listens on (the port is known once started)."""
        if self._server is None:
            raise RuntimeError(f"the {self.thread_name} server is not started")
        host, port = self._server.socket.getsockname()[:2]
        return str(host), int(port)

    def start(self) -> Self:
        if self._server is None:
            self._server = self._make_server()
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=self.thread_name,
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None
