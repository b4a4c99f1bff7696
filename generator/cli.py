"""Command line: `sdkgen` / `python -m generator`. The only module that prints or exits.

Exit status: 0 success; 1 `check` found generated code out of date; 2 bad input (a spec problem,
reported as file:line: pointer: message, or a baseline that cannot be read); 3 an internal error (a
generator bug); 4 the output directory could not be written or read (read-only, full disk, no
permission, a file in the way), reported in one line.

Every line that can carry text from a spec (problems, notes, error messages, change reports) goes
through `escape.terminal`, so control characters in a spec reach the terminal spelled out, never raw.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator import __version__, escape, stamp
from generator.baseline import BaselineError, Baselines, orphans
from generator.errors import Problem, SpecError
from generator.layout import OUTPUT_DIR, SPECS_DIR, discover
from generator.write import diff_tree, remove_tree, write_tree

if TYPE_CHECKING:
    from generator.ir import Api
    from generator.pipeline import Build

# The stages are imported where a command runs them: `generate` finds out first, from the run
# stamps (generator/stamp.py), whether any spec needs building at all.

_NO_OUTPUT = 4  # the exit status when the output directory cannot be written or read


def _say(text: str, err: bool = False) -> None:
    """Print one line that may hold spec text, with control characters spelled out."""
    click.echo(escape.terminal(text), err=err)


def _os_failure(action: str, where: Path, exc: OSError) -> None:
    reason = exc.strerror or str(exc)
    if exc.filename:
        reason += f": {exc.filename}"
    _say(f"cannot {action} {where}: {reason}", err=True)
    sys.exit(_NO_OUTPUT)


def _specs(specs: tuple[Path, ...]) -> list[Path]:
    found = list(specs) or discover(SPECS_DIR)
    if not found:
        raise click.UsageError(f"no specs given and none found in {SPECS_DIR}/")
    return found


_STRICT = click.option(
    "--strict",
    is_flag=True,
    help="Refuse a spec with anything the generator would skip or generate around "
    "(the project's own specs are generated this way).",
)
_LENIENT = click.option(
    "--lenient",
    is_flag=True,
    help="For specs you do not own: generate around the vendor's mistakes (a default or example "
    "that breaks its schema, a duplicate operationId or `required` entry, a keyword of the other "
    "OpenAPI version, an unknown field), each reported as a located warning saying what was done.",
)


def _mode(strict: bool, lenient: bool) -> None:
    if strict and lenient:
        raise click.UsageError("--strict and --lenient exclude each other")


def _warnings(api: Api) -> list[str]:
    return [
        *(f"{p.pos}: {p.pointer}: warning: {p.message}" for p in api.warnings),
        *(f"{api.package}: warning: skipped {operation}" for operation in api.skipped),
        *(f"{api.package}: note: {note}" for note in api.notes),
    ]


def _warn(api: Api) -> None:
    for line in _warnings(api):
        _say(line, err=True)


def _counts(api: Api) -> str:
    skipped = f", {len(api.skipped)} skipped" if api.skipped else ""
    # spec operations, not methods: one operation may have a method per body media type
    operations = len({op.pointer for op in api.operations})
    mistakes = sum(w.severity == "mistake" for w in api.warnings)  # only with --lenient
    around = f", {mistakes} spec mistake(s) generated around" if mistakes else ""
    return f"{operations} operations{skipped}, {len(api.definitions)} models{around}"


def _build_all(
    specs: list[Path],
    strict: bool = False,
    baselines: Baselines | None = None,
    lenient: bool = False,
) -> list[tuple[Build, float]]:
    """Build every spec in memory first, so one bad spec leaves every output untouched."""
    from generator.fmt import FormatError
    from generator.manifest import ManifestError
    from generator.pipeline import generate as build_package
    from generator.verify import VerifyError

    _mode(strict, lenient)
    results: list[tuple[Build, float]] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    unreadable: list[str] = []
    for spec in specs:
        try:
            started = time.perf_counter()
            done = build_package(
                spec,
                (lambda api: baselines.read(api.package)) if baselines else None,
                strict=strict,
                lenient=lenient,
            )
            results.append((done, time.perf_counter() - started))
        except SpecError as exc:
            problems.extend(exc.problems)
            warnings.extend(exc.warnings)
        except (ManifestError, BaselineError) as exc:
            unreadable.append(f"{exc}")
        except FormatError as exc:
            _say(f"internal error: {exc}", err=True)
            sys.exit(3)
        except VerifyError as exc:
            click.echo(
                f"internal error: the code generated from {spec} would not work "
                "(a bug in the generator, not in the spec); nothing was written:",
                err=True,
            )
            for finding in exc.findings:
                click.echo(f"  {finding}", err=True)
            sys.exit(3)
        except Exception as exc:  # a generator bug: say so plainly; the traceback is opt-in
            if os.environ.get("SDKGEN_DEBUG"):
                raise
            _say(f"internal error while generating {spec}: {type(exc).__name__}: {exc}", err=True)
            click.echo(
                "This is a bug in the generator, not in the spec; set SDKGEN_DEBUG=1 for the traceback.",
                err=True,
            )
            sys.exit(3)
    for message in unreadable:  # the package a build replaces: its api.json, or the git ref
        _say(f"{message} (restore it from git, or delete the package to start afresh)", err=True)
    if problems:
        for warning in sorted(set(warnings)):
            _say(f"{warning.pos}: {warning.pointer}: warning: {warning.message}", err=True)
        found = sorted(set(problems))
        for problem in found:
            _say(str(problem), err=True)
    if problems or unreadable:
        mistakes = sum(p.severity == "mistake" for p in set(problems))
        hint = (
            f" (--lenient would generate around {mistakes} of them)"
            if mistakes and not strict
            else ""
        )
        click.echo(
            f"{len(set(problems)) + len(unreadable)} problem(s); nothing was written{hint}",
            err=True,
        )
        sys.exit(2)
    return results


def _baselines(output: Path, ref: str | None = None) -> Baselines:
    try:
        return Baselines(output, ref)
    except BaselineError as exc:
        _say(str(exc), err=True)
        sys.exit(2)


@click.group()
@click.version_option(version=__version__, prog_name="sdkgen")
def main() -> None:
    """Generate typed Python clients from OpenAPI specs."""


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=OUTPUT_DIR,
    show_default=True,
    help="Directory that receives one package folder per spec.",
)
@_STRICT
@_LENIENT
def generate(specs: tuple[Path, ...], output: Path, strict: bool, lenient: bool) -> None:
    """Generate a client package for each SPEC (default: every spec in specs/).

    Prints what changed in each package's Python API since the committed package, with the version
    that follows. With no SPEC given, packages in OUTPUT that no spec generates any more are removed.
    """
    _mode(strict, lenient)
    baselines = _baselines(output)
    found = _specs(specs)
    replays: dict[Path, tuple[stamp.Record | None, float]] = {}
    for spec in found:
        started = time.perf_counter()
        record = stamp.lookup(spec, output, strict, lenient, baselines)
        replays[spec] = record, time.perf_counter() - started
    todo = [spec for spec in found if replays[spec][0] is None]
    if todo:
        # fix the commit measured against before building: the build, the write and the stamp
        # then all read that one commit, whatever is committed meanwhile
        _ = baselines.git
    built = iter(_build_all(todo, strict, baselines, lenient) if todo else [])
    waiting = lambda: _say(f"{output}: waiting for another sdkgen run to finish", True)  # noqa: E731
    packages = set()
    for spec in found:
        replay, looked = replays[spec]
        if replay is not None:  # nothing it depends on changed: say again what that run said
            for err, line in stamp.replayed(replay, looked):
                _say(line, err)
            packages.add(replay.package)
            continue
        done, seconds = next(built)
        packages.add(done.api.package)
        _write_one(spec, done, seconds, output, baselines, strict, lenient, waiting)
    if not specs:
        for package in orphans(output, packages):
            try:
                count = remove_tree(package, waiting=waiting)
            except OSError as exc:
                _os_failure("remove", package, exc)
            _say(f"{package.name}: removed {package} ({count} files): no spec generates it")


def _write_one(
    spec: Path,
    done: Build,
    seconds: float,
    output: Path,
    baselines: Baselines,
    strict: bool,
    lenient: bool,
    waiting: Callable[[], None],
) -> None:
    """Write one built package, say what changed, and stamp the run."""
    from generator.release import report

    api, rel = done.api, done.release
    said = [(True, line) for line in _warnings(api)]
    said += [(True, f"{api.package}: warning: {warning}") for warning in rel.warnings]
    if rel.changed or rel.unrecorded:
        said += [(False, line) for line in report(rel)]
    for err, line in said:
        _say(line, err)
    started = time.perf_counter()
    try:
        # the baseline as this run measured against it, before the write (on disk, it is the
        # package this write replaces)
        head = baselines.pinned_head()
        baseline = baselines.raw(api.package)
        if head is not None and baselines.pinned_head() != head:
            head = None  # a commit made while this read: not pinned to either
        result = write_tree(output / api.package, done.files, waiting=waiting)
    except OSError as exc:
        _os_failure("write", output / api.package, exc)
    seconds += time.perf_counter() - started
    counts = _counts(api)
    click.echo(
        f"{api.package}: {counts}, "
        f"{len(done.files)} files ({result.written} written, {result.unchanged} unchanged"
        f"{f', {result.removed} removed' if result.removed else ''}) in {seconds:.2f}s"
    )
    record = stamp.Record(api.package, tuple(said), counts, len(done.files))
    stamp.record(spec, output, strict, lenient, baseline, head, done.inputs, done.files, record)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=OUTPUT_DIR, show_default=True
)
@_STRICT
@_LENIENT
def check(specs: tuple[Path, ...], output: Path, strict: bool, lenient: bool) -> None:
    """Exit 1 with a unified diff if OUTPUT is not what `generate` would write.

    That includes each package's version and CHANGELOG.md, and (with no SPEC given) a package in
    OUTPUT that no spec generates any more.
    """
    from generator.release import report

    stale = False
    built = _build_all(_specs(specs), strict, _baselines(output), lenient)
    for done, _ in built:
        api, rel = done.api, done.release
        try:
            diff = diff_tree(output / api.package, done.files)
        except OSError as exc:
            _os_failure("read", output / api.package, exc)
        if diff:
            stale = True
            click.echo(diff, nl=False)
            click.echo(f"{output / api.package} is out of date: run `make generate`", err=True)
            if rel.changed:
                # the changes may be the spec's or the generator's (a merged template edit)
                cause = (
                    f"{rel.level.word} changes make" if rel.level else "info.x-sdk.version makes"
                )
                _say(
                    f"{api.package}: {cause} it version {rel.version} (from {rel.previous}), "
                    "with a CHANGELOG.md section for it:",
                    err=True,
                )
                for line in report(rel)[1:]:
                    _say(line, err=True)
    if not specs:
        for package in orphans(output, {done.api.package for done, _ in built}):
            stale = True
            _say(
                f"{package}: no spec generates this package any more: "
                "run `make generate` to remove it",
                err=True,
            )
    if stale:
        sys.exit(1)
    click.echo("generated code is up to date")


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=OUTPUT_DIR, show_default=True
)
@click.option(
    "--against",
    "ref",
    metavar="REF",
    help="Compare with the packages at this git ref (default: the committed ones, HEAD).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON document, for CI bots and PR comments."
)
@_STRICT
@_LENIENT
def diff(
    specs: tuple[Path, ...],
    output: Path,
    ref: str | None,
    as_json: bool,
    strict: bool,
    lenient: bool,
) -> None:
    """What regenerating from SPEC (default: every spec in specs/) changes in each package's Python
    API, classified (breaking, compatible, patch), with the version that follows. Writes nothing."""
    baselines = _baselines(output, ref)
    from generator.release import report

    built = _build_all(_specs(specs), strict, baselines, lenient)
    for done, _ in built:
        _warn(done.api)
    names = {done.api.package for done, _ in built}
    removed = sorted(set(baselines.packages()) - names) if not specs else []
    if as_json:
        packages = [_json_entry(done) for done, _ in built]
        packages += [_removed_entry(name, baselines) for name in removed]
        document = {"against": baselines.name, "packages": packages}
        click.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
        return
    for done, _ in built:
        for line in report(done.release):
            _say(line)
    for name in removed:
        _say(f"{name}: removed (no spec generates it)")


def _removed_entry(name: str, baselines: Baselines) -> dict[str, object]:
    from generator.manifest import ManifestError

    try:
        before = baselines.read(name)
    except ManifestError:  # unreadable, and about to be removed anyway
        before = None
    old = before.manifest if before else None
    return {
        "package": name,
        "source": old.source if old else None,
        "status": "removed",
        "previous_version": old.version if old else None,
        "version": None,
        "level": None,
        "changes": [],
        "notes": [],
    }


def _json_entry(done: Build) -> dict[str, object]:
    rel = done.release
    status = "changed" if rel.changed else "unchanged"
    if rel.previous is None:
        status = "unrecorded" if rel.unrecorded else "new"
    return {
        "package": rel.package,
        "source": done.api.source,
        "status": status,
        "previous_version": rel.previous,
        "version": rel.version,
        "level": rel.level.word if rel.level and rel.changed else None,
        "changes": [c.as_json() for c in rel.changes],
        "notes": list(rel.notes),
    }


@main.command(name="validate")
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_STRICT
@_LENIENT
def validate_cmd(specs: tuple[Path, ...], strict: bool, lenient: bool) -> None:
    """Check each SPEC (OpenAPI validity and what the generator needs) without writing anything."""
    for done, _ in _build_all(list(specs), strict, lenient=lenient):
        _warn(done.api)
        _say(f"{done.api.source}: ok ({_counts(done.api)})")


@main.command()
@click.argument("spec", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=4010,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port (printed, with the base URL for clients).",
)
def mock(spec: Path, host: str, port: int) -> None:
    """Serve SPEC on HOST:PORT: validate each request against it and answer with its examples."""
    from generator.load import bundle
    from generator.mock import ListenError, serve
    from generator.validate import validate

    try:
        validate(bundle(spec))  # a broken spec is reported like everywhere else, not as a crash
        serve(spec, host, port, echo=_say)
    except SpecError as exc:
        for problem in exc.problems:
            _say(str(problem), err=True)
        sys.exit(2)
    except ListenError as exc:
        hint = "pick another --port, or --port 0 for a free one"
        click.echo(f"mock: {exc} ({hint})", err=True)
        sys.exit(2)
