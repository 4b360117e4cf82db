"""Stage: search the built site for every sensitive value from the input.

Runs over every file under the staging folder (HTML, CSV, JSON, GeoJSON, JavaScript,
feeds, sitemaps, search index; gzip files are opened), case- and
whitespace-insensitively. Phone numbers and UPRNs are compared as digit runs, so
'07700 900123', '07700-900-123' and '+44 7700 900123' are the same number. A hit fails
the build; the report names the file and the count, never the value.
"""

from __future__ import annotations

import contextlib
import gzip
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from .ingest import Sensitive

MIN_TEXT_NEEDLE = 5  # shorter values (initials, 'Li') would match ordinary words
# Runs of at least 9 digits, allowing the separators people type: only those can be a
# phone number (9+ digits after the trunk 0) or a UPRN. Dates and coordinates, which
# fill every page, have fewer and are skipped by the regex engine itself.
_DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-().]{0,3}\d){8,}")
_NOT_DIGIT = re.compile(r"\D")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w")


@dataclass
class LeakReport:
    hits: Counter[str] = field(default_factory=Counter)  # "file: kind" -> count
    files_scanned: int = 0
    values_searched: int = 0

    @property
    def clean(self) -> bool:
        return not self.hits


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text.casefold())


def national_digits(phone: str) -> str:
    """'+44 (0)7700 900123' -> '7700900123': the number without country or trunk code."""
    digits = _NOT_DIGIT.sub("", phone)
    if digits.startswith("44"):
        digits = digits[2:]
    return digits.lstrip("0")


class LeakScanner:
    """Finds sensitive values in text.

    `public` lists values the site publishes lawfully (register addresses, the council's
    own contact details). A sensitive value found inside one of them is not searched
    for: a case at '119 Windmill Grove' is not leaked by the register entry for 'Flat
    10, 119 Windmill Grove', and a complainant who rang from the council's own number
    is not identified by the contact page.
    """

    def __init__(self, sensitive: Sensitive, public: list[str] | None = None):
        words: dict[str, str] = {}
        for kind, values in (("name", sensitive.names), ("email", sensitive.emails),
                             ("address", sensitive.addresses),
                             ("reference", sensitive.references)):
            for value in values:
                needle = _normalise(value.strip())
                if len(needle) >= MIN_TEXT_NEEDLE:
                    words[needle] = kind
        for postcode in sensitive.postcodes:
            squeezed = "".join(postcode.split()).casefold()
            if len(squeezed) >= 5:
                words[squeezed] = "postcode"
                words[f"{squeezed[:-3]} {squeezed[-3:]}"] = "postcode"
        digits: dict[str, str] = {}
        for phone in sensitive.phones:
            d = national_digits(phone)
            if len(d) >= 9:
                digits[d] = "phone"
        for uprn in sensitive.uprns:
            d = re.sub(r"\D", "", uprn).lstrip("0")
            if len(d) >= 6:
                digits[d] = "uprn"
        self.automaton = ahocorasick.Automaton()
        self.digits: dict[str, str] = {}
        self.has_words = False
        self._load(words, digits)
        if public:
            allowed = self.scan_values("\n".join(public))
            self.automaton = ahocorasick.Automaton()
            self._load({w: k for w, k in words.items() if w not in allowed},
                       {d: k for d, k in digits.items() if d not in allowed})
        self.values = len(words) + len(self.digits)

    def _load(self, words: dict[str, str], digits: dict[str, str]) -> None:
        for needle, kind in words.items():
            self.automaton.add_word(needle, (kind, needle))
        self.has_words = bool(words)
        if self.has_words:
            self.automaton.make_automaton()
        self.digits = digits

    def scan_values(self, text: str) -> set[str]:
        """The needles (normalised values) that occur in `text`."""
        return {needle for _, needle in self._hits(text)}

    def scan_text(self, text: str) -> Counter[str]:
        return Counter(kind for kind, _ in self._hits(text))

    def _hits(self, text: str) -> Iterator[tuple[str, str]]:
        if self.has_words:
            haystack = _normalise(text)
            for end, (kind, needle) in self.automaton.iter(haystack):
                start = end - len(needle) + 1
                before = haystack[start - 1] if start > 0 else " "
                after = haystack[end + 1] if end + 1 < len(haystack) else " "
                # Whole words only: 'ann lee' must not match inside 'joann leeds'.
                if not _WORD.match(before) and not _WORD.match(after):
                    yield kind, needle
        if self.digits:
            for match in _DIGIT_RUN.finditer(text):
                run = match.group()
                d = national_digits(run) if run.lstrip().startswith(("+", "0")) else \
                    _NOT_DIGIT.sub("", run).lstrip("0")
                kind = self.digits.get(d)
                if kind:
                    yield kind, d


def _read(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip: sitemap.xml.gz, the search index's fragments
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf",
                   ".pdf", ".webp"}


def scan(folder: Path, sensitive: Sensitive, public: list[str] | None = None) -> LeakReport:
    scanner = LeakScanner(sensitive, public)
    report = LeakReport(values_searched=scanner.values)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix.lower() in BINARY_SUFFIXES:
            continue
        report.files_scanned += 1
        for kind, n in scanner.scan_text(_read(path)).items():
            report.hits[f"{path.relative_to(folder).as_posix()}: {kind}"] += n
    return report
