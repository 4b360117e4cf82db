"""Reference documentation generated from the code, so it cannot drift.

`python -m generator.docs` rewrites docs/configuration.md; a test checks the committed
file matches.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .config import REQUIRED, iter_options


def _default(value: Any) -> str:
    if value is REQUIRED:
        return "**required**"
    if value is None:
        return ""
    if value == "" or value == [] or value == {}:
        return "(empty)"
    return f"`{value}`"


def configuration_reference() -> str:
    lines = [
        "# Configuration reference",
        "",
        "The site is configured by `enforcement-site.yml`. Every option is listed here,",
        "generated from the schema in `generator/config.py` (run `python -m "
        "generator.docs` after changing it). Unknown options are errors, and every",
        "problem in the file is reported at once.",
        "",
    ]
    for name, doc, default in iter_options():
        if "." not in name:
            lines += ["", f"## `{name}`", "", doc, "", "| option | default | meaning |",
                      "| --- | --- | --- |"]
            if default is not None:
                lines.append(f"| `{name}` | {_default(default)} | {doc} |")
            continue
        lines.append(f"| `{name}` | {_default(default)} | {doc} |")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def main() -> int:
    target = Path("docs/configuration.md")
    target.parent.mkdir(exist_ok=True)
    target.write_text(configuration_reference(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
