"""`enforcement-site check-links`: do the links from comms staff's pages to other
websites still work?

Internal links and anchors are checked by every build (content_checks.py); links to
other websites need the network, so they are checked by this separate command, run
where there is one (the nightly workflow), never by the build or the tests. A link that
worked is not asked again for `content.link_cache_days` (reports/link-cache.json); a
broken one is asked every time. Links starting with an entry of `content.ignore_links`
are listed as ignored and never requested (a site that refuses robots, an intranet).
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2.sandbox
from mkdocs.utils.meta import get_data

from generator.config.schema import Config
from generator.core.untrusted import csv_text
from generator.site.content_checks import links

CACHE = "link-cache.json"
REPORT = "links.csv"
USER_AGENT = "enforcement-site link check (a council's planning enforcement site)"
TIMEOUT_SECONDS = 20
# Answers that mean the server refuses the method or robots, not that the page is gone:
# asked again with GET.
_TRY_GET = {400, 403, 405, 429, 501}


@dataclass(frozen=True)
class PageLink:
    page: str  # under the pages folder
    line: int
    url: str


@dataclass(frozen=True)
class Checked:
    ok: bool
    status: int | None  # the HTTP status, None when no answer came
    reason: str


def external_links(pages: Path, config: Config) -> list[PageLink]:
    """The http(s) links of every page in `pages`, with template expressions in them
    (`{{ council.website }}`) filled in from the configuration."""
    sandbox = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined)
    context = {"council": config.council, "tiles": config.tiles, "site": config.site,
               "charter": config.charter, "register": config.register,
               "privacy": config.privacy}
    found = []
    for path in sorted(pages.rglob("*.md")):
        if path.name == "README.md":
            continue  # the editors' guide is not published
        text = path.read_text(encoding="utf-8")
        markdown, _ = get_data(text)
        first_line = text.count("\n") - markdown.count("\n") + 1
        for link in links(markdown, first_line):
            url = link.target
            if "{{" in url:
                try:
                    url = sandbox.from_string(url).render(**context)
                except jinja2.TemplateError:
                    continue  # a value only the build knows: checked by the build
            if url.lower().startswith(("http://", "https://")):
                found.append(PageLink(path.relative_to(pages).as_posix(), link.line, url))
    return found


def check_url(url: str) -> Checked:
    """Ask the server for `url` (HEAD, then GET if HEAD is refused); redirects are
    followed."""
    last = Checked(False, None, "no answer")
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method,
                                         headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return Checked(True, response.status, "")
        except urllib.error.HTTPError as exc:
            last = Checked(False, exc.code, f"the server answered {exc.code} {exc.reason}")
            if exc.code not in _TRY_GET:
                return last
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return Checked(False, None, f"no answer: {reason}")
    return last


@dataclass
class LinkReport:
    rows: list[list[str]]
    broken: list[tuple[PageLink, Checked]]


def check_links(pages: Path, config: Config, reports_dir: Path, today: dt.date,
                workers: int = 8) -> LinkReport:
    """Check every external link of the pages; write reports/links.csv and the cache."""
    content = config.content
    found = external_links(pages, config)
    cache_file = reports_dir / CACHE
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    if not isinstance(cache, dict):
        cache = {}

    def ignored(url: str) -> bool:
        return any(url.startswith(prefix) for prefix in content.ignore_links)

    def fresh(url: str) -> bool:
        try:
            checked = dt.date.fromisoformat(str(cache[url]["checked"]))
        except (KeyError, TypeError, ValueError):
            return False
        return (today - checked).days < content.link_cache_days

    to_ask = sorted({link.url for link in found if not ignored(link.url)
                     and not fresh(link.url)})
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = dict(zip(to_ask, pool.map(check_url, to_ask), strict=True))
    for url, answer in answers.items():
        if answer.ok:
            cache[url] = {"checked": today.isoformat(), "status": answer.status}
        else:
            cache.pop(url, None)  # asked again next time
    rows, broken = [], []
    for link in found:
        if ignored(link.url):
            result, status, reason = "ignored", "", "in content.ignore_links"
        elif link.url in answers:
            answer = answers[link.url]
            result = "ok" if answer.ok else "broken"
            status, reason = str(answer.status or ""), answer.reason
            if not answer.ok:
                broken.append((link, answer))
        else:
            result = "ok (cached)"
            status = str(cache[link.url].get("status", ""))
            reason = f"worked on {cache[link.url]['checked']}"
        rows.append([f"site_src/{link.page}", str(link.line), link.url, result, status,
                     reason])
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / REPORT).write_text(
        csv_text([["page", "line", "url", "result", "status", "reason"], *rows]),
        encoding="utf-8")
    cache_file.write_text(json.dumps(dict(sorted(cache.items())), indent=2) + "\n",
                          encoding="utf-8")
    return LinkReport(rows, broken)
