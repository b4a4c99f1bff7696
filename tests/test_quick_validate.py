"""The compiled validator (generator/quick.py) changes no reported problem, and its "valid" is never wrong.

Every bad, mistaken and golden spec, and the structural fuzz test's mutants, are validated strictly
and leniently with the fast path on and off: the problems (messages, places, fixes) and the lenient
warnings must be the same. Each JSON Schema check the fast path answers is also asked directly: when
jsonschema-rs says valid, jsonschema must find nothing, over the same corpus and over generated values.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import extensions, quick, validate
from generator.errors import SpecError
from generator.extensions import schema_roots
from generator.load import LoadedSpec, load_spec
from tests import fuzz

ROOT = Path(__file__).resolve().parent.parent
SPECS = sorted(
    [
        *(ROOT / "tests" / "bad_specs").glob("*.yaml"),
        *(ROOT / "tests" / "mistake_specs").glob("*.yaml"),
        *(ROOT / "tests" / "golden").glob("*/spec.yaml"),
        ROOT / "specs" / "laml_streams.yaml",
    ]
)
# the slow path takes most of the time: `make test` compares 100 mutants, more on demand
MUTANTS = int(os.environ.get("SDKGEN_QUICK_MUTANTS", "100"))


def _outcome(path: Path, lenient: bool) -> Any:
    """What validation says of the spec: its problems with their fixes, and the warnings."""
    validate._DIALECT_ERRORS.clear()
    extensions._SCHEMA_PROBLEMS.clear()
    try:
        spec = validate.validate(load_spec(path), lenient=lenient)
    except SpecError as exc:
        said = [*exc.problems, *exc.warnings]
        return "refused", [(str(p), repr(p.fix)) for p in said]
    return "valid", [(str(w), repr(w.fix)) for w in spec.warnings]


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Assert both paths say the same, strictly and leniently; return the strict verdict."""
    monkeypatch.setenv("SDKGEN_NO_CACHE", "1")
    verdict = ""
    for lenient in (False, True):
        monkeypatch.setattr(quick, "ENABLED", False)
        slow = _outcome(path, lenient)
        monkeypatch.setattr(quick, "ENABLED", True)
        assert _outcome(path, lenient) == slow, f"{path} lenient={lenient}"
        if not lenient and slow == ("valid", []):
            return "valid"  # lenient validation of a valid document is the same run again
        verdict = verdict or slow[0]
    return verdict


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_problems_for_every_spec(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(path, monkeypatch)


def test_same_problems_for_fuzz_mutants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = 0
    for m in fuzz.mutants(MUTANTS, fuzz_seed=1, max_seed_nodes=4000):
        spec_dir = tmp_path / m.name.replace("#", "_").replace("/", "_")
        for rel, data in m.files.items():
            target = spec_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(fuzz._dump(data), encoding="utf-8")
        refused += _both(spec_dir / "spec.yaml", monkeypatch) == "refused"
    # the mutants must exercise the slow path too, or the comparison says little
    assert refused > MUTANTS // 4


# ------------------------------------------------------------------ "valid" is never wrong


def _checks(spec: LoadedSpec, is_31: bool) -> Iterator[tuple[str, Any, Any, Any]]:
    """(what, compiled validator, jsonschema validator, instance) for every check of `spec`."""
    yield (
        "document",
        validate._quick_document(is_31),
        validate._document_validator(is_31),
        spec.data,
    )
    yield "extensions", extensions._quick_document(), extensions._document_validator(), spec.data
    for _, schema in schema_roots(spec.data, ()):
        yield "extension schema", extensions._quick_schema(), extensions._schema_validator(), schema
        if is_31 and not isinstance(schema, bool):
            yield "dialect", validate._quick_dialect(), validate._dialect_checker(), schema


def _never_wrong(compiled: Any, checker: Any, instance: Any) -> bool:
    """False when the compiled validator says valid and jsonschema finds an error."""
    if not quick.surely_valid(compiled, instance):
        return True
    return next(iter(checker.iter_errors(instance)), None) is None


def _loaded(path: Path) -> LoadedSpec | None:
    try:
        return load_spec(path)
    except SpecError:
        return None


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(ROOT)))
def test_valid_is_never_wrong_on_the_corpus(path: Path) -> None:
    spec = _loaded(path)
    if spec is None or not isinstance(spec.data.get("openapi"), str):
        return  # nothing reaches the validators: the equivalence test above covers these
    is_31 = spec.data["openapi"].startswith("3.1")
    for what, compiled, checker, instance in _checks(spec, is_31):
        assert _never_wrong(compiled, checker, instance), f"{path}: {what}"


# Values built from the words the schemas test, so that most of them are close to valid.
_KEYS = st.sampled_from(
    [
        *("type", "properties", "items", "required", "enum", "const", "nullable", "format"),
        *("minimum", "exclusiveMinimum", "allOf", "oneOf", "anyOf", "not", "$ref", "$defs"),
        *("additionalProperties", "discriminator", "propertyName", "mapping", "x-sdk-name"),
        *("description", "default", "example", "examples", "uniqueItems", "readOnly", "xml"),
        *("openapi", "info", "title", "version", "paths", "/a", "get", "responses", "200"),
        *("content", "application/json", "schema", "components", "schemas", "A", "x-pagination"),
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.sampled_from(["string", "object", "integer", "null", "a", "#/components/schemas/A", "1"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=20,
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_VALUES)
def test_valid_is_never_wrong_on_generated_values(value: Any) -> None:
    pairs = [
        (validate._quick_dialect(), validate._dialect_checker()),
        (extensions._quick_schema(), extensions._schema_validator()),
        (extensions._quick_document(), extensions._document_validator()),
        *((validate._quick_document(v), validate._document_validator(v)) for v in (False, True)),
    ]
    for compiled, checker in pairs:
        assert _never_wrong(compiled, checker, value)


def test_the_compiled_validators_are_built() -> None:
    """A fast path that silently failed to build would leave validation slow but green."""
    for compiled in (
        validate._quick_document(False),
        validate._quick_document(True),
        validate._quick_dialect(),
        extensions._quick_document(),
        extensions._quick_schema(),
    ):
        assert compiled is not None


def test_the_fast_path_reads_the_validators_own_schemas() -> None:
    """The schema files read without importing the validator packages are the very schemas the
    slow path validates with."""
    from openapi_schema_validator import OAS31Validator
    from openapi_schema_validator._specifications import REGISTRY
    from openapi_spec_validator.schemas import schema_v30, schema_v31

    for folder, schema in (("v3.1", schema_v31), ("v3.0", schema_v30)):
        read = quick.package_json(
            "openapi_spec_validator", "resources", "schemas", folder, "schema.json"
        )
        assert read == dict(schema)
    dialect = quick.package_jsons("openapi_schema_validator", "schemas", "oas3.1")
    assert OAS31Validator.META_SCHEMA in dialect
    for schema in dialect:
        assert REGISTRY[schema["$id"]].contents == schema
    assert quick.package_json("no_such_package_here", "x.json") is None


# ---------------------------------------------------- examples and defaults: DocumentValues

_URI = "urn:sdkgen:test"
_FORMATS = [
    *("int32", "int64", "float", "double", "password", "regex", "date-time", "date", "time"),
    *("uuid", "email", "ipv4", "ipv6", "hostname", "uri", "byte", "unknown-format"),
    *("uri-reference", "idn-hostname", "duration", "json-pointer", "rfc2822"),
]
_PATTERNS = [r"^\d+$", r"^\w+$", r"^[a-z]{2,3}$", r"a.c", r"^$", r"(?i)^ab$", r"\bx"]
_STRINGS = [
    *("", "a", "ab", "AB", "abc", "a\nc", "123", "١٢٣", "é", "x y", "2024-01-31T10:00:00Z"),
    *("2024-01-31T10:00:00", "2024-02-30", "2024-01-31", "10:00:00Z", "25:00:00Z", "a@b"),
    *("1.2.3.4", "01.2.3.4", "::1", "not-a-uuid", "123e4567-e89b-12d3-a456-426614174000"),
    *("[", "a+", "http://x", "aGk=", "kind", "cat", "dog", "2024-01-31t10:00:00z"),
    *("12345678123456781234567812345678", "{123e4567-e89b-12d3-a456-426614174000}"),
    *("urn:uuid:123e4567-e89b-12d3-a456-426614174000", "2024-01-31T10:00:60Z", "ab@"),
]
_NUMBERS = [0, 1, -1, 1.0, 2.5, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**63, 1e10, True]


def _schemas() -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.fixed_dictionaries(
            {"type": st.sampled_from(["string", "integer", "number", "object", "array"])},
            optional={
                "format": st.sampled_from(_FORMATS),
                "pattern": st.sampled_from(_PATTERNS),
                "minimum": st.integers(-2, 2),
                "enum": st.lists(st.sampled_from([*_STRINGS[:6], *_NUMBERS[:4]]), min_size=1),
            },
        ),
        st.fixed_dictionaries({"format": st.sampled_from(_FORMATS)}),
        st.fixed_dictionaries({"pattern": st.sampled_from(_PATTERNS)}),
        st.just({"$ref": "#/components/schemas/Ref"}),
        st.booleans(),
    )

    def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        names = st.sampled_from(["kind", "a", "b", "1", "é"])
        return st.one_of(
            st.fixed_dictionaries(
                {"type": st.just("object")},
                optional={
                    "properties": st.dictionaries(names, inner, max_size=3),
                    "patternProperties": st.dictionaries(
                        st.sampled_from(_PATTERNS), inner, max_size=2
                    ),
                    "additionalProperties": inner,
                    "required": st.lists(names, max_size=2, unique=True),
                },
            ),
            st.fixed_dictionaries({"type": st.just("array"), "items": inner}),
            st.fixed_dictionaries(
                {
                    st.sampled_from(["oneOf", "anyOf", "allOf"]): st.lists(
                        inner, min_size=1, max_size=3
                    )
                }
            ),
            st.fixed_dictionaries(
                {
                    "oneOf": st.lists(inner, min_size=1, max_size=2),
                    "discriminator": st.just({"propertyName": "kind"}),
                }
            ),
        )

    return st.recursive(leaf, nested, max_leaves=6)


_INSTANCES = st.recursive(
    st.one_of(st.none(), st.sampled_from(_STRINGS), st.sampled_from(_NUMBERS)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(["kind", "a", "b", "1", "é", "ab", "123"]), inner, max_size=3
        ),
    ),
    max_leaves=8,
)


def _dialect_errors(document: Any, pointer: str, value: Any) -> list[Any] | None:
    """openapi-schema-validator's errors for `value` at `pointer`, as the examples and defaults
    passes ask it; None when it cannot check (a broken schema: the structural passes' job)."""
    from openapi_schema_validator import OAS31Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    registry: Registry[Any] = Registry().with_resource(
        _URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = OAS31Validator(
        {"$ref": f"{_URI}#{pointer}"},
        registry=registry,
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    try:
        return list(validator.iter_errors(value))
    except Exception:
        return None


@settings(max_examples=400, deadline=None, derandomize=True)
@given(_schemas(), _schemas(), _INSTANCES)
def test_document_values_valid_is_never_wrong(schema: Any, ref: Any, value: Any) -> None:
    document = {
        "openapi": "3.1.0",
        "components": {"schemas": {"S": schema, "Ref": ref}},
        "paths": {"/p": {"get": {"parameters": [{"name": "q", "in": "query", "schema": schema}]}}},
    }
    fast = quick.DocumentValues(document, True, _URI)
    for pointer in ("/components/schemas/S", "/paths/~1p/get/parameters/0/schema"):
        if fast.surely_valid(pointer, value):
            assert _dialect_errors(document, pointer, value) == [], (schema, ref, value)


def test_document_values_vouch_for_the_valid_cases() -> None:
    """The fast path answers yes where it should (else validation is slow but green): formats,
    patterns and pattern properties included; it never answers for a 3.0 document."""
    document = {
        "components": {
            "schemas": {
                "S": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "id": {"type": "string", "format": "uuid"},
                        "n": {"type": "integer", "format": "int32"},
                        "code": {"type": "string", "pattern": r"^\d+$"},
                    },
                    "patternProperties": {r"^x-": {"type": "string"}},
                }
            }
        }
    }
    good = {
        "at": "2024-01-31T10:00:00Z",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "n": 2**31 - 1,
        "code": "42",
        "x-a": "b",
    }
    fast = quick.DocumentValues(document, True, _URI)
    assert fast.surely_valid("/components/schemas/S", good)
    for bad in ({"at": "yesterday"}, {"id": "x"}, {"n": 2**31}, {"code": "4a"}, {"x-a": 1}):
        assert not fast.surely_valid("/components/schemas/S", bad), bad
        assert _dialect_errors(document, "/components/schemas/S", bad), bad
    assert not quick.DocumentValues(document, False, _URI).surely_valid(
        "/components/schemas/S", good
    )


@pytest.mark.parametrize("name", ["laml_streams", "stream_video"])
def test_our_specs_examples_need_no_slow_validator(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every example and default of the curated specs is vouched for by the fast path, so
    validating them imports neither jsonschema's validators nor openapi-schema-validator."""
    from generator import examples, semantics

    def refuse(*args: Any) -> None:
        raise AssertionError(f"the slow validator was needed: {args[1:]}")

    monkeypatch.setattr(examples._Slow, "__init__", refuse)
    monkeypatch.setattr(semantics._Defaults, "_slow_registry", refuse)
    spec = load_spec(ROOT / "specs" / f"{name}.yaml")
    assert list(examples.example_problems(spec, True)) == []
    assert list(semantics.check(spec, True)) == []


def test_validating_our_specs_imports_no_slow_validator() -> None:
    """In a fresh interpreter: validating the curated specs (valid, examples and defaults
    included) imports none of the validators that only explain problems."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator import load, validate\n"
        "for name in sys.argv[1:]:\n"
        "    validate._validate(load.load_spec(Path(name)))\n"
        "print(sorted(m for m in ('jsonschema', 'openapi_schema_validator', "
        "'openapi_spec_validator') if m in sys.modules))\n"
    )
    specs = [str(ROOT / "specs" / f"{n}.yaml") for n in ("laml_streams", "stream_video")]
    done = subprocess.run(
        [sys.executable, "-c", code, *specs],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "SDKGEN_NO_CACHE": "1"},
        check=True,
    )
    assert done.stdout.strip() == "[]", done.stderr


@pytest.mark.parametrize("name", sorted(set(_FORMATS) - {"int32", "int64", "regex"}))
def test_formats_decided_without_jsonschema_are_decided_as_jsonschema_does(name: str) -> None:
    from openapi_schema_validator import OAS31Validator

    checker = OAS31Validator.FORMAT_CHECKER
    keyword = quick._Format({}, name, [])
    for value in [*_STRINGS, *_NUMBERS, None, [], {}]:
        try:
            keyword.validate(value)
            fast = True
        except ValueError:
            fast = False
        assert fast == checker.conforms(value, name), (name, value)
