"""Golden trees: tests/golden/<case>/spec.yaml (plus any fragments it $refs) and expected/, the package
the generator makes from it. `python -m tests.golden_tool regen` (make regen-golden) rewrites every
expected/ tree; review that diff like code.

The hand-written runtime (<package>/_runtime/) is left out of golden trees: it is copied verbatim, has
its own tests, and the generated/ drift test covers its copy. For the same reason the manifest's digest
of the runtime (api.json's `runtime_digest`) is replaced by a placeholder. Everything else is compared
byte for byte. Each case is generated as a first version (no package to replace).
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path, PurePosixPath

from generator.manifest import PATH as MANIFEST
from generator.pipeline import build
from generator.write import write_tree

GOLDEN = Path(__file__).parent / "golden"
_RUNTIME_DIGEST = re.compile(r'"runtime_digest": "sha256:[0-9a-f]{64}"')
RUNTIME_PLACEHOLDER = '"runtime_digest": "(left out of golden trees, like the runtime)"'


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "spec.yaml").is_file())


def generate(case: Path) -> dict[PurePosixPath, str]:
    _, files = build(case / "spec.yaml")
    out = {path: text for path, text in files.items() if "_runtime" not in path.parts}
    out[MANIFEST] = _RUNTIME_DIGEST.sub(RUNTIME_PLACEHOLDER, out[MANIFEST], count=1)
    return out


def expected(case: Path) -> dict[PurePosixPath, str]:
    root = case / "expected"
    return {
        PurePosixPath(p.relative_to(root).as_posix()): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def tree_diff(want: dict[PurePosixPath, str], got: dict[PurePosixPath, str]) -> str:
    out = []
    for path in sorted(set(want) | set(got)):
        if want.get(path) != got.get(path):
            out.extend(
                difflib.unified_diff(
                    want.get(path, "").splitlines(keepends=True),
                    got.get(path, "").splitlines(keepends=True),
                    fromfile=f"expected/{path}" if path in want else "/dev/null",
                    tofile=f"generated/{path}" if path in got else "/dev/null",
                )
            )
    return "".join(out)


def regen() -> None:
    for case in cases():
        result = write_tree(case / "expected", generate(case))
        print(
            f"{case.name}: {result.written} written, {result.unchanged} unchanged, {result.removed} removed"
        )


if __name__ == "__main__":
    if sys.argv[1:] != ["regen"]:
        sys.exit("usage: python -m tests.golden_tool regen")
    regen()
