"""Checks on comms staff's pages: each names the page and the line."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_project
from generator.render.tables import caption_tables
from generator.site.content_checks import (
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
    ("markdown", "broken_lines"),
    [
        ("See [the FAQ](faq.md).", []),
        ("See [the register](register/index.md) and [map](maps/register.md#key).", []),
        ("See [the register](register/) too.", []),
        ("[Council](https://www.example.gov.uk) [mail](mailto:a@b.c) [top](#top)", []),
        ("Line one\nSee [old page](old-faq.md).", [2]),
        ("[a](nope.md) and [b](also/missing.md)", [1, 1]),
        ("```\n[not a link](missing.md)\n```", []),
        ("![Alt](missing.png)", []),  # images are checked by the alt-text check
    ],
)
def test_broken_links(markdown, broken_lines):
    found = broken_links("index.md", markdown, 1, KNOWN)
    assert [f.line for f in found] == broken_lines
    assert all(f.kind == "broken-link" for f in found)


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


def test_an_overdue_review_date_warns_but_builds(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    glossary = project.root / "site_src" / "glossary.md"
    text = glossary.read_text()
    glossary.write_text(text.replace("last_reviewed: 2026-11-22", "last_reviewed: 2023-01-01"))
    result = project.build("--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    issues = (project.reports / "issues.csv").read_text()
    assert "site_src/glossary.md" in issues and "review-overdue" in issues


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
def test_tables_without_caption(markdown, lines):
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
