"""The case tracker's secrets: access codes and file names (docs/tracker.md).

An access code is a keyed hash of a case's reference (HMAC-SHA-256 with the council's
tracker key), written to be typed from a letter. A case's tracker file is named by a
plain hash of its reference and its code together, so the page can find the file from
what a person types (tracker.js does the same sums with Web Crypto), while the names
mean nothing to anyone without a code, and codes cannot be made without the key.

The rules that turn what a person types into what is hashed (`typed_reference`,
`typed_code`) are the same in tracker.js; a test runs both on the same samples.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

# No 0, 1, I or O: nothing on a letter can be read as something else. 32 symbols, so
# each carries 5 bits; 12 of them carry 60, in three groups of four.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12
GROUP = 4
CODE_BITS = 5 * CODE_LENGTH
# A key shorter than this could be guessed from the codes on a few letters.
MIN_KEY_BYTES = 32
# Domain separation: the access code and the file name are hashes of different things,
# so that neither can stand in for the other.
_CODE_PURPOSE = b"enforcement-site tracker access code v1\n"
FILE_PURPOSE = "enforcement-site tracker file v1\n"
_NOT_LETTER_OR_DIGIT = re.compile(r"[^A-Z0-9]")


class TrackerKey:
    """The council's secret. It never leaves the build: not in the site, the reports,
    the logs or an exception's message (its repr hides it)."""

    def __init__(self, secret: bytes):
        if len(secret) < MIN_KEY_BYTES:
            raise ValueError(f"the tracker key must be at least {MIN_KEY_BYTES} "
                             "characters long")
        self._secret = secret

    def __repr__(self) -> str:
        return "TrackerKey(<secret>)"

    def access_code(self, reference: str) -> str:
        """The code for a case, grouped for a letter: 'K7QM-3XHP-9TDA'."""
        digest = hmac.new(self._secret, _CODE_PURPOSE + typed_reference(reference).encode(),
                          hashlib.sha256).digest()
        number = int.from_bytes(digest, "big") >> (256 - CODE_BITS)
        symbols = "".join(ALPHABET[(number >> (5 * i)) & 31]
                          for i in reversed(range(CODE_LENGTH)))
        return "-".join(symbols[i:i + GROUP] for i in range(0, CODE_LENGTH, GROUP))


def typed_reference(text: str) -> str:
    """A reference as the tracker compares it: letters and digits only, in capitals, so
    that 'enf/2024/0012', 'ENF 2024 0012' and 'ENF-2024-0012' are the same case."""
    return _NOT_LETTER_OR_DIGIT.sub("", unicodedata.normalize("NFKC", text).upper())


def typed_code(text: str) -> str:
    """An access code as typed, without spaces, dashes and case; '' when it cannot be a
    code (wrong length, or a symbol the alphabet leaves out)."""
    code = re.sub(r"[\s\-‐-―−]", "", unicodedata.normalize("NFKC", text).upper())
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return ""
    return code


def file_name(reference: str, code: str) -> str:
    """The name (without '.json') of the case's file under track/: the SHA-256, in hex,
    of the reference and the code as typed."""
    text = FILE_PURPOSE + typed_reference(reference) + "\n" + typed_code(code)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
