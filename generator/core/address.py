"""Addresses and postcodes: one definition of each, wherever they are compared or shown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii

_TOKEN = re.compile(r"[A-Za-z'’]+|[^A-Za-z'’]+")
SMALL_WORDS = {"of", "and", "the", "to", "at", "on", "in", "by", "for"}


def tidy_address(address: str) -> str:
    """'FLAT 2A, 14 ST. JOHN'S ROAD, NORTHBROOK' -> 'Flat 2A, 14 St. John's Road, Northbrook'.

    Only all-capitals addresses are changed: one typed with care is left alone. Tokens
    with digits (house numbers, 2A, postcodes) keep their capitals.
    """
    text = " ".join(address.split())
    if not text or text != text.upper():
        return text
    out = []
    first = True
    for token in _TOKEN.findall(text):
        if token[0].isalpha():
            lower = token.lower()
            if lower in SMALL_WORDS and not first:
                out.append(lower)
            else:
                out.append(lower[0].upper() + lower[1:])
            first = False
        else:
            out.append(token)
            # A digit glued to letters ('2A', 'NB3'): keep the letters that follow upper.
    return _restore_codes("".join(out), text)


def _restore_codes(tidied: str, original: str) -> str:
    """Put back the capitals of tokens that mix letters and digits ('2A', 'NB3 4QT')."""
    tokens = original.split(" ")
    tidied_tokens = tidied.split(" ")
    return " ".join(o if any(c.isdigit() for c in o) else t
                    for o, t in zip(tokens, tidied_tokens, strict=True))


def normalise_postcode(postcode: str) -> str:
    """'nb7 6yt' -> 'NB76YT': how two postcodes are compared."""
    return "".join(postcode.split()).upper()


_WORD_PART = r"[A-Za-z][A-Za-z'’.-]*"
_HOUSE_AND_STREET = re.compile(rf"\b\d+[A-Za-z]?\s+{_WORD_PART}(?:\s+{_WORD_PART})+")


def address_phrases(address: str) -> list[str]:
    """The address, and its house number and street ('FLAT 10, 119 WINDMILL GROVE,
    KINGSMERE' -> '119 WINDMILL GROVE'): free text names a place by its street line, so
    both the redactor and the leak scan look for that too."""
    address = " ".join(address.split())
    phrases = [address] if address else []
    for part in address.split(","):
        match = _HOUSE_AND_STREET.search(part)
        if match:
            phrases.append(match.group().strip())
            break
    return phrases


# ---- The street an address is on: the statutory index by street -------------------

# Words that describe where on a property the land is, before its house number and
# street: 'Land at', 'Rear of', 'Land adjacent to', 'Land to the rear of', 'Site of'.
_PLACE = r"(?:(?:to\s+)?the\s+)?(?:rear|side|front|back|north|south|east|west)(?:\s+garden)?"
_NEXT_TO = (r"(?:at|of|on|off|adj\.?|adjacent(?:\s+to)?|adjoining|next\s+to|behind|between|"
            r"opposite|r/o)")
_WHERE_ON = re.compile(
    rf"^(?:(?:land|site|plot|part|garden|gardens|garage|garages|building|buildings|"
    rf"field|yard|premises|property|area)(?:\s+{_PLACE})?\s+{_NEXT_TO}\s+"
    rf"|{_PLACE}\s+of\s+"
    r"|(?:adj\.?|adjacent\s+to|adjoining|next\s+to|behind|opposite|at|r/o)\s+)",
    re.IGNORECASE)
# The part of an address that names a flat or unit within a building.
_WITHIN = re.compile(r"^(?:flat|flats|apartment|apt\.?|unit|units|room|suite|floor|"
                     r"maisonette|studio|first\s+floor|ground\s+floor|basement)\b[^,]*?"
                     r"(?:\d+[a-z]?|\b[a-z])\b\s*", re.IGNORECASE)
_QUOTES = "'\"‘’“”`"
# A house number (12, 12A, 12-14, 12/14) and the street after it.
_NUMBERED = re.compile(r"^(\d+)\s*([a-z]?)(?:\s*[-/–]\s*\d+[a-z]?)?\s+(.+)$", re.IGNORECASE)
_POSTCODE = re.compile(r"^[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}$", re.IGNORECASE)
# Street types, so that 'The Old Mill, Mill Lane' is on Mill Lane, not 'The Old Mill'.
_STREET_WORDS = frozenset({
    "road", "rd", "street", "st", "lane", "ln", "avenue", "ave", "close", "drive", "dr",
    "way", "grove", "gardens", "crescent", "place", "terrace", "court", "hill", "row",
    "walk", "square", "parade", "mews", "green", "rise", "view", "park", "vale", "croft",
    "gate", "fields", "meadow", "meadows", "end", "side", "wharf", "yard", "bank",
    "chase", "path", "mount", "drove", "hollow", "wynd",
})


@dataclass(frozen=True)
class StreetKey:
    """Where an address sits in the index by street: its street, the locality after it,
    and its house number. `sort` orders entries naturally: by street name, locality,
    then house number as a number (2 before 10), then the whole address."""

    street: str  # as written, e.g. 'Mill Lane'
    locality: str  # e.g. 'Kingsmere'; '' if the address has none
    number: int | None
    sort: tuple[str, str, int, str, str]

    @property
    def group(self) -> str:
        """How the index heads the street: 'Mill Lane, Kingsmere'."""
        return ", ".join(p for p in (self.street, self.locality) if p)

    @property
    def letter(self) -> str:
        """The letter of the A to Z the street is under ('Other' for none)."""
        first = anyascii(self.sort[0][:1]).upper()[:1]
        return first if first.isalpha() else "0-9" if first.isdigit() else "Other"


def _fold(text: str) -> str:
    """Compare text without case, accents, quotes or punctuation."""
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", anyascii(text).lower()).split())


def _strip_where(part: str) -> str:
    previous = None
    while previous != part:
        previous = part
        part = _WHERE_ON.sub("", part, count=1).strip()
    return part


def street_key(address: str) -> StreetKey:
    """The street of a register address, for the index by street.

    '"Rose Cottage", Rear of 12 Mill Lane, Kingsmere', 'Land at 12 Mill Lane' and
    'Flat 3, 12A Mill Lane' are all on Mill Lane; quotes, 'Land at', 'Rear of' and flat
    or unit numbers are left out. An address with no house number is listed at the
    start of its street."""
    parts = [p.strip().strip(_QUOTES).strip() for p in " ".join(address.split()).split(",")]
    parts = [p for p in parts if p and not _POSTCODE.match(p)]
    cleaned = []
    for part in parts:
        part = _strip_where(part.strip(_QUOTES).strip())
        within = _WITHIN.match(part)
        if within:
            part = _strip_where(part[within.end():].strip())
        if part:
            cleaned.append(part.strip(_QUOTES).strip())
    index, number, suffix, street = _find_street(cleaned)
    locality = cleaned[index + 1] if index + 1 < len(cleaned) else ""
    if not street:
        street = locality = ""
    sort = (_fold(street) or "\uffff", _fold(locality),
            number if number is not None else -1, suffix.lower(), _fold(address))
    return StreetKey(street, locality, number, sort)


def _find_street(parts: list[str]) -> tuple[int, int | None, str, str]:
    """(index of the part, house number, letter suffix, street) in cleaned parts."""
    for i, part in enumerate(parts):
        numbered = _NUMBERED.match(part)
        if numbered and not numbered.group(3)[:1].isdigit():
            return i, int(numbered.group(1)), numbered.group(2), numbered.group(3)
    for i, part in enumerate(parts):
        words = _fold(part).split()
        if words and words[-1] in _STREET_WORDS:
            return i, None, "", part
    return (0, None, "", parts[0]) if parts else (0, None, "", "")
