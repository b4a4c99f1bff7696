"""What a generator run spends before and besides its stages: it imports no module it has no use
for, and its modules are cheap to import."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_cli import SPEC

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import json, sys
from generator.cli import main
try:
    main(["generate", sys.argv[1], "-o", sys.argv[2]])
except SystemExit as exc:
    assert not exc.code, exc.code
unwanted = ("importlib.metadata", "packaging.requirements")
print(json.dumps(sorted(m for m in unwanted if m in sys.modules)))
"""


def test_a_cold_generate_imports_no_metadata_machinery(tmp_path: Path) -> None:
    """importlib.metadata and packaging's requirement parser cost tens of milliseconds together:
    versions are read from folder names (generator/cache.py)."""
    spec = tmp_path / "tiny.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SDKGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(spec), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []


def test_every_dataclass_of_the_generator_has_a_docstring() -> None:
    """Without one, dataclasses writes a docstring from inspect.signature at import: about half
    of what making the class costs."""
    missing = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef) or ast.get_docstring(node) is not None:
                continue
            if any("dataclass" in ast.unparse(d) for d in node.decorator_list):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert missing == []
