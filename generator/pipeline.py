"""The stages composed: spec path → (Api, formatted and verified files, release). Pure apart from
reading: the spec, and through `baseline`, the package the build replaces; writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from generator.errors import SpecError, format_pointer
from generator.fmt import format_files
from generator.ir import Api, Resource
from generator.layout import discover as discover  # re-exported
from generator.limits import MAX_FILE_NAME
from generator.load import LoadedSpec, bundle
from generator.parse import parse
from generator.release import Previous, Release, ReleaseError, release
from generator.render import render
from generator.validate import validate
from generator.verify import verify

# The package a build replaces, found from the new package's name (None: nothing to replace).
Baseline = Callable[[Api], Previous | None]


@dataclass(frozen=True, slots=True)
class Build:
    """What one spec's run of the pipeline made: the API, the files and the release."""

    api: Api  # with the version the release decided
    files: dict[PurePosixPath, str]
    release: Release
    inputs: tuple[Path, ...] = ()  # every spec file it was read from


def generate(
    spec_path: Path,
    baseline: Baseline | None = None,
    strict: bool = False,
    *,
    lenient: bool = False,
) -> Build:
    """Every stage up to the files to write, the release included (version, api.json,
    CHANGELOG.md, measured against what `baseline` finds). Raises SpecError for a bad spec,
    VerifyError (a generator bug) for generated code that would not work; in both cases before
    anything could be written. `lenient`: the spec's vendor mistakes are generated around, each a
    warning of the Api."""
    spec, api = _parsed(spec_path, strict, lenient)
    try:
        api, files, rel = release(
            api, baseline(api) if baseline else None, lambda a: format_files(render(a))
        )
    except ReleaseError as exc:
        raise SpecError([spec.problem(exc.pointer, exc.message)]) from None
    verify(files, spec_pointers(api))
    return Build(api, files, rel, spec.files)


def build(
    spec_path: Path, strict: bool = False, *, formatted: bool = True, lenient: bool = False
) -> tuple[Api, dict[PurePosixPath, str]]:
    """The package as a first version, replacing nothing (golden trees, tests). `formatted=False`
    leaves out black, the verify stage and the release (the slow ones), for callers that only need
    code that compiles (the fuzz test), never for output that is kept. `lenient` as for
    `generate`."""
    if formatted:
        done = generate(spec_path, strict=strict, lenient=lenient)
        return done.api, done.files
    _, api = _parsed(spec_path, strict, lenient)
    return api, render(api)


def _parsed(spec_path: Path, strict: bool, lenient: bool) -> tuple[LoadedSpec, Api]:
    if strict and lenient:
        raise ValueError("strict and lenient exclude each other")
    spec = validate(bundle(spec_path), lenient=lenient)
    api = parse(spec, strict=strict)
    if spec.warnings:
        api = replace(api, warnings=tuple(sorted({*spec.warnings, *api.warnings})))
    _check_package_name(spec, api)
    return spec, api


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


def spec_pointers(api: Api) -> dict[tuple[PurePosixPath, str], str]:
    """(generated file, qualified name) → JSON pointer of the spec node it came from, so a verify
    finding names the node behind it: a walk over the IR, whose definitions and operations carry
    their pointers."""
    pkg = PurePosixPath(api.package)
    out: dict[tuple[PurePosixPath, str], str] = {}
    for module in api.models:
        path = pkg / "models" / f"{module.module}.py"
        for definition in module.definitions:
            out[(path, definition.name)] = format_pointer(definition.pointer)
            for field in getattr(definition, "fields", ()):
                if field.pointer:
                    out[(path, f"{definition.name}.{field.name}")] = format_pointer(field.pointer)

    def resource(path: PurePosixPath, node: Resource) -> None:
        for prefix in ("", "Async"):
            for suffix in ("", "WithRawResponse"):
                cls = f"{prefix}{node.class_name}{suffix}"
                for op in node.operations:
                    pointer = format_pointer(op.pointer)
                    out[(path, f"{cls}.{op.method_name}")] = pointer
                    if op.pagination and not suffix:
                        out[(path, f"{cls}.{op.pagination.pages_method}")] = pointer
                        out[(path, f"{cls}.{op.pagination.all_method}")] = pointer
        for child in node.children:
            resource(path, child)

    for rmodule in api.resources:
        resource(pkg / "resources" / f"{rmodule.module}.py", rmodule.root)
    client = pkg / "_client.py"
    for cls in (api.client_class, f"Async{api.client_class}"):
        out[(client, cls)] = format_pointer(api.client.pointer)
        for variable in api.client.server_variables:
            out[(client, f"{cls}.__init__.{variable.argument.name}")] = format_pointer(
                ("servers", 0, "variables", variable.wire_name)
            )
        for part in api.client.auth:
            scheme = format_pointer(("components", "securitySchemes", part.scheme))
            for arg in part.args:
                out[(client, f"{cls}.__init__.{arg.name}")] = scheme
    return out
