"""The structural fuzz test, bounded (the mutations and checks are in tests/fuzz.py).

200 mutants of the project's specs and golden specs, the same ones every run: each must be refused
with located problems (exit 2) or generate a package that compiles and imports, never an internal
error. `make fuzz` runs many more ($SDKGEN_FUZZ_COUNT, $SDKGEN_FUZZ_SEED).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from tests import fuzz

COUNT = 200
SMALL = 800  # nodes: the bounded run leaves out the largest Video slices (make fuzz has them all)


@pytest.fixture(scope="module")
def default_report() -> fuzz.Report:
    return fuzz.fuzz(COUNT, fuzz_seed=0, max_seed_nodes=SMALL)


def test_no_mutant_is_an_internal_error(default_report: fuzz.Report) -> None:
    report = default_report
    assert not report.failures, report.summary()
    kinds = Counter(outcome.kind for outcome in report.outcomes.values())
    assert kinds["refused"] + kinds["generated"] == COUNT
    # Both outcomes are exercised: edits that break the spec, and edits the generator must handle.
    assert kinds["refused"] >= COUNT // 5 and kinds["generated"] >= COUNT // 5, kinds


LENIENT_COUNT = 50  # the first of the same mutants (mutant i depends only on the seed and i)


def test_lenient_mode_generates_around_mutants_and_never_fails_inside(
    default_report: fuzz.Report,
) -> None:
    """The fixed document lenient mode parses must generate like any valid one: no internal
    error, every package importing; and mutants that only added mistakes now generate."""
    report = fuzz.fuzz(LENIENT_COUNT, fuzz_seed=0, max_seed_nodes=SMALL, lenient=True)
    assert not report.failures, report.summary()
    generated = {n for n, o in report.outcomes.items() if o.kind == "generated"}
    by_default = {
        n
        for n, o in default_report.outcomes.items()
        if o.kind == "generated" and n in report.outcomes
    }
    assert len(report.outcomes) == LENIENT_COUNT
    assert by_default < generated  # more generate, and none that generated is refused now


def test_mutants_depend_only_on_seed_and_number() -> None:
    first, again, other = fuzz.mutants(30, 0), fuzz.mutants(30, 0), fuzz.mutants(30, 1)
    assert [(m.name, m.edits, m.files) for m in first] == [
        (m.name, m.edits, m.files) for m in again
    ]
    assert [m.edits for m in first] != [m.edits for m in other]
    assert len({m.seed for m in first}) >= 20  # spread over the seeds


def test_the_seeds_are_the_projects_specs_and_goldens() -> None:
    names = {name for name, _ in fuzz.seeds()}
    assert "laml" in names and {n for n in names if n.startswith("video-")}
    assert {
        "golden-form_body",
        "golden-hostile",
        "golden-json_api",
        "golden-openapi30_multifile",
    } <= names
    multifile = dict(fuzz.seeds())["golden-openapi30_multifile"]
    assert len(multifile) > 1  # fragments are mutated too


# ------------------------------------------------------------------ the harness can see failures


def _broken_build(source: str) -> Any:
    def build(spec_path: Path, formatted: bool = True) -> tuple[Any, dict[PurePosixPath, str]]:
        class Api:
            package = "broken"
            warnings = ()

        return Api(), {
            PurePosixPath("broken/__init__.py"): "",
            PurePosixPath("broken/models.py"): source,
        }

    return build


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("def f(:\n", "broken/models.py does not compile"),
        ("x = undefined_name\n", "import failed: NameError"),
    ],
)
def test_a_package_that_does_not_compile_or_import_is_reported(
    monkeypatch: pytest.MonkeyPatch, source: str, detail: str
) -> None:
    monkeypatch.setattr(fuzz, "build", _broken_build(source))
    report = fuzz.fuzz(1, workers=1)
    (failure,) = report.failures.values()
    assert failure.startswith(detail), failure


def test_an_exception_is_reported_with_its_site(monkeypatch: pytest.MonkeyPatch) -> None:
    def build(spec_path: Path, formatted: bool = True) -> Any:
        return {}["missing"]

    monkeypatch.setattr(fuzz, "build", build)
    report = fuzz.fuzz(1, workers=1)
    (failure,) = report.failures.values()
    assert failure.startswith("KeyError at test_fuzz.py:"), failure
