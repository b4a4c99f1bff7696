"""`python -m generator generate …` when nothing changed, answered without click or any stage.

The command line's usual forms (`generate [SPEC …] [-o OUT] [--strict | --lenient]`) are read
here; when every spec's run stamp (generator/stamp.py) says its package is already what a run would
write, this prints what `generate` prints for such a run, exactly, and the process ends. Anything
else (another command or option, a miss, a package to remove) is left to generator.cli, which runs
as always, so this only ever answers for a run that would have changed nothing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from generator import escape, stamp
from generator.baseline import Baselines, orphans
from generator.layout import OUTPUT_DIR, SPECS_DIR, discover


def _arguments(argv: list[str]) -> tuple[list[Path], Path, bool, bool] | None:
    """(specs, output, strict, lenient) of a plain `generate` command line; None for any other."""
    if not argv or argv[0] != "generate":
        return None
    specs: list[Path] = []
    output, strict, lenient = OUTPUT_DIR, False, False
    rest = iter(argv[1:])
    for arg in rest:
        if arg in ("-o", "--output"):
            value = next(rest, None)
            if value is None or value.startswith("-"):
                return None
            output = Path(value)
        elif arg.startswith("--output="):
            output = Path(arg.removeprefix("--output="))
        elif arg == "--strict":
            strict = True
        elif arg == "--lenient":
            lenient = True
        elif arg.startswith("-") or not arg:
            return None  # --help, --, an option this does not know: click decides
        else:
            specs.append(Path(arg))
    if strict and lenient:
        return None
    return specs, output, strict, lenient


def main(argv: list[str]) -> bool:
    """Answer the command if it is a `generate` that would change nothing; False otherwise."""
    parsed = _arguments(argv)
    if parsed is None:
        return False
    specs, output, strict, lenient = parsed
    found = specs or discover(SPECS_DIR)
    if not found:
        return False
    baselines = Baselines(output)
    lines: list[tuple[bool, str]] = []
    packages = set()
    for spec in found:
        started = time.perf_counter()
        record = stamp.lookup(spec, output, strict, lenient, baselines)
        if record is None:
            return False
        packages.add(record.package)
        lines += stamp.replayed(record, time.perf_counter() - started)
    if not specs and orphans(output, packages):
        return False
    for err, line in lines:
        print(escape.terminal(line), file=sys.stderr if err else sys.stdout)
    return True
