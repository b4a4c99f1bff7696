"""The stages composed: spec path → (Api, formatted files, release). Pure apart from reading: the spec,
and through `baseline`, the package the build replaces; writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from generator.errors import SpecError
from generator.fmt import format_files
from generator.ir import Api
from generator.load import load_spec
from generator.parse import parse
from generator.release import Previous, Release, ReleaseError, release
from generator.render import render
from generator.validate import validate

# The package a build replaces, found from the new package's name (None: nothing to replace).
Baseline = Callable[[Api], Previous | None]


@dataclass(frozen=True, slots=True)
class Build:
    api: Api  # with the version the release decided
    files: dict[PurePosixPath, str]
    release: Release


def generate(spec_path: Path, baseline: Baseline | None = None) -> Build:
    spec = validate(load_spec(spec_path))
    api = parse(spec)
    try:
        api, files, rel = release(
            api, baseline(api) if baseline else None, lambda a: format_files(render(a))
        )
    except ReleaseError as exc:
        raise SpecError([spec.problem(exc.pointer, exc.message)]) from None
    return Build(api, files, rel)


def build(spec_path: Path) -> tuple[Api, dict[PurePosixPath, str]]:
    """The package as a first version, replacing nothing (golden trees, tests)."""
    done = generate(spec_path)
    return done.api, done.files


def discover(specs_dir: Path) -> list[Path]:
    """Root specs are the YAML files directly in specs/; sub-folders hold the fragments they $ref."""
    return sorted(p for p in specs_dir.glob("*.y*ml") if p.is_file())
