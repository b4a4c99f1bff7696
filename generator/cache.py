"""A small content-addressed disk cache for pure, slow steps (black, spec validation, verification,
compiled templates).

Entries are keyed by a SHA-256 of everything the result depends on, so a hit is always the result
that step would compute; a missing, stale or unwritable cache only costs time. Location:
$SDKGEN_CACHE_DIR (default ~/.cache/sdkgen); SDKGEN_NO_CACHE=1 turns it off.

A step whose result depends on the generator's own checks salts its keys with `generator_fingerprint()`,
derived from the generator's source files and dependency versions, so a new or changed check is never
skipped by an entry an older generator wrote.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator import __version__

# importlib.metadata and packaging are imported where dependency versions are read: importing
# them costs more than a whole unchanged regeneration's check (generator/stamp.py).

_PACKAGE = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """Installed: generator/templates (shipped in the wheel). From a checkout: the repo's templates/."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / "_macros.jinja").is_file():
            return candidate
    raise FileNotFoundError("templates directory not found next to the generator package")


def source_fingerprint(package: Path = _PACKAGE) -> str:
    """SHA-256 over every file of the generator package (name and bytes), bytecode caches excepted."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if path.is_file() and "__pycache__" not in relative.parts and path.suffix != ".pyc":
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _requirements() -> list[str]:
    """The generator's runtime dependencies: from its installed metadata, else from the checkout's
    pyproject.toml (running from a source tree that was never installed)."""
    import importlib.metadata
    import tomllib

    try:
        return list(importlib.metadata.requires("sdkgen") or [])
    except importlib.metadata.PackageNotFoundError:
        pyproject = _PACKAGE.parent / "pyproject.toml"
        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (OSError, tomllib.TOMLDecodeError):
            return []
        return [str(r) for r in project.get("dependencies", [])]


def dependency_versions() -> list[str]:
    """'name version' of each installed runtime dependency (test extras left out), sorted."""
    import importlib.metadata

    from packaging.requirements import InvalidRequirement, Requirement

    out = []
    for line in _requirements():
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        if requirement.marker is not None:
            continue  # an extra (test tools): not what the generator runs with
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            version = "absent"
        out.append(f"{requirement.name.lower()} {version}")
    return sorted(out)


@functools.cache
def generator_fingerprint() -> str:
    """What this generator is: its version, its source, its dependencies and the interpreter."""
    parts = [
        f"sdkgen {__version__}",
        f"{platform.python_implementation()} {platform.python_version()}",
        *dependency_versions(),
        f"source {source_fingerprint()}",
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def pack_of(paths: Iterable[PurePosixPath]) -> str:
    """The pack (see DiskCache.get_pack) a step's files share: named by their top-level folders,
    the package they belong to."""
    return "\0".join(sorted({path.parts[0] for path in paths if path.parts}))


class DiskCache:
    def __init__(self, namespace: str, salt: str) -> None:
        self._salt = salt.encode()
        root = os.environ.get("SDKGEN_CACHE_DIR") or os.path.join(
            os.path.expanduser("~"), ".cache", "sdkgen"
        )
        self._dir: Path | None = (
            None if os.environ.get("SDKGEN_NO_CACHE") else Path(root) / namespace
        )

    @property
    def directory(self) -> Path | None:
        """This namespace's folder (created), for a tool that keeps its own files; None when off."""
        if self._dir is None:
            return None
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        return self._dir

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._salt + b"\0" + data).hexdigest()

    def _path(self, key: str) -> Path | None:
        return self._dir / key[:2] / key if self._dir is not None else None

    def get(self, key: str) -> str | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, text: str) -> None:
        """Write atomically (temp file + rename) so a concurrent run never reads half an entry."""
        path = self._path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except OSError:
            pass

    # A pack: the entries one run of a step made for one group of files (a package), in one file.
    # A step over hundreds of files then reads and writes one file instead of hundreds (most of
    # the cache's cost on a cold run), and a run after a small change still finds the entries of
    # every file it did not touch, in the pack the run before it left.

    def _pack_path(self, name: str) -> Path | None:
        return self._path("pack-" + self.key(name.encode())) if self._dir is not None else None

    def get_pack(self, name: str) -> dict[str, str]:
        """The entries last stored under `name` (key → value); empty when there are none."""
        path = self._pack_path(name)
        if path is None:
            return {}
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str)}

    def put_pack(self, name: str, entries: dict[str, str]) -> None:
        """Replace the pack `name` with `entries` (atomically, like `put`)."""
        path = self._pack_path(name)
        if path is not None:
            self.put(path.name, json.dumps(entries, sort_keys=True, ensure_ascii=False))
