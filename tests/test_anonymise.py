"""Address phrases shared by the redactor and the leak scan."""

import pytest

from generator.anonymise import phrases_in
from generator.ingest import address_phrases


@pytest.mark.parametrize(
    ("address", "phrases"),
    [
        ("FLAT 10, 119 WINDMILL GROVE, KINGSMERE",
         ["FLAT 10, 119 WINDMILL GROVE, KINGSMERE", "119 WINDMILL GROVE"]),
        ("7 Canary Row, Northbrook NB9 9ZZ", ["7 Canary Row, Northbrook NB9 9ZZ",
                                             "7 Canary Row"]),
        ("LAND ADJACENT TO 41 HALL LANE, NORTHBROOK",
         ["LAND ADJACENT TO 41 HALL LANE, NORTHBROOK", "41 HALL LANE"]),
        ("IVY HOUSE, HALL STREET", ["IVY HOUSE, HALL STREET"]),
        ("", []),
    ],
)
def test_address_phrases(address, phrases):
    assert address_phrases(address) == phrases


def test_phrases_in_matches_whole_words_only():
    text = "FLAT 10, 119 WINDMILL GROVE, KINGSMERE\n1190 MILL ROAD"
    assert phrases_in({"119 WINDMILL GROVE", "19 WINDMILL GROVE", "MILL ROAD"}, text) == {
        "119 WINDMILL GROVE", "MILL ROAD"}
