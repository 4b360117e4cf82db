"""Fast pages: generated pages written by filling in one skeleton page per folder.

MkDocs renders a skeleton page for each folder of fast pages (register entries, index
lists); each page of the folder is that skeleton with its own title, description,
address and content put in, instead of Markdown and the theme run for every page. While
previewing, folders whose pages have not changed are put back rather than written again.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import posixpath
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_build_timestamp

from generator.privacy.leakscan import BLOCK  # pages are written as many at a time as it searches
from generator.site.common import FastPage

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


def fast_only_folders(pages: dict[str, FastPage], known: set[str]) -> set[str]:
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
    """The theme's markup without its indentation and blank lines: a large part of
    every fast page, written and scanned once for every entry. Browsers treat a newline and
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


