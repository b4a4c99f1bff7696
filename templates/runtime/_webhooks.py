"""Checking the signature of requests an API sends to you (webhooks, status callbacks).

Two schemes, chosen by ``x-sdk-webhook-signature.algorithm``:

* :class:`HexHmacSha256Validator` (``hmac-sha256-hex``): the header holds the hex HMAC-SHA256
  of the raw request body, keyed with a secret (Stream's ``X-Signature``).
* :class:`TwilioSignatureValidator` (``twilio``): the header holds the base64 HMAC-SHA1 of the
  full URL followed by every POST parameter's name and value, keyed with a signing key
  (Twilio's ``X-Twilio-Signature``, and SignalWire's Compatibility API, which signs the same
  way in ``X-SignalWire-Signature``).

Both answer ``True``/``False`` and never raise for a signature that is wrong, missing
(``None``), empty, not ASCII, or of the wrong type: what arrives in a header is untrusted input.
Comparisons are constant-time (:func:`hmac.compare_digest`). A programming error (an empty key,
a parsed body where the raw bytes are needed) does raise, since no signature could be checked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import ClassVar, cast
from urllib.parse import parse_qs, parse_qsl, urlsplit, urlunsplit

__all__ = ["FormParams", "HexHmacSha256Validator", "TwilioSignatureValidator"]

# Form parameters as web frameworks hand them over: a plain dict (one value per name, or a list
# of values), a multi-dict with `getlist` (werkzeug, Django, Starlette), or (name, value) pairs.
FormParams = Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]

_MASK = "***"


def _key_bytes(key: object, name: str) -> bytes:
    # An empty key would make every signature computable by anyone: refuse it up front.
    if not isinstance(key, str) or not key:
        raise ValueError(f"{name} must be a non-empty string")
    return key.encode("utf-8")


def _body_bytes(body: object) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(
        f"pass the raw request body (bytes or str), not {type(body).__name__}: "
        "the signature covers the exact bytes that were sent"
    )


def _given(signature: object) -> bytes | None:
    """The header value as ASCII bytes, or None when it cannot possibly be a signature."""
    if not isinstance(signature, str):
        return None
    text = signature.strip()
    if not text or not text.isascii():
        return None
    return text.encode("ascii")


class HexHmacSha256Validator:
    """``hex(HMAC-SHA256(key, raw body))``, sent in :attr:`header`.

    ``validate`` accepts the hex digits in either case (a digest has no case of its own).
    """

    header: ClassVar[str] = "X-Signature"
    __slots__ = ("_key",)

    def __init__(self, key: str) -> None:
        self._key = _key_bytes(key, "key")

    def compute_signature(self, body: bytes | str) -> str:
        """The signature the API sends for ``body`` (for tests and for forwarding requests)."""
        return hmac.new(self._key, _body_bytes(body), hashlib.sha256).hexdigest()

    def validate(self, body: bytes | str, signature: str | None) -> bool:
        """``True`` when ``signature`` (the header value) signs exactly ``body``."""
        expected = self.compute_signature(body).encode("ascii")
        given = _given(signature)
        return given is not None and hmac.compare_digest(expected, given.lower())

    def __repr__(self) -> str:
        return f"{type(self).__name__}(key={_MASK})"


def _form_pairs(params: FormParams | None) -> list[tuple[str, str]]:
    if params is None:
        return []
    if isinstance(params, (str, bytes, bytearray)):
        raise TypeError(
            "params must be the parsed form parameters (a mapping or (name, value) pairs); "
            "for the raw body use validate_body()"
        )
    pairs: list[tuple[str, str]] = []
    if isinstance(params, Mapping):
        getlist = getattr(params, "getlist", None)
        for name in set(params):
            # A multi-dict's __getitem__ gives one value of a repeated name; getlist gives all.
            value = (
                cast(Callable[[str], object], getlist)(name) if callable(getlist) else params[name]
            )
            values = [value] if isinstance(value, str) else value
            if not isinstance(values, Sequence):
                raise TypeError(f"form parameter {name!r}: a string or a list of strings expected")
            pairs.extend((name, v) for v in values)
    else:
        for item in params:
            if not (isinstance(item, tuple) and len(item) == 2):
                raise TypeError("params must be a mapping or an iterable of (name, value) pairs")
            pairs.append(item)
    for name, value in pairs:
        if not (isinstance(name, str) and isinstance(value, str)):
            raise TypeError(
                f"form parameter {name!r}: names and values are strings, as they came over the wire"
            )
    return pairs


def _url_variants(url: str) -> list[str]:
    """The URL as given, without its port, and with the scheme's default port made explicit.

    Twilio's own validators accept a signature over either form, because the signing side has
    not always agreed with itself about ports (e.g. behind a TLS terminator); this does the same.
    """
    variants = [url]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: only the URL as given can match
        return variants
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if port is not None:
        bare = hostport[: hostport.rfind(":")]
        variants.append(urlunsplit(parts._replace(netloc=f"{userinfo}{at}{bare}")))
        variants.append(urlunsplit(parts))
    else:
        default = {"https": 443, "http": 80}.get(parts.scheme.lower())
        variants.append(urlunsplit(parts))
        if default is not None and hostport and not hostport.endswith(":"):
            with_port = f"{userinfo}{at}{hostport}:{default}"
            variants.append(urlunsplit(parts._replace(netloc=with_port)))
    return list(dict.fromkeys(variants))


class TwilioSignatureValidator:
    """``base64(HMAC-SHA1(signing key, url + name1 + value1 + name2 + value2 ...))``.

    The scheme, as Twilio's helper libraries implement it (SignalWire's Compatibility API
    follows it):

    * ``url`` is the full URL the request was sent to, scheme, host, path and query string
      exactly as requested (query parameters are part of the URL, not of the parameters);
    * then the POST (form) parameters, sorted by name and, for a name that is repeated, by
      value (code point order, case-sensitive), each appended as name then value with no
      separator; parameters with an empty value count; a GET callback has none;
    * a port in the URL may or may not have been signed: the URL without its port and the URL
      with the scheme's default port (443/80) are tried as well;
    * JSON bodies are signed differently: the URL carries ``bodySHA256=<hex SHA-256 of the
      body>`` and no parameters are appended (see :meth:`validate_body`).
    """

    header: ClassVar[str] = "X-Twilio-Signature"
    __slots__ = ("_key",)

    def __init__(self, signing_key: str) -> None:
        self._key = _key_bytes(signing_key, "signing_key")

    def _sign(self, url: str, pairs: list[tuple[str, str]]) -> str:
        data = url + "".join(name + value for name, value in sorted(pairs))
        digest = hmac.new(self._key, data.encode("utf-8"), hashlib.sha1).digest()
        return base64.b64encode(digest).decode("ascii")

    def compute_signature(self, url: str, params: FormParams | None = None) -> str:
        """The signature for a request to exactly ``url`` with form ``params`` (for tests)."""
        return self._sign(url, _form_pairs(params))

    def validate(self, url: str, params: FormParams | None, signature: str | None) -> bool:
        """``True`` when ``signature`` (the header value) signs ``url`` and the form ``params``.

        ``params`` are the parsed form parameters of a POST (a multi-dict keeps repeated names);
        ``None`` or empty for a GET callback, whose parameters are in the URL's query string.
        """
        pairs = _form_pairs(params)
        given = _given(signature)
        if given is None:
            return False
        matches = [
            hmac.compare_digest(self._sign(candidate, pairs).encode("ascii"), given)
            for candidate in _url_variants(url)
        ]
        return any(matches)

    def validate_body(self, url: str, body: bytes | str, signature: str | None) -> bool:
        """Like :meth:`validate`, from the raw request body instead of parsed parameters.

        A form body (``application/x-www-form-urlencoded``) is parsed here, blank values kept,
        so nothing a framework does to the parameters can change what is checked. When the URL
        carries ``bodySHA256`` (a JSON body), the body must hash to it and the URL alone is signed.
        """
        raw = _body_bytes(body)
        try:
            query = parse_qs(urlsplit(url).query, keep_blank_values=True)
        except ValueError:
            query = {}
        if "bodySHA256" in query:
            digest = hashlib.sha256(raw).hexdigest().encode("ascii")
            claimed = _given(query["bodySHA256"][0])
            body_ok = claimed is not None and hmac.compare_digest(digest, claimed.lower())
            return self.validate(url, None, signature) and body_ok
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:  # form bodies are UTF-8; anything else was not signed by the API
            return False
        return self.validate(url, parse_qsl(text, keep_blank_values=True), signature)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(signing_key={_MASK})"
