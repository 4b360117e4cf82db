"""End-to-end builds through the CLI: what a council gets from `make site`."""

from __future__ import annotations

import collections
import csv
import filecmp
import json
import os
import re

import pytest

from conftest import Project, make_project, run_cli


def test_home_page_links_to_the_main_sections(built: Project):
    home = (built.site / "index.html").read_text()
    for target in ("register/", "maps/register/", "statistics/", "faq/", "charter/"):
        assert re.search(rf'href="(\./)?{re.escape(target)}"', home), target


def test_reports_are_written_outside_the_site(built: Project):
    for name in ("issues.csv", "reconciliation.csv", "audit.json", "audit.md",
                 "late-entries.csv", "build.json"):
        assert (built.reports / name).is_file(), name
    assert not list(built.site.rglob("issues.csv"))
    assert not list(built.site.rglob("audit.json"))


def test_every_row_read_is_accounted_for(built: Project):
    with (built.reports / "reconciliation.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["file"] for r in rows} == {"cases.csv", "notices.csv"}
    for row in rows:
        outcomes = sum(int(row[k]) for k in ("published", "counted", "withheld", "merged",
                                             "rejected"))
        assert outcomes == int(row["read"]) > 0
    with (built.export / "cases.csv").open(encoding="cp1252", newline="") as handle:
        physical = sum(1 for _ in csv.reader(handle)) - 1
    assert int(next(r for r in rows if r["file"] == "cases.csv")["read"]) == physical


def test_building_twice_gives_byte_identical_sites(tmp_path, small_export):
    first = make_project(tmp_path / "a", small_export)
    second = make_project(tmp_path / "b", small_export)
    assert first.build().exit_code == 0
    assert second.build().exit_code == 0
    comparison = filecmp.dircmp(first.site, second.site)

    def differences(c: filecmp.dircmp) -> list[str]:
        found = c.left_only + c.right_only + c.diff_files + c.funny_files
        for sub in c.subdirs.values():
            found += differences(sub)
        return found

    # filecmp compares contents shallowly by default; compare the bytes of every file.
    assert differences(comparison) == []
    for path in first.site.rglob("*"):
        if path.is_file():
            other = second.site / path.relative_to(first.site)
            assert path.read_bytes() == other.read_bytes(), path


def test_a_failed_build_leaves_the_previous_site_untouched(project: Project):
    assert project.build().exit_code == 0
    before = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    # A complainant whose name the site prints elsewhere makes the leak scan fail.
    cases = project.export / "cases.csv"
    with cases.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("Complainant Name")] = "Planning Inspectorate"
    with cases.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    result = project.build()
    assert result.exit_code == 1
    assert "leak scan" in result.stderr
    assert "Traceback" not in result.output
    after = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    assert after == before
    audit = json.loads((project.reports / "audit.json").read_text())
    assert audit["leak scan"]["hits"]
    assert "Planning Inspectorate" not in (project.reports / "audit.json").read_text()


def test_strict_fails_on_rows_with_errors_and_keeps_the_old_site(project: Project):
    result = project.build("--strict")
    assert result.exit_code == 1
    assert "--strict" in result.stderr
    assert not project.site.exists()


def test_no_page_loads_assets_from_another_host(built: Project):
    pattern = re.compile(r'<(?:script|img|iframe)[^>]*\ssrc="(https?:)?//'
                         r'|<link[^>]*rel="stylesheet"[^>]*href="(https?:)?//')
    for page in built.site.rglob("*.html"):
        assert not pattern.search(page.read_text()), page
    for script in (built.site / "maps").glob("*.js"):
        text = script.read_text()
        hosts = set(re.findall(r"https?://([^/\"']+)", text))
        assert hosts <= {"tile.openstreetmap.org", "www.openstreetmap.org"}, hosts


def test_entry_pages_are_complete_pages_with_their_own_title_and_address(built: Project):
    entries = sorted((built.site / "register" / "entries").iterdir())
    assert entries and not any("skeleton" in p.name for p in entries)
    for folder in entries[:5]:
        page = (folder / "index.html").read_text()
        assert f'register/entries/{folder.name}/"' in page  # canonical address
        assert "SKELETON" not in page
        title = re.search(r"<title>([^<]*)</title>", page).group(1)
        heading = re.search(r"<h1[^>]*>([^<]*)</h1>", page).group(1)
        assert title.startswith(heading)
        assert "What the notice requires" in page
    sitemap = (built.site / "sitemap.xml").read_text()
    assert "skeleton" not in sitemap
    assert sitemap.count("/register/entries/") == len(entries)


def test_entry_urls_are_stable_when_other_notices_change(tmp_path, small_export):
    """Adding and removing other notices must not move an entry to another address."""
    first = make_project(tmp_path / "a", small_export)
    assert first.build().exit_code == 0
    before = {p.name for p in (first.site / "register" / "entries").iterdir()}
    second = make_project(tmp_path / "b", small_export)
    notices = second.export / "notices.csv"
    with notices.open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle))
    del rows[5:15]  # ten notices gone from tonight's export
    with notices.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    assert second.build().exit_code == 0
    after = {p.name for p in (second.site / "register" / "entries").iterdir()}
    assert after < before  # nothing renamed: the survivors keep their addresses


def test_case_map_counts_match_the_statistics(built: Project):
    def cells(html: str, first_column: str) -> dict[str, str]:
        rows = re.findall(r"<tr><th scope=\"row\">([^<]*)</th>(.*?)</tr>", html, re.S)
        return {name: re.findall(r"<td>([^<]*)</td>", rest)[-1] for name, rest in rows}

    case_map = cells((built.site / "maps" / "cases" / "index.html").read_text(), "Ward")
    stats_page = (built.site / "statistics" / "index.html").read_text()
    ward_section = stats_page.split('id="ward-by-breach"', 1)[1].split("</table>", 1)[0]
    statistics = cells(ward_section, "Ward")
    assert case_map, "the case map has its accessible table"
    for ward, count in case_map.items():
        assert statistics[ward] == count, ward
    # No point of a non-register case is ever drawn: the case map has no markers.
    script = (built.site / "maps" / "case-map.js").read_text()
    assert "marker" not in script.lower()


def test_grid_square_counts_are_published_when_configured(project: Project):
    project.edit_config(privacy={"grid_cell_metres": 1000})
    assert project.build().exit_code == 0
    page = (project.site / "statistics" / "index.html").read_text()
    section = page.split('id="cases-by-grid-square"', 1)[1].split("</table>", 1)[0]
    squares = re.findall(r'<th scope="row">easting ([\d,]+), northing ([\d,]+)</th>', section)
    assert squares, "the table lists the squares that had cases"
    for easting, northing in squares:  # named by their south-west corner, 1 km apart
        assert int(easting.replace(",", "")) % 1000 == 0
        assert int(northing.replace(",", "")) % 1000 == 0
    download = project.site / "downloads" / "statistics" / "cases-by-grid-square.csv"
    assert download.read_text().startswith("Grid square (south-west corner),Cases received")


def test_pagefind_indexes_the_rendered_pages_only(built: Project):
    """Register entries and lists are in the register's own index; Pagefind indexes the
    pages MkDocs rendered, so a search finds the charter but no entry twice."""
    fragments = list((built.site / "pagefind" / "fragment").iterdir())
    entries = list((built.site / "register" / "entries").iterdir())
    assert 10 < len(fragments) < 60 < len(entries)


@pytest.mark.parametrize(("pages", "glob"), [
    (["faq/index.html", "index.html"], "{faq/index.html,index.html}"),
    (["a,b/index.html", "c{1}/index.html"], r"{a\,b/index.html,c\{1\}/index.html}"),
])
def test_pagefind_is_given_a_glob_of_exactly_the_pages(pages, glob):
    from generator.render.search_index import search_glob

    assert search_glob(pages) == glob


@pytest.mark.parametrize(("html", "squeezed"), [
    ("<div>\n    <p>Text</p>\n\n  </div>\n", "<div>\n<p>Text</p>\n</div>\n"),
    ("<p>two  spaces stay</p>", "<p>two  spaces stay</p>"),
    ("<pre>\n    code\n</pre>\n  <p>x</p>", "<pre>\n    code\n</pre>\n  <p>x</p>"),
    ("<TEXTAREA>\n  a</TEXTAREA>", "<TEXTAREA>\n  a</TEXTAREA>"),
])
def test_fast_pages_drop_the_themes_indentation(html, squeezed):
    from generator.render.fast_pages import squeeze_indentation

    assert squeeze_indentation(html) == squeezed


def test_a_leak_scan_that_cannot_run_fails_the_build_and_keeps_the_site(
        project: Project, monkeypatch: pytest.MonkeyPatch):
    """The scanner's process dying (out of memory, say) is a failed build, never a clean
    scan: exit 1, a plain message, the previous site untouched."""
    import signal

    from generator.privacy import leakscan

    assert project.build().exit_code == 0
    before = {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()}
    search_contents = leakscan.LeakScan.search_contents

    def search_then_die(self, contents):
        search_contents(self, contents)
        os.kill(self.process_id(), signal.SIGKILL)  # as the kernel's out-of-memory killer

    monkeypatch.setattr(leakscan.LeakScan, "search_contents", search_then_die)
    result = project.build()
    assert result.exit_code == 1, result.output
    assert "leak scan" in result.stderr and "ended unexpectedly" in result.stderr
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in project.site.rglob("*") if p.is_file()} == before


def _record_scan(monkeypatch: pytest.MonkeyPatch) -> dict:
    """What the build hands its leak scanner: files from disk (relative names, each
    time handed over) and files' bytes sent before they are written."""
    from generator.privacy import leakscan

    seen: dict = {"from disk": [], "as bytes": {}}
    search_files, search_contents = (leakscan.LeakScan.search_files,
                                     leakscan.LeakScan.search_contents)

    def record_files(self, folder, files, workers=1):
        seen["from disk"] += [f.relative_to(folder).as_posix() for f in files]
        return search_files(self, folder, files, workers)

    def record_contents(self, contents):
        seen["as bytes"].update(contents)
        return search_contents(self, contents)

    monkeypatch.setattr(leakscan.LeakScan, "search_files", record_files)
    monkeypatch.setattr(leakscan.LeakScan, "search_contents", record_contents)
    return seen


def _published(project: Project) -> dict[str, bytes]:
    from generator.privacy.leakscan import list_files

    return {p.relative_to(project.site).as_posix(): p.read_bytes()
            for p in list_files(project.site)}


@pytest.mark.parametrize("scanner_keeps_up", [True, False])
def test_every_published_file_is_searched_once_as_it_was_published(
        project: Project, monkeypatch: pytest.MonkeyPatch, scanner_keeps_up: bool):
    """The scanner is handed the downloads as bytes before MkDocs writes them, MkDocs'
    files before the fast pages are written, and the fast pages while they are written
    whenever it has caught up (or all at the end). Whatever the timing, every file of
    the site is searched once: from disk, or from exactly the bytes published."""
    from generator.privacy import leakscan

    monkeypatch.setattr(leakscan.LeakScan, "idle", lambda self: scanner_keeps_up)
    seen = _record_scan(monkeypatch)
    assert project.build().exit_code == 0
    published = _published(project)
    from_disk = collections.Counter(seen["from disk"])
    assert max(from_disk.values()) == 1
    as_bytes = {name for name in seen["as bytes"] if name not in from_disk}
    assert "downloads/register.csv" in as_bytes
    assert {name: published[name] for name in as_bytes} == {
        name: seen["as bytes"][name] for name in as_bytes}
    assert set(published) == set(from_disk) | as_bytes


def test_a_file_published_unlike_the_bytes_searched_is_searched_again(
        project: Project, monkeypatch: pytest.MonkeyPatch):
    """Should a later stage change a download after its bytes were sent to the scanner,
    the file as written is searched."""
    from generator.app import prepare

    other_pages = prepare.generate_other_pages

    def and_change_a_download(site, *args):
        other_pages(site, *args)
        site.files["downloads/register.csv"] += b"\n"

    monkeypatch.setattr(prepare, "generate_other_pages", and_change_a_download)
    seen = _record_scan(monkeypatch)
    assert project.build().exit_code == 0
    assert "downloads/register.csv" in seen["as bytes"]
    assert seen["from disk"].count("downloads/register.csv") == 1
    assert "downloads/register.json" not in seen["from disk"]  # unchanged: not again


def test_default_relative_folders_build_whatever_the_scanner_is_doing(
        project: Project, monkeypatch: pytest.MonkeyPatch):
    """`make site` runs `enforcement-site build` with relative folders. Fast pages are
    handed to the leak scanner whenever it is idle; an idle scanner (patched here, as on
    a quiet machine) once got absolute page paths against a relative staging folder and
    failed the build at random."""
    from generator.privacy import leakscan

    monkeypatch.setattr(leakscan.LeakScan, "idle", lambda self: True)
    monkeypatch.chdir(project.root)
    for _ in range(2):  # from an empty folder, then over the published site
        result = run_cli("build")
        assert result.exit_code == 0, result.output
        assert (project.root / "site" / "register" / "entries").is_dir()
