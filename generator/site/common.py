"""What every generated page needs: the template environment, front matter, slugs."""

from __future__ import annotations

import datetime as dt
import html
import json
from dataclasses import dataclass, field
from functools import cache

import jinja2

from generator.core.untrusted import markdown_text


@dataclass(frozen=True)
class FastPage:
    """A generated page whose body is finished HTML: MkDocs renders one skeleton page per
    folder and the plugin fills it in for each (see plugin.py), instead of running
    Markdown and the theme for every one of tens of thousands of pages."""

    title: str
    description: str
    body: str


@dataclass
class GeneratedSite:
    """Pages (Markdown, by path under the docs folder) and other files, made by stages."""

    pages: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    fast_pages: dict[str, FastPage] = field(default_factory=dict)

    def add_fast_page(self, path: str, title: str, body: str, description: str = "") -> None:
        if path.endswith("/index.md") or path == "index.md":
            raise ValueError(f"{path}: an index page sits one level up from its "
                             "siblings, so it cannot share their skeleton")
        self.fast_pages[path] = FastPage(title, description, body)

    def add_page(self, path: str, title: str, body: str, description: str = "",
                 extra: dict[str, object] | None = None) -> None:
        # Material writes the title and description into the page unescaped (MkDocs'
        # theme templates do not autoescape), and a description can name the council.
        meta: dict[str, object] = {"title": html.escape(title)}
        if description:
            meta["description"] = html.escape(description)
        meta.update(extra or {})
        self.pages[path] = front_matter(meta) + body + "\n"

    def add_file(self, path: str, content: str | bytes) -> None:
        self.files[path] = content.encode("utf-8") if isinstance(content, str) else content


def front_matter(meta: dict[str, object]) -> str:
    # Each value as JSON, which YAML reads as a quoted scalar: safe for any title from
    # the export, and far faster than yaml.safe_dump over tens of thousands of pages.
    lines = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n"
                    for key, value in meta.items())
    return f"---\n{lines}---\n\n"


@cache
def longdate(value: dt.date | None) -> str:
    """'1 November 2026'. Cached: every register entry shows many dates, of a few
    thousand different days."""
    if value is None:
        return "not recorded"
    return f"{value.day} {value:%B %Y}"


@cache
def templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator.site", "templates"),
        autoescape=True,  # every value from the export is escaped
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["longdate"] = longdate
    env.filters["markdown_text"] = markdown_text
    return env


def render(template: str, **context: object) -> str:
    return templates().get_template(template).render(**context)


def relative_root(path: str) -> str:
    """From a page's docs path to the site root, with directory URLs (a/b.md -> ../../)."""
    parts = path.split("/")
    depth = len(parts) - 1 + (0 if parts[-1] == "index.md" else 1)
    return "../" * depth
