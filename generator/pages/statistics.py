"""Stage: the statistics pages and their CSV downloads."""

from __future__ import annotations

import csv
import io

from markupsafe import escape

from ..config import Config
from ..stats import Statistics, Table
from .common import GeneratedSite


def table_html(table: Table, csv_href: str) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.header)
    body = "".join(
        "<tr>" + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(c)}</td>" for c in row[1:]) + "</tr>" for row in table.rows)
    return f"""<h2 id="{table.slug}">{escape(table.title)}</h2>
<p>{escape(table.summary)}</p>
<div class="table-scroll" tabindex="0" role="region" aria-label="{escape(table.title)}">
<table>
<caption>{escape(table.title)}</caption>
<thead><tr>{head}</tr></thead>
<tbody>{body}</tbody>
</table>
</div>
<p class="download"><a href="{csv_href}" download>Download this table as CSV</a></p>
"""


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return out.getvalue()


def statistics_pages(site: GeneratedSite, stats: Statistics, config: Config,
                     export_date_text: str) -> None:
    threshold = config.privacy.suppression_threshold
    intro = (f"<p>These figures come from our case records on {escape(export_date_text)}. "
             "Years are financial years, April to March. To protect the people involved, "
             f"counts from 1 to {threshold - 1} about cases that are not on the register "
             "are hidden and shown as [c], and so are some other counts that would let "
             "you work a hidden one out.</p>\n")
    sections = []
    for table in stats.tables:
        site.add_file(f"downloads/statistics/{table.slug}.csv", table_csv(table))
        sections.append(table_html(table, f"../downloads/statistics/{table.slug}.csv"))
    site.add_page("statistics/index.md", "Statistics", intro + "\n".join(sections),
                  description="How many breaches were reported, what we did, and how "
                  "quickly, by quarter and year.")
    report = [t for t in stats.tables if t.slug in ("cases-by-quarter", "response-times",
                                                    "notices-by-type", "appeals",
                                                    "open-by-age")]
    body = ('<div class="committee-report">\n'
            f"<p>Planning enforcement performance report for the planning committee, "
            f"using data to {escape(export_date_text)}.</p>\n"
            + "\n".join(table_html(t, f"../../downloads/statistics/{t.slug}.csv")
                        for t in report) + "</div>")
    site.add_page("statistics/quarterly-report.md", "Quarterly performance report", body,
                  description="Performance report for the planning committee.")
