"""Validate stage: a bundled spec → the same spec, or one SpecError listing every problem with file:line.

openapi-spec-validator is the authority, but its errors about schema objects carry paths relative to the
schema being checked, and some of its checks raise instead of reporting. So the document is checked in
three passes, each with full JSON pointers:

1. the whole document against the OpenAPI JSON Schema of its version (structure);
2. each Schema Object against its version's dialect (3.1) or schema definition (3.0), then what the
   generator itself needs: allOf chains that end (no cycles, at most MAX_DEPTH deep) and its own
   extensions against their schema (generator/extensions.py);
3. openapi-spec-validator's own semantic checks (path parameters declared, operationIds unique, …),
   located at the path or operation their message names; run only when passes 1-2 found nothing, since
   its walk assumes a well-formed document;
4. every example against the schema it illustrates (`generator/examples.py`), located at the example;
   run only on a document that passed 1-3, since it needs sound schemas.

Every `$ref` was already resolved by the loader, so a dangling reference never reaches here.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema
import jsonschema.exceptions
from openapi_schema_validator import OAS31Validator
from openapi_schema_validator._specifications import REGISTRY as _OAS_REGISTRY
from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator
from openapi_spec_validator.schemas import schema_v30, schema_v31
from openapi_spec_validator.validation import keywords
from referencing import Registry
from referencing.jsonschema import specification_with

from generator import extensions
from generator.cache import DiskCache, generator_fingerprint
from generator.errors import Problem, SpecError, format_pointer
from generator.examples import example_problems
from generator.limits import MAX_DEPTH
from generator.load import LoadedSpec, Pointer

_SUPPORTED = re.compile(r"3\.(0|1)\.\d+")


@cache
def _document_validator(is_31: bool) -> Any:
    """The OpenAPI document schema's validator, with its registry crawled once.

    jsonschema resolves a `$dynamicRef` by crawling the registry it was given; with an uncrawled one
    it crawls again on every lookup, which made pass 1 several times slower than needed.
    """
    schema = dict(schema_v31 if is_31 else schema_v30)
    resource = specification_with(schema["$schema"]).create_resource(schema)
    registry = Registry().with_resource(schema.get("$id", ""), resource).crawl()
    return jsonschema.validators.validator_for(schema)(schema, registry=registry)


class _AlreadyChecked:
    """Stands in for openapi-spec-validator's own whole-document schema pass, which pass 1 ran."""

    @staticmethod
    def iter_errors(instance: Any) -> Iterator[jsonschema.exceptions.ValidationError]:
        return iter(())


class _SchemaWalk31(keywords.OpenAPIV31SchemaValidator):
    """Its per-schema check against the 3.1 dialect is pass 2's, which found nothing."""

    def _validate_schema_meta(self, schema: Any, schema_value: Any) -> None:
        return None


class _Semantic31(OpenAPIV31SpecValidator):
    schema_validator = _AlreadyChecked()
    keyword_validators = {  # noqa: RUF012 - the base class declares it so
        **OpenAPIV31SpecValidator.keyword_validators,
        "schema": _SchemaWalk31,
    }


class _Semantic30(OpenAPIV30SpecValidator):
    schema_validator = _AlreadyChecked()


def _cache() -> DiskCache:
    # The generator's fingerprint covers this module's checks; the two validators imported here
    # are not direct dependencies of the generator, so their versions are named explicitly.
    versions = " ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("openapi-schema-validator", "jsonschema")
    )
    return DiskCache("validate", f"{generator_fingerprint()} {versions}")


def validate(spec: LoadedSpec) -> LoadedSpec:
    """Return `spec` unchanged if it is a valid OpenAPI 3.0/3.1 document; raise SpecError otherwise.

    A document that validated before (same bytes, same validator versions) is not validated again.
    """
    cache = _cache()
    key = cache.key(json.dumps(spec.data, sort_keys=True, ensure_ascii=False).encode())
    if cache.get(key) == "valid":
        return spec
    _validate(spec)
    cache.put(key, "valid")
    return spec


def _validate(spec: LoadedSpec) -> None:
    key = "openapi" if "openapi" in spec.data or "swagger" not in spec.data else "swagger"
    version = spec.data.get(key)
    if not isinstance(version, str) or not _SUPPORTED.fullmatch(version):
        found = f"version {version!r}" if version is not None else "no `openapi` version"
        message = f"unsupported OpenAPI {found}: 3.0.x or 3.1.x wanted"
        raise SpecError([spec.problem((key,), message)])
    is_31 = version.startswith("3.1")
    problems = list(_structure(spec, is_31))
    problems += _schemas(spec, is_31)
    problems += _all_of_chains(spec)
    problems += extensions.check(spec)
    if not problems:
        problems += _semantics(spec, is_31)
    if not problems:
        problems += example_problems(spec, is_31)
    if problems:
        raise SpecError(problems)


def _message(error: jsonschema.exceptions.ValidationError) -> tuple[Pointer, str]:
    """The most specific reason behind an error (anyOf/oneOf errors hide theirs in `context`)."""
    best = jsonschema.exceptions.best_match([error, *(error.context or [])])
    return tuple(best.absolute_path), best.message


def _structure(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    for error in _document_validator(is_31).iter_errors(spec.data):
        path, message = _message(error)
        yield spec.problem(path, message)


@cache
def _dialect_checker() -> Any:
    meta = OAS31Validator.META_SCHEMA
    # The dialect's vocabularies live in the package's local registry: never fetched over the network.
    return jsonschema.validators.validator_for(meta)(meta, registry=_OAS_REGISTRY)


# Schema Object (as JSON text) → its errors. Checking a schema against the dialect is the slowest
# step of validation, and a run that validates many similar documents (an edited spec, the tests)
# sees the same schemas again and again.
_DIALECT_ERRORS: dict[str, list[tuple[Pointer, str]]] = {}


def _dialect_errors(schema: Any) -> list[tuple[Pointer, str]]:
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    found = _DIALECT_ERRORS.get(key)
    if found is None:
        found = [_message(error) for error in _dialect_checker().iter_errors(schema)]
        if len(_DIALECT_ERRORS) >= 4096:
            _DIALECT_ERRORS.clear()
        _DIALECT_ERRORS[key] = found
    return found


def _schemas(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    if not is_31:
        return  # the 3.0 document schema already describes Schema Objects in full
    for path, schema in extensions.schema_roots(spec.data, ()):
        if isinstance(schema, bool):
            continue
        for inner, message in _dialect_errors(schema):
            yield spec.problem((*path, *inner), message)


_DATA_KEYS = frozenset({"example", "examples", "default", "enum", "const"})


def _with_all_of(data: Any) -> Iterator[Pointer]:
    """Pointers of every mapping with an `allOf` list (example and default values are data)."""
    todo: list[tuple[Pointer, Any]] = [((), data)]
    while todo:
        ptr, node = todo.pop()
        if isinstance(node, dict):
            if isinstance(node.get("allOf"), list):
                yield ptr
            todo.extend(((*ptr, k), v) for k, v in node.items() if k not in _DATA_KEYS)
        elif isinstance(node, list):
            todo.extend(((*ptr, i), v) for i, v in enumerate(node))


def _all_of_chains(spec: LoadedSpec) -> Iterator[Problem]:
    """The parse stage merges allOf parts by following their `$ref`s, so an allOf that includes
    itself would never end, and a chain of them deeper than MAX_DEPTH would exhaust the stack:
    both are refused, at the allOf part that closes the cycle or passes the limit."""
    children: dict[Pointer, list[tuple[Pointer, Pointer]]] = {}

    def parts(ptr: Pointer) -> list[tuple[Pointer, Pointer]]:
        """(the allOf item, the schema with an allOf it leads to) for each such item of `ptr`."""
        if ptr not in children:
            found = []
            node = spec.follow("#" + format_pointer(ptr)[1:])
            items = node[0].get("allOf") if node and isinstance(node[0], dict) else None
            for i, part in enumerate(items if isinstance(items, list) else ()):
                here: Pointer = (*ptr, "allOf", i)
                target: tuple[Any, Pointer] | None = (part, here)
                if isinstance(part, dict) and isinstance(part.get("$ref"), str):
                    target = spec.follow(part["$ref"])
                if (
                    target
                    and isinstance(target[0], dict)
                    and isinstance(target[0].get("allOf"), list)
                ):
                    found.append((here, target[1]))
            children[ptr] = found
        return children[ptr]

    depth: dict[Pointer, int] = {}
    for root in sorted(_with_all_of(spec.data), key=format_pointer):
        if root in depth:
            continue
        path = [root]
        on_path = {root: 0}
        work = [iter(parts(root))]
        while work:
            for here, child in work[-1]:
                if child in on_path:
                    loop = path[on_path[child] :]  # from `child` to the schema that owns `here`
                    cycle = [loop[-1], *loop[:-1], loop[-1]]
                    text = " -> ".join(format_pointer(p) for p in cycle)
                    yield spec.problem(here, f"allOf includes itself: {text}")
                elif child not in depth:
                    on_path[child] = len(path)
                    path.append(child)
                    work.append(iter(parts(child)))
                    break
            else:
                work.pop()
                node = path.pop()
                del on_path[node]
                depth[node] = 1 + max((depth.get(c, 0) for _, c in parts(node)), default=0)
                if depth[node] == MAX_DEPTH + 1:
                    yield spec.problem(
                        (*node, "allOf"), f"allOf parts nest more than {MAX_DEPTH} levels deep"
                    )


_PATH_IN_MESSAGE = re.compile(r"'(/[^']*)'")
_OPERATION_ID = re.compile(r"Operation ID '([^']*)'")


def _semantics(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    checker = (_Semantic31 if is_31 else _Semantic30)(spec.data)
    try:
        errors = list(checker.iter_errors())
    except Exception as exc:  # its walk raises on documents it cannot follow; report, don't crash
        yield spec.problem((), f"openapi-spec-validator could not check this document: {exc}")
        return
    for error in errors:
        message = str(getattr(error, "message", error))
        if isinstance(error, jsonschema.exceptions.ValidationError) and error.absolute_path:
            continue  # a schema-level error: passes 1-2 report it with a full pointer
        yield spec.problem(_guess_location(spec, message), message)


def _guess_location(spec: LoadedSpec, message: str) -> Pointer:
    paths = spec.data.get("paths") or {}
    match = _PATH_IN_MESSAGE.search(message)
    if match and match.group(1) in paths:
        return ("paths", match.group(1))
    op = _OPERATION_ID.search(message)
    if op:
        for path, item in paths.items():
            for method, operation in (item or {}).items():
                if isinstance(operation, dict) and operation.get("operationId") == op.group(1):
                    return ("paths", path, method, "operationId")
    return ()
