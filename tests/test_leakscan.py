"""The leak scan on its own: what counts as a hit, and that searching only what a file
does not share with the file before it finds exactly what a whole search finds."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.core.sensitive import Sensitive
from generator.privacy.leakscan import BLOCK, LeakScanner, pieces, scan

SENSITIVE = Sensitive(
    names={"Ann Lee", "Bartholomew Quince"}, emails={"ann.lee@example.com"},
    addresses={"7 Canary Row"}, postcodes={"NB9 9ZZ"}, phones={"07700 900123"},
    uprns={"100023336956"}, references={"25/09901/ENF"})


@pytest.mark.parametrize(("text", "expected"), [
    ("Reported by Ann Lee today", {"name": 1}),
    ("Reported by ANN\n   LEE today", {"name": 1}),
    ("Joann Leeds and Ann Leeds", {}),  # whole words only
    ("write to ann.lee@example.com", {"email": 1}),
    ("land at 7 canary row", {"address": 1}),
    ("postcode nb99zz or NB9 9ZZ", {"postcode": 2}),
    ("ring 07700 900123", {"phone": 1}),
    ("ring +44 (0)7700-900-123", {"phone": 1}),
    ("ring 0044 7700 900123", {"phone": 1}),
    ("on 12 07700 900123 3 times", {"phone": 1}),  # digits either side of the number
    ("ring 07700 900 123", {"phone": 1}),
    ("ring 07700 - 900123", {"phone": 1}),
    ("ring 07700     900123", {}),  # a gap of more than three characters
    ("ring 1707700900123", {}),  # inside a longer number
    ("uprn 1000 2333 6956", {"uprn": 1}),
    ("case 25/09901/ENF", {"reference": 1}),
    ("dated 2025-01-05, at 53.4512 -2.3187", {}),
])
def test_what_counts_as_a_hit(text, expected):
    assert dict(LeakScanner(SENSITIVE).scan_text(text)) == expected


def test_values_inside_lawfully_published_text_are_not_hits():
    scanner = LeakScanner(Sensitive(addresses={"119 Windmill Grove"}, phones={"0161 912 3000"}),
                          public=["Flat 10, 119 Windmill Grove", "0161 912 3000"])
    assert not scanner.scan_text("Flat 10, 119 Windmill Grove; call 0161 912 3000")


CHROME = "<header>Northbrook Council 0161 912 3000</header>\n" * 40
FOOTER = "<footer>Ann Leeds Lane</footer>\n" * 40


@pytest.mark.parametrize(("previous", "text", "expected"), [
    # the value in the part that differs
    (CHROME + "entry one" + FOOTER, CHROME + "entry by Ann Lee" + FOOTER, {"name": 1}),
    # a value that begins in the shared prefix and ends in the part that differs
    (CHROME + "Ann Leeds" + FOOTER, CHROME + "Ann Lee." + FOOTER, {"name": 1}),
    # the shared suffix turns a longer word into the value: 'Ann Lee' + 'ds' vs ' '
    ("x" + FOOTER, "y Ann Lee" + FOOTER.replace("Ann Leeds", "Ann Lee ds", 1),
     {"name": 2}),
    # a phone number whose first digits are shared with the file before
    (CHROME + "07700 900124" + FOOTER, CHROME + "07700 900123" + FOOTER, {"phone": 1}),
    # a number that the shared text extends: '07700 9001234' is not the phone
    (CHROME + "x 07700 90012" + FOOTER, CHROME + "x 07700 900123 4" + FOOTER,
     {"phone": 1}),
])
def test_searching_only_what_differs(previous, text, expected):
    scanner = LeakScanner(SENSITIVE)
    assert dict(scanner.scan_text(text, pieces(previous))) == expected
    assert scanner.scan_text(text, pieces(previous)) == scanner.scan_text(text)


PIECES = ["Ann", "Lee", "ann lee", " ", "\n", "s", "07700", "900123", "9001", "23", "-",
          "(", "<p>", "7 Canary", "Row", "NB9", "9ZZ", "x", "0", "44", "1000 2333"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30), min_size=1, max_size=6),
       st.lists(st.sampled_from(PIECES), max_size=40))
def test_incremental_search_finds_what_a_whole_search_finds(bodies, shared):
    """Files that share a random prefix and suffix: over the sequence, the hits found by
    searching only what differs equal the hits of searching every file whole."""
    scanner = LeakScanner(SENSITIVE)
    common = "".join(shared)
    files = [common + "".join(body) + common for body in bodies]
    whole = sum((scanner.scan_text(f) for f in files), start=type(scanner.scan_text(""))())
    incremental = scanner.scan_text(files[0])
    for before, text in itertools.pairwise(files):
        found = scanner.scan_text(text, pieces(before))
        # what the shared part holds was counted in an earlier file
        assert set(found) <= set(scanner.scan_text(text))
        incremental += found
    assert set(incremental) == set(whole)


def test_the_report_names_every_file_a_value_is_in(tmp_path: Path):
    """The incremental search finds a value in a shared part once; a hit then makes the
    scan search every file whole, so the report names each file."""
    for i in range(5):
        page = tmp_path / f"entry-{i}" / "index.html"
        page.parent.mkdir()
        page.write_text(CHROME + f"entry {i}" + "<p>Contact Bartholomew Quince</p>" + FOOTER)
    report = scan(tmp_path, SENSITIVE)
    assert sorted(report.hits) == [f"entry-{i}/index.html: name" for i in range(5)]
    assert report.files_scanned == 5


def test_forked_workers_find_what_one_process_finds(tmp_path: Path):
    """More files than one block: the blocks are shared between worker processes."""
    for i in range(2 * BLOCK + 7):
        page = tmp_path / f"entry-{i:04d}" / "index.html"
        page.parent.mkdir()
        planted = "<p>ring 07700 900123</p>" if i % 97 == 3 else ""
        page.write_text(CHROME + f"entry {i}" + planted + FOOTER)
    expected = {f"entry-{i:04d}/index.html: phone": 1 for i in range(2 * BLOCK + 7)
                if i % 97 == 3}
    assert dict(scan(tmp_path, SENSITIVE, workers=1).hits) == expected
    assert dict(scan(tmp_path, SENSITIVE, workers=2).hits) == expected


def test_contents_are_searched_as_the_files_they_become(tmp_path: Path):
    """Bytes searched before they are written give the report the files would."""
    from generator.privacy.leakscan import LeakScanner, list_files, scan_contents

    for i in range(3):  # one value in a shared part: every file must still be named
        (tmp_path / f"page-{i}.html").write_text(CHROME + "<p>7 Canary Row</p>" + FOOTER)
    (tmp_path / "map.js.gz").write_bytes(gzip.compress(b"var p = '07700 900123';"))
    contents = {p.name: p.read_bytes() for p in list_files(tmp_path)}
    report = scan_contents(LeakScanner(SENSITIVE), contents)
    assert dict(report.hits) == dict(scan(tmp_path, SENSITIVE).hits) == {
        "page-0.html: address": 1, "page-1.html: address": 1, "page-2.html: address": 1,
        "map.js.gz: phone": 1}
    assert report.files_scanned == 4


def test_the_scanner_process_finds_what_this_process_finds(tmp_path: Path):
    """The build's scanner runs in a process of its own, sent the values once and then
    each batch of files; its report is the same as a scan here."""
    from generator.privacy.leakscan import LeakScan, ScanFailed, list_files

    for i in range(3):
        page = tmp_path / f"entry-{i}" / "index.html"
        page.parent.mkdir()
        page.write_text(CHROME + (f"<p>near 7 Canary Row {i}</p>" if i == 1 else "") + FOOTER)
    (tmp_path / "clean.html").write_text(CHROME + FOOTER)
    with LeakScan(SENSITIVE, public=["1 Other Street"]) as scanner:
        files = list_files(tmp_path)
        scanner.search_files(tmp_path, files, workers=2)
        report = scanner.report()
        assert dict(report.hits) == dict(scan(tmp_path, SENSITIVE).hits) == {
            "entry-1/index.html: address": 1}
        assert report.files_scanned == 4
        scanner.search_files(tmp_path, [tmp_path / "clean.html"])
        assert scanner.report().clean
        # Files not yet written are searched from their bytes, named by their path.
        contents = {p.relative_to(tmp_path).as_posix(): p.read_bytes() for p in files}
        scanner.search_contents(contents)
        scanner.search_contents({"downloads/register.csv": b"ref,address\n1,7 Canary Row\n"})
        both = scanner.report()
        assert dict(both.hits) == {"entry-1/index.html: address": 1,
                                   "downloads/register.csv: address": 1}
        assert both.files_scanned == 5 and scanner.idle()
        # A file that vanished is a failure, not a clean scan.
        scanner.search_files(tmp_path, [tmp_path / "gone.html"])
        with pytest.raises(ScanFailed, match="FileNotFoundError"):
            scanner.report()
    with pytest.raises(ScanFailed, match="closed"):
        scanner.search_files(tmp_path, files)


def test_a_scanner_that_cannot_be_made_fails_every_search(tmp_path: Path):
    from generator.privacy.leakscan import LeakScan, ScanFailed

    with LeakScan("not the values", public=[]) as broken:  # type: ignore[arg-type]
        broken.search_contents({"a.html": b"nothing"})
        with pytest.raises(ScanFailed, match="could not be made"):
            broken.report()
