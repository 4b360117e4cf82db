"""Presentation fixes for values that back-office systems store awkwardly."""

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
