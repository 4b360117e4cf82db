"""The built site in a real browser: Debian's chromium (/usr/bin/chromium, `make browser`)
driven by Playwright, never a browser Playwright downloads.

One threaded http.server on 127.0.0.1 serves the `built` site (or the site named by
QUALITY_GATE_SITE, see test_html_valid.site_under_test) and one browser is shared by
every test. Every request a page makes is routed: 127.0.0.1 goes through, the
configured map tile host gets a blank PNG, and anything else is recorded and aborted.
Each page type, at 320, 390, 768 and 1280 px and at 200% zoom, must have no console or
page errors, no third-party requests, no axe-core violations (WCAG 2.2 AA; at three of
the views), no sideways scroll (also with the text-spacing test at 320 px) and a visible
focus on every tab stop it reaches; a screenshot of each at 390 and 1280 px is written
to reports/screenshots/. Then the interactive parts: filter, sort, search, the menu,
maps, printing, and the keyboard.

Every visit also fails on any Content Security Policy violation the page reports and on
any dialog (a script that should not have run).

The checks are plain functions (`axe_violations`, `third_party_requests`, and
`broken_links` from test_html_valid), and the last test proves each of them fails on a
broken copy of the site.
"""

from __future__ import annotations

import base64
import csv
import functools
import http.server
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page

from conftest import REPO
from test_html_valid import (
    PAGE_TYPES,
    SiteUnderTest,
    broken_links,
    nu_errors,
    page_types,
    sample_entry,
    site_under_test,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WIDTHS = (390, 1280)  # the widths screenshots are kept at
# Every page type is checked at each of these: phone, small phone, tablet, desktop, and
# desktop at 200% zoom (a 1280 px window zoomed to 200% lays out 640 CSS px wide).
VIEWS = {"320": (320, 1), "390": (390, 1), "768": (768, 1), "1280": (1280, 1),
         "1280-zoom-200": (640, 2)}
AXE_VIEWS = ("390", "1280", "1280-zoom-200")
HEIGHT = 900
SCREENSHOTS = REPO / "reports" / "screenshots"
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A 1x1 transparent PNG, served for every map tile.
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


# ---- The checks, as plain functions ----------------------------------------------------


def tile_host_pattern(tile_url: str) -> re.Pattern[str]:
    """The host of a Leaflet tile URL template; placeholders such as {s} match any label."""
    host = tile_url.split("://", 1)[-1].split("/", 1)[0].lower()
    parts = re.split(r"(\{[^}]*\})", host)
    return re.compile("".join("[a-z0-9-]+" if p.startswith("{") else re.escape(p)
                              for p in parts))


def request_kind(url: str, tiles: re.Pattern[str]) -> str:
    """'local' (the test server), 'tile' (the declared map tiles) or 'third-party'."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return "local"
    host = (parts.hostname or "").lower()
    if host == "127.0.0.1":
        return "local"
    if tiles.fullmatch(host):
        return "tile"
    return "third-party"


def third_party_requests(requested: list[str], tiles: re.Pattern[str]) -> list[str]:
    """The requests, among all a page made, to hosts other than this site and its tiles."""
    return sorted({u for u in requested if request_kind(u, tiles) == "third-party"})


def axe_violations(page: Page, tags: list[str] = AXE_TAGS) -> list[dict[str, Any]]:
    """axe-core's violations of the WCAG rules tagged `tags` on the page as it is now."""
    page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                       resultTypes: ['violations']})
                     .then(results => results.violations)""", tags)


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl')}]")
        for node in v["nodes"][:6]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"      {node['html'][:200]}")
            for reason in (node.get("failureSummary") or "").splitlines()[1:4]:
                lines.append(f"      {reason.strip()}")
        if len(v["nodes"]) > 6:
            lines.append(f"    ... and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


# ---- Serving and visiting -------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """A threaded static server for `site` on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Visit:
    page: Page
    requested: list[str] = field(default_factory=list)
    tiles_served: int = 0
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    policy_violations: list[str] = field(default_factory=list)  # Content Security Policy
    dialogs: list[str] = field(default_factory=list)  # alert(), confirm(), prompt()


# Every Content Security Policy violation a page reports, sent to the test as it happens
# (so none is lost when the page navigates). Playwright's binding and this script are
# added by the browser itself, outside the page's policy.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', function (e) {
  window.reportPolicyViolation(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')
                               + ' in ' + e.sourceFile + ':' + e.lineNumber
                               + (e.sample ? ' (' + e.sample + ')' : ''));
});"""


@contextmanager
def visit(browser: Browser, url: str, width: int, tiles: re.Pattern[str],
          expect_violations: bool = False, wait_until: str = "networkidle",
          zoom: float = 1, javascript: bool = True) -> Iterator[Visit]:
    """Open `url` in a fresh browser context `width` CSS px wide (at `zoom` device
    pixels per CSS pixel), every request routed. The visit fails on any Content
    Security Policy violation and any dialog (a script that ran), unless
    `expect_violations` (the test that proves the checks can fail)."""
    context = browser.new_context(viewport={"width": width, "height": HEIGHT},
                                  device_scale_factor=zoom, java_script_enabled=javascript,
                                  service_workers="block")
    page = context.new_page()
    seen = Visit(page)
    context.expose_binding("reportPolicyViolation",
                           lambda _source, text: seen.policy_violations.append(text))
    context.add_init_script(REPORT_VIOLATIONS)

    def route(route: Any) -> None:
        requested = route.request.url
        seen.requested.append(requested)
        kind = request_kind(requested, tiles)
        if kind == "local":
            route.continue_()
        elif kind == "tile":
            seen.tiles_served += 1
            route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            route.abort("blockedbyclient")

    def console(message: Any) -> None:
        if message.type == "error":
            seen.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def dialog(shown: Any) -> None:
        seen.dialogs.append(f"{shown.type}: {shown.message}")
        shown.dismiss()

    context.route("**/*", route)
    page.on("console", console)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    page.on("dialog", dialog)
    try:
        page.goto(url, wait_until=wait_until)  # type: ignore[arg-type]
        yield seen
        page.evaluate("0")  # every report sent before this has been received
    finally:
        context.close()
    if not expect_violations:
        assert not seen.policy_violations, (
            f"{url}: Content Security Policy violations:\n  "
            + "\n  ".join(seen.policy_violations))
        assert not seen.dialogs, f"{url}: a script showed dialogs: {seen.dialogs}"


# ---- Fixtures (one server, one browser) ---------------------------------------------------


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> SiteUnderTest:
    return site_under_test(request)


@pytest.fixture(scope="session")
def site_url(target: SiteUnderTest) -> Iterator[str]:
    with serve(target.site) as url:
        yield url


@pytest.fixture(scope="session")
def pages(target: SiteUnderTest) -> dict[str, str]:
    return page_types(target.site)


@pytest.fixture(scope="session")
def tiles(target: SiteUnderTest) -> re.Pattern[str]:
    return tile_host_pattern(target.tile_url)


def settle(seen: Visit, name: str) -> None:
    """Wait for what a page draws after it has loaded."""
    if name == "search":
        seen.page.wait_for_selector(".search-result__link", timeout=15_000)
    elif name.startswith("map-"):
        seen.page.wait_for_selector(".leaflet-container .leaflet-interactive",
                                    timeout=15_000)


# ---- Reflow and focus ----------------------------------------------------------------------

# Elements that stick out of the right edge of the page (WCAG 1.4.10), outside any area
# that scrolls or clips on its own (a map, a wide statistics table) and outside the
# fixed navigation drawer.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const e of document.body.querySelectorAll('*')) {
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) { continue; }
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || style.position === 'fixed') { continue; }
    let parent = e.parentElement, contained = false;
    while (parent && parent !== document.body) {
      const s = getComputedStyle(parent);
      if (s.position === 'fixed' || ['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) {
        contained = true;
        break;
      }
      parent = parent.parentElement;
    }
    if (!contained) {
      out.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ends at '
               + Math.round(box.right) + ' px');
    }
  }
  return {page: document.documentElement.scrollWidth - width, elements: out.slice(0, 5)};
}"""

# WCAG 1.4.12: the text-spacing bookmarklet's values.
# A constructed style sheet: the pages' Content Security Policy blocks a <style>.
TEXT_SPACING = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('* { line-height: 1.5 !important; letter-spacing: 0.12em !important;'
    + ' word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}"""

# Where the focus is, and whether it can be seen: inside the viewport, with an outline
# or a box-shadow, and not inside the navigation drawer while the drawer is closed.
FOCUS_STOP = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return null; }
  const box = e.getBoundingClientRect();
  const s = getComputedStyle(e);
  const drawer = document.getElementById('__drawer');
  const wide = window.matchMedia('(min-width: 76.25em)').matches;
  return {
    what: e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "'
          + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 40) + '"',
    inView: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth,
    indicator: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0)
               || s.boxShadow !== 'none',
    inClosedDrawer: !wide && !!drawer && !drawer.checked
                    && !!e.closest('.md-sidebar--primary'),
  };
}"""
TAB_STOPS = 20  # the header, the navigation or skip link, and into the content


def reflow_problems(seen: Visit, label: str) -> list[str]:
    found = seen.page.evaluate(OVERFLOW)
    if found["page"] > 0 or found["elements"]:
        return [f"{label}: the page scrolls sideways by {found['page']} px:\n    "
                + "\n    ".join(found["elements"])]
    return []


def focus_problems(seen: Visit) -> list[str]:
    problems = []
    for _ in range(TAB_STOPS):
        seen.page.keyboard.press("Tab")
        stop = seen.page.evaluate(FOCUS_STOP)
        if stop is None:
            continue
        if stop["inClosedDrawer"]:
            problems.append(f"focus went into the closed menu: {stop['what']}")
        elif not stop["inView"]:
            problems.append(f"focus is off screen: {stop['what']}")
        elif not stop["indicator"]:
            problems.append(f"no visible focus indicator: {stop['what']}")
    return problems


# ---- Every page type at every width ---------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page(browser: Browser, site_url: str, pages: dict[str, str],
              tiles: re.Pattern[str], name: str, view: str) -> None:
    """No console errors, no third-party requests, no axe-core violations, no sideways
    scroll (also with the text-spacing test at 320 px), and every tab stop visible."""
    width, zoom = VIEWS[view]
    # `settle` waits for what a page draws after loading (maps, search results).
    with visit(browser, site_url + pages[name], width, tiles, zoom=zoom,
               wait_until="load") as seen:
        settle(seen, name)
        # axe-core at the widths the layout changes between (its run is the slow part).
        violations = axe_violations(seen.page) if view in AXE_VIEWS else []
        if width in WIDTHS and zoom == 1:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            seen.page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        problems = reflow_problems(seen, view)
        problems += focus_problems(seen)
        if width == 320:
            seen.page.evaluate(TEXT_SPACING)
            problems += reflow_problems(seen, f"{view} with text spacing")
    if seen.console_errors:
        problems.append("console errors:\n  " + "\n  ".join(seen.console_errors))
    if seen.page_errors:
        problems.append("page errors:\n  " + "\n  ".join(seen.page_errors))
    if outside := third_party_requests(seen.requested, tiles):
        problems.append("requests to other hosts:\n  " + "\n  ".join(outside))
    if violations:
        problems.append(f"{len(violations)} axe-core violations:\n"
                        + format_violations(violations))
    assert not problems, f"{pages[name]} at {view}:\n" + "\n".join(problems)


# ---- What the pages do ------------------------------------------------------------------------


def test_register_filter_hides_rows_and_updates_the_status(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str]) -> None:
    with visit(browser, site_url + pages["register-ward"], 1280, tiles) as seen:
        page = seen.page
        rows = page.locator("table[data-sortable] tbody tr")
        total = rows.count()
        assert total > 0
        box = page.locator(".table-filter input[type=search]")
        status = page.locator("p.table-status[role=status]")

        box.fill("no such address zzqx")
        assert page.locator("table[data-sortable] tbody tr:not([hidden])").count() == 0
        assert status.inner_text() == f"0 of {total} entries shown"

        reference = rows.first.locator("a").inner_text().strip()
        box.fill(reference)
        shown = page.locator("table[data-sortable] tbody tr:not([hidden])")
        expected = sum(reference.lower() in rows.nth(i).inner_text().lower()
                       for i in range(total))
        assert shown.count() == expected >= 1
        assert reference in shown.first.inner_text()
        assert status.inner_text() == f"{expected} of {total} entries shown"

        box.fill("")
        assert page.locator("table[data-sortable] tbody tr:not([hidden])").count() == total


def test_sort_button_sets_aria_sort_and_orders_rows(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str]) -> None:
    with visit(browser, site_url + pages["register-ward"], 1280, tiles) as seen:
        page = seen.page
        header = page.locator("table[data-sortable] thead th").nth(1)  # Reference
        button = header.locator("button.sort-button")
        assert header.get_attribute("aria-sort") is None

        def references() -> list[str]:
            return [t.strip().lower() for t in
                    page.locator("table[data-sortable] tbody tr td:nth-child(2)").all_inner_texts()]

        button.click()
        assert header.get_attribute("aria-sort") == "ascending"
        assert references() == sorted(references())
        button.click()
        assert header.get_attribute("aria-sort") == "descending"
        assert references() == sorted(references(), reverse=True)
        others = page.locator("table[data-sortable] thead th[aria-sort]")
        assert others.count() == 1, "only the sorted column has aria-sort"


def test_search_lists_the_register_entry_first(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str],
        target: SiteUnderTest) -> None:
    reference, entry_path = sample_entry(target.site)
    with visit(browser, site_url + pages["search"], 1280, tiles) as seen:
        seen.page.wait_for_selector("#register-results .search-result__link",
                                    timeout=15_000)
        first = seen.page.locator("#register-results .search-result__link").first
        assert urlsplit(first.get_attribute("href") or "").path == entry_path, (
            f"searching {reference} listed {first.get_attribute('href')} first, "
            f"not {entry_path}")
        assert reference in first.inner_text()


# Strings whose words the page and the index must split alike.
TOKENISER_SAMPLES = ["ENF/2021/0007", "Côte  CAFÉ", "O'Neill's shop", "Ysgol Llanŵ",
                     "Straße 5", "İstanbul", "½ ² ①", "ＡＢＣ１２", "tab\tand\nline", ""]


def test_search_page_splits_words_as_the_register_index_does(
        browser: Browser, site_url: str, pages: dict[str, str],
        tiles: re.Pattern[str]) -> None:
    from generator.site.register_search import words

    with visit(browser, site_url + "/search/", 1280, tiles) as seen:
        split = seen.page.evaluate(
            "samples => samples.map(s => window.enforcementSearchWords(s))",
            TOKENISER_SAMPLES)
    assert split == [words(s) for s in TOKENISER_SAMPLES]


def test_search_page_joins_words_as_the_register_index_does(
        browser: Browser, site_url: str, tiles: re.Pattern[str]) -> None:
    from generator.site.register_search import joined, words

    samples = ["ENF/2026/0001", "26/0001", "12 Mill Lane", "0 00 007", "a-1"]
    with visit(browser, site_url + "/search/", 1280, tiles) as seen:
        split = seen.page.evaluate(
            "samples => samples.map(s => window.enforcementSearchJoined("
            "window.enforcementSearchWords(s)))", samples)
    assert split == [joined(words(s)) for s in samples]


def _short_forms(reference: str) -> list[str]:
    """'ENF/2026/0001' as people type it short: '26/0001', 'enf/2026/1'."""
    parts = re.split(r"[/-]", reference)
    year = next((i for i, p in enumerate(parts) if re.fullmatch(r"(19|20)\d\d", p)), None)
    forms = ["/".join(p.lstrip("0") if p.isdigit() else p.lower() for p in parts)]
    if year is not None:
        forms.append("/".join([parts[year][2:], *parts[year + 1:]]))
    return forms


def test_search_finds_a_reference_typed_short_and_a_house_number_and_street(
        browser: Browser, site_url: str, tiles: re.Pattern[str],
        target: SiteUnderTest) -> None:
    reference, entry_path = sample_entry(target.site)
    entries = json.loads((target.site / "downloads" / "register.json").read_text())[
        "entries"]
    numbered = next(e for e in entries if re.match(r"\d+ [A-Za-z]", e.get("address") or ""))
    street_line = numbered["address"].split(",")[0]
    with visit(browser, site_url + "/search/", 1280, tiles) as seen:
        for query in _short_forms(reference):
            _search(seen, query)
            first = seen.page.locator("#register-results .search-result__link").first
            assert urlsplit(first.get_attribute("href") or "").path == entry_path, (
                f"searching {query!r} listed {first.inner_text()} first, not {reference}")
        _search(seen, street_line)
        first = seen.page.locator("#register-results .search-result__detail").first
        assert first.inner_text().startswith(street_line), (
            f"searching {street_line!r} listed {first.inner_text()} first")


def _search(seen: Visit, query: str) -> str:
    seen.page.fill("#site-search-q", query)
    seen.page.press("#site-search-q", "Enter")
    # Functions, not expressions: Playwright evals an expression, which the pages'
    # Content Security Policy forbids.
    seen.page.wait_for_function(
        "() => document.getElementById('search-status').textContent.indexOf('match') >= 0")
    return seen.page.inner_text("#search-status")


def test_search_finds_pages_and_pages_through_register_entries(
        browser: Browser, site_url: str, tiles: re.Pattern[str]) -> None:
    with visit(browser, site_url + "/search/", 1280, tiles) as seen:
        page = seen.page
        assert "page" in _search(seen, "enforcement charter")
        titles = page.locator("#page-results .search-result__link").all_inner_texts()
        assert "Our enforcement charter" in titles
        assert "q=enforcement+charter" in page.url, "the search can be shared or reloaded"

        status = _search(seen, "enforcement notice")
        total = int(re.match(r"([\d,]+) register entr", status).group(1).replace(",", ""))
        links = page.locator("#register-results .search-result__link")
        assert total > 20 and links.count() == 20
        page.click("#register-results .search-more")
        page.wait_for_function(
            "() => document.querySelectorAll('#register-results li').length > 20")
        assert links.count() == min(total, 40)
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == links.nth(20).get_attribute("href"), "focus moves to the new ones"

        assert _search(seen, "zzqxv").startswith("Nothing matches")
        assert page.locator("#register-results").is_hidden()
    assert seen.console_errors == seen.page_errors == []


def test_register_map_shows_clustered_markers(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str]) -> None:
    with visit(browser, site_url + pages["map-register"], 1280, tiles) as seen:
        page = seen.page
        page.wait_for_selector(".leaflet-marker-icon", timeout=15_000)
        clusters = page.locator(".leaflet-marker-pane .marker-cluster").count()
        markers = page.locator(".leaflet-marker-pane .leaflet-marker-icon").count()
        assert clusters >= 1, "the register map shows no marker clusters"
        assert markers >= clusters
        assert seen.tiles_served > 0, "the map asked for no tiles from the configured host"


def test_case_map_shows_ward_polygons(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str],
        target: SiteUnderTest) -> None:
    wards = json.loads(target.wards_file.read_text())["features"]
    with visit(browser, site_url + pages["map-cases"], 1280, tiles) as seen:
        seen.page.wait_for_selector(".leaflet-overlay-pane path.leaflet-interactive",
                                    timeout=15_000)
        polygons = seen.page.locator(".leaflet-overlay-pane path.leaflet-interactive").count()
        assert polygons >= len(wards) > 0, f"{polygons} shapes for {len(wards)} wards"


FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) { return null; }
  const s = getComputedStyle(e);
  let kind = 'other';
  if (e.classList.contains('md-skip')) { kind = 'skip'; }
  else if (e.matches('nav.md-nav--primary a')) { kind = 'nav'; }
  else if (e.matches('.table-filter input[type=search]')) { kind = 'filter'; }
  else if (e.matches('th button.sort-button')) { kind = 'sort'; }
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow !== 'none';
  const box = e.getBoundingClientRect();
  return {kind, visible: outline || shadow, shown: box.width > 0 && box.height > 0,
          what: e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' "'
                + (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 40)
                + '"',
          outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow,
          inContent: !!e.closest('.md-content')};
}"""


def test_keyboard_reaches_skip_link_nav_filter_and_sort_with_visible_focus(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str]) -> None:
    wanted = {"skip", "nav", "filter", "sort"}
    with visit(browser, site_url + pages["register-ward"], 1280, tiles) as seen:
        page = seen.page
        stops: list[dict[str, Any]] = []
        for _ in range(120):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None:
                continue
            stops.append(focused)
            if wanted <= {s["kind"] for s in stops}:
                break
        reached = {s["kind"] for s in stops}
        walk = "\n".join(f"  {s['kind']:7} {s['what']}" for s in stops)
        assert wanted <= reached, f"Tab never reached {wanted - reached}:\n{walk}"
        assert stops[0]["kind"] == "skip", f"the skip link is not the first stop:\n{walk}"
        hidden = [s for s in stops if not (s["visible"] and s["shown"])]
        assert not hidden, "no visible focus indicator on:\n" + "\n".join(
            f"  {s['what']} (outline {s['outline']}, box-shadow {s['shadow']})"
            for s in hidden)

        # The skip link takes keyboard users past the navigation to the content.
        page.reload(wait_until="networkidle")
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["kind"] == "skip"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        after = page.evaluate(FOCUSED)
        assert after and after["inContent"], f"after the skip link, focus went to {after}"


# ---- Track your report ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def tracker_site(request: pytest.FixtureRequest) -> tuple[Path, Path]:
    """(site, codes for letters) of a site with the case tracker on: the quality gate's
    site when it has the tracker on, otherwise the `tracked` build of the small export."""
    if os.environ.get("QUALITY_GATE_SITE"):
        target = site_under_test(request)
        codes = target.config_file.parent / "reports" / "tracker-codes.csv"
        if not (target.site / "track").is_dir() or not codes.is_file():
            pytest.skip("the site under test was built without the case tracker")
        return target.site, codes
    tracked = request.getfixturevalue("tracked")
    return tracked.site, tracked.reports / "tracker-codes.csv"


@pytest.fixture(scope="session")
def tracker_url(tracker_site: tuple[Path, Path]) -> Iterator[str]:
    with serve(tracker_site[0]) as url:
        yield url


def tracker_codes(tracker_site: tuple[Path, Path]) -> list[dict[str, str]]:
    """The codes the build wrote for the council's letters."""
    with tracker_site[1].open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Strings the page and tracker_codes.py must read alike.
TRACKER_SAMPLES = [("ENF/2024/0012", "K7QM-3XHP-9TDA"), ("enf 2024 0012", "k7qm 3xhp 9tda"),
                   ("ＥＮＦ／２０２４", "K7QM–3XHP–9TDA"), ("23/00456/ENF", "K7QM-3XHP-9TD0"),
                   ("Straße 5", "ABCD"), ("", "")]


def test_the_page_names_files_as_the_build_does(
        browser: Browser, tracker_url: str, tiles: re.Pattern[str]) -> None:
    from generator.privacy.tracker_codes import file_name, typed_code, typed_reference

    with visit(browser, tracker_url + "/track-your-report/", 1280, tiles) as seen:
        read = seen.page.evaluate(
            """samples => Promise.all(samples.map(([r, c]) => {
                 const t = window.enforcementTracker;
                 return t.fileName(r, c).then(name => [t.typedReference(r),
                                                       t.typedCode(c), name]);
               }))""", TRACKER_SAMPLES)
    assert read == [[typed_reference(r), typed_code(c), file_name(r, c)]
                    for r, c in TRACKER_SAMPLES]


def _type_into(seen: Visit, field: str, text: str, most_tabs: int = 60) -> None:
    """Tab from where the focus is to `field`, then type: as a keyboard user does."""
    for _ in range(most_tabs):
        seen.page.keyboard.press("Tab")
        if seen.page.evaluate("() => document.activeElement.id") == field:
            seen.page.keyboard.type(text)
            return
    raise AssertionError(f"Tab never reached #{field}")


def _track_files(seen: Visit) -> list[str]:
    return [u for u in seen.requested if "/track/" in u]


def test_a_resident_looks_up_a_report_by_keyboard_at_390_px(
        browser: Browser, tracker_url: str, tiles: re.Pattern[str],
        tracker_site: tuple[Path, Path]) -> None:
    """Reference and code as a resident types them from the letter (small letters,
    spaces), by keyboard alone; the result is announced and focused; only that one file
    is asked for. A wrong code and an unknown reference then read the same and ask for
    a file of the same kind, which is not there either way."""
    codes = tracker_codes(tracker_site)
    row = codes[len(codes) // 2]
    typed_reference = row["reference"].lower().replace("/", " ")
    with visit(browser, tracker_url + "/track-your-report/", 390, tiles) as seen:
        page = seen.page
        assert page.locator("#tracker-form").is_visible()
        violations = axe_violations(page)
        assert not violations, format_violations(violations)
        _type_into(seen, "tracker-reference", typed_reference)
        _type_into(seen, "tracker-code", row["access_code"].lower(), most_tabs=1)
        page.keyboard.press("Enter")
        page.wait_for_selector("#tracker-result:not([hidden])", timeout=15_000)
        assert page.evaluate("() => document.activeElement.id") == "tracker-result-heading"
        result = page.inner_text("#tracker-result")
        assert "Where it is up to:" in result and "Steps so far" in result
        assert "Report received" in result
        asked = _track_files(seen)
        assert len(asked) == 1 and re.search(r"/track/[0-9a-f]{64}\.json$", asked[0])
        violations = axe_violations(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "tracker-result-390.png", full_page=True)
        assert not violations, format_violations(violations)

        # Nothing found: the same message, and the same request, whichever is wrong.
        sizes = {}
        for label, reference, code in (
                ("wrong code", row["reference"], "2345-6789-ABCD"),
                ("unknown reference", "NO/SUCH/CASE/99", row["access_code"])):
            page.fill("#tracker-reference", reference)
            page.fill("#tracker-code", code)
            page.focus("#tracker-code")
            before = len(_track_files(seen))
            with page.expect_response(lambda r: "/track/" in r.url) as response:
                page.keyboard.press("Enter")
            page.wait_for_function(
                "() => document.getElementById('tracker-status').textContent"
                ".indexOf('could not find') >= 0")
            assert page.locator("#tracker-result").is_hidden()
            assert len(_track_files(seen)) == before + 1, label
            sizes[label] = (response.value.status, len(response.value.body()),
                            page.inner_text("#tracker-status"))
        assert sizes["wrong code"] == sizes["unknown reference"]
        assert sizes["wrong code"][0] == 404

        # A code that cannot be one is said so at the field, and nothing is asked for.
        before = len(_track_files(seen))
        page.fill("#tracker-code", "O0O0")
        page.focus("#tracker-code")
        page.keyboard.press("Enter")
        assert page.locator("#tracker-code-error").is_visible()
        assert page.get_attribute("#tracker-code", "aria-invalid") == "true"
        assert page.evaluate("() => document.activeElement.id") == "tracker-code"
        assert len(_track_files(seen)) == before
    assert seen.page_errors == []
    assert third_party_requests(seen.requested, tiles) == []
    # The only console errors are the browser's own notes of the two files not found.
    assert all("404" in e and "/track/" in e for e in seen.console_errors), \
        seen.console_errors


def test_without_javascript_the_page_says_how_else_to_get_an_update(
        browser: Browser, tracker_url: str) -> None:
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 390, "height": HEIGHT})
    try:
        page = context.new_page()
        page.goto(tracker_url + "/track-your-report/")
        assert page.locator("#tracker-form").is_hidden()
        assert "needs JavaScript" in page.inner_text("article")
        assert page.locator("#other-ways-to-get-an-update").is_visible()
    finally:
        context.close()


@pytest.mark.parametrize("view", ["390", "1280-zoom-200"])
def test_menu_opens_and_closes_by_keyboard(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str],
        view: str) -> None:
    width, zoom = VIEWS[view]
    with visit(browser, site_url + pages["content-faq"], width, tiles, zoom=zoom) as seen:
        page = seen.page
        button = page.locator("button.site-menu-button")
        for _ in range(10):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('.site-menu-button')"):
                break
        else:
            pytest.fail("Tab never reached the menu button")
        assert button.get_attribute("aria-expanded") == "false"
        assert button.inner_text().strip() == "Menu"
        assert page.locator("#site-drawer").get_attribute("inert") is not None
        page.keyboard.press("Enter")
        assert button.get_attribute("aria-expanded") == "true"
        assert page.locator("#site-drawer").get_attribute("inert") is None
        page.wait_for_timeout(300)  # the drawer slides in
        focused = page.evaluate("() => document.activeElement.closest('#site-drawer') !== null")
        assert focused, "focus moves into the menu"
        link = page.locator("#site-drawer a[href]").first
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        page.keyboard.press("Escape")
        assert button.get_attribute("aria-expanded") == "false"
        assert page.evaluate("() => document.activeElement.matches('.site-menu-button')")


def test_maps_skip_link_named_clusters_and_quiet_wheel(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str]) -> None:
    with visit(browser, site_url + pages["map-register"], 1280, tiles) as seen:
        page = seen.page
        page.wait_for_selector(".marker-cluster", timeout=15_000)
        skip = page.locator("a.map-skip")
        target = (skip.get_attribute("href") or "").lstrip("#")
        assert target and page.locator(f"[id='{target}']").count() == 1
        labels = page.locator(".marker-cluster").evaluate_all(
            "els => els.map(e => [e.textContent.trim(), e.getAttribute('aria-label')])")
        assert labels and all(label == f"{n} register entries here: select to zoom in"
                              for n, label in labels), labels
        map_id = page.locator(".enforcement-map").get_attribute("id")
        wheel = f"() => window['{map_id}'].scrollWheelZoom.enabled()"
        assert page.evaluate(wheel) is False, "the wheel scrolls the page until asked"
        page.locator(".enforcement-map").click(position={"x": 5, "y": 300})
        assert page.evaluate(wheel) is True


@pytest.mark.parametrize("name, table", [("map-register", "#list"), ("map-cases", "#table")])
def test_without_javascript_no_empty_map_box(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str],
        name: str, table: str) -> None:
    with visit(browser, site_url + pages[name], 1280, tiles, javascript=False) as seen:
        page = seen.page
        assert page.locator(".map-frame").is_hidden()
        assert page.locator(".map-legend").is_hidden()
        assert page.locator(table).is_visible()
        assert page.locator("table tbody tr").count() > 0


def test_case_map_key_tells_hidden_counts_from_low_ones(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str]) -> None:
    with visit(browser, site_url + pages["map-cases"], 1280, tiles) as seen:
        key = seen.page.locator("ul.map-legend li").all_inner_texts()
        fills = seen.page.locator("ul.map-legend rect").evaluate_all(
            "els => els.map(e => e.getAttribute('fill'))")
    assert key[-1].startswith("[c] withheld"), key
    assert fills[-1] not in fills[:-1], "hidden areas look like no shade of the counts"


# The print style sheet: an A4 page less its margins is about 680 CSS px wide.
PRINTED = """() => ({
  width: document.documentElement.scrollWidth,
  wide: Array.from(document.querySelectorAll('table, figure, pre'))
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map(e => e.tagName.toLowerCase() + ' ' + Math.round(e.getBoundingClientRect().width)),
  shown: ['.md-header', '.md-sidebar--primary', '.md-footer', '.site-breadcrumbs']
    .filter(s => document.querySelector(s)
                 && getComputedStyle(document.querySelector(s)).display !== 'none'),
})"""


@pytest.mark.parametrize("name", ["statistics", "quarterly-report", "register-address",
                                  "register-entry", "content-faq"])
def test_pages_print_without_clipping_or_navigation(
        browser: Browser, site_url: str, pages: dict[str, str], tiles: re.Pattern[str],
        name: str) -> None:
    with visit(browser, site_url + pages[name], 680, tiles) as seen:
        seen.page.emulate_media(media="print")
        printed = seen.page.evaluate(PRINTED)
    assert printed["wide"] == [] and printed["width"] <= 680, printed
    assert printed["shown"] == [], f"printed with its navigation: {printed['shown']}"


# ---- The gate can fail ------------------------------------------------------------------------


def _link_or_copy(source: str, destination: str) -> None:
    """Hard links make a copy of a 20,000-page site cheap; copies across file systems."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


BREAKAGE = ('<img src="data:image/png;base64,{png}">'
            '<script src="https://cdn.example.com/x.js"></script>'
            '<script>alert("an inline script ran")</script>'
            '<p><a href="../no-such-page/">A page that does not exist</a></p>')
POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')


def test_the_gate_catches_a_broken_page(
        browser: Browser, target: SiteUnderTest, tiles: re.Pattern[str], tmp_path: Path) -> None:
    """A page with an image without alt text, a script from another host, an inline
    script and a broken link; and a copy of it without its Content Security Policy,
    where the scripts get through (a policy lost from a page)."""
    site = tmp_path / "site"
    shutil.copytree(target.site, site, copy_function=_link_or_copy)
    broken = {}
    for name, keep_policy in (("faq", True), ("glossary", False)):
        path = site / name / "index.html"
        html = path.read_text()
        assert "</article>" in html and POLICY.search(html)
        path.unlink()  # it may be a hard link to the real page
        if not keep_policy:
            html = POLICY.sub("", html)
        path.write_text(html.replace(
            "</article>",
            BREAKAGE.format(png=base64.b64encode(BLANK_PNG).decode()) + "</article>", 1))
        broken[name] = path

    with serve(site) as url:
        with visit(browser, url + "/faq/", 1280, tiles, expect_violations=True) as seen:
            violations = axe_violations(seen.page)
        with visit(browser, url + "/glossary/", 1280, tiles,
                   expect_violations=True) as unprotected:
            pass
    assert "image-alt" in {v["id"] for v in violations}, format_violations(violations)
    blocked = "\n".join(seen.policy_violations)
    assert "script-src-elem blocked https://cdn.example.com/x.js" in blocked, blocked
    assert "script-src-elem blocked inline" in blocked, blocked
    assert seen.dialogs == [] and third_party_requests(seen.requested, tiles) == []
    assert unprotected.policy_violations == []
    assert unprotected.dialogs == ["alert: an inline script ran"]
    assert third_party_requests(unprotected.requested, tiles) == [
        "https://cdn.example.com/x.js"]
    links = broken_links(site, pages=[broken["faq"]])
    assert any("no-such-page" in p and p.startswith("faq/index.html:") for p in links), links
    errors = nu_errors([broken["faq"]], site)
    assert any("alt" in e.message for e in errors), errors


OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.mark.parametrize("tile_url, url, kind", [
    (OSM, "http://127.0.0.1:8000/faq/", "local"),
    (OSM, "https://tile.openstreetmap.org/12/2040/1360.png", "tile"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://b.tile.example.org/1/2/3.png",
     "tile"),
    (OSM, "https://cdn.example.com/x.js", "third-party"),
    (OSM, "https://tile.openstreetmap.org.evil.example/1/2/3.png", "third-party"),
    (OSM, "https://a.tile.openstreetmap.org/1/2/3.png", "third-party"),
    (OSM, "http://localhost:8000/", "third-party"),
])
def test_request_kinds(tile_url: str, url: str, kind: str) -> None:
    assert request_kind(url, tile_host_pattern(tile_url)) == kind
