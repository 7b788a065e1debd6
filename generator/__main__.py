"""`python -m generator` runs the command-line interface."""

from generator.commands.cli import run

run()
