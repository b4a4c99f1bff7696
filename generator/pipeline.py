"""The stages composed: spec path → (Api, formatted files). Pure: reads the spec, writes nothing."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from generator.fmt import format_files
from generator.ir import Api
from generator.load import bundle
from generator.parse import parse
from generator.render import render
from generator.validate import validate


def build(spec_path: Path, strict: bool = False) -> tuple[Api, dict[PurePosixPath, str]]:
    api = parse(validate(bundle(spec_path)), strict=strict)
    return api, format_files(render(api))


def discover(specs_dir: Path) -> list[Path]:
    """Root specs are the YAML files directly in specs/; sub-folders hold the fragments they $ref."""
    return sorted(p for p in specs_dir.glob("*.y*ml") if p.is_file())
