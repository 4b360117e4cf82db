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
import multiprocessing as mp
import os
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

import ahocorasick

from generator.core.address import normalise_postcode
from generator.core.sensitive import Sensitive

MIN_TEXT_NEEDLE = 5  # shorter values (initials, 'Li') would match ordinary words
# Phone numbers and UPRNs are found in runs of digits and the separators people type
# between digit groups. One character class is much faster for the regex engine than a
# pattern of groups; the groups are split out in Python, for the few runs long enough.
_RUN_CHARS = "0123456789 \t\n\r\f\v-().+"
_DIGIT_RUN = re.compile(r"[0-9][0-9 \t\n\r\f\v\-().+]{8,}")
_GROUPS = re.compile(r"[0-9]+|[^0-9]+")
_DROP_SEPARATORS = str.maketrans("", "", _RUN_CHARS[10:])
_NOT_DIGIT = re.compile(r"\D")
_WORD = re.compile(r"\w")
MAX_SEPARATOR = 3  # '07700 - 900123' is one number; a longer gap starts a new one
MIN_DIGITS, MAX_DIGITS = 9, 15


@dataclass
class LeakReport:
    hits: Counter[str] = field(default_factory=Counter)  # "file: kind" -> count
    files_scanned: int = 0
    values_searched: int = 0

    @property
    def clean(self) -> bool:
        return not self.hits

    def add(self, other: LeakReport) -> None:
        self.hits.update(other.hits)
        self.files_scanned += other.files_scanned


def _normalise(text: str) -> str:
    """Casefolded, with every run of whitespace made one space."""
    return " ".join(text.casefold().split())


def national_digits(phone: str) -> str:
    """'+44 (0)7700 900123' -> '7700900123': the number without country or trunk code."""
    digits = _NOT_DIGIT.sub("", phone).lstrip("0")
    if digits.startswith("44"):
        digits = digits[2:]
    return digits.lstrip("0")


def _numbers_in(run: str) -> set[str]:
    """Every number a run of digit groups could hold, as a phone or UPRN is compared.

    '2 07700 900123 5' holds '07700 900123' (and '2 07700 900123', ...): each
    contiguous sequence of groups with 9 to 15 digits is tried, without leading zeros
    and, when it starts with 44, without that country code too.
    """
    numbers: set[str] = set()
    if len(run.translate(_DROP_SEPARATORS)) < MIN_DIGITS:
        return numbers  # dates, times and coordinates: most runs end here
    for sequence in _sequences(run):
        digits = "".join(sequence)
        ends = list(accumulate(map(len, sequence)))
        for start in (0, *ends[:-1]):
            for end in ends:
                if end - start > MAX_DIGITS:
                    break
                if end - start >= MIN_DIGITS:
                    number = digits[start:end].lstrip("0")
                    numbers.add(number)
                    if number.startswith("44"):
                        numbers.add(number[2:].lstrip("0"))
    return numbers


def _sequences(run: str) -> list[list[str]]:
    """The run's digit groups, split where more than MAX_SEPARATOR characters part them."""
    sequences: list[list[str]] = [[]]
    for part in _GROUPS.findall(run):
        if part[0].isdigit():
            sequences[-1].append(part)
        elif len(part) > MAX_SEPARATOR:
            sequences.append([])
    return sequences


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
                needle = _normalise(value)
                if len(needle) >= MIN_TEXT_NEEDLE:
                    words[needle] = kind
        for postcode in sensitive.postcodes:
            squeezed = normalise_postcode(postcode).casefold()
            if len(squeezed) >= 5:
                words[squeezed] = "postcode"
                words[f"{squeezed[:-3]} {squeezed[-3:]}"] = "postcode"
        self.digits: dict[str, str] = {}
        for phone in sensitive.phones:
            d = national_digits(phone)
            if len(d) >= MIN_DIGITS:
                self.digits[d] = "phone"
        for uprn in sensitive.uprns:
            d = _NOT_DIGIT.sub("", uprn).lstrip("0")
            if len(d) >= 6:
                self.digits[d] = "uprn"
        # A value with a '<' in it could run across a tag; those few are searched for
        # in whole texts, the rest piece by piece (see `scan_text`).
        self.automaton = _automaton({w: k for w, k in words.items() if TAG not in w})
        self.across_tags = _automaton({w: k for w, k in words.items() if TAG in w})
        self.allowed: frozenset[str] = frozenset()
        if public:
            self.allowed = frozenset(self.scan_values("\n".join(public)))
        self.values = len(words) - len(self.allowed & words.keys()) + len(
            self.digits.keys() - self.allowed)

    def scan_values(self, text: str) -> set[str]:
        """The needles (normalised values) that occur in `text`."""
        return {needle for _, needle in self._hits(_normalise(text), text)}

    def scan_text(self, text: str, known: Collection[str] = ()) -> Counter[str]:
        """Kinds of sensitive value in `text`, with how often each occurs.

        Pieces of `text` in `known` (the pieces of a text already searched; see
        `pieces`) are not searched again. A piece runs from one '<' to the next: no
        value searched for here spans a '<' (except the few in `across_tags`, searched
        in the whole text), and '<' is neither a word character nor part of a digit
        run, so what a piece holds does not depend on what is around it. Pages made
        from one template share most of their pieces: the header, navigation and
        footer are searched once, not once a page.
        """
        if not known:
            return Counter(kind for kind, _ in self._hits(_normalise(text), text))
        new = TAG.join(piece for piece in text.split(TAG) if piece not in known)
        found = Counter(kind for kind, _ in self._hits(_normalise(new), new, False))
        if self.across_tags is not None:
            found.update(kind for kind, _ in self._word_hits(self.across_tags,
                                                             _normalise(text)))
        return found

    def _hits(self, haystack: str, raw: str,
              across_tags: bool = True) -> Iterator[tuple[str, str]]:
        """Hits in `haystack` (normalised) and `raw` (as written, for digit runs)."""
        yield from self._word_hits(self.automaton, haystack)
        if across_tags:
            yield from self._word_hits(self.across_tags, haystack)
        if self.digits:
            for match in _DIGIT_RUN.finditer(raw):
                for number in _numbers_in(match.group()):
                    kind = self.digits.get(number)
                    if kind and number not in self.allowed:
                        yield kind, number

    def _word_hits(self, automaton: ahocorasick.Automaton | None,
                   haystack: str) -> Iterator[tuple[str, str]]:
        if automaton is None:
            return
        for last, (kind, needle) in automaton.iter(haystack):
            if needle in self.allowed:
                continue
            first = last - len(needle) + 1
            before = haystack[first - 1] if first > 0 else " "
            after = haystack[last + 1] if last + 1 < len(haystack) else " "
            # Whole words only: 'ann lee' must not match inside 'joann leeds'.
            if not _WORD.match(before) and not _WORD.match(after):
                yield kind, needle


TAG = "<"


def _automaton(words: dict[str, str]) -> ahocorasick.Automaton | None:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for needle, kind in words.items():
        automaton.add_word(needle, (kind, needle))
    automaton.make_automaton()
    return automaton


def pieces(text: str) -> set[str]:
    """What `LeakScanner.scan_text` need not search again once `text` is searched."""
    return set(text.split(TAG))


def _read(path: Path) -> str:
    return _decoded(path.read_bytes())


def _decoded(data: bytes) -> str:
    if data[:2] == b"\x1f\x8b":  # gzip: sitemap.xml.gz, the search index's fragments
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".woff", ".woff2", ".ttf",
                   ".pdf", ".webp"}


def list_files(folder: Path, skip: str = "") -> list[Path]:
    """Every file to scan under `folder`, in order; `skip` names a top-level folder
    to leave out (one still being written)."""
    found: list[Path] = []
    for directory, subfolders, names in os.walk(folder):
        if skip and directory == str(folder) and skip in subfolders:
            subfolders.remove(skip)
        found.extend(Path(directory, name) for name in names
                     if os.path.splitext(name)[1].lower() not in BINARY_SUFFIXES)
    return sorted(found)


BLOCK = 250  # files a worker searches in order, each against the one before


def _scan_block(task: tuple[LeakScanner, Path, list[Path], bool]) -> Counter[str]:
    scanner, folder, files, incremental = task
    return _scan_texts(scanner, ((path.relative_to(folder).as_posix(), _read(path))
                                 for path in files), incremental)


def _scan_texts(scanner: LeakScanner, texts: Iterable[tuple[str, str]],
                incremental: bool) -> Counter[str]:
    """Hits in (name, text) pairs, as "name: kind" -> count."""
    hits: Counter[str] = Counter()
    known: set[str] = set()
    for name, text in texts:
        # Files in sorted order: the register's entries follow one another, so each is
        # compared with the entry before it and only the pieces that differ are searched.
        for kind, n in scanner.scan_text(text, known).items():
            hits[f"{name}: {kind}"] += n
        if incremental:
            known = pieces(text)
    return hits


_WORKER_SCANNER: LeakScanner | None = None  # the scanner, inherited by forked workers


def _scan_in_worker(task: tuple[Path, list[Path], bool]) -> Counter[str]:
    assert _WORKER_SCANNER is not None
    return _scan_block((_WORKER_SCANNER, *task))


def _search(scanner: LeakScanner, folder: Path, files: list[Path],
                incremental: bool, workers: int) -> Counter[str]:
    blocks = [files[i:i + BLOCK] for i in range(0, len(files), BLOCK)]
    hits: Counter[str] = Counter()
    if workers < 2 or len(blocks) < 2 or "fork" not in mp.get_all_start_methods():
        for block in blocks:
            hits.update(_scan_block((scanner, folder, block, incremental)))
        return hits
    # Forked workers share the scanner's automaton (hundreds of MB at the largest
    # councils) with this process instead of each building or unpickling their own.
    global _WORKER_SCANNER
    _WORKER_SCANNER = scanner
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for found in pool.imap_unordered(
                    _scan_in_worker, [(folder, block, incremental) for block in blocks]):
                hits.update(found)
    finally:
        _WORKER_SCANNER = None
    return hits


def scan_files(scanner: LeakScanner, folder: Path, files: list[Path],
               workers: int | None = None) -> LeakReport:
    """Search `files` (under `folder`, which report names are relative to) with
    `workers` processes (default: one per CPU)."""
    workers = workers if workers is not None else (os.cpu_count() or 1)
    return _report(scanner, len(files), lambda incremental: _search(
        scanner, folder, files, incremental, workers))


def scan_contents(scanner: LeakScanner, contents: dict[str, bytes]) -> LeakReport:
    """Search files before they are written: `contents` maps each one's path in the
    site to its bytes. Whoever writes them must write exactly these bytes, or scan the
    written files again (app/build.py checks)."""
    return _report(scanner, len(contents), lambda incremental: _scan_texts(
        scanner, ((name, _decoded(contents[name])) for name in sorted(contents)),
        incremental))


def _report(scanner: LeakScanner, files: int,
            search: Callable[[bool], Counter[str]]) -> LeakReport:
    """`search` (incremental or not) made into a report of `files` files."""
    report = LeakReport(values_searched=scanner.values, files_scanned=files)
    report.hits = search(True)
    if report.hits:
        # A value in a shared part is found once, in the first file that has it; the
        # build fails either way, but the report must name every file it is in.
        report.hits = search(False)
    return report


def scan(folder: Path, sensitive: Sensitive, public: list[str] | None = None,
         workers: int | None = None) -> LeakReport:
    """Search every file under `folder`."""
    return scan_files(LeakScanner(sensitive, public), folder, list_files(folder), workers)
