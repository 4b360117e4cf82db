"""Stage: the statistics pages and their CSV downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import escape

from generator.config.schema import Config
from generator.core.untrusted import csv_text
from generator.site.charts import Series, bar_charts
from generator.site.common import GeneratedSite
from generator.stats.tables import Statistics, Table


def _number(cell: str) -> float | None:
    """A table cell back to a number: '1,234' -> 1234, '75%' -> 75, '[c]' -> None."""
    text = cell.replace(",", "").rstrip("%")
    try:
        return float(text)
    except ValueError:
        return None


def chart_for(table: Table) -> str:
    """The chart drawn beside a table, for the tables a chart helps to read."""
    if table.slug == "cases-by-quarter":
        rows = table.rows[-12:]  # the last three years: more bars would be unreadable
        return bar_charts(
            table.slug, "Cases received and closed by quarter",
            f"Bars for the cases received and closed in each of the {len(rows)} most "
            "recent quarters; the numbers are in the table below.",
            [r[0].replace("20", "", 1) for r in rows],
            [Series("Received", [_number(r[1]) for r in rows]),
             Series("Closed", [_number(r[2]) for r in rows])])
    if table.slug == "time-to-close":
        rows = table.rows[:-1][-2:]  # the last two years, without the total row
        bands = table.header[1:-1]
        return bar_charts(
            table.slug, "Time taken to close cases",
            "Bars for how many cases closed within each length of time, for the last "
            "two years; the numbers are in the table below.", bands,
            [Series(r[0], [_number(c) for c in r[1:-1]]) for r in rows])
    if table.slug == "response-times":
        latest = table.rows[-1][0] if table.rows else ""
        rows = [r for r in table.rows if r[0] == latest]
        return bar_charts(
            table.slug, f"Share of cases within target, {latest}",
            f"Bars for the percentage of cases that met each target in {latest}; the "
            "numbers are in the table below.", [r[1].replace("First site visit: ", "")
                                                for r in rows],
            [Series("Within target", [_number(r[5]) for r in rows])], unit="%")
    return ""


def table_html(table: Table, csv_href: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.header)
    body = "".join(
        "<tr>" + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in row[1:]) + "</tr>" for row in table.rows)
    chart = chart_for(table)
    figure = (f'<figure class="chart-figure">{chart}<figcaption>Chart: '
              f"{escape(table.title)}</figcaption></figure>\n") if chart else ""
    note = f'<p class="table-note">{escape(table.note)}</p>\n' if table.note else ""
    return f"""<h2 id="{table.slug}">{escape(table.title)}</h2>
<p>{escape(table.summary)}</p>
{note}{figure}<div class="table-scroll" tabindex="0" role="region" \
aria-label="{escape(table.title)}">
<table>
<caption>{escape(table.title)}</caption>
<thead><tr>{head}</tr></thead>
<tbody>{body}</tbody>
</table>
</div>
<p class="download"><a href="{csv_href}" download>Download this table as CSV</a></p>
"""


# What a statistics CSV cell holds instead of a number: "[c]" a count hidden to
# protect the people involved (the Office for National Statistics' symbol), "-" not
# applicable (no cases to measure), "" nothing. The data package lists them as its
# missing values, and says what each means.
HIDDEN, NOT_APPLICABLE = "[c]", "-"
MISSING = ("", HIDDEN, NOT_APPLICABLE)
_INTEGER = re.compile(r"\d{1,3}(,\d{3})*|\d+")
_NUMBER = re.compile(r"\d+(\.\d+)?")
_PERCENT = re.compile(r"\d+(\.\d+)?%")


@dataclass(frozen=True)
class Column:
    """A column of a statistics download: its CSV header, its Frictionless type and,
    for a number, its unit."""

    name: str
    type: str  # string, integer, number or boolean
    unit: str = ""


def columns(table: Table) -> list[Column]:
    """The type of each column, read from its cells: the first column names the row;
    a column of counts ('1,234') is an integer, of shares ('75%') a percentage, of
    'Yes'/'No' a boolean. A column whose cells are all hidden is of counts."""
    found = [Column(table.header[0], "string")] if table.header else []
    for j, name in enumerate(table.header[1:], start=1):
        cells = [row[j] for row in table.rows if row[j] not in MISSING]
        unit = _unit_in(name)  # a measure, even on a night all its values are whole
        if unit and all(_NUMBER.fullmatch(c) for c in cells):
            found.append(Column(name, "number", unit))
        elif all(_INTEGER.fullmatch(c) for c in cells):
            found.append(Column(name, "integer", "count"))
        elif all(_PERCENT.fullmatch(c) for c in cells):
            found.append(Column(f"{name} (%)", "number", "percent"))
        elif all(_NUMBER.fullmatch(c) for c in cells):
            found.append(Column(name, "number"))
        elif all(c in ("Yes", "No") for c in cells):
            found.append(Column(name, "boolean"))
        else:
            found.append(Column(name, "string"))
    return found


def _unit_in(header: str) -> str:
    lowered = header.lower()
    return next((unit for unit in ("working days", "weeks", "days", "months")
                 if unit in lowered), "")


def _machine(cell: str, column: Column) -> str:
    """A cell as a program reads it: '1,234' -> '1234', '75%' -> '75'."""
    if cell in MISSING or column.type == "string":
        return cell
    if column.unit == "percent":
        return cell.removesuffix("%")
    return cell.replace(",", "") if column.type == "integer" else cell


def table_csv(table: Table) -> str:
    """The table as CSV for programs and spreadsheets alike: numbers without thousands
    separators and shares without '%' (the header says '(%)'), so that every column
    loads with the type the data package gives it. Ward names come from the boundary
    file, so every cell is made safe to open in a spreadsheet."""
    cols = columns(table)
    return csv_text([[c.name for c in cols],
                     *([_machine(cell, c) for cell, c in zip(row, cols, strict=True)]
                       for row in table.rows)])


def statistics_pages(site: GeneratedSite, stats: Statistics, config: Config,
                     export_date_text: str) -> None:
    threshold = config.privacy.suppression_threshold
    intro = (f"<p>These figures come from our case records on {escape(export_date_text)}. "
             "Years are financial years, April to March. To protect the people involved, "
             f"counts below {threshold} about cases that are not on the register (zeros "
             "included) are hidden and shown as [c], and so are some other counts that "
             "would let you work a hidden one out. Every build checks that no hidden "
             "count can be worked out from all the figures we publish together. A case "
             "counts in the quarter it was logged in if that is later than the quarter "
             "it was reported in, so figures for a past quarter do not change.</p>\n")
    sections = []
    for table in stats.tables:
        site.add_file(f"downloads/statistics/{table.slug}.csv", table_csv(table))
        sections.append(table_html(table, f"../downloads/statistics/{table.slug}.csv"))
    site.add_page("statistics/index.md", "Statistics", intro + "\n".join(sections),
                  description="How many breaches were reported, what we did, and how "
                  "quickly, by quarter and year.",
                  extra={"section": "Our performance", "order": 300})
    report = [t for t in stats.tables if t.slug in ("cases-by-quarter", "response-times",
                                                    "notices-by-type", "appeals",
                                                    "open-by-age")]
    body = ('<div class="committee-report">\n'
            f"<p>Planning enforcement performance report for the planning committee, "
            f"using data to {escape(export_date_text)}.</p>\n"
            + "\n".join(table_html(t, f"../../downloads/statistics/{t.slug}.csv")
                        for t in report) + "</div>")
    site.add_page("statistics/quarterly-report.md", "Quarterly performance report", body,
                  description="Performance report for the planning committee.",
                  extra={"section": "Our performance", "order": 320,
                         "menu_title": "Quarterly report"})
