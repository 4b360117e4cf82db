"""Stage: the internal reports in reports/ (never inside the site).

They count what was read, published, withheld, rejected, redacted and suppressed.
They never contain a redacted value, a snippet of one or a hash of one.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from generator.app.result import Build, BuildFailed, cannot_write
from generator.core.errors import GeneratorError
from generator.core.kinds import KINDS
from generator.core.problems import Problems
from generator.core.untrusted import csv_text
from generator.site.tracker import TRACK_PAGE

SUMMARY = "summary.md"
SHOWN_KINDS = 10


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
        result = build.stats.audit
        out["intruder audit"] = {"hidden counts": result.hidden,
                                 "hidden counts checked": result.checked,
                                 "linear programs solved": result.linear_programs,
                                 "hidden counts narrowed": len(result.findings),
                                 "passed": "yes" if result.passed else "no"}
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


def _disclosure_rows(build: Build) -> list[list[str]]:
    """Each hidden count (by name: table, period, row and column, never its value or
    its interval) and what the intruder audit found about it."""
    assert build.stats is not None
    found = {f.key: f.reason for f in build.stats.audit.findings}
    return [[q.table, q.key, found.get(q.key, "protected")]
            for q in sorted(build.stats.model.quantities.values(),
                            key=lambda q: (q.table, q.key)) if q.hidden]


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
    if build.stats is not None:
        (folder / "disclosure-audit.csv").write_text(_csv(
            ["table", "hidden count", "result"], _disclosure_rows(build)), encoding="utf-8")
    late = folder / "late-entries.csv"
    if build.mapping.mapped("notices", "entered_on_register"):
        late.write_text(_csv(["reference", "served or issued", "entered on register", "days"],
                             _late_entries(build)), encoding="utf-8")
    else:  # without entry dates, every entry would be listed: no report, not a false one
        late.unlink(missing_ok=True)
    (folder / "withheld.csv").write_text(_csv(
        ["file", "row", "reference", "why"],
        [[s.file, str(s.row), label, reason] for s, label, reason in build.ledger.withheld()]),
        encoding="utf-8")
    matches = build.dataset.address_matches if build.dataset is not None else []
    (folder / "address-matches.csv").write_text(_csv(
        ["file", "row", "reference", "address", "gazetteer address", "uprn", "score", "used"],
        [[m.file, str(m.row), m.reference, m.address, m.matched, m.uprn, f"{m.score:g}",
          "yes" if m.used else f"no: {m.note or 'below the threshold'}"] for m in matches]),
        encoding="utf-8")
    (folder / "build.json").write_text(json.dumps(
        {"stage seconds": build.timings}, indent=2) + "\n", encoding="utf-8")


TRACKER_CODES = "tracker-codes.csv"
# The mail-merge fields of reports/tracker-codes.csv (docs/tracker.md).
TRACKER_COLUMNS = ["reference", "access_code", "track_page"]


def write_tracker_codes(build: Build, folder: Path) -> None:
    """reports/tracker-codes.csv: each tracked case's access code, for the council's
    letters; readable by its owner only, as the codes open the cases' progress. Removed
    when the tracker is off, so that no letter goes out with a code that does not work."""
    path = folder / TRACKER_CODES
    if build.tracker_key is None:
        path.unlink(missing_ok=True)
        return
    page = (build.config.site.url or "/") + TRACK_PAGE
    text = _csv(TRACKER_COLUMNS, [[c.reference, c.access_code, page]
                                  for c in build.tracker_codes])
    folder.mkdir(parents=True, exist_ok=True)
    # Written under another name and renamed: a reader never sees half a file, and the
    # file is never readable by others, not even for a moment.
    partial = folder / f".{TRACKER_CODES}.partial"
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.replace(partial, path)


def summary_markdown(build: Build | None, failure: BaseException | None,
                     published: bool = False) -> str:
    """What happened, in plain English for the council's data officer: the nightly
    workflow shows it as the job's summary. It quotes no value from the export (only
    counts, the catalogue's words for each kind of problem, and the failure's own
    message, which the log shows anyway), because a workflow's summary can be public."""
    lines: list[str] = []
    if failure is None or published:
        lines += ["# The site was updated", ""]
        if failure is not None:
            lines += [f"The new site was published, but then: {_reason(failure)}", ""]
    else:
        lines += ["# The site was NOT updated", "",
                  "**The site people see has not changed**: it is still the last one "
                  "that passed every check. Nothing was lost.", "",
                  "## What went wrong", "", _reason(failure), "",
                  "## What to do", "", *_advice(failure), ""]
    if build is not None and build.public is not None:
        lines += [f"Data up to {build.public.export_date:%-d %B %Y}: "
                  f"{len(build.public.register):,} notices on the register and "
                  f"{len(build.public.other_notices):,} other notices.", ""]
    if build is not None and build.ledger.summary():
        summary = build.ledger.summary()
        columns = list(next(iter(summary.values())).keys())
        lines += ["## Rows read from the export", "",
                  "| file | " + " | ".join(columns) + " |",
                  "| --- |" + " --- |" * len(columns)]
        lines += [f"| {file} | " + " | ".join(f"{v:,}" for v in row.values()) + " |"
                  for file, row in summary.items()]
        lines.append("")
    if build is not None and len(build.problems):
        lines += ["## Problems in the export", "",
                  "A row with an error is left out of the site; a warning keeps it. The "
                  "full list, row by row, is reports/issues.csv.", "",
                  "| rows | problem | what it means | how to fix it |",
                  "| --- | --- | --- | --- |"]
        for code, count in build.problems.by_kind().most_common(SHOWN_KINDS):
            kind = KINDS[code]
            lines.append(f"| {count:,} | {kind.severity.value}: `{code}` | {kind.means} "
                         f"| {kind.fix} |")
        lines.append("")
    return "\n".join(lines)


def _reason(failure: BaseException) -> str:
    if isinstance(failure, GeneratorError):
        return failure.explain()
    if isinstance(failure, OSError):
        return cannot_write(failure)
    return (f"an unexpected error ({type(failure).__name__}). This is a fault in the "
            "generator, not in your data: please report it with the log of this run.")


def _advice(failure: BaseException) -> list[str]:
    text = str(failure)
    advice = []
    if "leak scan" in text:
        advice.append("- The site would have shown personal data (a name, an email "
                      "address or a phone number from the export) where it must not. "
                      "Check in data/mapping.yml that no column holding people's details "
                      "is mapped to a published field, and that names are in the "
                      "columns the mapping marks as people. Do not publish until it is "
                      "fixed.")
    if "--accept-drop" in text:
        advice.append("- If the fall is real (many notices withdrawn at once), run the "
                      "build once with --accept-drop: on GitHub, run the workflow by hand "
                      "after setting it (docs/publishing.md).")
    if "--strict" in text:
        advice.append("- Correct the rows listed in reports/issues.csv in the back-office "
                      "system, or turn off STRICT_EXPORT to leave bad rows out.")
    advice += [
        "- Read the message above, and the tables below: they say which file and which "
        "kind of problem.",
        "- Download the reports (the workflow's `reports` artifact, or the reports/ "
        "folder) for the details.",
        "- Fix the export or data/mapping.yml, then run the build again (on GitHub: "
        "Actions, Nightly build and publish, Run workflow). Otherwise tomorrow night's "
        "build tries again with tomorrow's export.",
    ]
    return advice


def write_summary(reports_dir: Path, build: Build | None, failure: BaseException | None,
                  published: bool = False) -> None:
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / SUMMARY).write_text(summary_markdown(build, failure, published),
                                       encoding="utf-8")


def write_whatever_happened(result: Build, reports_dir: Path, summary: bool = False) -> None:
    """The reports, whatever happened (with `summary`, a build's: summary.md too). When
    the build is failing already, a report that cannot be written (a full disk) must not
    hide why it failed."""
    failure = sys.exc_info()[1]
    failing = failure is not None
    try:
        write_all(result, reports_dir)
        if summary:
            write_summary(reports_dir, result, failure,
                          published=isinstance(failure, BuildFailed) and failure.published)
    except OSError as exc:
        if not failing:
            published = result.leaks is not None and result.leaks.clean
            raise BuildFailed(("the site was published, but its reports " if published
                               else "the reports ") + cannot_write(exc),
                              published=published) from None
