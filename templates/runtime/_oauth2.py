"""OAuth 2.0 client credentials (RFC 6749 section 4.4): access tokens fetched from the token
endpoint with the client's id and secret, cached, and renewed before they expire and after a 401.

The credential never does I/O itself. Before each attempt the client asks the credential of the
call for a :meth:`OAuth2Token.token_request`; when one is due it sends that request first (through
the same HTTP client, timeouts and retry policy as the call) and hands the answer back to
:meth:`OAuth2Token.token_received`. So the sync and async clients share every rule here.

Tokens are cached per set of scopes, since each operation may ask for other scopes. A token is
renewed ``renew_before`` seconds before its ``expires_in`` runs out (at most half its lifetime
early); one without ``expires_in`` is kept until the server refuses it. After a 401 to a request
that carried a cached token, that token is dropped, so the client fetches a new one and repeats
the request once.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote_plus, urlencode

from ._urls import plain, plain_join

if TYPE_CHECKING:
    import httpx

__all__ = ["OAuth2ClientCredentials", "OAuth2Token", "TokenError"]

_MASK = "***"


class TokenError(ValueError):
    """The token endpoint answered 2xx with something that is not an access token."""


@dataclass(frozen=True, slots=True)
class _Cached:
    token: str
    expires_at: float | None  # None: no expires_in; kept until the server refuses it
    renew_at: float | None


def _token_url(token_url: str, base_url: str | None) -> str:
    """The absolute token URL, as httpx resolves it against the base URL."""
    if base_url:
        resolved = plain_join(base_url, token_url)
    else:
        resolved = token_url if plain(token_url) else None
    if resolved is not None:  # what httpx would make of it, known without importing it
        return resolved
    import httpx

    if base_url:
        url = httpx.URL(base_url.rstrip("/") + "/").join(token_url)
    else:
        url = httpx.URL(token_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("token_url must be an absolute http(s) URL, or relative to base_url")
    return str(url)


class OAuth2ClientCredentials:
    """The client credentials grant for one OAuth 2.0 security scheme.

    ``token_url`` may be relative (OpenAPI allows it): it is resolved against ``base_url``.
    ``auth_method`` is how the client authenticates at the token endpoint: HTTP Basic
    (``client_secret_basic``, RFC 6749's recommendation) or form fields (``client_secret_post``).
    ``scopes`` are those asked for when a call names none. Safe to share between threads.
    """

    __slots__ = (
        "_cache",
        "_client_secret",
        "_clock",
        "_lock",
        "_previous",
        "auth_method",
        "client_id",
        "renew_before",
        "scopes",
        "token_url",
    )

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        base_url: str | None = None,
        scopes: Iterable[str] = (),
        auth_method: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic",
        renew_before: float = 60,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not client_id or not client_secret:
            raise ValueError("client_id and client_secret must not be empty")
        if auth_method not in ("client_secret_basic", "client_secret_post"):
            raise ValueError(f"unknown auth_method {auth_method!r}")
        if renew_before < 0:
            raise ValueError("renew_before must be >= 0")
        self.token_url = _token_url(token_url, base_url)
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = tuple(scopes)
        self.auth_method = auth_method
        self.renew_before = renew_before
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[frozenset[str], _Cached] = {}
        self._previous: list[str] = []  # replaced tokens, still redacted (a late log line)

    def scoped(self, scopes: Iterable[str]) -> OAuth2Token:
        """The credential for a call that needs ``scopes`` (the default scopes when empty)."""
        wanted = tuple(scopes) or self.scopes
        return OAuth2Token(self, tuple(dict.fromkeys(wanted)))

    # -- the Auth protocol, for the default scopes (a client whose every call asks for them)

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        self.scoped(()).apply(headers, query)

    def token_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request | None:
        return self.scoped(()).token_request(http)

    def token_received(self, response: httpx.Response) -> None:
        self.scoped(()).token_received(response)

    def renew(self, request: httpx.Request, response: httpx.Response) -> bool:
        return self.scoped(()).renew(request, response)

    def secrets(self) -> tuple[str, ...]:
        with self._lock:
            tokens = [c.token for c in self._cache.values()]
            return tuple(
                dict.fromkeys(v for v in (self._client_secret, *tokens, *self._previous) if v)
            )

    def secret_query_params(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return (
            f"OAuth2ClientCredentials(token_url={self.token_url!r}, client_id={self.client_id!r}, "
            f"client_secret={_MASK}, scopes={self.scopes!r})"
        )

    # -- shared by the scoped tokens

    def _current(self, key: frozenset[str]) -> _Cached | None:
        with self._lock:
            return self._cache.get(key)

    def _store(self, key: frozenset[str], cached: _Cached | None) -> None:
        with self._lock:
            old = self._cache.pop(key, None)
            if old is not None:
                self._previous = [*self._previous[-7:], old.token]
            if cached is not None:
                self._cache[key] = cached

    def _drop(self, key: frozenset[str], sent: str) -> bool:
        """Forget the cached token if it is ``sent``; whether a repeat may now succeed (also when
        a concurrent call replaced ``sent`` already)."""
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None and cached.token == sent:
                del self._cache[key]
                self._previous = [*self._previous[-7:], sent]
                return True
            return bool(sent) and sent in self._previous

    def _build(
        self, http: httpx.Client | httpx.AsyncClient, scopes: tuple[str, ...]
    ) -> httpx.Request:
        form = [("grant_type", "client_credentials")]
        if scopes:
            form.append(("scope", " ".join(scopes)))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        }
        if self.auth_method == "client_secret_basic":
            # RFC 6749 section 2.3.1: each part form-encoded before it is joined and base64ed.
            pair = f"{quote_plus(self.client_id)}:{quote_plus(self._client_secret)}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        else:
            form += [("client_id", self.client_id), ("client_secret", self._client_secret)]
        return http.build_request(
            "POST", self.token_url, headers=headers, content=urlencode(form).encode("ascii")
        )


class OAuth2Token:
    """The access token of one :class:`OAuth2ClientCredentials` for one set of scopes: the
    credential a call uses (an ``Auth`` that the client first asks for a token request)."""

    __slots__ = ("_key", "grant", "scopes")

    def __init__(self, grant: OAuth2ClientCredentials, scopes: tuple[str, ...]) -> None:
        self.grant = grant
        self.scopes = scopes
        self._key = frozenset(scopes)

    def token_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request | None:
        """The request fetching a token, when there is none or it is due for renewal; else None."""
        cached = self.grant._current(self._key)
        if cached is not None and (
            cached.renew_at is None or self.grant._clock() < cached.renew_at
        ):
            return None
        return self.grant._build(http, self.scopes)

    def token_received(self, response: httpx.Response) -> None:
        """Store the token of a 2xx answer of the token endpoint (RFC 6749 section 5.1)."""
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise TokenError("the token endpoint's answer has no access_token")
        kind = data.get("token_type", "bearer") if isinstance(data, dict) else "bearer"
        if not isinstance(kind, str) or kind.lower() != "bearer":
            raise TokenError(
                f"the token endpoint issued a {kind!r} token; only bearer tokens are supported"
            )
        lifetime = data.get("expires_in")
        now = self.grant._clock()
        if isinstance(lifetime, int | float) and not isinstance(lifetime, bool) and lifetime > 0:
            early = min(self.grant.renew_before, lifetime / 2)
            cached = _Cached(token, now + lifetime, now + lifetime - early)
        else:
            cached = _Cached(token, None, None)
        self.grant._store(self._key, cached)

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        cached = self.grant._current(self._key)
        if cached is None:
            raise RuntimeError("no access token yet: the client fetches one before each request")
        for key in [k for k in headers if k.lower() == "authorization"]:
            del headers[key]
        headers["Authorization"] = f"Bearer {cached.token}"

    def renew(self, request: httpx.Request, response: httpx.Response) -> bool:
        """After a 401: drop the token the request carried, so the next attempt fetches a new one.
        False when the request carried no token of this grant (``extra_headers`` replaced it)."""
        sent = request.headers.get("authorization", "")
        return self.grant._drop(self._key, sent.removeprefix("Bearer "))

    def secrets(self) -> tuple[str, ...]:
        return self.grant.secrets()

    def secret_query_params(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return f"OAuth2Token(token_url={self.grant.token_url!r}, scopes={self.scopes!r})"
