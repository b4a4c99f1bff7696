"""Golden trees: tests/golden/<case>/spec.yaml (plus any fragments it $refs) and expected/, the package
the generator makes from it. `python -m tests.golden_tool regen` (make regen-golden) rewrites every
expected/ tree; review that diff like code.

The hand-written runtime (<package>/_runtime/) is left out of golden trees: it is copied verbatim, has
its own tests, and the generated/ drift test covers its copy. Everything else is compared byte for byte.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path, PurePosixPath

from generator.pipeline import build
from generator.write import write_tree

GOLDEN = Path(__file__).parent / "golden"


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "spec.yaml").is_file())


def generate(case: Path) -> dict[PurePosixPath, str]:
    _, files = build(case / "spec.yaml")
    return {path: text for path, text in files.items() if "_runtime" not in path.parts}


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
