"""`enforcement-site usage LOG...`: how often each page was read, from the web server's
own access logs. No script, no cookie, no third party: the server already writes these
lines for every request, and this only counts them.

What is kept is a count per page and the dates the logs cover; nothing about who asked.
The IP address, the user agent and the referrer are read only to be discarded (the user
agent to leave out robots), and the query string is dropped before counting, since a
search typed into an address can hold a name. The counts stay in reports/usage.csv,
for comms staff reviewing the pages people use most; they are not published.

Logs are in the Common or Combined Log Format that Apache and nginx write by default;
`.gz` files (rotated logs) are read as they are.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mkdocs.utils.meta import get_data

from generator.core.untrusted import csv_text

REPORT = "usage.csv"

# host ident user [day/Mon/year:time zone] "METHOD target protocol" status size ...
_LINE = re.compile(r'^\S+ \S+ \S+ \[(\d{2})/(\w{3})/(\d{4}):[^\]]*\] '
                   r'"(\w+) (\S+)[^"]*" (\d{3}) \S+(?: "[^"]*" "([^"]*)")?')
_MONTHS = {m: i for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                       "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}
# Robots, link checkers and monitors: not people reading a page.
_ROBOT = re.compile(r"bot|crawl|spider|slurp|monitor|check|curl|wget|python|java|"
                    r"http-client|headless|preview|scan", re.I)
# Files that are not pages: styles, scripts, images, the search index, downloads.
_NOT_A_PAGE = re.compile(r"^/?(assets|pagefind|search/index\.json)/?|\.(css|js|json|xml|"
                         r"gz|png|jpe?g|gif|svg|ico|webp|woff2?|csv|geojson|pdf|txt|"
                         r"pf_\w+)$", re.I)


@dataclass
class Usage:
    views: Counter[str] = field(default_factory=Counter)  # page address -> views
    first: dt.date | None = None
    last: dt.date | None = None
    lines: int = 0
    unreadable: int = 0  # lines in no log format we know


def page_address(target: str, base_path: str) -> str | None:
    """The page a request was for ('/enforcement/faq/?q=x' -> 'faq/'), or None if it
    was not a page of the site. The query string is dropped, never kept."""
    path = unquote(urlsplit(target).path)
    if not path.startswith(base_path):
        return None
    path = path[len(base_path):].lstrip("/")
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    if _NOT_A_PAGE.search(path) or "/." in "/" + path or ".." in path:
        return None
    if path and not path.endswith("/"):
        if "." in path.rsplit("/", 1)[-1]:
            return None  # another kind of file
        path += "/"  # the server redirects to the folder's page
    return path


def count(logs: list[Path], base_path: str) -> Usage:
    usage = Usage()
    for log in logs:
        opener = gzip.open if log.suffix == ".gz" else open
        with opener(log, "rt", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                usage.lines += 1
                match = _LINE.match(line)
                if not match:
                    usage.unreadable += 1
                    continue
                day, month, year, method, target, status, agent = match.groups()
                if method != "GET" or status not in ("200", "304"):
                    continue
                if agent and _ROBOT.search(agent):
                    continue
                address = page_address(target, base_path)
                if address is None:
                    continue
                try:
                    date = dt.date(int(year), _MONTHS[month], int(day))
                except (KeyError, ValueError):
                    usage.unreadable += 1
                    continue
                usage.views[address] += 1
                usage.first = min(usage.first or date, date)
                usage.last = max(usage.last or date, date)
    return usage


def _source(pages: Path, address: str) -> tuple[str, str]:
    """The comms page behind an address, and its `last_reviewed` date, if it has one."""
    stem = address.rstrip("/") or "index"
    for candidate in (pages / f"{stem}.md", pages / stem / "index.md"):
        if candidate.is_file():
            _, meta = get_data(candidate.read_text(encoding="utf-8"))
            reviewed = meta.get("last_reviewed", "")
            return f"site_src/{candidate.relative_to(pages).as_posix()}", str(reviewed)
    return "", ""


def write_report(usage: Usage, pages: Path, reports_dir: Path) -> list[list[str]]:
    """reports/usage.csv: pages by views, most first, with the file comms staff edit
    and when it was last reviewed."""
    rows = []
    for address, views in sorted(usage.views.items(), key=lambda kv: (-kv[1], kv[0])):
        source, reviewed = _source(pages, address)
        rows.append(["/" + address, str(views), source, reviewed])
    period = (f"{usage.first.isoformat()} to {usage.last.isoformat()}"
              if usage.first and usage.last else "")
    reports_dir.mkdir(parents=True, exist_ok=True)
    (reports_dir / REPORT).write_text(csv_text(
        [["page", "views", "file", "last reviewed", "period"],
         *([*row, period] for row in rows)]), encoding="utf-8")
    return rows
