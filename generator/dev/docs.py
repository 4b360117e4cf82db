"""Reference documentation generated from the code, so it cannot drift.

`python -m generator.dev.docs` rewrites docs/configuration.md and docs/problems.md; a
test checks the committed files match.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from generator.config.schema import REQUIRED, iter_options
from generator.core.kinds import KINDS


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
        "generated from the schema in `generator/config/schema.py` (run `python -m "
        "generator.dev.docs` after changing it). Unknown options are errors, and every",
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


STAGES = {"reading": "Reading an export file", "mapping": "Mapping a row to a record",
          "checks": "Checks across fields and rows", "pages": "Making the pages",
          "content": "Comms staff's pages (site_src/)"}


def problems_reference() -> str:
    """docs/problems.md: every kind of problem the build reports, from the catalogue."""
    lines = [
        "# Problems the build reports",
        "",
        "Every problem is a row of `reports/issues.csv` (and of the summary the command",
        "prints) naming the file, row and column, with one of the kinds below. An",
        "**error** leaves the row out of the site (`--strict` fails the build); a",
        "**warning** keeps it. A kind marked *whole file* can also stop a file being",
        "read at all. Generated from `generator/core/kinds.py` (run `python -m",
        "generator.dev.docs` after changing it).",
    ]
    for stage, title in STAGES.items():
        lines += ["", f"## {title}", "", "| kind | severity | what it means | how to fix it |",
                  "| --- | --- | --- | --- |"]
        for kind in KINDS.values():
            if kind.where == stage:
                severity = kind.severity.value
                if kind.fatal:
                    severity = ("error, whole file" if kind.severity.value == "error"
                                else f"{severity}, or error for the whole file")
                lines.append(f"| `{kind.code}` | {severity} | {kind.means} | {kind.fix} |")
    return "\n".join(lines) + "\n"


def hosting_examples() -> dict[str, str]:
    """docs/hosting/: the server configuration `enforcement-site hosting` writes, for the
    example configuration (enforcement-site.yml), as docs/publishing.md shows it."""
    from generator.config.schema import load_config
    from generator.publish.hosting import hosting_files

    repo = Path(__file__).resolve().parents[2]
    config = load_config(repo / "enforcement-site.yml")
    return {f"docs/hosting/{f.name}": f.text for f in hosting_files(config)}


REFERENCES = {"docs/configuration.md": configuration_reference,
              "docs/problems.md": problems_reference}


def main() -> int:
    texts = {name: make() for name, make in REFERENCES.items()} | hosting_examples()
    for name, text in texts.items():
        target = Path(name)
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
