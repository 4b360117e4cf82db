"""Page addresses: unique by construction across every kind of page, and stable."""

from __future__ import annotations

import csv
import re

import pytest

from conftest import Project, append_rows
from generator.site.slugs import page_name, slugify, unique_slugs


@pytest.mark.parametrize(("text", "slug"), [
    ("ENF/2021/0007", "enf-2021-0007"),
    ("  enf 21 / 7  ", "enf-21-7"),
    ("Élan Court", "elan-court"),
    ("Øster Lane", "oster-lane"),
    ("Łukasz", "lukasz"),
    ("!!!", "entry"),
    ("../../etc/passwd", "etc-passwd"),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_clashing_keys_get_a_suffix_from_their_own_text_and_the_first_keeps_its_slug():
    slugs, clashes = unique_slugs(["X/2020/1", "X-2020-1", "ENF/21/7", "ENF-21-7",
                                   "ENF-21-7-2", "INDEX", "A" * 90])
    assert slugs == {
        "X/2020/1": "x-2020-1", "X-2020-1": "x-2020-1--aa30cc",
        "ENF/21/7": "enf-21-7", "ENF-21-7": "enf-21-7--fe5421", "ENF-21-7-2": "enf-21-7-2",
        "INDEX": "index--ea0746",  # a folder's own page
        "A" * 90: "a" * 80 + "--c64ef7",  # cut short, so never equal to another's
    }
    assert clashes == [["X/2020/1", "X-2020-1"], ["ENF/21/7", "ENF-21-7"]]


def test_a_key_keeps_its_address_whatever_else_is_published():
    alone, _ = unique_slugs(["X-2020-1"])
    later, _ = unique_slugs(["X/2020/1", "X-2020-1", "Y/1"])
    assert alone["X-2020-1"] == "x-2020-1"
    assert later["X-2020-1"] == "x-2020-1--aa30cc"
    assert unique_slugs(["X/2020/1", "X-2020-1"])[0]["X-2020-1"] == "x-2020-1--aa30cc"


def test_list_pages_are_named_apart_from_every_slug():
    assert [page_name("a", k) for k in (1, 2, 3)] == ["a", "a--page-2", "a--page-3"]
    assert "--" not in slugify("a--page-2 / a - - 2")


NOTICE = {"Case Ref": "24/09905/ENF", "Date Issued": "10/03/2025",
          "Date Effective": "11/04/2025", "Compliance Period": "3 months",
          "Compliance Date": "11/07/2025", "Register Entry Date": "12/03/2025",
          "Breach Summary": "Unauthorised extension.", "Requirements": "Remove it.",
          "Ward": "E05099011", "Authority": "NBK"}


def test_every_published_notice_has_its_own_page(project: Project):
    """References that slugify alike, across register entries and other notices, a
    reference that is a folder's own page name, and addresses in other alphabets: every
    notice published has its own page, and reconciliation counts exactly those pages."""
    planted = [
        ("X/2020/1", "ENF", "11/03/2025", "1 Quillon Lane"),
        ("ENF/21/8", "ENF", "05/02/2021", "Ÿr Efail, Brookside"),
        ("X-2020-1", "S215", "11/03/2024", "2 Quillon Lane"),  # served first
        ("ENF/21/7", "ENF", "01/02/2021", "Élan Court, Brookside"),
        ("ENF-21-7", "STOP", "02/02/2021", "Øster House, Brookside"),
        ("ENF-21-7-2", "S215", "03/02/2021", "Ÿr Hen Efail, Brookside"),
        ("INDEX", "ENF", "04/02/2021", "3 Quillon Lane"),
    ]
    rows = append_rows(project.export / "notices.csv", [
        {**NOTICE, "Notice Ref": ref, "Notice Type": kind, "Date Served": served,
         "Site Address": address} for ref, kind, served, address in planted])
    result = project.build()
    assert result.exit_code == 0, result.output

    entries = project.site / "register" / "entries"
    pages = {p.name: (p / "index.html").read_text() for p in entries.iterdir()}
    with (project.reports / "reconciliation.csv").open() as handle:
        published = int(next(r for r in csv.DictReader(handle)
                             if r["file"] == "notices.csv")["published"])
    assert len(pages) == published
    shown = {re.search(r"<caption>[^<]* ([^ <]+): what the register records", text)
             .group(1): name for name, text in pages.items()}
    assert {ref for ref, *_ in planted} <= set(shown)
    assert shown["X-2020-1"] == "x-2020-1"  # served first, keeps the plain address
    assert shown["X/2020/1"].startswith("x-2020-1--")
    assert shown["INDEX"].startswith("index--")
    issues = (project.reports / "issues.csv").read_text()
    for reference, row in (("X/2020/1", rows[0]), ("ENF-21-7", rows[4])):
        assert re.search(rf"notices.csv,{row},reference,{re.escape(reference)},"
                         r"page-address-clash,warning", issues), reference
    letters = {p.name for p in (project.site / "register" / "address").iterdir()
               if p.is_dir()}
    assert {"e", "o", "y"} <= letters and "entry" not in letters
    o_page = (project.site / "register" / "address" / "o" / "index.html").read_text()
    assert "Øster House" in o_page
