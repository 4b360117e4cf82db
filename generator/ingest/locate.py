"""Stage: give every record a WGS84 point (where the export allows) and a ward.

Each record is located by the first of these that works, and records how
(`Location.located_by`):

1. coordinates in the row: easting/northing (British National Grid) or latitude/
   longitude, as the mapping's `coordinates` says;
2. its UPRN, looked up in the gazetteer (`locate.gazetteer`: the council's LLPG
   extract or OS Open UPRN, a CSV with UPRN and coordinates);
3. its address, matched against the gazetteer's addresses with RapidFuzz; a match
   scoring below `locate.address_match_threshold` is not used, and is listed for the
   officer (reports/address-matches.csv). Only register entries and other published
   notices are matched: another case's address never reaches a report;
4. its postcode (the column, or one found in the address) in the postcode file
   (`locate.postcodes` or the older `postcode_lookup`: ONSPD or Code-Point Open): the
   point is the postcode's centre, and pages say so.

A ward missing from the export is found by point-in-polygon; an unknown ward code is
reported and replaced the same way.
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

from generator.config.mapping import Mapping
from generator.config.schema import ConfigError
from generator.core.address import normalise_postcode
from generator.core.fields import CASES, NOTICES
from generator.core.model import Case, Notice, evolve
from generator.core.problems import Problems
from generator.ingest.export import Dataset
from generator.ingest.geo import WardMap, bng_to_wgs84

Record = TypeVar("Record", Case, Notice)
Point = tuple[float, float]  # (lon, lat)

# A full UK postcode anywhere in a text (the outward code, a space or none, the inward).
POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b",
                              re.IGNORECASE)
# How far below the threshold a match is still listed for the officer to look at.
_LISTED_BELOW = 25.0
_CANDIDATES = 10  # best matches looked through for one with the same numbers
_NUMBER = re.compile(r"\d+[a-z]?")


def _numbers(comparable: str) -> list[str]:
    return sorted(_NUMBER.findall(comparable))


@dataclass
class AddressMatch:
    """One address looked up in the gazetteer, for reports/address-matches.csv."""

    file: str
    row: int
    reference: str
    address: str
    matched: str
    uprn: str
    score: float
    used: bool
    note: str = ""  # why a match above the threshold was not used


@dataclass
class Gazetteer:
    points: dict[str, Point] = field(default_factory=dict)  # UPRN -> point
    addresses: list[str] = field(default_factory=list)  # normalised, for matching
    shown: list[str] = field(default_factory=list)  # as in the file
    uprns: list[str] = field(default_factory=list)  # the UPRN of each address


@dataclass
class Locator:
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    postcodes: dict[str, Point] = field(default_factory=dict)
    threshold: float = 90.0
    postcode_in_address: bool = True
    matches: list[AddressMatch] = field(default_factory=list)


def _rows(path: Path, option: str, mapping_file: str, columns: dict[str, str],
          needed: list[tuple[str, ...]]) -> list[dict[str, str]]:
    """A lookup file's rows; a missing file, or one without the columns the mapping
    names (at least one of each group in `needed`), is a configuration error."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            headers = list(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(mapping_file, [f"'locate.{option}': cannot read {path}: "
                                         f"{getattr(exc, 'strerror', None) or exc}"]) from None
    for group in needed:
        if not any(columns.get(key, key) in headers for key in group):
            wanted = " or ".join(f"'{columns.get(key, key)}'" for key in group)
            raise ConfigError(mapping_file, [
                f"'locate.{option}': {path.name} has no column {wanted} (set "
                f"'locate.{option}_columns'); its columns are: "
                + ", ".join(f"'{h}'" for h in headers)])
    return rows


def _number(row: dict[str, str], column: str) -> float | None:
    try:
        value = float(row.get(column) or "nan")
    except ValueError:
        return None
    return value if value == value else None  # NaN: blank


def _points(rows: list[dict[str, str]], columns: dict[str, str]) -> list[Point | None]:
    """Each row's point, from latitude/longitude or easting/northing columns (named as
    `columns` says, or by those names)."""
    def column(key: str) -> str:
        return columns.get(key, key)

    out: list[Point | None] = []
    bng: list[tuple[int, float, float]] = []
    for i, row in enumerate(rows):
        lon, lat = _number(row, column("longitude")), _number(row, column("latitude"))
        e, n = _number(row, column("easting")), _number(row, column("northing"))
        out.append((lon, lat) if lon is not None and lat is not None else None)
        if out[-1] is None and e is not None and n is not None:
            bng.append((i, e, n))
    lons, lats = bng_to_wgs84([e for _, e, _ in bng], [n for _, _, n in bng])
    for (i, _, _), lon, lat in zip(bng, lons, lats, strict=True):
        out[i] = (lon, lat)
    return out


def load_gazetteer(path: Path, columns: dict[str, str], mapping_file: str = "mapping.yml"
                   ) -> Gazetteer:
    rows = _rows(path, "gazetteer", mapping_file, columns,
                 [("uprn",), ("easting", "latitude"), ("northing", "longitude")])
    gazetteer = Gazetteer()
    uprn_column = columns.get("uprn", "uprn")
    address_column = columns.get("address", "address")
    for row, point in zip(rows, _points(rows, columns), strict=True):
        uprn = (row.get(uprn_column) or "").strip()
        if not uprn or point is None:
            continue
        gazetteer.points[uprn] = point
        address = (row.get(address_column) or "").strip()
        if address:
            gazetteer.addresses.append(_comparable(address))
            gazetteer.shown.append(address)
            gazetteer.uprns.append(uprn)
    return gazetteer


def load_postcode_lookup(path: Path, columns: dict[str, str] | None = None,
                         mapping_file: str = "mapping.yml") -> dict[str, Point]:
    """postcode -> (lon, lat), from a CSV with a postcode column and either latitude and
    longitude or easting and northing columns (by default 'postcode', 'lat', 'lon')."""
    columns = columns or {}
    if not ({"latitude", "longitude", "easting", "northing"} & set(columns)):
        columns = {**columns, "latitude": "lat", "longitude": "lon"}
    rows = _rows(path, "postcodes", mapping_file, columns,
                 [("postcode",), ("easting", "latitude"), ("northing", "longitude")])
    postcode_column = columns.get("postcode", "postcode")
    return {normalise_postcode(row.get(postcode_column) or ""): point
            for row, point in zip(rows, _points(rows, columns), strict=True)
            if point is not None and row.get(postcode_column)}


def _comparable(address: str) -> str:
    """An address as the matcher compares it: no postcode, no punctuation, one case."""
    return utils.default_process(POSTCODE_IN_TEXT.sub(" ", address))


def postcode_of(postcode: str, address: str, in_address: bool) -> str:
    """The record's postcode: its own column, else the last one written in its address."""
    if postcode.strip():
        return normalise_postcode(postcode)
    if in_address:
        found = POSTCODE_IN_TEXT.findall(address)
        if found:
            outward, inward = found[-1]
            return (outward + inward).upper()
    return ""


def _locate_one(record: Record, locator: Locator, match_addresses: bool) -> Record:
    loc = record.location
    found: Point | None = None
    how = ""
    g = locator.gazetteer
    if loc.uprn.strip() and loc.uprn.strip() in g.points:
        found, how = g.points[loc.uprn.strip()], "uprn"
    if found is None and match_addresses and loc.address.strip() and g.addresses:
        wanted = _comparable(loc.address)
        candidates = process.extract(wanted, g.addresses, scorer=fuzz.token_sort_ratio,
                                     processor=None, limit=_CANDIDATES,
                                     score_cutoff=locator.threshold - _LISTED_BELOW)
        # '14 Mill Lane' is not '12 Mill Lane', however alike they look: a match must
        # have the same house and flat numbers.
        numbers = _numbers(wanted)
        same = [c for c in candidates if _numbers(c[0]) == numbers]
        if same or candidates:
            _, score, index = (same or candidates)[0]
            used = bool(same) and score >= locator.threshold
            locator.matches.append(AddressMatch(
                record.source.file, record.source.row, record.reference, loc.address,
                g.shown[index], g.uprns[index], round(float(score), 1), used,
                "" if same else "the numbers differ"))
            if used:
                found, how = g.points[g.uprns[index]], "address"
    if found is None and locator.postcodes:
        postcode = postcode_of(loc.postcode, loc.address, locator.postcode_in_address)
        if postcode in locator.postcodes:
            found, how = locator.postcodes[postcode], "postcode"
    if found is None:
        return record
    lon, lat = found
    return evolve(record, location=evolve(loc, longitude=lon, latitude=lat, located_by=how))


def _with_points(records: list[Record], mapping: Mapping, locator: Locator,
                 match_addresses: bool | list[bool]) -> list[Record]:
    """Points for `records`; `match_addresses`, for all or for each record, says whether
    its address may be matched against the gazetteer."""
    out = list(records)
    if mapping.coordinates == "bng":
        todo = [i for i, r in enumerate(records)
                if r.location.easting is not None and r.location.northing is not None]
        lons, lats = bng_to_wgs84([records[i].location.easting or 0.0 for i in todo],
                                  [records[i].location.northing or 0.0 for i in todo])
        for i, lon, lat in zip(todo, lons, lats, strict=True):
            out[i] = evolve(records[i], location=evolve(
                records[i].location, longitude=lon, latitude=lat, located_by="coordinates"))
    elif mapping.coordinates == "latlon":
        for i, r in enumerate(records):
            if r.location.has_point:
                out[i] = evolve(r, location=evolve(r.location, located_by="coordinates"))
    if locator.gazetteer.points or locator.postcodes:
        matching = match_addresses if isinstance(match_addresses, list) \
            else [match_addresses] * len(out)
        out = [r if r.location.has_point else _locate_one(r, locator, match)
               for r, match in zip(out, matching, strict=True)]
    return out


def _with_wards(records: list[Record], wards: WardMap, problems: Problems,
                columns: dict[str, str]) -> list[Record]:
    ward_header = columns.get("ward", "ward")
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
            elif not ward and "ward" in columns:
                problems.warning(record.source.file, record.source.row, ward_header, "",
                                 "no-ward", "no ward and no point to find it from: the "
                                 "record is counted under 'Ward not known'")
        out[i] = evolve(record, location=evolve(record.location, ward=ward))
    return out


def _not_located(notices: list[Notice], columns: dict[str, str], problems: Problems) -> None:
    """A published notice without a point cannot be on the map: say which."""
    for n in notices:
        if not n.location.has_point and n.on_register and not n.removed:
            problems.warning(n.source.file, n.source.row, columns.get("address", "address"),
                             "", "not-located", "no coordinates, UPRN, address match or "
                             "postcode placed this entry: it is listed beside the map "
                             "instead of on it")


def make_locator(mapping: Mapping, config_dir: Path) -> Locator:
    """The gazetteer and postcode files the mapping names (relative to the mapping file;
    the older `postcode_lookup`, relative to the configuration file)."""
    settings = mapping.locating
    locator = Locator(threshold=settings.address_match_threshold,
                      postcode_in_address=settings.postcode_in_address)
    if settings.gazetteer:
        locator.gazetteer = load_gazetteer(mapping.base_dir / settings.gazetteer,
                                           settings.gazetteer_columns, mapping.file)
    if settings.postcodes:
        locator.postcodes = load_postcode_lookup(mapping.base_dir / settings.postcodes,
                                                 settings.postcode_columns, mapping.file)
    elif mapping.coordinates == "postcode":
        locator.postcodes = load_postcode_lookup(config_dir / mapping.postcode_lookup,
                                                 mapping_file=mapping.file)
    return locator


def locate(dataset: Dataset, mapping: Mapping, wards: WardMap, problems: Problems,
           config_dir: Path, locator: Locator | None = None,
           published: Callable[[Notice], bool] | None = None) -> Dataset:
    """`published`: the notices published as entries (by default, the register's):
    only their addresses are matched and listed in the report, never another case's or
    an unpublished notice's."""
    locator = locator or make_locator(mapping, config_dir)
    published = published or (lambda n: n.on_register and not n.removed)
    cases = _with_points(dataset.cases, mapping, locator, match_addresses=False)
    shown = [published(n) for n in dataset.notices]
    notices = _with_points(dataset.notices, mapping, locator, match_addresses=shown)
    for m in locator.matches:
        if not m.used:
            why = m.note or f"below the threshold of {locator.threshold:g}"
            problems.warning(m.file, m.row, mapping.files[NOTICES].columns.get(
                "address", "address"), "", "weak-address-match",
                f"the address matched '{m.matched}' (UPRN {m.uprn}) with a score of "
                f"{m.score:g}, {why}: not used")
    empty: dict[str, str] = {}
    cases = _with_wards(cases, wards, problems,
                        mapping.files[CASES].columns if CASES in mapping.files else empty)
    notice_columns = mapping.files[NOTICES].columns if NOTICES in mapping.files else empty
    notices = _with_wards(notices, wards, problems, notice_columns)
    _not_located(notices, notice_columns, problems)
    return dataclasses.replace(dataset, cases=cases, notices=notices,
                               address_matches=locator.matches)
