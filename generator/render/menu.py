"""The site's menu, from the pages themselves: a page declares where it goes in its front
matter, so adding a page to the menu is adding one Markdown file.

    section: About enforcement   # the menu heading it sits under (none: top level)
    order: 430                   # its place: lower comes first
    menu_title: Glossary         # optional; the page's `title` otherwise

A section sits where its lowest `order` puts it among the top-level pages and the other
sections. Ties are broken by the title and then the file name, so the menu is the same
on every build whatever order the files are listed in. A page with `menu: false` is
left out on purpose; a comms page with neither `section` nor `order` is left out with a
warning (generated pages without them, such as register entries, are left out silently:
MkDocs puts the whole menu in every page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.core.problems import Severity
from generator.site.content_checks import Finding

UNORDERED = 10_000  # a page in a section without an `order` goes after the others


@dataclass(frozen=True)
class MenuEntry:
    path: str  # under site_src/
    title: str | None
    section: str | None
    order: int


def menu_entry(path: str, meta: dict[str, Any], ours: bool) -> tuple[MenuEntry | None,
                                                                      list[Finding]]:
    """Where the page `path` with front matter `meta` goes in the menu, if anywhere, and
    what is wrong with what it says. `ours` is true of comms staff's pages."""
    if meta.get("menu") is False:
        return None, []
    section, order = meta.get("section"), meta.get("order")
    findings = []
    if section is None and order is None:
        if ours and path != "404.md":
            findings.append(Finding(path, 1, "not-in-menu", Severity.WARNING,
                                    "the page is not in the menu: add 'section:' and "
                                    "'order:' to its front matter (or 'menu: false' if "
                                    "it should stay out)"))
        return None, findings
    if section is not None and not (isinstance(section, str) and section.strip()):
        findings.append(Finding(path, 1, "bad-menu-entry", Severity.WARNING,
                                f"'section: {section}' is not the name of a menu heading; "
                                "the page is put at the top level"))
        section = None
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        findings.append(Finding(path, 1, "bad-menu-entry", Severity.WARNING,
                                f"'order: {order}' is not a whole number such as 430; "
                                "the page is put last in its section"))
        order = None
    title = meta.get("menu_title") or meta.get("title")
    return MenuEntry(path, str(title) if title else None,
                     section.strip() if isinstance(section, str) else None,
                     UNORDERED if order is None else order), findings


def _key(entry: MenuEntry) -> tuple[int, str, str]:
    return entry.order, (entry.title or "").casefold(), entry.path


def _item(entry: MenuEntry) -> Any:
    return {entry.title: entry.path} if entry.title else entry.path


def build_menu(entries: list[MenuEntry]) -> list[Any]:
    """MkDocs' `nav` setting for these entries."""
    sections: dict[str, list[MenuEntry]] = {}
    top: list[tuple[tuple[int, str, str], Any]] = []
    for entry in entries:
        if entry.section is None:
            top.append((_key(entry), _item(entry)))
        else:
            sections.setdefault(entry.section, []).append(entry)
    for name, members in sections.items():
        members.sort(key=_key)
        first = _key(members[0])
        top.append(((first[0], name.casefold(), first[2]),
                    {name: [_item(m) for m in members]}))
    return [item for _, item in sorted(top, key=lambda pair: pair[0])]
