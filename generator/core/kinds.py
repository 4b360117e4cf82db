"""The catalogue of problem kinds: every problem the generator reports is one of these.

Each kind has a stable code (reports and tests rely on it), a severity (an error leaves
the row out, a warning keeps it; `fatal` kinds can also make a whole file unusable), what
it means, and how to fix it. docs/problems.md is generated from this table (`python -m
generator.dev.docs`) and tested against it, and `Problems` refuses a kind it does not
list, so the documentation cannot fall behind the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # the row is rejected
    WARNING = "warning"  # the row is kept; someone should look


@dataclass(frozen=True)
class Kind:
    code: str
    severity: Severity
    where: str  # the stage that finds it: reading, mapping, checks, pages, content
    means: str
    fix: str
    fatal: bool = False  # can also stop a whole file being read


E, W = Severity.ERROR, Severity.WARNING
READING, MAPPING, CHECKS, PAGES, CONTENT = ("reading", "mapping", "checks", "pages",
                                            "content")

KINDS: dict[str, Kind] = {k.code: k for k in (
    # Reading an export file
    Kind("file-missing", E, READING, "An export file named in the mapping is not there.",
         "Check `files.<name>.path` in the mapping and that the export wrote the file.",
         fatal=True),
    Kind("file-unreadable", E, READING, "An export file could not be opened.",
         "Close the file in any program holding it, and check the build may read it.",
         fatal=True),
    Kind("file-empty", E, READING, "An export file (or its worksheet) holds no data.",
         "Run the export again; check its query or filter selects rows.", fatal=True),
    Kind("file-no-rows", E, READING, "An export file has a header row but no data rows.",
         "Run the export again; check its query or filter selects rows.", fatal=True),
    Kind("file-binary", E, READING,
         "A file is not CSV or an Excel .xlsx workbook (an image, a PDF, an old .xls...).",
         "Export the table again as CSV or .xlsx.", fatal=True),
    Kind("bad-encoding", E, READING,
         "The text cannot be read in the encoding the mapping gives (or is UTF-16).",
         "Set `encoding` in the mapping to the one the message suggests, or `auto`; "
         "save UTF-16 ('Unicode Text') files as 'CSV UTF-8'.", fatal=True),
    Kind("mixed-encoding", W, READING,
         "A UTF-8 file holds a few bytes that are not UTF-8; they were read as "
         "Windows-1252.",
         "Check the cell named: its accented letters may be wrong. Fix the record in the "
         "back office, or export the whole file in one encoding."),
    Kind("wrong-delimiter", E, READING,
         "The columns are separated by another character than the mapping says.",
         "Set `delimiter` in the mapping as the message suggests, or `auto`.", fatal=True),
    Kind("unclosed-quote", E, READING,
         "A quoted value never ends, so the rest of the file ran into it.",
         "Find the row named and add the missing closing quote (\"), or export again.",
         fatal=True),
    Kind("truncated-row", E, READING,
         "The file ends inside a quoted value: its last row looks cut short.",
         "Export the file again in full.", fatal=True),
    Kind("blank-header", W, READING,
         "A column has no name: at the end of the header it is ignored; between named "
         "columns the file cannot be read.",
         "Give every column a name in the export, or remove empty columns.", fatal=True),
    Kind("duplicate-header", E, READING, "Two columns have the same name.",
         "Rename one of them in the export.", fatal=True),
    Kind("missing-cells", E, READING, "A row has fewer values than the header has columns.",
         "Check the row for a missing separator or a line break inside a value."),
    Kind("extra-cells", E, READING,
         "A row has more values than the header has columns (often a separator inside a "
         "value that is not in quotes).",
         "Put the value in quotes, or remove the stray separator, in the export."),
    Kind("bad-xlsx", E, READING, "An Excel workbook is damaged or is not really a workbook.",
         "Open it in Excel, save it again as .xlsx, and run again.", fatal=True),
    Kind("sheet-missing", E, READING, "The workbook has no sheet with the name the mapping "
         "gives.", "Set `files.<name>.sheet` to one of the sheets the message lists.",
         fatal=True),
    Kind("formula-not-calculated", W, READING,
         "Workbook cells hold formulas whose results were never saved: they read as blank.",
         "Open the workbook in Excel and save it, so that the results are saved too."),
    Kind("merged-cells", W, READING,
         "Workbook cells are merged: every cell but the first reads as blank.",
         "Unmerge the cells and fill in each row's own value."),
    # Mapping a row to a record
    Kind("column-missing", E, MAPPING,
         "A column the mapping names is not in the file; every row of the file is left out.",
         "Correct the mapping (the message names the nearest header) or the export."),
    Kind("missing-reference", E, MAPPING,
         "A row has no reference, or one such as 'N/A'.",
         "Give the record its reference in the back office."),
    Kind("reference-too-long", E, MAPPING,
         "A reference is longer than any real reference (100 characters).",
         "Check the mapping's reference column names the right column."),
    Kind("bad-reference", E, MAPPING,
         "A reference holds a line break, a control or invisible character, or no letter "
         "or digit.", "Correct the reference in the back office."),
    Kind("missing-value", E, MAPPING, "A required value (a date received, a status, a "
         "notice type) is blank.", "Fill it in in the back office."),
    Kind("bad-date", E, MAPPING, "A date cannot be read in any of the mapping's date formats.",
         "Correct the date, or add its format to `date_formats` in the mapping."),
    Kind("bad-number", E, MAPPING, "A number (an easting, a northing...) is not a number.",
         "Correct the value in the back office."),
    Kind("unknown-code", E, MAPPING,
         "A code (priority, status, breach type, notice type...) is not in the mapping.",
         "Add the code under `files.<name>.codes.<field>` in the mapping, mapped to its "
         "canonical value."),
    Kind("unknown-stage-code", W, MAPPING,
         "A case's stage code (used only by the case tracker) is not in the mapping; the "
         "row is kept and the tracker shows the stages its dates give.",
         "Add the code under `files.cases.codes.stage` in the mapping, mapped to a "
         "tracker stage (see docs/tracker.md)."),
    Kind("unsafe-url", W, MAPPING,
         "A document link is not an https: or http: address; the link is left out.",
         "Correct the link in the back office."),
    Kind("duplicate-row", W, MAPPING,
         "A row repeats another row in every mapped column; it is counted once.",
         "Nothing needs doing; remove the repeat from the export if you can."),
    Kind("repeated-reference", W, MAPPING,
         "Distinct notices share a reference (`references.repeated: suffix`); the second "
         "and later are published with a suffix such as ' (2)'.",
         "Give each notice its own reference in the back office if you can."),
    Kind("generated-reference", W, MAPPING,
         "A notice has no reference, or one such as 'N/A' (`references.missing: "
         "generate`); it is published with a reference made from its details, marked as "
         "such on its page.", "Give the notice its reference in the back office."),
    Kind("duplicate-reference", E, MAPPING,
         "Two rows share a reference but differ; the first is used and this one left out.",
         "Give each record its own reference, or remove the stale row."),
    # Checks across fields and rows
    Kind("dates-out-of-order", W, CHECKS,
         "Two dates of a record are in an impossible order (closed before received...).",
         "Correct the dates in the back office; statistics leave the interval out."),
    Kind("future-date", W, CHECKS, "A date is after today.",
         "Correct the date in the back office."),
    Kind("closed-without-date", W, CHECKS,
         "A case is closed but has no closing date; it is left out of time-to-close "
         "figures.", "Fill in the closing date in the back office."),
    Kind("orphan-appeal", W, CHECKS,
         "An appeal decision names no notice in the export; it is not published.",
         "Correct the notice reference, or map `appeals.notice_column`."),
    Kind("export-stale", W, CHECKS,
         "With `export_date: latest`, the latest date in the export is older than "
         "`stale_after_days`; the site says the register may be out of date.",
         "Check the export is the latest, or give `export_date` in the mapping."),
    Kind("weak-address-match", W, CHECKS,
         "An address matched the gazetteer below `locate.address_match_threshold`; the "
         "match was not used (reports/address-matches.csv lists it).",
         "Check the address, or add the UPRN in the back office."),
    Kind("not-located", W, CHECKS,
         "A register entry could not be placed on the map (no coordinates, UPRN, address "
         "match or postcode found); the map page lists it.",
         "Add the UPRN or the coordinates in the back office."),
    Kind("unknown-case", W, CHECKS, "A notice names a case that is not in the cases file.",
         "Correct the notice's case reference, or export the case too."),
    Kind("unknown-ward", W, CHECKS,
         "A ward is not in the ward boundaries; it was found from the point where there is "
         "one.", "Correct the ward, or the boundaries file."),
    Kind("no-ward", W, CHECKS,
         "A record has no ward and no point to find it from; it is counted under 'Ward "
         "not known'.", "Fill in the ward or the easting and northing."),
    Kind("outside-boundary", W, CHECKS, "A point is outside the authority's boundary.",
         "Check the easting and northing (often swapped or mistyped)."),
    Kind("register-no-address", W, CHECKS,
         "A register entry has neither an address nor a point.",
         "Fill in the address of the land in the back office."),
    Kind("register-no-date", W, CHECKS,
         "A register entry has neither a date of issue nor of service.",
         "Fill in the dates in the back office."),
    # Pages
    Kind("page-address-clash", W, PAGES,
         "Two references give the same page address; the later notice's page gets a "
         "suffix.", "Nothing needs doing; both entries are published."),
    Kind("tracker-reference-clash", W, PAGES,
         "Two cases' references differ only in punctuation, spaces or capitals, which "
         "the case tracker ignores when a person types one; neither gets a tracker code.",
         "Give one of the cases a reference that differs in its letters or digits."),
    # Comms staff's pages
    Kind("broken-link", E, CONTENT, "A link in a page goes to a page that does not exist.",
         "Correct the link in the page named (the build stops until it is fixed)."),
    Kind("tracker-form-missing", E, CONTENT,
         "The \"Track your report\" page has lost its `{{ tracker_form }}` line.",
         "Put `{{ tracker_form }}` back in site_src/track-your-report.md, on a line of its "
         "own (the build stops until it is fixed)."),
    Kind("tracker-wording-missing", W, CONTENT,
         "A stage or outcome of the case tracker has no heading with its id on the "
         "\"Track your report\" page; the tracker shows a stock name and no explanation.",
         "Put the heading back with its id, e.g. `### Site visit {: #stage-visited }` "
         "(docs/tracker.md)."),
    Kind("broken-anchor", E, CONTENT,
         "A link names a part of a page (`faq.md#appeals`) that the page does not have.",
         "Link to a heading the page has: its part is the heading in lower case, with "
         "hyphens for spaces (`## Appeals and time limits` is `#appeals-and-time-limits`). "
         "The message lists the parts the page has."),
    Kind("missing-image", E, CONTENT, "An image in a page is not in site_src/.",
         "Check the image's file name (capitals count), or copy the image into "
         "site_src/ (the build stops until it is fixed)."),
    Kind("reserved-path", E, CONTENT,
         "A file in site_src/ has the name of a page or file the build makes from the "
         "export (in register/, maps/ or statistics/, or the search page).",
         "Rename the file, or move it out of that folder (the build stops until then)."),
    Kind("template-error", E, CONTENT,
         "A `{{ ... }}` or `{% ... %}` in a page cannot be filled in: a name that does "
         "not exist, or a `{% ... %}` that is not closed.",
         "Check the name against the list of variables in site_src/README.md, and close "
         "every `{% for %}` and `{% if %}` with `{% endfor %}` or `{% endif %}`."),
    Kind("not-in-menu", W, CONTENT, "A page says nowhere in the menu it goes.",
         "Add `section:` and `order:` to its front matter (site_src/README.md, 'Adding a "
         "page'), or `menu: false` to keep it out of the menu on purpose."),
    Kind("bad-menu-entry", W, CONTENT,
         "A page's `section` is not a name, or its `order` is not a whole number.",
         "Write `section: About enforcement` and `order: 430`, as on the other pages."),
    Kind("image-no-alt", W, CONTENT, "An image has no text alternative.",
         "Describe the image in the brackets: ![what it shows](file.png)."),
    Kind("heading-skipped", W, CONTENT, "A heading skips a level (## then ####).",
         "Use the next level down."),
    Kind("table-no-caption", W, CONTENT, "A table has no caption.",
         "Write `Table: what the table shows` on a line of its own just above the "
         "table, with a blank line between: it becomes the table's caption."),
    Kind("hard-to-read", W, CONTENT, "A paragraph is hard to read (Flesch reading ease).",
         "Use shorter sentences and everyday words."),
    Kind("no-review-date", W, CONTENT, "A page has no `last_reviewed` date.",
         "Add `last_reviewed: YYYY-MM-DD` to the page's front matter."),
    Kind("bad-review-date", W, CONTENT, "A page's `last_reviewed` is not a date.",
         "Write it as YYYY-MM-DD."),
    Kind("review-overdue", W, CONTENT, "A page has not been reviewed for longer than the "
         "configuration allows.", "Review the page and update `last_reviewed`."),
)}


def kind(code: str, severity: Severity, fatal: bool = False) -> Kind:
    """The catalogue's kind `code`, checking it is reported as the catalogue says."""
    found = KINDS.get(code)
    if found is None:
        raise ValueError(f"problem kind '{code}' is not in the catalogue (core/kinds.py)")
    if fatal and not found.fatal or not fatal and found.severity is not severity:
        raise ValueError(f"problem kind '{code}' is reported as {severity}"
                         f"{' (whole file)' if fatal else ''}, not as the catalogue says")
    return found
