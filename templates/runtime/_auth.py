"""Credentials applied to each outgoing request.

Every auth object implements the :class:`Auth` protocol:

* ``apply(headers, query)`` adds its credentials to one outgoing request. The client calls it
  once per attempt (including retries), so time-limited tokens can renew between attempts.
  ``apply`` is idempotent: it replaces a header (case-insensitively) or query parameter of the
  same name instead of adding a duplicate.
* ``secrets()`` lists every secret value that must be redacted from logs, reprs and errors.
  Empty strings are never listed (redacting ``""`` would mangle every message).
* ``secret_query_params()`` names query parameters whose values are secret.

A credential that can be replaced when the server rejects it (a JWT minted here) also implements
:class:`RenewableAuth`: after a 401 the client asks it to ``renew``, and if it did, repeats the
request once with the new credential.

No ``repr`` of an auth object shows a secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ApiKeyAuth",
    "Auth",
    "BasicAuth",
    "BearerAuth",
    "CompositeAuth",
    "JwtServerAuth",
    "NoAuth",
    "RenewableAuth",
    "TokenAuth",
    "mint_hs256_jwt",
    "says_token_expired",
]

_MASK = "***"


@runtime_checkable
class Auth(Protocol):
    """What the client needs from a credential."""

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        """Add credentials to an outgoing request (called once per attempt)."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """Every secret value to redact from logs, reprs and errors."""
        ...

    def secret_query_params(self) -> frozenset[str]:
        """Names of query parameters whose values are secret."""
        ...


@runtime_checkable
class RenewableAuth(Protocol):
    """An :class:`Auth` whose credential can be replaced after the server rejected it."""

    def renew(self, request: httpx.Request, response: httpx.Response) -> bool:
        """Called with a 401 ``response`` to ``request``: replace the credential if the response
        says it expired, and return whether sending the request again may now succeed."""
        ...


@runtime_checkable
class TokenAuth(Protocol):
    """An :class:`Auth` that needs a token fetched over HTTP before it can apply (OAuth 2.0).

    The client sends :meth:`token_request` (when it is not None) before the request itself, with
    the call's HTTP client, timeouts and retries, and hands a 2xx answer to :meth:`token_received`.
    """

    def token_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request | None:
        """The request fetching a token when one is due now, else None."""
        ...

    def token_received(self, response: httpx.Response) -> None:
        """Keep the token of a 2xx answer (raise ``TokenError`` if there is none)."""
        ...


# "token is expired", "Token has expired", "TokenExpired", RFC 6750's
# error_description="The access token expired".
_EXPIRED = re.compile(r"expired", re.IGNORECASE)
_MAX_SCAN = 4096


def says_token_expired(response: httpx.Response) -> bool:
    """Whether a 401 response says the credential expired (as opposed to being wrong).

    APIs word this differently, so this looks for "expired" in the ``WWW-Authenticate`` header
    (RFC 6750's ``error_description``) and in the start of the body. Stream's 401 says
    ``"message": "... JWTAuth error: token is expired"``; its numeric ``code`` is not relied on,
    since the reference pages document none.
    """
    import httpx

    if response.status_code != 401:
        return False
    challenge = response.headers.get("www-authenticate", "")
    if _EXPIRED.search(challenge):
        return True
    try:
        body = response.content[:_MAX_SCAN].decode("utf-8", "replace")
    except httpx.ResponseNotRead:
        return False
    return _EXPIRED.search(body) is not None


def _set_header(headers: dict[str, str], name: str, value: str) -> None:
    """Set ``name`` to ``value``, dropping any existing header that differs only in case."""
    lowered = name.lower()
    for key in [k for k in headers if k.lower() == lowered]:
        del headers[key]
    headers[name] = value


def _set_query(query: list[tuple[str, str]], name: str, value: str) -> None:
    """Set query parameter ``name`` to ``value``, dropping earlier values of that name."""
    query[:] = [(k, v) for k, v in query if k != name]
    query.append((name, value))


def _nonempty_unique(values: Iterable[str]) -> tuple[str, ...]:
    """Drop empty strings and duplicates, keeping first-seen order."""
    return tuple(dict.fromkeys(v for v in values if v))


class NoAuth:
    """No credentials at all."""

    __slots__ = ()

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        return None

    def secrets(self) -> tuple[str, ...]:
        return ()

    def secret_query_params(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return "NoAuth()"


class BasicAuth:
    """HTTP Basic: ``Authorization: Basic base64(username:password)`` (UTF-8)."""

    __slots__ = ("_header_value", "_password", "_token", "username")

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        self._password = password
        self._token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header_value = f"Basic {self._token}"

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        _set_header(headers, "Authorization", self._header_value)

    def secrets(self) -> tuple[str, ...]:
        # The base64 blob decodes straight back to the password, so it is a secret too.
        return _nonempty_unique((self._password, self._token))

    def secret_query_params(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password={_MASK})"


class BearerAuth:
    """A ready-made token: ``Authorization: Bearer <token>`` (also: a pre-minted JWT)."""

    __slots__ = ("_token",)

    def __init__(self, token: str) -> None:
        self._token = token

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        _set_header(headers, "Authorization", f"Bearer {self._token}")

    def secrets(self) -> tuple[str, ...]:
        return _nonempty_unique((self._token,))

    def secret_query_params(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return f"BearerAuth(token={_MASK})"


class ApiKeyAuth:
    """A named value sent as a header, a query parameter or a cookie.

    ``secret=False`` marks values that are not credentials (e.g. ``stream-auth-type: jwt``):
    they are neither redacted nor hidden in the repr.
    """

    __slots__ = ("_value", "location", "name", "secret")

    def __init__(
        self,
        name: str,
        value: str,
        location: Literal["header", "query", "cookie"],
        secret: bool = True,
    ) -> None:
        if location not in ("header", "query", "cookie"):
            raise ValueError(f"location must be 'header', 'query' or 'cookie', not {location!r}")
        if not name:
            raise ValueError("name must not be empty")
        self.name = name
        self._value = value
        self.location: Literal["header", "query", "cookie"] = location
        self.secret = secret

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        if self.location == "header":
            _set_header(headers, self.name, self._value)
        elif self.location == "cookie":
            # One Cookie header for every credential sent as a cookie; the client merges it with
            # the request's other cookies.
            cookies = [c for c in headers.pop("Cookie", "").split("; ") if c]
            prefix = self.name + "="
            headers["Cookie"] = "; ".join(
                [*(c for c in cookies if not c.startswith(prefix)), prefix + self._value]
            )
        else:
            _set_query(query, self.name, self._value)

    def secrets(self) -> tuple[str, ...]:
        return _nonempty_unique((self._value,)) if self.secret else ()

    def secret_query_params(self) -> frozenset[str]:
        if self.secret and self.location == "query":
            return frozenset({self.name})
        return frozenset()

    def __repr__(self) -> str:
        value = _MASK if self.secret else repr(self._value)
        return (
            f"ApiKeyAuth(name={self.name!r}, value={value}, "
            f"location={self.location!r}, secret={self.secret!r})"
        )


class CompositeAuth:
    """Several credentials at once: applied in order, secrets unioned."""

    __slots__ = ("parts",)

    def __init__(self, *parts: Auth) -> None:
        self.parts: tuple[Auth, ...] = parts

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        for part in self.parts:
            part.apply(headers, query)

    def secrets(self) -> tuple[str, ...]:
        return _nonempty_unique(s for part in self.parts for s in part.secrets())

    def secret_query_params(self) -> frozenset[str]:
        return frozenset().union(*(part.secret_query_params() for part in self.parts))

    def renew(self, request: httpx.Request, response: httpx.Response) -> bool:
        return any(
            part.renew(request, response) for part in self.parts if isinstance(part, RenewableAuth)
        )

    def __repr__(self) -> str:
        return f"CompositeAuth({', '.join(repr(part) for part in self.parts)})"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compact_json(value: Mapping[str, object]) -> bytes:
    return json.dumps(
        dict(value), separators=(",", ":"), sort_keys=True, ensure_ascii=True, allow_nan=False
    ).encode("ascii")


def mint_hs256_jwt(payload: Mapping[str, object], secret: str) -> str:
    """Return a compact HS256 JWT for ``payload`` signed with ``secret`` (UTF-8).

    Encoding, chosen so the output is deterministic: header ``{"alg":"HS256","typ":"JWT"}``;
    header and payload serialised as JSON with sorted keys, compact separators ``,``/``:``
    and ASCII-only escapes; each part base64url-encoded without ``=`` padding; signature is
    HMAC-SHA256 over ``"<header>.<payload>"``. Payload values must be JSON-serialisable
    (``TypeError``/``ValueError`` otherwise; NaN/infinity are refused).
    """
    header = _b64url(_compact_json({"alg": "HS256", "typ": "JWT"}))
    body = _b64url(_compact_json(payload))
    signing_input = f"{header}.{body}".encode("ascii")
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{body}.{_b64url(signature)}"


class JwtServerAuth:
    """Mints and renews its own HS256 JWT from an API secret; sends ``Bearer <jwt>``.

    The payload is ``{"iat": int(now - leeway), "exp": iat + ttl, **claims}`` with
    ``claims`` defaulting to ``{"server": True}`` (Stream's server-side token). ``iat``/``exp``
    are managed here and may not appear in ``claims``. ``iat`` lies ``leeway`` seconds in the
    past because servers refuse a token "used before it was issued", and a client clock a little
    ahead of the server's would otherwise mint exactly that. The token is cached and a new one
    minted once ``now >= exp - renew_before``, so one is never sent in its last seconds.

    When a 401 says the token expired anyway (the server's clock is ahead of ours by more than
    ``renew_before``), :meth:`renew` mints a fresh one and the client repeats the request once.
    Safe to share between threads.

    To send a JWT minted elsewhere, use :class:`BearerAuth` instead (it is never renewed).
    """

    __slots__ = (
        "_api_secret",
        "_claims",
        "_clock",
        "_exp",
        "_lock",
        "_previous_token",
        "_token",
        "leeway",
        "renew_before",
        "ttl",
    )

    def __init__(
        self,
        api_secret: str,
        *,
        ttl: float = 3600,
        renew_before: float = 60,
        leeway: float = 30,
        claims: Mapping[str, object] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not api_secret:
            raise ValueError("api_secret must not be empty")
        if ttl <= 0:
            raise ValueError("ttl must be positive")
        if not 0 <= renew_before < ttl:
            raise ValueError("renew_before must be >= 0 and less than ttl")
        if leeway < 0:
            raise ValueError("leeway must be >= 0")
        claims = {"server": True} if claims is None else dict(claims)
        reserved = {"iat", "exp"} & claims.keys()
        if reserved:
            raise ValueError(f"claims may not set {sorted(reserved)}: they are managed here")
        self._api_secret = api_secret
        self._claims: dict[str, object] = claims
        self._clock = clock
        self.ttl = ttl
        self.renew_before = renew_before
        self.leeway = leeway
        self._lock = threading.Lock()
        self._token: str | None = None
        self._previous_token: str | None = None
        self._exp = 0

    def _mint(self, now: float) -> str:
        """A new token from ``now`` (the caller holds the lock)."""
        iat = int(now - self.leeway)
        # A lifetime of exactly ttl: a server may refuse tokens that live longer than it allows.
        exp = iat + int(self.ttl)
        payload = {**self._claims, "iat": iat, "exp": exp}
        token = mint_hs256_jwt(payload, self._api_secret)
        self._previous_token, self._token, self._exp = self._token, token, exp
        return token

    def token(self) -> str:
        """The current token, minting a new one if there is none or it is due for renewal."""
        with self._lock:
            now = self._clock()
            if self._token is None or now >= self._exp - self.renew_before:
                return self._mint(now)
            return self._token

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        _set_header(headers, "Authorization", f"Bearer {self.token()}")

    def renew(self, request: httpx.Request, response: httpx.Response) -> bool:
        """After a 401 that says the token expired: mint a new one unless another request
        already did. False (do not repeat) when the request did not carry a token minted here
        (``extra_headers`` replaced it) or the new token would be the same as the old one."""
        if not says_token_expired(response):
            return False
        sent = request.headers.get("authorization", "")
        with self._lock:
            if self._token is not None and sent == f"Bearer {self._token}":
                old = self._token
                return self._mint(self._clock()) != old
            # Renewed meanwhile by a concurrent request: the current token is already fresh.
            return self._previous_token is not None and sent == f"Bearer {self._previous_token}"

    def secrets(self) -> tuple[str, ...]:
        # The previous token is kept too: a request sent just before a renewal may be logged
        # or reported after it. No token is minted here.
        with self._lock:
            return _nonempty_unique(
                (self._api_secret, self._token or "", self._previous_token or "")
            )

    def secret_query_params(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return (
            f"JwtServerAuth(api_secret={_MASK}, ttl={self.ttl!r}, "
            f"renew_before={self.renew_before!r}, leeway={self.leeway!r}, claims={self._claims!r})"
        )
