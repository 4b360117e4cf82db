"""Address phrases shared by the redactor and the leak scan."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.address import address_phrases
from generator.privacy.anonymise import phrases_in


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


def _whole_word_occurrences(phrases: set[str], text: str) -> set[str]:
    """The definition, searched the slow way."""
    found = set()
    for phrase in phrases:
        at = text.find(phrase)
        while phrase and at >= 0:
            end = at + len(phrase)
            if not text[at - 1:at].isalnum() and not text[end:end + 1].isalnum():
                found.add(phrase)
                break
            at = text.find(phrase, at + 1)
    return found


_PIECES = st.sampled_from(["1", "19", "119", "WINDMILL", "GROVE", "MILL", "É", "²", " ",
                           ", ", "-", "(", ")", ".", "\n", "_"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=6).map("".join), max_size=12),
       st.lists(_PIECES, max_size=40).map("".join))
def test_phrases_in_finds_exactly_the_whole_word_occurrences(phrases, text):
    assert phrases_in(set(phrases), text) == _whole_word_occurrences(set(phrases), text)
