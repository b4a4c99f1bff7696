"""generated/ is exactly what the generator makes from specs/ now (no hand edits, no stale output)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.baseline import Baselines
from generator.pipeline import discover, generate
from generator.write import diff_tree

ROOT = Path(__file__).resolve().parent.parent
SPECS = discover(ROOT / "specs")
MAX_LINES = 200


def test_there_are_specs() -> None:
    assert SPECS, "no specs found in specs/"


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_generated_matches_specs(spec: Path) -> None:
    # measured against the committed packages, as `make generate` does (version, changelog)
    baselines = Baselines(ROOT / "generated")
    done = generate(spec, lambda api: baselines.read(api.package), strict=True)
    api = done.api
    package = ROOT / "generated" / api.package
    diff = diff_tree(package, done.files)
    if diff:
        lines = diff.splitlines()
        shown = "\n".join(lines[:MAX_LINES])
        more = f"\n... ({len(lines) - MAX_LINES} more diff lines)" if len(lines) > MAX_LINES else ""
        pytest.fail(
            f"generated/{api.package} is not what specs/{spec.name} generates: "
            f"run `make generate` and commit the result.\n{shown}{more}",
            pytrace=False,
        )
