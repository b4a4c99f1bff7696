"""Write stage: the only code that touches the output directory.

A package is written all-or-nothing: the new tree is built in a sibling temporary directory, unchanged
files are not rewritten (their mtime stays), and only then is it swapped in with renames. If anything
fails before the swap, the old tree is left exactly as it was. `check` compares instead of writing.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath


@dataclass(frozen=True, slots=True)
class WriteResult:
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


def _existing(root: Path) -> dict[PurePosixPath, bytes]:
    if not root.is_dir():
        return {}
    return {
        PurePosixPath(p.relative_to(root).as_posix()): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not _ignored(p.relative_to(root))
    }


def write_tree(root: Path, files: Mapping[PurePosixPath, str]) -> WriteResult:
    """Make `root` hold exactly `files` (UTF-8, LF). Atomic per package directory."""
    new = {path: text.encode("utf-8") for path, text in files.items()}
    old = _existing(root)
    changed = {p for p, data in new.items() if old.get(p) != data}
    removed = set(old) - set(new)
    if not changed and not removed:
        return WriteResult(0, len(new), 0)
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        for path, data in new.items():
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            source = root / path
            if path not in changed:
                shutil.copy2(source, target)  # same bytes, same mtime: tools see no change
            else:
                target.write_bytes(data)
        backup = root.with_name(f".{root.name}.old")
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


def remove_tree(root: Path) -> int:
    """Delete a package directory (the caller has checked the generator made it); the number of
    files it held. Renamed aside first, so an interrupted removal leaves no half package."""
    count = len(_existing(root))
    trash = root.with_name(f".{root.name}.removed")
    if trash.exists():
        shutil.rmtree(trash)
    os.replace(root, trash)
    shutil.rmtree(trash)
    return count


def diff_tree(root: Path, files: Mapping[PurePosixPath, str]) -> str:
    """Unified diff from what is on disk to what would be written ('' when identical). A file only
    on one side always shows, even when empty (difflib prints nothing for empty-to-empty)."""
    old = _existing(root)
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
