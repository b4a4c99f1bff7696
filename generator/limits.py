"""The limits every spec is held to, in one place (documented in CONTRIBUTING.md, "Limits").

A spec is untrusted input: without bounds, a small file can exhaust memory (YAML aliases or `$ref`s
that expand exponentially), the stack (deep nesting) or the file system (names too long for a file).
Each limit is far above what a real API description needs; past it, the spec is refused with a
located problem before the expensive work starts.
"""

from __future__ import annotations

import hashlib

# Bytes in one spec file (the root or any file it references).
MAX_FILE_BYTES = 16 * 1024 * 1024

# Nesting of mappings and lists, counted from the document root, in each file and in the bundled
# document. The deepest real spec here nests 15 levels; every stage is tested at this depth.
MAX_DEPTH = 64

# Nodes in the bundled document, with every inlined `$ref` and every YAML alias counted as often
# as it appears.
MAX_NODES = 1_000_000

# Nodes the bundle repeats because an external `$ref` target not listed in the root's components is
# inlined at more than one place (each repeat is a full copy).
MAX_REPEATED_NODES = 50_000

# Nodes reached through YAML aliases in one file (each alias counts the size of what it repeats).
MAX_ALIAS_NODES = 100_000

# Digits in an integer: Python's own default limit for int() of a decimal string, so every accepted
# integer can be written as a literal in generated code.
MAX_INT_DIGITS = 4300

# Bytes in the name of a file or folder the generator writes (most file systems allow 255; room is
# left for the `.name.XXXXXXXX` staging folders of the write stage).
MAX_FILE_NAME = 200


def fit_file_name(stem: str, suffix: str = ".py") -> str:
    """`stem`, or when `stem + suffix` is longer than MAX_FILE_NAME bytes, its start and a hash of
    the whole of it (stable, so the same name always gives the same file)."""
    if len((stem + suffix).encode()) <= MAX_FILE_NAME:
        return stem
    digest = hashlib.sha256(stem.encode()).hexdigest()[:12]
    keep = MAX_FILE_NAME - len(suffix.encode()) - len(digest) - 1
    return stem.encode()[:keep].decode(errors="ignore").rstrip("_") + "_" + digest
