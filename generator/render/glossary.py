"""The glossary: the terms site_src/glossary.md defines (a definition list), and the
first use of each on other pages linked to its definition.

A page opts out with `glossary_links: false` in its front matter. Terms are linked in
running text only: never inside a link, a heading, code, a definition term, a caption
of a form control or a script. Longer terms win over shorter ones they contain
('Breach of condition notice' before 'Breach'), a plural ending (s, es) is allowed, and
case is ignored ('compliance' links to 'Compliance').
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from generator.site.slugs import glossary_id

GLOSSARY = "glossary.md"

# A term: a line of text at the margin followed by a definition line (':   ...'),
# possibly after more terms (Python-Markdown's def_list).
_DEFINITION = re.compile(r"^:\s{1,4}\S")
_FENCE = re.compile(r"^\s*(```|~~~)")


def glossary_terms(markdown: str) -> list[str]:
    """The terms a glossary page defines, in its order."""
    lines = markdown.splitlines()
    terms: list[str] = []
    in_fence = False
    for number, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or not _DEFINITION.match(line):
            continue
        back = number - 1
        found = []
        while back >= 0 and lines[back].strip() and not lines[back][:1].isspace() \
                and not _DEFINITION.match(lines[back]):
            found.append(lines[back].strip())
            back -= 1
        terms += [t for t in reversed(found) if t not in terms]
    return terms


_DT = re.compile(r"<dt>(.*?)</dt>", re.S)


def with_term_ids(page_html: str) -> str:
    """The glossary page with an id on each term, for links to point at."""
    def add_id(match: re.Match[str]) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1)))
        return f'<dt id="{glossary_id(text)}">{match.group(1)}</dt>'
    return _DT.sub(add_id, page_html)


# Elements whose text is never linked.
_SKIP = {"a", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp", "script",
         "style", "dt", "summary", "button", "label", "option", "select", "textarea",
         "title", "svg", "caption"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "source", "track", "wbr"}
_TAG = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass
class Linker:
    """Links the first use of each glossary term in a page's HTML."""

    terms: list[str]

    def __post_init__(self) -> None:
        ordered = sorted(self.terms, key=lambda t: (-len(t), t))
        self._by_lower = {t.casefold(): t for t in ordered}
        # A term may run over a line break of the Markdown ('breach of\ncondition').
        alternatives = "|".join(r"\s+".join(re.escape(html.escape(word, quote=False))
                                            for word in t.split()) for t in ordered)
        self._pattern = re.compile(rf"(?<![\w-])({alternatives})(?:e?s)?(?![\w-])",
                                   re.IGNORECASE) if ordered else None

    def link(self, page_html: str, glossary_url: str) -> str:
        """`page_html` with the first use of each term linked to `glossary_url#term`.
        The HTML is the Markdown's rendering: its tags are split off by a pattern (the
        tags MkDocs writes hold no '>' inside attribute values)."""
        if self._pattern is None:
            return page_html
        done: set[str] = set()
        skipping: list[str] = []
        out = []
        for piece in _TAG.split(page_html):
            if piece.startswith("<"):
                out.append(piece)
                match = _TAG_NAME.match(piece)
                if match and not piece.startswith("<!--"):
                    closing, name = match.group(1) == "/", match.group(2).lower()
                    if name in _SKIP and not piece.endswith("/>"):
                        if closing:
                            if name in skipping:
                                del skipping[len(skipping) - 1 - skipping[::-1].index(name):]
                        elif name not in _VOID:
                            skipping.append(name)
                continue
            if skipping or not piece.strip():
                out.append(piece)
                continue
            out.append(self._pattern.sub(lambda m: self._linked(m, done, glossary_url),
                                         piece))
        return "".join(out)

    def _linked(self, match: re.Match[str], done: set[str], glossary_url: str) -> str:
        term = self._by_lower.get(" ".join(html.unescape(match.group(1)).split()).casefold())
        if term is None or term in done:
            return match.group(0)
        done.add(term)
        return (f'<a class="glossary-term" href="{glossary_url}#{glossary_id(term)}">'
                f"{match.group(0)}</a>")
