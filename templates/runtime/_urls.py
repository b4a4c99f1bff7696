"""URLs a client can keep as written, told apart without httpx.

httpx is imported by a client's first request, not by its constructor. The constructor still needs
to know that a base URL (or an OAuth 2.0 token URL) is absolute and what httpx will make of it:
for the URLs people write, httpx gives back the text unchanged, and these patterns recognise them.
Anything else goes through ``httpx.URL``. tests/runtime/test_base_url.py holds both functions to
httpx with property tests.
"""

from __future__ import annotations

import re

# An absolute http(s) URL that httpx gives back exactly as written: a lower-case scheme and host
# name or an IPv4 address, no userinfo, no default or zero-padded port, a path of characters that
# need no escaping (and well-formed %XX escapes) without "." or ".." segments.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_SEGMENT = r"(?!\.\.?(?:/|$))(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*"
PLAIN_URL = re.compile(
    r"(?P<origin>(?P<scheme>https?)://"
    rf"(?:(?:{_LABEL}\.)*[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?|(?:{_OCTET}\.){{3}}{_OCTET})"
    r"(?::(?P<port>[1-9][0-9]{0,4}))?)"
    rf"(?:/{_SEGMENT})*"
)
# A reference made only of such path segments, none empty but a trailing one: absolute ("/a/b",
# not "//host") or relative ("a/b", with no ":" in its first segment, which would be a scheme).
# httpx joins with urllib's urljoin, which drops empty segments from a merged path and reads ";"
# as the start of RFC 1808 parameters, so neither takes the fast path.
_FILLED = r"(?!\.\.?(?:/|$))(?:[A-Za-z0-9._~!$&'()*+,=:@-]|%[0-9A-Fa-f]{2})+"
_PLAIN_PATH = re.compile(rf"(?:/|(?![^/]*:))(?:{_FILLED}/)*{_FILLED}/?")
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _plain(url: str) -> re.Match[str] | None:
    match = PLAIN_URL.fullmatch(url)
    if match is None:
        return None
    port = match["port"]
    if port is not None and (int(port) > 65535 or port == _DEFAULT_PORTS[match["scheme"]]):
        return None
    return match


def plain(url: str) -> bool:
    """Whether ``str(httpx.URL(url)) == url`` for an absolute http(s) URL, known without httpx."""
    return _plain(url) is not None


def plain_join(base: str, reference: str) -> str | None:
    """``str(httpx.URL(base.rstrip("/") + "/").join(reference))`` when both are plain (an absolute
    URL as :func:`plain` has it, or a path of plain segments); None: ask httpx."""
    origin = _plain(base)
    if origin is None or ";" in reference:
        return None  # (a base httpx refuses is refused even when the reference is absolute)
    if _plain(reference) is not None:
        return reference
    if _PLAIN_PATH.fullmatch(reference) is None:
        return None
    if reference.startswith("/"):
        return origin["origin"] + reference
    path = base[len(origin["origin"]) :].rstrip("/")
    if "//" in path or ";" in path:
        return None
    return base.rstrip("/") + "/" + reference
