"""The synthetic Northbrook export (`generator.dev.sample`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import shapely
import yaml
from pyproj import Transformer
from shapely.geometry import shape

from generator.dev.sample import BAD_ROW_KINDS, SampleSummary, write_sample

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "data" / "mapping.yml"
TRAFFORD_WARDS = ROOT.parent / "shared" / "geo" / "trafford" / "trafford_electoral_ward.geojson"
SMALL = {"cases": 600, "notices": 60}


def read_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_bytes().decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return header, [dict(zip(header, row, strict=True)) for row in reader]


def parse_date(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        return None


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleSummary]:
    out = tmp_path_factory.mktemp("sample")
    return out, write_sample(out, seed=1, **SMALL)


@pytest.fixture(scope="module")
def mapping() -> dict:
    return yaml.safe_load(MAPPING.read_text(encoding="utf-8"))


def ward_shapes(path: Path, code_property: str) -> dict[str, shapely.Geometry]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {f["properties"][code_property]: shape(f["geometry"]) for f in data["features"]}


def assert_points_in_wards(rows: list[dict[str, str]], wards: dict[str, shapely.Geometry]
                           ) -> int:
    """Every row with a point and a ward code lies inside that ward; returns rows checked."""
    located = [r for r in rows if r["Easting"] and r["Northing"] and r["Ward"]]
    to_wgs84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lons, lats = to_wgs84.transform(np.array([float(r["Easting"]) for r in located]),
                                    np.array([float(r["Northing"]) for r in located]))
    outside = []
    for row, lon, lat in zip(located, lons, lats, strict=True):
        ward = wards[row["Ward"]]
        if not shapely.contains_xy(ward, round(float(lon), 6), round(float(lat), 6)):
            outside.append(row["Case Ref"])
    assert outside == []
    return len(located)


def test_summary_matches_the_files(sample):
    out, summary = sample
    _, cases = read_rows(out / "cases.csv")
    _, notices = read_rows(out / "notices.csv")
    assert summary.cases == len(cases)
    assert summary.notices == len(notices)
    assert summary.files == [out / "cases.csv", out / "notices.csv", out / "wards.geojson"]
    assert all(f.exists() for f in summary.files)
    assert summary.national_park_cases == sum(1 for r in cases if r["Authority"] == "NPA")


def test_same_seed_gives_identical_bytes(sample, tmp_path):
    out, _ = sample
    write_sample(tmp_path, seed=1, **SMALL)
    for name in ("cases.csv", "notices.csv", "wards.geojson"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name


def test_different_seed_gives_different_cases(sample, tmp_path):
    out, _ = sample
    write_sample(tmp_path, seed=2, **SMALL)
    assert (tmp_path / "cases.csv").read_bytes() != (out / "cases.csv").read_bytes()
    assert (tmp_path / "notices.csv").read_bytes() != (out / "notices.csv").read_bytes()


@pytest.mark.parametrize("key", ["cases", "notices"])
def test_headers_match_the_mapping(sample, mapping, key):
    out, _ = sample
    header, rows = read_rows(out / f"{key}.csv")
    # (a column two canonical fields read, such as Status for status and stage, once)
    assert header == [*dict.fromkeys(mapping["files"][key]["columns"].values()), "Authority"]
    assert rows


def test_files_are_windows_1252_with_crlf(sample):
    out, _ = sample
    for name in ("cases.csv", "notices.csv"):
        raw = (out / name).read_bytes()
        assert raw.count(b"\n") == raw.count(b"\r\n")  # every line ends CRLF, none bare
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # accented names in cp1252 bytes are not UTF-8
    text = (out / "cases.csv").read_bytes().decode("cp1252")
    names = " ".join(r["Complainant Name"] + r["Case Officer"]
                     for r in read_rows(out / "cases.csv")[1])
    assert any(ord(ch) > 127 for ch in names)
    assert "\u00eb" in text or "\u00e1" in text  # ë or á, as in Zoë or Sián


def test_every_row_has_the_same_number_of_cells(sample):
    out, _ = sample
    for name in ("cases.csv", "notices.csv"):
        text = (out / name).read_bytes().decode("cp1252")
        widths = {len(row) for row in csv.reader(io.StringIO(text, newline=""))}
        assert len(widths) == 1, name


def test_codes_come_from_the_mapping(sample, mapping):
    out, summary = sample
    planted = {(p.file, p.row) for p in summary.planted_rows if p.kind == "unknown-code"}
    codes = mapping["files"]["cases"]["codes"]
    columns = mapping["files"]["cases"]["columns"]
    _, cases = read_rows(out / "cases.csv")
    for number, row in enumerate(cases, start=2):
        if ("cases.csv", number) in planted:
            continue
        for field in ("priority", "status", "breach_category"):
            assert row[columns[field]] in codes[field], (number, field)
        reason = row[columns["closure_reason"]]
        assert reason == "" or reason in codes["closure_reason"]
    notice_codes = mapping["files"]["notices"]["codes"]
    _, notices = read_rows(out / "notices.csv")
    assert {r["Notice Type"] for r in notices} == set(notice_codes["notice_type"])
    assert {r["Appeal Decision"] for r in notices} <= {"", *notice_codes["appeal_outcome"]}


def test_synthetic_wards_tile_the_district(sample):
    out, _ = sample
    wards = ward_shapes(out / "wards.geojson", "code")
    assert len(wards) == 16
    assert all(re.fullmatch(r"E05099\d{3}", code) for code in wards)
    assert all(w.is_valid for w in wards.values())
    union = shapely.union_all(list(wards.values()))
    # No overlaps (areas add up) and no gaps (the union is one polygon without holes).
    assert union.area == pytest.approx(sum(w.area for w in wards.values()), rel=1e-9)
    assert union.geom_type == "Polygon" and not union.interiors
    lon, lat = union.centroid.x, union.centroid.y
    assert -1.6 < lon < -1.2 and 52.4 < lat < 52.7  # the Midlands, around BNG 437500 297500


def test_points_fall_inside_their_ward(sample):
    out, _ = sample
    wards = ward_shapes(out / "wards.geojson", "code")
    for name in ("cases.csv", "notices.csv"):
        _, rows = read_rows(out / name)
        assert assert_points_in_wards(rows, wards) > 0.9 * len(rows)


def test_some_rows_leave_the_ward_or_the_point_blank(sample):
    out, _ = sample
    _, cases = read_rows(out / "cases.csv")
    no_ward = [r for r in cases if not r["Ward"] and r["Easting"]]
    no_point = [r for r in cases if not r["Easting"] and r["Ward"]]
    assert 0.02 * len(cases) < len(no_ward) < 0.09 * len(cases)
    assert no_point


def test_real_wards_place_every_point_in_one_of_them(tmp_path):
    if not TRAFFORD_WARDS.exists():
        pytest.skip("the Trafford boundaries in ../shared/geo are not available")
    summary = write_sample(tmp_path, seed=3, wards_file=TRAFFORD_WARDS,
                           ward_code_property="area_code", ward_name_property="area_name",
                           **SMALL)
    assert (tmp_path / "wards.geojson").read_bytes() == TRAFFORD_WARDS.read_bytes()
    wards = ward_shapes(TRAFFORD_WARDS, "area_code")
    _, cases = read_rows(tmp_path / "cases.csv")
    assert summary.cases == len(cases)
    assert assert_points_in_wards(cases, wards) > 0.9 * len(cases)
    assert {r["Ward"] for r in cases} <= {"", *wards}
    assert len({r["Ward"] for r in cases}) > 15  # spread over the borough
    postcodes = {r["Postcode"] for r in cases}
    assert all(re.fullmatch(r"NB[1-9] \d[A-Z]{2}", p) for p in postcodes)


def test_dates_span_ten_years_up_to_until(sample):
    out, _ = sample
    _, cases = read_rows(out / "cases.csv")
    received = [d for d in (parse_date(r["Date Received"]) for r in cases) if d]
    assert max(received) <= dt.date(2026, 9, 30)
    assert min(received) >= dt.date(2016, 10, 1)
    assert max(received) - min(received) > dt.timedelta(days=3000)
    closed = sum(1 for r in cases if r["Status"] == "CLOSED")
    assert 0.75 < closed / len(cases) < 0.95


def test_notices_belong_to_cases_with_formal_action(sample):
    out, _ = sample
    _, cases = read_rows(out / "cases.csv")
    _, notices = read_rows(out / "notices.csv")
    by_reference = {r["Case Ref"]: r for r in cases}
    for notice in notices:
        case = by_reference[notice["Case Ref"]]
        assert case["Status"] in ("OPEN - FORMAL ACTION", "OPEN - MONITORING", "CLOSED")
        assert notice["Authority"] == case["Authority"]
        assert re.fullmatch(r"(NP/)?[A-Z0-9]+/20\d\d/\d{4}", notice["Notice Ref"])
    refs = {n["Notice Ref"]: n for n in notices}
    for notice in notices:
        if notice["Notice Type"] == "STOP" and notice["Related Notice"]:
            assert refs[notice["Related Notice"]]["Notice Type"] == "ENF"
    assert any(n["Notice Type"] == "BCN" and re.fullmatch(r"\d\d/\d{5}/[A-Z]+",
                                                          n["Permission Ref"])
               for n in notices)


def test_personal_data_is_in_columns_and_free_text(sample):
    out, _ = sample
    _, cases = read_rows(out / "cases.csv")
    emails = [r["Complainant Email"] for r in cases if r["Complainant Email"]]
    assert emails and all(re.search(r"@example\.(com|org|net)$", e) for e in emails)
    phones = [r["Complainant Phone"] for r in cases if r["Complainant Phone"]]
    drama = re.compile(r"7700\)? ?900|1632\)? ?960|113\)? ?496 ?0|20\)? ?7946 ?0")
    assert phones and all(drama.search(p) for p in phones)
    notes = " ".join(r["Case Notes"] for r in cases)
    assert re.search(r"[\w.-]+@example\.(com|org|net)", notes)
    assert " dot " in notes and " at example dot " in notes
    assert drama.search(notes)
    assert re.search(r"\b\d\d/\d{5}/[A-Z]{3}\b", notes)  # planning references too
    assert "Class E" in notes
    assert len({r["Case Officer"] for r in cases if r["Authority"] == "NBK"}) == 8


def test_a_national_park_shares_the_export(sample):
    out, _ = sample
    _, cases = read_rows(out / "cases.csv")
    park = [r for r in cases if r["Authority"] == "NPA"]
    assert 1 <= len(park) <= 0.03 * len(cases)
    assert {r["Authority"] for r in cases} == {"NBK", "NPA"}


def test_every_kind_of_bad_row_is_planted(sample):
    out, summary = sample
    assert set(summary.planted) == set(BAD_ROW_KINDS)
    assert all(count >= 1 for count in summary.planted.values()), summary.planted
    assert Counter(p.kind for p in summary.planted_rows) == Counter(summary.planted)
    files = {name: read_rows(out / name)[1] for name in ("cases.csv", "notices.csv")}
    for planted in summary.planted_rows:
        row = files[planted.file][planted.row - 2]
        assert row[CASE_OR_NOTICE_REF[planted.file]] == planted.reference
        CHECKS[planted.kind](row, files[planted.file], planted.row)


CASE_OR_NOTICE_REF = {"cases.csv": "Case Ref", "notices.csv": "Notice Ref"}


def _duplicate_row(row, rows, number):
    assert rows[number - 3] == row  # repeats the row above exactly


def _duplicate_notice_reference(row, rows, number):
    above = rows[number - 3]
    assert above["Notice Ref"] == row["Notice Ref"]
    assert [k for k in row if row[k] != above[k]] == ["Date Served"]


def _na_reference(row, rows, number):
    assert row["Case Ref"] == "N/A"


def _impossible_date(row, rows, number):
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", row["Date Logged"])
    assert parse_date(row["Date Logged"]) is None


def _not_a_date(row, rows, number):
    assert not re.match(r"\d", row["First Site Visit"])


def _unknown_code(row, rows, number):
    assert (row["Priority"] == "P4" or row["Breach Type"] == "HMO"
            or row["Status"] == "PENDING")


def _closed_before_received(row, rows, number):
    closed, received = parse_date(row["Date Closed"]), parse_date(row["Date Received"])
    assert closed and received and closed < received


def _missing_coordinates(row, rows, number):
    assert row["Easting"] == row["Northing"] == row["Ward"] == ""
    assert row["Site Address"]


CHECKS = {
    "duplicate-row": _duplicate_row,
    "duplicate-notice-reference": _duplicate_notice_reference,
    "na-reference": _na_reference,
    "impossible-date": _impossible_date,
    "not-a-date": _not_a_date,
    "unknown-code": _unknown_code,
    "closed-before-received": _closed_before_received,
    "missing-coordinates": _missing_coordinates,
}


def test_small_samples_still_work(tmp_path):
    summary = write_sample(tmp_path, seed=5, cases=20, notices=3)
    assert summary.cases == 20 and summary.notices == 3
