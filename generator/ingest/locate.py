"""Stage: give every record a WGS84 point (where the export allows) and a ward.

Points come from easting/northing (British National Grid), latitude/longitude, or a
postcode lookup file, as the mapping says. A ward missing from the export is found by
point-in-polygon; an unknown ward code is reported and replaced the same way.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path
from typing import TypeVar

from generator.config.mapping import Mapping
from generator.core.address import normalise_postcode
from generator.core.model import Case, Notice, evolve
from generator.core.problems import Problems
from generator.ingest.export import Dataset
from generator.ingest.geo import WardMap, bng_to_wgs84

Record = TypeVar("Record", Case, Notice)


def load_postcode_lookup(path: Path) -> dict[str, tuple[float, float]]:
    """postcode -> (lon, lat) from a CSV with 'postcode', 'lat' and 'lon' columns."""
    lookup: dict[str, tuple[float, float]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            try:
                lookup[normalise_postcode(row["postcode"])] = (float(row["lon"]),
                                                               float(row["lat"]))
            except (KeyError, ValueError):
                continue
    return lookup


def _with_points(records: list[Record], mapping: Mapping,
                 lookup: dict[str, tuple[float, float]]) -> list[Record]:
    if mapping.coordinates == "bng":
        todo = [i for i, r in enumerate(records)
                if r.location.easting is not None and r.location.northing is not None]
        lons, lats = bng_to_wgs84([records[i].location.easting or 0.0 for i in todo],
                                  [records[i].location.northing or 0.0 for i in todo])
        points = dict(zip(todo, zip(lons, lats, strict=True), strict=True))
    elif mapping.coordinates == "postcode":
        points = {i: lookup[normalise_postcode(r.location.postcode)]
                  for i, r in enumerate(records)
                  if normalise_postcode(r.location.postcode) in lookup}
    else:
        points = {}  # latitude/longitude came straight from the export
    out = list(records)
    for i, (lon, lat) in points.items():
        location = evolve(records[i].location, longitude=lon, latitude=lat)
        out[i] = evolve(records[i], location=location)
    return out


def _with_wards(records: list[Record], wards: WardMap, problems: Problems,
                ward_header: str) -> list[Record]:
    known = wards.by_code()
    names = {w.name.upper(): w.code for w in wards.wards}
    located = [i for i, r in enumerate(records) if r.location.has_point]
    codes = wards.locate([records[i].location.longitude or 0.0 for i in located],
                         [records[i].location.latitude or 0.0 for i in located])
    found = dict(zip(located, codes, strict=True))
    out = list(records)
    for i, record in enumerate(records):
        given = record.location.ward.strip()
        if given in known:
            continue
        if given.upper() in names:  # the export gave the ward's name, not its code
            ward = names[given.upper()]
        else:
            ward = found.get(i, "")
            if given:
                how = ("the ward was found from the point" if ward else "no point in a ward "
                       "to find it from: the record is counted under 'Ward not known'")
                problems.warning(record.source.file, record.source.row, ward_header, given,
                                 "unknown-ward", f"'{given}' is not a ward code in the "
                                 f"ward boundaries; {how}")
            elif not ward:
                problems.warning(record.source.file, record.source.row, ward_header, "",
                                 "no-ward", "no ward and no point to find it from: the "
                                 "record is counted under 'Ward not known'")
        out[i] = evolve(record, location=evolve(record.location, ward=ward))
    return out


def locate(dataset: Dataset, mapping: Mapping, wards: WardMap, problems: Problems,
           config_dir: Path) -> Dataset:
    lookup: dict[str, tuple[float, float]] = {}
    if mapping.coordinates == "postcode":
        lookup = load_postcode_lookup(config_dir / mapping.postcode_lookup)
    cases = _with_points(dataset.cases, mapping, lookup)
    notices = _with_points(dataset.notices, mapping, lookup)
    cases = _with_wards(cases, wards, problems,
                        mapping.files["cases"].columns.get("ward", "ward"))
    notices = _with_wards(notices, wards, problems,
                          mapping.files["notices"].columns.get("ward", "ward"))
    return dataclasses.replace(dataset, cases=cases, notices=notices)
