"""Publishing anywhere: the server configuration states the headers the site needs (the
Content-Security-Policy allowing exactly what the site uses), caching that is long only
for files named by their content, robots.txt; `enforcement-site package` writes a
byte-identical zip with checksums."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import REPO, Project, make_project, run_cli
from generator.config.schema import load_config
from generator.core.untrusted import tile_source
from generator.dev.docs import hosting_examples
from generator.publish.hosting import (
    LONG_CACHE,
    SHORT_CACHE,
    hosting_files,
    is_long_cached,
    security_headers,
)
from generator.render.csp import header_policy

REQUIRED = ("Content-Security-Policy", "Strict-Transport-Security", "X-Content-Type-Options",
            "Referrer-Policy")


@pytest.fixture(scope="module")
def config():
    return load_config(REPO / "enforcement-site.yml")


def _csp_in(name: str, text: str) -> list[str]:
    """Every Content-Security-Policy value a configuration file states."""
    if name.endswith(".json"):
        data = json.loads(text)
        if "globalHeaders" in data:
            return [data["globalHeaders"]["Content-Security-Policy"]]
        return [data["SecurityHeadersConfig"]["ContentSecurityPolicy"][
            "ContentSecurityPolicy"]]
    if name == "web.config":
        root = ET.fromstring(text)
        return [e.get("value") for e in root.iter("add")
                if e.get("name") == "Content-Security-Policy"]
    return re.findall(r'Content-Security-Policy:? "?([^"\n]+)"?', text)


@pytest.mark.parametrize("hosting", hosting_files(load_config(REPO / "enforcement-site.yml")),
                         ids=lambda h: h.name)
def test_each_configuration_states_the_one_policy_and_every_header(hosting, config):
    expected = header_policy(tile_source(config.tiles.url))
    if hosting.name in ("s3-upload.sh", "cloudfront-index.js"):
        assert "Content-Security-Policy" not in hosting.text  # CloudFront's policy sends it
        return
    found = _csp_in(hosting.name, hosting.text)
    assert found and set(found) == {expected}, found
    if hosting.name != "cloudfront-response-headers-policy.json":
        for name, value in security_headers(config):
            assert name in hosting.text and value in hosting.text, (hosting.name, name)
    else:
        policy = json.loads(hosting.text)["SecurityHeadersConfig"]
        assert policy["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
        assert {"ContentTypeOptions", "ReferrerPolicy"} <= set(policy)


def test_every_required_header_is_stated(config):
    assert [name for name, _ in security_headers(config)][:4] == list(REQUIRED)


def test_the_configurations_in_docs_are_those_the_code_writes():
    for name, text in hosting_examples().items():
        path = REPO / name
        assert path.exists() and path.read_text() == text, (
            f"{name} is out of date: run `python -m generator.dev.docs`")
    guide = (REPO / "docs" / "publishing.md").read_text()
    for name in hosting_examples():
        assert f"]({name.removeprefix('docs/')})" in guide, name


def test_the_configuration_files_parse(config):
    files = {h.name: h.text for h in hosting_files(config)}
    ET.fromstring(files["web.config"])
    swa = json.loads(files["staticwebapp.config.json"])
    assert swa["globalHeaders"]["Cache-Control"] == SHORT_CACHE
    assert all(r["headers"]["Cache-Control"] == LONG_CACHE for r in swa["routes"])
    assert files["nginx.conf"].count("{") == files["nginx.conf"].count("}")


class _Resources(HTMLParser):
    """What a page makes the browser load: scripts, styles, images, icons, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get(
                "src"):
            self.urls.append((tag, a["src"]))
        if tag == "link" and a.get("href") and a.get("rel") not in ("alternate", "canonical"):
            self.urls.append((f"link {a.get('rel')}", a["href"]))
        if tag == "object" and a.get("data"):
            self.urls.append((tag, a["data"]))
        if tag == "form" and a.get("action"):
            self.urls.append((tag, a["action"]))


def test_the_policy_allows_exactly_what_the_built_site_uses(built: Project):
    """Nothing the pages load comes from another host, the one other host the policy
    allows (img-src) is the map tiles', which the maps use, and 'wasm-unsafe-eval' is
    there for the search's WebAssembly, which the site has."""
    config = load_config(built.config)
    tiles = tile_source(config.tiles.url)
    site_host = urlsplit(config.site.url).netloc
    for page in sorted(built.site.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        for what, url in parser.urls:
            parts = urlsplit(url)
            assert parts.scheme in ("", "data") or parts.netloc == site_host, (page, what, url)
    directives = dict(d.split(" ", 1) for d in header_policy(tiles).split("; "))
    outside = {name: [s for s in sources.split() if "://" in s]
               for name, sources in directives.items()}
    assert {name: hosts for name, hosts in outside.items() if hosts} == {"img-src": [tiles]}
    assert tiles.split("://")[1] in (built.site / "assets" / "map-settings.js").read_text()
    assert list(built.site.glob("pagefind/wasm.*.pagefind"))
    assert "'wasm-unsafe-eval'" in directives["script-src"]


def test_long_caching_is_only_for_files_named_by_their_content(built: Project):
    files = [p.relative_to(built.site).as_posix() for p in built.site.rglob("*")
             if p.is_file()]
    long = [f for f in files if is_long_cached(f)]
    assert any(f.startswith("assets/javascripts/bundle.") for f in long)
    assert any(f.startswith("assets/stylesheets/main.") for f in long)
    assert any(f.startswith("pagefind/fragment/") for f in long)
    for name in long:
        assert re.search(r"[._][0-9a-f]{7,}\.", Path(name).name), name
    for name in ("index.html", "downloads/register.csv", "feed.xml",
                 "assets/site.css", "pagefind/pagefind.js", "sitemap.xml"):
        assert name in files and not is_long_cached(name)


def test_robots_txt_allows_indexing_and_names_the_sitemap(built: Project):
    robots = (built.site / "robots.txt").read_text()
    url = load_config(built.config).site.url
    assert robots == f"User-agent: *\nAllow: /\nSitemap: {url}sitemap.xml\n"
    assert (built.site / "sitemap.xml").exists()


def test_the_hosting_command_writes_every_file(tmp_path: Path):
    result = run_cli("hosting", "--config", REPO / "enforcement-site.yml",
                     "--out", tmp_path / "hosting")
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / "hosting").iterdir())
    assert written == sorted(Path(n).name for n in hosting_examples())


# ---- enforcement-site package ----------------------------------------------------------


def _package(project: Project, out: Path):
    return run_cli("package", "--config", project.config, "--site-dir", project.site,
                   "--out", out)


def test_the_zip_is_byte_identical_across_builds_and_folders(
        project: Project, tmp_path: Path, small_export: Path):
    assert project.build().exit_code == 0
    first = _package(project, tmp_path / "one.zip")
    assert first.exit_code == 0, first.output
    assert project.build().exit_code == 0  # a new build folder, made at another time
    assert _package(project, tmp_path / "two.zip").exit_code == 0
    other = make_project(tmp_path / "elsewhere" / "project", small_export)
    assert other.build().exit_code == 0
    assert _package(other, tmp_path / "three.zip").exit_code == 0
    one = (tmp_path / "one.zip").read_bytes()
    assert one == (tmp_path / "two.zip").read_bytes() == (tmp_path / "three.zip").read_bytes()
    digest = hashlib.sha256(one).hexdigest()
    assert (tmp_path / "one.zip.sha256").read_text() == f"{digest}  one.zip\n"
    assert digest in first.stdout


def test_the_zip_holds_the_site_with_checksums_configuration_and_a_readme(
        built: Project, tmp_path: Path):
    assert _package(built, tmp_path / "site.zip").exit_code == 0
    site_files = sorted(p.relative_to(built.site).as_posix()
                        for p in built.site.rglob("*") if p.is_file())
    with zipfile.ZipFile(tmp_path / "site.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names[:len(site_files)]) + names[len(site_files):]
        assert [n.removeprefix("site/") for n in names if n.startswith("site/")] == site_files
        assert {"SHA256SUMS", "README.txt", "hosting/web.config",
                "hosting/staticwebapp.config.json"} <= set(names)
        sums = archive.read("SHA256SUMS").decode().splitlines()
        assert len(sums) == len(site_files)
        for line in sums:
            digest, name = line.split("  ")
            assert hashlib.sha256(archive.read(name)).hexdigest() == digest
            assert (built.site / name.removeprefix("site/")).read_bytes() == archive.read(name)
        export_day = json.loads(
            (built.site / "downloads" / "register.json").read_text())["entry-date"]
        for info in archive.infolist():
            assert info.external_attr >> 16 == 0o100644
            assert "{:04d}-{:02d}-{:02d}".format(*info.date_time[:3]) == export_day
        assert "sha256sum -c SHA256SUMS" in archive.read("README.txt").decode()


def test_package_without_a_built_site_says_so(tmp_path: Path):
    result = run_cli("package", "--config", REPO / "enforcement-site.yml",
                     "--site-dir", tmp_path / "nothing", "--out", tmp_path / "site.zip")
    assert result.exit_code == 2
    assert "no built site" in result.output and "enforcement-site build" in result.output
    assert not (tmp_path / "site.zip").exists()
