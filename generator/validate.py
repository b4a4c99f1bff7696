"""Validate stage: a bundled spec → the same spec, or one SpecError listing every problem with file:line.

openapi-spec-validator's JSON Schemas are the authority on structure, but their raw errors speak of
the schemas (`'$ref' is a required property` for a Schema Object that is wrong in any way), so each
is explained in the spec's terms and located at the node it is about. The passes, in one run:

1. the whole document against the OpenAPI JSON Schema of its version (structure);
2. each Schema Object against its version's dialect (3.1; the 3.0 document schema covers them), then
   what the generator itself needs: allOf chains that end (no cycles, at most MAX_DEPTH deep) and
   its own extensions against their schema (generator/extensions.py);
3. the rules no JSON Schema expresses (generator/semantics.py: unique operationIds, path parameters
   declared, defaults that match their schema, ...), over the same document whatever 1-2 found;
4. every example against the schema it illustrates (`generator/examples.py`), located at the example;
   run only on a document that passed 1-3, since it needs sound schemas.

The loader's problems (a dangling `$ref`) come along with the spec and are reported with these.

Some problems are vendor mistakes rather than errors (their severity, `errors.Problem.fix`): a
default or an example that breaks its own schema, an entry repeated in `required`, two operations
with one operationId, a keyword of the other OpenAPI version, an unknown field. By default they
refuse like any error. In lenient mode (for specs one does not own) each becomes a located warning
saying what was done about it, the fixes are applied (`generator/repair.py`) and the passes run
again on the result, so what reaches the parse stage is a document that validates; an error still
refuses.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from generator import quick
from generator.cache import DiskCache, generator_fingerprint
from generator.errors import Problem, SpecError, format_pointer
from generator.limits import MAX_DEPTH
from generator.load import LoadedSpec, Pointer

# The validator packages (and the passes built on them) are imported when a document is validated,
# not here: importing them costs more than an unchanged regeneration's whole floor, and a document
# that validated before never needs them.
if TYPE_CHECKING:
    import jsonschema.exceptions

_SUPPORTED = re.compile(r"3\.(0|1)\.\d+")


@cache
def _document_validator(is_31: bool) -> Any:
    """The OpenAPI document schema's validator, with its registry crawled once.

    jsonschema resolves a `$dynamicRef` by crawling the registry it was given; with an uncrawled one
    it crawls again on every lookup, which made pass 1 several times slower than needed.
    """
    import jsonschema
    from openapi_spec_validator.schemas import schema_v30, schema_v31
    from referencing import Registry
    from referencing.jsonschema import specification_with

    schema = dict(schema_v31 if is_31 else schema_v30)
    resource = specification_with(schema["$schema"]).create_resource(schema)
    registry = Registry().with_resource(schema.get("$id", ""), resource).crawl()
    return jsonschema.validators.validator_for(schema)(schema, registry=registry)


@cache
def _quick_document(is_31: bool) -> quick.Compiled:
    # read from openapi-spec-validator's files, without importing it (tests/test_quick_validate.py
    # checks it is the very schema `_document_validator` uses)
    folder = "v3.1" if is_31 else "v3.0"
    schema = quick.package_json(
        "openapi_spec_validator", "resources", "schemas", folder, "schema.json"
    )
    if schema is None:
        from openapi_spec_validator.schemas import schema_v30, schema_v31

        schema = dict(schema_v31 if is_31 else schema_v30)
    return quick.compile_schema(schema)


def _cache() -> DiskCache:
    # The generator's fingerprint covers this module's checks and the validators they rely on (a
    # new release of one can change a verdict): it names every installed distribution's version.
    return DiskCache("validate", generator_fingerprint())


# Fixing a mistake can bring another to light (the examples are checked only once the rest is
# sound; an example shared by two schemas is dropped from one place at a time), so lenient
# validation repeats until nothing is left; a document still mistaken after this many rounds has
# its remaining mistakes reported as errors.
_ROUNDS = 5


def validate(spec: LoadedSpec, lenient: bool = False) -> LoadedSpec:
    """Return `spec` if it is a valid OpenAPI 3.0/3.1 document; raise SpecError otherwise.

    `lenient`: vendor mistakes do not refuse; the result is the document with them fixed, and
    `warnings` saying so. The loader's problems are reported with the validation's. A document that
    validated before (same bytes, same validator versions) is not validated again.
    """
    cache = _cache()
    key = cache.key(json.dumps(spec.data, sort_keys=True, ensure_ascii=False).encode())
    if not spec.problems and cache.get(key) == "valid":
        return spec
    checked = _validate(spec, lenient)
    if not checked.warnings:
        cache.put(key, "valid")
    return checked


def _validate(spec: LoadedSpec, lenient: bool = False) -> LoadedSpec:
    key = "openapi" if "openapi" in spec.data or "swagger" not in spec.data else "swagger"
    version = spec.data.get(key)
    if not isinstance(version, str) or not _SUPPORTED.fullmatch(version):
        found = f"version {version!r}" if version is not None else "no `openapi` version"
        message = f"unsupported OpenAPI {found}: 3.0.x or 3.1.x wanted"
        raise SpecError([spec.problem((key,), message)])
    is_31 = version.startswith("3.1")
    from generator.repair import repaired

    for _ in range(_ROUNDS):
        problems, examples_only = _problems(spec, is_31)
        if not problems:
            return spec
        errors = [p for p in problems if p.severity == "error"]
        if not lenient:
            raise SpecError(problems)
        if errors:
            mistakes = [p.as_warning() for p in problems if p.severity == "mistake"]
            raise SpecError(errors, [*spec.warnings, *mistakes])
        spec = repaired(spec, problems)
        if examples_only:
            # Leaving out examples of a document that passed 1-3 keeps it passing them, and
            # each remaining example was checked against every schema it illustrates: nothing
            # is left to find (the biggest specs would otherwise be validated twice).
            return spec
    raise SpecError(problems, spec.warnings)


def _problems(spec: LoadedSpec, is_31: bool) -> tuple[list[Problem], bool]:
    """Every problem, and whether they all come from the examples pass."""
    from generator import extensions, semantics
    from generator.examples import example_problems

    problems = [*spec.problems, *_structure(spec, is_31), *_schemas(spec, is_31)]
    problems += _all_of_chains(spec)
    problems += extensions.check(spec)
    problems += semantics.check(spec, is_31)
    if problems:
        return problems, False
    return list(example_problems(spec, is_31)), True


def _structure(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    if quick.surely_valid(_quick_document(is_31), spec.data):
        return
    for error in _document_validator(is_31).iter_errors(spec.data):
        for path, message, remedy in explain(error, is_31):
            yield _located(spec, path, message, remedy, is_31)


class Remedy(NamedTuple):
    """How lenient mode generates around a structural mistake: `drop` the node, or rewrite the
    schema around it into the document's own OpenAPI version (`version`: the exclusive bounds
    and lists of types; `null`: 3.1's `type: 'null'` in 3.0), see generator/repair.py."""

    kind: str  # "drop", "version" or "null"
    consequence: str = ""


def _located(
    spec: LoadedSpec, path: Pointer, message: str, remedy: Remedy | None, is_31: bool
) -> Problem:
    from generator.repair import null_as_nullable, other_version

    if remedy is None:
        return spec.problem(path, message)
    if remedy.kind == "drop":
        return spec.mistake(path, message, remedy.consequence)
    found = (null_as_nullable if remedy.kind == "null" else other_version)(spec.data, path, is_31)
    if found is None:
        return spec.problem(path, message)
    at, value, said = found
    return spec.mistake(path, message, said, at=at, action="set", value=value)


@cache
def _dialect_checker() -> Any:
    import jsonschema
    from openapi_schema_validator import OAS31Validator
    from openapi_schema_validator._specifications import REGISTRY as _OAS_REGISTRY

    meta = OAS31Validator.META_SCHEMA
    # The dialect's vocabularies live in the package's local registry: never fetched over the network.
    return jsonschema.validators.validator_for(meta)(meta, registry=_OAS_REGISTRY)


@cache
def _quick_dialect() -> quick.Compiled:
    # openapi-schema-validator's dialect and vocabularies, read from its files without importing
    # it (its import pulls in pydantic-settings); JSON Schema's own meta-schemas are built into
    # jsonschema-rs. tests/test_quick_validate.py checks these are the schemas of `_dialect_checker`.
    schemas = quick.package_jsons("openapi_schema_validator", "schemas", "oas3.1")
    meta = next((s for s in schemas if s.get("$id") == _OAS31_DIALECT), None)
    if meta is None:
        return None
    return quick.compile_schema(meta, [(s["$id"], s) for s in schemas if s is not meta])


_OAS31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"


# Schema Object (as JSON text) → its errors. Checking a schema against the dialect is the slowest
# step of validation, and a run that validates many similar documents (an edited spec, the tests)
# sees the same schemas again and again.
_DIALECT_ERRORS: dict[str, Explained] = {}


def _dialect_errors(schema: Any) -> Explained:
    if quick.surely_valid(_quick_dialect(), schema):
        return []
    key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
    found = _DIALECT_ERRORS.get(key)
    if found is None:
        found = [
            item
            for error in _dialect_checker().iter_errors(schema)
            for item in explain(error, True)
        ]
        if len(_DIALECT_ERRORS) >= 4096:
            _DIALECT_ERRORS.clear()
        _DIALECT_ERRORS[key] = found
    return found


def _schemas(spec: LoadedSpec, is_31: bool) -> Iterator[Problem]:
    if not is_31:
        return  # the 3.0 document schema already describes Schema Objects in full
    from generator.extensions import schema_roots

    for path, schema in schema_roots(spec.data, ()):
        if isinstance(schema, bool):
            continue
        for inner, message, remedy in _dialect_errors(schema):
            yield _located(spec, (*path, *inner), message, remedy, True)


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


# ------------------------------------------------------------------ errors in the spec's terms

# JSON Schema keywords a 3.1 Schema Object may use and a 3.0 one may not.
_NEWER_KEYWORDS = frozenset(
    {
        *("$schema", "$id", "$anchor", "$defs", "$dynamicRef", "$dynamicAnchor", "$comment"),
        *("const", "examples", "if", "then", "else", "prefixItems", "contains", "minContains"),
        *("maxContains", "dependentSchemas", "dependentRequired", "propertyNames"),
        *("unevaluatedItems", "unevaluatedProperties", "contentMediaType", "contentEncoding"),
        *("contentSchema", "$recursiveRef", "$recursiveAnchor"),
    }
)
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _article(name: str) -> str:
    return f"an {name}" if name[:1] in "aeiou" else f"a {name}"


# (pointer, message, how lenient mode generates around it: None for an error)
Explained = list[tuple[Pointer, str, Remedy | None]]
_IGNORED = Remedy("drop", "field ignored")
_KEYWORD_IGNORED = Remedy("drop", "keyword ignored")
_OTHER_VERSION = Remedy("version")
_NULL = Remedy("null")  # 3.1's `type: 'null'` in 3.0
# `key:` with nothing after it in YAML: as if the key were not there (a required one is then
# missing, which still refuses)
_EMPTY = Remedy("drop", "empty value ignored")
_REPEATED = Remedy("drop", "repeated entry ignored")


def explain(error: jsonschema.exceptions.ValidationError, is_31: bool) -> Explained:
    """(pointer, message) for every distinct mistake behind `error`, at the node it is about.

    A `oneOf`/`anyOf` over alternatives (a Schema Object or a Reference Object, say) fails as a
    whole; its reasons are those of the alternative the node was meant to be: not the Reference
    Object's when the node has no `$ref`, and of each alternative's errors, every one (a schema
    with two mistakes reports two).
    """
    if error.validator in ("oneOf", "anyOf") and error.context:
        return _alternatives(error, is_31)
    return _leaf(error, is_31)


def _is_reference_branch(errors: list[jsonschema.exceptions.ValidationError]) -> bool:
    return any(
        e.validator == "required" and not e.relative_path and "$ref" in _as_list(e.validator_value)
        for e in errors
    )


def _alternatives(error: jsonschema.exceptions.ValidationError, is_31: bool) -> Explained:
    branches: dict[Any, list[jsonschema.exceptions.ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    instance = error.instance
    has_ref = isinstance(instance, dict) and "$ref" in instance
    meant = {
        i: errs for i, errs in branches.items() if _is_reference_branch(errs) == has_ref
    } or branches
    summary = _alternatives_summary(error, meant)
    if summary is not None:
        return summary
    # Of several alternatives, the one that got furthest into the node is the one meant.
    _, chosen = max(
        meant.items(),
        key=lambda kv: (max(len(e.absolute_path) for e in kv[1]), -list(branches).index(kv[0])),
    )
    out: Explained = []
    for sub in chosen:
        out += [item for item in explain(sub, is_31) if item not in out]
    return out


def _alternatives_summary(
    error: jsonschema.exceptions.ValidationError,
    meant: dict[Any, list[jsonschema.exceptions.ValidationError]],
) -> Explained | None:
    """One message for alternatives that all fail the same way at the node itself: its type is
    none of theirs, or it lacks what each needs."""
    here = tuple(error.absolute_path)
    errors = [e for errs in meant.values() for e in errs]
    if all(e.validator == "type" and not e.relative_path for e in errors):
        wanted = sorted({t for e in errors for t in _as_list(e.validator_value)})
        kinds = " or ".join(_article(t) for t in wanted)
        message = f"expected {kinds}, found {_json_type(error.instance)}"
        return [(here, message, _EMPTY if error.instance is None and here else None)]
    if len(meant) > 1 and all(e.validator == "required" and not e.relative_path for e in errors):
        names = " or ".join(repr(n) for e in errors for n in _missing(e))
        return [(here, f"needs {names}", None)]
    return None


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _missing(error: jsonschema.exceptions.ValidationError) -> list[str]:
    required = error.validator_value if isinstance(error.validator_value, list) else []
    instance = error.instance if isinstance(error.instance, dict) else {}
    return [str(name) for name in required if name not in instance]


def _leaf(error: jsonschema.exceptions.ValidationError, is_31: bool) -> Explained:
    here = tuple(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(
        error.instance, dict
    ):
        keys = [k for k in error.instance if repr(k) in error.message]
        return [((*here, k), *_unknown_key(k, schema, is_31)) for k in keys] or [
            (here, error.message, None)
        ]
    allowed_types = _as_list(error.validator_value)
    if error.validator == "enum" and here[-1:] == ("type",) and "integer" in allowed_types:
        return [_unknown_type(here, error.instance, allowed_types, is_31)]
    if error.validator == "uniqueItems" and isinstance(error.instance, list):
        return _repeated(here, error.instance)
    if error.validator == "type":
        kinds = " or ".join(_article(t) for t in _as_list(error.validator_value))
        message = f"expected {kinds}, found {_json_type(error.instance)}"
        if error.instance is None and here:
            return [(here, message, _EMPTY)]
        return [(here, message, _OTHER_VERSION if _other_version_form(here, error) else None)]
    return [(here, error.message, None)]


def _unknown_type(
    here: Pointer, found: Any, allowed: list[str], is_31: bool
) -> tuple[Pointer, str, Remedy | None]:
    if found == "null" and not is_31:
        return (here, "OpenAPI 3.0 has no type 'null': use `nullable: true`", _NULL)
    remedy = _OTHER_VERSION if isinstance(found, list) else None  # 3.1's list of types in 3.0
    return (here, f"unknown type {found!r}: one of {', '.join(allowed)}", remedy)


def _other_version_form(here: Pointer, error: jsonschema.exceptions.ValidationError) -> bool:
    """A Schema Object keyword written as the other OpenAPI version writes it: the exclusive
    bounds (3.0 flags, 3.1 numbers) or a list of types in 3.0 (not a property of that name)."""
    if len(here) < 2 or here[-2] in ("properties", "patternProperties", "$defs"):
        return False
    instance = error.instance
    if here[-1] in ("exclusiveMinimum", "exclusiveMaximum"):
        return isinstance(instance, (bool, int, float))
    return here[-1] == "type" and isinstance(instance, list)


def _repeated(here: Pointer, items: list[Any]) -> Explained:
    """Each repeated item at its own place; parameters and tags are left to the semantic checks,
    which also catch two different declarations of one name."""
    if here[-1:] in (("parameters",), ("tags",)):
        return []
    out: Explained = []
    for index, item in enumerate(items):
        first = next(i for i, earlier in enumerate(items) if earlier == item)
        if first < index:
            shown = json.dumps(item, ensure_ascii=False)
            message = f"{shown} is listed twice (first as item {first})"
            out.append(((*here, index), message, _REPEATED))
    return out


def _unknown_key(key: str, schema: dict[str, Any], is_31: bool) -> tuple[str, Remedy | None]:
    patterns = " ".join(map(str, schema.get("patternProperties") or ()))
    if "XX" in patterns:  # the Responses Object: what the answer is cannot be guessed
        status = "three digits from 100 to 599, 1XX to 5XX, or default"
        return f"{key!r} is not a status code: {status}", None
    is_schema_object = "nullable" in (schema.get("properties") or {})
    if is_schema_object and key in _NEWER_KEYWORDS and not is_31:
        message = f"{key!r} is not allowed in an OpenAPI 3.0 schema (it is a 3.1 keyword)"
        return message, _KEYWORD_IGNORED
    known = [str(name) for name in schema.get("properties") or ()]
    close = difflib.get_close_matches(key, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown field {key!r}{hint}", _IGNORED
