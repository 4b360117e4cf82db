"""Open data: the Frictionless data package describes every download and validates;
each CSV loads with its schema; the register and the other notices are in separate
files; feeds are advertised on every page and one exists for each ward."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import posixpath
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Project
from generator.core.model import NoticeType
from generator.site.opendata import FIELDS
from generator.site.statistics import table_csv
from generator.stats.tables import Table

frictionless = pytest.importorskip("frictionless")

ATOM = "{http://www.w3.org/2005/Atom}"


def _package(project: Project) -> dict:
    return json.loads((project.site / "downloads" / "datapackage.json").read_text())


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_frictionless_validate_passes_on_the_built_site(built: Project):
    """The command a data user runs, as they run it."""
    command = Path(sys.executable).with_name("frictionless")
    result = subprocess.run([str(command), "validate", "--json",
                             str(built.site / "downloads" / "datapackage.json")],
                            capture_output=True, text=True, check=False)
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[:3000]
    assert len(report["tasks"]) == len(_package(built)["resources"])


def test_every_download_is_in_the_package_and_every_resource_exists(built: Project):
    downloads = built.site / "downloads"
    files = {p.relative_to(downloads).as_posix() for p in downloads.rglob("*")
             if p.is_file()} - {"datapackage.json"}
    listed = [r["path"] for r in _package(built)["resources"]]
    assert sorted(listed) == sorted(files)
    assert {"register.csv", "register.json", "register.geojson", "other-notices.csv",
            "other-notices.json", "other-notices.geojson",
            "statistics/cases-by-quarter.csv", "statistics/ward-by-breach.csv"} <= files
    # every link to a statistics CSV on the statistics page is a listed file
    page = (built.site / "statistics" / "index.html").read_text()
    linked = set(re.findall(r'href="\.\./downloads/(statistics/[^"]+\.csv)"', page))
    assert linked and linked <= set(listed)


def test_the_package_states_licence_sources_schedule_and_missing_values(built: Project):
    package = _package(built)
    assert package["licenses"][0]["name"] == "OGL-UK-3.0"
    assert "Northbrook District Council" in package["sources"][0]["title"]
    assert package["update-schedule"] == "every night"
    assert "every night" in package["description"]
    assert package["organisation"] == "local-authority:NBK"
    for resource in package["resources"]:
        assert resource["description"] and resource["title"] and resource["mediatype"]
        if resource["path"].startswith("statistics/"):
            assert resource["schema"]["missingValues"] == ["", "[c]", "-"]
            assert "'[c]' is a count hidden" in resource["description"]
            units = [f.get("description", "") for f in resource["schema"]["fields"][1:]]
            assert all(units), resource["name"]
        elif "schema" in resource:
            assert resource["schema"]["missingValues"] == [""]
            assert resource["schema"]["primaryKey"] == ["reference"]


def test_each_csv_loads_with_its_schema_into_typed_values(built: Project):
    package = frictionless.Package(str(built.site / "downloads" / "datapackage.json"))
    loaded = {}
    for resource in package.resources:
        if resource.format != "csv":
            continue
        with resource:
            rows = resource.read_rows()
        assert all(row.valid for row in rows), resource.name
        loaded[resource.name] = rows
    register = loaded["register"]
    assert register and all(r["on-statutory-register"] is True for r in register)
    assert all(r["on-statutory-register"] is False for r in loaded["other-notices"])
    assert any(isinstance(r["start-date"], dt.date) for r in register)
    quarters = loaded["statistics-cases-by-quarter"]
    assert all(isinstance(r["Received"], int) or r["Received"] is None for r in quarters)
    closure = loaded["statistics-closure-reasons"]
    assert any(r[k] is None for r in closure for k in r if k != "Reason"), "[c] is missing"
    times = loaded["statistics-response-times"]
    assert {type(r["Target met"]) for r in times} <= {bool, type(None)}
    assert any(isinstance(r["Within target (%)"], Decimal) for r in times)
    # the same figures as the page shows: '1,234' -> 1234, '[c]' -> missing
    page = (built.site / "statistics" / "index.html").read_text()
    section = page.split('id="cases-by-quarter"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', section)
    assert shown and len(shown) == len(quarters)
    for (label, received), row in zip(shown, quarters, strict=True):
        assert row["Quarter"] == html.unescape(label)
        assert row["Received"] == (None if received == "[c]"
                                   else int(received.replace(",", "")))


def test_a_file_that_breaks_its_schema_fails_validation(built: Project, tmp_path: Path):
    """The check can fail: a date that is not a date, and a notice in the wrong file."""
    copy = tmp_path / "downloads"
    shutil.copytree(built.site / "downloads", copy)
    text = (copy / "register.csv").read_text()
    first = text.splitlines()[1]
    broken = first.replace(re.search(r"\d{4}-\d{2}-\d{2}", first).group(), "31/12/2025", 1)
    (copy / "register.csv").write_text(text.replace(first, broken, 1))
    other = _rows(copy / "other-notices.csv")[0]
    with (copy / "register.csv").open("a", encoding="utf-8") as handle:
        handle.write(",".join(f'"{v}"' for v in {**other, "reference": "X/1"}.values()) + "\n")
    report = frictionless.validate(str(copy / "datapackage.json"))
    errors = report.flatten(["fieldName", "type"])
    assert not report.valid
    assert any(kind == "type-error" for _, kind in errors)
    assert ["notice-type", "constraint-error"] in errors


def test_register_and_other_notices_are_in_separate_files(built: Project):
    downloads = built.site / "downloads"
    register, others = _rows(downloads / "register.csv"), _rows(downloads / "other-notices.csv")
    assert register and others
    on_register = {t.value for t in NoticeType if t.on_register}
    assert {r["notice-type"] for r in register} <= on_register
    assert not {r["notice-type"] for r in others} & on_register
    assert {r["on-statutory-register"] for r in register} == {"true"}
    pages = [p for p in (built.site / "register" / "entries").iterdir() if p.is_dir()]
    assert len(pages) == len(register) + len(others)
    for name, rows in (("register", register), ("other-notices", others)):
        data = json.loads((downloads / f"{name}.json").read_text())
        assert [e["reference"] for e in data["entries"]] == [r["reference"] for r in rows]
        features = json.loads((downloads / f"{name}.geojson").read_text())["features"]
        assert [f["properties"]["reference"] for f in features] == [
            r["reference"] for r in rows]


def test_without_other_notices_the_files_are_empty_and_valid(project: Project):
    project.edit_config(register={"show_non_register": False})
    assert project.build().exit_code == 0
    downloads = project.site / "downloads"
    assert _rows(downloads / "other-notices.csv") == []
    assert json.loads((downloads / "other-notices.json").read_text())["entries"] == []
    resources = {r["name"]: r for r in _package(project)["resources"]}
    assert "none at present" in resources["other-notices-json"]["description"]
    report = frictionless.validate(str(downloads / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize(("header", "rows", "expected"), [
    (["Quarter", "Received", "Closed"], [["2024/25 Q1", "1,234", "[c]"],
                                          ["2024/25 Q2", "17", "-"]],
     "Quarter,Received,Closed\n2024/25 Q1,1234,[c]\n2024/25 Q2,17,-\n"),
    (["Year", "Within target", "Target met"], [["2024/25", "75%", "Yes"],
                                               ["2025/26", "[c]", "-"]],
     "Year,Within target (%),Target met\n2024/25,75,Yes\n2025/26,[c],-\n"),
    (["Year", "Median weeks"], [["2024/25", "9"], ["2025/26", "8.5"]],
     "Year,Median weeks\n2024/25,9\n2025/26,8.5\n"),
    (["Ward", "Total"], [["=HYPERLINK(1)", "1,000"]], "Ward,Total\n'=HYPERLINK(1),1000\n"),
])
def test_statistics_csv_cells_are_plain_numbers(header, rows, expected):
    assert table_csv(Table("t", "T", "", header, rows)) == expected


# ---- feeds ---------------------------------------------------------------------------


def test_every_page_advertises_the_register_feed(built: Project):
    pages = sorted(built.site.rglob("index.html"))
    assert len(pages) > 50
    for page in pages:
        text = page.read_text(encoding="utf-8")
        links = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*'
                           r'href="([^"]+)"', text)
        assert len(links) == 1, page
        target = posixpath.normpath(posixpath.join(
            page.parent.relative_to(built.site).as_posix(), links[0]))
        assert target == "feed.xml", page


def test_each_ward_has_a_feed_of_its_own_entries_linked_from_its_list(built: Project):
    rows = {r["reference"]: r for r in _rows(built.site / "downloads" / "register.csv")}
    ward_folder = built.site / "register" / "ward"
    feeds = sorted(ward_folder.glob("*/feed.xml"))
    lists = list(ward_folder.glob("*/index.html"))
    assert feeds
    for feed_path in feeds:
        feed = ET.parse(feed_path).getroot()
        assert feed.find(f"{ATOM}author/{ATOM}name").text == "Northbrook District Council"
        self_link = feed.find(f"{ATOM}link[@rel='self']").get("href")
        assert self_link.endswith(feed_path.relative_to(built.site).as_posix())
        list_page = (feed_path.parent / "index.html").read_text()
        assert 'href="../' + feed_path.parent.name + '/feed.xml"' in list_page
        wards = set()
        for entry in feed.findall(f"{ATOM}entry"):
            reference = entry.find(f"{ATOM}title").text.split(": ")[0].rsplit(" ", 1)[-1]
            wards.add(rows[reference]["ward"])
        assert len(wards) <= 1, feed_path
    assert len(lists) >= len(feeds)


def test_the_open_data_page_lists_files_feeds_and_the_column_mapping(built: Project):
    page = html.unescape((built.site / "open-data" / "index.html").read_text())
    for href in ("../downloads/register.csv", "../downloads/other-notices.csv",
                 "../downloads/datapackage.json", "../feed.xml",
                 "../register/ward/"):
        assert f'href="{href}' in page, href
    table = page.split('<caption>Columns of the register files</caption>', 1)[1]
    # (a meaning may link a term to the glossary, as the pages' first uses of terms do)
    rows = re.findall(r'<tr><th scope="row"><code>([^<]+)</code></th><td>(\w+)</td>'
                      r"<td>.*?</td><td>(.*?)</td></tr>", table.split("</table>", 1)[0])
    assert [name for name, _, _ in rows] == [name for name, _, _ in FIELDS]
    national = {name: mapped for name, _, mapped in rows}
    for column in ("reference", "organisation", "entry-date", "start-date", "end-date",
                   "point"):
        assert national[column].startswith(f"<code>{column}</code>: "), column
    assert national["breach-summary"] == "this register's own column"
    assert "tabindex=\"0\" role=\"region\" aria-label=\"Columns of the register files\"" \
        in page
    text = re.sub(r"<[^>]+>", " ", page)
    assert "We update them every night" in " ".join(text.split())
