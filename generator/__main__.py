"""`python -m generator` (and `sdkgen`) run the command-line interface.

A `generate` that would change nothing is answered by generator.replay without importing click or
any stage; everything else goes to generator.cli.
"""

import sys

from generator import replay


def run() -> None:
    if not replay.main(sys.argv[1:]):
        from generator.cli import main

        main()


if __name__ == "__main__":
    run()
