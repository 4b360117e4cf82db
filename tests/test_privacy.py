"""Adversarial privacy tests: nothing sensitive survives anywhere in site/ (DOMAIN.md §5).

Canary values (made-up people, addresses, phone numbers, references) are planted in every
sensitive column of the export, in rows that take every path through the build: register
notices, a listed non-register notice, a planning contravention notice (never listed),
quashed and withdrawn notices, open and closed cases, a case behind a register notice, and
rows that are rejected (bad date) or withheld (another authority). The same people are
then written into the free text of register notices, in many spellings. The whole site is
built once (module-scoped) and searched, file by file, for every canary: HTML, CSV, JSON,
GeoJSON, the map scripts, the Atom feed, the sitemap and the 404 page.

Every search is case- and whitespace-insensitive (and HTML entities are decoded); phone
numbers and UPRNs are also compared as digit strings; coordinates are compared as numbers.
A canary that is expected in the site (a register address) is checked too, so that the
searches are shown to be able to fail.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import html
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pytest
from pyproj import Transformer

from conftest import Project, append_rows, make_project, set_cell

# ----------------------------------------------------------------------------- canaries
# Every postcode below starts a unit group with a Z/X/W/Y/Q letter pair not used by the
# sample generator (seed 7); `test_canaries_are_not_in_the_sample_site` checks that none of
# the values below is in a site built from the unmodified sample.

COMPLAINANT_ADDRESSES = {
    "open": ("7 Canary Row", "Northbrook", "NB9 9ZZ"),
    "closed": ("Flat 2, 19 Marmoset Walk", "Easthope", "NB5 9ZY"),
    "rejected": ("3 Pelican Steps", "Westleigh", "NB8 9ZX"),
    "withheld": ("Keeper's Cottage, Stagsden Fell", "Stagsden", "NB3 9ZW"),
    "behind-register": ("11 Heron Quay Mews", "Lower Brookford", "NB7 9ZU"),
}


def _address(key: str) -> str:
    street, town, postcode = COMPLAINANT_ADDRESSES[key]
    return f"{street}, {town} {postcode}"


# Cases: every sensitive column gets a canary. Keys name the path the row takes.
CASES: dict[str, dict[str, str]] = {
    "open": {
        "Case Ref": "25/09901/ENF", "Date Received": "13/02/2025",
        "Date Logged": "17/02/2025", "First Site Visit": "05/03/2025", "Date Closed": "",
        "Priority": "P2", "Status": "OPEN - INVESTIGATION", "Breach Type": "BW",
        "Closure Reason": "", "Ward": "E05099016",
        "Site Address": "41 ZEPHYR PASTURES, WESTLEIGH", "Postcode": "NB8 7ZQ",
        "UPRN": "100077665541", "Easting": "432881.4", "Northing": "294033.7",
        "Description": "Canary description: tangerine marquee erected over the culvert",
        "Case Notes": "Canary notes: Jane Quillfeather-Smythe rang on 07700 900987 about "
                      "the tangerine marquee; Barnaby Wolfsbane denies it.",
        "Complainant Name": "Jane Quillfeather-Smythe",
        "Complainant Email": "canary.quill@example.org",
        "Complainant Phone": "07700 900987", "Complainant Address": _address("open"),
        "Contravener": "Barnaby Wolfsbane", "Case Officer": "Ottoline Pemberwick",
        "Agent": "Ignatius Fogwhistle", "Authority": "NBK",
    },
    "closed": {
        "Case Ref": "24/09902/ENF", "Date Received": "09/01/2024",
        "Date Logged": "11/01/2024", "First Site Visit": "23/01/2024",
        "Date Closed": "19/06/2024", "Priority": "P3", "Status": "CLOSED",
        "Breach Type": "COU", "Closure Reason": "NEXP", "Ward": "E05099015",
        "Site Address": "6 MANDRAKE CLOSE, HALLOW GREEN", "Postcode": "NB9 3ZR",
        "UPRN": "100077665542", "Easting": "437923.6", "Northing": "293302.2",
        "Description": "Canary description: porcupine aviary used as a tattoo studio",
        "Case Notes": "Canary notes: Mr Horatio Brackenbury (h.brackenbury@example.net) "
                      "says Perpetua Glasswright runs the aviary.",
        "Complainant Name": "Mr Horatio Brackenbury",
        "Complainant Email": "h.brackenbury@example.net",
        "Complainant Phone": "0113 496 0321", "Complainant Address": _address("closed"),
        "Contravener": "Perpetua Glasswright", "Case Officer": "Leopold Hargreaves-Dunmore",
        "Agent": "Cressida Vantongeren", "Authority": "NBK",
    },
    "rejected": {  # 31 February: the row has an error and is rejected
        "Case Ref": "25/09903/ENF", "Date Received": "31/02/2025",
        "Date Logged": "03/03/2025", "First Site Visit": "", "Date Closed": "",
        "Priority": "P1", "Status": "OPEN - INVESTIGATION", "Breach Type": "DEM",
        "Closure Reason": "", "Ward": "E05099016",
        "Site Address": "PLOT 9, WAGTAIL MEADOW, WESTLEIGH", "Postcode": "NB8 2ZP",
        "UPRN": "100077665543", "Easting": "432398.1", "Northing": "295573.9",
        "Description": "Canary description: demolition of the vermilion dovecote",
        "Case Notes": "Canary notes: Thessaly Gorringe saw Ambrose Cattermole demolish it.",
        "Complainant Name": "Mrs Thessaly Gorringe",
        "Complainant Email": "t.gorringe@example.com",
        "Complainant Phone": "020 7946 0765", "Complainant Address": _address("rejected"),
        "Contravener": "Ambrose Cattermole", "Case Officer": "Wilhelmina Sprockett",
        "Agent": "Fenwick Loxley-Dart", "Authority": "NBK",
    },
    "withheld": {  # another authority's case (mapping.yml excludes Authority NPA)
        "Case Ref": "25/09904/ENF", "Date Received": "21/03/2025",
        "Date Logged": "24/03/2025", "First Site Visit": "", "Date Closed": "",
        "Priority": "P2", "Status": "OPEN - INVESTIGATION", "Breach Type": "UNT",
        "Closure Reason": "", "Ward": "E05099012",
        "Site Address": "RAVENSEAT FARM, STAGSDEN", "Postcode": "NB3 8ZN",
        "UPRN": "100077665544", "Easting": "429659.3", "Northing": "298841.8",
        "Description": "Canary description: scrapped charabanc in the bracken",
        "Case Notes": "Canary notes: Evangeline Marchpane blames Rufus Pettigrew-Holm.",
        "Complainant Name": "Evangeline Marchpane",
        "Complainant Email": "e.marchpane@example.org",
        "Complainant Phone": "01632 960432", "Complainant Address": _address("withheld"),
        "Contravener": "Rufus Pettigrew-Holm", "Case Officer": "Griselda Ormerod",
        "Agent": "Bartholomew Snaithwick", "Authority": "NPA",
    },
    "behind-register": {  # the case ENF/2025/0901 was served on
        "Case Ref": "24/09905/ENF", "Date Received": "14/11/2024",
        "Date Logged": "15/11/2024", "First Site Visit": "20/11/2024", "Date Closed": "",
        "Priority": "P1", "Status": "OPEN - FORMAL ACTION", "Breach Type": "COU",
        "Closure Reason": "", "Ward": "E05099011",
        "Site Address": "UNIT 4, LARKSPUR YARD, LOWER BROOKFORD", "Postcode": "NB7 6YT",
        "UPRN": "100088776655", "Easting": "434947.1", "Northing": "293170.3",
        "Description": "Canary description: shop turned into a late-night shisha lounge",
        "Case Notes": "Canary notes: Dr Octavia Weatherwax (octavia.ww@example.co.uk) "
                      "named Cornelius Marchbanks-Teague; Lysander Blackthorne acts for him.",
        "Complainant Name": "Dr Octavia Weatherwax",
        "Complainant Email": "octavia.ww@example.co.uk",
        "Complainant Phone": "07700 900654",
        "Complainant Address": _address("behind-register"),
        "Contravener": "Cornelius Marchbanks-Teague", "Case Officer": "Seraphina Dimbleby",
        "Agent": "Lysander Blackthorne", "Authority": "NBK",
    },
}

# --- what officers typed into the published free text of register notices
SUMMARY = (
    "It appears that there has been a breach of planning control: change of use from a "
    "shop to A3 use without planning permission (see 23/01234/ENF). Reported by Mr J. "
    "Quillfeather of NB9 9ZZ, telephone 07700900987, email canary.quill at example dot "
    "org; QUILLFEATHER's photographs and Quillfeather’s letter are on file. Jane "
    "Quillfeather-Smythe and j. quillfeather also complained. Site postcode {own}."
)
REQUIREMENTS = (
    "Cease the A3 use and remove the {thing} within 3 months. Served on Cornelius "
    "Marchbanks-Teague (NI number QQ 12 34 56 C, van AB12 CDE, land 100023456789), who "
    "may ring +44 7700 900987 or (01632) 960987. Evangeline Marchpane and Mrs Thessaly "
    "Gorringe (h.brackenbury@example.net, 0113 496 0321) support the action. Officer "
    "Seraphina Dimbleby."
)
# (kind, spelling) planted in the text above; none may survive anywhere in site/.
PLANTED_IN_TEXT: list[tuple[str, str]] = [
    ("name", "Mr J. Quillfeather"),
    ("name", "QUILLFEATHER's"),
    ("name", "Quillfeather’s"),
    ("name", "Jane Quillfeather-Smythe"),
    ("name", "j. quillfeather"),
    ("name", "Quillfeather"),
    ("name", "Cornelius Marchbanks-Teague"),  # served on (a name column)
    ("name", "Marchbanks"),
    ("name", "Seraphina Dimbleby"),  # case officer
    ("name", "Evangeline Marchpane"),  # complainant of a withheld (NPA) row
    ("name", "Thessaly Gorringe"),  # complainant of a rejected row
    ("email", "canary.quill at example dot org"),
    ("email", "canary.quill"),
    ("email", "h.brackenbury@example.net"),
    ("phone", "07700900987"),
    ("phone", "+44 7700 900987"),
    ("phone", "(01632) 960987"),
    ("phone", "0113 496 0321"),
    ("ni-number", "QQ 12 34 56 C"),
    ("vehicle", "AB12 CDE"),
    ("postcode", "NB9 9ZZ"),
    ("uprn", "100023456789"),
]
# Markers the redactor leaves, by kind: every planted kind must leave its marker.
MARKERS = {
    "name": "[name removed]", "email": "[email removed]", "phone": "[phone removed]",
    "ni-number": "[NI number removed]", "vehicle": "[vehicle registration removed]",
    "postcode": "[postcode removed]", "uprn": "[UPRN removed]",
}
# Ordinary planning text in the same fields that must be kept.
KEPT_IN_TEXT = ["23/01234/ENF", "A3 use", "change of use from a shop"]

_REGISTER_COMMON = {
    "Date Complied": "", "Appeal Lodged": "", "Appeal Decided": "", "Appeal Decision": "",
    "Date Withdrawn": "", "Date Quashed": "", "Related Notice": "", "Permission Ref": "",
    "Activity Prohibited": "", "Authority": "NBK",
}

NOTICES: dict[str, dict[str, str]] = {
    "register-enf": {
        **_REGISTER_COMMON,
        "Notice Ref": "ENF/2025/0901", "Case Ref": "24/09905/ENF", "Notice Type": "ENF",
        "Date Issued": "10/03/2025", "Date Served": "11/03/2025",
        "Date Effective": "11/04/2025", "Compliance Period": "3 months",
        "Compliance Date": "11/07/2025", "Register Entry Date": "12/03/2025",
        "Breach Summary": SUMMARY.format(own="NB7 6YT"),
        "Requirements": REQUIREMENTS.format(thing="extraction flue"),
        "Document": "https://planning.northbrook.example.gov.uk/docs/ENF-2025-0901.pdf",
        "Site Address": "UNIT 4, LARKSPUR YARD, LOWER BROOKFORD", "Postcode": "NB7 6YT",
        "UPRN": "100088776655", "Easting": "434947.1", "Northing": "293170.3",
        "Ward": "E05099011", "Served On": "Cornelius Marchbanks-Teague",
        "Case Officer": "Seraphina Dimbleby",
    },
    "register-bcn": {
        **_REGISTER_COMMON,
        "Notice Ref": "BCN/2025/0902", "Case Ref": "24/09902/ENF", "Notice Type": "BCN",
        "Date Issued": "05/05/2025", "Date Served": "06/05/2025",
        "Date Effective": "06/05/2025", "Compliance Period": "28 days",
        "Compliance Date": "03/06/2025", "Register Entry Date": "07/05/2025",
        "Permission Ref": "22/04567/FUL",
        "Breach Summary": "Condition 3 of planning permission 22/04567/FUL has not been "
                          "complied with. " + SUMMARY.format(own="NB9 4QJ"),
        "Requirements": REQUIREMENTS.format(thing="late-night seating"),
        "Document": "https://planning.northbrook.example.gov.uk/docs/BCN-2025-0902.pdf",
        "Site Address": "58 TANSY GARDENS, HALLOW GREEN", "Postcode": "NB9 4QJ",
        "UPRN": "100088776656", "Easting": "440827.4", "Northing": "292350.8",
        "Ward": "E05099015", "Served On": "Ptolemy Hackwood",
        "Case Officer": "Ottoline Pemberwick",
    },
    "register-stop": {  # its related enforcement notice is withdrawn
        **_REGISTER_COMMON,
        "Notice Ref": "STOP/2025/0903", "Case Ref": "24/09905/ENF", "Notice Type": "STOP",
        "Date Issued": "20/08/2025", "Date Served": "20/08/2025",
        "Date Effective": "23/08/2025", "Compliance Period": "3 days",
        "Compliance Date": "23/08/2025", "Register Entry Date": "21/08/2025",
        "Related Notice": "ENF/2025/0904",
        "Breach Summary": SUMMARY.format(own="NB5 7QJ"),
        "Requirements": REQUIREMENTS.format(thing="vehicle dismantling equipment"),
        "Activity Prohibited": "Vehicle dismantling in the yard, reported by Mr J. "
                               "Quillfeather (07700 900987, canary.quill@example.org)",
        "Document": "https://planning.northbrook.example.gov.uk/docs/STOP-2025-0903.pdf",
        "Site Address": "THE OLD FORGE, BRIMSTONE LANE, EASTHOPE", "Postcode": "NB5 7QJ",
        "UPRN": "100088776657", "Easting": "444055.2", "Northing": "295053.6",
        "Ward": "E05099002", "Served On": "Araminta Fitzwarren",
        "Case Officer": "Leopold Hargreaves-Dunmore",
    },
    "withdrawn-enf": {
        **_REGISTER_COMMON,
        "Notice Ref": "ENF/2025/0904", "Case Ref": "24/09905/ENF", "Notice Type": "ENF",
        "Date Issued": "14/08/2025", "Date Served": "15/08/2025",
        "Date Effective": "15/09/2025", "Compliance Period": "2 months",
        "Compliance Date": "15/11/2025", "Register Entry Date": "16/08/2025",
        "Date Withdrawn": "01/09/2025",
        "Breach Summary": "Canary withdrawn notice: heliotrope scaffolding on the party wall",
        "Requirements": "Remove the heliotrope scaffolding",
        "Document": "https://planning.northbrook.example.gov.uk/docs/ENF-2025-0904.pdf",
        "Site Address": "22 HOLLYHOCK PASSAGE, EASTHOPE", "Postcode": "NB5 2WX",
        "UPRN": "100088776658", "Easting": "441323.5", "Northing": "296990.1",
        "Ward": "E05099002", "Served On": "Cosmo Drabble",
        "Case Officer": "Wilhelmina Sprockett",
    },
    "quashed-enf": {
        **_REGISTER_COMMON,
        "Notice Ref": "ENF/2024/0905", "Case Ref": "24/09902/ENF", "Notice Type": "ENF",
        "Date Issued": "02/02/2024", "Date Served": "03/02/2024",
        "Date Effective": "04/03/2024", "Compliance Period": "6 months",
        "Compliance Date": "04/09/2024", "Register Entry Date": "05/02/2024",
        "Appeal Lodged": "01/03/2024", "Appeal Decided": "10/10/2024",
        "Appeal Decision": "ALLOWED", "Date Quashed": "10/10/2024",
        "Breach Summary": "Canary quashed notice: ochre windmill on the bowling green",
        "Requirements": "Dismantle the ochre windmill",
        "Document": "https://planning.northbrook.example.gov.uk/docs/ENF-2024-0905.pdf",
        "Site Address": "9 OSPREY WYND, LOWER BROOKFORD", "Postcode": "NB4 8ZT",
        "UPRN": "100088776659", "Easting": "430310.6", "Northing": "291729.4",
        "Ward": "E05099009", "Served On": "Philippa Ravensworth",
        "Case Officer": "Griselda Ormerod",
    },
    "other-s215": {  # not on the register, but listed as an "other notice"
        **_REGISTER_COMMON,
        "Notice Ref": "S215/2025/0906", "Case Ref": "25/09901/ENF", "Notice Type": "S215",
        "Date Issued": "07/07/2025", "Date Served": "08/07/2025",
        "Date Effective": "08/08/2025", "Compliance Period": "2 months",
        "Compliance Date": "08/10/2025", "Register Entry Date": "",
        "Breach Summary": "Untidy garden strewn with magenta tyres; Mr J. Quillfeather "
                          "(07700 900987) complained.",
        "Requirements": "Clear the garden. Contact Hamish Tolliver on 01632 960432.",
        "Document": "https://planning.northbrook.example.gov.uk/docs/S215-2025-0906.pdf",
        "Site Address": "LAND REAR OF 31 SORREL DRIVE, WESTLEIGH", "Postcode": "NB6 2XR",
        "UPRN": "100088776660", "Easting": "439422.3", "Northing": "299061.4",
        "Ward": "E05099003", "Served On": "Hamish Tolliver",
        "Case Officer": "Seraphina Dimbleby",
    },
    "pcn": {  # planning contravention notice: counted, never listed
        **_REGISTER_COMMON,
        "Notice Ref": "PCN/2025/0907", "Case Ref": "25/09901/ENF", "Notice Type": "PCN",
        "Date Issued": "02/06/2025", "Date Served": "03/06/2025", "Date Effective": "",
        "Compliance Period": "21 days", "Compliance Date": "24/06/2025",
        "Register Entry Date": "",
        "Breach Summary": "Canary PCN: questions about the cobalt gazebo",
        "Requirements": "Answer the questions about the cobalt gazebo",
        "Document": "https://planning.northbrook.example.gov.uk/docs/PCN-2025-0907.pdf",
        "Site Address": "14 GANNET ROW, WESTLEIGH", "Postcode": "NB8 5ZJ",
        "UPRN": "100088776661", "Easting": "432390.2", "Northing": "295560.1",
        "Ward": "E05099016", "Served On": "Delphine Armitage-Cole",
        "Case Officer": "Ottoline Pemberwick",
    },
    "rejected": {  # 30 February: rejected
        **_REGISTER_COMMON,
        "Notice Ref": "ENF/2025/0908", "Case Ref": "25/09903/ENF", "Notice Type": "ENF",
        "Date Issued": "27/02/2025", "Date Served": "30/02/2025",
        "Date Effective": "30/03/2025", "Compliance Period": "1 month",
        "Compliance Date": "30/04/2025", "Register Entry Date": "01/03/2025",
        "Breach Summary": "Canary rejected notice: porphyry obelisk in the front garden",
        "Requirements": "Remove the porphyry obelisk",
        "Document": "https://planning.northbrook.example.gov.uk/docs/ENF-2025-0908.pdf",
        "Site Address": "2 KESTREL BUTTS, WESTLEIGH", "Postcode": "NB8 6ZL",
        "UPRN": "100088776662", "Easting": "429650.5", "Northing": "298833.3",
        "Ward": "E05099012", "Served On": "Ignatia Pumphrey",
        "Case Officer": "Wilhelmina Sprockett",
    },
    "withheld": {  # another authority's notice
        **_REGISTER_COMMON,
        "Notice Ref": "ENF/2025/0909", "Case Ref": "25/09904/ENF", "Notice Type": "ENF",
        "Date Issued": "01/04/2025", "Date Served": "02/04/2025",
        "Date Effective": "02/05/2025", "Compliance Period": "1 month",
        "Compliance Date": "02/06/2025", "Register Entry Date": "03/04/2025",
        "Breach Summary": "Canary withheld notice: bracken-thatched kiosk on the fell",
        "Requirements": "Remove the bracken-thatched kiosk",
        "Document": "https://planning.northbrook.example.gov.uk/docs/ENF-2025-0909.pdf",
        "Site Address": "HIGH FELL BARN, STAGSDEN", "Postcode": "NB3 9ZT",
        "UPRN": "100088776663", "Easting": "439412.9", "Northing": "299050.2",
        "Ward": "E05099003", "Served On": "Benedict Spurling",
        "Case Officer": "Griselda Ormerod", "Authority": "NPA",
    },
}
REGISTER_KEYS = ["register-enf", "register-bcn", "register-stop"]
PUBLISHED_KEYS = [*REGISTER_KEYS, "other-s215"]
UNPUBLISHED_NOTICE_KEYS = ["withdrawn-enf", "quashed-enf", "pcn", "rejected", "withheld"]
NON_REGISTER_CASE_KEYS = ["open", "closed", "rejected", "withheld"]

CASE_PEOPLE = ["Complainant Name", "Complainant Email", "Complainant Phone",
               "Complainant Address", "Contravener", "Case Officer", "Agent"]
NOTICE_PEOPLE = ["Served On", "Case Officer"]
NAME_COLUMNS = {"Complainant Name", "Contravener", "Case Officer", "Agent", "Served On"}
TITLES = {"mr", "mrs", "ms", "miss", "dr"}


def _person_needles(value: str) -> list[str]:
    """A name and each of its distinctive words ('Marchbanks', 'Teague', 'Quillfeather')."""
    words = re.split(r"[\s\-]+", value)
    return [value, *(w for w in words if len(w) >= 6 and w.lower() not in TITLES)]


def sensitive_column_values() -> list[tuple[str, str]]:
    """(where, value) for every canary in a sensitive column of either file."""
    found: list[tuple[str, str]] = []
    for key, row in CASES.items():
        for column in CASE_PEOPLE:
            value = row[column]
            for needle in _person_needles(value) if column in NAME_COLUMNS else [value]:
                found.append((f"cases[{key}].{column}", needle))
        street, town, postcode = COMPLAINANT_ADDRESSES[key]
        found += [(f"cases[{key}].Complainant Address street", street),
                  (f"cases[{key}].Complainant Address postcode", postcode)]
        found += [(f"cases[{key}].Description", row["Description"]),
                  (f"cases[{key}].Case Notes", row["Case Notes"])]
    for key, row in NOTICES.items():
        for column in NOTICE_PEOPLE:
            for needle in _person_needles(row[column]):
                found.append((f"notices[{key}].{column}", needle))
    return sorted(set(found))


SENSITIVE = sensitive_column_values()
# Every complainant's phone, and the number planted only in free text.
PHONES = [*(row["Complainant Phone"] for row in CASES.values()), "01632 960987"]


# --------------------------------------------------------------------- text searching

_DIGIT_RUN = re.compile(r"\+?\(?\d[\d \t\-().]{6,}\d")
_DECIMAL = re.compile(r"-?\d+\.\d{4,}")
_WHOLE = re.compile(r"(?<![\d.])\d{6}(?!\d)(?:\.\d+)?")


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def squeeze(text: str) -> str:
    return "".join(text.casefold().split())


def national_digits(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("44"):
        digits = digits[2:]
    return digits.lstrip("0")


_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass(repr=False)
class Haystack:
    """Text to search, with HTML entities and JSON escapes decoded, in every comparable
    form."""

    raw: str
    files: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Haystack of {len(self.raw)} characters, {len(self.files)} files>"

    @cached_property
    def text(self) -> str:
        return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), html.unescape(self.raw))

    @cached_property
    def normal(self) -> str:
        return normalise(self.text)

    @cached_property
    def squeezed(self) -> str:
        return squeeze(self.text)

    @cached_property
    def digit_runs(self) -> list[str]:
        return [national_digits(m.group()) for m in _DIGIT_RUN.finditer(self.text)]

    def contains(self, value: str) -> bool:
        return normalise(value) in self.normal or squeeze(value) in self.squeezed

    def has_phone(self, phone: str) -> bool:
        wanted = national_digits(phone)
        return self.contains(phone) or any(wanted in run for run in self.digit_runs)

    def where(self, value: str) -> list[str]:
        """The files that contain `value` (for failure messages)."""
        return [name for name, text in self.files.items()
                if Haystack(text).contains(value)]

    @cached_property
    def decimals(self) -> list[tuple[int, float]]:
        return [(m.start(), float(m.group())) for m in _DECIMAL.finditer(self.text)]

    @cached_property
    def six_digit_numbers(self) -> list[tuple[int, float]]:
        return [(m.start(), float(m.group())) for m in _WHOLE.finditer(self.text)]

    def has_point(self, lat: float, lon: float, tolerance: float = 5e-5) -> bool:
        """A latitude and longitude (4+ decimals) near each other, in either order."""
        lats = [pos for pos, v in self.decimals if abs(v - lat) < tolerance]
        lons = [pos for pos, v in self.decimals if abs(v - lon) < tolerance]
        return any(abs(a - b) < 80 for a in lats for b in lons)

    def has_grid_reference(self, easting: float, northing: float) -> bool:
        """An easting and a northing (to the metre) near each other, in either order."""
        es = [pos for pos, v in self.six_digit_numbers if abs(v - easting) < 1]
        ns = [pos for pos, v in self.six_digit_numbers if abs(v - northing) < 1]
        return any(abs(a - b) < 80 for a in es for b in ns)


BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2",
                   ".ttf", ".pdf"}


def site_haystack(project: Project) -> Haystack:
    """Every file of the built site except images, fonts and vendored libraries. Gzip
    files are opened whatever their name: sitemap.xml.gz, and the search index, whose
    fragments (.pf_fragment) and word index (.pf_index) are gzip without a .gz suffix."""
    files = {}
    for path in sorted(project.site.rglob("*")):
        if (not path.is_file() or "vendor" in path.parts
                or path.suffix.lower() in BINARY_SUFFIXES):
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        files[path.relative_to(project.site).as_posix()] = data.decode("utf-8",
                                                                      errors="replace")
    return Haystack("\n".join(files.values()), files)


_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def lat_lon(row: dict[str, str]) -> tuple[float, float]:
    lon, lat = _TO_WGS84.transform(float(row["Easting"]), float(row["Northing"]))
    return lat, lon


def date_spellings(ddmmyyyy: str) -> list[str]:
    try:
        d = dt.datetime.strptime(ddmmyyyy, "%d/%m/%Y").date()
    except ValueError:  # the rejected row's impossible date
        return [ddmmyyyy]
    return [ddmmyyyy, d.isoformat(), f"{d.day} {d:%B %Y}", f"{d:%d %b %Y}"]


def slug(reference: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", reference.lower()).strip("-")


# --------------------------------------------------------------------- export editing


def plant_canaries(project: Project) -> dict[str, int]:
    """Add every canary row; return spreadsheet row numbers by 'cases:key'/'notices:key'."""
    where: dict[str, int] = {}
    for file, records in (("cases", CASES), ("notices", NOTICES)):
        numbers = append_rows(project.export / f"{file}.csv", records.values())
        where.update({f"{file}:{key}": n for key, n in zip(records, numbers, strict=True)})
    return where


# ----------------------------------------------------------------------------- fixtures


@dataclass
class CanaryBuild:
    project: Project
    rows: dict[str, int] = field(repr=False)
    stdout: str = field(repr=False)
    stderr: str = field(repr=False)

    @cached_property
    def site(self) -> Haystack:
        return site_haystack(self.project)

    def page(self, reference: str) -> Haystack:
        path = self.project.site / "register" / "entries" / slug(reference) / "index.html"
        assert path.is_file(), f"no entry page for {reference}"
        return Haystack(path.read_text(encoding="utf-8"))

    def csv_row(self, reference: str) -> dict[str, str]:
        """The notice's row in register.csv or other-notices.csv (once, in one)."""
        rows = []
        for name in ("register.csv", "other-notices.csv"):
            with (self.project.site / "downloads" / name).open(encoding="utf-8",
                                                               newline="") as handle:
                rows += [r for r in csv.DictReader(handle) if r["reference"] == reference]
        assert len(rows) == 1, f"{reference} is not once in the notices' downloads"
        return rows[0]


def _canary_build(root: Path, small_export: Path, **config: dict) -> CanaryBuild:
    project = make_project(root, small_export)
    rows = plant_canaries(project)
    if config:
        project.edit_config(**config)
    result = project.build()
    assert result.exit_code == 0, result.output
    return CanaryBuild(project, rows, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> CanaryBuild:
    """The sample export with every canary planted, built once for this module."""
    return _canary_build(tmp_path_factory.mktemp("canary") / "project", small_export)


@pytest.fixture(scope="module")
def baseline(built: Project) -> Haystack:
    return site_haystack(built)


def _leaks(site: Haystack, values: Iterable[tuple[str, str]]) -> list[str]:
    return [f"{where}: {value!r} in {site.where(value) or 'site (entity/whitespace form)'}"
            for where, value in values if site.contains(value)]


# ------------------------------------------------------------------------ preconditions


def test_canaries_are_not_in_the_sample_site(baseline: Haystack):
    """Otherwise a canary found later would prove nothing."""
    values = list(SENSITIVE) + [("text", v) for _, v in PLANTED_IN_TEXT]
    for key, row in {**CASES, **NOTICES}.items():
        values += [(key, row["Site Address"]), (key, row["Postcode"]), (key, row["UPRN"])]
    for key in NON_REGISTER_CASE_KEYS + ["behind-register"]:
        values.append((key, CASES[key]["Case Ref"]))
        for column in ("Date Received", "Date Logged", "First Site Visit", "Date Closed"):
            if CASES[key][column]:
                values += [(f"{key}.{column}", d) for d in date_spellings(CASES[key][column])]
    for key in (*PUBLISHED_KEYS, *UNPUBLISHED_NOTICE_KEYS):
        values.append((key, NOTICES[key]["Notice Ref"]))
    assert _leaks(baseline, values) == []
    assert not [p for p in PHONES if baseline.has_phone(p)]
    for row in [*CASES.values(), *NOTICES.values()]:
        assert not baseline.has_point(*lat_lon(row)), row["Site Address"]


def test_canary_rows_take_every_path_through_the_build(canary: CanaryBuild, built: Project):
    """Published, counted, withheld and rejected exactly as planned, compared with the
    unmodified sample."""
    before = json.loads((built.reports / "audit.json").read_text())
    after = json.loads((canary.project.reports / "audit.json").read_text())
    delta = {f: {k: after["reconciliation"][f][k] - before["reconciliation"][f][k]
                 for k in after["reconciliation"][f]} for f in after["reconciliation"]}
    assert delta["cases.csv"] == {"read": 5, "published": 0, "counted": 3, "withheld": 1,
                                  "merged": 0, "rejected": 1}
    assert delta["notices.csv"] == {"read": 9, "published": 4, "counted": 1, "withheld": 3,
                                    "merged": 0, "rejected": 1}
    reasons_before, reasons_after = before["withheld and merged"], after["withheld and merged"]
    assert (reasons_after["notices.csv"]["withheld: notice quashed or withdrawn"]
            == reasons_before["notices.csv"]["withheld: notice quashed or withdrawn"] + 2)
    with (canary.project.reports / "issues.csv").open(encoding="utf-8") as handle:
        errors = {(r["file"], int(r["row"])) for r in csv.DictReader(handle)
                  if r["severity"] == "error" and r["row"]}
    assert ("cases.csv", canary.rows["cases:rejected"]) in errors
    assert ("notices.csv", canary.rows["notices:rejected"]) in errors


# ----------------------------------------------- 1. sensitive columns never published


@pytest.mark.parametrize(("where", "value"), SENSITIVE, ids=[f"{w}={v}" for w, v in SENSITIVE])
def test_no_sensitive_column_value_anywhere_in_the_site(canary: CanaryBuild, where, value):
    assert not canary.site.contains(value), (
        f"{where} {value!r} found in {canary.site.where(value)}")


@pytest.mark.parametrize("phone", PHONES)
def test_no_phone_number_as_digits_anywhere_in_the_site(canary: CanaryBuild, phone):
    assert not canary.site.has_phone(phone), phone


# ---------------------------------------- 2. people in published free text are redacted


@pytest.mark.parametrize(("kind", "spelling"), PLANTED_IN_TEXT,
                         ids=[f"{k}:{s}" for k, s in PLANTED_IN_TEXT])
def test_planted_spelling_is_gone_from_the_site(canary: CanaryBuild, kind, spelling):
    assert not canary.site.contains(spelling), (
        f"{kind} {spelling!r} survives in {canary.site.where(spelling)}")
    if kind == "phone":
        assert not canary.site.has_phone(spelling)


@pytest.mark.parametrize("key", REGISTER_KEYS)
@pytest.mark.parametrize("kind", sorted(MARKERS))
def test_entry_page_shows_a_marker_for_each_kind_removed(canary: CanaryBuild, key, kind):
    reference = NOTICES[key]["Notice Ref"]
    assert normalise(MARKERS[kind]) in canary.page(reference).normal
    record = canary.csv_row(reference)
    assert MARKERS[kind] in record["breach-summary"] + " " + record["requirements"]


@pytest.mark.parametrize("key", REGISTER_KEYS)
def test_entry_keeps_its_own_postcode_and_planning_references(canary: CanaryBuild, key):
    notice = NOTICES[key]
    page = canary.page(notice["Notice Ref"])
    record = canary.csv_row(notice["Notice Ref"])
    for kept in [*KEPT_IN_TEXT, f"Site postcode {notice['Postcode']}"]:
        assert page.contains(kept), kept
        assert kept in record["breach-summary"] + " " + record["requirements"], kept
    if notice["Permission Ref"]:
        assert page.contains(notice["Permission Ref"])


def test_stop_notice_activity_is_redacted(canary: CanaryBuild):
    record = canary.csv_row(NOTICES["register-stop"]["Notice Ref"])
    assert record["stop-activity"].startswith("Vehicle dismantling in the yard")
    for marker in ("[name removed]", "[phone removed]", "[email removed]"):
        assert marker in record["stop-activity"]


def test_listed_non_register_notice_text_is_redacted(canary: CanaryBuild):
    notice = NOTICES["other-s215"]
    record = canary.csv_row(notice["Notice Ref"])
    assert record["on-statutory-register"] == "false"
    assert "[name removed]" in record["breach-summary"]
    assert "[phone removed]" in record["breach-summary"]
    assert "[name removed]" in record["requirements"]
    assert "[phone removed]" in record["requirements"]


# ------------------------------------------ 3. non-register cases and removed notices


@pytest.mark.parametrize("key", ["open", "closed", "rejected", "withheld", "behind-register"])
def test_case_reference_description_and_notes_are_absent(canary: CanaryBuild, key):
    case = CASES[key]
    values = [("reference", case["Case Ref"]), ("reference slug", slug(case["Case Ref"])),
              ("description", case["Description"]), ("notes", case["Case Notes"])]
    assert _leaks(canary.site, values) == []


@pytest.mark.parametrize("key", NON_REGISTER_CASE_KEYS)
def test_non_register_case_location_is_absent(canary: CanaryBuild, key):
    case = CASES[key]
    values = [("address", case["Site Address"]), ("postcode", case["Postcode"]),
              ("uprn", case["UPRN"])]
    assert _leaks(canary.site, values) == []
    assert not canary.site.has_point(*lat_lon(case)), "latitude/longitude published"
    assert not canary.site.has_grid_reference(float(case["Easting"]),
                                              float(case["Northing"]))


@pytest.mark.parametrize("key", [*NON_REGISTER_CASE_KEYS, "behind-register"])
def test_non_register_case_exact_dates_are_absent(canary: CanaryBuild, key):
    case = CASES[key]
    values = [(f"{column} ({spelling})", spelling)
              for column in ("Date Received", "Date Logged", "First Site Visit",
                             "Date Closed") if case[column]
              for spelling in date_spellings(case[column])]
    assert _leaks(canary.site, values) == []


@pytest.mark.parametrize("key", UNPUBLISHED_NOTICE_KEYS)
def test_unpublished_notice_is_absent_everywhere(canary: CanaryBuild, key):
    notice = NOTICES[key]
    values = [("reference", notice["Notice Ref"]), ("slug", slug(notice["Notice Ref"])),
              ("document", notice["Document"]), ("address", notice["Site Address"]),
              ("postcode", notice["Postcode"]), ("uprn", notice["UPRN"]),
              ("summary", notice["Breach Summary"]), ("requirements", notice["Requirements"])]
    assert _leaks(canary.site, values) == []
    assert not canary.site.has_point(*lat_lon(notice))
    assert not (canary.project.site / "register" / "entries" / slug(notice["Notice Ref"])
                ).exists()


def test_stop_notice_does_not_name_its_withdrawn_enforcement_notice(canary: CanaryBuild):
    stop = NOTICES["register-stop"]
    record = canary.csv_row(stop["Notice Ref"])
    assert record["related-notice"] == ""
    assert not canary.page(stop["Notice Ref"]).contains(stop["Related Notice"])


@pytest.mark.parametrize("key", PUBLISHED_KEYS)
def test_published_notice_location_does_appear(canary: CanaryBuild, key):
    """Positive control: the same searches find what the register must publish."""
    notice = NOTICES[key]
    site = canary.site
    for value in (notice["Notice Ref"], notice["Site Address"], notice["Postcode"],
                  notice["UPRN"]):
        assert site.contains(value), value
    assert site.has_point(*lat_lon(notice))
    page = canary.page(notice["Notice Ref"])
    assert page.contains(notice["Site Address"])
    for spelling in date_spellings(notice["Date Served"])[2:3]:
        assert page.contains(spelling)
    assert page.has_grid_reference(float(notice["Easting"]), float(notice["Northing"]))
    downloads = "register" if key in REGISTER_KEYS else "other-notices"
    for file in (f"downloads/{downloads}.csv", f"downloads/{downloads}.json",
                 f"downloads/{downloads}.geojson"):
        assert Haystack(site.files[file]).contains(notice["Site Address"]), file
    if key in REGISTER_KEYS:
        assert Haystack(site.files["feed.xml"]).contains(notice["Notice Ref"])
        assert Haystack(site.files["maps/register-map.js"]).has_point(*lat_lon(notice))
    assert slug(notice["Notice Ref"]) in site.files["sitemap.xml"]
    # The register's search index shows the address in its results, so the searches
    # reach it (the leak scan reads every file of the site).
    search_index = [name for name in site.files
                    if name.startswith("search/register-index/entries/")]
    assert any(Haystack(site.files[name]).contains(notice["Site Address"])
               for name in search_index)


def test_positive_controls_for_the_search_helpers():
    """The helpers find values in the forms the site writes them."""
    page = Haystack('<td>MR  J.\n QUILLFEATHER&#39;s</td> {"p": [-2.123456, 53.412345]} '
                    "tel +44 (0)7700-900-987 easting 432881, northing 294033")
    assert page.contains("Mr J. Quillfeather's")
    assert page.has_phone("07700 900987")
    assert page.has_point(53.41234, -2.12346)
    assert not page.has_point(53.4125, -2.12346)
    assert page.has_grid_reference(432881.4, 294033.7)
    assert Haystack('{"x": "Quillfeather\\u2019s"}').contains("Quillfeather’s")


# ------------------------------------------------------------------------ 4. the audit


def test_audit_counts_redactions_by_kind_and_holds_no_value(canary: CanaryBuild):
    audit = json.loads((canary.project.reports / "audit.json").read_text())
    redactions = audit["redactions by kind"]
    for kind in MARKERS:
        assert redactions.get(kind, 0) >= 1, kind
    assert audit["leak scan"]["hits"] == {}
    dropped = audit["fields dropped"]
    for name in ("case.notes", "case.description", "case.address", "register.officer_name",
                 "register.contravener_name"):
        assert dropped.get(name, 0) >= 1, name
    values = list(SENSITIVE) + [("text", v) for _, v in PLANTED_IN_TEXT]
    for key, row in {**CASES, **NOTICES}.items():
        values += [(key, row["Site Address"]), (key, row["Postcode"]), (key, row["UPRN"])]
    for name in ("audit.json", "audit.md"):
        report = Haystack((canary.project.reports / name).read_text(encoding="utf-8"))
        assert _leaks(report, values) == [], name
        assert not [p for p in PHONES if report.has_phone(p)], name


def test_build_output_holds_no_planted_value(canary: CanaryBuild):
    output = Haystack(canary.stdout + canary.stderr)
    values = [v for v in SENSITIVE if not v[0].endswith(("Description", "Case Notes"))]
    assert _leaks(output, values) == []


# ------------------------------------------------------------------ 5. the leak scan


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(("file", "column", "value"), [
    ("cases.csv", "Complainant Name", "Planning Inspectorate"),  # on content pages
    ("notices.csv", "Served On", "Planning Inspectorate"),
    # only on register entries, which are written after the other pages are scanned
    ("cases.csv", "Complainant Name", "Date Entered"),
])
def test_leak_scan_fails_the_build_and_keeps_the_previous_site(
        tmp_path: Path, small_export: Path, built: Project, file, column, value):
    """A person whose name the site prints anyway: the scan must find it, fail with
    exit 1, name the files, and not touch the site already published."""
    project = make_project(tmp_path / "project", small_export)
    shutil.copytree(built.site, project.site)  # the site published by the last build
    before = _snapshot(project.site)
    printed_in = sorted(name for name, text in site_haystack(project).files.items()
                        if Haystack(text).contains(value))
    assert printed_in, "the phrase must be on the site for this test to mean anything"
    set_cell(project.export / file, 1, column, value)

    result = project.build()

    assert result.exit_code == 1, result.output
    assert "leak scan" in result.stderr
    assert "Traceback" not in result.output
    for name in printed_in:
        assert name in result.stderr, f"{name} not named in: {result.stderr}"
    assert value.casefold() not in result.output.casefold(), "the value was echoed"
    assert _snapshot(project.site) == before
    assert not list(tmp_path.glob("project/.site.builds/*.partial")), \
        "staging folder left behind"
    audit = (project.reports / "audit.json").read_text()
    assert json.loads(audit)["leak scan"]["hits"]
    assert value.casefold() not in audit.casefold()


# ------------------------------------------- 7. further probes (beyond the redactor's list)
# Officers also write addresses and references into the text. These values are not whole
# sensitive values to the leak scan (a street without its town, a reference), so if the
# redactor keeps them nothing stops them being published. Built separately, so that a
# failure here does not hide the results above.

PROBES: list[tuple[str, str]] = [
    ("complainant's street address", "7 Canary Row"),
    ("complainant's postcode typed with two spaces", "NB9  9ZZ"),
    ("address of a case under investigation, without the town", "41 Zephyr Pastures"),
    ("reference of a case that is not on the register", "25/09901/ENF"),
    ("reference of a withdrawn notice", "ENF/2025/0904"),
    ("reference of a quashed notice", "ENF/2024/0905"),
    ("NI number written with hyphens", "QQ-12-34-56-C"),
    ("UPRN written in groups", "1000 2345 6789"),
]
PROBE_NOTICE = {
    **_REGISTER_COMMON,
    "Notice Ref": "ENF/2025/0910", "Case Ref": "24/09905/ENF", "Notice Type": "ENF",
    "Date Issued": "02/09/2025", "Date Served": "03/09/2025", "Date Effective": "03/10/2025",
    "Compliance Period": "2 months", "Compliance Date": "03/12/2025",
    "Register Entry Date": "04/09/2025",
    "Breach Summary": "Unauthorised rear extension. The occupier of 7 Canary Row (NB9  9ZZ) "
                      "complained. A similar extension at 41 Zephyr Pastures is being "
                      "investigated as 25/09901/ENF.",
    "Requirements": "Remove the extension. This notice replaces ENF/2025/0904 and "
                    "ENF/2024/0905. Owner's NI number QQ-12-34-56-C; land 1000 2345 6789.",
    "Document": "https://planning.northbrook.example.gov.uk/docs/ENF-2025-0910.pdf",
    "Site Address": "17 BURDOCK TERRACE, WESTLEIGH", "Postcode": "NB6 4ZE",
    "UPRN": "100088776664", "Easting": "435884.6", "Northing": "293209.2",
    "Ward": "E05099011", "Served On": "Cornelius Marchbanks-Teague",
    "Case Officer": "Seraphina Dimbleby",
}


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> CanaryBuild:
    project = make_project(tmp_path_factory.mktemp("probed") / "project", small_export)
    rows = plant_canaries(project)
    append_rows(project.export / "notices.csv", [PROBE_NOTICE])
    result = project.build()
    assert result.exit_code == 0, result.output
    return CanaryBuild(project, rows, result.stdout, result.stderr)


def test_probe_notice_is_published(probed: CanaryBuild):
    """Positive control: the notice carrying the probes is on the register."""
    page = probed.page(PROBE_NOTICE["Notice Ref"])
    assert page.contains("Unauthorised rear extension")
    assert page.contains(PROBE_NOTICE["Site Address"])


@pytest.mark.parametrize(("kind", "value"), PROBES, ids=[k for k, _ in PROBES])
def test_probe_is_not_published(probed: CanaryBuild, kind, value):
    assert not probed.site.contains(value), (
        f"{kind} {value!r} published in {probed.site.where(value)}")


# --------------------------------------------------------------- 6. the field policy


@pytest.fixture(scope="module")
def no_summaries(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> CanaryBuild:
    return _canary_build(tmp_path_factory.mktemp("no-summaries") / "project", small_export,
                         privacy={"field_policy": {"register": {"breach_summary": "drop"}}})


def test_field_policy_can_drop_breach_summaries(no_summaries: CanaryBuild):
    site = no_summaries.site
    for key in PUBLISHED_KEYS:
        assert no_summaries.csv_row(NOTICES[key]["Notice Ref"])["breach-summary"] == ""
    assert not site.contains("change of use from a shop")
    assert not site.contains("strewn with magenta tyres")
    for name in (f"downloads/{file}.{kind}" for file in ("register", "other-notices")
                 for kind in ("csv", "geojson", "json")):
        text = site.files[name]
        if name.endswith(".csv"):
            rows = list(csv.DictReader(text.splitlines()))
        else:
            data = json.loads(text)
            rows = ([f["properties"] for f in data["features"]] if "features" in data
                    else data["entries"])
        assert rows and all(r["breach-summary"] == "" for r in rows), name
    # positive control: requirements are still published (and still redacted)
    assert site.contains("remove the extraction flue")
    audit = json.loads((no_summaries.project.reports / "audit.json").read_text())
    assert audit["fields dropped"].get("register.breach_summary", 0) >= 4


@pytest.mark.parametrize("policy", [
    {"register": {"officer_name": "publish"}},
    {"register": {"complainant_name": "redact-text"}},
    {"register": {"contravener_name": "publish"}},
    {"register": {"complainant_phone": "publish"}},
    {"case": {"address": "publish"}},
    {"case": {"postcode": "publish"}},
    {"case": {"uprn": "publish"}},
    {"case": {"latitude": "publish"}},
    {"case": {"reference": "publish"}},
    {"case": {"description": "redact-text"}},
    {"case": {"notes": "redact-text"}},
    {"case": {"received": "publish"}},
    {"case": {"complainant_email": "publish"}},
], ids=lambda p: ".".join([*p, *next(iter(p.values()))]))
def test_field_policy_refuses_to_publish_personal_or_case_data(project: Project, policy):
    project.edit_config(privacy={"field_policy": policy})
    result = project.build()
    assert result.exit_code == 2, result.output
    (record_class, fields), = policy.items()
    (name, _), = fields.items()
    assert f"privacy.field_policy.{record_class}.{name}" in result.stderr
    assert "Traceback" not in result.output
    assert not project.site.exists()
