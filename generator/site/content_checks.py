"""Checks on the pages comms staff write, in words a comms officer understands.

Each check takes a page's Markdown and returns findings that name the page and the line.
A broken internal link is an error (the build fails); the rest are warnings.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass

from generator.core.problems import Severity


@dataclass(frozen=True)
class Finding:
    page: str  # path under site_src/
    line: int
    kind: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"site_src/{self.page}, line {self.line}: {self.message}"


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


def broken_links(page: str, markdown: str, first_line: int, known: set[str]) -> list[Finding]:
    """Relative links to pages or files that do not exist in the site."""
    findings = []
    for number, line in _lines(markdown, first_line):
        for match in _LINK.finditer(line):
            target = match.group(2)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
                continue  # another site, an email link, an anchor on this page
            if "{{" in target:
                continue  # filled in by a template expression
            path = target.split("#", 1)[0].split("?", 1)[0]
            if not path:
                continue
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            candidates = {resolved, resolved.rstrip("/") + "/index.md",
                          resolved.rstrip("/") + ".md"}
            if not candidates & known:
                findings.append(Finding(page, number, "broken-link", Severity.ERROR,
                                        f"the link to '{target}' goes nowhere: no page "
                                        "or file has that name"))
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


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
CAPTION_PREFIX = "Table: "  # a line just above a table: its caption (render/tables.py)


def tables_without_caption(page: str, markdown: str, first_line: int) -> list[Finding]:
    """A Markdown table without a 'Table: ...' line just above it: screen reader users
    hear a table's caption before its cells, and find tables by it."""
    findings = []
    lines = _lines(markdown, first_line)
    for i in range(len(lines) - 1):
        number, line = lines[i]
        if not (line.lstrip().startswith("|") and _TABLE_RULE.match(lines[i + 1][1])):
            continue
        before = next((text.strip() for _, text in reversed(lines[:i]) if text.strip()), "")
        if not before.startswith(CAPTION_PREFIX):
            findings.append(Finding(page, number, "table-no-caption", Severity.WARNING,
                                    "this table has no caption: put a line "
                                    f"'{CAPTION_PREFIX}what the table shows' just above "
                                    "it, with a blank line between"))
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


def check_page(page: str, markdown: str, first_line: int, meta: dict, known: set[str],
               today: dt.date, interval_days: int, reading_target: int) -> list[Finding]:
    return [*review_date(page, meta, today, interval_days),
            *broken_links(page, markdown, first_line, known),
            *images_without_alt(page, markdown, first_line),
            *tables_without_caption(page, markdown, first_line),
            *skipped_headings(page, markdown, first_line),
            *hard_paragraphs(page, markdown, first_line, reading_target)]
