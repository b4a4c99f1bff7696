"""NOT_GIVEN, RequestSpec, build_path and encode_query_value (``_types.py``, ``_encoding.py``)."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import pickle
import uuid
from decimal import Decimal
from urllib.parse import unquote

import pytest
from _harness import Harness, get
from runtime import NOT_GIVEN, NotGiven, RequestSpec, build_path, encode_query_value


def test_not_given_sentinel() -> None:
    assert not NOT_GIVEN
    assert repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN
    assert copy.copy(NOT_GIVEN) is NOT_GIVEN
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN
    assert NOT_GIVEN is not None


def test_request_spec_defaults_and_validation() -> None:
    spec = RequestSpec(method="GET", path="/x", operation_id="op", idempotent=True)
    assert spec.json is NOT_GIVEN and spec.form is None and spec.query == ()
    with pytest.raises(ValueError, match="a request has one body"):
        RequestSpec(
            method="POST",
            path="/x",
            operation_id="op",
            idempotent=False,
            json={},
            form=(("a", "b"),),
        )


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("CA123", "CA123"),
        ("../x", "..%2Fx"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("...", "..."),  # not a dot-segment
        ("a b", "a%20b"),
        ("ü", "%C3%BC"),
        ("a/b?c#d", "a%2Fb%3Fc%23d"),
        ("100%", "100%25"),
        ("%2E%2E", "%252E%252E"),
        ("x:y@z", "x%3Ay%40z"),
    ],
)
def test_build_path_segments(value: str, segment: str) -> None:
    assert build_path("/Accounts/{Sid}/Calls", value) == f"/Accounts/{segment}/Calls"


def test_build_path_errors() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        build_path("/Accounts/{Sid}/Calls", "")
    with pytest.raises(ValueError, match=r"takes 1 path parameter\(s\) \(Sid\), got 0"):
        build_path("/Accounts/{Sid}/Calls")
    with pytest.raises(ValueError, match="got 2"):
        build_path("/Accounts/{Sid}/Calls", "a", "b")


def test_build_path_several_params() -> None:
    assert build_path("/a/{x}/b/{y}.json", "1", "two words") == "/a/1/b/two%20words.json"
    # a name used twice takes one value
    assert build_path("/a/{x}/b/{x}", "1") == "/a/1/b/1"


@pytest.mark.parametrize("value", ["../x", "..", ".", "a b", "ü", "a/b", "%2F", "?q=1#f"])
def test_path_value_arrives_as_one_segment(harness: Harness, value: str) -> None:
    """Over real HTTP, through a base URL with a path: nothing re-normalises the segment."""
    path = build_path("/Accounts/{Sid}/Calls", value)
    harness.request(get(path), base_url=harness.server.url + "/api/2010/")
    [received] = harness.server.requests
    assert received.target == f"/api/2010{path}"
    segments = received.path.split("/")
    assert segments[:4] == ["", "api", "2010", "Accounts"]
    assert segments[5:] == ["Calls"]
    assert unquote(segments[4]) == value


class Color(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (1.5, "1.5"),
        (Decimal("1.10"), "1.10"),
        ("as is", "as is"),
        (Color.RED, "red"),
        (Level.HIGH, "3"),
        (dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC), "2024-05-01T12:30:00+00:00"),
        (dt.date(2024, 5, 1), "2024-05-01"),
        (uuid.UUID(int=1), "00000000-0000-0000-0000-000000000001"),
    ],
)
def test_encode_query_value(value: object, text: str) -> None:
    assert encode_query_value(value) == text


@pytest.mark.parametrize("value", [None, NOT_GIVEN, [1, 2], {"a": 1}, b"x"])
def test_encode_query_value_refuses_guessing(value: object) -> None:
    with pytest.raises(TypeError):
        encode_query_value(value)
