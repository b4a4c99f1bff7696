"""Run stamps: how `generate` knows, before importing any stage, that a spec's package is already
what a run would write, and says again what that run said instead of running it.

A run that wrote a package records, per spec and options, everything its output depended on: the
bytes of every spec file it read, the generator (its source, its templates, the interpreter and
the installed distributions, names and versions), the baseline the release was measured against
(the bytes of the committed api.json, CHANGELOG.md and pyproject.toml) and a digest of every file
it left in the package. The next run with the same spec and options recomputes those and, when
all are equal, writes nothing and repeats the record's lines (warnings, change report, counts).
Anything different (an edited or missing file, a file added to or changed in the package, a new
commit of the package, a changed generator) is a miss, and the pipeline runs as always.

Stamps live in the cache (generator.cache): SDKGEN_NO_CACHE=1 turns them off too.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from generator.baseline import Baselines, Head, head_commit
from generator.cache import DiskCache, installed, source_fingerprint, templates_dir
from generator.write import existing


class Record(NamedTuple):
    package: str
    said: tuple[tuple[bool, str], ...]  # (to stderr, line), in the order the run said them
    counts: str  # "4 operations, 11 models"
    files: int


def _store() -> DiskCache:
    return DiskCache("runs", "run stamp 3")


def _slot(spec: Path, output: Path, strict: bool, lenient: bool) -> str:
    where = [str(spec.resolve()), str(output.resolve()), strict, lenient]
    return _store().key(json.dumps(where).encode())


@cache
def _generator() -> str:
    """The generator as far as output depends on it: its source and templates, the interpreter,
    and every installed distribution by name and version (a superset of its dependencies)."""
    digest = hashlib.sha256()
    digest.update(f"{sys.implementation.name} {sys.version}\0".encode())
    digest.update(source_fingerprint().encode())
    digest.update(source_fingerprint(templates_dir()).encode())
    for folder, names in installed():
        digest.update(f"{folder}\0{chr(1).join(names)}\0".encode())
    return digest.hexdigest()


def _digest(data: bytes | None) -> str:
    return "-" if data is None else hashlib.sha256(data).hexdigest()


def _inputs(files: Sequence[str]) -> str | None:
    digest = hashlib.sha256()
    for name in files:
        try:
            digest.update(f"{name}\0{_digest(Path(name).read_bytes())}\0".encode())
        except OSError:
            return None
    return digest.hexdigest()


def _identity(inputs: str, measured: Sequence[str]) -> str:
    joined = "\0".join(measured)
    return hashlib.sha256(f"{_generator()}\0{inputs}\0{joined}".encode()).hexdigest()


def _outputs(root: Path) -> dict[str, str]:
    return {str(path): _digest(data) for path, data in existing(root).items()}


def lookup(
    spec: Path, output: Path, strict: bool, lenient: bool, baselines: Baselines
) -> Record | None:
    """The record of the last run for this spec and options, when nothing it depended on has
    changed since; None otherwise (or when anything cannot be read: the pipeline decides)."""
    try:
        entry = json.loads(_store().get(_slot(spec, output, strict, lenient)) or "null")
        if not isinstance(entry, dict):
            return None
        inputs = _inputs(entry["inputs"])
        package = entry["package"]
        if inputs is None:
            return None
        # a baseline pinned to HEAD's commit is those bytes while HEAD is still that commit
        head = entry["head"]
        if head is not None and baselines.ref is None and head_commit(output) == tuple(head):
            measured = [str(d) for d in entry["baseline"]]
        else:
            measured = [_digest(b) for b in baselines.raw(package)]
        if entry["identity"] != _identity(inputs, measured):
            return None
        if entry["outputs"] != _outputs(output / package):
            return None
        said = tuple((bool(err), str(text)) for err, text in entry["said"])
        return Record(package, said, str(entry["counts"]), int(entry["files"]))
    except (KeyError, TypeError, ValueError, OSError):
        return None
    except Exception:  # a baseline that cannot be read, and the like: the pipeline reports it
        return None


def replayed(done: Record, seconds: float) -> list[tuple[bool, str]]:
    """What `generate` prints for a spec it replays: the run's lines again, then the counts
    (`seconds` the check took). Each line is escaped when printed, as every line of the CLI."""
    summary = (
        f"{done.package}: {done.counts}, {done.files} files "
        f"(0 written, {done.files} unchanged) in {seconds:.2f}s"
    )
    return [*done.said, (False, summary)]


def record(
    spec: Path,
    output: Path,
    strict: bool,
    lenient: bool,
    baseline: Sequence[bytes | None],
    head: Head | None,
    inputs: Sequence[Path],
    files: Mapping[PurePosixPath, str],
    done: Record,
) -> None:
    """Remember a run that left `files` as the package's whole content, measured against
    `baseline` (Baselines.raw before the write), which is HEAD's files at `head`'s commit in its
    work tree when that is given (Baselines.pinned_head)."""
    names = [str(Path(p).resolve()) for p in inputs]
    digest = _inputs(names)
    if digest is None:
        return
    measured = [_digest(b) for b in baseline]
    entry = {
        "inputs": names,
        "package": done.package,
        "identity": _identity(digest, measured),
        "baseline": measured,
        "head": None if head is None else list(head),
        "outputs": {str(path): _digest(text.encode("utf-8")) for path, text in files.items()},
        "said": [list(item) for item in done.said],
        "counts": done.counts,
        "files": done.files,
    }
    _store().put(_slot(spec, output, strict, lenient), json.dumps(entry, sort_keys=True))
