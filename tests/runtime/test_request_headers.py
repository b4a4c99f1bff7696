"""Headers are checked before anything is sent: a CR/LF, control or non-ASCII character, or a
name that is not a token, is a ``RequestValidationError`` naming the header and where it came
from (never an ``ApiConnectionError``, a raw ``UnicodeEncodeError`` or a forged header line)."""

from __future__ import annotations

import pytest
from _harness import PACKAGE, VERSION, Harness, get
from runtime import (
    ApiKeyAuth,
    BearerAuth,
    RequestOptions,
    RequestSpec,
    RequestValidationError,
    SyncApiClient,
)
from runtime._config import ConfigurationError

BAD_VALUES = [
    pytest.param("a\r\nX-Injected: 1", "line break", id="crlf"),
    pytest.param("a\nb", "line break", id="lf"),
    pytest.param("a\rb", "line break", id="cr"),
    pytest.param("caf\u00e9", "non-ASCII", id="latin1"),
    pytest.param("\u2603", "non-ASCII", id="bmp"),
    pytest.param("a\x00b", "control character", id="nul"),
    pytest.param("a\x1bb", "control character", id="esc"),
    pytest.param("a\x7fb", "control character", id="del"),
]


def _refused(harness: Harness, spec: RequestSpec, **kwargs: object) -> RequestValidationError:
    options: RequestOptions | None = kwargs.pop("options", None)  # type: ignore[assignment]
    with pytest.raises(RequestValidationError) as info:
        harness.request(spec, options, **kwargs)
    assert harness.server.requests == []  # nothing went out
    assert info.value.attempts == 0
    assert info.value.operation_id == "getThing"
    return info.value


@pytest.mark.parametrize(("value", "problem"), BAD_VALUES)
def test_header_parameter(harness: Harness, value: str, problem: str) -> None:
    err = _refused(harness, get(headers=(("X-Trace", value),)))
    assert str(err).startswith(f"getThing: header 'X-Trace' contains a {problem}")
    assert str(err).endswith("(a header parameter)")


@pytest.mark.parametrize(("value", "problem"), BAD_VALUES)
def test_extra_header(harness: Harness, value: str, problem: str) -> None:
    err = _refused(harness, get(), options={"extra_headers": {"X-Note": value}})
    assert f"header 'X-Note' contains a {problem}" in str(err)
    assert "(request_options extra_headers)" in str(err)


@pytest.mark.parametrize(("value", "problem"), BAD_VALUES)
def test_credentials_never_quoted(harness: Harness, value: str, problem: str) -> None:
    token = f"tok-{value}-secret"
    err = _refused(harness, get(), auth=BearerAuth(token))
    assert f"header 'Authorization' contains a {problem}" in str(err)
    assert "(from the credentials)" in str(err)
    assert "tok-" not in str(err) and "secret" not in str(err)


def test_api_key_header_credential(harness: Harness) -> None:
    err = _refused(harness, get(), auth=ApiKeyAuth("X-Api-Key", "cl\u00e9", "header"))
    assert "header 'X-Api-Key' contains a non-ASCII character at character 3" in str(err)


@pytest.mark.parametrize("name", ["X Bad", "X:Y", "", "X-\u00e9", "X\r\nY"])
def test_bad_header_name(harness: Harness, name: str) -> None:
    err = _refused(harness, get(), options={"extra_headers": {name: "v"}})
    assert f"{name!r} is not a valid header name" in str(err)


def test_surrounding_blanks_are_dropped_and_inner_tabs_kept(harness: Harness) -> None:
    harness.request(get(headers=(("X-Trace", "  a\tb  "),)), {"extra_headers": {"X-N": " 1 "}})
    [sent] = harness.server.requests
    assert sent.headers["x-trace"] == "a\tb"
    assert sent.headers["x-n"] == "1"


def test_bad_default_header_refused_at_construction() -> None:
    with pytest.raises(ConfigurationError, match="default_headers: header 'X-A' contains a line"):
        SyncApiClient(
            base_url="https://api.example.com",
            auth=BearerAuth("t"),
            package=PACKAGE,
            version=VERSION,
            default_headers={"X-A": "1\r\n2"},
        )
