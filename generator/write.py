"""Write stage: the only code that touches the output directory.

A package is written all-or-nothing: the new tree is built in a sibling temporary directory, unchanged
files are not rewritten (their mtime stays), and only then is it swapped in with renames. If anything
fails before the swap, the old tree is left exactly as it was. `check` compares instead of writing.

Runs into one output directory take turns: each holds an exclusive `flock` on `.sdkgen.lock` there
while it reads, writes and swaps a package, so two runs never mix their trees. Holding the lock also
makes it safe to repair what a killed run left: a package directory missing because the run died
between the two renames of the swap gets its previous tree back, and staging directories of dead runs
are removed.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import NamedTuple

LOCK_FILE = ".sdkgen.lock"


# Named tuples rather than dataclasses here and in the stamp and baseline modules: a run that only
# checks its stamps (generator/replay.py) imports these, and dataclasses costs more than they do.
class WriteResult(NamedTuple):
    written: int
    unchanged: int
    removed: int


def _ignored(relative: Path) -> bool:
    """Files tools leave in a package folder (caches, build metadata): not ours to compare or keep."""
    return any(
        part.startswith(".")
        or part == "__pycache__"
        or part.endswith(".egg-info")
        or part in ("build", "dist")
        for part in relative.parts
    )


def existing(root: Path) -> dict[PurePosixPath, bytes]:
    if not root.is_dir():
        return {}
    return {
        PurePosixPath(p.relative_to(root).as_posix()): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not _ignored(p.relative_to(root))
    }


@contextlib.contextmanager
def locked(
    directory: Path, *, shared: bool = False, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the output directory's lock: exclusive to write, shared to read. `waiting` is called
    once if another run holds it, before blocking until that run is done."""
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting is not None:
                waiting()
            fcntl.flock(fd, mode)
        yield
    finally:
        os.close(fd)  # releases the lock


def _backup(root: Path) -> Path:
    return root.with_name(f".{root.name}.old")


def _repair(root: Path) -> None:
    """Undo what a killed run left (call with the lock held, so no live run owns these)."""
    backup = _backup(root)
    if not root.exists() and backup.is_dir():
        os.replace(backup, root)  # killed between the two renames: its previous tree is complete
    prefix = f".{root.name}."
    for entry in root.parent.iterdir():
        if entry.name.startswith(prefix) and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)  # a dead run's staging or backup directory


def write_tree(
    root: Path, files: Mapping[PurePosixPath, str], waiting: Callable[[], None] | None = None
) -> WriteResult:
    """Make `root` hold exactly `files` (UTF-8, LF). Atomic per package directory; runs into the
    same output directory take turns (`waiting` is called if this one has to wait)."""
    new = {path: text.encode("utf-8") for path, text in files.items()}
    root.parent.mkdir(parents=True, exist_ok=True)
    with locked(root.parent, waiting=waiting):
        _repair(root)
        return _write(root, new)


def _write(root: Path, new: dict[PurePosixPath, bytes]) -> WriteResult:
    old = existing(root)
    changed = {p for p, data in new.items() if old.get(p) != data}
    removed = set(old) - set(new)
    if not changed and not removed:
        return WriteResult(0, len(new), 0)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        for folder in sorted({path.parent for path in new}):
            (staging / folder).mkdir(parents=True, exist_ok=True)
        for path, data in new.items():
            target = staging / path
            source = root / path
            if path not in changed:
                shutil.copy2(source, target)  # same bytes, same mtime: tools see no change
            else:
                target.write_bytes(data)
        backup = _backup(root)
        if backup.exists():
            shutil.rmtree(backup)
        if root.exists():
            os.replace(root, backup)
        os.replace(staging, root)
        if backup.exists():
            shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteResult(len(changed), len(new) - len(changed), len(removed))


def _read_locked(root: Path) -> dict[PurePosixPath, bytes]:
    """The tree on disk, read between other runs' swaps (under the shared lock)."""
    if not root.parent.is_dir():
        return {}
    try:
        with locked(root.parent, shared=True):
            return existing(root)
    except OSError:  # no lock file can be made there (a read-only tree): read without one
        return existing(root)


def remove_tree(root: Path, waiting: Callable[[], None] | None = None) -> int:
    """Delete a package directory (the caller has checked the generator made it); the number of
    files it held. Renamed aside first, so an interrupted removal leaves no half package (and the
    next run's repair deletes what is left of it). Takes its turn like `write_tree`."""
    with locked(root.parent, waiting=waiting):
        _repair(root)
        if not root.is_dir():
            return 0
        count = len(existing(root))
        trash = root.with_name(f".{root.name}.removed")
        if trash.exists():
            shutil.rmtree(trash)
        os.replace(root, trash)
        shutil.rmtree(trash, ignore_errors=True)
        return count


def read_files(root: Path, names: Sequence[PurePosixPath]) -> list[bytes | None]:
    """Some files of a package on disk (None: not there), read between other runs' swaps (under
    the shared lock); a package a killed run left mid-swap is read from its complete backup."""

    def read() -> list[bytes | None]:
        base = root if root.exists() or not _backup(root).is_dir() else _backup(root)
        return [_read_file(base / name) for name in names]

    if not root.parent.is_dir():
        return [None for _ in names]
    try:
        with locked(root.parent, shared=True):
            return read()
    except OSError:  # no lock file can be made there (a read-only tree): read without one
        return read()


def _read_file(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def diff_tree(root: Path, files: Mapping[PurePosixPath, str]) -> str:
    """Unified diff from what is on disk to what would be written ('' when identical). A file only
    on one side always shows, even when empty (difflib prints nothing for empty-to-empty)."""
    old = _read_locked(root)
    chunks: list[str] = []
    for path in sorted(set(old) | set(files)):
        before = old[path].decode("utf-8", "replace") if path in old else None
        after = files.get(path)
        if before == after:
            continue
        fromfile = f"a/{root.name}/{path}" if before is not None else "/dev/null"
        tofile = f"b/{root.name}/{path}" if after is not None else "/dev/null"
        lines = list(
            difflib.unified_diff(
                (before or "").splitlines(keepends=True),
                (after or "").splitlines(keepends=True),
                fromfile=fromfile,
                tofile=tofile,
            )
        )
        chunks.extend(lines or [f"--- {fromfile}\n", f"+++ {tofile}\n"])
    return "".join(chunks)
