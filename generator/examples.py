"""Spec examples checked against the schemas they illustrate (a validate-stage pass).

Examples are not decoration here: the generated README shows them as calls and the mock answers
with them, so an example that breaks its own schema would teach users a request the API refuses
and feed clients an answer they cannot parse. Each one is validated with the spec's own dialect
(OpenAPI 3.1's JSON Schema, or 3.0's schema object with `nullable`), formats included, and a
mismatch is a spec problem located at the example's value.

Checked: `example` and `examples` of media types (request bodies, responses, `content`
parameters), parameters and headers, and `example` / `examples` written inside Schema Objects.

A mismatch is a vendor mistake: lenient mode drops that example (the entry of `examples` that names
it, never a shared component example others may use correctly) and generates without it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from generator import quick, subschemas
from generator.errors import Problem, format_pointer
from generator.load import LoadedSpec, Pointer

__all__ = ["example_problems"]

_URI = "urn:sdkgen:spec"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The one-schema keywords an example may sit under (the maps and lists: generator.subschemas).
_SUBSCHEMA_ONE = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)

# (pointer of the example value, pointer of the schema it must match, the value, pointer of the
# node lenient mode drops when it does not match)
Example = tuple[Pointer, Pointer, Any, Pointer]


def example_problems(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    """One problem per example that does not match its schema, at the example (or inside it).

    Each is asked of the compiled validator first (quick.DocumentValues); only an example it
    cannot vouch for goes through openapi-schema-validator, whose verdict and message are the
    ones reported (and whose import a document of valid examples never pays)."""
    document = _lexical(spec)
    fast = quick.document_values(document, is_31, _URI)
    slow: _Slow | None = None
    seen: set[tuple[Pointer, Pointer]] = set()
    for at, schema_at, value, drop in _examples(spec):
        # a shared response or body is reached from every operation using it; a shared example
        # is checked against each schema it illustrates
        if (at, schema_at) in seen:
            continue
        seen.add((at, schema_at))
        # referencing percent-decodes the fragment, so a `%` in a key must be encoded first
        fragment = quote(format_pointer(schema_at).removeprefix("#"), safe="/~")
        if fast.surely_valid(fragment, value):
            continue
        slow = slow or _Slow(document, is_31)
        yield from slow.check(spec, fragment, at, value, drop)


class _Slow:
    """openapi-schema-validator over the bundled document, for the examples the fast path could
    not vouch for: the reported problems are its."""

    def __init__(self, document: Any, is_31: bool) -> None:
        from openapi_schema_validator import OAS30Validator, OAS31Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        self._cls: Any = OAS31Validator if is_31 else OAS30Validator
        specification = DRAFT202012 if is_31 else DRAFT4
        self._registry: Registry[Any] = Registry().with_resource(
            _URI, Resource.from_contents(document, default_specification=specification)
        )

    def check(
        self, spec: LoadedSpec, fragment: str, at: Pointer, value: Any, drop: Pointer
    ) -> Iterator[Problem]:
        import jsonschema.exceptions

        schema = {"$ref": f"{_URI}#{fragment}"}
        validator = self._cls(
            schema, registry=self._registry, format_checker=self._cls.FORMAT_CHECKER
        )
        try:
            error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        except jsonschema.exceptions.SchemaError as exc:  # reported by the schema pass already
            yield spec.problem(at, f"example cannot be checked: {exc.message}")
            return
        except Exception as exc:  # a reference jsonschema cannot follow, and the like
            yield spec.problem(at, f"example cannot be checked: {type(exc).__name__}: {exc}")
            return
        if error is not None:
            # located at the part of the example that is wrong, when it is inside the example
            inner = tuple(error.absolute_path)
            yield spec.mistake(
                (*at, *inner),
                f"example does not match its schema: {error.message}",
                "example not used",
                at=drop,
            )


def _lexical(spec: LoadedSpec) -> Any:
    """The document with `$dynamicRef`/`$recursiveRef` made `$ref`s, as the generator reads them
    (`LoadedSpec.dynamic_ref`): JSON Schema finds anchors only in schema resources it knows, and
    an OpenAPI document's components are none to it."""

    def walk(node: Any, at: Pointer) -> Any:
        if isinstance(node, list):
            return [walk(item, (*at, i)) for i, item in enumerate(node)]
        if not isinstance(node, Mapping):
            return node
        out = {key: walk(value, (*at, key)) for key, value in node.items()}
        for key in ("$dynamicRef", "$recursiveRef"):
            value = node.get(key)
            if isinstance(value, str) and value.startswith("#") and "/" not in value:
                target, _ = spec.dynamic_ref(at, key, value)
                if target is not None:
                    del out[key]
                    out["$ref"] = target
        return out

    return walk(spec.data, ()) if _has_dynamic_refs(spec.data) else spec.data


def _has_dynamic_refs(data: Any) -> bool:
    todo = [data]
    while todo:
        node = todo.pop()
        if isinstance(node, Mapping):
            if "$dynamicRef" in node or "$recursiveRef" in node:
                return True
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return False


def _examples(spec: LoadedSpec) -> Iterator[Example]:
    data = spec.data
    for path, item in _items(data.get("paths")):
        base: Pointer = ("paths", path)
        for i, param in enumerate(item.get("parameters") or ()):
            yield from _holder(spec, param, (*base, "parameters", i))
        for method in _METHODS:
            op = item.get(method)
            if not isinstance(op, Mapping):
                continue
            here: Pointer = (*base, method)
            for i, param in enumerate(op.get("parameters") or ()):
                yield from _holder(spec, param, (*here, "parameters", i))
            if "requestBody" in op:
                body, body_at = _follow(spec, op["requestBody"], (*here, "requestBody"))
                yield from _content(spec, body, body_at)
            for status, response in _items(op.get("responses")):
                resolved, response_at = _follow(spec, response, (*here, "responses", status))
                yield from _content(spec, resolved, response_at)
                for name, header in _items(resolved.get("headers")):
                    yield from _holder(spec, header, (*response_at, "headers", name))
    components = data.get("components")
    if isinstance(components, Mapping):
        for name, schema in _items(components.get("schemas")):
            yield from _in_schema(schema, ("components", "schemas", name))


def _holder(
    spec: LoadedSpec, node: Any, at: Pointer, wire_examples: bool = False
) -> Iterator[Example]:
    """A parameter, header or media type: its own examples, then its schema's and content's.

    `wire_examples`: the media type's own examples may be its wire text (an event stream written
    out, whose schema is each event's data), so only its schema's examples are checked."""
    node, at = _follow(spec, node, at)
    if "schema" in node and wire_examples:
        if isinstance(node["schema"], Mapping) and "$ref" not in node["schema"]:
            yield from _in_schema(node["schema"], (*at, "schema"))
    elif "schema" in node:
        schema_at: Pointer = (*at, "schema")
        if "example" in node:
            yield (*at, "example"), schema_at, node["example"], (*at, "example")
        for name, entry in _items(node.get("examples")):
            entry, entry_at = _follow(spec, entry, (*at, "examples", name))
            if "value" in entry:
                yield (*entry_at, "value"), schema_at, entry["value"], (*at, "examples", name)
        if isinstance(node["schema"], Mapping) and "$ref" not in node["schema"]:
            yield from _in_schema(node["schema"], schema_at)
    yield from _content(spec, node, at)


def _content(spec: LoadedSpec, node: Mapping[str, Any], at: Pointer) -> Iterator[Example]:
    for media_type, media in _items(node.get("content")):
        wire = media_type.split(";")[0].strip().lower() == "text/event-stream"
        yield from _holder(spec, media, (*at, "content", media_type), wire_examples=wire)


def _in_schema(schema: Any, at: Pointer) -> Iterator[Example]:
    """`example` / `examples` written inside a Schema Object, each against the schema it is in."""
    if not isinstance(schema, Mapping):
        return
    if "example" in schema:
        yield (*at, "example"), at, schema["example"], (*at, "example")
    if isinstance(schema.get("examples"), list):
        for i, value in enumerate(schema["examples"]):
            yield (*at, "examples", i), at, value, (*at, "examples", i)
    for key in subschemas.MAP:
        for name, sub in _items(schema.get(key)):
            yield from _in_schema(sub, (*at, key, name))
    for key in _SUBSCHEMA_ONE:
        yield from _in_schema(schema.get(key), (*at, key))
    for key in subschemas.LIST:
        parts = schema.get(key)
        for i, sub in enumerate(parts if isinstance(parts, list) else ()):
            yield from _in_schema(sub, (*at, key, i))


def _follow(spec: LoadedSpec, node: Any, at: Pointer) -> tuple[Mapping[str, Any], Pointer]:
    """A local `$ref` (to components) followed, with the pointer of what it leads to."""
    for _ in range(32):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            break
        found = spec.follow(node["$ref"])
        if found is None:
            return {}, at
        node, at = found
    return (node if isinstance(node, Mapping) else {}), at


def _items(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield str(key), value
