"""`python -m generator` runs the enforcement-site command."""

import sys

from .cli import main

sys.exit(main())
