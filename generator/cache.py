"""A small content-addressed disk cache for pure, slow steps (black, spec validation, compiled templates).

Entries are keyed by a SHA-256 of everything the result depends on, so a hit is always the result
that step would compute; a missing, stale or unwritable cache only costs time. Location:
$SDKGEN_CACHE_DIR (default ~/.cache/sdkgen); SDKGEN_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


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
