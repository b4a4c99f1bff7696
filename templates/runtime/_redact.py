"""Redaction: the one place that decides what of a request may appear in log records, reprs and
error messages.

Everything the runtime shows about a request goes through a :class:`Redactor` first. It masks
with ``***``, in the places a credential can be:

* header values: the whole credential of ``Authorization``-like headers
  (:data:`DEFAULT_SECRET_HEADERS`, ``Bearer ***``), and any known secret in the others;
* query values: the value of a parameter named in ``auth.secret_query_params()`` or in
  :data:`DEFAULT_SECRET_QUERY_PARAMS` (``?api_key=...`` is hidden even without an auth), and
  any known secret in the other values;
* user:password information in URLs (``https://***@host``);
* text from outside the client that may echo a credential: error bodies, exception messages.

The known secrets are ``auth.secrets()`` (Basic password and its base64 token, bearer/JWT tokens,
API keys) plus a password embedded in the base URL, each also in its percent-encoded and
JSON-escaped forms. A secret is masked only where it stands as a whole token, so a short one
cannot mangle unrelated text: the password ``s`` is hidden in ``key=s`` and ``"s"`` but
``Connection refused`` stays as it is. A secret of :data:`ANYWHERE_LENGTH` characters or more
cannot occur by chance, so it is masked wherever it appears, glued to other text or not, and in
every part of a URL. The secrets are asked from the auth object at each use, because some
credentials (a renewed JWT) change during the client's life.

httpx itself logs each request's full URL at INFO on the ``httpx`` logger, which would show a
secret query parameter. :func:`register` therefore installs, once per process, a filter on that
logger which masks the URLs of its records with every live client's redactor. It only ever
masks; it never drops or otherwise changes records.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus

from ._auth import Auth

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ANYWHERE_LENGTH",
    "DEFAULT_SECRET_HEADERS",
    "DEFAULT_SECRET_QUERY_PARAMS",
    "REDACTED",
    "Redactor",
    "register",
]

REDACTED = "***"

ANYWHERE_LENGTH = 16
"""Secrets at least this long are masked wherever they occur; shorter ones only as whole tokens."""

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

DEFAULT_SECRET_HEADERS = frozenset(
    {
        "api-key",
        "authorization",
        "cookie",
        "proxy-authorization",
        "x-api-key",
        "x-auth-token",
    }
)
"""Header names whose whole value (after an auth scheme such as ``Bearer``) is hidden."""

# "scheme://anything-without-slash@" -> the userinfo part of a URL inside arbitrary text.
_USERINFO = re.compile(r"(?<=://)[^/?#@\s]+@")
# A query value ends at the next parameter, fragment, whitespace or quoting character.
_QUERY_VALUE_END = r"[^&#\s\"'<>]*"
# A URL inside free text (a log message without arguments).
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")
# An auth scheme in front of a credential: "Bearer", "Basic", "Token", ...
_AUTH_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*")

_HEX = "[0-9A-Fa-f]"
# Where a short secret may start: not right after a letter, digit or "_", nor after a word and
# one of "-" "." "~" (so "v1" is not found in "api.v1"), nor inside a percent-escape; but right
# after a whole escape (%22, \n, \u0022) it may, since that is how quoted text looks encoded.
_TOKEN_START = (
    rf"(?:(?<=%{_HEX}{{2}})|(?<=\\[nrtbf])|(?<=\\u{_HEX}{{4}})"
    rf"|(?<![\w%])(?<!\w[-.~])(?<!%{_HEX}))"
)
# Where a short secret may end: not before a letter, digit or "_", nor before "-" "." "~" and a word.
_TOKEN_END = r"(?!\w)(?![-.~]\w)"
_WORD_CHAR = re.compile(r"\w")


def _forms(secret: str) -> set[str]:
    """The ways ``secret`` is spelled where it can appear: as is, percent-encoded (paths, query
    strings, forms) and JSON-escaped (a body quoting it)."""
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    forms.add(json.dumps(secret)[1:-1])
    forms.add(json.dumps(secret, ensure_ascii=False)[1:-1])
    return {form for form in forms if form}


def _whole_token(form: str) -> str:
    pattern = re.escape(form)
    if _WORD_CHAR.match(form[0]):
        pattern = _TOKEN_START + pattern
    if _WORD_CHAR.match(form[-1]):
        pattern += _TOKEN_END
    return pattern


def _alternation(forms: Iterable[str], *, short: bool) -> re.Pattern[str] | None:
    # Longest first, so a secret that contains another one is masked as a whole.
    ordered = sorted(forms, key=lambda f: (-len(f), f))
    parts = [
        re.escape(form) if len(form) >= ANYWHERE_LENGTH else _whole_token(form)
        for form in ordered
        if short or len(form) >= ANYWHERE_LENGTH
    ]
    return re.compile("|".join(parts)) if parts else None


class _Patterns:
    """The compiled masks for one set of secrets."""

    __slots__ = ("anywhere", "secrets", "tokens")

    def __init__(self, secrets: tuple[str, ...]) -> None:
        self.secrets = secrets
        forms = {form for secret in secrets for form in _forms(secret)}
        self.tokens = _alternation(forms, short=True)
        """Every form: long ones anywhere, short ones as whole tokens."""
        self.anywhere = _alternation(forms, short=False)
        """Long forms only (for parts of a URL where a short token is likely unrelated)."""


def _sub(pattern: re.Pattern[str] | None, value: str) -> str:
    return pattern.sub(REDACTED, value) if pattern is not None else value


class Redactor:
    """Masks the secrets of one auth object (plus the defaults above) in text, URLs, headers and
    requests."""

    __slots__ = ("__weakref__", "_auth", "_extra_secrets", "_patterns", "_query_re")

    def __init__(
        self,
        auth: Auth,
        extra_query_params: Iterable[str] = (),
        extra_secrets: Iterable[str] = (),
    ) -> None:
        self._auth = auth
        self._extra_secrets = tuple(s for s in extra_secrets if s)
        names = {n.lower() for n in auth.secret_query_params()}
        names |= {n.lower() for n in extra_query_params}
        names |= DEFAULT_SECRET_QUERY_PARAMS
        # Names are matched case-insensitively, raw or percent-encoded, after "?" or "&".
        alternatives = sorted({re.escape(form) for n in names for form in (n, quote(n, safe=""))})
        self._query_re = re.compile(
            r"(?i)([?&](?:" + "|".join(alternatives) + r")=)" + _QUERY_VALUE_END
        )
        # Replaced as one object, so threads never see the patterns of another set of secrets.
        self._patterns = _Patterns(())

    def _current(self) -> _Patterns:
        secrets = tuple(dict.fromkeys((*self._auth.secrets(), *self._extra_secrets)))
        patterns = self._patterns
        if secrets != patterns.secrets:
            patterns = self._patterns = _Patterns(tuple(s for s in secrets if s))
        return patterns

    def _named_and_userinfo(self, value: str) -> str:
        value = self._query_re.sub(lambda m: m.group(1) + REDACTED, value)
        return _USERINFO.sub(REDACTED + "@", value)

    def text(self, value: str) -> str:
        """Free text that may echo a credential (an error body, an exception message): every
        known secret masked as a whole token (long ones anywhere), and inside any URL it contains,
        userinfo and secret query values."""
        return self._named_and_userinfo(_sub(self._current().tokens, value))

    def url(self, url: httpx.URL | str) -> str:
        """A URL safe to show: userinfo, secret query values and any known secret in a query
        value masked; in the rest of the URL only long secrets (a path segment ``v1`` is not the
        password ``v1``)."""
        patterns = self._current()
        text = str(url)
        head, mark, rest = text.partition("?")
        query, hash_, fragment = rest.partition("#")
        head = _USERINFO.sub(REDACTED + "@", _sub(patterns.anywhere, head))
        if mark:
            query = self._query_re.sub(lambda m: m.group(1) + REDACTED, mark + query)[1:]
            query = _sub(patterns.tokens, query)
        return head + mark + query + hash_ + _sub(patterns.anywhere, fragment)

    def header(self, name: str, value: str) -> str:
        """A header value safe to show: the credential of an ``Authorization``-like header
        (keeping its scheme, ``Bearer ***``), and any known secret in the others."""
        if name.lower() not in DEFAULT_SECRET_HEADERS:
            return _sub(self._current().tokens, value)
        scheme, space, credential = value.strip().partition(" ")
        if space and credential.strip() and _AUTH_SCHEME.fullmatch(scheme):
            return f"{scheme} {REDACTED}"
        return REDACTED if value else value

    def request(self, request: httpx.Request) -> httpx.Request:
        """A copy of ``request`` to hand out with responses and errors: URL and headers masked,
        body kept (credentials never go into a body here)."""
        import httpx

        headers = [
            (name, self.header(name, value)) for name, value in request.headers.multi_items()
        ]
        try:
            # None for an empty body, so the copy gets no Content-Length the original lacked.
            content: bytes | None = request.content or None
        except httpx.RequestNotRead:  # a streaming body: not ours to read
            content = None
        return httpx.Request(
            request.method, self.url(request.url), headers=headers, content=content
        )

    def scrub(self, exc: httpx.HTTPError) -> None:
        """Mask what an httpx exception carries (its request, its message) before it becomes the
        ``__cause__`` of one of ours, where tracebacks and error reporters show it."""
        try:
            original = exc.request
        except RuntimeError:  # no request attached
            pass
        else:
            exc.request = self.request(original)
        exc.args = tuple(self.text(a) if isinstance(a, str) else a for a in exc.args)

    def log_args(self, args: tuple[object, ...]) -> tuple[object, ...]:
        """Arguments of a log record, with every URL among them masked."""
        import httpx

        return tuple(
            self.url(a) if isinstance(a, httpx.URL) or (isinstance(a, str) and "://" in a) else a
            for a in args
        )

    def urls_in(self, message: str) -> str:
        """``message`` with every URL in it masked (and nothing else changed)."""
        return _URL_IN_TEXT.sub(lambda m: self.url(m.group(0)), message)


class _HttpxLogFilter(logging.Filter):
    """Masks URLs in records of the ``httpx`` logger (it logs full request URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.redactors: weakref.WeakSet[Redactor] = weakref.WeakSet()

    def filter(self, record: logging.LogRecord) -> bool:
        with _filter_lock:  # a WeakSet must not change while it is copied
            redactors = list(self.redactors)
        if not redactors:
            return True
        if isinstance(record.args, tuple) and record.args:
            args = record.args
            for redactor in redactors:
                args = redactor.log_args(args)
            record.args = args
        elif not record.args and isinstance(record.msg, str):
            message = record.msg
            for redactor in redactors:
                message = redactor.urls_in(message)
            record.msg = message
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
