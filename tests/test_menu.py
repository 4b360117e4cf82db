"""The menu comes from the pages' front matter: adding a page is adding one file."""

from __future__ import annotations

import re

import pytest

from conftest import make_project
from generator.render.menu import MenuEntry, build_menu, menu_entry


def _entry(path: str, **meta: object) -> MenuEntry:
    entry, findings = menu_entry(path, meta, ours=True)
    assert entry is not None and not findings
    return entry


def test_sections_sit_at_their_lowest_order_and_pages_in_order():
    entries = [
        _entry("privacy.md", title="Privacy notice", section="About this site", order=510),
        _entry("index.md", title="Planning enforcement", menu_title="Home", order=0),
        _entry("faq.md", title="Questions and answers", section="About enforcement",
               order=420),
        _entry("open-data.md", title="Open data", section="About this site", order=500),
        _entry("charter.md", title="Enforcement charter", section="About enforcement",
               order=400),
        _entry("search/index.md", title="Search", order=10),
    ]
    expected = [
        {"Home": "index.md"},
        {"Search": "search/index.md"},
        {"About enforcement": [{"Enforcement charter": "charter.md"},
                               {"Questions and answers": "faq.md"}]},
        {"About this site": [{"Open data": "open-data.md"},
                             {"Privacy notice": "privacy.md"}]},
    ]
    assert build_menu(entries) == expected
    assert build_menu(list(reversed(entries))) == expected  # whatever order files come in


def test_equal_orders_and_missing_orders_are_still_deterministic():
    entries = [_entry("b.md", title="Bee", section="S", order=5),
               _entry("a.md", title="Bee", section="S", order=5),
               _entry("z.md", title="Aardvark", section="S"),
               _entry("c.md", title="Ant", section="S", order=5)]
    assert build_menu(entries) == [{"S": [{"Ant": "c.md"}, {"Bee": "a.md"}, {"Bee": "b.md"},
                                          {"Aardvark": "z.md"}]}]


@pytest.mark.parametrize(
    ("meta", "ours", "placed", "kinds"),
    [
        ({"title": "T", "section": "S", "order": 3}, True, ("S", 3), []),
        ({"title": "T"}, True, None, ["not-in-menu"]),
        ({"title": "T"}, False, None, []),  # a register entry: silently out
        ({"title": "T", "menu": False}, True, None, []),
        ({"title": "T", "section": "S", "order": "first"}, True, ("S", 10_000),
         ["bad-menu-entry"]),
        ({"title": "T", "section": ["S"], "order": 4}, True, (None, 4), ["bad-menu-entry"]),
    ],
)
def test_menu_entry(meta, ours, placed, kinds):
    entry, findings = menu_entry("p.md", meta, ours)
    assert (None if entry is None else (entry.section, entry.order)) == placed
    assert [f.kind for f in findings] == kinds


def _menu_links(page_html: str) -> list[str]:
    """The primary menu's links, without the open page's table of contents."""
    menu = page_html[page_html.index("md-nav--primary"):]
    menu = menu[:menu.index("md-sidebar--secondary")]
    return [h for h in re.findall(r'<a href="([^"]*)" class="md-nav__link', menu)
            if "#" not in h]


def test_a_new_page_with_front_matter_appears_in_the_menu(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    (project.root / "site_src" / "contact-us.md").write_text(
        "---\ntitle: Contact the enforcement team\ndescription: How to reach us.\n"
        "last_reviewed: 2026-11-22\nsection: About this site\norder: 505\n"
        "menu_title: Contact us\n---\n\n# Contact the enforcement team\n\nWrite to us.\n")
    (project.root / "site_src" / "news.md").write_text(
        "---\ntitle: News\ndescription: What is new.\nlast_reviewed: 2026-11-22\n"
        "section: News\norder: 450\n---\n\n# News\n\nNothing yet.\n")
    result = project.build("--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    home = (project.site / "index.html").read_text()
    assert _menu_links(home) == [
        ".", "search/", "register/", "maps/register/", "buying-a-property/",
        "report-a-breach/",
        "after-you-report/", "track-your-report/", "priorities/", "put-it-right/",
        "statistics/", "maps/cases/",
        "statistics/quarterly-report/", "charter/", "enforcement-plan/", "faq/",
        "glossary/", "news/", "open-data/", "contact-us/", "privacy/", "accessibility/"]
    assert re.search(r'href="contact-us/" class="md-nav__link">(\s*<span[^>]*>)?'
                     r"\s*Contact us\s*<", home)
    assert "not-in-menu" not in (project.reports / "content.csv").read_text()


def test_a_page_without_a_place_in_the_menu_gets_a_warning(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    (project.root / "site_src" / "draft.md").write_text(
        "---\ntitle: Draft\ndescription: A draft.\nlast_reviewed: 2026-11-22\n---\n\n"
        "# Draft\n\nText.\n")
    result = project.build("--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "site_src/draft.md, line 1: the page is not in the menu" in result.stdout
    assert "draft/" not in _menu_links((project.site / "index.html").read_text())
    assert (project.site / "draft" / "index.html").exists()


def test_the_editors_guide_worked_example_adds_the_page_where_it_says(tmp_path,
                                                                      small_export):
    from conftest import REPO

    guide = (REPO / "site_src" / "README.md").read_text()
    walkthrough = guide[guide.index("### 2. Add a page"):]
    name = re.search(r"Create `site_src/([\w-]+\.md)`", walkthrough).group(1)
    example = re.search(r"```markdown\n(.*?)```", walkthrough, re.S).group(1)
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    (project.root / "site_src" / name).write_text(example)
    result = project.build("--today", "2026-12-01")
    assert result.exit_code == 0, result.output
    links = _menu_links((project.site / "index.html").read_text())
    stem = name.removesuffix(".md")
    assert links[links.index("faq/") + 1:links.index("glossary/")] == [f"{stem}/"]
    assert f"site_src/{name}" not in (project.reports / "content.csv").read_text()


def test_a_nav_left_in_mkdocs_yml_is_not_used_and_says_so(tmp_path, small_export, caplog):
    import yaml

    project = make_project(tmp_path / "p", small_export)
    mkdocs_yml = project.root / "mkdocs.yml"
    settings = yaml.safe_load(mkdocs_yml.read_text())
    settings["nav"] = [{"Only the FAQ": "faq.md"}]
    mkdocs_yml.write_text(yaml.safe_dump(settings))
    result = project.build("--today", "2026-11-22")
    assert result.exit_code == 0, result.output
    assert "the 'nav' in mkdocs.yml is not used" in caplog.text
    assert "glossary/" in _menu_links((project.site / "index.html").read_text())
