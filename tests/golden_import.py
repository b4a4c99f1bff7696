"""Import a golden case's package, generated afresh into a temporary directory, for behaviour
tests over the mock (the golden trees themselves leave the runtime out)."""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from generator.pipeline import build
from generator.write import write_tree

GOLDEN = Path(__file__).parent / "golden"


@contextlib.contextmanager
def golden_package(case: str, out: Path) -> Iterator[ModuleType]:
    """The package of tests/golden/<case>, importable while the context lasts."""
    api, files = build(GOLDEN / case / "spec.yaml")
    write_tree(out / api.package, files)
    root = str(out / api.package)
    sys.path.insert(0, root)
    try:
        yield importlib.import_module(api.package)
    finally:
        sys.path.remove(root)
        for name in [n for n in sys.modules if n == api.package or n.startswith(api.package + ".")]:
            del sys.modules[name]
