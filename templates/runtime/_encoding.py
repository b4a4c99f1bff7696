"""Turning parameter values into URL text: path segments (:func:`build_path`) and query values
(:func:`encode_query_value`).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
import uuid
from decimal import Decimal
from urllib.parse import quote

__all__ = ["build_path", "encode_query_value"]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _encode_segment(name: str, value: str) -> str:
    if value == "":
        # "/Accounts/{Sid}/Calls" with Sid="" would become "/Accounts//Calls": another resource.
        raise ValueError(f"path parameter {name!r} must not be empty")
    # Nothing is safe: "/", "?", "#" and "%" inside a value must stay inside its one segment.
    encoded = quote(value, safe="")
    if encoded in (".", ".."):
        # quote() leaves dots alone, and "." / ".." would be dot-segments that URL
        # normalisation (httpx's, a proxy's, the server's) removes or resolves.
        encoded = encoded.replace(".", "%2E")
    return encoded


def build_path(template: str, *values: object) -> str:
    """Fill the ``{name}`` placeholders of a path template with ``values``, in the order the names
    first appear, each value as exactly one segment.

    >>> build_path("/Accounts/{AccountSid}/Calls/{CallSid}", "AC1", "../x")
    '/Accounts/AC1/Calls/..%2Fx'

    Raises ``ValueError`` for a missing, extra or empty value.
    """
    names = list(dict.fromkeys(_PLACEHOLDER.findall(template)))
    if len(names) != len(values):
        raise ValueError(
            f"{template!r} takes {len(names)} path parameter(s) ({', '.join(names) or 'none'}), "
            f"got {len(values)}"
        )
    params = dict(zip(names, values, strict=True))

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = params[name]
        # Integers, enums and the like are spelled as in a query (True -> "true").
        return _encode_segment(name, value if isinstance(value, str) else encode_query_value(value))

    return _PLACEHOLDER.sub(substitute, template)


def encode_query_value(value: object) -> str:
    """The text of one query parameter value.

    bool -> ``"true"``/``"false"`` (JSON spelling, not Python's); int, float, Decimal and UUID
    -> ``str()``; str as is; an enum member -> its encoded ``.value``; datetime, date and time ->
    ISO 8601. Anything else (including ``None``: leave the parameter out instead) raises
    ``TypeError``, because guessing a format would silently send the wrong thing.
    """
    # bool before int: bool is a subclass of int and str(True) is "True".
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return encode_query_value(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} value {value!r} as a query parameter")
