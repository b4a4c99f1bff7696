"""The OpenAPI rules no JSON Schema of the document can express, checked over the bundled document.

Each problem is located at the node it is about (the second of two equal operationIds, the undeclared
path parameter's operation, the default that does not match its schema), so the same message at two
places is two problems. The walk is linear in the document and assumes nothing about its shape: a
malformed part is the structural pass's to report, and is skipped here, so these checks run in the
same run as every other pass.

Covered: unique operationIds, path templates against declared path parameters, a parameter declared
twice in one list, tag names declared twice, `required` names an `allOf` schema never defines, and
every `default` against its own schema.

All but an undeclared path parameter are vendor mistakes (`LoadedSpec.mistake`): lenient mode
generates around them (the second operationId renamed, the repeated declaration or the bad default
dropped), since the document says plainly enough what was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

from generator import quick, subschemas
from generator.errors import Problem, format_pointer
from generator.extensions import schema_roots
from generator.load import LoadedSpec, Pointer

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE = re.compile(r"\{([^{}]+)\}")
_BASE = "urn:sdkgen:spec"  # the bundled document's URI while defaults are checked


def check(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    data = spec.data
    paths = data.get("paths")
    if isinstance(paths, Mapping):
        yield from _operation_ids(spec, paths)
        for path, item in paths.items():
            if isinstance(item, Mapping):
                yield from _path_item(spec, str(path), item)
    yield from _tags(spec, data.get("tags"))
    defaults = _Defaults(spec, is_31)
    for pointer, schema in schema_roots(data, ()):
        yield from _required_in_all_of(spec, pointer, schema)
        for at, node in _subschemas(schema, pointer):
            yield from defaults.check(at, node)


def _subschemas(schema: Any, pointer: Pointer) -> Iterator[tuple[Pointer, Mapping[str, Any]]]:
    """`schema` and every schema nested in it (a `$ref` is checked where it points, not here)."""
    todo = [(pointer, schema)]
    while todo:
        at, node = todo.pop()
        if not isinstance(node, Mapping):
            continue
        yield at, node
        for key in subschemas.ONE:
            if isinstance(node.get(key), (Mapping, list)):
                value = node[key]
                if isinstance(value, list):  # 3.0-era `items: [...]`
                    todo.extend(((*at, key, i), v) for i, v in enumerate(value))
                else:
                    todo.append(((*at, key), value))
        for key in subschemas.MAP:
            if isinstance(node.get(key), Mapping):
                todo.extend(((*at, key, name), v) for name, v in node[key].items())
        for key in subschemas.LIST:
            if isinstance(node.get(key), list):
                todo.extend(((*at, key, i), v) for i, v in enumerate(node[key]))


def _problem(spec: LoadedSpec, pointer: Pointer, message: str) -> Problem:
    return spec.problem(pointer, message)


def _operations(paths: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    for path, item in paths.items():
        if isinstance(item, Mapping):
            for method in METHODS:
                operation = item.get(method)
                if isinstance(operation, Mapping):
                    yield str(path), method, operation


def _operation_ids(spec: LoadedSpec, paths: Mapping[str, Any]) -> Iterator[Problem]:
    first: dict[str, str] = {}
    taken = {
        operation["operationId"]
        for _, _, operation in _operations(paths)
        if isinstance(operation.get("operationId"), str)
    }
    for path, method, operation in _operations(paths):
        operation_id = operation.get("operationId")
        if not isinstance(operation_id, str):
            continue
        if operation_id in first:
            # the lenient rename: the first free `<id>_<n>`, so no other operation's id changes
            n = 2
            while f"{operation_id}_{n}" in taken:
                n += 1
            renamed = f"{operation_id}_{n}"
            taken.add(renamed)
            yield spec.mistake(
                ("paths", path, method, "operationId"),
                f"operationId {operation_id!r} is already used by {first[operation_id]}",
                f"operationId {operation_id!r} renamed {renamed!r}",
                action="set",
                value=renamed,
            )
        else:
            first[operation_id] = f"{method.upper()} {path}"


def _parameters(spec: LoadedSpec, node: Any, pointer: Pointer) -> list[tuple[Pointer, Any]]:
    """(pointer, resolved parameter) of a `parameters` list; unresolvable entries left out."""
    if not isinstance(node, list):
        return []
    out = []
    for index, parameter in enumerate(node):
        if isinstance(parameter, Mapping) and isinstance(parameter.get("$ref"), str):
            found = spec.follow(parameter["$ref"])
            parameter = found[0] if found is not None else None
        if isinstance(parameter, Mapping):
            out.append(((*pointer, index), parameter))
    return out


def _duplicates(spec: LoadedSpec, parameters: list[tuple[Pointer, Any]]) -> Iterator[Problem]:
    seen: dict[tuple[str, str], Pointer] = {}
    for pointer, parameter in parameters:
        key = (str(parameter.get("name")), str(parameter.get("in")))
        if key in seen:
            yield spec.mistake(
                pointer,
                f"parameter {key[0]!r} in {key[1]} is declared twice "
                f"(first at {format_pointer(seen[key])})",
                "second declaration ignored",
            )
        else:
            seen[key] = pointer


def _path_item(spec: LoadedSpec, path: str, item: Mapping[str, Any]) -> Iterator[Problem]:
    shared = _parameters(spec, item.get("parameters"), ("paths", path, "parameters"))
    yield from _duplicates(spec, shared)
    template = _TEMPLATE.findall(path)
    for method in METHODS:
        operation = item.get(method)
        if not isinstance(operation, Mapping):
            continue
        own = _parameters(spec, operation.get("parameters"), ("paths", path, method, "parameters"))
        yield from _duplicates(spec, own)
        declared: dict[str, Pointer] = {}
        for pointer, parameter in [*shared, *own]:  # the operation's own declaration wins
            if parameter.get("in") == "path" and isinstance(parameter.get("name"), str):
                declared[parameter["name"]] = pointer
        for name in dict.fromkeys(template):
            if name not in declared:
                yield _problem(
                    spec,
                    ("paths", path, method),
                    f"path parameter {{{name}}} of {path!r} is not declared for {method}",
                )
        for name, pointer in declared.items():
            if name not in template:
                yield spec.mistake(
                    pointer,
                    f"path parameter {name!r} does not appear in {path!r}",
                    "parameter ignored",
                )


def _tags(spec: LoadedSpec, tags: Any) -> Iterator[Problem]:
    if not isinstance(tags, list):
        return
    seen: set[str] = set()
    for index, tag in enumerate(tags):
        name = tag.get("name") if isinstance(tag, Mapping) else None
        if not isinstance(name, str):
            continue
        if name in seen:
            yield spec.mistake(
                ("tags", index, "name"),
                f"tag {name!r} is declared twice",
                "second declaration ignored",
                at=("tags", index),
            )
        seen.add(name)


def _defined(spec: LoadedSpec, schema: Any, seen: frozenset[str] = frozenset()) -> set[str]:
    """Property names a schema defines itself or through allOf/anyOf/oneOf, items and not,
    following `$ref`s (each once, so a recursive schema ends)."""
    if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        found = spec.follow(ref) if ref not in seen else None
        return _defined(spec, found[0], seen | {ref}) if found is not None else set()
    if not isinstance(schema, Mapping):
        return set()
    names = set(schema["properties"]) if isinstance(schema.get("properties"), Mapping) else set()
    for key in ("allOf", "anyOf", "oneOf"):
        parts = schema.get(key)
        for part in parts if isinstance(parts, list) else ():
            names |= _defined(spec, part, seen)
    for key in ("items", "not"):
        names |= _defined(spec, schema.get(key), seen)
    return names


def _required_in_all_of(spec: LoadedSpec, pointer: Pointer, schema: Any) -> Iterator[Problem]:
    """An allOf schema that requires a property none of its parts defines (a misspelt name, most
    often); without allOf, `required` may name properties left to additionalProperties."""
    if not isinstance(schema, Mapping) or not isinstance(schema.get("allOf"), list):
        return
    required = schema.get("required")
    if not isinstance(required, list):
        return
    defined = _defined(spec, schema)
    for index, name in enumerate(required):
        if isinstance(name, str) and name not in defined:
            yield spec.mistake(
                (*pointer, "required", index),
                f"required property {name!r} is defined neither in properties nor in allOf",
                "requirement ignored",
            )


class _Defaults:
    """Each `default` validated against the schema it sits in, `$ref`s resolved in the document:
    asked of the compiled validator first (quick.DocumentValues), and of openapi-schema-validator,
    whose messages are reported, only when that cannot vouch for it."""

    def __init__(self, spec: LoadedSpec, is_31: bool) -> None:
        self._spec = spec
        self._is_31 = is_31
        self._fast: quick.DocumentValues | None = None
        self._registry: Any = None

    def _slow_registry(self) -> Any:
        if self._registry is None:
            import referencing
            import referencing.jsonschema

            specification = (
                referencing.jsonschema.DRAFT202012 if self._is_31 else referencing.jsonschema.DRAFT4
            )
            resource = referencing.Resource.from_contents(
                self._spec.data, default_specification=specification
            )
            self._registry = referencing.Registry().with_resource(_BASE, resource)
        return self._registry

    def check(self, pointer: Pointer, schema: Mapping[str, Any]) -> Iterator[Problem]:
        if "default" not in schema:
            return
        default = schema["default"]
        # `nullable: true` allows a null default even in 3.1, where the keyword means nothing: as
        # openapi-spec-validator did, since specs converted from 3.0 keep it (it is no JSON Schema
        # mistake worth refusing a whole spec for).
        if default is None and schema.get("nullable") is True:
            return
        fragment = quote(format_pointer(pointer), safe="#/~").removeprefix("#")
        if self._fast is None:
            self._fast = quick.document_values(self._spec.data, self._is_31, _BASE)
        if self._fast.surely_valid(fragment, default):
            return
        from openapi_schema_validator import (
            OAS30Validator,
            OAS31Validator,
            oas30_format_checker,
            oas31_format_checker,
        )

        cls = OAS31Validator if self._is_31 else OAS30Validator
        checker = oas31_format_checker if self._is_31 else oas30_format_checker
        # Validating through a reference into the document resolves the schema's own `$ref`s.
        wrapper = {"$ref": f"{_BASE}#{fragment}"}
        validator = cls(wrapper, registry=self._slow_registry(), format_checker=checker)
        try:
            errors = list(validator.iter_errors(default))
        # jsonschema assumes a sound schema (`enum: null` is a TypeError deep inside it)
        except Exception:
            return  # a broken schema or reference: the structural passes report it
        for error in errors:
            yield self._spec.mistake(
                (*pointer, "default", *error.absolute_path),
                f"default does not match its schema: {error.message}",
                "default dropped",
                at=(*pointer, "default"),
            )
