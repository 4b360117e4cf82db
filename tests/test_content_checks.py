"""Checks on comms staff's pages: each names the page and the line."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from conftest import make_project
from generator.render.tables import caption_tables
from generator.site.content_checks import (
    broken_anchors,
    broken_links,
    hard_paragraphs,
    images_without_alt,
    reading_ease,
    review_date,
    skipped_headings,
    tables_without_caption,
)

KNOWN = {"index.md", "faq.md", "register/index.md", "maps/register.md", "assets/site.css"}


@pytest.mark.parametrize(
    ("markdown", "found"),
    [
        ("See [the FAQ](faq.md).", []),
        ("See [the register](register/index.md) and [map](maps/register.md#key).", []),
        ("See [the register](register/) too.", []),
        ("[Council](https://www.example.gov.uk) [mail](mailto:a@b.c) [top](#top)", []),
        ("Line one\nSee [old page](old-faq.md).", [(2, "broken-link")]),
        ("[a](nope.md) and [b](also/missing.md)", [(1, "broken-link"), (1, "broken-link")]),
        ("```\n[not a link](missing.md)\n```", []),
        ("Write `[text](missing.md)` for a link.", []),  # shown, not made
        ("![Alt](missing.png)", [(1, "missing-image")]),
        ('Text\n<img src="gone.png" alt="A sign">', [(2, "missing-image")]),
        ("![Alt](assets/site.css)", []),
        ('<a href="old.md">old</a>', [(1, "broken-link")]),
        ("[ref]: missing.md", [(1, "broken-link")]),
        ("[tel](tel:0161) [our site]({{ council.website }})", []),
    ],
)
def test_broken_links(markdown, found):
    result = broken_links("index.md", markdown, 1, KNOWN)
    assert [(f.line, f.kind) for f in result] == found


IDS = {"faq.md": {"will-my-name-be-shared", "appeals"}, "index.md": {"contact"}}


@pytest.mark.parametrize(
    ("markdown", "found"),
    [
        ("[a](faq.md#appeals) [b](#contact) [top](#top) [c](faq.md)", []),
        ("One\n[a](faq.md#apeals)", [2]),
        ("[b](#contacts)", [1]),
        ("[entry](register/index.md#anything)", []),  # a page MkDocs did not render
        ("[gone](gone.md#x)", []),  # reported as a broken link instead
        ("```\n[a](faq.md#nope)\n```", []),
    ],
)
def test_broken_anchors(markdown, found):
    result = broken_anchors("index.md", markdown, 1, KNOWN, IDS)
    assert [f.line for f in result] == found
    assert all(f.kind == "broken-anchor" for f in result)


def test_a_broken_anchor_names_the_parts_the_page_has():
    (finding,) = broken_anchors("index.md", "[a](faq.md#apeals)", 1, KNOWN, IDS)
    assert "#appeals" in finding.message and "#will-my-name-be-shared" in finding.message


def test_links_are_resolved_relative_to_the_page():
    assert broken_links("register/index.md", "[faq](../faq.md)", 1, KNOWN) == []
    assert broken_links("register/index.md", "[faq](faq.md)", 1, KNOWN)[0].line == 1


@pytest.mark.parametrize(
    ("markdown", "lines"),
    [
        ("![A map of the district](map.png)", []),
        ("text\n![](map.png)", [2]),
        ('<img src="a.png" alt="A sign">', []),
        ('<img src="a.png">', [1]),
        ('<img src="a.png" alt="">', [1]),
    ],
)
def test_images_without_alt(markdown, lines):
    assert [f.line for f in images_without_alt("p.md", markdown, 1)] == lines


@pytest.mark.parametrize(
    ("markdown", "lines"),
    [
        ("## A\n### B\n## C\n### D", []),
        ("## A\n#### B", [2]),
        ("### Starts too deep", [1]),
        ("## A\n```\n#### in code\n```", []),
    ],
)
def test_skipped_headings(markdown, lines):
    assert [f.line for f in skipped_headings("p.md", markdown, 1)] == lines


def test_reading_ease_tells_plain_from_dense_text():
    plain = ("You can tell us about building work that may need permission. We will look "
             "at it. We will tell you what we find. It may take a few weeks.")
    dense = ("Notwithstanding the aforementioned considerations, the authority's "
             "determination regarding the expediency of initiating enforcement "
             "proceedings necessitates comprehensive evaluation of multifarious "
             "considerations, including proportionality and jurisprudential precedent.")
    assert reading_ease(plain) > 70
    assert reading_ease(dense) < 0
    found = hard_paragraphs("p.md", f"{plain}\n\n{dense}\n", 5, 50)
    assert [(f.line, f.kind) for f in found] == [(7, "hard-to-read")]


@pytest.mark.parametrize(
    ("meta", "kind"),
    [
        ({"last_reviewed": dt.date(2026, 6, 1)}, None),
        ({"last_reviewed": "2026-06-01"}, None),
        ({"last_reviewed": dt.date(2024, 1, 1)}, "review-overdue"),
        ({}, "no-review-date"),
        ({"last_reviewed": "last spring"}, "bad-review-date"),
    ],
)
def test_review_date(meta, kind):
    found = review_date("faq.md", meta, dt.date(2026, 11, 22), 365)
    assert [f.kind for f in found] == ([kind] if kind else [])


def test_a_broken_link_fails_the_build_naming_page_and_line(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    faq = project.root / "site_src" / "faq.md"
    lines = faq.read_text().splitlines()
    lines.insert(8, "Read [our old guide](old-guide.md) first.")
    faq.write_text("\n".join(lines) + "\n")
    result = project.build()
    assert result.exit_code == 1
    assert "site_src/faq.md, line 9" in result.stderr
    assert "old-guide.md" in result.stderr
    assert "Traceback" not in result.output
    assert not project.site.exists()


def test_an_overdue_review_date_warns_in_its_own_section_and_file(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    glossary = project.root / "site_src" / "glossary.md"
    text = glossary.read_text()
    glossary.write_text(text.replace("last_reviewed: 2026-11-22", "last_reviewed: 2023-01-01"))
    result = project.build("--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    # The console: the data's problems, then a section of the pages' own.
    data, _, pages = result.stdout.partition("Pages in site_src/:")
    assert "review" not in data and "site_src" not in data
    assert "WARNING site_src/glossary.md, line 1: the page was last reviewed on 1 " \
           "January 2023" in pages
    assert "content.csv" in pages
    # The reports: the data's in issues.csv, the pages' in content.csv.
    assert "site_src" not in (project.reports / "issues.csv").read_text()
    rows = list(csv.DictReader((project.reports / "content.csv").open()))
    overdue = [r for r in rows if r["kind"] == "review-overdue"]
    assert [(r["page"], r["line"]) for r in overdue] == [("site_src/glossary.md", "1")]
    assert overdue[0]["fix"].startswith("Review the page")
    # No false warnings: every one names a file that exists (not the skeleton pages of
    # the register, which the build makes).
    assert rows, "the sample pages have warnings to check this with"
    for row in rows:
        assert (project.root / row["page"]).is_file(), row
    # Validating the export checks no pages: it leaves the pages' list as it was.
    before = (project.reports / "content.csv").read_text()
    project.validate("--today", "2026-11-22")
    assert (project.reports / "content.csv").read_text() == before


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Read [the appeals answer](faq.md#appeal-time-limits).",
         "the link to 'faq.md#appeal-time-limits' names a part '#appeal-time-limits'"),
        ("See [below](#no-such-part).", "names a part '#no-such-part' that this page"),
        ("![A site plan](plans/site-plan.png)", "the image 'plans/site-plan.png' is not in "
         "site_src/"),
        ("Call {{ council.fax }} today.", "fax"),
    ],
)
def test_a_broken_anchor_image_or_template_fails_the_build_naming_page_and_line(
        tmp_path, small_export, line, expected):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    page = project.root / "site_src" / "charter.md"
    lines = page.read_text().splitlines()
    lines.insert(10, line)
    page.write_text("\n".join(lines) + "\n")
    result = project.build()
    assert result.exit_code == 1
    assert "site_src/charter.md, line 11" in result.stderr
    assert expected in result.stderr
    assert "How to fix it:" in result.stderr
    assert "Traceback" not in result.output
    assert not project.site.exists()
    rows = list(csv.DictReader((project.reports / "content.csv").open()))
    assert [(r["page"], r["line"], r["severity"]) for r in rows if r["severity"] == "error"] \
        == [("site_src/charter.md", "11", "error")]


@pytest.mark.parametrize(
    ("markdown", "lines"),
    [
        ("Table: Our targets\n\n| A | B |\n| --- | --- |\n| 1 | 2 |", []),
        ("Intro.\n\n| A | B |\n| --- | --- |\n| 1 | 2 |", [3]),
        ("| A | B |\n|:---|---:|\n| 1 | 2 |\n\n| C |\n| --- |", [1, 5]),
        ("| not | a table |\nwithout a rule", []),
        ("```\n| A |\n| --- |\n```", []),
    ],
)
def test_tables_without_caption(markdown, lines):
    assert [f.line for f in tables_without_caption("p.md", markdown, 1)] == lines


def test_a_caption_line_becomes_the_tables_caption():
    html = "<p>Table: Our <em>targets</em></p>\n<table>\n<thead>"
    assert caption_tables(html) == "<table>\n<caption>Our <em>targets</em></caption>\n<thead>"
    assert caption_tables("<p>Tables: many</p>\n<table>") == "<p>Tables: many</p>\n<table>"


def test_a_page_named_like_a_generated_page_fails_the_build_naming_it(tmp_path,
                                                                     small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    (project.root / "site_src" / "statistics").mkdir()
    (project.root / "site_src" / "statistics" / "index.md").write_text("# Mine\n")
    result = project.build()
    assert result.exit_code == 1
    assert "site_src/statistics/index.md: the build makes a page or file with this name" \
        in result.stderr
    assert "Rename the file, or move it out of that folder" in result.stderr
    assert not project.site.exists()


TABLE = "| A | B |\n| --- | --- |\n| 1 | 2 |\n"


@pytest.mark.parametrize(("markdown", "lines"), [
    ("Table: Our targets\n\n" + TABLE, []),
    ("Table: Our targets\n" + TABLE, []),
    ("Some text.\n\n" + TABLE, [3]),
    (TABLE, [1]),
    ("Table: one\n\n" + TABLE + "\n" + TABLE, [7]),
    ("| not | a table |\nno rule line", []),
    ("```\n" + TABLE + "```", []),
    ("Table: with a rule that has colons\n\n| A | B |\n|:---|---:|\n", []),
    ("|:---|---:|\n", []),
])
def test_tables_without_caption_more_cases(markdown, lines):
    found = tables_without_caption("charter.md", markdown, 1)
    assert [f.line for f in found] == lines
    assert all(f.kind == "table-no-caption" for f in found)


@pytest.mark.parametrize(("html", "expected"), [
    ("<p>Table: Our targets</p>\n<table>\n<thead>\n<tr>\n<th>A</th>\n"
     '<th style="text-align: right;">B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>'
     "</tr></tbody></table>",
     "<table>\n<caption>Our targets</caption>\n<thead>\n<tr>\n<th scope=\"col\">A</th>\n"
     '<th scope="col" style="text-align: right;">B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n'
     "<td>1</td></tr></tbody></table>"),
    ("<p>No caption</p><table><thead><tr><th scope=\"col\">A</th></tr></thead></table>",
     "<p>No caption</p><table><thead><tr><th scope=\"col\">A</th></tr></thead></table>"),
    ("<p>Table: x</p><p>text</p><table></table>", "<p>Table: x</p><p>text</p><table></table>"),
    ("<p>No tables</p>", "<p>No tables</p>"),
])
def test_caption_tables(html, expected):
    assert caption_tables(html) == expected
