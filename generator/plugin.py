"""The MkDocs plugin (`plugins: [enforcement]` in mkdocs.yml).

It adds the pages and files the pipeline generated, and renders the template
expressions comms staff may write in their own pages (`{{ council.name }}`,
`{{ stat("cases_received", period="last_quarter") }}`). Generated pages are never
templated: they hold values from the export, and a '{{' in a breach summary must stay
text. When MkDocs runs on its own (`mkdocs serve`), the plugin runs the data stages
once and keeps the result, so editing a page does not rebuild the register.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import html
import logging
import posixpath
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup, escape
from mkdocs.config import config_options
from mkdocs.config.base import Config as MkDocsConfigBase
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_timestamp

from . import csp
from .config import Config
from .content_checks import Finding, check_page
from .leakscan import BLOCK  # pages are written as many at a time as it searches
from .pages.common import FastPage, GeneratedSite
from .problems import Problem, Problems, Severity
from .untrusted import markdown_text

log = logging.getLogger("mkdocs.plugins.enforcement")


@dataclass
class Prepared:
    """Everything the plugin needs from the pipeline."""

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
        self._generated = set(site.pages)
        self._known = {f.src_uri for f in files}
        self.kept.folders = _fast_only_folders(site.fast_pages, self._known)
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
        self._check(page, markdown, offset)
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
            return csp.with_policy(page, csp.tile_source(self.prepared.config.tiles.url),
                                   preview=self.previewing)
        except ValueError as exc:
            raise PluginError(f"{name}: {exc}") from None

    def on_build_error(self, error: Exception) -> None:
        if not self.previewing:
            self.prepared = None


# What `expand_skeletons` changes of what MkDocs wrote, besides removing skeletons.
REWRITTEN = frozenset({"sitemap.xml", "sitemap.xml.gz"})
SKELETON = "__skeleton__"
_TITLE, _DESCRIPTION, _CONTENT = "SKELETONTITLE", "SKELETONDESCRIPTION", "SKELETONCONTENT"
SKELETON_MARKDOWN = (f'---\ntitle: "{_TITLE}"\ndescription: "{_DESCRIPTION}"\n'
                     f"hide: [toc]\n---\n\n{_CONTENT}\n")


def expand_skeletons(site_dir: Path, pages: dict[str, FastPage], site_url: str,
                     kept: KeptFastPages | None = None,
                     written: Callable[[list[Path]], None] | None = None) -> None:
    """Write every fast page by filling in its folder's skeleton, then remove the
    skeletons from the site and the sitemap. Pages in one folder share their relative
    links, so only the title, description, address and content differ. With `kept`
    (previewing), a folder whose pages and skeleton are unchanged since the last
    rebuild is put back as it was instead of being written again. `written` is told
    the files written, BLOCK at a time."""
    by_folder: dict[str, list[tuple[str, FastPage]]] = {}
    for path, page in pages.items():
        by_folder.setdefault(posixpath.dirname(path), []).append((path, page))
    sitemap_urls: dict[str, list[str]] = {}
    try:
        for folder, members in sorted(by_folder.items()):
            skeleton_dir = site_dir / folder / SKELETON
            html = (skeleton_dir / "index.html").read_text(encoding="utf-8")
            head, _, tail = html.partition(f"<p>{_CONTENT}</p>")
            if not tail:
                raise PluginError(f"the skeleton page for {folder}/ lost its content marker")
            head, tail = squeeze_indentation(head), squeeze_indentation(tail)
            shutil.rmtree(skeleton_dir)
            skeleton_url = f"{folder}/{SKELETON}/"
            members.sort()
            digest = _digest(head, tail, members) if kept else ""
            if not (kept and kept.put_back(site_dir, folder, digest)):
                skeleton = _Skeleton(head, tail, skeleton_url)
                for start in range(0, len(members), BLOCK):
                    batch = [skeleton.write(site_dir, path, page)
                             for path, page in members[start:start + BLOCK]]
                    if written:
                        written(batch)
                if kept:
                    kept.written(folder, digest)
            sitemap_urls[skeleton_url] = [
                posixpath.dirname(fast_page_output(p)) + "/" for p, _ in members]
    finally:
        if kept:
            kept.clear(site_dir)
    _rewrite_sitemap(site_dir, site_url, sitemap_urls)


class _Skeleton:
    """A folder's skeleton page cut at its placeholders once, so that each page is
    filled by joining the pieces, not by searching the whole page three times."""

    def __init__(self, head: str, tail: str, skeleton_url: str):
        self.url = skeleton_url
        placeholders = re.compile(
            f"({re.escape(_TITLE)}|{re.escape(_DESCRIPTION)}|{re.escape(skeleton_url)})")
        self.head = placeholders.split(head)  # text, placeholder, text, ...
        self.tail = placeholders.split(tail)

    def write(self, site_dir: Path, path: str, page: FastPage) -> Path:
        output = fast_page_output(path)
        values = {_TITLE: html.escape(page.title, quote=True),
                  _DESCRIPTION: html.escape(page.description, quote=True),
                  self.url: posixpath.dirname(output) + "/"}
        out = site_dir / output
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(_filled(self.head, values) + page.body + _filled(self.tail, values),
                       encoding="utf-8")
        return out


def _filled(pieces: list[str], values: dict[str, str]) -> str:
    return "".join([values[p] if i % 2 else p for i, p in enumerate(pieces)])


def fast_page_output(path: str) -> str:
    """Where a fast page is written: 'register/entries/enf-1.md' ->
    'register/entries/enf-1/index.html' (directory URLs, as MkDocs writes pages)."""
    return posixpath.splitext(path)[0] + "/index.html"


def _digest(head: str, tail: str, members: list[tuple[str, FastPage]]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for part in (head, tail, *(f"{path}\0{page.title}\0{page.description}\0{page.body}"
                               for path, page in members)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\1")
    return digest.hexdigest()


def _fast_only_folders(pages: dict[str, FastPage], known: set[str]) -> set[str]:
    """Folders holding nothing but fast pages (and their skeleton): only those can be
    set aside and put back whole."""
    folders = {posixpath.dirname(p) for p in pages}
    return {folder for folder in folders
            if all(uri in pages or uri == f"{folder}/{SKELETON}.md"
                   for uri in known if uri.startswith(folder + "/"))}


@dataclass
class KeptFastPages:
    """While previewing, folders of fast pages survive MkDocs' cleaning of the site
    folder: set aside in a hidden folder (MkDocs leaves hidden entries alone) before
    the rebuild and renamed back after it when nothing in them changed. Renaming one
    folder is instant; writing twenty thousand pages again takes seconds."""

    folders: set[str] = field(default_factory=set)  # folders of fast pages only
    digests: dict[str, str] = field(default_factory=dict)  # folder -> what it holds

    HIDDEN = ".kept-fast-pages"

    def set_aside(self, site_dir: Path) -> None:
        self.clear(site_dir)  # left by an interrupted rebuild
        for folder in sorted(self.digests):
            built = site_dir / folder
            if built.is_dir():
                aside = site_dir / self.HIDDEN / folder
                aside.parent.mkdir(parents=True, exist_ok=True)
                built.rename(aside)

    def put_back(self, site_dir: Path, folder: str, digest: str) -> bool:
        aside = site_dir / self.HIDDEN / folder
        if folder not in self.folders or self.digests.get(folder) != digest \
                or not aside.is_dir():
            return False
        target = site_dir / folder
        if target.exists():
            shutil.rmtree(target)  # only the emptied skeleton folder is left there
        aside.rename(target)
        return True

    def written(self, folder: str, digest: str) -> None:
        if folder in self.folders:
            self.digests[folder] = digest
        else:
            self.digests.pop(folder, None)

    def clear(self, site_dir: Path) -> None:
        shutil.rmtree(site_dir / self.HIDDEN, ignore_errors=True)


_INDENTED_LINE = re.compile(r"\n\s+")
_KEEPS_WHITESPACE = re.compile(r"<(pre|textarea)\b", re.I)


def squeeze_indentation(html_text: str) -> str:
    """The theme's markup without its indentation and blank lines: a third of every
    fast page, written and scanned twenty thousand times. Browsers treat a newline and
    the spaces after it as one space, except inside <pre> and <textarea>; text holding
    either is left as it is."""
    if _KEEPS_WHITESPACE.search(html_text):
        return html_text
    return _INDENTED_LINE.sub("\n", html_text)


def _rewrite_sitemap(site_dir: Path, site_url: str, urls: dict[str, list[str]]) -> None:
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    text = sitemap.read_text(encoding="utf-8")
    for skeleton_url, pages in urls.items():
        pattern = re.compile(r"\s*<url>\s*<loc>[^<]*" + re.escape(skeleton_url)
                             + r"</loc>(.*?)</url>", re.S)
        match = pattern.search(text)
        if not match:
            continue
        rest = match.group(1)
        block = "".join(f"\n    <url>\n         <loc>{html.escape(site_url + u)}</loc>{rest}</url>"
                        for u in sorted(pages))
        text = text[:match.start()] + block + text[match.end():]
    sitemap.write_text(text, encoding="utf-8")
    # MkDocs writes the compressed copy with the build timestamp: do the same.
    with (site_dir / "sitemap.xml.gz").open("wb") as handle, gzip.GzipFile(
            fileobj=handle, filename=str(site_dir / "sitemap.xml.gz"), mode="wb",
            mtime=get_build_timestamp()) as gz:
        gz.write(text.encode("utf-8"))


def _as_text(value: Any) -> Any:
    """What a comms page's `{{ ... }}` writes: values from the configuration and the
    export are text, escaped for Markdown and HTML (the page is Markdown), so that a
    council name cannot become a link, a heading or a tag. Ready-made HTML blocks
    (`latest_notices`) are Markup and go in as they are."""
    return value if isinstance(value, Markup) else markdown_text(value)


_SANDBOX = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined,
                                               autoescape=False, keep_trailing_newline=True,
                                               finalize=_as_text)


def render_page_template(markdown: str, page_path: str, context: dict[str, Any],
                         line_offset: int = 0) -> str:
    """Render a comms page's template expressions; errors name the page and line."""
    try:
        return _SANDBOX.from_string(markdown).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise PluginError(f"site_src/{page_path}, line {exc.lineno + line_offset}: "
                          f"{exc.message}") from None
    except (jinja2.UndefinedError, PageTemplateError) as exc:
        line = _line_of_error(markdown, str(exc))
        where = f", line {line + line_offset}" if line else ""
        raise PluginError(f"site_src/{page_path}{where}: {exc}") from None


class PageTemplateError(Exception):
    """A template function was called wrongly; the message says how to fix it."""


def _line_of_error(markdown: str, message: str) -> int | None:
    """Best guess of the line an error is on, from a quoted name in its message."""
    import re

    quoted = re.findall(r"'([^']+)'", message)
    for name in quoted:
        for number, line in enumerate(markdown.splitlines(), start=1):
            if "{{" in line and name in line:
                return number
    return None
