"""Format stage: black, in-process, with one fixed mode (black is pinned exactly in pyproject.toml).

Formatting is the slowest step of a generation, so results are cached by the text's hash: a file whose
rendered text has not changed since the last run is not formatted again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import PurePosixPath

import black

MODE = black.Mode(
    target_versions={black.TargetVersion.PY311},
    line_length=100,
    string_normalization=True,
    magic_trailing_comma=True,
)

_cache: dict[str, str] = {}


class FormatError(Exception):
    """Generated code that black cannot parse: a generator bug, reported with the file name."""


def format_python(path: PurePosixPath, text: str) -> str:
    key = hashlib.sha256(text.encode()).hexdigest()
    cached = _cache.get(key)
    if cached is not None:
        return cached
    try:
        result = black.format_str(text, mode=MODE)
    except black.InvalidInput as exc:
        raise FormatError(f"{path}: generated code does not parse: {exc}") from None
    _cache[key] = result
    return result


def format_files(files: Mapping[PurePosixPath, str]) -> dict[PurePosixPath, str]:
    """Python files through black; everything else with normalised line endings and one final newline."""
    out = {}
    for path, text in files.items():
        text = text.replace("\r\n", "\n")
        if path.suffix == ".py":
            text = format_python(path, text)
        out[path] = text.rstrip("\n") + "\n"
    return out
