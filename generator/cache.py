"""A small content-addressed disk cache for pure, slow steps (black, spec validation, verification,
compiled templates).

Entries are keyed by a SHA-256 of everything the result depends on, so a hit is always the result
that step would compute; a missing, stale or unwritable cache only costs time. Location:
$SDKGEN_CACHE_DIR (default ~/.cache/sdkgen); SDKGEN_NO_CACHE=1 turns it off.

A step whose result depends on the generator's own checks salts its keys with `generator_fingerprint()`,
derived from the generator's source files and the installed distributions' versions, so a new or
changed check is never skipped by an entry an older generator wrote.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from generator import __version__

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


@functools.cache
def installed() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Which distributions are installed where: each sys.path folder (by absolute path) with the
    sorted names of its `.dist-info` and `.egg-info` folders, whose names carry the distribution's
    name and version. Read from the folder listings, without importing importlib.metadata, which
    costs more than an unchanged regeneration's whole check."""
    found = []
    # by absolute path: `python -c` puts "" first on sys.path where `python -m` puts the same
    # directory spelled out, and the two must agree
    for folder in dict.fromkeys(os.path.abspath(f or ".") for f in sys.path):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        found.append((folder, tuple(sorted(n for n in names if n.endswith(_METADATA)))))
    return tuple(found)


_METADATA = (".dist-info", ".egg-info")


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _distribution(entry: str) -> str:
    """The normalized name of the distribution a `name-version.dist-info` (or `.egg-info`) folder
    describes: a folder name spells the name with `_` for `-`, so it ends at the first `-`."""
    stem = entry.partition("-")[0]
    return _normalized(stem.removesuffix(".dist-info").removesuffix(".egg-info"))


def installed_version(name: str) -> str | None:
    """The version of distribution `name`, as importlib.metadata.version finds it: in the first
    sys.path folder that has it, from its `name-version.dist-info`; None when it is not
    installed."""
    wanted = _normalized(name)
    for _, names in installed():
        matches = [entry for entry in names if _distribution(entry) == wanted]
        if len(matches) == 1 and matches[0].endswith(".dist-info"):
            return matches[0].removesuffix(".dist-info").partition("-")[2]
        if matches:
            break  # an .egg-info, or more than one: importlib.metadata decides
    import importlib.metadata  # an install these names do not describe (an egg, a zip)

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def generator_fingerprint() -> str:
    """What this generator is: its version, its source, the interpreter and every installed
    distribution by name and version (a superset of its dependencies: installing anything costs a
    cold run, never a stale result)."""
    digest = hashlib.sha256(
        f"sdkgen {__version__}\0{sys.implementation.name} {sys.version}\0".encode()
    )
    for folder, names in installed():
        digest.update(f"{folder}\0{chr(1).join(names)}\0".encode())
    digest.update(f"source {source_fingerprint()}".encode())
    return digest.hexdigest()


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
