"""The statutory index by street: which street an address is on (core/address.py) and
the order and grouping of the index pages built from it."""

from __future__ import annotations

import html
import json
import re

import pytest

from conftest import Project
from generator.core.address import street_key


@pytest.mark.parametrize("address, street, locality, number, letter", [
    ("41 Mill Close, Hallow Green", "Mill Close", "Hallow Green", 41, "M"),
    ("Rear of 39 Brook Road, Northbrook", "Brook Road", "Northbrook", 39, "B"),
    ("REAR OF 39 BROOK ROAD, NORTHBROOK", "BROOK ROAD", "NORTHBROOK", 39, "B"),
    ("Land Adjacent to 42 Lime Close, Easthope", "Lime Close", "Easthope", 42, "L"),
    ("Land at the rear of 4 Park Road", "Park Road", "", 4, "P"),
    ("Land to the rear of 5-7 Station Road", "Station Road", "", 5, "S"),
    ("Land East of Mill Lane, Kingsmere", "Mill Lane", "Kingsmere", None, "M"),
    ("R/O 5 West Gardens", "West Gardens", "", 5, "W"),
    ("Flat 3, 12A Mill Lane, Kingsmere", "Mill Lane", "Kingsmere", 12, "M"),
    ("Flat 2 14 High Street, Town, NB1 2AB", "High Street", "Town", 14, "H"),
    ("FLAT 10, 119 WINDMILL GROVE, KINGSMERE", "WINDMILL GROVE", "KINGSMERE", 119, "W"),
    ('"Rose Cottage", Mill Lane, Kingsmere', "Mill Lane", "Kingsmere", None, "M"),
    ("'The Old Mill', Mill Lane", "Mill Lane", "", None, "M"),
    ("‘The Old Mill’, 3 Mill Lane", "Mill Lane", "", 3, "M"),
    ("Unit 17, Station Industrial Estate, Northbrook", "Station Industrial Estate",
     "Northbrook", None, "S"),
    # Street names that start like the words left out stay whole.
    ("North Terrace, Kingsmere", "North Terrace", "Kingsmere", None, "N"),
    ("12 Garden Lane", "Garden Lane", "", 12, "G"),
    ("3 Field Road", "Field Road", "", 3, "F"),
    ("Rose Cottage", "Rose Cottage", "", None, "R"),
    ("Élan Court, 4 Quay Street", "Quay Street", "", 4, "Q"),
    ("9 Élan Close", "Élan Close", "", 9, "E"),
    ("", "", "", None, "Other"),
])
def test_street_of_an_address(address: str, street: str, locality: str,
                              number: int | None, letter: str) -> None:
    key = street_key(address)
    assert (key.street, key.locality, key.number, key.letter) == (
        street, locality, number, letter)


def test_house_numbers_sort_as_numbers_within_a_street() -> None:
    addresses = ["104 High Street", "1 High Street", "Land at 10 High Street",
                 "102 High Street", "2A High Street", "2 High Street", "Flat 1, 3 High Street",
                 "9 Acre Lane", "Rear of 20 High Street, Kingsmere", "The Barn, High Street"]
    ordered = sorted(addresses, key=lambda a: street_key(a).sort)
    assert ordered == ["9 Acre Lane", "The Barn, High Street", "1 High Street",
                       "2 High Street", "2A High Street", "Flat 1, 3 High Street",
                       "Land at 10 High Street", "102 High Street", "104 High Street",
                       "Rear of 20 High Street, Kingsmere"]


def test_the_built_index_groups_entries_by_street_in_order(built: Project) -> None:
    folder = built.site / "register" / "address"
    a_to_z = (folder / "index.html").read_text()
    assert "Register index by street" in a_to_z
    assert not (folder / "0-9").exists(), "numbered addresses are under their street"
    seen = 0
    for page in sorted(folder.glob("*/index.html")):
        text = page.read_text()
        headings = [html.unescape(h) for h in
                    re.findall(r'<h2 id="street-[^"]*">(.*?)</h2>', text)]
        assert headings
        for heading in headings:
            assert street_key(heading.split(",")[0]).letter.lower() == page.parent.name[:1] \
                or page.parent.name.startswith(("0-9", "other"))
        for table in re.findall(r"<tbody>(.*?)</tbody>", text, re.S):
            rows = [html.unescape(a) for a in
                    re.findall(r'<th scope="row" data-label="Address">(.*?)</th>', table)]
            keys = [street_key(a) for a in rows]
            assert len({(k.sort[0], k.sort[1]) for k in keys}) == 1, rows
            numbers = [k.number for k in keys if k.number is not None]
            assert numbers == sorted(numbers), rows
            seen += len(rows)
        assert f'href="../{page.parent.name}/" ' not in text  # the current letter
    register = sum(e["on-statutory-register"] in (True, "yes", "true") for e in json.loads(
        (built.site / "downloads" / "register.json").read_text())["entries"])
    assert seen == register, "every register entry is in the index once"


@pytest.mark.parametrize("reference, forms", [
    ("ENF/2026/0001", {"enf~2026~1", "2026~1", "enf~26~1", "26~1"}),
    ("BCN-21-0070", {"bcn~21~70", "21~70"}),
    ("2019/00123/ENF", {"2019~123~enf", "123~enf", "19~123~enf"}),
])
def test_short_forms_of_a_reference(reference: str, forms: set[str]) -> None:
    from generator.site.register_search import reference_forms, words

    assert reference_forms(words(reference)) == forms
