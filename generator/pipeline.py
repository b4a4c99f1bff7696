"""The stages composed: spec path → (Api, formatted files). Pure: reads the spec, writes nothing."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from generator.fmt import format_files
from generator.ir import Api
from generator.load import load_spec
from generator.parse import parse
from generator.render import render
from generator.validate import validate


def build(spec_path: Path, *, formatted: bool = True) -> tuple[Api, dict[PurePosixPath, str]]:
    """Every stage up to the files to write. `formatted=False` leaves out black (the slow stage),
    for callers that only need code that compiles (the fuzz test), never for output that is kept."""
    api = parse(validate(load_spec(spec_path)))
    files = render(api)
    return api, format_files(files) if formatted else files


def discover(specs_dir: Path) -> list[Path]:
    """Root specs are the YAML files directly in specs/; sub-folders hold the fragments they $ref."""
    return sorted(p for p in specs_dir.glob("*.y*ml") if p.is_file())
