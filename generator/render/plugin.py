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
import re
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
from mkdocs.utils import get_relative_url
from mkdocs.utils.meta import get_data

from generator.config.schema import Config
from generator.core.kinds import KINDS
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
from generator.render.glossary import GLOSSARY, Linker, glossary_terms, with_term_ids
from generator.render.menu import MenuEntry, build_menu, menu_entry
from generator.render.page_templates import (
    TemplateProblem,
    render_page_template,
    without_false_blocks,
)
from generator.render.preview import error_page, failure_page, with_warnings_panel
from generator.render.tables import caption_tables
from generator.site.common import GeneratedSite
from generator.site.content_checks import Finding, broken_anchors, check_page

log = logging.getLogger("mkdocs.plugins.enforcement")

# Front matter keys that put a page in the menu (menu.py); generated pages without them
# (register entries and lists) are not parsed for it.
_MENU_KEYS = re.compile(r"^(section|order|menu):", re.M)
_ID = re.compile(r"""\bid=["']([^"']+)["']""")


class _Collector(logging.Handler):
    """The errors MkDocs logs while a preview rebuilds."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


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
        self._findings: list[Finding] = []  # about comms staff's pages, this build
        self._sources: dict[str, tuple[str, int]] = {}  # their Markdown, first line
        self._ids: dict[str, set[str]] = {}  # the ids of each page MkDocs rendered
        self._linker = Linker([])
        self._glossary_url: str | None = None
        # While previewing: the pages MkDocs wrote (not the fast pages, which are kept
        # between rebuilds), and why the last build failed.
        self._rendered: set[str] = set()
        self._failure = ""

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
        # For the header and footer (theme/partials/): addresses checked by the schema
        # (https:, http: or a path on this site), shown escaped.
        config.extra["service_name"] = ours.site.title
        config.extra["council_website"] = ours.council.website
        config.extra["council_email"] = ours.council.email
        config.nav = without_missing_pages(config.nav, self.prepared.site)
        if "assets/brand.css" not in config.extra_css:  # on_config runs again on reload
            config.extra_css.insert(0, "assets/brand.css")
        if ours.council.logo:
            config.theme["logo"] = f"assets/logo{Path(ours.council.logo).suffix.lower()}"
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        assert self.prepared is not None
        self._broken, self._findings, self._sources, self._ids = [], [], {}, {}
        if self.previewing:  # the findings of this rebuild only
            self.prepared.problems = Problems()
        site = self.prepared.site
        for path in sorted(list(site.pages) + list(site.files)):
            clash = files.get_file_from_path(path)
            if clash is not None:  # the build's page wins; the build stops at the end
                files.remove(clash)
                self._record(Finding(path, 0, "reserved-path", Severity.ERROR,
                                     "the build makes a page or file with this name "
                                     "from the export, so this file would replace it"))
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
        if config.nav:
            log.warning("the 'nav' in mkdocs.yml is not used: the menu comes from the "
                        "pages' front matter (section, order; see site_src/README.md)")
        config.nav = self._menu(files)
        glossary = files.get_file_from_path(GLOSSARY)
        if glossary is not None and glossary.generated_by is None:
            markdown, meta = get_data(glossary.content_string)
            unlinked = meta.get("not_linked") or []
            unlinked = {str(t).casefold() for t in unlinked} if isinstance(unlinked, list) \
                else set()
            self._linker = Linker([t for t in glossary_terms(markdown)
                                   if t.casefold() not in unlinked])
            self._glossary_url = glossary.url
        else:
            self._linker, self._glossary_url = Linker([]), None
        return files

    def _menu(self, files: Files) -> list[Any]:
        """The menu, from every page's front matter (menu.py)."""
        entries: list[MenuEntry] = []
        for file in files.documentation_pages():
            if posixpath.basename(file.src_uri) == SKELETON + ".md":
                continue
            ours = file.generated_by is None
            text = file.content_string
            if not ours and not _MENU_KEYS.search(text[:2000]):
                continue  # a register entry or list: never in the menu
            _, meta = get_data(text)
            entry, findings = menu_entry(file.src_uri, meta, ours)
            for finding in findings:
                self._record(finding)
            if entry is not None:
                entries.append(entry)
        return build_menu(entries)

    def _record(self, finding: Finding) -> None:
        assert self.prepared is not None
        self.prepared.problems.add(Problem(
            f"site_src/{finding.page}", finding.line or None, "", "", finding.kind,
            finding.severity, finding.message))
        self._findings.append(finding)
        if finding.severity is Severity.ERROR:
            self._broken.append(finding)
        if self.previewing:  # the terminal shows them as the browser does
            log.warning(str(finding))

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        # Only comms staff's own pages: generated pages (and the skeletons of the fast
        # pages) are not theirs to fix, and warnings about them would name files that
        # do not exist.
        if page.file.generated_by is not None:
            return markdown
        assert self.prepared is not None
        # MkDocs has already removed the front matter: count its lines back in, so that
        # errors name the line the editor sees.
        offset = max(page.file.content_string.count("\n") - markdown.count("\n"), 0)
        self._sources[page.file.src_uri] = (markdown, offset + 1)
        self._check(page, without_false_blocks(markdown, self.prepared.context), offset)
        try:
            return render_page_template(markdown, page.file.src_uri,
                                        self.prepared.context, offset)
        except TemplateProblem as exc:  # reported with the others; the build stops
            self._record(Finding(exc.page, exc.line or 0, "template-error",
                                 Severity.ERROR, exc.problem))
            return markdown

    def _check(self, page: Page, markdown: str, offset: int) -> None:
        assert self.prepared is not None
        content = self.prepared.config.content
        for finding in check_page(page.file.src_uri, markdown, offset + 1, dict(page.meta),
                                  self._known, self.prepared.today,
                                  content.review_interval_days,
                                  content.reading_ease_target):
            self._record(finding)

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        uri = page.file.src_uri
        if posixpath.basename(uri) == SKELETON + ".md":
            return html
        if page.file.generated_by is None:
            html = caption_tables(html)
        if uri == GLOSSARY and page.file.generated_by is None:
            html = with_term_ids(html)
        elif (self._glossary_url is not None and page.file.generated_by is None
              and page.meta.get("glossary_links") is not False):
            html = self._linker.link(html, get_relative_url(self._glossary_url, page.url))
        self._ids[uri] = set(_ID.findall(html))
        return html

    def on_env(self, env: Any, config: MkDocsConfig, files: Files) -> Any:
        # Every page has been turned into HTML by now: links to a part of a page can be
        # checked against the ids the page really has.
        for uri, (markdown, first_line) in sorted(self._sources.items()):
            for finding in broken_anchors(uri, markdown, first_line, self._known,
                                          self._ids):
                self._record(finding)
        return env

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
        # While previewing, the pages show the errors instead (on_post_page): a failed
        # rebuild would leave the browser waiting with nothing to say.
        if self._broken and not self.previewing:
            raise PluginError("pages in site_src/ need fixing:\n" + "\n".join(
                f"  - {finding}\n    How to fix it: {KINDS[finding.kind].fix}"
                for finding in self._broken))

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        uri = page.file.src_uri
        if self.previewing and posixpath.basename(uri) != SKELETON + ".md":
            self._rendered.add(page.file.dest_uri)
            if self._broken:
                return error_page(self._broken)
            own = [f for f in self._findings if f.page == uri]
            output = with_warnings_panel(output, own, len(self._findings) - len(own))
        return self._with_policy(output, uri)

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
        self._failure = str(error)
        if not self.previewing:
            self.prepared = None

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        """A rebuild that fails for any other reason shows what went wrong in place of
        the pages, instead of MkDocs' own behaviour: holding every request until a
        rebuild succeeds, so that the browser waits with nothing to say."""
        rebuild = server.builder
        site_dir = Path(config.site_dir)

        def rebuild_or_show_why() -> None:
            self._failure = ""
            # MkDocs logs the reason and then raises a bare 'Aborted': keep the reason.
            said = _Collector()
            logging.getLogger("mkdocs").addHandler(said)
            try:
                rebuild()
            except Exception as exc:  # noqa: BLE001 - shown in the browser, and logged
                message = "\n".join([*said.messages, self._failure or str(exc)])
                log.error("the preview could not be rebuilt: %s", message)
                page = failure_page(message)
                for name in sorted(self._rendered | {"index.html", "404.html"}):
                    target = site_dir / name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(page, encoding="utf-8")
            finally:
                logging.getLogger("mkdocs").removeHandler(said)

        server.builder = rebuild_or_show_why
        return server
