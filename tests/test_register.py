"""The statutory register: prescribed fields, open data, feed."""

from __future__ import annotations

import csv
import html
import json
import xml.etree.ElementTree as ET
from collections import defaultdict

import pytest

from conftest import Project
from generator.core.model import NoticeType
from generator.site.opendata import FIELDS

# The fields the register must hold (../shared/DOMAIN.md section 3), as the entry page
# labels them, for each register type.
COMMON = ["Address of the land", "Issued by", "Date of service",
          "What the notice requires", "Period for compliance", "Date for compliance",
          "Date the council was satisfied the steps were taken",
          "Date entered on the register"]
PRESCRIBED = {
    NoticeType.ENFORCEMENT_NOTICE: COMMON + [
        "Date of issue", "Summary of the alleged breach", "Date the notice takes effect",
        "Appeal", "Related stop notice"],
    NoticeType.BREACH_OF_CONDITION_NOTICE: COMMON + [
        "Planning permission it relates to", "Condition not complied with"],
    NoticeType.STOP_NOTICE: COMMON + [
        "Date of issue", "Summary of the alleged breach", "Activity prohibited",
        "Date the notice takes effect"],
    NoticeType.ENFORCEMENT_WARNING_NOTICE: COMMON + [
        "Date of issue", "Summary of the alleged breach", "Date the notice takes effect"],
    NoticeType.PLANNING_ENFORCEMENT_ORDER: COMMON + ["Date of issue"],
    NoticeType.CIL_STOP_NOTICE: COMMON + ["Date of issue", "Activity prohibited"],
}


def _register_rows(project: Project) -> list[dict[str, str]]:
    with (project.site / "downloads" / "register.csv").open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_register_type_in_the_sample_has_every_prescribed_field(built: Project):
    rows = _register_rows(built)
    by_type = defaultdict(list)
    for row in rows:
        by_type[row["notice-type"]].append(row)
    present = [t for t in PRESCRIBED if t.value in by_type]
    assert NoticeType.ENFORCEMENT_NOTICE in present and len(present) >= 3
    for notice_type in present:
        for row in by_type[notice_type.value][:3]:
            slug = row["reference"].lower().replace("/", "-")
            page = (built.site / "register" / "entries" / slug / "index.html").read_text()
            for label in PRESCRIBED[notice_type]:
                assert f">{label}</th>" in page, (notice_type, label, slug)
            assert row["organisation"] and row["start-date"]
            assert row["address"] or row["point"]


def test_downloads_follow_planning_data_conventions(built: Project):
    rows = _register_rows(built)
    assert list(rows[0]) == [name for name, _, _ in FIELDS]
    assert all(name == name.lower() and "_" not in name for name, _, _ in FIELDS)
    with_point = [r for r in rows if r["point"]]
    assert with_point
    for row in with_point:
        lon, lat = row["point"].removeprefix("POINT(").removesuffix(")").split()
        assert len(lon.split(".")[1]) <= 6 and len(lat.split(".")[1]) <= 6
        assert -3 < float(lon) < 2 and 50 < float(lat) < 56
    data = json.loads((built.site / "downloads" / "register.json").read_text())
    assert "Open Government Licence" in data["licence"]
    assert len(data["entries"]) == len(rows)


def test_geojson_is_a_valid_feature_collection(built: Project):
    collection = json.loads((built.site / "downloads" / "register.geojson").read_text())
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]
            assert feature["properties"]["point"] == f"POINT({lon:.6f} {lat:.6f})"


def test_datapackage_validates_with_frictionless(built: Project):
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(built.site / "downloads" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_atom_feed_is_well_formed_and_links_to_entries(built: Project):
    feed = ET.parse(built.site / "feed.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert entries
    for entry in entries:
        link = entry.find("a:link", ns).get("href")
        slug = link.rstrip("/").rsplit("/", 1)[-1]
        assert (built.site / "register" / "entries" / slug / "index.html").exists()


def test_late_entries_are_reported(built: Project):
    with (built.reports / "late-entries.csv").open() as handle:
        late = list(csv.DictReader(handle))
    assert late, "the sample has entries made more than 14 days after service"
    for row in late:
        if row["days"].isdigit():
            assert int(row["days"]) > 14


def test_home_page_links_to_the_slug_the_register_gave_the_entry():
    """'ENF/21/7' and 'ENF-21-7' slugify alike; the register suffixes one, and the home
    page's latest-notices table must link to that same page."""
    import datetime as dt

    from generator.core.sensitive import Sensitive
    from generator.privacy.anonymise import Audit, PublicData, PublicNotice
    from generator.site.home import _latest_notices
    from generator.site.register import assign_slugs

    notices = [PublicNotice(reference, NoticeType.ENFORCEMENT_NOTICE, True, "In force",
                            served=dt.date(2026, 1, 5), address="1 High Street")
               for reference in ("ENF/21/7", "ENF-21-7")]
    data = PublicData(dt.date(2026, 2, 1), notices, [], [], [], Sensitive(), Audit())
    published = assign_slugs(notices)
    table = html.unescape(_latest_notices(data, published))
    slugs = {e.notice.reference: e.slug for e in published}
    assert len(set(slugs.values())) == 2
    for reference, slug in slugs.items():
        assert f'<a href="register/entries/{slug}/">Enforcement notice {reference}</a>' in table


@pytest.mark.parametrize("items", [[], [{"a": 1}], [{"a": "é"}, {"b": [1, 2]}]])
def test_json_downloads_hold_one_record_a_line(items):
    from generator.site.opendata import _json_with_list

    text = _json_with_list({"type": "FeatureCollection", "name": "ü"}, "features", items)
    assert json.loads(text) == {"type": "FeatureCollection", "name": "ü", "features": items}
    assert len(text.splitlines()) == max(len(items), 1) + 2
