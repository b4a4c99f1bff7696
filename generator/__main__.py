"""`python -m generator` (and `sdkgen`) run the command-line interface.

A `generate` that would change nothing is answered by generator.replay without importing click or
any stage; everything else goes to generator.cli.
"""

import gc
import os
import sys
from typing import NoReturn

from generator import replay


def batch_gc() -> None:
    """Set the cyclic garbage collector for one run of the generator, a short process that builds
    a large tree of objects with few cycles in it. At the default thresholds the collector's
    passes over that tree cost ~8% of a cold run and free little, so here they run rarely: the
    youngest generation after 200,000 allocations instead of 700, the older ones hardly ever.
    Peak memory grows by 2 MB on the Video spec (57 to 59 MB) and on a 1,000-operation one."""
    gc.set_threshold(200_000, 1_000, 1_000)


def hard_exit(code: int) -> NoReturn:
    """End the process with `code` once what it printed is flushed, without the interpreter's
    teardown: freeing every object of a run, module by module, costs ~5% of a cold run and does
    nothing a finished run needs (files are written and closed, worker processes joined, caches
    stored before a command returns). As at Python's own exit, output that cannot be flushed (a
    full disk, a closed pipe) makes the status 120. Under a profiler or tracer (cProfile,
    coverage) the process exits normally, so they can write what they gathered."""
    failed = False
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            failed = True
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(120 if failed else code)
    os._exit(120 if failed else code)


def _status(exc: SystemExit) -> int:
    """The exit status `raise SystemExit(code)` gives (a message is printed, as Python does)."""
    if exc.code is None or isinstance(exc.code, int):
        return exc.code or 0
    print(exc.code, file=sys.stderr)
    return 1


def run() -> None:
    if replay.main(sys.argv[1:]):
        hard_exit(0)
    from generator.cli import main

    if sys.argv[1:2] != ["mock"]:  # a server runs for as long as it is wanted
        batch_gc()
    try:
        main()
    except SystemExit as exc:
        hard_exit(_status(exc))
    hard_exit(0)


if __name__ == "__main__":
    run()
