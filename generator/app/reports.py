"""Stage: the internal reports in reports/ (never inside the site).

They count what was read, published, withheld, rejected, redacted and suppressed.
They never contain a redacted value, a snippet of one or a hash of one.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from generator.app.result import Build, BuildFailed, cannot_write
from generator.core.kinds import KINDS
from generator.core.problems import Problems
from generator.core.untrusted import csv_text


def _late_entries(build: Build) -> list[list[str]]:
    if build.public is None:
        return []
    deadline = build.config.register.entry_deadline_days
    rows = []
    for n in build.public.register:
        event = n.event_date
        if event and n.entered_on_register and (n.entered_on_register - event).days > deadline:
            rows.append([n.reference, event.isoformat(), n.entered_on_register.isoformat(),
                         str((n.entered_on_register - event).days)])
        elif event and not n.entered_on_register:
            rows.append([n.reference, event.isoformat(), "", "entry date not recorded"])
    return rows


def audit(build: Build) -> dict[str, Any]:
    out: dict[str, Any] = {"reconciliation": build.ledger.summary(),
                           "withheld and merged": build.ledger.reasons(),
                           "problems by kind": dict(sorted(build.problems.by_kind().items())),
                           "content findings by kind": dict(sorted(
                               build.content.by_kind().items()))}
    if build.public is not None:
        a = build.public.audit
        out["records in"] = dict(sorted(a.records_in.items()))
        out["records out"] = dict(sorted(a.records_out.items()))
        out["fields dropped"] = dict(sorted(a.fields_dropped.items()))
        out["redactions by kind"] = dict(sorted(a.redactions.items()))
    if build.stats is not None:
        suppressed: Counter[str] = Counter()
        for table in build.stats.tables:
            hidden = sum(cell == "[c]" for row in table.rows for cell in row)
            if hidden:
                suppressed[table.slug] = hidden
        out["cells suppressed"] = dict(sorted(suppressed.items()))
    if build.leaks is not None:
        out["leak scan"] = {"files scanned": build.leaks.files_scanned,
                            "values searched": build.leaks.values_searched,
                            "hits": dict(sorted(build.leaks.hits.items()))}
    return out


def audit_markdown(data: dict[str, Any]) -> str:
    lines = ["# Build audit", ""]
    for section, content in data.items():
        lines += [f"## {section.capitalize()}", ""]
        if isinstance(content, dict) and content:
            for key, value in content.items():
                if isinstance(value, dict):
                    detail = ", ".join(f"{k}: {v}" for k, v in value.items())
                    lines.append(f"- {key}: {detail}")
                else:
                    lines.append(f"- {key}: {value}")
        else:
            lines.append("- none")
        lines.append("")
    return "\n".join(lines)


def _csv(header: list[str], rows: list[list[str]]) -> str:
    """A report CSV; references come from the export, so a cell that a spreadsheet
    would run as a formula is made text."""
    return csv_text([header, *rows])


def content_rows(content: Problems) -> list[list[str]]:
    """What the checks found in comms staff's pages, page by page, line by line, each
    with what to do about it (from the catalogue of kinds)."""
    return [[p.file, str(p.row or ""), p.kind, p.severity, p.message, KINDS[p.kind].fix]
            for p in sorted(content, key=lambda p: (p.file, p.row or 0, p.kind, p.message))]


CONTENT_HEADER = ["page", "line", "kind", "severity", "message", "fix"]


def content_table(content: Problems, limit: int = 50) -> str:
    """The console section for comms staff: one line per finding, errors first."""
    rows = sorted(content_rows(content), key=lambda r: r[3] != "error")
    lines = [f"{severity.upper():7} {page}, line {line}: {message}"
             for page, line, _, severity, message, _ in rows[:limit]]
    if len(rows) > limit:
        lines.append(f"... and {len(rows) - limit} more (see reports/content.csv)")
    return "\n".join(lines)


def write_all(build: Build, folder: Path) -> None:
    if build.mapping is None:
        return  # the configuration failed before any data was read: keep the old reports
    folder.mkdir(parents=True, exist_ok=True)
    build.problems.write_csv(folder / "issues.csv")
    if build.content_checked:  # else the last build's list stands: nothing newer is known
        (folder / "content.csv").write_text(
            _csv(CONTENT_HEADER, content_rows(build.content)), encoding="utf-8")
    summary = build.ledger.summary()
    (folder / "reconciliation.csv").write_text(_csv(
        ["file", *next(iter(summary.values()), {"read": 0}).keys()],
        [[f, *map(str, row.values())] for f, row in summary.items()]), encoding="utf-8")
    data = audit(build)
    (folder / "audit.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    (folder / "audit.md").write_text(audit_markdown(data), encoding="utf-8")
    (folder / "late-entries.csv").write_text(_csv(
        ["reference", "served or issued", "entered on register", "days"],
        _late_entries(build)), encoding="utf-8")
    (folder / "build.json").write_text(json.dumps(
        {"stage seconds": build.timings}, indent=2) + "\n", encoding="utf-8")


def write_whatever_happened(result: Build, reports_dir: Path) -> None:
    """The reports, whatever happened. When the build is failing already, a report that
    cannot be written (a full disk) must not hide why it failed."""
    failing = sys.exc_info()[1] is not None
    try:
        write_all(result, reports_dir)
    except OSError as exc:
        if not failing:
            published = result.leaks is not None and result.leaks.clean
            raise BuildFailed(("the site was published, but its reports " if published
                               else "the reports ") + cannot_write(exc),
                              published=published) from None
