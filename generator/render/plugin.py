"""The MkDocs plugin (`plugins: [enforcement]` in mkdocs.yml).

It adds the pages and files the build generated (fast pages through their skeletons,
fast_pages.py), renders the template expressions comms staff may write in their own
pages (page_templates.py), checks those pages, and puts each page's Content Security
Policy in (csp.py). Generated pages are never templated: they hold values from the
export, and a '{{' in a breach summary must stay text. The preview (`enforcement-site
serve`) prepares the data once and MkDocs keeps this plugin across rebuilds, so editing
a page does not rebuild the register; `mkdocs build` on its own is refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsConfigBase
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator.config.schema import Config
from generator.core.problems import Problem, Problems, Severity
from generator.core.untrusted import tile_source
from generator.render import csp
from generator.render.fast_pages import (
    REWRITTEN,
    SKELETON,
    SKELETON_MARKDOWN,
    KeptFastPages,
    expand_skeletons,
    fast_only_folders,
)
from generator.render.page_templates import render_page_template, without_false_blocks
from generator.site.common import GeneratedSite
from generator.site.content_checks import Finding, check_page

log = logging.getLogger("mkdocs.plugins.enforcement")


@dataclass
class Prepared:
    """Everything the plugin needs from the build."""

    config: Config
    site: GeneratedSite
    context: dict[str, Any] = field(default_factory=dict)  # for comms pages' templates
    export_date_text: str = ""
    today: dt.date = field(default_factory=dt.date.today)  # for review-date warnings
    problems: Problems = field(default_factory=Problems)  # content findings go here
    # Called once MkDocs has written its pages and files, before the fast pages are
    # written, with the site folder and the files in it that will still change (the
    # build starts scanning the others for leaks then).
    before_fast_pages: Callable[[Path, frozenset[str]], None] | None = None
    # Called with the fast pages' files as they are written, a few hundred at a time
    # (the build scans them meanwhile).
    fast_pages_written: Callable[[list[Path]], None] | None = None


# How the data is prepared when MkDocs runs the plugin itself (`enforcement-site serve`
# previews through `mkdocs serve`). Only that command sets it: a plain `mkdocs build`
# would publish a site without the leak scan, the staging folder and the reports.
_preview_data: Callable[[Path], Prepared] | None = None


def allow_preview(prepare: Callable[[Path], Prepared]) -> None:
    """Let MkDocs, run by the preview command, prepare the data with `prepare`."""
    global _preview_data
    _preview_data = prepare


NOT_ON_ITS_OWN = (
    "this site is built with `enforcement-site build` (or previewed with "
    "`enforcement-site serve`), not `mkdocs build` or `mkdocs serve`: only the "
    "enforcement-site command checks the built site for personal data before it "
    "is published")


# The folders whose pages the build generates: a menu item there whose page this build
# did not generate (a notices-only export has no statistics) is left out of the menu.
GENERATED_FOLDERS = ("register/", "maps/", "statistics/", "search/")


def without_missing_pages(nav: Any, site: GeneratedSite) -> Any:
    """mkdocs.yml's menu without items for generated pages this build did not make, and
    without sections left empty."""
    if nav is None:
        return None

    def keep(item: Any) -> Any:
        if isinstance(item, str):
            missing = item.startswith(GENERATED_FOLDERS) and item not in site.pages
            return None if missing else item
        if isinstance(item, dict):
            out = {}
            for title, value in item.items():
                kept = keep(value)
                if kept not in (None, []):
                    out[title] = kept
            return out or None
        if isinstance(item, list):
            return [k for k in (keep(i) for i in item) if k is not None]
        return item

    return keep(nav)


class PluginOptions(MkDocsConfigBase):
    config_file = config_options.Type(str, default="enforcement-site.yml")


class EnforcementPlugin(BasePlugin[PluginOptions]):
    def __init__(self) -> None:
        self.prepared: Prepared | None = None
        self.kept = KeptFastPages()  # used only while previewing
        self.previewing = False
        self._generated: set[str] = set()
        self._known: set[str] = set()
        self._broken: list[Finding] = []

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Having this hook makes MkDocs keep this one instance across the rebuilds of
        # `mkdocs serve`: the data stages run once, and a rebuild after a page is edited
        # reuses the register's entry pages instead of writing them all again.
        self.previewing = command == "serve"

    def on_pre_build(self, config: MkDocsConfig) -> None:
        if self.previewing:
            self.kept.set_aside(Path(config.site_dir))

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.prepared is None:
            if _preview_data is None:
                raise PluginError(NOT_ON_ITS_OWN)
            base = Path(config.config_file_path or ".").parent
            self.prepared = _preview_data(base / self.config.config_file)
        ours = self.prepared.config
        # Material writes the site name into its pages unescaped (MkDocs' theme
        # templates do not autoescape); as Markup it is escaped once, here, and
        # Material's own `| e` leaves it as it is.
        config.site_name = Markup(escape(ours.site_name))
        if ours.site.url:
            config.site_url = ours.site.url
        config.theme["language"] = ours.site.language
        config.extra["council_name"] = ours.council.name
        config.extra["export_date"] = self.prepared.export_date_text
        config.nav = without_missing_pages(config.nav, self.prepared.site)
        if "assets/brand.css" not in config.extra_css:  # on_config runs again on reload
            config.extra_css.insert(0, "assets/brand.css")
        if ours.council.logo:
            config.theme["logo"] = f"assets/logo{Path(ours.council.logo).suffix.lower()}"
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.prepared is not None
        site = self.prepared.site
        clashes = sorted(p for p in list(site.pages) + list(site.files)
                         if files.get_file_from_path(p) is not None)
        if clashes:
            raise PluginError(
                "these files in site_src/ have the same path as pages the build "
                "generates; rename or remove them: " + ", ".join(clashes))
        for path, markdown in site.pages.items():
            files.append(File.generated(config, path, content=markdown))
        for folder in sorted({posixpath.dirname(p) for p in site.fast_pages}):
            files.append(File.generated(config, posixpath.join(folder, SKELETON + ".md"),
                                        content=SKELETON_MARKDOWN))
        for path, content in site.files.items():
            files.append(File.generated(config, path, content=content))
        # The fast pages' skeletons are the build's too: never checked as an editor's.
        self._generated = set(site.pages) | {
            posixpath.join(posixpath.dirname(p), SKELETON + ".md") for p in site.fast_pages}
        self._known = {f.src_uri for f in files}
        self.kept.folders = fast_only_folders(site.fast_pages, self._known)
        self._broken = []
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        if page.file.src_uri in self._generated:
            return markdown
        assert self.prepared is not None
        # MkDocs has already removed the front matter: count its lines back in, so that
        # errors name the line the editor sees.
        offset = max(page.file.content_string.count("\n") - markdown.count("\n"), 0)
        self._check(page, without_false_blocks(markdown, self.prepared.context), offset)
        return render_page_template(markdown, page.file.src_uri, self.prepared.context,
                                    offset)

    def _check(self, page: Page, markdown: str, offset: int) -> None:
        assert self.prepared is not None
        content = self.prepared.config.content
        for finding in check_page(page.file.src_uri, markdown, offset + 1, dict(page.meta),
                                  self._known, self.prepared.today,
                                  content.review_interval_days,
                                  content.reading_ease_target):
            self.prepared.problems.add(Problem(
                f"site_src/{finding.page}", finding.line, "", "", finding.kind,
                finding.severity, finding.message))
            if finding.severity is Severity.ERROR:
                self._broken.append(finding)

    def on_post_build(self, config: MkDocsConfig) -> None:
        assert self.prepared is not None
        if self.prepared.before_fast_pages and not self._broken:
            skeletons = {f"{posixpath.dirname(p)}/{SKELETON}/index.html"
                         for p in self.prepared.site.fast_pages}
            self.prepared.before_fast_pages(Path(config.site_dir), REWRITTEN | skeletons)
        expand_skeletons(Path(config.site_dir), self.prepared.site.fast_pages,
                         config.site_url or "", self.kept if self.previewing else None,
                         None if self._broken else self.prepared.fast_pages_written)
        if not self.previewing:
            self.prepared = None  # MkDocs keeps this instance: never reuse a build's data
            self.kept = KeptFastPages()
        if self._broken:
            raise PluginError("pages in site_src/ need fixing:\n" + "\n".join(
                f"  - {finding}" for finding in self._broken))

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        return self._with_policy(output, page.file.src_uri)

    def on_post_template(self, output_content: str, template_name: str,
                         config: MkDocsConfig) -> str:
        if not template_name.endswith(".html"):  # sitemap.xml
            return output_content
        return self._with_policy(output_content, template_name)

    def _with_policy(self, page: str, name: str) -> str:
        """The page with its Content-Security-Policy (csp.py) filled in."""
        assert self.prepared is not None
        try:
            return csp.with_policy(page, tile_source(self.prepared.config.tiles.url),
                                   preview=self.previewing)
        except ValueError as exc:
            raise PluginError(f"{name}: {exc}") from None

    def on_build_error(self, error: Exception) -> None:
        if not self.previewing:
            self.prepared = None
