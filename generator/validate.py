"""Validate stage: a bundled spec → the same spec, or one SpecError listing every problem with file:line.

openapi-spec-validator is the authority, but its errors about schema objects carry paths relative to the
schema being checked, and some of its checks raise instead of reporting. So the document is checked in
three passes, each with full JSON pointers:

1. the whole document against the OpenAPI JSON Schema of its version (structure);
2. each Schema Object against its version's dialect (3.1) or schema definition (3.0);
3. openapi-spec-validator's own semantic checks (path parameters declared, operationIds unique, …),
   located at the path or operation their message names; run only when passes 1-2 found nothing, since
   its walk assumes a well-formed document.

Every `$ref` was already resolved by the loader, so a dangling reference never reaches here.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from generator.cache import DiskCache
from generator.errors import Problem, SpecError
from generator.load import LoadedSpec, Pointer

# The validator packages are imported inside the passes, not here: importing them costs more than an
# unchanged regeneration's whole floor, and a document that validated before never needs them.
if TYPE_CHECKING:
    import jsonschema.exceptions

_SUPPORTED = re.compile(r"3\.(0|1)\.\d+")


def _cache() -> DiskCache:
    versions = " ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("openapi-spec-validator", "openapi-schema-validator", "jsonschema")
    )
    return DiskCache("validate", f"{versions} passes-v1")


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
    if not problems:
        problems += _semantics(spec, is_31)
    if problems:
        raise SpecError(problems)


def _message(error: jsonschema.exceptions.ValidationError) -> tuple[Pointer, str]:
    """The most specific reason behind an error (anyOf/oneOf errors hide theirs in `context`)."""
    import jsonschema.exceptions

    best = jsonschema.exceptions.best_match([error, *(error.context or [])])
    return tuple(best.absolute_path), best.message


def _structure(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    from openapi_spec_validator.schemas import (
        openapi_v30_schema_validator,
        openapi_v31_schema_validator,
    )

    validator = openapi_v31_schema_validator if is_31 else openapi_v30_schema_validator
    for error in validator.iter_errors(spec.data):
        path, message = _message(error)
        yield spec.problem(path, message)


def _schema_roots(node: Any, path: Pointer) -> Iterator[tuple[Pointer, Any]]:
    """Every top-level Schema Object: components.schemas entries and each `schema` of a parameter,
    header or media type (nested schemas are checked as part of their root)."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = (*path, key)
            if path == ("components", "schemas") or (key == "schema" and isinstance(value, dict)):
                yield here, value
            elif key not in ("example", "examples", "default", "enum", "const"):
                yield from _schema_roots(value, here)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schema_roots(value, (*path, index))


def _schemas(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    if not is_31:
        return  # the 3.0 document schema already describes Schema Objects in full
    import jsonschema
    from openapi_schema_validator import OAS31Validator
    from openapi_schema_validator._specifications import REGISTRY as _OAS_REGISTRY

    meta = OAS31Validator.META_SCHEMA
    # The dialect's vocabularies live in the package's local registry: never fetched over the network.
    checker = jsonschema.validators.validator_for(meta)(meta, registry=_OAS_REGISTRY)
    for path, schema in _schema_roots(spec.data, ()):
        if isinstance(schema, bool):
            continue
        for error in checker.iter_errors(schema):
            inner, message = _message(error)
            yield spec.problem((*path, *inner), message)


_PATH_IN_MESSAGE = re.compile(r"'(/[^']*)'")
_OPERATION_ID = re.compile(r"Operation ID '([^']*)'")


def _semantics(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    import jsonschema.exceptions
    from openapi_spec_validator import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

    checker = (OpenAPIV31SpecValidator if is_31 else OpenAPIV30SpecValidator)(spec.data)
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
