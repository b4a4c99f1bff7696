"""The mock's OAuth 2.0 token endpoint: the client credentials grant (RFC 6749 section 4.4) of
every `oauth2` security scheme with a `clientCredentials` flow, and the check of the tokens it
issued when they come back.

The endpoint is served at the path of the flow's `tokenUrl` (resolved against the server URL, so
a relative one lands on the mock itself; an absolute one is served at its path, for a client given
`token_url=MockServer.token_url(...)`). It takes the client's id and secret by HTTP Basic or in
the form (any non-empty pair, or only those of `clients` when given), `grant_type` must be
`client_credentials`, and `scope` may ask only for scopes the flow declares. Errors are RFC 6749
section 5.2 bodies (`{"error": "invalid_client"}`).

A request that carries a token this endpoint issued is refused with 401 `invalid_token` once the
token expired or was revoked (`MockServer.revoke_tokens()`), and with 403 `insufficient_scope`
when it lacks the scopes of every requirement of the operation that names its scheme. A bearer
token the endpoint never issued (a ready access token) is accepted, like any other credential.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urljoin, urlsplit

__all__ = ["TokenEndpoint"]

Answer = tuple[int, list[tuple[str, str]], bytes, list[str]]  # status, headers, body, errors


@dataclass(frozen=True)
class _Issued:
    """An access token the mock's token endpoint issued."""

    scheme: str
    scopes: frozenset[str]
    expires_at: float


def _error(status: int, code: str, description: str) -> Answer:
    body = json.dumps({"error": code, "error_description": description}).encode()
    headers = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
    if code == "invalid_client":
        headers.append(("WWW-Authenticate", 'Basic realm="mock"'))
    return status, headers, body, [f"token: {code}: {description}"]


class TokenEndpoint:
    def __init__(
        self,
        spec: Mapping[str, Any],
        base_path: str,
        *,
        ttl: float = 3600,
        clients: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.ttl = ttl
        self.clients = dict(clients) if clients is not None else None
        self._clock = clock
        self._lock = threading.Lock()
        self._issued: dict[str, _Issued] = {}
        self._count = 0
        # token path → (scheme, declared scopes)
        self.paths: dict[str, tuple[str, frozenset[str]]] = {}
        schemes = (spec.get("components") or {}).get("securitySchemes") or {}
        base = "http://mock.invalid" + base_path  # the path part of the server URL
        for name, scheme in schemes.items() if isinstance(schemes, Mapping) else ():
            flows = scheme.get("flows") if isinstance(scheme, Mapping) else None
            flow = flows.get("clientCredentials") if isinstance(flows, Mapping) else None
            if (
                scheme.get("type") == "oauth2"
                and isinstance(flow, Mapping)
                and flow.get("tokenUrl")
            ):
                path = urlsplit(urljoin(base.rstrip("/") + "/", str(flow["tokenUrl"]))).path
                scopes = flow.get("scopes")
                declared = (
                    frozenset(str(k) for k in scopes)
                    if isinstance(scopes, Mapping)
                    else frozenset()
                )
                self.paths.setdefault(path, (str(name), declared))
        self.schemes = {scheme for scheme, _ in self.paths.values()}

    def revoke(self) -> None:
        """Every token issued so far is refused from now on (as after a key rotation)."""
        with self._lock:
            for token, issued in self._issued.items():
                self._issued[token] = _Issued(issued.scheme, issued.scopes, float("-inf"))

    # ---- the endpoint

    def _client(self, headers: Mapping[str, str], form: dict[str, str]) -> tuple[str, str] | None:
        auth = headers.get("Authorization", "")
        kind, _, blob = auth.partition(" ")
        if kind.lower() == "basic":
            try:
                client_id, sep, secret = (
                    base64.b64decode(blob, validate=True).decode().partition(":")
                )
            except (ValueError, UnicodeDecodeError):
                return None
            return (unquote_plus(client_id), unquote_plus(secret)) if sep else None
        if "client_id" in form and "client_secret" in form:
            return form["client_id"], form["client_secret"]
        return None

    def handle(self, path: str, method: str, headers: Mapping[str, str], body: bytes) -> Answer:
        scheme, declared = self.paths[path]
        if method != "POST":
            return _error(405, "invalid_request", "the token endpoint takes POST")
        content_type = headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _error(
                400, "invalid_request", f"Content-Type {content_type!r}: a form is expected"
            )
        try:
            form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            return _error(400, "invalid_request", "the form is not UTF-8")
        client = self._client(headers, form)
        if client is None or not all(client):
            return _error(401, "invalid_client", "no client credentials (HTTP Basic or form)")
        if self.clients is not None and self.clients.get(client[0]) != client[1]:
            return _error(401, "invalid_client", "unknown client or wrong secret")
        if form.get("grant_type") != "client_credentials":
            return _error(400, "unsupported_grant_type", f"grant_type {form.get('grant_type')!r}")
        scopes = frozenset(form.get("scope", "").split())
        unknown = sorted(scopes - declared)
        if unknown:
            return _error(400, "invalid_scope", f"{scheme} declares no scope(s) {unknown}")
        with self._lock:
            self._count += 1
            token = f"mock-token-{self._count}"
            self._issued[token] = _Issued(scheme, scopes, self._clock() + self.ttl)
        answer = {"access_token": token, "token_type": "Bearer", "expires_in": self.ttl}
        if scopes:
            answer["scope"] = " ".join(sorted(scopes))
        out = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
        return 200, out, json.dumps(answer).encode(), []

    # ---- tokens coming back

    def check(
        self, headers: Mapping[str, str], requirements: list[Mapping[str, Any]]
    ) -> tuple[int, str, str] | None:
        """(status, WWW-Authenticate, message) for a request carrying an issued token it may not
        use; None when it carries none, or may use it."""
        kind, _, token = headers.get("Authorization", "").partition(" ")
        with self._lock:
            issued = self._issued.get(token.strip()) if kind.lower() == "bearer" else None
        if issued is None:
            return None
        if self._clock() >= issued.expires_at:
            challenge = 'Bearer error="invalid_token", error_description="The access token expired"'
            return 401, challenge, "security: the access token expired or was revoked"
        wanted = [
            {str(s) for s in req[issued.scheme] or ()}
            for req in requirements
            if issued.scheme in req
        ]
        if wanted and not any(scopes <= issued.scopes for scopes in wanted):
            need = " or ".join(repr(" ".join(sorted(s))) for s in wanted)
            challenge = f'Bearer error="insufficient_scope", scope="{" ".join(sorted(wanted[0]))}"'
            return 403, challenge, f"security: the access token lacks scope {need}"
        return None
