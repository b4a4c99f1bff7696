"""Timestamps (``_time.py``): every form each type decodes, and what it sends back."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
import weakref
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError
from runtime._time import Rfc2822Timestamp, Timestamp, WireDatetime

UTC = dt.UTC
TS: TypeAdapter[dt.datetime] = TypeAdapter(Timestamp)
RFC2822: TypeAdapter[dt.datetime | str] = TypeAdapter(Rfc2822Timestamp)


def at(*parts: int, offset: dt.timedelta = dt.timedelta(0)) -> dt.datetime:
    """A datetime at UTC, or at `offset` from it."""
    zone = dt.timezone(offset) if offset else UTC
    return dt.datetime(*parts, tzinfo=zone)


HOURS_2 = dt.timedelta(hours=2)


# ------------------------------------------------------------------------------------- Timestamp

DECODED = [
    # epoch seconds, told apart from the smaller units by magnitude
    (1718445000, at(2024, 6, 15, 9, 50)),
    (1718445000.5, at(2024, 6, 15, 9, 50, 0, 500000)),
    (0, at(1970, 1, 1)),
    (-1, at(1969, 12, 31, 23, 59, 59)),
    (99_999_999_999, at(5138, 11, 16, 9, 46, 39)),  # the largest number read as seconds
    # milliseconds, microseconds, nanoseconds (rounded to the microsecond)
    (100_000_000_000, at(1973, 3, 3, 9, 46, 40)),
    (1718445000123, at(2024, 6, 15, 9, 50, 0, 123000)),
    (1718445000123.5, at(2024, 6, 15, 9, 50, 0, 123500)),
    (1718445000123456, at(2024, 6, 15, 9, 50, 0, 123456)),
    (1718445000123456789, at(2024, 6, 15, 9, 50, 0, 123457)),
    # an epoch number sent as text
    ("1718445000", at(2024, 6, 15, 9, 50)),
    ("1718445000123", at(2024, 6, 15, 9, 50, 0, 123000)),
    # RFC 3339
    ("2024-06-15T09:50:00Z", at(2024, 6, 15, 9, 50)),
    ("2024-06-15T09:50:00.123Z", at(2024, 6, 15, 9, 50, 0, 123000)),
    ("2024-06-15T09:50:00.123456789Z", at(2024, 6, 15, 9, 50, 0, 123456)),
    ("2024-06-15T11:50:00+02:00", at(2024, 6, 15, 11, 50, offset=HOURS_2)),
    ("2024-06-15T04:50:00-05:00", at(2024, 6, 15, 4, 50, offset=-dt.timedelta(hours=5))),
    ("2024-06-15T11:50:00+0200", at(2024, 6, 15, 11, 50, offset=HOURS_2)),
    ("2024-06-15t09:50:00z", at(2024, 6, 15, 9, 50)),
    ("2024-06-15 09:50:00Z", at(2024, 6, 15, 9, 50)),
    ("2024-06-15T09:50:00-00:00", at(2024, 6, 15, 9, 50)),
    ("2016-12-31T23:59:60Z", at(2016, 12, 31, 23, 59, 59, 999999)),  # a leap second
    ("2024-06-15T09:50:00", at(2024, 6, 15, 9, 50)),  # no offset: read as UTC
]


@pytest.mark.parametrize(("wire", "expected"), DECODED, ids=repr)
def test_timestamp_decodes(wire: Any, expected: dt.datetime) -> None:
    value = TS.validate_python(wire)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()  # aware, with the offset it was sent with
    assert value.tzinfo is not None
    assert isinstance(value, WireDatetime) and value.wire == wire
    assert TS.dump_python(value, mode="json") == wire  # goes back out exactly as it came
    assert TS.validate_json(TS.dump_json(value)) == expected


@pytest.mark.parametrize(
    ("wire", "complaint"),
    [
        ("yesterday", "neither an RFC 3339 date-time nor an epoch number"),
        ("2024-02-30T00:00:00Z", "day is out of range"),
        ("2024-06-15", "neither"),  # a date is not a point in time
        ("", "neither"),
        (True, "not bool"),
        ([1718445000], "not list"),
        (float("nan"), "not a point in time"),
        (float("inf"), "not a point in time"),
        (1e30, "out of range"),
        (dt.datetime(2024, 6, 15, 9, 50), "naive datetime"),
    ],
    ids=repr,
)
def test_timestamp_refuses(wire: Any, complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint):
        TS.validate_python(wire)


ENCODED = [
    (at(2024, 6, 15, 9, 50), "2024-06-15T09:50:00Z"),
    (at(2024, 6, 15, 9, 50, 0, 123456), "2024-06-15T09:50:00.123456Z"),
    (at(2024, 6, 15, 11, 50, offset=HOURS_2), "2024-06-15T11:50:00+02:00"),
    (dt.datetime(2024, 6, 15, 9, 50, tzinfo=dt.timezone(dt.timedelta(0))), "2024-06-15T09:50:00Z"),
]


@pytest.mark.parametrize(("value", "wire"), ENCODED, ids=repr)
def test_a_datetime_is_sent_as_rfc3339(value: dt.datetime, wire: str) -> None:
    assert TS.dump_python(TS.validate_python(value), mode="json") == wire
    assert TS.validate_python(wire) == value  # and reads back as the same instant


def test_a_decoded_timestamp_is_an_ordinary_datetime() -> None:
    value = TS.validate_python(1718445000)
    assert isinstance(value, dt.datetime)
    assert value == at(2024, 6, 15, 9, 50) and hash(value) == hash(at(2024, 6, 15, 9, 50))
    assert value.plain() == value and type(value.plain()) is dt.datetime
    # copies and pickles keep the wire value
    for twin in (copy.copy(value), copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert isinstance(twin, WireDatetime) and twin.wire == 1718445000 and twin == value
    assert weakref.ref(value)() is value  # as with any datetime subclass
    # anything derived from it is a new value, spelled afresh
    later = value + dt.timedelta(hours=1)
    assert TS.dump_python(later, mode="json") == "2024-06-15T10:50:00Z"
    moved = value.replace(minute=0)
    assert TS.dump_python(moved, mode="json") == "2024-06-15T09:00:00Z"


class Window(BaseModel):
    start: Timestamp
    end: Timestamp | None = None


def test_in_a_model_python_mode_keeps_the_datetime_and_json_mode_the_wire() -> None:
    window = Window.model_validate_json('{"start": 1718445000, "end": null}')
    assert window.model_dump() == {"start": at(2024, 6, 15, 9, 50), "end": None}
    assert window.model_dump(mode="json") == {"start": 1718445000, "end": None}
    assert window.model_dump_json() == '{"start":1718445000,"end":null}'


# -------------------------------------------------------------------------------- RFC 2822 dates

RFC2822_DECODED = [
    ("Wed, 26 Sept 2018 23:00:04 +0000", at(2018, 9, 26, 23, 0, 4)),  # the API's own spelling
    ("Tue, 25 Sept 2018 20:00:00 +0000", at(2018, 9, 25, 20)),
    ("Wed, 26 Sep 2018 23:00:04 +0000", at(2018, 9, 26, 23, 0, 4)),
    ("wed, 26 sept 2018 23:00:04 +0000", at(2018, 9, 26, 23, 0, 4)),
    ("Wed, 26 September 2018 23:00:04 +0200", at(2018, 9, 26, 23, 0, 4, offset=HOURS_2)),
    ("Wed, 26 Sep. 2018 23:00:04 +0000", at(2018, 9, 26, 23, 0, 4)),
    ("26 Sep 2018 23:00:04 GMT", at(2018, 9, 26, 23, 0, 4)),
    ("Wed, 26 Sep 2018 16:00:04 PDT", at(2018, 9, 26, 16, 0, 4, offset=-dt.timedelta(hours=7))),
    ("Wed, 26 Sep 2018 23:00:04 -0000", at(2018, 9, 26, 23, 0, 4)),  # UTC, zone unknown
    ("Wed, 26 Sep 18 23:00:04 +0000", at(2018, 9, 26, 23, 0, 4)),  # two-digit year
    ("Wed, 26 Sep 2018 23:00 +0000", at(2018, 9, 26, 23, 0)),  # no seconds
    ("Thu, 1 Mar 2018 08:00:00 +0000", at(2018, 3, 1, 8)),
    ("2018-09-26T23:00:04Z", at(2018, 9, 26, 23, 0, 4)),  # RFC 3339 read too
]


@pytest.mark.parametrize(("wire", "expected"), RFC2822_DECODED, ids=repr)
def test_rfc2822_decodes(wire: str, expected: dt.datetime) -> None:
    value = RFC2822.validate_python(wire)
    assert isinstance(value, WireDatetime)
    assert value == expected and value.utcoffset() == expected.utcoffset()
    assert RFC2822.dump_python(value, mode="json") == wire


@pytest.mark.parametrize(
    "wire", ["soon", "", "Wed, 32 Sep 2018 23:00:04 +0000", "26/09/2018", "Sept 2018"], ids=repr
)
def test_rfc2822_keeps_what_it_cannot_read_as_text(wire: str) -> None:
    value = RFC2822.validate_python(wire)
    assert value == wire and type(value) is str
    assert RFC2822.dump_python(value, mode="json") == wire


def test_rfc2822_refuses_what_is_not_text_and_sends_datetimes_as_rfc2822() -> None:
    with pytest.raises(ValidationError, match="not int"):
        RFC2822.validate_python(5)
    with pytest.raises(ValidationError, match="naive datetime"):
        RFC2822.validate_python(dt.datetime(2018, 9, 26))
    made = at(2018, 9, 26, 23, 0, 4)
    assert RFC2822.dump_python(made, mode="json") == "Wed, 26 Sep 2018 23:00:04 +0000"


_BOUNDS = [10**11, 10**14, 10**17]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.integers(-(10**20), 10**20),
        st.sampled_from(_BOUNDS).flatmap(lambda b: st.integers(b - 2000, b + 2000)),
        st.sampled_from(_BOUNDS).flatmap(lambda b: st.integers(-b - 2000, -b + 2000)),
        st.integers(10**17, 10**19).map(lambda n: n - n % 1000 + 500),  # a half to round
    )
)
def test_an_integer_epoch_decodes_as_the_decimal_path_decodes_it(value: int) -> None:
    from decimal import Decimal

    from runtime._time import _from_epoch

    def outcome(number: int | Decimal) -> object:
        try:
            return _from_epoch(number)
        except ValueError as exc:
            return type(exc)

    assert outcome(value) == outcome(Decimal(value))
