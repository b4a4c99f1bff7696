"""The stages composed: spec path → (Api, formatted files). Pure: reads the spec, writes nothing."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from generator.errors import SpecError
from generator.fmt import format_files
from generator.ir import Api
from generator.limits import MAX_FILE_NAME
from generator.load import LoadedSpec, bundle
from generator.parse import parse
from generator.render import render
from generator.validate import validate


def build(
    spec_path: Path, strict: bool = False, *, formatted: bool = True
) -> tuple[Api, dict[PurePosixPath, str]]:
    """Every stage up to the files to write. `formatted=False` leaves out black (the slow stage),
    for callers that only need code that compiles (the fuzz test), never for output that is kept."""
    spec = validate(bundle(spec_path))
    api = parse(spec, strict=strict)
    _check_package_name(spec, api)
    files = render(api)
    return api, format_files(files) if formatted else files


def _check_package_name(spec: LoadedSpec, api: Api) -> None:
    """The package is a folder (with `.name.XXXXXXXX` staging folders beside it while it is
    written), so its name must fit a file name; model and resource modules are shortened instead.
    (info.x-sdk.package is at most 100 characters: only a name made from a long file name fails.)"""
    if len(api.package.encode()) > MAX_FILE_NAME:
        message = (
            f"the package name made from the file name is longer than {MAX_FILE_NAME} bytes, "
            "too long for a folder: set info.x-sdk.package"
        )
        raise SpecError([spec.problem(("info",), message)])


def discover(specs_dir: Path) -> list[Path]:
    """Root specs are the YAML files directly in specs/; sub-folders hold the fragments they $ref."""
    return sorted(p for p in specs_dir.glob("*.y*ml") if p.is_file())
