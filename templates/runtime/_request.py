"""From a generated method's arguments to what goes on the wire.

Generated methods pass every argument through here, so the rules live in one place:
:data:`NOT_GIVEN` arguments are left out, ``None`` is sent as null (JSON) where the spec allows it,
parameters are serialised by their style (``_encoding``), bodies are validated against their
request model before anything is sent (enums stay open: an unlisted value is sent as given),
indexed pairs (``Parameter1.Name``/``Parameter1.Value`` …) are flattened from a mapping, and every
header is checked before it goes on the wire
(:func:`checked_header`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ._encoding import cookie_pairs, encode_query_value, header_text, query_pairs
from ._errors import RequestValidationError
from ._types import NOT_GIVEN

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

__all__ = [
    "checked_header",
    "encode_cookies",
    "encode_headers",
    "encode_query",
    "form_fields",
    "header_problem",
    "indexed_pairs",
    "merge_cookies",
    "parse_cookies",
    "validate_any",
    "validate_body",
    "validate_value",
]

# RFC 9110 token: the characters a field name may have.
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Anything but printable ASCII, space and tab.
_BAD_HEADER_CHAR = re.compile(r"[^\t\x20-\x7e]")


def header_problem(name: object, value: object) -> str | None:
    """What is wrong with a header, in words that never quote the value (it may be a
    credential); ``None`` if it can be sent."""
    if not isinstance(name, str) or not _HEADER_NAME.fullmatch(name):
        return f"{name!r} is not a valid header name"
    if not isinstance(value, str):
        return f"header {name!r} must be a string, not {type(value).__name__}"
    bad = _BAD_HEADER_CHAR.search(value)
    if bad is None:
        return None
    char, position = bad.group(), bad.start() + 1
    if char in "\r\n":
        # A line break would end the header and let the rest forge new ones.
        return f"header {name!r} contains a line break (CR or LF) at character {position}"
    if char > "\x7f":
        return (
            f"header {name!r} contains a non-ASCII character at character {position}; "
            "header values must be ASCII (percent-encode or base64 anything else)"
        )
    return f"header {name!r} contains a control character at character {position}"


def checked_header(name: str, value: str, *, source: str, operation_id: str) -> str:
    """``value`` ready to send (surrounding blanks dropped, as a receiver would), or a
    :class:`RequestValidationError` naming the header and where it came from."""
    problem = header_problem(name, value)
    if problem is not None:
        raise RequestValidationError(
            f"{operation_id}: {problem} ({source})", operation_id=operation_id
        )
    return value.strip(" \t")


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "body"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


@functools.cache
def _without(model: type[BaseModel], names: frozenset[str]) -> type[BaseModel]:
    """``model`` less the fields (by wire name) that travel as file parts of a multipart body."""
    from pydantic import BaseModel, create_model

    kept: dict[str, Any] = {
        name: (info.annotation, info)
        for name, info in model.model_fields.items()
        if (info.alias or name) not in names
    }
    base = next(c for c in model.__mro__[1:] if issubclass(c, BaseModel))
    derived = create_model(model.__name__, __base__=base, __module__=model.__module__, **kept)
    derived.__non_nullable__ = frozenset(getattr(model, "__non_nullable__", ())) - names  # type: ignore[attr-defined]
    return derived


def validate_body(
    model: type[BaseModel],
    values: Mapping[str, object],
    operation_id: str,
    *,
    files: Sequence[str] = (),
) -> dict[str, Any]:
    """Validate the given fields (wire names) against the request model; return JSON-ready data.

    Only fields present in ``values`` and not NOT_GIVEN are sent, so an unset optional field is
    omitted while an explicit ``None`` is sent as ``null`` (and refused if the spec forbids null).
    ``files`` are fields of the model sent as files (not in ``values``; checked as they are sent).

    What is certainly wrong is refused here: a missing required field, a value of the wrong JSON
    type, a null the spec forbids. A string outside an enum's listed values is sent as given: APIs
    accept values before their references list them, and type checkers already flag typos (the
    argument is typed with a ``Literal`` of the known values).
    """
    from pydantic import ValidationError

    given = {key: value for key, value in values.items() if value is not NOT_GIVEN}
    if files:
        model = _without(model, frozenset(files))
    try:
        instance = model.model_validate(given)
    except ValidationError as exc:
        raise RequestValidationError(
            f"{operation_id}: invalid arguments: {_describe(exc)}", operation_id=operation_id
        ) from None
    data: dict[str, Any] = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return data


def validate_any(type_: Any, value: object, operation_id: str) -> Any:
    """A body that is not an object of fields (an array, a scalar): validated, then JSON-ready,
    with the models in it sent as :func:`validate_body` sends one (fields never set left out),
    whether they came as models or as plain dicts."""
    return _validated(type_, value, operation_id, "body")


def validate_value(type_: Any, value: object, operation_id: str) -> object:
    """A parameter that takes a model or its plain dict: validated as the model and dumped as
    it, so both are encoded alike (an unset argument and ``None`` are passed on as they are)."""
    if value is NOT_GIVEN or value is None:
        return value
    return _validated(type_, value, operation_id, "argument")


def _validated(type_: Any, value: object, operation_id: str, what: str) -> Any:
    from pydantic import TypeAdapter, ValidationError

    adapter: TypeAdapter[Any] = TypeAdapter(type_)
    try:
        return adapter.dump_python(
            adapter.validate_python(value), mode="json", by_alias=True, exclude_unset=True
        )
    except ValidationError as exc:
        raise RequestValidationError(
            f"{operation_id}: invalid {what}: {_describe(exc)}", operation_id=operation_id
        ) from None


def form_fields(data: Mapping[str, object]) -> list[tuple[str, str]]:
    """A validated body as form fields: scalars as text, nested data as JSON text."""
    fields = []
    for key, value in data.items():
        if value is None:
            continue  # a form cannot say null; leaving the field out is the only faithful choice
        if isinstance(value, (dict, list)):
            fields.append((key, json.dumps(value, separators=(",", ":"))))
        else:
            fields.append((key, encode_query_value(value)))
    return fields


def indexed_pairs(
    pairs: Mapping[str, object] | Iterable[tuple[str, object]] | object,
    *,
    name: str,
    value: str,
    maximum: int,
    argument: str,
    operation_id: str,
) -> list[tuple[str, str]]:
    """{"FirstName": "Ada"} → [("Parameter1.Name", "FirstName"), ("Parameter1.Value", "Ada")]."""
    if pairs is NOT_GIVEN or pairs is None:
        return []
    items: Sequence[tuple[Any, Any]]
    if isinstance(pairs, Mapping):
        items = list(pairs.items())
    elif isinstance(pairs, Iterable) and not isinstance(pairs, (str, bytes)):
        items = [tuple(p) for p in pairs]
    else:
        raise RequestValidationError(
            f"{operation_id}: {argument} must be a mapping of names to values",
            operation_id=operation_id,
        )
    if len(items) > maximum:
        raise RequestValidationError(
            f"{operation_id}: {argument} takes at most {maximum} entries, got {len(items)}",
            operation_id=operation_id,
        )
    out: list[tuple[str, str]] = []
    for n, (key, val) in enumerate(items, start=1):
        if not isinstance(key, str) or not key:
            raise RequestValidationError(
                f"{operation_id}: {argument} names must be non-empty strings, got {key!r}",
                operation_id=operation_id,
            )
        out.append((name.replace("{n}", str(n)), key))
        out.append((value.replace("{n}", str(n)), encode_query_value(val)))
    return out


Param = tuple[str, object] | tuple[str, object, str]
"""A generated method's parameter: (wire name, value) in its location's default style, or
(wire name, value, style) otherwise; styles as in ``_encoding`` ("form", "deepObject", "json")."""


def _given(params: tuple[Param, ...], default: str) -> Iterator[tuple[str, object, str]]:
    """NOT_GIVEN and None are left out: a parameter is sent only when the caller passed it."""
    for param in params:
        name, value = param[0], param[1]
        if value is NOT_GIVEN or value is None:
            continue
        yield name, value, param[2] if len(param) == 3 else default


def encode_query(*params: Param) -> tuple[tuple[str, str], ...]:
    """Query parameters as percent-encoded (name, value) pairs (default style: form, exploded)."""
    return tuple(
        pair
        for name, value, style in _given(params, "form*")
        for pair in query_pairs(name, value, style)
    )


def encode_headers(*params: Param) -> tuple[tuple[str, str], ...]:
    """Header parameters as (name, value) pairs (style: simple)."""
    out = []
    for name, value, style in _given(params, "simple"):
        text = header_text(value, style)
        if text is not None:
            out.append((name, text))
    return tuple(out)


def encode_cookies(*params: Param) -> tuple[tuple[str, str], ...]:
    """Cookie parameters as (name, value) pairs for the ``Cookie`` header (style: form, exploded)."""
    return tuple(
        pair
        for name, value, style in _given(params, "form*")
        for pair in cookie_pairs(name, value, style)
    )


def parse_cookies(header: str | None) -> list[tuple[str, str]]:
    """The (name, value) pairs of a ``Cookie`` header, in order."""
    out = []
    for part in (header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if name:
            out.append((name, value if sep else ""))
    return out


def merge_cookies(header: str | None, *layers: Iterable[tuple[str, str]]) -> str:
    """A ``Cookie`` header: the cookies of ``header`` and of each layer, a later layer's cookie
    replacing every earlier one of the same name (an exploded array sends several of one name)."""
    merged = parse_cookies(header)
    for layer in layers:
        pairs = list(layer)
        names = {name for name, _ in pairs}
        merged = [(n, v) for n, v in merged if n not in names] + pairs
    return "; ".join(f"{name}={value}" for name, value in merged)
