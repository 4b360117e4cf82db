"""A synthetic register archive: the shape of a real district council's export
(`enforcement-site sample --profile register-archive`).

One file, no cases file: a scanning job's list of the paper register, 1951 to 2019.
Each row is a scanned document: a job number, the Windows path of the scan, a
reference, a free-text address (most with a postcode inside, some all in capitals,
some with typos), a date (dd/mm/yyyy), a document type ("Planning Enforcement Notice"
or "Planning Enforcement Appeal Decision"), a UPRN on some rows and British National
Grid coordinates on a few. Its references are what such a register holds:

- "N/A" or blank;
- Planning Inspectorate appeal references (APP/...) on appeal decisions;
- another authority's references (SDNP/..., a national park inside the district);
- one reference on several rows: a notice covering several addresses, a notice and
  its appeal decision, officers' initials reused for many notices, and rows identical
  in every column but the job number and the file path.

Beside it: the wards, a gazetteer (UPRN, address, easting, northing: an LLPG extract's
shape) and a postcode file (ONSPD's `pcds`, `lat`, `long`), all synthetic, for the
same fictional district as the main sample. The same seed gives the same bytes.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from generator.dev.sample import (
    _below,
    _choice,
    _fmt,
    _properties,
    _Property,
    _randint,
    _synthetic_wards,
    _to_wgs84,
    _write_csv,
)

COLUMNS = ("Job No", "File Path", "Reference", "Address", "Date", "Document Type", "UPRN",
           "Easting", "Northing")
NOTICE = "Planning Enforcement Notice"
APPEAL = "Planning Enforcement Appeal Decision"
GAZETTEER_COLUMNS = ("UPRN", "ADDRESS", "X_COORDINATE", "Y_COORDINATE")
POSTCODE_COLUMNS = ("pcds", "lat", "long")
FILE = "register.csv"

# The real archive's counts, per 1,172 rows; a smaller archive keeps the proportions.
FULL = 1172
_SHARES = {"appeal-same-reference": 139, "appeal-app-reference": 56,
           "other-authority": 30, "missing-reference": 39, "initials": 37,
           "multi-address": 14, "identical": 12}
_INITIALS = ("JS", "MB", "RWT", "PK", "DH")
_FIRST, _LAST = datetime.date(1951, 1, 1).toordinal(), datetime.date(2019, 1, 16).toordinal()


@dataclass
class ArchiveRow:
    """One row written, and what the build should make of it (for tests)."""

    row: int  # as a spreadsheet numbers it: the header is row 1
    kind: str  # notice, multi-address, initials, missing-reference, identical,
    #            appeal-same-reference, appeal-app-reference, other-authority
    reference: str
    cells: list[str] = field(repr=False, default_factory=list)


@dataclass
class ArchiveSummary:
    rows: list[ArchiveRow]
    files: list[Path]

    def counts(self) -> Counter[str]:
        return Counter(r.kind for r in self.rows)

    def __str__(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.counts().items()))
        return f"{len(self.rows)} rows in {FILE} ({kinds})"


def _scaled(rows: int) -> dict[str, int]:
    return {k: max(2, round(v * rows / FULL)) for k, v in _SHARES.items()}


def _typo(rng: random.Random, address: str) -> str:
    """A letter swapped in one word of the street, as typed in a hurry."""
    words = address.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long_words:
        return address
    i = _choice(rng, long_words)
    w = words[i]
    k = _randint(rng, 1, len(w) - 2)
    words[i] = w[:k] + w[k + 1] + w[k] + w[k + 2:]
    return " ".join(words)


def _written(rng: random.Random, p: _Property, postcode_inside: bool, capitals: bool,
             typo: bool) -> str:
    address = p.address
    if not capitals:
        address = address.title()
    if typo:
        address = _typo(rng, address)
    if postcode_inside:
        address += f" {p.postcode}"
    return address


def _reference(rng: random.Random, day: int, n: int) -> str:
    year = datetime.date.fromordinal(day).year
    if year < 1990:
        return f"EN/{year % 100:02d}/{n:04d}"
    return f"ENF/{year}/{n:05d}"


def write_archive(out_dir: Path, seed: int = 1, rows: int = FULL) -> ArchiveSummary:
    """Write register.csv, gazetteer.csv, postcodes.csv and wards.geojson into out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    wards, wards_bytes = _synthetic_wards()
    (out_dir / "wards.geojson").write_bytes(wards_bytes)
    pool = _properties(rng, wards, max(80, rows))
    for k, p in enumerate(pool):  # every property in the gazetteer has a UPRN
        if not p.uprn:
            pool[k] = _Property(p.address, p.postcode, f"2000{k:08d}", p.easting, p.northing,
                                p.ward)
    shares = _scaled(rows)
    plain = rows - sum(shares.values())
    kinds = (["notice"] * plain + ["other-authority"] * shares["other-authority"]
             + ["missing-reference"] * shares["missing-reference"]
             + ["initials"] * shares["initials"])
    rng.shuffle(kinds)
    out: list[ArchiveRow] = []
    notices: list[tuple[str, int, _Property]] = []  # (reference, day, property)

    def cells(reference: str, p: _Property, day: int, kind: str, document: str) -> list[str]:
        year = datetime.date.fromordinal(day).year
        safe = reference.replace("/", "_") or "NOREF"
        path = f"\\\\PLANSRV01\\Scans\\Enforcement\\{year}\\{safe}_{_below(rng, 10**6):06d}.pdf"
        r = rng.random()
        postcode_inside = r < 887 / FULL
        capitals = rng.random() < 298 / FULL
        typo = rng.random() < 0.06
        uprn = p.uprn if rng.random() < 0.35 else ""
        bng = rng.random() < 88 / FULL
        return [f"J{_randint(rng, 100000, 999999)}", path, reference,
                _written(rng, p, postcode_inside, capitals, typo), _fmt(day), document, uprn,
                p.easting if bng else "", p.northing if bng else ""]

    for serial, kind in enumerate(kinds, start=1):
        day = _randint(rng, _FIRST, _LAST)
        p = _choice(rng, pool)
        if kind == "other-authority":
            year = datetime.date.fromordinal(day).year
            reference = f"SDNP/{year % 100:02d}/{_randint(rng, 100, 9999):05d}/ENF"
        elif kind == "missing-reference":
            reference = _choice(rng, ("N/A", "", "n/a", "N/A "))
        elif kind == "initials":
            reference = _choice(rng, _INITIALS)
        else:
            reference = _reference(rng, day, serial)
        out.append(ArchiveRow(0, kind, reference, cells(reference, p, day, kind, NOTICE)))
        if kind in ("notice", "initials"):
            notices.append((reference, day, p))
    plain_notices = [n for n in notices if n[0] not in _INITIALS]
    # One notice for several addresses: the same reference and date, another property.
    for reference, day, _ in rng.sample(plain_notices, shares["multi-address"]):
        p = _choice(rng, pool)
        out.append(ArchiveRow(0, "multi-address", reference,
                              cells(reference, p, day, "multi-address", NOTICE)))
    # Rows identical in every column but the job number and the scan's path.
    for row in rng.sample([r for r in out if r.kind == "notice"], shares["identical"]):
        copy = list(row.cells)
        copy[0] = f"J{_randint(rng, 100000, 999999)}"
        copy[1] = copy[1].replace(".pdf", "_rescan.pdf")
        out.append(ArchiveRow(0, "identical", row.reference, copy))
    # Appeal decisions: most under their notice's reference, some under the
    # Planning Inspectorate's own.
    appealed = rng.sample(plain_notices, shares["appeal-same-reference"]
                          + shares["appeal-app-reference"])
    for k, (reference, day, p) in enumerate(appealed):
        decided = min(day + _randint(rng, 120, 500), _LAST)
        if k < shares["appeal-same-reference"]:
            kind, own = "appeal-same-reference", reference
        else:
            year = datetime.date.fromordinal(decided).year
            kind = "appeal-app-reference"
            own = (f"APP/X{_randint(rng, 1000, 9999)}/C/{year % 100:02d}/"
                   f"{_randint(rng, 1000000, 3999999)}")
        out.append(ArchiveRow(0, kind, own, cells(own, p, decided, kind, APPEAL)))
    # The export is in the order the scanning job went through the boxes: by date.
    out.sort(key=lambda r: (datetime.datetime.strptime(r.cells[4], "%d/%m/%Y").date(),
                            r.cells[0]))
    for number, row in enumerate(out, start=2):
        row.row = number
    _write_csv(out_dir / FILE, COLUMNS, [r.cells for r in out])
    _write_gazetteer(rng, out_dir / "gazetteer.csv", pool)
    _write_postcodes(rng, out_dir / "postcodes.csv", pool)
    return ArchiveSummary(out, [out_dir / FILE, out_dir / "gazetteer.csv",
                                out_dir / "postcodes.csv", out_dir / "wards.geojson"])


def _write_gazetteer(rng: random.Random, path: Path, pool: list[_Property]) -> None:
    """Nine properties in ten: some have gone since (demolished, renumbered)."""
    rows = [[p.uprn, f"{p.address} {p.postcode}", p.easting, p.northing]
            for p in pool if rng.random() < 0.9]
    _write_csv(path, GAZETTEER_COLUMNS, sorted(rows))


def _write_postcodes(rng: random.Random, path: Path, pool: list[_Property]) -> None:
    """Each postcode's centre: near its properties, not on them."""
    seen: dict[str, tuple[float, float]] = {}
    for p in pool:
        if p.postcode not in seen and rng.random() < 0.9:
            seen[p.postcode] = (float(p.easting) + rng.uniform(-60, 60),
                                float(p.northing) + rng.uniform(-60, 60))
    names = sorted(seen)
    lons, lats = _to_wgs84().transform([seen[n][0] for n in names],
                                       [seen[n][1] for n in names])
    _write_csv(path, POSTCODE_COLUMNS,
               [[n, f"{lat:.6f}", f"{lon:.6f}"] for n, lat, lon in zip(names, lats, lons,
                                                                       strict=True)])
