"""`python -m generator` runs the enforcement-site command."""

from .cli import run

run()
