"""How the mock reads parameters: every `style`/`explode` of the OpenAPI 3.1 "Style Examples"
table, for path, query, header and cookie parameters.

openapi-core's own readers differ from that table in places (label arrays joined by commas,
spaceDelimited split on a literal `%20`, exploded form objects and matrix values looked up under
keys the mock does not produce), so the mock gives openapi-core these instead, through its style
deserializer factory. Each reader gets the request's (already percent-decoded) parameters of one
location and returns the value openapi-core then casts and validates against the schema, or
raises KeyError when the parameter is absent and ValueError when it is malformed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Reader", "reader"]

Reader = Callable[[Mapping[str, Any]], Any]


def _kind(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    kinds = [kind] if isinstance(kind, str) else [k for k in kind or () if k != "null"]
    if "array" in kinds or (not kinds and "items" in schema):
        return "array"
    if "object" in kinds or (
        not kinds and ("properties" in schema or "additionalProperties" in schema)
    ):
        return "object"
    return "primitive"


def _pairs(items: list[str]) -> dict[str, str]:
    """["R", "100", "G", "200"] → {"R": "100", "G": "200"}."""
    if len(items) % 2:
        raise ValueError("an object needs a value for every key")
    return dict(zip(items[::2], items[1::2], strict=True))


def _assigned(items: list[str]) -> dict[str, str]:
    """["R=100", "G=200"] → {"R": "100", "G": "200"}."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError(f"{item!r} is not key=value")
        out[key] = value
    return out


def _all(location: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(location, "getlist", None)
    values = getlist(name) if callable(getlist) else [location[name]] if name in location else []
    if not values:
        raise KeyError(name)
    return [str(v) for v in values]


def _simple(kind: str, explode: bool, name: str) -> Reader:
    def read(location: Mapping[str, Any]) -> Any:
        value = str(location[name])
        if kind == "array":
            return value.split(",")
        if kind == "object":
            return _assigned(value.split(",")) if explode else _pairs(value.split(","))
        return value

    return read


def _label(kind: str, explode: bool, name: str) -> Reader:
    def read(location: Mapping[str, Any]) -> Any:
        value = str(location[name])
        if not value.startswith("."):
            raise ValueError("a label-style value starts with '.'")
        body = value[1:]
        if kind == "array":
            return body.split(".")
        if kind == "object":
            return _assigned(body.split(".")) if explode else _pairs(body.split("."))
        return body

    return read


def _matrix(kind: str, explode: bool, name: str) -> Reader:
    def read(location: Mapping[str, Any]) -> Any:
        value = str(location[name])
        if not value.startswith(";"):
            raise ValueError("a matrix-style value starts with ';'")
        parts = value[1:].split(";")
        if explode and kind == "object":
            return _assigned(parts)
        found = [_assigned([p]) if "=" in p else {p: ""} for p in parts]
        if any(list(f) != [name] for f in found):
            raise ValueError(f"a matrix-style value names {name!r}")
        values = [f[name] for f in found]
        if kind == "array":
            return values if explode else values[0].split(",")
        if kind == "object":
            return _pairs(values[0].split(","))
        return values[0]

    return read


def _form(
    kind: str, explode: bool, name: str, joiner: str, keys: Callable[[Mapping[str, Any]], list[str]]
) -> Reader:
    def read(location: Mapping[str, Any]) -> Any:
        if kind == "object" and explode:
            found = {key: location[key] for key in keys(location) if key in location}
            if not found:
                raise KeyError(name)
            return found
        if kind == "array" and explode:
            return _all(location, name)
        value = str(location[name])
        if kind == "array":
            return value.split(joiner)
        if kind == "object":
            return _pairs(value.split(joiner))
        return value

    return read


_DEEP_KEY = re.compile(r"\[([^\[\]]*)\]")


def _deep_object(name: str) -> Reader:
    def read(location: Mapping[str, Any]) -> Any:
        out: dict[str, Any] = {}
        for key in location:
            if not key.startswith(name + "["):
                continue
            path = _DEEP_KEY.findall(key[len(name) :])
            if "".join(f"[{p}]" for p in path) != key[len(name) :] or not path:
                raise ValueError(f"{key!r} is not a deepObject key")
            node = out
            for step in path[:-1]:
                child = node.setdefault(step, {})
                if not isinstance(child, dict):
                    raise ValueError(f"{key!r} nests under a value")
                node = child
            node[path[-1]] = location[key]
        if not out:
            raise KeyError(name)
        return out

    return read


def reader(
    schema: Mapping[str, Any],
    style: str,
    explode: bool,
    name: str,
    declared: Callable[[], frozenset[str]],
) -> Reader | None:
    """The reader for one parameter (None: a style this module does not know). `declared` gives
    the names of the operation's other parameters, which an exploded form object with
    `additionalProperties` must not take as its own."""
    kind = _kind(schema)
    properties = list(schema.get("properties") or ())
    free = schema.get("additionalProperties") not in (None, False)

    def keys(location: Mapping[str, Any]) -> list[str]:
        if not free:
            return properties
        others = declared() - {name}
        return [k for k in location if k in properties or k not in others]

    if style == "simple":
        return _simple(kind, explode, name)
    if style == "label":
        return _label(kind, explode, name)
    if style == "matrix":
        return _matrix(kind, explode, name)
    if style == "deepObject":
        return _deep_object(name)
    joiner = {"form": ",", "spaceDelimited": " ", "pipeDelimited": "|"}.get(style)
    if joiner is None:
        return None
    return _form(kind, explode, name, joiner, keys)
