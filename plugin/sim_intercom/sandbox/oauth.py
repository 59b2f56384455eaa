"""Intercom's OAuth for apps, as the sandbox emulates it: a room apart from HTTP.

Intercom's flow: a person is sent to `https://app.intercom.com/oauth?client_id=...&state=...
&redirect_uri=...`, approves the app, and is redirected to the `redirect_uri` with a `code`
and the `state`; the app POSTs the code with its client id and secret to
`https://api.intercom.io/auth/eagle/token` and receives an access token that works against
the API. The sandbox has no person to ask, so `authorize` approves at once.

The app's credentials are the sandbox's configuration (`OAuthApp`): its client id, its
client secret and the redirect URLs registered for it. With none registered, any https URL
(or http on loopback) is accepted, as for a development app; with some, only those, and the
first is the default when a request names none, as in the Developer Hub.

Refusals, in Intercom's `error.list` shape: an unknown client id or a redirect URL that is not
registered (400, no redirect: Intercom shows an error page rather than send the person to an
unknown URL), a wrong client secret (401), and a code that is unknown, used, expired or
another app's (400).
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from ..settings import is_loopback
from .errors import BadRequest, ParameterInvalid, ParameterNotFound, Unauthorized
from .state import Clock

CODE_LIFETIME = 300.0  # seconds: Intercom's codes "expire after about 5 minutes"
MAX_CODES = 10_000
MAX_TOKENS = 100_000


def made_up_client() -> tuple[str, str]:
    """A client id and secret for a sandbox started without its own."""
    return f"sandbox-client-{secrets.token_hex(4)}", secrets.token_urlsafe(24)


@dataclass(frozen=True)
class OAuthApp:
    """The app registered with the (sandbox) Intercom: who may ask for tokens, and where
    the person may be sent back to."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_urls: tuple[str, ...] = ()

    @classmethod
    def made_up(cls) -> OAuthApp:
        client_id, client_secret = made_up_client()
        return cls(client_id, client_secret)


@dataclass(frozen=True)
class _Code:
    client_id: str
    expires_at: float


def _acceptable_redirect(url: str) -> bool:
    """An https URL, or http on loopback, without a fragment: what a development app may use."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.fragment or not parts.hostname:
        return False
    return parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))


def _with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


class OAuth:
    """Authorization codes and the access tokens issued for them; thread-safe.

    Both are bounded: the oldest code or token is forgotten first.
    """

    def __init__(self, app: OAuthApp, clock: Clock | None = None) -> None:
        self.app = app
        self.clock: Clock = clock or time.time
        self._lock = threading.Lock()
        self._codes: OrderedDict[str, _Code] = OrderedDict()
        self._tokens: OrderedDict[str, None] = OrderedDict()

    def redirect_for(self, client_id: str, redirect_uri: str | None, state: str | None) -> str:
        """Where the person is sent once the app is approved: `redirect_uri` with a new
        code and the `state`, as Intercom redirects."""
        if not client_id:
            raise ParameterNotFound("client_id is required", field="client_id")
        if not hmac.compare_digest(client_id.encode(), self.app.client_id.encode()):
            raise BadRequest("No app with this client_id", field="client_id")
        target = self._redirect_target(redirect_uri)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(client_id, self.clock() + CODE_LIFETIME)
            while len(self._codes) > MAX_CODES:
                self._codes.popitem(last=False)
        return _with_query(target, code=code, **({"state": state} if state is not None else {}))

    def _redirect_target(self, redirect_uri: str | None) -> str:
        registered = self.app.redirect_urls
        if not redirect_uri:
            if not registered:
                raise ParameterNotFound(
                    "redirect_uri is required: the app has no default redirect URL",
                    field="redirect_uri",
                )
            return registered[0]
        if registered and redirect_uri not in registered:
            raise ParameterInvalid(
                "redirect_uri is not one of the app's redirect URLs", field="redirect_uri"
            )
        if not _acceptable_redirect(redirect_uri):
            raise ParameterInvalid(
                "redirect_uri must be an https URL (http only on loopback)", field="redirect_uri"
            )
        return redirect_uri

    def exchange(self, code: str, client_id: str, client_secret: str) -> str:
        """A new access token for `code`, which is then used up."""
        for name, value in (("code", code), ("client_id", client_id)):
            if not value:
                raise ParameterNotFound(f"{name} is required", field=name)
        if not client_secret:
            raise ParameterNotFound("client_secret is required", field="client_secret")
        right_id = hmac.compare_digest(client_id.encode(), self.app.client_id.encode())
        right_secret = hmac.compare_digest(client_secret.encode(), self.app.client_secret.encode())
        if not (right_id and right_secret):
            raise Unauthorized("Invalid client_id or client_secret")
        with self._lock:
            found = self._codes.pop(code, None)
            if found is None or found.client_id != client_id or found.expires_at < self.clock():
                raise ParameterInvalid("Invalid, used or expired code", field="code")
            token = f"sandbox-oauth-{secrets.token_urlsafe(24)}"
            self._tokens[token] = None
            while len(self._tokens) > MAX_TOKENS:
                self._tokens.popitem(last=False)
        return token

    def accepts(self, token: str) -> bool:
        """Whether `token` is an access token this room issued."""
        with self._lock:
            return token in self._tokens

    def issued(self) -> list[str]:
        """Every access token this room has issued (and still knows), oldest first."""
        with self._lock:
            return list(self._tokens)
