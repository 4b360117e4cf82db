"""What comms staff's pages can use in their templates: `{{ council.name }}`,
`{{ figures.open_cases }}`, `{{ latest_notices }}`, `{{ stat("cases_received",
period="last_quarter") }}` and the rest listed in site_src/README.md."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from generator.config.schema import Config
from generator.privacy.anonymise import PublicData
from generator.site.common import longdate, render
from generator.site.opendata import columns_table
from generator.site.register import Entry, date_label
from generator.site.tracker import tracker_form
from generator.stats.tables import FIGURES, Statistics

LATEST = 5
# A withheld figure, whether small or hidden to protect a small one: one marker for
# both, as in the tables, or the words would tell the two apart.
HIDDEN = "[c]"


class PageTemplateError(Exception):
    """A template function was called wrongly; the message says how to fix it."""


def _stat_function(stats: Statistics) -> Any:
    def stat(name: str, period: str = "last_12_months") -> str:
        if name not in stats.figures:
            raise PageTemplateError(f"stat('{name}'): unknown figure; use one of "
                                    + ", ".join(sorted(stats.figures)))
        values = stats.figures[name]
        if period not in values:
            raise PageTemplateError(f"stat('{name}', period='{period}'): unknown period; "
                                    "use one of " + ", ".join(sorted(values)))
        value = values[period]
        return HIDDEN if value is None else f"{value:,}"

    return stat


def _latest_notices(public: PublicData, published: list[Entry]) -> Markup:
    """An HTML table of the latest entries. It is Markup, so the comms pages' templates
    put it in as it is; every value from the export in it is escaped for HTML and for
    Markdown (templates/latest_notices.html)."""
    slugs = {e.notice.reference: e.slug for e in published}  # the pages' own addresses
    rows = [(longdate(n.event_date), f"{n.notice_type.label} {n.reference}",
             f"register/entries/{slugs[n.reference]}/", n.address or "Address not recorded")
            for n in public.register[:LATEST]]
    return Markup(render("latest_notices.html", rows=rows,
                         date_label=date_label(public.notice_fields)).strip())


def page_context(public: PublicData, stats: Statistics, config: Config,
                 published: list[Entry], tracker: bool = False
                 ) -> tuple[dict[str, Any], str]:
    """What comms pages' templates can use. `tracker`: whether the case tracker is on
    (the build was given its key)."""
    figure = {name: stats.figures[name] for name in FIGURES}

    def show(name: str, period: str) -> str:
        value = figure[name].get(period)
        return HIDDEN if value is None else f"{value:,}"

    date_text = longdate(public.export_date)
    context = {
        # Whether the export has cases (statistics, the case map, the quarterly report)
        # and notices (the register): pages say nothing about what is not there.
        "cases_published": public.has_cases, "register_published": public.has_notices,
        "export_stale": public.stale,
        "council": config.council, "charter": config.charter, "tiles": config.tiles,
        "privacy": config.privacy, "register": config.register, "site": config.site,
        "usage": config.usage,
        "export_date": date_text, "export_day": public.export_date,
        "figures": {
            "register_entries": f"{len(public.register):,}",
            "open_cases": show("cases_open", "all"),
            "cases_received_12_months": show("cases_received", "last_12_months"),
            "cases_closed_12_months": show("cases_closed", "last_12_months"),
            "notices_served_12_months": show("notices_served", "last_12_months"),
        },
        "latest_notices": _latest_notices(public, published),
        "stat": _stat_function(stats),
        "tracker": {"on": tracker,
                    "closed_within_days": config.tracker.closed_within_days},
        "tracker_form": tracker_form(tracker, config),
        "open_data_columns": Markup(columns_table()),  # written by us, never input
    }
    return context, date_text
