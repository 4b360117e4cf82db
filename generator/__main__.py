"""`python -m generator` runs the enforcement-site command."""

from generator.cli import run

run()
