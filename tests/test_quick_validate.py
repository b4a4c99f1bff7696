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
