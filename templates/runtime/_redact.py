"""Redaction: the one place that decides what of a request may appear in log records, reprs and
error messages.

Everything the runtime writes about a request goes through a :class:`Redactor` first. It
replaces with ``***``:

* every value in ``auth.secrets()`` (Basic password and its base64 token, bearer/JWT tokens,
  API keys), also in its percent-encoded forms, since that is how a secret looks inside a URL;
* the value of any query parameter named in ``auth.secret_query_params()`` or in
  :data:`DEFAULT_SECRET_QUERY_PARAMS` (so ``?api_key=...`` is hidden even without an auth);
* user:password information in URLs (``https://user:pass@host``).

The secrets are asked from the auth object at each use, because some credentials (a renewed
JWT) change during the client's life.

httpx itself logs each request's full URL at INFO on the ``httpx`` logger, which would show a
secret query parameter. :func:`register` therefore installs, once per process, a filter on that
logger which rewrites records with every live client's redactor. It only ever masks; it never
drops or otherwise changes records.
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

import httpx

from ._auth import Auth

__all__ = ["DEFAULT_SECRET_QUERY_PARAMS", "REDACTED", "Redactor", "register"]

REDACTED = "***"

DEFAULT_SECRET_QUERY_PARAMS = frozenset(
    {
        "access_token",
        "api-key",
        "api_key",
        "apikey",
        "client_secret",
        "password",
        "refresh_token",
        "secret",
        "token",
    }
)
"""Query parameter names whose values are hidden whatever the auth says."""

# "scheme://anything-without-slash@" -> the userinfo part of a URL inside arbitrary text.
_USERINFO = re.compile(r"(?<=://)[^/?#@\s]+@")
# A query value ends at the next parameter, fragment, whitespace or quoting character.
_QUERY_VALUE_END = r"[^&#\s\"'<>]*"


class Redactor:
    """Masks the secrets of one auth object (plus the defaults above) in text and URLs."""

    __slots__ = ("__weakref__", "_auth", "_cache", "_query_re")

    def __init__(self, auth: Auth, extra_query_params: Iterable[str] = ()) -> None:
        self._auth = auth
        names = {n.lower() for n in auth.secret_query_params()}
        names |= {n.lower() for n in extra_query_params}
        names |= DEFAULT_SECRET_QUERY_PARAMS
        # Names are matched case-insensitively, raw or percent-encoded, after "?" or "&".
        alternatives = sorted({re.escape(form) for n in names for form in (n, quote(n, safe=""))})
        self._query_re = re.compile(
            r"(?i)([?&](?:" + "|".join(alternatives) + r")=)" + _QUERY_VALUE_END
        )
        # (secrets, their masked forms), replaced as one tuple so threads never see a mix.
        self._cache: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    def _secret_forms(self) -> tuple[str, ...]:
        secrets = tuple(s for s in self._auth.secrets() if s)
        cached_secrets, forms = self._cache
        if secrets != cached_secrets:
            variants = {f for s in secrets for f in (s, quote(s, safe=""), quote_plus(s))}
            # Longest first, so a secret that contains another one is masked as a whole.
            forms = tuple(sorted(variants, key=len, reverse=True))
            self._cache = (secrets, forms)
        return forms

    def text(self, value: str) -> str:
        """``value`` with every known secret masked."""
        for secret in self._secret_forms():
            if secret in value:
                value = value.replace(secret, REDACTED)
        value = self._query_re.sub(lambda m: m.group(1) + REDACTED, value)
        return _USERINFO.sub(REDACTED + "@", value)

    def url(self, url: httpx.URL | str) -> str:
        """A URL safe to show: secret query values and userinfo masked."""
        return self.text(str(url))


class _HttpxLogFilter(logging.Filter):
    """Masks secrets in records of the ``httpx`` logger (it logs full request URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()

    def filter(self, record: logging.LogRecord) -> bool:
        with _filter_lock:  # a WeakSet must not change while it is copied
            redactors = list(self.redactors)
        if not redactors:
            return True
        message = original = record.getMessage()
        for redactor in redactors:
            message = redactor.text(message)
        if message != original:
            record.msg, record.args = message, None
        return True


_filter_lock = threading.Lock()
_httpx_filter: _HttpxLogFilter | None = None


def register(redactor: Redactor) -> None:
    """Have ``redactor`` also mask the ``httpx`` logger's records while it is alive."""
    global _httpx_filter
    with _filter_lock:
        if _httpx_filter is None:
            _httpx_filter = _HttpxLogFilter()
            logging.getLogger("httpx").addFilter(_httpx_filter)
        _httpx_filter.redactors.add(redactor)
