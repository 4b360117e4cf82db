"""A synthetic back-office export for a fictional council, Northbrook District Council.

The files look like a nightly Idox Uniform export: `cases.csv` and `notices.csv` in
Windows-1252 with CRLF line endings, dd/mm/yyyy dates, upper-case addresses, British
National Grid coordinates, export codes (P1, COU, ENF ...) and all the personal data a
back office holds, both in its own columns and typed into free text. A few rows are
deliberately broken the way real exports are, so that every stage of the build has
something to catch. `wards.geojson` holds the ward boundaries the points fall in.

Everything comes from `random.Random`: the same seed always gives byte-identical files.
Nothing reads the clock, and nothing iterates over a set or an unordered source.

The CLI calls `write_sample`; nothing else here is public.
"""

from __future__ import annotations

import bisect
import csv
import datetime
import io
import json
import random
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TypeVar

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

T = TypeVar("T")

# ---------------------------------------------------------------------------------------
# The export's shape. These headers must match the right-hand sides of
# data/mapping.yml (a test checks), plus the `Authority` column the mapping excludes on.
# ---------------------------------------------------------------------------------------

CASE_COLUMNS: tuple[str, ...] = (
    "Case Ref", "Date Received", "Date Logged", "First Site Visit", "Date Closed",
    "Priority", "Status", "Breach Type", "Closure Reason", "Ward", "Site Address",
    "Postcode", "UPRN", "Easting", "Northing", "Description", "Case Notes",
    "Complainant Name", "Complainant Email", "Complainant Phone", "Complainant Address",
    "Contravener", "Case Officer", "Agent", "Authority",
)
NOTICE_COLUMNS: tuple[str, ...] = (
    "Notice Ref", "Case Ref", "Notice Type", "Date Issued", "Date Served", "Date Effective",
    "Compliance Period", "Compliance Date", "Date Complied", "Appeal Lodged",
    "Appeal Decided", "Appeal Decision", "Date Withdrawn", "Date Quashed",
    "Register Entry Date", "Related Notice", "Permission Ref", "Breach Summary",
    "Requirements", "Activity Prohibited", "Document", "Site Address", "Postcode", "UPRN",
    "Easting", "Northing", "Ward", "Served On", "Case Officer", "Authority",
)

AUTHORITY = "NBK"
NATIONAL_PARK = "NPA"  # shares the export; the build must withhold its rows
ENCODING = "cp1252"

# Kinds of deliberately bad row, as named in `SampleSummary.planted`.
BAD_ROW_KINDS: tuple[str, ...] = (
    "duplicate-row",               # cases.csv: a row repeated exactly, straight after itself
    "duplicate-notice-reference",  # notices.csv: a notice ref on two rows, Date Served differs
    "na-reference",                # cases.csv: Case Ref is "N/A"
    "impossible-date",             # cases.csv: Date Logged such as 31/02/2024
    "not-a-date",                  # cases.csv: First Site Visit is "TBC", "N/K" or "see notes"
    "unknown-code",                # cases.csv: Priority P4, Breach Type HMO or Status PENDING
    "closed-before-received",      # cases.csv: Date Closed earlier than Date Received
    "missing-coordinates",         # cases.csv: Easting, Northing and Ward all blank
)
_BAD_ROW_SHARE = 0.005  # of the rows in the file, for each kind

# Values the mapping's `codes` sections do not list, and dates that are not dates.
_UNKNOWN_CODES = (("Priority", "P4"), ("Breach Type", "HMO"), ("Status", "PENDING"))
_NOT_A_DATE = ("TBC", "N/K", "see notes")

# Notice types on the statutory register (s.188 TCPA 1990): only these get an entry date.
_REGISTER_TYPES = ("ENF", "STOP", "BCN", "EWN", "PEO", "CILSTOP")
# Share of each notice type: mostly register types, as in a real district.
_NOTICE_TYPE_WEIGHTS: dict[str, float] = {
    "ENF": 40, "BCN": 15, "STOP": 5, "EWN": 8, "PEO": 1.5, "CILSTOP": 1.5,
    "PCN": 12, "S215": 6, "TSN": 4, "LBEN": 3, "TRN": 2, "ADN": 2,
}
# A notice of this type only makes sense for a case about this kind of breach.
_BREACH_FOR_NOTICE = {"BCN": "COND", "LBEN": "LBW", "TRN": "TPO", "ADN": "ADV",
                      "S215": "UNT", "CILSTOP": "BW"}

# ---------------------------------------------------------------------------------------
# Public results
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlantedRow:
    """One deliberately bad row: where it is, so a test can check it was caught."""

    kind: str
    file: str
    row: int  # as a spreadsheet shows it: the header is row 1
    column: str  # the broken column, '' when the whole row is the problem
    reference: str


@dataclass
class SampleSummary:
    cases: int  # data rows in cases.csv, bad ones included
    notices: int  # data rows in notices.csv
    national_park_cases: int  # rows with Authority NPA in cases.csv
    planted: dict[str, int]  # bad rows by kind (every kind in BAD_ROW_KINDS is a key)
    planted_rows: list[PlantedRow]
    files: list[Path]

    def __str__(self) -> str:
        # Short enough for the CLI to print: planted_rows runs to thousands of entries.
        planted = ", ".join(f"{kind} {count}" for kind, count in self.planted.items())
        return (f"{self.cases} case rows, {self.notices} notice rows "
                f"({self.national_park_cases} national park cases); "
                f"bad rows planted: {planted}")


# ---------------------------------------------------------------------------------------
# Dates are day ordinals (ints) while generating: faster, and easy arithmetic.
# ---------------------------------------------------------------------------------------


@cache
def _fmt(day: int) -> str:
    d = datetime.date.fromordinal(day)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _date(day: int | None) -> str:
    return "" if day is None else _fmt(day)


def _weekday(day: int) -> int:
    return (day + 6) % 7  # 0 = Monday, as date.weekday(); ordinal 1 was a Monday


def _working_day(day: int) -> int:
    """The day itself, or the Monday after when it falls at a weekend."""
    wd = _weekday(day)
    return day + (7 - wd if wd >= 5 else 0)


def _add_months(day: int, months: int) -> int:
    d = datetime.date.fromordinal(day)
    month0 = d.month - 1 + months
    year, month = d.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):  # clamp 31 January + 1 month to the end of February
        try:
            return datetime.date(year, month, min(d.day, last)).toordinal()
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _after_period(day: int, period: str) -> int | None:
    """The date a compliance period such as '3 months' or '28 days' ends, if it has one."""
    parts = period.split()
    if len(parts) != 2 or not parts[0].isdigit():
        return None
    n, unit = int(parts[0]), parts[1]
    if unit.startswith("day"):
        return day + n
    if unit.startswith("week"):
        return day + 7 * n
    if unit.startswith("month"):
        return _add_months(day, n)
    return None


# random.Random's own choice/randint/randrange go through several layers of Python and
# dominate the run time at 200,000 cases; these do the same from one random() call.
def _choice(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _randint(rng: random.Random, low: int, high: int) -> int:
    """A whole number from low to high inclusive."""
    return low + int(rng.random() * (high - low + 1))


def _below(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


class _Weighted:
    """A weighted choice with the cumulative weights worked out once (hot loop)."""

    def __init__(self, weights: dict[str, float]):
        self.values = list(weights)
        total = 0.0
        self.cumulative: list[float] = []
        for w in weights.values():
            total += w
            self.cumulative.append(total)

    def pick(self, rng: random.Random) -> str:
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# ---------------------------------------------------------------------------------------
# Wards and places
# ---------------------------------------------------------------------------------------

_WEST, _SOUTH, _CELL, _GRID = 430_000.0, 290_000.0, 3_750.0, 4  # 4 x 4 wards over 15 km
# The ward layout has its own fixed seed: the district is the same place whatever seed
# the cases use, so a wards.geojson written once stays right for every sample.
_WARD_LAYOUT_SEED = 27700
_VERTEX_JITTER = 600.0  # metres a ward corner may move; small enough to stay simple
_EDGE_WIGGLE = 200.0  # metres an edge's midpoints may bend sideways
_INSET = 10.0  # metres: points keep clear of ward edges so rounding cannot move them out

# (name, town, column, row) of each synthetic ward; row 0 is the south edge.
_SYNTHETIC_WARDS = (
    ("Abbey", "NORTHBROOK", 1, 1), ("Brookside", "EASTHOPE", 3, 1),
    ("Castle Hill", "NORTHBROOK", 2, 2), ("Deanery", "HALLOW GREEN", 3, 0),
    ("Eastfield", "EASTHOPE", 3, 2), ("Fairmead", "EASTHOPE", 3, 3),
    ("Greenhill", "KINGSMERE", 2, 3), ("Hartswood", "KINGSMERE", 0, 3),
    ("Ivy Bank", "LOWER BROOKFORD", 0, 0), ("Kingsmere", "KINGSMERE", 1, 3),
    ("Longford", "LOWER BROOKFORD", 1, 0), ("Marsh End", "WESTLEIGH", 0, 2),
    ("Northgate", "NORTHBROOK", 1, 2), ("Old Town", "NORTHBROOK", 2, 1),
    ("Priory", "HALLOW GREEN", 2, 0), ("Riverside", "WESTLEIGH", 0, 1),
)
# Each town has its own postcode district, as Royal Mail would give it.
_TOWN_OUTWARD = {"EASTHOPE": "NB5", "KINGSMERE": "NB6", "LOWER BROOKFORD": "NB7",
                 "WESTLEIGH": "NB8", "HALLOW GREEN": "NB9"}
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # Royal Mail never uses C I K M O V here


@dataclass(frozen=True)
class _Ward:
    code: str
    name: str
    town: str  # the locality line of addresses in the ward
    outward: str  # postcode district, e.g. NB3
    geometry: BaseGeometry  # British National Grid metres


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@cache
def _to_bng() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def _synthetic_rings() -> list[list[tuple[float, float]]]:
    """Closed BNG rings, one per ward in `_SYNTHETIC_WARDS` order.

    A jittered grid: every corner moves a little, and every edge bends at two points.
    Both are worked out once per corner and once per edge and then shared by the wards
    either side, so the wards still tile the district with no gaps or overlaps."""
    rng = random.Random(_WARD_LAYOUT_SEED)
    corners: dict[tuple[int, int], tuple[float, float]] = {}
    for i in range(_GRID + 1):
        for j in range(_GRID + 1):
            corners[i, j] = (_WEST + i * _CELL + rng.uniform(-_VERTEX_JITTER, _VERTEX_JITTER),
                             _SOUTH + j * _CELL + rng.uniform(-_VERTEX_JITTER, _VERTEX_JITTER))
    edges: dict[tuple[tuple[int, int], tuple[int, int]], list[tuple[float, float]]] = {}
    for a in sorted(corners):
        for b in ((a[0] + 1, a[1]), (a[0], a[1] + 1)):
            if b not in corners:
                continue
            (ax, ay), (bx, by) = corners[a], corners[b]
            length = ((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5
            nx, ny = -(by - ay) / length, (bx - ax) / length  # unit normal
            points = []
            for t in (1 / 3, 2 / 3):
                bend = rng.uniform(-_EDGE_WIGGLE, _EDGE_WIGGLE)
                points.append((ax + t * (bx - ax) + nx * bend, ay + t * (by - ay) + ny * bend))
            edges[a, b] = points

    def edge(a: tuple[int, int], b: tuple[int, int]) -> list[tuple[float, float]]:
        return edges[a, b] if (a, b) in edges else edges[b, a][::-1]

    rings = []
    for _, _, c, r in _SYNTHETIC_WARDS:
        # Anticlockwise (GeoJSON's right-hand rule): SW, SE, NE, NW.
        cycle = [(c, r), (c + 1, r), (c + 1, r + 1), (c, r + 1)]
        ring: list[tuple[float, float]] = []
        for k, a in enumerate(cycle):
            ring.append(corners[a])
            ring.extend(edge(a, cycle[(k + 1) % 4]))
        ring.append(ring[0])
        rings.append(ring)
    return rings


def _synthetic_wards() -> tuple[list[_Ward], bytes]:
    """The Northbrook wards, and their GeoJSON (WGS84, 6 decimals) as bytes."""
    rings = _synthetic_rings()
    order = sorted(range(len(_SYNTHETIC_WARDS)), key=lambda k: _SYNTHETIC_WARDS[k][0])
    northbrook = 0
    wards: list[_Ward] = []
    features: list[str] = []
    for number, k in enumerate(order, start=1):
        name, town, _, _ = _SYNTHETIC_WARDS[k]
        if town == "NORTHBROOK":  # the main town has four postcode districts, NB1 to NB4
            northbrook += 1
            outward = f"NB{northbrook}"
        else:
            outward = _TOWN_OUTWARD[town]
        code = f"E05099{number:03d}"
        ring = rings[k]
        wards.append(_Ward(code, name, town, outward, Polygon(ring)))
        lons, lats = _to_wgs84().transform([p[0] for p in ring], [p[1] for p in ring])
        coordinates = [[round(float(x), 6), round(float(y), 6)]
                       for x, y in zip(lons, lats, strict=True)]
        feature = {"type": "Feature", "properties": {"code": code, "name": name},
                   "geometry": {"type": "Polygon", "coordinates": [coordinates]}}
        features.append(json.dumps(feature, ensure_ascii=False))
    text = ('{"type": "FeatureCollection", "name": "wards", "features": [\n'
            + ",\n".join(features) + "\n]}\n")
    return wards, text.encode("utf-8")


def _real_wards(path: Path, code_property: str, name_property: str) -> list[_Ward]:
    """Wards from a real boundary file (GeoJSON, WGS84), reprojected to BNG."""
    data = json.loads(path.read_text(encoding="utf-8"))
    features = data.get("features") or []
    if not features:
        raise ValueError(f"{path.name}: no ward features")

    def to_bng(xy: np.ndarray) -> np.ndarray:
        x, y = _to_bng().transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    wards = []
    for i, feature in enumerate(features):
        props = feature.get("properties") or {}
        if code_property not in props or name_property not in props:
            raise ValueError(f"{path.name}: feature {i + 1} has no '{code_property}' or "
                             f"'{name_property}' property (it has: {', '.join(sorted(props))})")
        geometry = shape(feature["geometry"])
        if not geometry.is_valid:
            geometry = geometry.buffer(0)
        name = _cp1252_safe(str(props[name_property]))
        wards.append(_Ward(str(props[code_property]), name, name.upper(),
                           f"NB{i % 9 + 1}", shapely.transform(geometry, to_bng)))
    return wards


def _cp1252_safe(text: str) -> str:
    """Text that Windows-1252 can hold: a Welsh ŵ becomes w, as old systems store it."""
    try:
        text.encode(ENCODING)
        return text
    except UnicodeEncodeError:
        return "".join(ch if _encodes(ch) else _ascii(ch) for ch in text)


def _encodes(ch: str) -> bool:
    try:
        ch.encode(ENCODING)
        return True
    except UnicodeEncodeError:
        return False


@cache  # called for every email address, on a small pool of names
def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


# ---------------------------------------------------------------------------------------
# Properties: a pool of sites with an address, postcode, UPRN and a point in a ward.
# Cases pick from the pool, so repeat complaints about one property agree with each other.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Property:
    address: str
    postcode: str
    uprn: str
    easting: str
    northing: str
    ward: int  # index into the ward list


_STREET_ROOTS = (
    "MILL", "CHURCH", "STATION", "HIGH", "PARK", "ABBEY", "CASTLE", "CHAPEL", "SCHOOL",
    "VICTORIA", "ALBERT", "QUEENS", "KINGS", "GREEN", "MEADOW", "ORCHARD", "WILLOW", "OAK",
    "BEECH", "ASH", "BROOK", "RIVER", "BRIDGE", "MANOR", "GRANGE", "HALL", "PRIORY",
    "MARKET", "NORTH", "SOUTH", "WEST", "ACACIA", "ELM", "HAWTHORN", "HOLLY", "CEDAR", "MOOR",
    "WINDMILL", "SPRINGFIELD", "LIME",
)
_STREET_SUFFIXES = ("STREET", "ROAD", "LANE", "AVENUE", "CLOSE", "DRIVE", "WAY", "GROVE",
                    "CRESCENT", "TERRACE", "GARDENS", "PLACE")
_HOUSE_NAMES = ("THE OLD RECTORY", "ROSE COTTAGE", "THE COACH HOUSE", "IVY HOUSE",
                "MANOR FARM", "THE BARN", "WILLOW LODGE", "ORCHARD HOUSE")
_ESTATES = ("RIVERSIDE", "BROOKFIELD", "CANAL SIDE", "STATION")


def _sample_points(rng: random.Random, wards: Sequence[_Ward], n: int
                   ) -> list[tuple[str, str, int]]:
    """n random points, each (easting text, northing text, ward index).

    Rejection sampling in the district's bounding box, with the ward test vectorised over
    each batch (one shapely call per ward, not per point). A point is kept only if it is
    at least `_INSET` metres inside a ward *after* rounding to the precision written, so
    converting it to WGS84 and testing the written polygons always agrees."""
    insets = []
    for ward in wards:
        inset = ward.geometry.buffer(-_INSET)
        insets.append(inset if not inset.is_empty else ward.geometry)
    for g in insets:
        shapely.prepare(g)
    minx, miny, maxx, maxy = (float(v) for v in shapely.total_bounds(insets))
    out: list[tuple[str, str, int]] = []
    while len(out) < n:
        size = max(1_000, 2 * (n - len(out)))
        xs = np.empty(size)
        ys = np.empty(size)
        decimetres = np.empty(size, dtype=bool)
        for k in range(size):
            x = minx + rng.random() * (maxx - minx)
            y = miny + rng.random() * (maxy - miny)
            # Most systems store whole metres, some decimetres.
            places = 0 if rng.random() < 0.7 else 1
            xs[k], ys[k], decimetres[k] = round(x, places), round(y, places), places
        ward_of = np.full(size, -1)
        for i, g in enumerate(insets):
            ward_of[shapely.contains_xy(g, xs, ys) & (ward_of < 0)] = i
        for k in np.flatnonzero(ward_of >= 0).tolist():
            if decimetres[k]:
                out.append((f"{xs[k]:.1f}", f"{ys[k]:.1f}", int(ward_of[k])))
            else:
                out.append((f"{xs[k]:.0f}", f"{ys[k]:.0f}", int(ward_of[k])))
    return out[:n]


def _street_names(rng: random.Random, wards: Sequence[_Ward]) -> list[list[str]]:
    """Twelve streets per ward. A street name may recur in two towns, as it does."""
    streets = [f"{root} {suffix}" for root in _STREET_ROOTS for suffix in _STREET_SUFFIXES]
    return [rng.sample(streets, 12) for _ in wards]


def _postcode(rng: random.Random, outward: str) -> str:
    return (f"{outward} {_below(rng, 10)}{_choice(rng, _INWARD_LETTERS)}"
            f"{_choice(rng, _INWARD_LETTERS)}")


def _site_address(rng: random.Random, street: str, town: str) -> str:
    number = _randint(rng, 1, 180)
    r = rng.random()
    if r < 0.78:
        return f"{number} {street}, {town}"
    if r < 0.84:
        return f"FLAT {_randint(rng, 1, 12)}, {number} {street}, {town}"
    if r < 0.90:
        return f"LAND ADJACENT TO {number} {street}, {town}"
    if r < 0.94:
        return f"REAR OF {number} {street}, {town}"
    if r < 0.98:
        return f"UNIT {_randint(rng, 1, 30)}, {_choice(rng, _ESTATES)} INDUSTRIAL ESTATE, {town}"
    return f"{_choice(rng, _HOUSE_NAMES)}, {street}, {town}"


def _properties(rng: random.Random, wards: Sequence[_Ward], n: int) -> list[_Property]:
    streets = _street_names(rng, wards)
    points = _sample_points(rng, wards, n)
    # 12-digit UPRNs starting 1000, unique within the pool.
    uprns = rng.sample(range(100_000_000), n)
    pool = []
    for (easting, northing, w), uprn in zip(points, uprns, strict=True):
        ward = wards[w]
        address = _site_address(rng, _choice(rng, streets[w]), ward.town)
        uprn_text = f"1000{uprn:08d}" if rng.random() > 0.08 else ""
        pool.append(_Property(address, _postcode(rng, ward.outward), uprn_text,
                              easting, northing, w))
    return pool


# ---------------------------------------------------------------------------------------
# People. Every name must encode in Windows-1252 (no Ł, no ŵ).
# ---------------------------------------------------------------------------------------

_FEMALE = ("Jane", "Sarah", "Zoë", "Sián", "Chloé", "Renée", "Siobhán", "Aoife", "Niamh",
           "Priya", "Agnieszka", "Rhiannon", "Emma", "Amelia", "Fatima", "Grace", "Margaret",
           "Hannah", "Mei", "Anjali", "Ffion", "Inés", "Bethany", "Sophie", "Elizabeth")
_MALE = ("John", "David", "José", "Seán", "Mohammed", "Wojciech", "Gareth", "Oliver",
         "Harry", "Yusuf", "Thomas", "Peter", "Ahmed", "Raj", "Dafydd", "Björn", "Noël",
         "François", "Kieran", "Liam", "Michael", "Oluwaseun", "Chen", "Aled", "Stephen")
_SURNAMES = ("Smith", "Jones", "Smith-Jones", "O'Brien", "O'Neill", "Williams", "Taylor",
             "Brown", "Davies", "Evans", "Wilson", "Thomas", "Roberts", "Johnson", "Patel",
             "Khan", "Ahmed", "Singh", "Kaur", "Nowak", "Kowalski", "Müller", "Brontë",
             "D'Souza", "McDonald", "MacLeod", "Hughes-Davies", "Fitzgerald", "Okafor",
             "Adeyemi", "Wong", "Nguyen", "Clarke", "Wright", "Walker", "Hall", "Green",
             "Baker", "Ní Bhriain", "Ó Súilleabháin", "Lloyd", "Price", "Morgan",
             "Fernández", "García", "Le Roux", "van der Berg", "Ashworth-Lee")
# (name, direct line). The team is small; officers recur across thousands of cases.
_OFFICERS = (("Helen Marsh", "01632 960411"), ("Dev Sharma", "01632 960412"),
             ("Gareth O'Connor", "01632 960413"), ("Zoë Whitfield", "01632 960414"),
             ("Tom Ashworth", "01632 960415"), ("Priya Kaur-Bains", "01632 960416"),
             ("Seán Murphy", "01632 960417"), ("Olu Adeyemi", "01632 960418"))
_PARK_OFFICERS = (("Ruth Penrose", "01632 960521"), ("Idris Bowen", "01632 960522"))
_COMPANY_SUFFIXES = ("Ltd", "Developments Ltd", "Motors Ltd", "& Sons Builders",
                     "Property Holdings Ltd", "Homes Ltd", "Signs Ltd")
_AGENTS = ("Northbrook Planning Consultancy Ltd", "Castle Hill Architects",
           "Brookside Planning Associates", "NB Design & Build")
_EMAIL_DOMAINS = ("example.com", "example.org", "example.net")


@dataclass(frozen=True)
class _Person:
    title: str
    first: str
    surname: str

    @property
    def full(self) -> str:
        return f"{self.title} {self.first} {self.surname}"

    def column(self, rng: random.Random) -> str:
        """The name as a back-office user typed it into a name column."""
        r = rng.random()
        if r < 0.5:
            return self.full
        if r < 0.8:
            return f"{self.first} {self.surname}"
        return f"{self.title} {self.first[0]} {self.surname}"

    def mention(self, rng: random.Random) -> str:
        """The name as an officer writes it in notes: rarely the same as the column."""
        r = rng.random()
        if r < 0.3:
            return f"{self.title} {self.first[0]}. {self.surname}"
        if r < 0.5:
            return f"{self.title} {self.surname}".upper()
        if r < 0.7:
            return f"{self.first} {self.surname}"
        if r < 0.85:
            return f"{self.title} {self.surname}"
        return self.surname


def _person(rng: random.Random) -> _Person:
    r = rng.random()
    if r < 0.48:
        first, title = _choice(rng, _FEMALE), _choice(rng, ("Mrs", "Ms", "Miss", "Mrs", "Ms"))
    elif r < 0.96:
        first, title = _choice(rng, _MALE), "Mr"
    else:
        first, title = _choice(rng, _FEMALE + _MALE), _choice(rng, ("Dr", "Mx"))
    return _Person(title, first, _choice(rng, _SURNAMES))


def _email(rng: random.Random, p: _Person) -> str:
    first = _ascii(p.first).lower()
    surname = _ascii(p.surname).lower().replace("'", "").replace(" ", "")
    r = rng.random()
    if r < 0.4:
        local = f"{first}.{surname}"
    elif r < 0.6:
        local = f"{first[0]}{surname}"
    elif r < 0.75:
        local = f"{surname}.{first}"
    elif r < 0.9:
        local = f"{first}{surname}{_randint(rng, 1, 99)}"
    else:
        local = f"{first}_{surname}"
    return f"{local}@{_choice(rng, _EMAIL_DOMAINS)}"


def _spelled_out(email: str) -> str:
    """'jane dot smith at example dot com', as people write it to dodge spam filters."""
    local, domain = email.split("@")
    return f"{local.replace('.', ' dot ')} at {domain.replace('.', ' dot ')}"


def _phone(rng: random.Random) -> str:
    """A UK number from Ofcom's ranges reserved for drama, in one of the ways people write.

    (area code, local number) pairs: 07700 900xxx, 01632 960xxx, 0113 496 0xxx,
    020 7946 0xxx."""
    kind = _below(rng, 4)
    tail = f"{_below(rng, 1000):03d}"
    if kind == 0:
        area, local, spaced = "07700", "900" + tail, "900" + tail
    elif kind == 1:
        area, local, spaced = "01632", "960" + tail, "960" + tail
    elif kind == 2:
        area, local, spaced = "0113", "4960" + tail, "496 0" + tail
    else:
        area, local, spaced = "020", "7946" + "0" + tail, "7946 0" + tail
    r = rng.random()
    if r < 0.35:
        return f"{area} {spaced}"
    if r < 0.55:
        return area + local
    if r < 0.7:
        return f"+44 {area[1:]} {spaced}"
    if r < 0.85:
        return f"({area}) {local}"
    return f"{area} {local}"


# ---------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------

_BREACH = _Weighted({"COU": 20, "BW": 28, "ADV": 8, "LBW": 4, "COND": 14, "UNT": 8,
                     "TPO": 5, "DEM": 2, "MIN": 2, "OTH": 9})
_CLOSURE = _Weighted({"NB": 28, "NPM": 9, "PD": 12, "IMM": 3, "RETRO": 15, "REM": 20,
                      "NEXP": 10, "OTH": 3})
# Chance of P1 (high) and of P3 (low) by breach type: harm that cannot be undone is high.
_HIGH_SHARE = {"LBW": 0.7, "TPO": 0.7, "DEM": 0.8}
_LOW_SHARE = {"ADV": 0.7, "UNT": 0.6, "OTH": 0.5}
_VISIT_DAYS = {"P1": (0, 3), "P2": (5, 15), "P3": (10, 40)}
_LOG_DELAY = _Weighted({"0": 40, "1": 25, "2": 15, "3": 10, "4": 6, "5": 4})


@dataclass(slots=True)
class _Case:
    index: int
    authority: str
    received: int
    logged: int
    first_visit: int | None
    closed: int | None
    priority: str
    breach: str
    status: str
    closure: str
    site: _Property
    show_ward: bool
    show_coordinates: bool
    complainant: _Person | None
    complainant_columns: tuple[str, str, str, str]  # name, email, phone, address
    contravener: _Person | None
    contravener_text: str
    officer: tuple[str, str]
    agent: str
    reference: str = ""
    description: str = ""  # plain, without personal data; set once notices exist
    notices: list[_Notice] = field(default_factory=list)


def _priority(rng: random.Random, breach: str) -> str:
    r = rng.random()
    if r < _HIGH_SHARE.get(breach, 0.08):
        return "P1"
    if rng.random() < _LOW_SHARE.get(breach, 0.3):
        return "P3"
    return "P2"


def _first_visit(rng: random.Random, priority: str, received: int, logged: int,
                 until: int) -> int | None:
    low, high = _VISIT_DAYS[priority]
    delay = _randint(rng, low, high)
    if rng.random() < 0.1:  # workload: some visits are late
        delay = delay * _randint(rng, 2, 4) + 5
    visit = _working_day(logged + delay)
    recent = until - received < 60
    if visit > until or (recent and rng.random() < 0.15) or rng.random() < 0.02:
        return None  # not visited yet, or the visit was never recorded
    return visit


def _case_duration(rng: random.Random) -> int:
    """Days from receipt to closure. Most close in weeks; a long tail drags on for years,
    which is why open cases are more recent on average but not all recent."""
    if rng.random() < 0.7:
        return int(rng.expovariate(1 / 45)) + 3
    return _randint(rng, 120, 3000)


def _people(rng: random.Random, pool: Sequence[_Property]
            ) -> tuple[_Person | None, tuple[str, str, str, str]]:
    if rng.random() < 0.15:  # an anonymous report
        return None, ("", "", "", "")
    p = _person(rng)
    email = _email(rng, p) if rng.random() < 0.65 else ""
    phone = _phone(rng) if rng.random() < 0.7 else ""
    home = _choice(rng, pool)
    address = f"{home.address} {home.postcode}" if rng.random() < 0.8 else ""
    return p, (p.column(rng), email, phone, address)


def _contravener(rng: random.Random) -> tuple[_Person | None, str]:
    r = rng.random()
    if r < 0.38:
        p = _person(rng)
        return p, p.column(rng)
    if r < 0.55:
        return None, f"{_choice(rng, _SURNAMES)} {_choice(rng, _COMPANY_SUFFIXES)}"
    return None, ""


def _make_cases(rng: random.Random, n: int, pool: Sequence[_Property], start: int,
                until: int) -> list[_Case]:
    """Every case's dates, codes and people; free text comes later, once notices exist."""
    park_rows = set(rng.sample(range(n), min(n, max(1, round(n * 0.01)))))
    cases = []
    span = until - start + 1
    for index in range(n):
        received = start + _below(rng, span)
        if _weekday(received) >= 5 and rng.random() < 0.85:  # web forms wait till Monday
            received = min(_working_day(received), until)
        logged = min(_working_day(received + int(_LOG_DELAY.pick(rng))), until)
        breach = _BREACH.pick(rng)
        priority = _priority(rng, breach)
        visit = _first_visit(rng, priority, received, logged, until)
        closed: int | None = max(received + _case_duration(rng), logged)
        if visit is not None and closed is not None and closed < visit:
            closed = visit + _randint(rng, 0, 14)
        if closed is not None and closed > until:
            closed = None
        if closed is not None:
            status, closure = "CLOSED", _CLOSURE.pick(rng)
        else:
            monitoring = visit is not None and rng.random() < 0.3
            status = "OPEN - MONITORING" if monitoring else "OPEN - INVESTIGATION"
            closure = ""
        authority = NATIONAL_PARK if index in park_rows else AUTHORITY
        complainant, columns = _people(rng, pool)
        contravener, contravener_text = _contravener(rng)
        officers = _PARK_OFFICERS if authority == NATIONAL_PARK else _OFFICERS
        # Ward blank (5%) and coordinates blank (2%) never together: the row stays
        # locatable either by its point or by its ward.
        r = rng.random()
        cases.append(_Case(
            index=index, authority=authority, received=received, logged=logged,
            first_visit=visit, closed=closed, priority=priority, breach=breach,
            status=status, closure=closure, site=_choice(rng, pool),
            show_ward=not r < 0.05, show_coordinates=not 0.05 <= r < 0.07,
            complainant=complainant, complainant_columns=columns,
            contravener=contravener, contravener_text=contravener_text,
            officer=_choice(rng, officers),
            agent=_choice(rng, _AGENTS) if rng.random() < 0.12 else "",
        ))
    return cases


def _number_cases(cases: list[_Case]) -> list[_Case]:
    """Sort by date received and give references such as 23/00456/ENF, numbered per year."""
    cases.sort(key=lambda c: (c.received, c.index))
    counters: dict[tuple[str, int], int] = {}
    for case in cases:
        year = datetime.date.fromordinal(case.received).year
        key = (case.authority, year)
        counters[key] = counters.get(key, 0) + 1
        if case.authority == NATIONAL_PARK:
            case.reference = f"NP/{year % 100:02d}/{counters[key]:04d}"
        else:
            case.reference = f"{year % 100:02d}/{counters[key]:05d}/ENF"
    return cases


# ---------------------------------------------------------------------------------------
# Notices
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Notice:
    code: str
    case: _Case
    issued: int
    order: int  # tie-break for numbering: creation order
    served: int = 0
    effective: int | None = None
    period: str = ""
    due: int | None = None
    complied: int | None = None
    appeal_lodged: int | None = None
    appeal_decided: int | None = None
    appeal_outcome: str = ""
    withdrawn: int | None = None
    quashed: int | None = None
    entered: int | None = None
    related: _Notice | None = None
    permission: str = ""
    condition: int = 0
    reference: str = ""


_PERIODS = {
    "ENF": ("28 days", "1 month", "2 months", "3 months", "3 months", "6 months", "12 months"),
    "LBEN": ("3 months", "6 months"),
    "S215": ("28 days", "2 months", "3 months"),
    "TRN": ("6 months", "12 months"),
    "ADN": ("28 days", "2 months"),
    "BCN": ("28 days", "1 month", "2 months", "3 months"),
}
_APPEALABLE = {"ENF": 0.2, "LBEN": 0.15, "S215": 0.1, "TRN": 0.1, "ADN": 0.1}
_APPEAL_OUTCOME = _Weighted({"DISMISSED": 50, "VARIED": 20, "ALLOWED": 18, "WITHDRAWN": 12})
_PERMISSION_SUFFIXES = ("FUL", "HOU", "OUT", "REM", "VAR")


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Exact counts per type in proportion to weights (largest remainder), with at least
    one of every type when there is room, so even a small sample has all twelve."""
    floor_one = total >= len(weights)
    scale = total - (len(weights) if floor_one else 0)
    whole = sum(weights.values())
    shares = {k: scale * w / whole for k, w in weights.items()}
    counts = {k: int(s) + (1 if floor_one else 0) for k, s in shares.items()}
    by_remainder = sorted(weights, key=lambda k: (-(shares[k] - int(shares[k])), k))
    for k in by_remainder[: total - sum(counts.values())]:
        counts[k] += 1
    return counts


def _bundles(rng: random.Random, n: int) -> list[list[str]]:
    """Group notice types into the formal action of one case each.

    A stop notice always rides with an enforcement notice, which it refers to; some
    enforcement notices follow a planning contravention or temporary stop notice."""
    counts = _allocate(n, _NOTICE_TYPE_WEIGHTS)
    enforcement = [["ENF"] for _ in range(counts["ENF"])]
    bundles: list[list[str]] = []
    stops = counts["STOP"]
    for k in rng.sample(range(len(enforcement)), min(stops, len(enforcement))):
        enforcement[k].append("STOP")
    bundles += [["STOP"]] * max(0, stops - len(enforcement))  # no ENF to ride with
    for code, share in (("PCN", 0.3), ("TSN", 0.5)):
        hosts = list(range(len(enforcement)))
        rng.shuffle(hosts)
        for _ in range(counts[code]):
            if hosts and rng.random() < share:
                enforcement[hosts.pop()].insert(0, code)  # served before the ENF
            else:
                bundles.append([code])
    for code in _NOTICE_TYPE_WEIGHTS:
        if code not in ("ENF", "STOP", "PCN", "TSN"):
            bundles += [[code] for _ in range(counts[code])]
    bundles += enforcement
    rng.shuffle(bundles)
    return bundles


def _permission_reference(rng: random.Random, year: int) -> str:
    return (f"{(year - _randint(rng, 1, 4)) % 100:02d}/{_randint(rng, 1, 2400):05d}/"
            f"{_choice(rng, _PERMISSION_SUFFIXES)}")


def _notice_dates(rng: random.Random, n: _Notice, until: int) -> None:
    """Service, effect, compliance, appeal, withdrawal and register entry for one notice,
    following each notice type's rules in outline."""
    code = n.code
    n.served = min(n.issued + _choice(rng, (0, 0, 1, 1, 2, 3)), until)
    if code in ("ENF", "LBEN"):
        n.effective = n.served + _randint(rng, 28, 35)  # at least 28 days after service
    elif code in ("S215", "TRN"):
        n.effective = n.served + _randint(rng, 28, 35)
    elif code == "ADN":
        n.effective = n.served + _randint(rng, 56, 70)  # at least eight weeks
    elif code == "STOP":  # 3 days at the earliest, and before the ENF takes effect
        n.effective = n.served + _randint(rng, 3, 14)
    elif code == "CILSTOP":
        n.effective = n.served + _randint(rng, 3, 28)
    else:  # BCN, EWN, PCN, TSN take effect on service; a PEO once the order is served
        n.effective = n.served

    if code in _PERIODS:
        n.period = _choice(rng, _PERIODS[code])
    elif code == "EWN":
        n.period = "28 days"  # to submit a planning application
    elif code == "PCN":
        n.period = "21 days"  # to answer
    elif code in ("STOP", "TSN"):
        n.period = "immediately"
    elif code == "CILSTOP":
        n.period = "until the levy is paid"
    start = n.served if code in ("BCN", "EWN", "PCN") else n.effective
    n.due = _after_period(start, n.period) if n.period else None
    if code in ("STOP", "TSN", "CILSTOP"):
        n.due = n.effective  # stop at once; for CIL, pay at once

    appeal_share = _APPEALABLE.get(code, 0.0)
    if rng.random() < appeal_share:
        _appeal(rng, n, until)
    elif code == "BCN" and rng.random() < 0.05:  # BCNs cannot be appealed, only challenged
        n.quashed = _if_past(n.served + _randint(rng, 30, 200), until)
    if n.quashed is None and rng.random() < 0.03:
        n.withdrawn = _if_past(n.served + _randint(rng, 7, 300), until)

    if not (n.withdrawn or n.quashed) and n.due is not None and n.appeal_outcome != "PENDING":
        passed = n.due <= until
        if (passed and rng.random() < 0.7) or (not passed and rng.random() < 0.15):
            early = n.served + 1 + _below(rng, max(1, until - n.served))
            late = min(until, max(n.served + 1, n.due + _randint(rng, -40, 60)))
            n.complied = late if passed else min(early, until)

    if code in _REGISTER_TYPES:
        lag = _randint(rng, 0, 14) if rng.random() < 0.85 else _randint(rng, 15, 90)
        n.entered = _if_past(n.served + lag, until)  # blank: not entered yet (overdue?)


def _appeal(rng: random.Random, n: _Notice, until: int) -> None:
    """An appeal postpones the notice: compliance runs from the decision, not the notice."""
    assert n.effective is not None
    n.appeal_lodged = _if_past(n.served + _randint(rng, 7, max(8, n.effective - n.served - 1)),
                               until)
    if n.appeal_lodged is None:
        return
    decided = n.appeal_lodged + _randint(rng, 90, 450)
    if decided > until:
        n.appeal_outcome, n.due = "PENDING", None
        return
    n.appeal_decided = decided
    n.appeal_outcome = _APPEAL_OUTCOME.pick(rng)
    if n.appeal_outcome == "ALLOWED":
        n.quashed, n.due = decided, None  # an allowed appeal quashes the notice
    elif n.appeal_outcome in ("DISMISSED", "VARIED"):
        n.due = _after_period(decided, n.period)


def _if_past(day: int, until: int) -> int | None:
    """The day if it has happened by the export date, else blank."""
    return day if day <= until else None


def _make_notices(rng: random.Random, n: int, cases: list[_Case], until: int
                  ) -> list[_Notice]:
    """Formal action on some older cases; sets those cases' breach type and status."""
    if n <= 0 or not cases:
        return []
    bundles = _bundles(rng, n)
    eligible = [k for k, c in enumerate(cases) if c.received <= until - 90]
    if len(eligible) >= len(bundles):
        chosen = rng.sample(eligible, len(bundles))
    else:  # a tiny sample: let cases share
        chosen = [_choice(rng, eligible or list(range(len(cases)))) for _ in bundles]
    notices: list[_Notice] = []
    for bundle, k in zip(bundles, chosen, strict=True):
        case = cases[k]
        main = next((c for c in bundle if c not in ("PCN", "TSN", "STOP")), bundle[-1])
        case.breach = _BREACH_FOR_NOTICE.get(main, case.breach)
        if case.first_visit is None or case.first_visit >= until:
            case.first_visit = min(_working_day(case.logged + _randint(rng, 1, 10)), until - 1)
        base = case.first_visit
        delay = int(rng.expovariate(1 / 120)) + 14
        if base + delay > until - 3:  # a recent case: squeeze the notice in before `until`
            delay = _randint(rng, 1, max(1, until - base - 3))
        issue = base + delay
        made: dict[str, _Notice] = {}
        for code in bundle:
            if code == "PCN":
                day = max(base + 1, issue - _randint(rng, 20, 120))
            elif code == "TSN":
                day = max(base + 1, issue - _randint(rng, 3, 28))
            elif code == "STOP":
                day = issue + _randint(rng, 0, 7)
            else:
                day = issue
            notice = _Notice(code, case, min(day, until), order=len(notices))
            if code == "BCN":
                notice.permission = _permission_reference(
                    rng, datetime.date.fromordinal(notice.issued).year)
                notice.condition = _randint(rng, 2, 14)
            _notice_dates(rng, notice, until)
            made[code] = notice
            notices.append(notice)
            case.notices.append(notice)
        _link_stop_notice(made)
        _case_outcome(rng, case, made[main], until)
    return notices


def _link_stop_notice(made: dict[str, _Notice]) -> None:
    """A stop notice names its enforcement notice, and falls with it (s.183)."""
    stop, enf = made.get("STOP"), made.get("ENF")
    if stop is None or enf is None:
        return
    stop.related, enf.related = enf, stop
    ended = enf.withdrawn or enf.quashed
    if ended is not None and stop.withdrawn is None and stop.quashed is None:
        stop.withdrawn, stop.complied = max(ended, stop.served), None


def _case_outcome(rng: random.Random, case: _Case, main: _Notice, until: int) -> None:
    """A case with formal action closes when the notice is complied with (COMP)."""
    case.closed, case.closure = None, ""
    ended = main.withdrawn or main.quashed
    if main.complied is not None:
        closed, reason = main.complied + _randint(rng, 0, 30), "COMP"
    elif ended is not None:
        closed, reason = ended + _randint(rng, 1, 60), _choice(rng, ("RETRO", "NEXP", "OTH"))
    elif main.due is not None and main.due < until and rng.random() < 0.4:
        closed, reason = main.due + _randint(rng, 30, 400), _choice(rng, ("NEXP", "OTH"))
    else:
        case.status = "OPEN - FORMAL ACTION"
        return
    if closed <= until:
        case.status, case.closed, case.closure = "CLOSED", closed, reason
    else:
        case.status = "OPEN - MONITORING" if reason == "COMP" else "OPEN - FORMAL ACTION"


def _number_notices(notices: list[_Notice]) -> list[_Notice]:
    """References such as ENF/2021/0007: per type and year of issue, in date order."""
    notices.sort(key=lambda n: (n.issued, n.order))
    counters: dict[tuple[str, str, int], int] = {}
    for n in notices:
        year = datetime.date.fromordinal(n.issued).year
        key = (n.case.authority, n.code, year)
        counters[key] = counters.get(key, 0) + 1
        prefix = "NP/" if n.case.authority == NATIONAL_PARK else ""
        n.reference = f"{prefix}{n.code}/{year}/{counters[key]:04d}"
    return notices


# ---------------------------------------------------------------------------------------
# Free text. Officers type whatever they like, personal data included; the build's
# redaction pass has to cope. Planning references, use classes and road numbers are put
# in too, because they look like phone numbers, postcodes or number plates and must not
# be redacted.
# ---------------------------------------------------------------------------------------

_DESCRIPTIONS = {
    "COU": (
        "Unauthorised change of use of a dwellinghouse (Class C3) to a house in multiple "
        "occupation",
        "Use of domestic garage for commercial vehicle repairs",
        "Use of land for the storage of vehicles and building materials",
        "Change of use from shop (Class E) to hot food takeaway without planning permission",
        "Former A3 use now operating as a bar with late-night music",
        "Use of agricultural land for the siting of a residential caravan",
        "Dog grooming business operating from a house",
        "Short-term holiday let use of a flat causing noise and parking problems",
    ),
    "BW": (
        "Single-storey rear extension not built in accordance with approved plans {app}",
        "Two-storey side extension built without planning permission",
        "Raised decking more than 30cm above ground level in the rear garden",
        "Dormer window built on the front roof slope",
        "Outbuilding in rear garden larger than permitted development allows",
        "Boundary wall over 2 metres high next to the highway",
        "Balcony added to first floor rear elevation",
        "New vehicle access and dropped kerb onto the {road}",
    ),
    "ADV": (
        "Illuminated advertisement hoarding facing the {road}",
        "Banner advertisements attached to railings",
        "Digital advertising screen installed without advertisement consent",
        "Estate agent boards left up for more than 14 days after sale",
        "Fascia sign with internal illumination in a conservation area",
    ),
    "LBW": (
        "Replacement of timber sash windows with uPVC at a Grade II listed building",
        "Removal of historic internal features from a listed building",
        "Satellite dish fixed to the front elevation of a listed building",
        "Rendering over original brickwork of a Grade II listed cottage",
    ),
    "COND": (
        "Condition {cond} of {app} (hours of use) not complied with",
        "Landscaping scheme required by condition {cond} of {app} not planted",
        "Construction work outside permitted hours contrary to condition {cond} of {app}",
        "Obscure glazing required by condition {cond} of {app} not installed",
        "Car parking spaces required by condition {cond} of {app} not provided",
    ),
    "UNT": (
        "Untidy land with accumulated waste and overgrown vegetation",
        "Derelict building in a poor state of repair harming the street scene",
        "Rubbish and abandoned vehicles in the front garden",
    ),
    "TPO": (
        "Felling of an oak tree protected by a Tree Preservation Order",
        "Works to trees in a conservation area without notice",
        "Removal of a protected hedgerow",
    ),
    "DEM": (
        "Demolition of a building in a conservation area without permission",
        "Partial demolition of a boundary wall in a conservation area",
    ),
    "MIN": (
        "Unauthorised waste transfer operation",
        "Importation of soil and raising of land levels",
        "Extraction of sand and gravel without permission",
    ),
    "OTH": (
        "Fence over 1 metre high next to the highway",
        "Hardstanding laid across the front garden",
        "Air source heat pump installed close to the boundary",
        "Shipping container placed on land",
    ),
}
_NOTICE_NAMES = {"ENF": "Enforcement notice", "STOP": "Stop notice",
                 "BCN": "Breach of condition notice", "EWN": "Enforcement warning notice",
                 "PEO": "Planning enforcement order", "CILSTOP": "CIL stop notice",
                 "PCN": "PCN", "S215": "S215 notice", "TSN": "Temporary stop notice",
                 "LBEN": "Listed building enforcement notice", "TRN": "Tree replacement "
                 "notice", "ADN": "Discontinuance notice"}
_ROADS = ("A34", "A523", "M6", "M62", "A6", "B5470", "A5103", "A556")
_FINDINGS = ("breach confirmed", "no breach found", "works appear complete",
             "nobody in, card left", "photographs taken", "works ongoing")
_REPORTS = ("the works are continuing", "noise from the site at weekends",
            "the business is still operating", "lorries blocking the lane",
            "the structure is getting bigger")
# What an enforcement notice requires depends on the breach it is about.
_ENF_REQUIREMENTS = {
    "COU": ("Stop the unauthorised use of the land and remove all equipment brought onto "
            "it for that use.",),
    "BW": ("Demolish the unauthorised development and remove the resulting materials from "
           "the land.", "Alter the development so that it accords with the approved plans."),
    "ADV": ("Remove the advertisement and its supporting structure.",),
    "LBW": ("Reinstate the features that were removed or altered, to match the originals.",),
    "COND": ("Comply with the condition in full.",),
    "UNT": ("Clear all waste from the land and cut back the vegetation.",),
    "TPO": ("Plant a replacement tree of the same species in the next planting season.",),
    "DEM": ("Rebuild the demolished structure using the original materials where "
            "possible.",),
    "MIN": ("Stop the importation of waste and remove all imported material from the "
            "land.",),
    "OTH": ("Remove the unauthorised structure and restore the land to its previous "
            "condition.", "Reduce the height of the fence to no more than 1 metre."),
}
_REQUIREMENTS = {
    "STOP": ("Stop the activity described in this notice.",),
    "EWN": ("Submit a planning application for the development within 28 days, or "
            "enforcement action may follow.",),
    "PEO": ("The Council may take enforcement action within one year of the date of the "
            "order.",),
    "CILSTOP": ("Stop all development until the levy and any surcharges are paid.",),
    "PCN": ("Answer the questions in the notice within 21 days.",),
    "S215": ("Clear all waste from the land, cut back the vegetation and repair the "
             "windows.",),
    "TSN": ("Stop the activity at once; this notice lasts 28 days.",),
    "LBEN": ("Put right the unauthorised works to the listed building, using materials "
             "that match the originals.",),
    "TRN": ("Plant a replacement oak tree of at least 12cm girth in the next planting "
            "season.",),
    "ADN": ("Remove the advertisement and its supporting structure.",),
}


def _planning_reference(rng: random.Random, year: int) -> str:
    year = (year - _randint(rng, 0, 6)) % 100
    kind = _choice(rng, ("FUL", "HOU", "OUT", "LBC", "ADV", "CLU"))
    return f"{year:02d}/{_randint(rng, 1, 2400):05d}/{kind}"


def _plain_description(rng: random.Random, case: _Case) -> str:
    """What the breach is, in plain words. Its notices restate the same words."""
    year = datetime.date.fromordinal(case.received).year
    template = _choice(rng, _DESCRIPTIONS[case.breach])
    bcn = next((n for n in case.notices if n.code == "BCN"), None)
    if bcn is not None:  # the condition and permission its notice names
        return template.format(app=bcn.permission, road=_choice(rng, _ROADS),
                               cond=bcn.condition)
    return template.format(app=_planning_reference(rng, year), road=_choice(rng, _ROADS),
                           cond=_randint(rng, 2, 14))


def _description(rng: random.Random, case: _Case) -> str:
    text = case.description
    if rng.random() < 0.1:  # some officers paste the complaint in, names and all
        who = case.complainant or _person(rng)
        r = rng.random()
        if r < 0.35:
            return f"Complainant {who.mention(rng)} ({_phone(rng)}) reports: {text}"
        if r < 0.6:
            return f"{text}. Neighbour {who.mention(rng)} says it has gone on for months"
        if r < 0.8:
            return f"{text}. Reported by {case.complainant_columns[1] or _email(rng, who)}"
        owner = case.contravener or _person(rng)
        return f"{text} by owner {owner.mention(rng)}"
    return text


def _personal_note(rng: random.Random, case: _Case) -> str:
    """One sentence of case notes that carries someone's personal data."""
    complainant = case.complainant or _person(rng)
    owner = case.contravener or _person(rng)
    email = case.complainant_columns[1] or _email(rng, complainant)
    phone = case.complainant_columns[2] or _phone(rng)
    k = _below(rng, 9)
    if k == 0:
        return (f"Complainant {complainant.mention(rng)} ({phone}) reports "
                f"{_choice(rng, _REPORTS)}.")
    if k == 1:
        return f"Spoke to {owner.title.upper()} {owner.surname.upper()}'s agent on site."
    if k == 2:
        return f"Email from {email} chasing progress."
    if k == 3:
        return f"Complainant asked for updates to {_spelled_out(email)}."
    if k == 4:
        return f"Owner {owner.surname} confirmed works will stop."
    if k == 5:
        return f"Phoned {owner.mention(rng)} on {_phone(rng)}, no answer."
    if k == 6:
        other = _choice(rng, _OFFICERS)[0]
        return f"{case.officer[0]} visited with {other}."
    if k == 7 and case.complainant_columns[3]:
        return (f"Complainant lives at {case.complainant_columns[3]} and wants their "
                "identity kept confidential.")
    if k == 8:
        agent = case.agent or f"{complainant.first} {complainant.surname}"
        return f"Agent {agent} says an application will be submitted."
    return f"Complainant {complainant.mention(rng)} rang again on {phone}."


def _plain_note(rng: random.Random, case: _Case) -> str:
    """One sentence of case notes with no personal data, but plenty that looks like it."""
    year = datetime.date.fromordinal(case.received).year
    k = _below(rng, 7)
    if k == 0:
        return f"Retrospective application {_planning_reference(rng, year)} received."
    if k == 1:
        return f"See previous case NB/{year - _randint(rng, 1, 8)}/{_randint(rng, 1, 999):04d}/ENF."
    if k == 2:
        return (f"Planning history checked: {_planning_reference(rng, year)} approved with "
                "conditions.")
    if k == 3:
        return "Use class checked: established A3 use, now within Class E."
    if k == 4:
        return f"Site fronts the {_choice(rng, _ROADS)}; highways consulted."
    if k == 5:
        return f"Letter sent to owner {_fmt(case.logged + _randint(rng, 1, 20))}."
    return "No further complaints received."


def _notes(rng: random.Random, case: _Case) -> str:
    parts = []
    if case.first_visit is not None:
        parts.append(f"Site visited {_fmt(case.first_visit)}: {_choice(rng, _FINDINGS)}.")
    parts.append(_plain_note(rng, case))
    for n in case.notices:
        parts.append(f"{_NOTICE_NAMES[n.code]} {n.reference} served {_fmt(n.served)}.")
    if rng.random() < 0.3:
        parts.insert(_below(rng, len(parts) + 1), _personal_note(rng, case))
        if rng.random() < 0.3:
            parts.append(_personal_note(rng, case))
    if case.closure == "NEXP":
        parts.append("Reviewed with team leader: not expedient to pursue.")
    return " ".join(parts)


def _notice_texts(rng: random.Random, n: _Notice) -> tuple[str, str, str]:
    """(breach summary, requirements, activity prohibited) for one notice."""
    code = n.code
    # The case's description without the complainant's words around it.
    description = n.case.description
    if code == "BCN":
        summary = (f"Condition {n.condition} of planning permission {n.permission} has not "
                   "been complied with.")
    elif code == "CILSTOP":
        summary = "Community Infrastructure Levy due on development at the site is unpaid."
    elif code == "PCN":
        summary = "Information is needed about the use of the land and who has an interest."
    else:
        summary = f"It appears that there has been a breach of planning control: {description}."
    if code == "BCN":
        requirements = f"Comply with condition {n.condition} of {n.permission} in full."
    else:
        options = _ENF_REQUIREMENTS[n.case.breach] if code == "ENF" else _REQUIREMENTS[code]
        requirements = _choice(rng, options)
    activity = ""
    if code in ("STOP", "TSN"):
        activity = description
    elif code == "CILSTOP":
        activity = "All development on the land"
    if rng.random() < 0.15:  # names and numbers typed into the notice text
        owner = n.case.contravener or _person(rng)
        officer, line = n.case.officer
        r = rng.random()
        if r < 0.4:
            summary = f"Owner {owner.mention(rng)} of {n.case.site.address}. " + summary
        elif r < 0.7:
            requirements += f" Contact {officer} on {line} about compliance."
        else:
            requirements += f" Queries to {_email(rng, owner)} or {_phone(rng)}."
    return summary, requirements, activity


# ---------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------


def _case_row(rng: random.Random, case: _Case, wards: Sequence[_Ward]) -> list[str]:
    site = case.site
    description = _description(rng, case)
    name, email, phone, address = case.complainant_columns
    values = {
        "Case Ref": case.reference, "Date Received": _fmt(case.received),
        "Date Logged": _fmt(case.logged), "First Site Visit": _date(case.first_visit),
        "Date Closed": _date(case.closed), "Priority": case.priority, "Status": case.status,
        "Breach Type": case.breach, "Closure Reason": case.closure,
        "Ward": wards[site.ward].code if case.show_ward else "",
        "Site Address": site.address, "Postcode": site.postcode, "UPRN": site.uprn,
        "Easting": site.easting if case.show_coordinates else "",
        "Northing": site.northing if case.show_coordinates else "",
        "Description": description, "Case Notes": _notes(rng, case),
        "Complainant Name": name, "Complainant Email": email, "Complainant Phone": phone,
        "Complainant Address": address, "Contravener": case.contravener_text,
        "Case Officer": case.officer[0], "Agent": case.agent, "Authority": case.authority,
    }
    return [values[c] for c in CASE_COLUMNS]


def _notice_row(rng: random.Random, n: _Notice, wards: Sequence[_Ward]) -> list[str]:
    case, site = n.case, n.case.site
    summary, requirements, activity = _notice_texts(rng, n)
    document = ""
    if rng.random() < 0.9:
        document = ("https://planning.northbrook.example.gov.uk/docs/"
                    f"{n.reference.replace('/', '-')}.pdf")
    served_on = case.contravener_text or "The Owner/Occupier"
    values = {
        "Notice Ref": n.reference, "Case Ref": case.reference, "Notice Type": n.code,
        "Date Issued": _fmt(n.issued), "Date Served": _fmt(n.served),
        "Date Effective": _date(n.effective), "Compliance Period": n.period,
        "Compliance Date": _date(n.due), "Date Complied": _date(n.complied),
        "Appeal Lodged": _date(n.appeal_lodged), "Appeal Decided": _date(n.appeal_decided),
        "Appeal Decision": n.appeal_outcome, "Date Withdrawn": _date(n.withdrawn),
        "Date Quashed": _date(n.quashed), "Register Entry Date": _date(n.entered),
        "Related Notice": n.related.reference if n.related else "",
        "Permission Ref": n.permission, "Breach Summary": summary,
        "Requirements": requirements, "Activity Prohibited": activity, "Document": document,
        "Site Address": site.address, "Postcode": site.postcode, "UPRN": site.uprn,
        "Easting": site.easting if case.show_coordinates else "",
        "Northing": site.northing if case.show_coordinates else "",
        "Ward": wards[site.ward].code if case.show_ward else "",
        "Served On": served_on, "Case Officer": case.officer[0],
        "Authority": case.authority,
    }
    return [values[c] for c in NOTICE_COLUMNS]


# ---------------------------------------------------------------------------------------
# Bad rows
# ---------------------------------------------------------------------------------------


@dataclass
class _Planted:
    kind: str
    file: str
    row: list[str]  # the row object itself: its number is known only after insertions
    column: str


def _bad_count(rows: int, cases: int) -> int:
    count = round(rows * _BAD_ROW_SHARE)
    return max(count, 1) if cases >= 500 and rows > 0 else count


def _plant_case_rows(rng: random.Random, cases: Sequence[_Case], rows: list[list[str]]
                     ) -> list[_Planted]:
    """Break a few rows of cases.csv, each in one way, on this council's cases that have
    no notices (so that no notice loses its case and no withheld row hides a problem)."""
    col = {c: i for i, c in enumerate(CASE_COLUMNS)}
    per_kind = _bad_count(len(rows), len(rows))
    candidates = [k for k, c in enumerate(cases) if c.authority == AUTHORITY and not c.notices]
    closed = [k for k in candidates if cases[k].closed is not None]
    planted: list[_Planted] = []
    if per_kind == 0 or not candidates:
        return planted
    taken: set[int] = set()

    def pick(pool: list[int]) -> list[int]:
        free = [k for k in pool if k not in taken]
        chosen = sorted(rng.sample(free, min(per_kind, len(free))))
        taken.update(chosen)
        return chosen

    for k in pick(closed):
        before = cases[k].received - _randint(rng, 1, 400)
        rows[k][col["Date Closed"]] = _fmt(before)
        planted.append(_Planted("closed-before-received", "cases.csv", rows[k], "Date Closed"))
    for k in pick(candidates):
        rows[k][col["Case Ref"]] = "N/A"
        planted.append(_Planted("na-reference", "cases.csv", rows[k], "Case Ref"))
    for k in pick(candidates):
        year = datetime.date.fromordinal(cases[k].logged).year
        day = _choice(rng, ("31/02", "30/02", "31/04", "31/06", "31/09", "31/11"))
        rows[k][col["Date Logged"]] = f"{day}/{year}"
        planted.append(_Planted("impossible-date", "cases.csv", rows[k], "Date Logged"))
    for k in pick(candidates):
        rows[k][col["First Site Visit"]] = _choice(rng, _NOT_A_DATE)
        planted.append(_Planted("not-a-date", "cases.csv", rows[k], "First Site Visit"))
    for i, k in enumerate(pick(candidates)):
        column, value = _UNKNOWN_CODES[i % len(_UNKNOWN_CODES)]
        rows[k][col[column]] = value
        planted.append(_Planted("unknown-code", "cases.csv", rows[k], column))
    for k in pick(candidates):
        for column in ("Easting", "Northing", "Ward"):
            rows[k][col[column]] = ""
        planted.append(_Planted("missing-coordinates", "cases.csv", rows[k], "Easting"))
    # Insertions last, from the bottom up, so the indices picked stay valid.
    for k in sorted(pick(candidates), reverse=True):
        copy = rows[k][:]
        rows.insert(k + 1, copy)
        planted.append(_Planted("duplicate-row", "cases.csv", copy, ""))
    return planted


def _plant_notice_rows(rng: random.Random, notices: Sequence[_Notice],
                       rows: list[list[str]], cases: int) -> list[_Planted]:
    """A notice reference on a second row with a different service date: the back office
    re-served the notice and the export shows both versions."""
    col = NOTICE_COLUMNS.index("Date Served")
    candidates = [k for k, n in enumerate(notices) if n.case.authority == AUTHORITY]
    count = min(_bad_count(len(rows), cases), len(candidates))
    planted = []
    for k in sorted(rng.sample(candidates, count), reverse=True):
        copy = rows[k][:]
        copy[col] = _fmt(notices[k].served + _randint(rng, 1, 7))
        rows.insert(k + 1, copy)
        planted.append(_Planted("duplicate-notice-reference", "notices.csv", copy,
                                "Date Served"))
    return planted


def _planted_rows(planted: Sequence[_Planted], rows_by_file: dict[str, list[list[str]]]
                  ) -> list[PlantedRow]:
    """Spreadsheet row numbers of the planted rows, now that all insertions are done."""
    numbers = {(file, id(row)): i + 2 for file, rows in rows_by_file.items()
               for i, row in enumerate(rows)}
    # The reference is the first column of both files.
    out = [PlantedRow(p.kind, p.file, numbers[p.file, id(p.row)], p.column, p.row[0])
           for p in planted]
    return sorted(out, key=lambda p: (p.file, p.row, p.kind))


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def _write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    # Strict: a character Windows-1252 cannot hold is a bug in this module, not in data.
    path.write_bytes(buffer.getvalue().encode(ENCODING))


def write_sample(out_dir: Path, seed: int = 1, cases: int = 3000, notices: int = 150,
                 wards_file: Path | None = None,
                 until: datetime.date = datetime.date(2026, 9, 30),
                 ward_code_property: str = "code", ward_name_property: str = "name"
                 ) -> SampleSummary:
    """Write cases.csv, notices.csv and wards.geojson for a fictional district into out_dir.

    Cases span the ten years up to `until`. With `wards_file` (GeoJSON in WGS84 whose
    features carry `ward_code_property` and `ward_name_property`), every point falls in
    one of its wards and the file is copied unchanged; otherwise sixteen fictional
    Northbrook wards are made. The same arguments always give byte-identical files."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    last = until.toordinal()
    first = last - 3652 + 1  # ten years of days

    if wards_file is None:
        wards, wards_bytes = _synthetic_wards()
        (out_dir / "wards.geojson").write_bytes(wards_bytes)
    else:
        wards = _real_wards(Path(wards_file), ward_code_property, ward_name_property)
        shutil.copyfile(wards_file, out_dir / "wards.geojson")

    pool = _properties(rng, wards, max(60, cases * 3 // 4))
    case_list = _number_cases(_make_cases(rng, cases, pool, first, last))
    notice_list = _number_notices(_make_notices(rng, notices, case_list, last))

    for case in case_list:
        case.description = _plain_description(rng, case)
    case_rows = [_case_row(rng, case, wards) for case in case_list]
    notice_rows = [_notice_row(rng, n, wards) for n in notice_list]

    planted = _plant_case_rows(rng, case_list, case_rows)
    planted += _plant_notice_rows(rng, notice_list, notice_rows, cases)

    _write_csv(out_dir / "cases.csv", CASE_COLUMNS, case_rows)
    _write_csv(out_dir / "notices.csv", NOTICE_COLUMNS, notice_rows)

    rows_by_file = {"cases.csv": case_rows, "notices.csv": notice_rows}
    planted_rows = _planted_rows(planted, rows_by_file)
    counts = {kind: 0 for kind in BAD_ROW_KINDS}
    for p in planted_rows:
        counts[p.kind] += 1
    return SampleSummary(
        cases=len(case_rows), notices=len(notice_rows),
        national_park_cases=sum(1 for c in case_list if c.authority == NATIONAL_PARK),
        planted=counts, planted_rows=planted_rows,
        files=[out_dir / "cases.csv", out_dir / "notices.csv", out_dir / "wards.geojson"],
    )
