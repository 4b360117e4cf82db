"""Hostile values from the export, the boundary file and the configuration, in Chromium.

First the exact payloads of the three holes an independent check found (the same build
is checked without a browser in tests/test_untrusted.py). Then a property-based test
(hypothesis) that fills every published text field of the notices, their document
links, every ward name and the configuration's text with hostile values (HTML,
Markdown, `javascript:` and other schemes, spreadsheet formulas, template syntax,
bidirectional overrides, NUL, very long cells), builds the site and opens its pages.

Every visit fails on a dialog or a Content Security Policy violation (`visit` in
tests/test_browser.py); on top of that each page must request nothing from another
host but the map tiles, link only to web addresses and this site, and show the values
as the text they are.

Each example is a whole build, so the property runs one explicit example that uses
every hostile value and two generated ones, derandomised: the same on every run.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from playwright.sync_api import Browser

from conftest import Project, entry_paths, make_project
from generator.dev.sample import write_sample
from hostile import (
    ADDRESS,
    DOCUMENT,
    FORMULAS,
    HTML,
    IMAGE,
    MARKDOWN,
    TEMPLATES,
    UNICODE,
    URLS,
    WARD_HTML,
    plant_payloads,
    read_table,
    rename_wards,
    rewrite_notices,
)
from test_browser import (
    Visit,
    serve,
    third_party_requests,
    tile_host_pattern,
    visit,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TILES = tile_host_pattern("https://tile.openstreetmap.org/{z}/{x}/{y}.png")
WIDTH = 1280

# ---- What every page is checked for -----------------------------------------------------------

ADDRESSES = """() => Array.from(document.querySelectorAll('[href], [src], [action]'))
  .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'))"""


def not_web_or_site(addresses: list[str]) -> list[str]:
    """The addresses that are neither a path on this site nor an https:, http: or
    mailto: address, read as a browser reads them (spaces and controls dropped)."""
    bad = []
    for address in addresses:
        squeezed = re.sub(r"[\x00-\x20]", "", address).lower()
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
        if scheme and scheme.group(1) not in ("https", "http", "mailto"):
            bad.append(address)
    return bad


def shown(text: str) -> str:
    """Text as a page shows it, for comparing: HTML drops NUL from text and writes
    U+FFFD for it elsewhere, and a run of whitespace shows as one space."""
    return " ".join(text.replace("\x00", "").replace("\ufffd", "").split())


class Pages:
    """The pages of one served site, opened in turn in one browser tab. Leaving a page
    checks what every page must; dialogs and policy violations fail the visit."""

    def __init__(self, seen: Visit, url: str):
        self.seen, self.url = seen, url
        self.opened: list[str] = []

    @contextmanager
    def open(self, path: str) -> Iterator[Visit]:
        before = len(self.seen.requested)
        self.seen.page.goto(self.url + path, wait_until="load")
        yield self.seen
        addresses = self.seen.page.evaluate(ADDRESSES)
        assert third_party_requests(self.seen.requested[before:], TILES) == [], path
        assert not_web_or_site(addresses) == [], path
        assert self.seen.policy_violations == self.seen.dialogs == [], path
        self.opened.append(path)


@contextmanager
def site_pages(browser: Browser, site: Path) -> Iterator[Pages]:
    """The built site served, and a browser tab to open its pages in (`visit` fails on
    a policy violation or a dialog reported at any time, on any of them)."""
    with serve(site) as url, visit(browser, url + "/404.html", WIDTH, TILES,
                                   wait_until="load") as seen:
        yield Pages(seen, url)


# The home page's latest notices (Material wraps the table in a scrolling box).
LATEST_CELLS = "xpath=//h2[@id='latest-notices']/following::table[1]/tbody/tr/td"


def text_of(seen: Visit, selector: str = "article") -> str:
    return shown(seen.page.locator(selector).first.text_content() or "")


# Hover over each ward shape in turn and read the tooltip it opens (the last one: a
# closed tooltip fades out for a moment). Leaflet opens and closes them synchronously.
HOVER_EVERY_WARD = """() => Array.from(
    document.querySelectorAll('.leaflet-overlay-pane path.leaflet-interactive'),
    shape => {
        shape.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
        const tips = document.querySelectorAll('.leaflet-tooltip');
        const text = tips.length ? tips[tips.length - 1].innerText : '';
        shape.dispatchEvent(new MouseEvent('mouseout', {bubbles: true}));
        return text;
    })"""


def ward_tooltips(seen: Visit) -> list[str]:
    """The case map's tooltip for each ward shape, as text ('Ward NAME Cases N')."""
    seen.page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive",
                                timeout=15_000)
    return [shown(text) for text in seen.page.evaluate(HOVER_EVERY_WARD)]


def ward_of(tooltip: str) -> str:
    """The ward's name in its tooltip, 'Ward NAME Cases 12' (or 'fewer than 5')."""
    assert tooltip.startswith("Ward ") and " Cases " in tooltip, tooltip
    return tooltip.removeprefix("Ward ").rsplit(" Cases ", 1)[0]


# ---- The three holes, in Chromium -----------------------------------------------------------


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> Project:
    project = make_project(tmp_path_factory.mktemp("payloads") / "project", small_export)
    plant_payloads(project)
    result = project.build()
    assert result.exit_code == 0, result.output
    return project


def test_latest_notices_written_in_markdown_show_as_text(
        browser: Browser, payloads: Project) -> None:
    with site_pages(browser, payloads.site) as pages, pages.open("/") as seen:
        cells = [shown(c) for c in seen.page.locator(
            LATEST_CELLS).all_text_contents()]
        images = seen.page.locator("article img").count()
    assert pages.opened == ["/"] and images == 0
    assert len(cells) == 15
    assert all(re.fullmatch(re.escape(ADDRESS) + r" \d+", c) for c in cells[2::3]), cells
    assert all(re.search(re.escape(IMAGE) + r" \d+$", c) for c in cells[1::3]), cells


def test_a_javascript_document_link_gives_no_link_on_the_entry(
        browser: Browser, payloads: Project) -> None:
    entries = json.loads((payloads.site / "downloads" / "register.json").read_text())
    reference = entries["entries"][0]["reference"]
    path = entry_paths(payloads.site)[reference]
    with site_pages(browser, payloads.site) as pages, pages.open(path) as seen:
        links = seen.page.locator("article a").all_text_contents()
        text = text_of(seen)
    assert pages.opened and reference in text
    assert not [link for link in links if "Copy of the notice" in link]
    assert DOCUMENT not in text


def test_ward_names_written_in_html_show_as_text_in_the_case_map(
        browser: Browser, payloads: Project) -> None:
    wards = json.loads((payloads.export / "wards.geojson").read_text())["features"]
    with site_pages(browser, payloads.site) as pages, pages.open("/maps/cases/") as seen:
        tooltips = ward_tooltips(seen)
    assert pages.opened == ["/maps/cases/"]
    assert sorted(ward_of(t) for t in tooltips) == sorted(
        shown(w["properties"]["name"]) for w in wards)
    assert sum(WARD_HTML in t for t in tooltips) == len(wards) // 2


# ---- Any hostile value ------------------------------------------------------------------------

FRAGMENTS = [*HTML, *MARKDOWN, *URLS, *FORMULAS, *TEMPLATES, *UNICODE]
# Addresses that are odd but are web addresses: the site links to them.
ODD_ADDRESSES = ["https://example.org/(x)[y]*z_?a=1&b='c'#!",
                 "http://example.org/a b/{x}.pdf", "https://EXAMPLE.org:8443/~u/;p=1"]
# The text columns of a notice the register publishes, each with a short code for the
# tags that keep values apart (see `plant`).
TEXT_COLUMNS = {"Site Address": "AD", "Postcode": "PC", "Breach Summary": "BS",
                "Requirements": "RQ", "Activity Prohibited": "AP", "Compliance Period": "CP",
                "Permission Ref": "PR", "Related Notice": "RN"}
COLUMN_CODES = {**TEXT_COLUMNS, "Notice Ref": "NR"}
# What the configuration writes into pages as text.
CONFIG_TEXT = (("council", "name"), ("council", "short_name"), ("council", "address"),
               ("council", "phone"), ("council", "email"), ("site", "title"),
               ("tiles", "name"))
CONFIG_ADDRESSES = (("council", "website"), ("council", "report_url"),
                    ("tiles", "privacy_url"))
NOTICES, WARDS = 8, 16  # in the export `tiny_export` makes


@dataclass(frozen=True)
class Inputs:
    notices: list[dict[str, str]]  # for each published notice: column -> value
    wards: list[str]
    config: dict[tuple[str, str], str]
    attribution: str  # text shown before the tile provider's link


def _text(controls: bool) -> st.SearchStrategy[str]:
    """Hostile fragments and any characters (control characters, NUL among them, only
    where the input is not a CSV export, which takes them for a binary file); sometimes
    a cell thousands of characters long."""
    characters = st.characters(codec="utf-8", exclude_categories=(
        ("Cs",) if controls else ("Cs", "Cc")))
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(characters, max_size=6))
    return st.one_of(st.lists(piece, min_size=1, max_size=3).map("".join),
                     st.sampled_from(FRAGMENTS).map(lambda f: (f + " ") * 400))


@st.composite
def hostile_inputs(draw: st.DrawFn) -> Inputs:
    short = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=2).map(" ".join)
    notices = [{**{column: draw(_text(controls=False)) for column in TEXT_COLUMNS},
                "Notice Ref": draw(short),
                "Document": draw(st.sampled_from([*URLS, *ODD_ADDRESSES]))}
               for _ in range(NOTICES)]
    return Inputs(
        notices, [draw(_text(controls=True)) for _ in range(WARDS)],
        {**{key: draw(_text(controls=True)) for key in CONFIG_TEXT},
         **{key: draw(st.sampled_from(ODD_ADDRESSES)) for key in CONFIG_ADDRESSES}},
        draw(_text(controls=True)))


LONG = "=1+1 <b>long</b> [x](javascript:alert(1)) " * 300


def _every_value() -> Inputs:
    """Every hostile fragment at least once, in the notices, the wards and the
    configuration; NUL and very long values in each (the export's without NUL: its
    reader takes a file holding NUL for a binary file)."""
    fragments = cycle(FRAGMENTS)
    notices = [{**{column: next(fragments) for column in TEXT_COLUMNS},
                "Notice Ref": FRAGMENTS[i],
                "Document": [*URLS, *ODD_ADDRESSES][i * 3 % (len(URLS) + len(ODD_ADDRESSES))]}
               for i in range(NOTICES)]
    notices[0]["Breach Summary"] = notices[1]["Site Address"] = LONG
    wards = [next(fragments) for _ in range(WARDS)]
    wards[:2] = ["\x00 NUL", LONG]
    config = {key: next(fragments) for key in CONFIG_TEXT}
    config[("council", "name")] = "Nul\x00 & <Co>"
    config[("council", "address")] = LONG
    config.update({key: ODD_ADDRESSES[i] for i, key in enumerate(CONFIG_ADDRESSES)})
    return Inputs(notices, wards, config, "\x00 " + next(fragments))


def _published(row: dict[str, str]) -> bool:
    return (row["Authority"] == "NBK" and row["Notice Type"] != "PCN"
            and not row["Date Withdrawn"] and not row["Date Quashed"])


def plant(project: Project, inputs: Inputs) -> None:
    """The inputs written into the project. Each value ends with a tag of its own
    (notice and column, ward, option), so that no two are alike: a value of a notice
    that is not published must not turn up in one that is (the leak scan would stop
    the build). Notices that are not published keep their values."""
    assert sum(_published(r) for r in read_table(project.export / "notices.csv")) >= 6
    planted = iter(inputs.notices)

    def change(index: int, row: dict[str, str]) -> None:
        if not _published(row):
            return
        values = next(planted)
        for column, value in values.items():
            whole = column == "Document"  # a web address is left as it is
            row[column] = value if whole else f"{value} {COLUMN_CODES[column]}{index}X"

    rewrite_notices(project, change)
    rename_wards(project, lambda i, _: f"{inputs.wards[i]} W{i}X")
    sections: dict[str, dict[str, str]] = {}
    for (section, option), value in inputs.config.items():
        tagged = value if (section, option) in CONFIG_ADDRESSES else f"{value} {option}X"
        sections.setdefault(section, {})[option] = tagged
    sections["tiles"]["attribution"] = (
        html.escape(inputs.attribution) + ' <a href="https://www.openstreetmap.org/'
        'copyright">OpenStreetMap</a>')
    project.edit_config(**sections)


@pytest.fixture(scope="session")
def tiny_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny-export")
    write_sample(out, seed=7, cases=40, notices=NOTICES)
    wards = json.loads((out / "wards.geojson").read_text())["features"]
    assert len(wards) == WARDS
    return out


# Shown in full for every notice type; the others only for some (see PRESCRIBED in
# tests/test_register.py).
ALWAYS_SHOWN = ("reference", "address", "breach-summary", "requirements",
                "compliance-period")
SHOWN_FOR = {"stop-activity": ("stop-notice", "cil-stop-notice"),
             "permission-reference": ("breach-of-condition-notice",),
             "related-notice": ("stop-notice", "cil-stop-notice")}


def check_site(browser: Browser, project: Project, inputs: Inputs) -> None:
    written = yaml.safe_load(project.config.read_text())
    config = {(s, o): written[s][o] for s, o in (*CONFIG_TEXT, *CONFIG_ADDRESSES)}
    entries = json.loads((project.site / "downloads" / "register.json").read_text())[
        "entries"]
    wards = [f["properties"]["name"] for f in json.loads(
        (project.export / "wards.geojson").read_text())["features"]]
    assert len(entries) >= 6
    with site_pages(browser, project.site) as pages:
        with pages.open("/") as seen:
            header = text_of(seen, ".site-header__service")
            title = shown(seen.page.title())
            latest = [shown(c) for c in seen.page.locator(
                LATEST_CELLS).all_text_contents()]
        name = config[("council", "short_name")] or config[("council", "name")]
        assert shown(config[("site", "title")]) in header
        assert shown(f"{name}: {config[('site', 'title')]}") in title
        addresses = {shown(e["address"]) for e in entries} | {"Address not recorded"}
        assert latest and set(latest[2::3]) <= addresses

        with pages.open("/register/") as seen:
            listed = [shown(c) for c in seen.page.locator(
                "article table tbody td:first-child").all_text_contents()]
        assert listed and set(listed) <= addresses
        with pages.open("/register/ward/") as seen:
            labels = [shown(t) for t in seen.page.locator(
                "article .index-links a").all_text_contents()]
        assert labels and set(labels) <= {shown(w) for w in wards} | {"Ward not known"}

        with pages.open("/accessibility/") as seen:
            text = text_of(seen)
        for key in (("council", "name"), ("council", "address"), ("council", "phone"),
                    ("council", "email")):
            assert shown(config[key]) in text, key
        with pages.open("/privacy/") as seen:
            assert shown(config[("tiles", "name")]) in text_of(seen)

        paths = entry_paths(project.site)
        for entry in entries:
            with pages.open(paths[entry["reference"]]) as seen:
                text, title = text_of(seen), shown(seen.page.title())
                links = seen.page.locator("article a").evaluate_all(
                    "links => links.map(a => [a.textContent, a.getAttribute('href')])")
                attribution = (text_of(seen, ".leaflet-control-attribution")
                               if entry["point"] else "")
            fields = [*ALWAYS_SHOWN, *(f for f, types in SHOWN_FOR.items()
                                       if entry["notice-type"] in types)]
            for name in fields:
                assert shown(entry[name]) in text, (entry["reference"], name)
            assert shown(entry["reference"]) in title
            documents = [href for label, href in links if "Copy of the notice" in label]
            assert documents == ([entry["document-url"]] if entry["document-url"] else [])
            assert not entry["document-url"] or entry["document-url"].startswith("http")
            if entry["point"]:
                assert shown(inputs.attribution) in attribution

        with pages.open("/maps/cases/") as seen:
            tooltips = ward_tooltips(seen)
        assert sorted(ward_of(t) for t in tooltips) == sorted(shown(w) for w in wards)
        with pages.open("/statistics/") as seen:
            text = text_of(seen)
        assert all(shown(w) in text for w in wards)
        with pages.open("/maps/register/") as seen:
            seen.page.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
        query = re.findall(r"[a-z0-9]+", entries[0]["reference"].lower())[-1]  # its tag
        with pages.open(f"/search/?q={query}") as seen:
            seen.page.wait_for_selector("#register-results .search-result__link",
                                        timeout=15_000)
            found = text_of(seen, "#register-results")
        assert shown(entries[0]["reference"]) in found
    assert len(pages.opened) == len(entries) + 9


# max_examples counts the generated examples only: with the explicit one, three builds.
@settings(max_examples=2, derandomize=True, deadline=None, database=None,
          phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@example(_every_value())
@given(hostile_inputs())
def test_hostile_values_stay_text_and_run_nothing(
        browser: Browser, tiny_export: Path, tmp_path_factory: pytest.TempPathFactory,
        inputs: Inputs) -> None:
    project = make_project(tmp_path_factory.mktemp("hostile") / "project", tiny_export)
    plant(project, inputs)
    result = project.build()
    assert result.exit_code == 0, result.output
    check_site(browser, project, inputs)
