"""Tables in the pages comms staff write: the caption and header scope Markdown cannot
express. A paragraph 'Table: what it shows' just before a table becomes its
<caption> (site/content_checks.py warns when it is missing), and the header cells get
scope="col"."""

from __future__ import annotations

import re

from generator.site.content_checks import CAPTION_PREFIX

# The caption paragraph's text may hold inline markup, but never the end of a paragraph.
_CAPTIONED = re.compile(r"<p>" + re.escape(CAPTION_PREFIX) + r"((?:(?!</?p>).)*?)</p>\s*<table>",
                        re.S)
_THEAD = re.compile(r"<thead>.*?</thead>", re.S)
_TH = re.compile(r"<th(?![^>]*\bscope=)(?=[\s>])")


def caption_tables(html: str) -> str:
    """The page's HTML with captions and header scopes on its Markdown tables."""
    if "<table" not in html:
        return html
    html = _CAPTIONED.sub(lambda m: f"<table>\n<caption>{m.group(1).strip()}</caption>", html)
    return _THEAD.sub(lambda m: _TH.sub('<th scope="col"', m.group()), html)
