"""Coordinate conversion against Ordnance Survey reference values, and ward lookup."""

from __future__ import annotations

import math

import pytest

from conftest import SHARED_GEO
from generator.ingest.geo import bng_to_wgs84, load_wards, wgs84_to_bng


def metres_apart(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    dy = (lat2 - lat1) * 111_320
    dx = (lon2 - lon1) * 111_320 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def dms(degrees: int, minutes: int, seconds: float) -> float:
    return degrees + minutes / 60 + seconds / 3600


@pytest.mark.parametrize(
    ("easting", "northing", "lon", "lat"),
    [
        # Caister Water Tower, the worked example in the Ordnance Survey's "A guide to
        # coordinate systems in Great Britain" (OSGB36 grid -> ETRS89 by OSTN15).
        (651409.903, 313177.270, dms(1, 42, 57.8663), dms(52, 39, 28.8282)),
    ],
)
def test_british_national_grid_matches_ordnance_survey_to_a_metre(easting, northing, lon,
                                                                  lat):
    (got_lon,), (got_lat,) = bng_to_wgs84([easting], [northing])
    assert metres_apart(got_lon, got_lat, lon, lat) < 1.0


def test_points_outside_ostn15_cover_still_convert():
    # Far offshore, outside the OSTN15 grid: PROJ's Helmert transformation is used.
    (lon,), (lat,) = bng_to_wgs84([-50_000.0], [50_000.0])
    assert -9 < lon < -5 and 49 < lat < 51


def test_round_trip_within_a_metre():
    eastings, northings = [430512.0, 383500.0, 530000.0], [295311.0, 395200.0, 180000.0]
    lons, lats = bng_to_wgs84(eastings, northings)
    back_e, back_n = wgs84_to_bng(lons, lats)
    for e, n, e2, n2 in zip(eastings, northings, back_e, back_n, strict=True):
        assert math.hypot(e - e2, n - n2) < 5.0  # PROJ's inverse is Helmert-grade


TRAFFORD_WARDS = SHARED_GEO / "trafford_electoral_ward.geojson"


@pytest.mark.skipif(not TRAFFORD_WARDS.exists(), reason="shared Trafford data not present")
def test_real_postcodes_fall_in_their_listed_ward():
    import csv

    wards = load_wards(TRAFFORD_WARDS, "area_code", "area_name")
    with (SHARED_GEO / "trafford_postcodes_onspd_2025-02.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["lon"] and r["lat"]]
    found = wards.locate([float(r["lon"]) for r in rows], [float(r["lat"]) for r in rows])
    mismatches = [r["postcode"] for r, code in zip(rows, found, strict=True)
                  if code != r["ward_code"]]
    # The README says two postcodes fall outside their listed ward (generalised edges).
    assert len(rows) > 10_000
    assert len(mismatches) <= 2, mismatches
    inside = wards.inside_boundary([float(r["lon"]) for r in rows],
                                   [float(r["lat"]) for r in rows])
    assert all(inside)


CONSERVATION = SHARED_GEO / "trafford_conservation_areas.geojson"


@pytest.mark.skipif(not TRAFFORD_WARDS.exists(), reason="shared Trafford data not present")
def test_real_wards_and_an_overlay_build_end_to_end(tmp_path):
    """`sample --wards` with real boundaries, built with a conservation-area overlay."""
    import shutil

    from conftest import make_project, run_cli

    export = tmp_path / "export"
    result = run_cli("sample", "--seed", "2", "--cases", "400", "--notices", "40",
                     "--wards", TRAFFORD_WARDS, "--ward-code-property", "area_code",
                     "--ward-name-property", "area_name", "--out", export)
    assert result.exit_code == 0, result.output
    project = make_project(tmp_path / "p", export)
    shutil.copy(CONSERVATION, project.root / "conservation.geojson")
    project.edit_config(
        data={"ward_code_property": "area_code", "ward_name_property": "area_name"},
        maps={"overlays": [{"name": "Conservation areas", "file": "conservation.geojson"}]})
    result = project.build()
    assert result.exit_code == 0, result.output
    issues = (project.reports / "issues.csv").read_text()
    assert "outside-boundary" not in issues
    script = (project.site / "maps" / "register-map.js").read_text()
    assert "Conservation areas" in script
    case_map = (project.site / "maps" / "cases" / "index.html").read_text()
    assert "Altrincham" in case_map  # a real Trafford ward in the accessible table
