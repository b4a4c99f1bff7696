"""Timestamps as APIs actually send them, decoded in one place for every generated model.

* :data:`Timestamp` (a spec's ``type: [number, string], format: date-time``): an RFC 3339 string
  or an epoch number in seconds, milliseconds, microseconds or nanoseconds (told apart by
  magnitude) becomes a timezone-aware :class:`~datetime.datetime`. A datetime the caller passes
  is sent as RFC 3339 text; a number is sent unchanged.
* :data:`Rfc2822Timestamp` (``format: rfc2822``): RFC 2822 text, read tolerantly (``Sept``,
  full month names, obsolete zone names); text that still cannot be read is kept as the string,
  so one odd value does not fail a whole response.

A decoded value is a :class:`WireDatetime`: an ordinary aware datetime that remembers the JSON
value it came from, so an answer dumped again, or passed back in a request, goes out exactly as
it came (``1718445000`` stays ``1718445000``, not ``"2024-06-15T09:50:00Z"``). A datetime made
any other way, including by arithmetic on a decoded one, is spelled afresh.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Annotated, Any, SupportsIndex, TypeAlias

from pydantic import PlainSerializer, PlainValidator

__all__ = [
    "Rfc2822Timestamp",
    "Timestamp",
    "WireDatetime",
    "decode_rfc2822",
    "decode_timestamp",
    "encode_rfc2822",
    "encode_timestamp",
]

_UTC = _dt.UTC
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_UTC)
WireValue: TypeAlias = str | int | float


class WireDatetime(_dt.datetime):
    """An aware datetime decoded from ``wire``, the JSON value the API sent (see the module doc)."""

    # a slot rather than an instance dict: setting it is part of decoding every timestamp (and
    # one for weak references, which a subclass with a dict would have had)
    __slots__ = ("__weakref__", "_wire")
    _wire: WireValue

    @classmethod
    def of(cls, value: _dt.datetime, wire: WireValue) -> WireDatetime:
        made = cls(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
            fold=value.fold,
        )
        made._wire = wire
        return made

    @property
    def wire(self) -> WireValue | None:
        """The value as sent; None for a datetime derived from this one (``replace``, ``+``)."""
        try:
            return self._wire
        except AttributeError:  # made by datetime's own methods, which know nothing of it
            return None

    def plain(self) -> _dt.datetime:
        """The same instant as a plain :class:`~datetime.datetime`."""
        return _dt.datetime(
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            self.microsecond,
            self.tzinfo,
            fold=self.fold,
        )

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[Any, ...]:
        # datetime's own reduction drops instance attributes; copies and pickles keep the wire.
        return (_rebuild, (self.plain(), self.wire))


def _rebuild(value: _dt.datetime, wire: WireValue | None) -> _dt.datetime:
    return value if wire is None else WireDatetime.of(value, wire)


# Adding a timedelta to a datetime subclass gives an instance of the subclass: a decoded epoch
# number is made in one step, not made and then copied.
_EPOCH_WIRE = WireDatetime(1970, 1, 1, tzinfo=_UTC)


# ------------------------------------------------------------------------------------ epoch numbers

# Microseconds per unit, by the magnitude of the number: seconds up to 1e11 (the year 5138), then
# milliseconds, microseconds, and nanoseconds. A date before 1973 in milliseconds reads as seconds:
# no API here dates anything that early.
_UNITS = ((Decimal(10) ** 11, Decimal(10) ** 6), (Decimal(10) ** 14, Decimal(10) ** 3))
_MICROS = Decimal(10) ** 17
_NUMERIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


_SECONDS = 10**11  # below this magnitude, an epoch number counts seconds (see _UNITS)
_timedelta = _dt.timedelta


def _epoch_micros(value: int) -> int:
    """An integer epoch number in microseconds, by the rules above, in integer arithmetic (what
    the Decimal path computes for an int, without its cost: most APIs send whole numbers)."""
    magnitude = abs(value)
    if magnitude < 10**11:
        return value * 10**6
    if magnitude < 10**14:
        return value * 10**3
    if magnitude < 10**17:
        return value
    whole, rest = divmod(value, 1000)  # nanoseconds: rounded half to even, as the Decimal path
    return whole + 1 if rest > 500 or (rest == 500 and whole % 2) else whole


def _from_epoch(value: int | float | Decimal) -> _dt.datetime:
    if type(value) is int:
        try:
            return _EPOCH + _dt.timedelta(microseconds=_epoch_micros(value))
        except OverflowError:
            raise ValueError(f"epoch number {value!r} is out of range") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a point in time")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    magnitude = abs(number)
    for limit, per_unit in _UNITS:
        if magnitude < limit:
            micros = number * per_unit
            break
    else:
        micros = number if magnitude < _MICROS else number / 1000
    try:
        whole = int(micros.to_integral_value(rounding=ROUND_HALF_EVEN))
        return _EPOCH + _dt.timedelta(microseconds=whole)
    except (OverflowError, InvalidOperation):
        raise ValueError(f"epoch number {value!r} is out of range") from None


# ----------------------------------------------------------------------------------------- RFC 3339

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?"
    r"\s*(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2}))?"
)


def _from_rfc3339(text: str, kind: type[_dt.datetime] = _dt.datetime) -> _dt.datetime | None:
    found = _RFC3339.fullmatch(text.strip())
    if found is None:
        return None
    year, month, day, hour, minute, second = (int(found.group(i)) for i in range(1, 7))
    micro = int((found.group(7) or "0")[:6].ljust(6, "0"))
    if second == 60:  # a leap second (RFC 3339 allows it): the last instant datetime can hold
        second, micro = 59, 999_999
    # No offset is not RFC 3339; read as UTC, which is what such APIs mean in practice.
    zone = _UTC
    if found.group("sign"):
        offset = _dt.timedelta(hours=int(found.group("oh")), minutes=int(found.group("om")))
        zone = _dt.timezone(-offset if found.group("sign") == "-" else offset)
    return kind(year, month, day, hour, minute, second, micro, tzinfo=zone)


def _rfc3339_text(value: _dt.datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _aware(value: _dt.datetime) -> _dt.datetime:
    if value.utcoffset() is None:
        raise ValueError(
            "a naive datetime names no instant: give it a timezone, e.g. datetime.now(timezone.utc)"
        )
    return value


def decode_timestamp(value: object) -> _dt.datetime:
    """RFC 3339 text or an epoch number (also as text) → an aware datetime; see the module doc."""
    if type(value) is int:  # what most APIs send: integer arithmetic, one object made
        try:
            if -_SECONDS < value < _SECONDS:  # whole seconds, the usual case: no unit to work out
                made = _EPOCH_WIRE + _timedelta(0, value)
            else:
                made = _EPOCH_WIRE + _timedelta(microseconds=_epoch_micros(value))
        except OverflowError:
            raise ValueError(f"epoch number {value!r} is out of range") from None
        made._wire = value
        return made
    if isinstance(value, _dt.datetime):
        return _aware(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return WireDatetime.of(_from_epoch(value), value)
    if isinstance(value, str):
        text = value.strip()
        if _NUMERIC.fullmatch(text):
            return WireDatetime.of(_from_epoch(Decimal(text)), value)
        parsed = _from_rfc3339(text, WireDatetime)
        if isinstance(parsed, WireDatetime):
            parsed._wire = value
            return parsed
        raise ValueError(f"{value!r} is neither an RFC 3339 date-time nor an epoch number")
    raise ValueError(
        f"a timestamp is an RFC 3339 string or an epoch number, not {type(value).__name__}"
    )


def encode_timestamp(value: _dt.datetime) -> WireValue:
    """The JSON value of a timestamp: as it was received, else RFC 3339 text."""
    if isinstance(value, WireDatetime) and value.wire is not None:
        return value.wire
    return _rfc3339_text(value)


Timestamp: TypeAlias = Annotated[
    _dt.datetime,
    PlainValidator(decode_timestamp),
    PlainSerializer(encode_timestamp, when_used="json"),
]


# ----------------------------------------------------------------------------------------- RFC 2822

# "Sept" (in the API's own examples) and full month names are not RFC 2822 month names.
_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?=\s)", re.I)


def _from_rfc2822(text: str) -> _dt.datetime | None:
    normalized = _MONTH.sub(lambda m: m.group(1), text.strip())
    try:
        parsed = email.utils.parsedate_to_datetime(normalized)
    except (TypeError, ValueError, IndexError):
        return None
    # "-0000" means "UTC, the sender's zone unknown": parsed naive, meant as UTC.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=_UTC)


def decode_rfc2822(value: object) -> _dt.datetime | str:
    """RFC 2822 text (tolerantly, RFC 3339 too) → an aware datetime; unreadable text is kept."""
    if isinstance(value, _dt.datetime):
        return _aware(value)
    if not isinstance(value, str):
        raise ValueError(f"a date is text, not {type(value).__name__}")
    parsed = _from_rfc2822(value) or _from_rfc3339(value)
    return value if parsed is None else WireDatetime.of(parsed, value)


def encode_rfc2822(value: _dt.datetime | str) -> str:
    """The JSON value: the text as received, else the datetime in RFC 2822 form."""
    if isinstance(value, str):
        return value
    if isinstance(value, WireDatetime) and isinstance(value.wire, str):
        return value.wire
    return email.utils.format_datetime(value)


Rfc2822Timestamp: TypeAlias = Annotated[
    _dt.datetime | str,
    PlainValidator(decode_rfc2822),
    PlainSerializer(encode_rfc2822, when_used="json"),
]
