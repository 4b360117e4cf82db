"""Addresses and postcodes: one definition of each, wherever they are compared or shown."""

from __future__ import annotations

import re

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
