"""Format stage: black's output in one fixed mode (black is pinned exactly in pyproject.toml).

Black is the authority but costs ~40 ms per operation, so a file is sent through it only when
generator.stable cannot tell black's output from the code's shape (in practice a file with a line
black wraps in parentheses of its own, such as a long conditional expression). Results are kept in a
content-addressed cache (see generator.cache), one pack per package: a file whose rendered text is
unchanged since the package's last run is not formatted again.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from generator import stable
from generator.cache import DiskCache, installed_version, pack_of

if TYPE_CHECKING:
    import black

# The one fixed mode, as data: importing black costs more than an unchanged regeneration's whole
# floor, so it is imported only when some file actually has to be formatted (a cache miss).
MODE_SETTINGS = "target_versions={py311} line_length=100 string_normalization magic_trailing_comma"


@functools.cache
def mode() -> black.Mode:
    import black

    return black.Mode(
        target_versions={black.TargetVersion.PY311},  # type: ignore[attr-defined]
        line_length=100,
        string_normalization=True,
        magic_trailing_comma=True,
    )


class FormatError(Exception):
    """Generated code that black cannot parse: a generator bug, reported with the file name."""


# Below this many files to format, starting worker processes costs more than it saves.
_PARALLEL_THRESHOLD = 24

# The runtime is copied verbatim from templates/runtime/, which is kept black-stable in this mode
# (tests/test_format.py; `make check` runs black over generated/): formatting it again would cost a
# fifth of a cold run and change nothing.
VERBATIM_FOLDER = "_runtime"


def already_formatted(path: PurePosixPath) -> bool:
    return VERBATIM_FOLDER in path.parts[:-1]


def _black(item: tuple[PurePosixPath, str]) -> tuple[PurePosixPath, str | None, str]:
    import black

    path, text = item
    try:
        return path, black.format_str(text, mode=mode()), ""
    except black.InvalidInput as exc:  # type: ignore[attr-defined]
        return path, None, str(exc)


def format_files(files: Mapping[PurePosixPath, str]) -> dict[PurePosixPath, str]:
    """Python files as black writes them; everything else with LF line endings and one final newline.

    Files whose text is in the cache are not formatted again; of the rest, those the fast path
    cannot vouch for go through black, in parallel when there are enough of them (each file
    independently, so the result is the same).
    """
    # black's output either way, but a fast-path fix must never meet an entry the old one wrote
    fast = hashlib.sha256(Path(stable.__file__).read_bytes()).hexdigest()[:16]
    cache = DiskCache(
        "black", f"black {installed_version('black')} {MODE_SETTINGS} fast path {fast}"
    )
    texts = {path: text.replace("\r\n", "\n") for path, text in files.items()}
    keys = {
        path: cache.key(text.encode())
        for path, text in texts.items()
        if path.suffix == ".py" and not already_formatted(path)
    }
    pack = pack_of(texts)
    known = cache.get_pack(pack)
    done = {path: known.get(key) for path, key in keys.items()}
    for path, value in done.items():
        if value is None:
            done[path] = stable.stable_text(texts[path])
    todo = [(path, texts[path]) for path, value in done.items() if value is None]
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) >= _PARALLEL_THRESHOLD and workers > 1:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_black, todo, chunksize=8))
    else:
        results = [_black(item) for item in todo]
    for path, formatted, error in sorted(results, key=lambda r: str(r[0])):
        if formatted is None:
            raise FormatError(f"{path}: generated code does not parse: {error}")
        done[path] = formatted
    entries = {keys[path]: value for path, value in done.items() if value is not None}
    if entries != {key: known[key] for key in entries if key in known}:
        cache.put_pack(pack, entries)
    out = {}
    for path, text in texts.items():
        text = done.get(path) or text
        out[path] = text.rstrip("\n") + "\n"
    return out
