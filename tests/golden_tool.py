"""Golden trees: tests/golden/<case>/spec.yaml (plus any fragments it $refs) and expected/, the package
the generator makes from it. `python -m tests.golden_tool regen` (make regen-golden) rewrites every
expected/ tree, and tests/golden_changes/expected/ (below); review that diff like code.

tests/golden_changes/: spec.yaml and steps.yaml, a series of edits (JSON Patch operations) applied one
after the other, each regeneration replacing the package the step before made. expected/report.txt is
what each step reports (changes, version), expected/CHANGELOG.md the changelog after the last step.

The hand-written runtime (<package>/_runtime/) is left out of golden trees: it is copied verbatim, has
its own tests, and the generated/ drift test covers its copy. For the same reason the manifest's digest
of the runtime (api.json's `runtime_digest`) is replaced by a placeholder. Everything else is compared
byte for byte. Each case is generated as a first version (no package to replace).
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from generator import manifest
from generator.manifest import PATH as MANIFEST
from generator.pipeline import Build, build
from generator.pipeline import generate as generate_package
from generator.release import Previous, report
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


# ----------------------------------------------------------------------------- a series of changes

CHANGES = Path(__file__).parent / "golden_changes"


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def apply_edit(doc: Any, edit: dict[str, Any]) -> None:
    """One JSON Patch operation (RFC 6902's add, remove and replace) applied in place."""
    *parents, last = [_unescape(t) for t in edit["path"].split("/")[1:]]
    node = doc
    for token in parents:
        node = node[int(token)] if isinstance(node, list) else node[token]
    if isinstance(node, list):
        index = len(node) if last == "-" else int(last)
        if edit["op"] == "add":
            node.insert(index, edit["value"])
        elif edit["op"] == "remove":
            del node[index]
        else:
            node[index] = edit["value"]
    elif edit["op"] == "remove":
        del node[last]
    else:
        if edit["op"] == "replace" and last not in node:
            raise KeyError(f"replace: {edit['path']} does not exist")
        node[last] = edit["value"]


def previous_of(done: Build, where: str) -> Previous:
    return Previous(
        where,
        manifest.loads(done.files[manifest.PATH], where),
        done.files[manifest.CHANGELOG],
    )


def change_series() -> tuple[str, str, list[Build]]:
    """(report of every step, the final CHANGELOG.md, every step's build)."""
    spec = yaml.safe_load((CHANGES / "spec.yaml").read_text(encoding="utf-8"))
    steps = yaml.safe_load((CHANGES / "steps.yaml").read_text(encoding="utf-8"))
    lines: list[str] = []
    builds: list[Build] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.yaml"
        for number, step in enumerate([{"name": "spec.yaml", "edits": []}, *steps]):
            for edit in step["edits"]:
                apply_edit(spec, edit)
            path.write_text(json.dumps(spec, indent=1), encoding="utf-8")  # JSON is YAML
            before = previous_of(builds[-1], f"step {number - 1}") if builds else None
            done = generate_package(path, lambda _api, before=before: before)
            builds.append(done)
            lines += ["", f"## {number}. {step['name']}"] if lines else [f"## 0. {step['name']}"]
            lines += report(done.release)
            lines += [f"  warning: {w}" for w in done.release.warnings]
    return "\n".join(lines) + "\n", builds[-1].files[manifest.CHANGELOG], builds


def regen() -> None:
    for case in cases():
        result = write_tree(case / "expected", generate(case))
        print(
            f"{case.name}: {result.written} written, {result.unchanged} unchanged, {result.removed} removed"
        )
    transcript, changelog, _ = change_series()
    for name, text in (("report.txt", transcript), ("CHANGELOG.md", changelog)):
        (CHANGES / "expected" / name).write_text(text, encoding="utf-8")
    print("golden_changes: report.txt, CHANGELOG.md written")


if __name__ == "__main__":
    if sys.argv[1:] != ["regen"]:
        sys.exit("usage: python -m tests.golden_tool regen")
    regen()
