"""Stage: every generated page and file, in one place."""

from __future__ import annotations

from generator.config.schema import Config
from generator.ingest.geo import WardMap
from generator.privacy.anonymise import PublicData
from generator.site.common import GeneratedSite, longdate, render
from generator.site.datapackage import write_datapackage
from generator.site.feeds import atom, register_feed, ward_feed
from generator.site.maps import case_map, locator_settings, register_map
from generator.site.opendata import open_data
from generator.site.register import Entry, register_pages
from generator.site.statistics import statistics_pages
from generator.stats.tables import Statistics


def brand_css(config: Config) -> str:
    """Council colours as Material's CSS variables (checked for contrast at load)."""
    c = config.council
    # Material reads these on `:root > *` when the palette is `custom` (mkdocs.yml).
    return (":root > * {\n"
            f"  --md-primary-fg-color: {c.primary_colour};\n"
            f"  --md-primary-fg-color--dark: {c.primary_colour};\n"
            "  --md-primary-bg-color: #ffffff;\n"
            f"  --md-accent-fg-color: {c.accent_colour};\n"
            f"  --md-typeset-a-color: {c.accent_colour};\n"
            "}\n")


def robots_txt(config: Config) -> str:
    """Everything may be indexed (the register must be easy to find), and where the
    sitemap is: a sitemap's address must be absolute, so only with `site.url`."""
    sitemap = f"Sitemap: {config.site.url}sitemap.xml\n" if config.site.url else ""
    return "User-agent: *\nAllow: /\n" + sitemap


def generate_register(site: GeneratedSite, public: PublicData, config: Config,
                      wards: WardMap, published: list[Entry]) -> None:
    """The register's entries, lists, map and downloads: everything the statistics are
    not needed for, so that it can be scanned while they are computed. `published` is
    every notice published singly, with its page address."""
    ward_names = {w.code: w.name for w in wards.wards}
    entries, others, by_ward = register_pages(site, public, config, ward_names, published)
    register_map(site, entries, config, wards)
    open_data(site, entries, others, config, public.export_date)
    feed = register_feed(config)
    site.add_file(feed.path, atom(feed, entries, config, public.export_date))
    for group in by_ward:
        feed = ward_feed(group.slug, group.label, config)
        site.add_file(feed.path, atom(feed, group.entries, config, public.export_date))


def generate_other_pages(site: GeneratedSite, public: PublicData, stats: Statistics,
                         config: Config, wards: WardMap) -> None:
    """The statistics, the case map, the search page and the council's own assets (in
    the order the sitemap lists them)."""
    ward_names = {w.code: w.name for w in wards.wards}
    if public.has_cases:  # a notices-only export has no case statistics to show
        case_map(site, stats, config, wards, ward_names)
    locator_settings(site, config)
    if public.has_cases:
        statistics_pages(site, stats, config, longdate(public.export_date))
    write_datapackage(site, config, stats, public)
    site.add_file("assets/brand.css", brand_css(config))
    site.add_file("robots.txt", robots_txt(config))
    example = public.register[0].reference if public.register else "ENF/2024/0001"
    site.add_page("search/index.md", "Search", render("search.html", example=example),
                  description="Search the enforcement register and this site.",
                  extra={"order": 10})  # its place in the menu (render/menu.py)
    if config.council.logo:
        logo = config.path(config.council.logo)
        site.add_file(f"assets/logo{logo.suffix.lower()}", logo.read_bytes())
