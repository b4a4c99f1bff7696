"""Where the generator finds things: root specs in a folder, and the files of a generated package
it reads back itself (the release stage's record and changelog). A module that imports nothing
heavy, so that finding and reading them back costs no import of the stages that write them."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

MANIFEST = PurePosixPath("api.json")
CHANGELOG = PurePosixPath("CHANGELOG.md")
PYPROJECT = PurePosixPath("pyproject.toml")

SPECS_DIR = Path("specs")  # where `generate` and `check` look for specs when given none
OUTPUT_DIR = Path("generated")  # where they write (or compare) packages by default


def discover(specs_dir: Path) -> list[Path]:
    """Root specs are the YAML files directly in specs/; sub-folders hold the fragments they $ref."""
    return sorted(p for p in specs_dir.glob("*.y*ml") if p.is_file())
