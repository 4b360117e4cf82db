"""What the preview (`enforcement-site serve`) shows comms staff in the browser, where
they are looking: an error page naming the file, the line and the fix while a page
cannot be built, and a panel of the warnings about the page being previewed.

Never in a built site: `enforcement-site build` stops on an error and prints the
warnings instead (plugin.py). MkDocs' live reload puts its script in every page it
serves, the error page too, so the browser reloads by itself once the page is fixed.
"""

from __future__ import annotations

import re
from html import escape

from generator.core.kinds import KINDS
from generator.site.content_checks import Finding


def _fix(finding: Finding) -> str:
    """How to fix it, as HTML: the catalogue writes code between backticks."""
    kind = KINDS.get(finding.kind)
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(kind.fix)) if kind else ""


def error_page(errors: list[Finding]) -> str:
    """A page of its own, in place of every page while any page has an error: whichever
    page the editor has open shows it."""
    items = "\n".join(
        f'<li><p class="where">{escape(f.where)}</p>'
        f"<p>{escape(f.message)}</p>"
        f"<p><strong>How to fix it:</strong> {_fix(f)}</p></li>"
        for f in errors)
    count = f"{len(errors)} problem" + ("s" if len(errors) != 1 else "")
    main = f"""<h1 id="preview-error">The preview cannot show the site: {count} to fix</h1>
<p>Fix the {"problem" if len(errors) == 1 else "problems"} below and save the file.
This page reloads by itself once the site can be built again.</p>
<ol>
{items}
</ol>
<p>The terminal running <code>make serve</code> lists the same problems.
<code>enforcement-site build</code> stops until they are fixed.</p>
"""
    return _page(f"Preview: {count} to fix", main, style=_ERROR_STYLE)


_ARTICLE = re.compile(r"<article\b[^>]*>")


def with_warnings_panel(page: str, warnings: list[Finding], elsewhere: int) -> str:
    """`page` with a panel listing its own warnings (and how many other pages have),
    at the top of its content. Material's 'warning' admonition styles it: no style or
    script of its own, so the pages' Content Security Policy is unchanged."""
    if not warnings and not elsewhere:
        return page
    items = "".join(f"<li>Line {f.line}: {escape(f.message)}. "
                    f"<em>How to fix it:</em> {_fix(f)}</li>" for f in warnings)
    own = (f"<ul>{items}</ul>" if warnings
           else "<p>This page has no warnings.</p>")
    others = (f"<p>Other pages have {elsewhere} more warning"
              f"{'s' if elsewhere != 1 else ''}: the terminal and reports/content.csv "
              "list them.</p>" if elsewhere else "")
    title = (f"Preview only: {len(warnings)} warning{'s' if len(warnings) != 1 else ''} "
             "on this page" if warnings else "Preview only: warnings on other pages")
    panel = (f'<div class="admonition warning preview-warnings" role="note" '
             f'aria-label="Warnings about this page (preview only)">'
             f'<p class="admonition-title">{title}</p>{own}{others}</div>')
    match = _ARTICLE.search(page)
    if match is None:
        return page
    return page[:match.end()] + panel + page[match.end():]


def failure_page(message: str) -> str:
    """A page of its own for a rebuild that failed for another reason than a page's
    content (a mistake in mkdocs.yml or the theme, say): what MkDocs said."""
    main = f"""<h1>The preview cannot show the site: it could not be built</h1>
<p>This is what went wrong:</p>
<pre style="white-space: pre-wrap">{escape(message)}</pre>
<p>If you did not change <code>mkdocs.yml</code> or the theme, show this page (or the
terminal running <code>make serve</code>) to the lead engineer. This page reloads by
itself once the site can be built again.</p>
"""
    return _page("Preview: the site could not be built", main)


_ERROR_STYLE = """\
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto;
       max-width: 46rem; padding: 1rem; color: #0b0c0c; background: #fff; }
h1 { font-size: 1.6rem; }
li { border-left: 0.3rem solid #b10e1e; padding: 0.2rem 1rem; margin: 1rem 0;
      list-style: none; overflow-wrap: anywhere; }
ol { padding: 0; }
.where { font-weight: bold; }
"""


def _page(title: str, main: str, style: str = "") -> str:
    """A page of the preview's own, outside the site's theme (which may be what is
    broken): `main` is its content, already escaped."""
    head_style = f"<style>\n{style}</style>\n" if style else ""
    return (f'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="robots" content="noindex">\n<title>{escape(title)}</title>\n'
            f"{head_style}</head>\n<body>\n<main>\n{main}</main>\n</body>\n</html>\n")
