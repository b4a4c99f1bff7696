"""Every golden case regenerates to its expected tree, byte for byte (missing and extra files fail)."""

from __future__ import annotations

import py_compile
from pathlib import Path

import pytest

from tests.golden_tool import cases, expected, generate, tree_diff


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    diff = tree_diff(expected(case), generate(case))
    assert not diff, (
        f"{case.name} differs from its golden tree (run `make regen-golden` and review):\n{diff}"
    )


@pytest.mark.parametrize("case", cases(), ids=lambda p: p.name)
def test_golden_compiles(case: Path, tmp_path: Path) -> None:
    for path in (case / "expected").rglob("*.py"):
        py_compile.compile(str(path), cfile=str(tmp_path / "out.pyc"), doraise=True)


def test_there_are_golden_cases() -> None:
    assert len(cases()) >= 4
