"""The glossary: its terms, the first use of each on other pages linked to it, and every
status a register entry can show explained there."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, make_project
from generator.core.model import NoticeStatus
from generator.render.glossary import Linker, glossary_terms, with_term_ids
from generator.site.slugs import glossary_id

GLOSSARY = """# Glossary

Intro with a [link](faq.md).

Appeal
:   A request.

Breach
Breach of condition notice
:   Two terms, one definition.

```
Not a term
:   in a code block
```
"""


def test_the_terms_a_glossary_defines():
    assert glossary_terms(GLOSSARY) == ["Appeal", "Breach", "Breach of condition notice"]


LINKER = Linker(["Appeal", "Breach", "Breach of condition notice", "In force: compliance "
                 "date passed"])
G = "../glossary/"


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>An appeal, and another appeal.</p>",
         f'<p>An <a class="glossary-term" href="{G}#appeal">appeal</a>, and another '
         "appeal.</p>"),
        ("<p>Two appeals.</p>",
         f'<p>Two <a class="glossary-term" href="{G}#appeal">appeals</a>.</p>'),
        ("<p>A breach of\ncondition notice, then a breach.</p>",
         f'<p>A <a class="glossary-term" href="{G}#breach-of-condition-notice">breach of\n'
         f'condition notice</a>, then a <a class="glossary-term" href="{G}#breach">breach'
         "</a>.</p>"),
        ('<h2 id="appeal">Appeal</h2><p><a href="x/">Appeal</a> <code>appeal</code></p>',
         '<h2 id="appeal">Appeal</h2><p><a href="x/">Appeal</a> <code>appeal</code></p>'),
        ("<p>Appealing, unappealable, appeal-free.</p>",
         "<p>Appealing, unappealable, appeal-free.</p>"),
        ("<td>In force: compliance date passed</td>",
         f'<td><a class="glossary-term" href="{G}#in-force-compliance-date-passed">In '
         "force: compliance date passed</a></td>"),
        ("<p>Breach &amp; appeal <br> <img alt=\"appeal\" src=\"a.png\"> breach</p>",
         f'<p><a class="glossary-term" href="{G}#breach">Breach</a> &amp; '
         f'<a class="glossary-term" href="{G}#appeal">appeal</a> <br> '
         '<img alt="appeal" src="a.png"> breach</p>'),
    ],
)
def test_the_first_use_of_a_term_is_linked(html, expected):
    assert LINKER.link(html, G) == expected


def test_terms_get_ids_on_the_glossary_page():
    assert with_term_ids("<dl><dt>In force: compliance date passed</dt><dd>x</dd></dl>") \
        == '<dl><dt id="in-force-compliance-date-passed">In force: compliance date ' \
           "passed</dt><dd>x</dd></dl>"


def test_every_status_of_a_notice_is_explained_in_the_glossary():
    terms = glossary_terms((REPO / "site_src" / "glossary.md").read_text())
    missing = [s.value for s in NoticeStatus if s.value not in terms]
    assert missing == []


def test_pages_link_to_the_glossary_and_entries_explain_their_status(tmp_path,
                                                                   small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    plan = project.root / "site_src" / "enforcement-plan.md"
    plan.write_text(plan.read_text().replace("order: 410", "order: 410\nglossary_links: false"))
    result = project.build("--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    glossary = (project.site / "glossary" / "index.html").read_text()
    ids = set(re.findall(r'<dt id="([^"]+)"', glossary))
    assert {"appeal", "in-force-compliance-date-passed"} <= ids
    faq = (project.site / "faq" / "index.html").read_text()
    assert ('<a class="glossary-term" href="../glossary/#breach-of-planning-control">'
            "breach of planning control</a>") in faq
    assert faq.count('href="../glossary/#breach-of-planning-control"') == 1
    assert 'href="../glossary/#served"' not in faq  # an everyday word: not linked
    assert "glossary-term" not in (project.site / "enforcement-plan" / "index.html").read_text()
    # Every register entry links its status to the term's definition.
    for entry in sorted((project.site / "register" / "entries").glob("*/index.html"))[:40]:
        target = re.search(r'href="\.\./\.\./\.\./glossary/#([^"]+)">what this status means',
                           entry.read_text())
        assert target and target.group(1) in ids, entry
    assert glossary_id("In force: compliance date passed") == "in-force-compliance-date-passed"
