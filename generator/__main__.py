"""`python -m generator` runs the command-line interface."""

from generator.cli import main

main()
