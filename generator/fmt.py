"""Format stage: black, in-process, with one fixed mode (black is pinned exactly in pyproject.toml).

Black is most of a generation's time, so results are kept in a content-addressed cache (see
generator.cache): a file whose rendered text is unchanged since any earlier run is not formatted again.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Mapping
from pathlib import PurePosixPath

import black

from generator.cache import DiskCache

MODE = black.Mode(
    target_versions={black.TargetVersion.PY311},  # type: ignore[attr-defined]
    line_length=100,
    string_normalization=True,
    magic_trailing_comma=True,
)


class FormatError(Exception):
    """Generated code that black cannot parse: a generator bug, reported with the file name."""


def format_python(path: PurePosixPath, text: str, cache: DiskCache | None = None) -> str:
    key = cache.key(text.encode()) if cache else ""
    cached = cache.get(key) if cache else None
    if cached is not None:
        return cached
    try:
        result = black.format_str(text, mode=MODE)
    except black.InvalidInput as exc:  # type: ignore[attr-defined]
        raise FormatError(f"{path}: generated code does not parse: {exc}") from None
    if cache:
        cache.put(key, result)
    return result


def format_files(files: Mapping[PurePosixPath, str]) -> dict[PurePosixPath, str]:
    """Python files through black; everything else with LF line endings and one final newline."""
    cache = DiskCache("black", f"black {importlib.metadata.version('black')} {MODE!r}")
    out = {}
    for path, text in files.items():
        text = text.replace("\r\n", "\n")
        if path.suffix == ".py":
            text = format_python(path, text, cache)
        out[path] = text.rstrip("\n") + "\n"
    return out
