"""One tool call's view of Intercom: a workspace, a token, and the shared transport.

Operations talk to an `IntercomClient`; it sends through the executor's one `Transport`,
counts the call's attempts, and remembers the token's admin (`GET /me`) per workspace.
The access token is kept as a `Secret`: never logged, never in a repr or an error.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .errors import InvalidResponse
from .pacing import workspace_key
from .settings import ClientConfig
from .transport import ApiRequest, CallLog, Endpoint, Secret, Transport

__all__ = ["ApiRequest", "IntercomClient", "Secret", "encode_path_segment"]


def encode_path_segment(value: str) -> str:
    """Percent-encode one path segment so no id can change the path (`/`, `?`, `#`, `..`)."""
    return quote(str(value), safe="").replace(".", "%2E")


class IntercomClient:
    """Sends one call's requests to one Intercom workspace with one access token.

    `safe` is the tool's own retry safety (read-only or idempotent, from its annotations);
    `lookup` is for reads that another step needs, which are always safe to repeat.
    """

    def __init__(
        self,
        token: str,
        config: ClientConfig,
        transport: Transport,
        admin_cache: dict[str, str] | None = None,
        *,
        safe: bool = True,
    ) -> None:
        self.config = config
        self.transport = transport
        self.safe = safe
        self.log = CallLog()
        self._token = Secret(token)
        self._endpoint = Endpoint(
            base_url=config.base_url,
            version=config.version,
            token=self._token,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_retries=config.max_retries,
            max_wait=config.max_wait,
            rate_store=config.rate_store,
        )
        self._admin_cache = admin_cache if admin_cache is not None else {}

    def __repr__(self) -> str:
        return f"<IntercomClient {self.config.base_url} version={self.config.version}>"

    def send(self, request: ApiRequest, *, safe: bool | None = None) -> Any:
        """Send a request of this call; the decoded JSON body or an `IntercomError`."""
        retry_safe = self.safe if safe is None else safe
        return self.transport.send(request, self._endpoint, self.log, safe=retry_safe)

    def lookup(self, request: ApiRequest) -> Any:
        """A read another step needs (the token's admin, a company, a contact's role)."""
        return self.send(request, safe=True)

    def current_admin_id(self) -> str:
        """The id of the admin who owns the token (`GET /me`), remembered per workspace."""
        key = workspace_key(self.config.base_url, self._token.reveal())
        if key not in self._admin_cache:
            me = self.lookup(ApiRequest("GET", "/me"))
            admin_id = me.get("id") if isinstance(me, dict) else None
            if not isinstance(admin_id, str | int) or isinstance(admin_id, bool) or admin_id == "":
                raise InvalidResponse("GET /me did not return an admin with an id")
            self._admin_cache[key] = str(admin_id)
        return self._admin_cache[key]
