"""Turning parameter values into URL and header text: path segments (:func:`build_path`), query,
header and cookie parameters (:func:`query_pairs`, :func:`header_text`, :func:`cookie_pairs`) and
scalar values (:func:`encode_query_value`).

Arrays and objects are serialised by the parameter's ``style`` and ``explode``, exactly as the
OpenAPI 3.1 "Style Examples" table writes them (for ``color`` = ``"blue"``,
``["blue", "black", "brown"]`` or ``{"R": 100, "G": 200, "B": 150}``)::

    style          explode  array                                   object
    -------------- -------  --------------------------------------  ----------------------------------------
    matrix         false    ;color=blue,black,brown                 ;color=R,100,G,200,B,150
    matrix         true     ;color=blue;color=black;color=brown     ;R=100;G=200;B=150
    label          false    .blue.black.brown                       .R.100.G.200.B.150
    label          true     .blue.black.brown                       .R=100.G=200.B=150
    form           false    color=blue,black,brown                  color=R,100,G,200,B,150
    form           true     color=blue&color=black&color=brown      R=100&G=200&B=150
    simple         false    blue,black,brown                        R,100,G,200,B,150
    simple         true     blue,black,brown                        R=100,G=200,B=150
    spaceDelimited false    blue%20black%20brown                    R%20100%20G%20200%20B%20150
    pipeDelimited  false    blue|black|brown                        R|100|G|200|B|150
    deepObject     true     n/a                                     color[R]=100&color[G]=200&color[B]=150

A style is written as its OpenAPI name, with ``*`` appended when exploded (``"form*"``,
``"label*"``); ``"json"`` sends the value as compact JSON text (a parameter declared with
``content: application/json``). Within a URL every value is percent-encoded except RFC 3986's
unreserved characters, while the delimiters the style adds (``,`` ``;`` ``.`` ``|`` ``=``
``[]``) stay literal, so a comma inside a value (``%2C``) is never mistaken for one between
values. Values nested deeper than a style defines (an object inside an array) are sent as JSON
text; ``deepObject`` nests objects as ``color[a][b]=1``. An empty array or object is, as in
RFC 6570, not sent at all.
"""

from __future__ import annotations

import datetime as _dt
import enum
import json
import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from urllib.parse import quote

__all__ = [
    "build_path",
    "cookie_pairs",
    "encode_query_value",
    "header_text",
    "plain_data",
    "query_pairs",
]

# "{name}": the placeholders of a path template, named by the parameter's wire name.
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# Delimiters between the items of a non-exploded array or object, by style.
_JOINERS = {"form": ",", "simple": ",", "spaceDelimited": "%20", "pipeDelimited": "|"}
_STYLES = frozenset({*_JOINERS, "label", "matrix", "deepObject", "json"})


def encode_query_value(value: object) -> str:
    """The text of one scalar parameter value.

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


def plain_data(value: object) -> object:
    """Models as their wire fields (aliases, only what was set), tuples as lists, recursively:
    what a style serialises or JSON encodes."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        return plain_data(dump(mode="json", by_alias=True, exclude_unset=True))
    if isinstance(value, Mapping):
        return {str(key): plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    return value


def _json(value: object) -> str:
    return json.dumps(plain_data(value), separators=(",", ":"), ensure_ascii=False)


def _scalar(value: object) -> str:
    """One item of an array or object: a scalar's text, anything deeper as JSON text."""
    if isinstance(value, Mapping | list | tuple):
        return _json(value)
    return encode_query_value(value)


def _parse_style(style: str) -> tuple[str, bool]:
    name, explode = style.removesuffix("*"), style.endswith("*")
    if name not in _STYLES:
        raise ValueError(f"unknown parameter style {style!r}")
    return name, explode


def _shape(value: object) -> tuple[str, list[tuple[str, object]]]:
    """("array" | "object" | "primitive", the items; keys are "" for array items)."""
    data = plain_data(value)
    if isinstance(data, Mapping):
        return "object", [(str(k), v) for k, v in data.items()]
    if isinstance(data, list):
        return "array", [("", v) for v in data]
    return "primitive", [("", data)]


def _quote(text: str) -> str:
    return quote(text, safe="")


# ------------------------------------------------------------------------------------------ path


def _encode_segment(name: str, value: str, whole: bool) -> str:
    if value == "":
        # "/Accounts/{Sid}/Calls" with Sid="" would become "/Accounts//Calls": another resource.
        raise ValueError(f"path parameter {name!r} must not be empty")
    if whole and value in (".", ".."):
        # quote() leaves dots alone, and a segment "." / ".." would be a dot-segment that URL
        # normalisation (httpx's, a proxy's, the server's) removes or resolves.
        value = value.replace(".", "%2E")
    return value


def _expand(name: str, value: object, style: str, explode: bool) -> str:
    """One path parameter, percent-encoded, by its style (simple, label or matrix)."""
    if style == "json":
        return _quote(_json(value))
    kind, items = _shape(value)
    if kind == "primitive":
        text = _quote(encode_query_value(items[0][1]))
        if style == "label":
            return "." + text
        if style == "matrix":
            return f";{_quote(name)}={text}" if text else f";{_quote(name)}"
        return text
    if not items:
        return ""  # RFC 6570: an empty list or object is undefined
    if kind == "array":
        texts = [_quote(_scalar(v)) for _, v in items]
        if style == "label":
            return "." + ".".join(texts)
        if style == "matrix":
            key = _quote(name)
            if explode:
                return "".join(f";{key}={t}" for t in texts)
            return f";{key}=" + ",".join(texts)
        return ",".join(texts)
    pairs = [(_quote(k), _quote(_scalar(v))) for k, v in items]
    if style == "label":
        return "." + ".".join(f"{k}={v}" if explode else f"{k}.{v}" for k, v in pairs)
    if style == "matrix":
        if explode:
            return "".join(f";{k}={v}" for k, v in pairs)
        return f";{_quote(name)}=" + ",".join(f"{k},{v}" for k, v in pairs)
    return ",".join(f"{k}={v}" if explode else f"{k},{v}" for k, v in pairs)


def build_path(template: str, *values: object, styles: Mapping[str, str] | None = None) -> str:
    """Fill the ``{name}`` placeholders of a path template with ``values``, in the order the names
    first appear, each value within its one segment.

    >>> build_path("/Accounts/{AccountSid}/Calls/{CallSid}", "AC1", "../x")
    '/Accounts/AC1/Calls/..%2Fx'
    >>> build_path("/colors/{color}", ["blue", "black"], styles={"color": "matrix*"})
    '/colors/;color=blue;color=black'

    ``styles`` maps a wire name to its style when it is not ``simple`` (see the module
    docstring). Raises ``ValueError`` for a missing, extra or empty value.
    """
    names = list(dict.fromkeys(_PLACEHOLDER.findall(template)))
    if len(names) != len(values):
        raise ValueError(
            f"{template!r} takes {len(names)} path parameter(s) ({', '.join(names) or 'none'}), "
            f"got {len(values)}"
        )
    params = dict(zip(names, values, strict=True))
    parsed = {name: _parse_style(style) for name, style in (styles or {}).items()}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        style, explode = parsed.get(name, ("simple", False))
        start, end = match.span()
        whole = template[start - 1 : start] in ("", "/") and template[end : end + 1] in ("", "/")
        return _encode_segment(name, _expand(name, params[name], style, explode), whole)

    return _PLACEHOLDER.sub(substitute, template)


# ----------------------------------------------------------------------------------------- query


def _deep(prefix: str, value: object) -> Iterator[tuple[str, str]]:
    """deepObject pairs, nested objects as further ``[key]`` segments."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _deep(f"{prefix}[{_quote(str(key))}]", item)
    elif value is not None:
        yield prefix, _quote(_scalar(value))


def query_pairs(name: str, value: object, style: str = "form*") -> list[tuple[str, str]]:
    """The query pairs of one parameter, percent-encoded and ready to join with ``&`` and ``=``.

    >>> query_pairs("color", ["blue", "a,b"], "form")
    [('color', 'blue,a%2Cb')]
    """
    style_name, explode = _parse_style(style)
    key = _quote(name)
    if style_name == "json":
        return [(key, _quote(_json(value)))]
    kind, items = _shape(value)
    if kind == "primitive":
        return [(key, _quote(encode_query_value(items[0][1])))]
    if style_name == "deepObject" and kind == "object":
        return list(_deep(key, plain_data(value)))
    if kind == "array":
        texts = [_quote(_scalar(v)) for _, v in items]
        if explode or not texts:
            return [(key, t) for t in texts]
        return [(key, _JOINERS.get(style_name, ",").join(texts))]
    pairs = [(_quote(k), _quote(_scalar(v))) for k, v in items]
    if explode or not pairs:
        return pairs
    joiner = _JOINERS.get(style_name, ",")
    return [(key, joiner.join(f"{k}{joiner}{v}" for k, v in pairs))]


# -------------------------------------------------------------------------------- header, cookie


def header_text(value: object, style: str = "simple") -> str | None:
    """A header parameter's value (simple style); ``None`` for an empty array or object, which is
    not sent. Not percent-encoded: the client refuses anything a header cannot carry."""
    style_name, explode = _parse_style(style)
    if style_name == "json":
        return _json(value)
    kind, items = _shape(value)
    if kind == "primitive":
        return encode_query_value(items[0][1])
    if not items:
        return None
    if kind == "array":
        return ",".join(_scalar(v) for _, v in items)
    return ",".join(f"{k}={_scalar(v)}" if explode else f"{k},{_scalar(v)}" for k, v in items)


# RFC 6265 cookie-octets (printable ASCII but space, '"', ',', ';' and '\') are sent as they are;
# anything else is percent-encoded, and so is '%' itself, so that the encoding can be undone. ','
# appears only as the style's own delimiter.
_COOKIE_SAFE = frozenset(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '",;\\%')


def _cookie_quote(text: str) -> str:
    return "".join(
        ch if ch in _COOKIE_SAFE else "".join(f"%{b:02X}" for b in ch.encode()) for ch in text
    )


def cookie_pairs(name: str, value: object, style: str = "form*") -> list[tuple[str, str]]:
    """The cookies of one cookie parameter (form style): a scalar as ``name=value``, an array as
    ``name=a,b`` (or one ``name=`` cookie per item when exploded), an object as
    ``name=k,v,k2,v2`` (or one cookie per key when exploded)."""
    style_name, explode = _parse_style(style)
    if style_name == "json":
        return [(name, _cookie_quote(_json(value)))]
    kind, items = _shape(value)
    if kind == "primitive":
        return [(name, _cookie_quote(encode_query_value(items[0][1])))]
    texts: Sequence[tuple[str, str]] = [(k, _cookie_quote(_scalar(v))) for k, v in items]
    if kind == "array":
        if explode or not texts:
            return [(name, t) for _, t in texts]
        return [(name, ",".join(t for _, t in texts))]
    if explode or not texts:
        return [(_cookie_quote(k), t) for k, t in texts]
    return [(name, ",".join(f"{_cookie_quote(k)},{t}" for k, t in texts))]
