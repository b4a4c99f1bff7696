"""The base URL and token URL a client keeps, and what constructing a client costs.

A client is built without importing httpx (or pydantic): a base URL httpx would give back as
written is recognised by a pattern of our own (runtime/_urls.py), and so is a token URL joined to
it; everything else goes through ``httpx.URL``. The property tests hold the patterns to httpx:
whatever they accept, httpx makes the same of.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from runtime import NoAuth, SyncApiClient
from runtime._base_client import _normalize_base_url
from runtime._oauth2 import OAuth2ClientCredentials
from runtime._urls import PLAIN_URL, plain_join

ROOT = Path(__file__).resolve().parents[2]


def _by_httpx(base_url: str) -> str:
    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("not absolute")
    if url.query or url.fragment:
        raise ValueError("query or fragment")
    return str(url).rstrip("/")


_label = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_host = st.one_of(
    st.lists(_label, min_size=1, max_size=4).map(".".join),
    st.lists(st.integers(0, 255).map(str), min_size=4, max_size=4).map(".".join),
    st.sampled_from(["localhost", "127.0.0.1", "api.example.com", "a--b.io", "1.2.3", "x.1a"]),
)
_port = st.one_of(
    st.none(),
    st.integers(0, 70000).map(str),
    st.sampled_from(["80", "443", "0443", "08080", "65535", "65536"]),
)
_PLAIN_CHARS = [*"aZ09._~!$&'()*+,;=:@-", "%7e", "%2F", "%41", "%2e", ".", ".."]
_segment = st.one_of(
    st.lists(st.sampled_from(_PLAIN_CHARS), max_size=6).map("".join),
    st.lists(st.sampled_from([*'aZ09._~%/ é?#[]\\^`{}|"<>', "%zz", "%4"]), max_size=6).map("".join),
)


@st.composite
def _urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "http", "https", "HTTP", "Https", "ftp"]))
    host = draw(_host)
    if draw(st.integers(0, 3)) == 0:
        host = host.upper() if draw(st.booleans()) else host.title()
    port = draw(_port)
    path = "".join(draw(st.lists(_segment, max_size=4).map(lambda s: ["/" + p for p in s])))
    return f"{scheme}://{host}{'' if port is None else ':' + port}{path}"


@settings(max_examples=600, deadline=None)
@given(_urls())
@example("http://127.0.0.1:8080")
@example("https://api.example.com/v1/")
@example("http://example.com:80/a")
@example("https://x.com/a%7eb%2F")
@example("https://x.com/a%zz")
@example("https://x.com/a b/")
@example("https://x.com:08080")
@example("http://localhost/./a/../b/.")
def test_the_plain_pattern_agrees_with_httpx(base_url: str) -> None:
    try:
        expected: str | None = _by_httpx(base_url)
    except (ValueError, httpx.InvalidURL):
        expected = None
    if PLAIN_URL.fullmatch(base_url) is not None and expected is not None:
        # what the fast path keeps is exactly what httpx would have made of it
        assert _normalize_base_url(base_url) == expected
    if expected is None:
        with pytest.raises((ValueError, httpx.InvalidURL)):
            _normalize_base_url(base_url)
    else:
        assert _normalize_base_url(base_url) == expected


@pytest.mark.parametrize(
    "base_url",
    ["https://api.example.com", "http://127.0.0.1:8080/api/", "https://a.b-c.io/x/y"],
)
def test_plain_urls_take_the_fast_path(base_url: str) -> None:
    # the bench's and most users' URLs: without this the constructor would import httpx
    assert PLAIN_URL.fullmatch(base_url) is not None


def _joined_by_httpx(base_url: str, reference: str) -> str | None:
    try:
        url = httpx.URL(base_url.rstrip("/") + "/").join(reference)
    except httpx.InvalidURL:
        return None
    return str(url) if url.scheme in ("http", "https") and url.host else None


# plain pieces drawn often, so that a good share of the pairs takes the fast path
_plain_segment = st.lists(st.sampled_from(_PLAIN_CHARS[:-2]), min_size=1, max_size=6).map("".join)
_plain_base = st.builds(
    lambda scheme, host, path: f"{scheme}://{host}{''.join('/' + p for p in path)}",
    st.sampled_from(["http", "https"]),
    _host,
    st.lists(_plain_segment, max_size=3),
)
_plain_reference = st.lists(_plain_segment, min_size=1, max_size=4).map("/".join)
_reference = st.one_of(
    _plain_reference,
    _plain_reference.map(lambda r: "/" + r),
    _plain_base,
    _urls(),
    st.lists(_segment, min_size=1, max_size=4).map("/".join),
    st.lists(_segment, min_size=1, max_size=4).map(lambda s: "/" + "/".join(s)),
    st.sampled_from(["", "/", "//h/x", "a:b/c", "./t", "../t", "?q=1", "#f", "t?x", "t#x"]),
)


@settings(max_examples=600, deadline=None)
@given(st.one_of(_plain_base, _urls()), _reference)
@example("https://api.example.com/v1", "oauth/token")
@example("https://api.example.com/v1/", "/oauth/token")
@example("http://127.0.0.1:8080", "token")
@example("https://api.example.com", "https://auth.example.com/token")
@example("https://api.example.com/v1", "a:b/token")
@example("https://api.example.com/v1", "//auth.example.com/token")
@example("https://api.example.com/v1", "../token")
@example("http://0.0.0.0", "a//")
@example("http://0.0.0.0", ";")
@example("http://0.0.0.0/a;b", "t")
@example("http://0.0.0.0//a", "t")
@example("https://api.example.com", "https://api.example.com/t;")
def test_the_plain_join_agrees_with_httpx(base_url: str, reference: str) -> None:
    joined = plain_join(base_url, reference)
    if joined is not None:
        assert joined == _joined_by_httpx(base_url, reference)
    expected = _joined_by_httpx(base_url, reference)
    credentials = lambda: OAuth2ClientCredentials(  # noqa: E731
        reference, "id", "secret", base_url=base_url
    )
    if expected is None:
        with pytest.raises((ValueError, httpx.InvalidURL)):
            credentials()
    else:
        assert credentials().token_url == expected


@pytest.mark.parametrize(
    ("base_url", "reference", "joined"),
    [
        ("https://api.example.com/v1", "oauth/token", "https://api.example.com/v1/oauth/token"),
        ("https://api.example.com/v1/", "/oauth/token", "https://api.example.com/oauth/token"),
        ("http://127.0.0.1:8080", "token", "http://127.0.0.1:8080/token"),
        ("https://a.example.com", "https://b.example.com/t", "https://b.example.com/t"),
    ],
)
def test_plain_token_urls_take_the_fast_path(base_url: str, reference: str, joined: str) -> None:
    assert plain_join(base_url, reference) == joined


@pytest.mark.parametrize(
    "base_url", ["http://[::1", "http://h:abc", "http://[zz]", "http://a\x00b"]
)
def test_a_base_url_httpx_refuses_is_refused_whatever_the_token_url(base_url: str) -> None:
    assert plain_join(base_url, "https://auth.example.com/token") is None
    with pytest.raises((ValueError, httpx.InvalidURL)):
        OAuth2ClientCredentials("https://auth.example.com/token", "id", "s", base_url=base_url)


def test_sending_after_close_fails_even_before_the_first_request() -> None:
    client = SyncApiClient(
        base_url="https://api.example.com", auth=NoAuth(), package="p", version="0"
    )
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        _ = client._http


_PROBE = r"""
import json, sys
import {package}
client = {package}.{client}({arguments})
loaded = sorted(m for m in ("httpx", "httpcore", "pydantic", "pydantic_core", "ssl") if m in sys.modules)
print(json.dumps(loaded))
"""


@pytest.mark.parametrize(
    ("package", "client", "arguments"),
    [
        (
            "stream_video",
            "VideoClient",
            "api_key='k', api_secret='s', base_url='http://127.0.0.1:8000'",
        ),
        ("stream_video", "AsyncVideoClient", "api_key='k', api_secret='s'"),
        ("laml_streams", "LamlClient", "project_id='p', api_token='t', space='acme'"),
        (  # what a generated client with an OAuth 2.0 scheme builds
            "stream_video._runtime",
            "OAuth2ClientCredentials",
            "'oauth/token', 'id', 'secret', base_url='https://api.example.com/v1'",
        ),
    ],
)
def test_importing_and_constructing_a_client_imports_neither_httpx_nor_pydantic(
    package: str, client: str, arguments: str
) -> None:
    code = _PROBE.format(package=package, client=client, arguments=arguments)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
