"""A scripted series of spec edits, each regenerated over the package the step before made: what each
step reports (classified changes, the version that follows) and the changelog they add up to, against
tests/golden_changes/expected/ (`make regen-golden` rewrites it)."""

from __future__ import annotations

import difflib
from pathlib import PurePosixPath

import pytest

from generator import manifest
from generator.pipeline import Build
from tests.golden_tool import CHANGES, change_series


@pytest.fixture(scope="module")
def series() -> tuple[str, str, list[Build]]:
    return change_series()


@pytest.mark.parametrize("name", ["report.txt", "CHANGELOG.md"])
def test_series_matches_golden(series: tuple[str, str, list[Build]], name: str) -> None:
    got = series[0] if name == "report.txt" else series[1]
    want = (CHANGES / "expected" / name).read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            want.splitlines(keepends=True), got.splitlines(keepends=True), f"expected/{name}", name
        )
    )
    assert not diff, f"golden_changes/{name} differs (run `make regen-golden` and review):\n{diff}"


def test_every_step_versions_its_package(series: tuple[str, str, list[Build]]) -> None:
    """The version each step decides is the one its package is built with, and recorded."""
    for done in series[2]:
        version = done.release.version
        assert f'version = "{version}"' in done.files[PurePosixPath("pyproject.toml")]
        assert f'__version__ = "{version}"' in done.files[PurePosixPath("shop/_client.py")]
        assert manifest.loads(done.files[manifest.PATH], "api.json").version == version
        assert f"\n## {version}\n" in done.files[manifest.CHANGELOG]


def test_regenerating_an_unchanged_spec_changes_nothing(
    series: tuple[str, str, list[Build]],
) -> None:
    """The last step edits nothing: same version, same changelog, the same files byte for byte."""
    *_, before, last = series[2]
    assert not last.release.changed and last.release.changes == ()
    assert last.files == before.files
