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
import pickle
import queue
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import IO, BinaryIO

import ahocorasick

from .ingest import Sensitive

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
            squeezed = "".join(postcode.split()).casefold()
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
    written files again (pipeline.py checks)."""
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


class ScanFailed(Exception):
    """The leak scan itself could not run (not: it found something)."""


class BackgroundScanner:
    """A LeakScanner made in a process of its own, started as soon as the sensitive
    values are known: building its automaton (2 seconds at 200,000 cases) then overlaps
    the register pages instead of delaying the scan. `submit` and
    `submit_contents` hand it work as soon as it is final, `busy` says whether it is
    still working, and `results` waits for what it found.

    The process is a fresh interpreter (`python -m generator.leakscan`) sent its work
    down a pipe. A fork of the build (over a gigabyte at the largest councils) would
    make every page the build then writes to a copy, which slowed the render by half;
    multiprocessing's 'spawn' would run the caller's script again in the child."""

    def __init__(self, sensitive: Sensitive, public: list[str]):
        self._process: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._answers: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()
        self._pending = 0  # work sent whose answer `results` has not taken
        self._broken = False  # writing to the process failed
        # Answers are read as they come, so that a large one can never fill the pipe
        # while this process is still writing more work into the other.
        self._reader = threading.Thread(target=self._read_answers, name="leak scan answers",
                                        daemon=True)
        self._reader.start()
        # Work (the values first, then files' contents: tens of MB at the largest
        # councils) is pickled here and written by a thread, so the build goes on while
        # the process is busy and not reading. Pickling in that thread instead would
        # hand the interpreter back and forth between it and the build for every pipe's
        # worth written: 12 MB of values took 3 s to send that way, and slowed the build.
        _widen_pipe(self._process.stdin)
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._outbox.put(pickle.dumps((sensitive, public), protocol=pickle.HIGHEST_PROTOCOL))
        self._sender = threading.Thread(target=self._send_all, name="leak scan work",
                                        daemon=True)
        self._sender.start()

    def _send_all(self) -> None:
        assert self._process is not None and self._process.stdin is not None
        requests = self._process.stdin
        while (message := self._outbox.get()) is not None:
            if self._broken:
                continue  # the process has gone: drain until `close`
            try:
                requests.write(message)
                requests.flush()
            except (OSError, ValueError):  # a broken pipe
                self._broken = True

    def _read_answers(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        output = self._process.stdout
        while True:
            try:
                self._answers.put(pickle.load(output))
            except (EOFError, OSError, ValueError, pickle.UnpicklingError):
                self._answers.put((False, None))  # the process has gone
                return

    def _queue(self, message: object) -> None:
        if self._process is None:
            raise ScanFailed("the leak scan's process has been closed")
        if self._broken:
            raise ScanFailed(_GONE)
        self._outbox.put(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
        self._pending += 1

    def submit(self, folder: Path, files: list[Path], workers: int | None = None) -> None:
        """Search `files` (under `folder`) with `workers` processes (default: one per
        CPU), after the work submitted before."""
        self._queue(("files", folder, files, workers))

    def submit_contents(self, contents: dict[str, bytes]) -> None:
        """Search files not yet written (`scan_contents`), after the work submitted
        before. The bytes are pickled at once: later changes to `contents` are not seen."""
        self._queue(("contents", contents))

    def busy(self) -> bool:
        """Whether work submitted has not been answered yet."""
        return self._answers.qsize() < self._pending

    def results(self) -> LeakReport:
        """What all the work submitted so far found, in one report."""
        report = LeakReport()
        while self._pending:
            ok, answer = self._answers.get()
            self._pending -= 1
            if answer is None:
                self._pending = 0
                raise ScanFailed(_GONE)
            if not ok:
                raise ScanFailed(f"the leak scan failed: {answer}")
            assert isinstance(answer, LeakReport)
            report.add(answer)
            report.values_searched = answer.values_searched
        return report

    def scan(self, folder: Path, files: list[Path], workers: int | None = None) -> LeakReport:
        self.submit(folder, files, workers)
        return self.results()

    def close(self) -> None:
        if self._process is None:
            return
        self._outbox.put(None)
        self._sender.join()
        process, self._process = self._process, None
        with contextlib.suppress(OSError, ValueError):
            assert process.stdin is not None
            process.stdin.close()  # the end of its input: it closes its answers and exits
        self._reader.join(timeout=30)
        if self._reader.is_alive():
            process.kill()
            self._reader.join()
        if process.stdout is not None:
            process.stdout.close()
        # The kernel takes a moment to free a large process's memory (0.4 s at 200,000
        # cases); nothing needs to wait for that.
        threading.Thread(target=process.wait, name="leak scan exit", daemon=True).start()


def _widen_pipe(pipe: IO[bytes] | None) -> None:
    """Let the pipe hold 1 MB, not 64 KB: fewer turns between the writing thread and the
    build (Linux only; elsewhere the pipe stays as it is)."""
    with contextlib.suppress(AttributeError, OSError, ValueError):
        import fcntl

        assert pipe is not None
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)


_GONE = "the leak scan's process ended unexpectedly (out of memory?)"


def _serve(requests: BinaryIO, answers: BinaryIO) -> None:
    """The scanner process: build the scanner from the first message, then do each
    piece of work it is sent until its input ends. Failures are answered, not raised:
    the build reports them."""
    sensitive, public = pickle.load(requests)
    try:
        scanner: LeakScanner | None = LeakScanner(sensitive, public)
        failure = ""
    except Exception as exc:
        scanner, failure = None, f"{type(exc).__name__}: {exc}"
    while True:
        try:
            work = pickle.load(requests)
        except EOFError:
            # The end of the answers, before the scanner is freed (the automaton takes
            # 0.4 s to free at 200,000 cases): the build need not wait for that.
            answers.close()
            return
        try:
            if scanner is None:
                raise RuntimeError(failure)
            if work[0] == "contents":
                report = scan_contents(scanner, work[1])
            else:
                _, folder, files, workers = work
                report = scan_files(scanner, folder, files, workers)
            answer: tuple[bool, object] = (True, report)
        except Exception as exc:
            answer = (False, f"{type(exc).__name__}: {exc}")
        pickle.dump(answer, answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()


if __name__ == "__main__":
    # Answers go down a copy of standard output, and anything printed goes to standard
    # error, so that a stray print cannot corrupt them. What is answered must be this
    # module's classes as the build knows them, not those of __main__.
    from generator import leakscan as module

    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    module._serve(sys.stdin.buffer, answers)
    sys.stderr.flush()
    os._exit(0)  # nothing left to do: the interpreter's clean-up is skipped
