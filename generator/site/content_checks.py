"""Checks on the pages comms staff write, in words a comms officer understands.

Each check takes a page's Markdown and returns findings that name the page and the line.
A broken internal link is an error (the build fails); the rest are warnings.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass

from generator.core.model import CaseStage, ClosureReason
from generator.core.problems import Severity
from generator.site.tracker import TRACK_PAGE_SOURCE

# The ids of the headings whose words the case tracker shows.
WORDED = [f"stage-{s.value}" for s in CaseStage] + [f"outcome-{r.value}"
                                                     for r in ClosureReason]


@dataclass(frozen=True)
class Finding:
    page: str  # path under site_src/
    line: int  # 0 when not known
    kind: str
    severity: Severity
    message: str

    @property
    def where(self) -> str:
        return f"site_src/{self.page}" + (f", line {self.line}" if self.line else "")

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)]*)\)")
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _lines(markdown: str, first_line: int) -> list[tuple[int, str]]:
    """Lines outside fenced code blocks, with the line numbers the editor sees."""
    out = []
    in_fence = False
    for number, line in enumerate(markdown.splitlines(), start=first_line):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            out.append((number, line))
    return out


_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]+)>?")
_HTML_LINK = re.compile(r"<a\b[^>]*\bhref\s*=\s*\"([^\"]*)\"", re.IGNORECASE)
_HTML_IMG_SRC = re.compile(r"<img\b[^>]*\bsrc\s*=\s*\"([^\"]*)\"", re.IGNORECASE)
_IMAGE_TARGET = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


@dataclass(frozen=True)
class Link:
    """A link or image written in a page, on the line the editor sees it."""

    line: int
    target: str  # as written: 'faq.md#appeals', 'https://...', 'map.png'
    image: bool = False

    @property
    def external(self) -> bool:
        return bool(_EXTERNAL.match(self.target)) or self.target.startswith("//")


def links(markdown: str, first_line: int) -> list[Link]:
    """Every link and image of a page (Markdown, reference definitions and HTML), outside
    code blocks; inline code is left out too, since it shows a link rather than making one."""
    found = []
    for number, line in _lines(markdown, first_line):
        line = re.sub(r"`[^`]*`", "", line)
        found += [Link(number, m.group(2)) for m in _LINK.finditer(line)]
        found += [Link(number, m.group(1)) for m in _REF_DEFINITION.finditer(line)]
        found += [Link(number, m.group(1)) for m in _HTML_LINK.finditer(line)]
        found += [Link(number, m.group(1), image=True) for m in _IMAGE_TARGET.finditer(line)]
        found += [Link(number, m.group(1), image=True) for m in _HTML_IMG_SRC.finditer(line)]
    return sorted(found, key=lambda link: link.line)


def resolve(page: str, target: str, known: set[str]) -> tuple[str | None, str]:
    """The page or file of the site an internal link goes to (None if none), and the
    anchor it names ('' if none). `known` holds every page and file of the site."""
    path, _, anchor = target.partition("#")
    path = path.split("?", 1)[0]
    if not path:
        return page, anchor  # an anchor on this page
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    for candidate in (resolved, resolved.rstrip("/") + "/index.md",
                      resolved.rstrip("/") + ".md"):
        if candidate in known:
            return candidate, anchor
    return None, anchor


def _internal(link: Link) -> bool:
    # Another site or an email link, a site-absolute path (MkDocs cannot check it), or a
    # link filled in by a template expression.
    return not (link.external or link.target.startswith("/") or "{{" in link.target
                or "{%" in link.target)


def broken_links(page: str, markdown: str, first_line: int, known: set[str]) -> list[Finding]:
    """Relative links and images to pages or files that do not exist in the site."""
    findings = []
    for link in links(markdown, first_line):
        if not _internal(link) or link.target.startswith("#"):
            continue
        if resolve(page, link.target, known)[0] is not None:
            continue
        if link.image:
            findings.append(Finding(page, link.line, "missing-image", Severity.ERROR,
                                    f"the image '{link.target}' is not in site_src/: "
                                    "check the file name, or add the image to the folder"))
        else:
            findings.append(Finding(page, link.line, "broken-link", Severity.ERROR,
                                    f"the link to '{link.target}' goes nowhere: no page "
                                    "or file has that name"))
    return findings


# Anchors the browser understands without an element of that id.
_ALWAYS_THERE = {"", "top"}


def broken_anchors(page: str, markdown: str, first_line: int, known: set[str],
                   ids: dict[str, set[str]]) -> list[Finding]:
    """Links to a part of a page ('faq.md#appeals', '#contact') that the page does not
    have. `ids` holds the ids of each page MkDocs rendered; a page not in it (a register
    entry) is not checked."""
    findings = []
    for link in links(markdown, first_line):
        if link.image or not _internal(link) or "#" not in link.target:
            continue
        target, anchor = resolve(page, link.target, known)
        if target is None or target not in ids or anchor in _ALWAYS_THERE:
            continue
        if anchor not in ids[target]:
            where = "this page" if target == page else f"site_src/{target}"
            headings = sorted(ids[target])
            hint = (f"; its parts are: {', '.join('#' + h for h in headings[:12])}"
                    + (" ..." if len(headings) > 12 else "")) if headings else ""
            findings.append(Finding(page, link.line, "broken-anchor", Severity.ERROR,
                                    f"the link to '{link.target}' names a part "
                                    f"'#{anchor}' that {where} does not have{hint}"))
    return findings


def images_without_alt(page: str, markdown: str, first_line: int) -> list[Finding]:
    findings = []
    for number, line in _lines(markdown, first_line):
        for match in _IMAGE.finditer(line):
            if not match.group(1).strip():
                findings.append(Finding(page, number, "image-no-alt", Severity.WARNING,
                                        f"the image '{match.group(2)}' has no text "
                                        "description: write one between the [ ]"))
        for tag in _HTML_IMG.findall(line):
            if not re.search(r"\balt\s*=\s*\"[^\"]+\"", tag):
                findings.append(Finding(page, number, "image-no-alt", Severity.WARNING,
                                        "an image has no alt text"))
    return findings


def skipped_headings(page: str, markdown: str, first_line: int) -> list[Finding]:
    """A heading more than one level below the one before (## then ####)."""
    findings = []
    previous = 1  # the page title is the level-1 heading
    for number, line in _lines(markdown, first_line):
        match = _HEADING.match(line)
        if not match:
            continue
        level = len(match.group(1))
        if level > previous + 1:
            findings.append(Finding(page, number, "heading-skipped", Severity.WARNING,
                                    f"this heading jumps from level {previous} to level "
                                    f"{level}; use {'#' * (previous + 1)} instead, so "
                                    "screen reader users can follow the page's structure"))
        previous = level
    return findings


_TABLE_ROW = re.compile(r"^\s*\|")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
CAPTION_PREFIX = "Table: "  # a line just above a table: its caption (render/tables.py)
CAPTION = re.compile(r"^\s*Table:\s*\S")


def tables_without_caption(page: str, markdown: str, first_line: int) -> list[Finding]:
    """A Markdown table needs a caption, written as 'Table: what it shows' on the line
    above it (the plugin makes it the table's <caption>): screen reader users hear it
    before the table, and choose whether to go through it."""
    findings = []
    lines = _lines(markdown, first_line)
    for index, (number, line) in enumerate(lines[:-1]):
        if not (_TABLE_ROW.match(line) and _TABLE_RULE.match(lines[index + 1][1])):
            continue
        if index and _TABLE_ROW.match(lines[index - 1][1]):
            continue  # inside a table already
        before = next((text for _, text in reversed(lines[:index]) if text.strip()), "")
        if not CAPTION.match(before):
            findings.append(Finding(page, number, "table-no-caption", Severity.WARNING,
                                    "this table has no caption: write 'Table: what the "
                                    "table shows' on a line of its own above it, with a "
                                    "blank line between"))
    return findings


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"[.!?]+(\s|$)")
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """A simple English syllable estimate: vowel groups, less a silent final 'e'."""
    w = word.lower().strip("'’-")
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(_VOWELS.findall(w)))


def reading_ease(text: str) -> float | None:
    """Flesch reading ease (higher is easier; 60+ is plain English), or None if too short."""
    words = _WORD.findall(text)
    if len(words) < 20:
        return None
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    total = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (total / len(words))


def hard_paragraphs(page: str, markdown: str, first_line: int, target: int) -> list[Finding]:
    findings = []
    paragraph: list[str] = []
    start = first_line

    def close() -> None:
        text = " ".join(paragraph)
        text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|<[^>]+>|\[([^\]]*)\]\([^)]*\)", r"\1", text)
        score = reading_ease(text)
        if score is not None and score < target:
            findings.append(Finding(page, start, "hard-to-read", Severity.WARNING,
                                    f"this paragraph is hard to read (reading ease "
                                    f"{score:.0f}, target {target}): try shorter sentences "
                                    "and everyday words"))

    for number, line in _lines(markdown, first_line):
        stripped = line.strip()
        plain = stripped and not stripped.startswith(("#", "|", "<", "-", "*", ">", "!"))
        if plain and not re.match(r"^\d+\.\s", stripped):
            if not paragraph:
                start = number
            paragraph.append(stripped)
        elif paragraph:
            close()
            paragraph = []
    if paragraph:
        close()
    return findings


def review_date(page: str, meta: dict, today: dt.date, interval_days: int) -> list[Finding]:
    value = meta.get("last_reviewed")
    if value is None:
        return [Finding(page, 1, "no-review-date", Severity.WARNING,
                        "the page has no 'last_reviewed' date in its front matter")]
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return [Finding(page, 1, "bad-review-date", Severity.WARNING,
                            f"'last_reviewed: {value}' is not a date like 2026-11-01")]
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date) and (today - value).days > interval_days:
        return [Finding(page, 1, "review-overdue", Severity.WARNING,
                        f"the page was last reviewed on {value:%-d %B %Y}, more than "
                        f"{interval_days} days ago: check it is still right and update "
                        "'last_reviewed'")]
    return []


def tracker_wording(page: str, markdown: str, first_line: int) -> list[Finding]:
    """The "Track your report" page must keep its form, and a heading with the id of
    each stage and outcome: the tracker shows their words (site/tracker.py)."""
    if page != TRACK_PAGE_SOURCE:
        return []
    findings = []
    if not re.search(r"\{\{\s*tracker_form\s*\}\}", markdown):
        findings.append(Finding(page, first_line, "tracker-form-missing", Severity.ERROR,
                                "the page has lost its '{{ tracker_form }}' line, so "
                                "nobody can look a report up; put it back on a line of "
                                "its own"))
    ids = set(re.findall(r"\{:?[^}\n]*#([\w-]+)[^}\n]*\}", markdown))
    for wanted in WORDED:
        if wanted not in ids:
            findings.append(Finding(
                page, first_line, "tracker-wording-missing", Severity.WARNING,
                f"no heading has the id '{wanted}' (written '{{: #{wanted} }}' after the "
                "heading), so the tracker shows its own name for it and no explanation"))
    return findings


def check_page(page: str, markdown: str, first_line: int, meta: dict, known: set[str],
               today: dt.date, interval_days: int, reading_target: int) -> list[Finding]:
    return [*review_date(page, meta, today, interval_days),
            *broken_links(page, markdown, first_line, known),
            *images_without_alt(page, markdown, first_line),
            *skipped_headings(page, markdown, first_line),
            *tables_without_caption(page, markdown, first_line),
            *hard_paragraphs(page, markdown, first_line, reading_target),
            *tracker_wording(page, markdown, first_line)]
