"""The template expressions comms staff may write in their own pages (`{{ council.name }}`,
`{{ stat("cases_received", period="last_quarter") }}`), rendered in a sandbox; errors
name the page and the line."""

from __future__ import annotations

import re
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup
from mkdocs.exceptions import PluginError

from generator.core.untrusted import markdown_text
from generator.site.home import PageTemplateError


def _as_text(value: Any) -> Any:
    """What a comms page's `{{ ... }}` writes: values from the configuration and the
    export are text, escaped for Markdown and HTML (the page is Markdown), so that a
    council name cannot become a link, a heading or a tag. Ready-made HTML blocks
    (`latest_notices`) are Markup and go in as they are."""
    return value if isinstance(value, Markup) else markdown_text(value)


_SANDBOX = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined,
                                               autoescape=False, keep_trailing_newline=True,
                                               finalize=_as_text)


class TemplateProblem(PluginError):
    """A template expression in a comms page cannot be filled in."""

    def __init__(self, page: str, line: int | None, message: str):
        where = f", line {line}" if line else ""
        super().__init__(f"site_src/{page}{where}: {message}")
        self.page, self.line, self.problem = page, line, message


def render_page_template(markdown: str, page_path: str, context: dict[str, Any],
                         line_offset: int = 0) -> str:
    """Render a comms page's template expressions; errors name the page and line."""
    try:
        return _SANDBOX.from_string(markdown).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateProblem(page_path, (exc.lineno or 0) + line_offset,
                              exc.message or "the template is not written correctly"
                              ) from None
    except (jinja2.UndefinedError, PageTemplateError) as exc:
        line = _line_of_error(markdown, str(exc))
        raise TemplateProblem(page_path, line + line_offset if line else None,
                              str(exc)) from None


_SIMPLE_IF = re.compile(
    r"\{%-?\s*if\s+(not\s+)?([A-Za-z_]\w*)\s*-?%\}(.*?)\{%-?\s*endif\s*-?%\}", re.DOTALL)


_ELSE = re.compile(r"\{%-?\s*else\s*-?%\}")


def without_false_blocks(markdown: str, context: dict[str, Any]) -> str:
    """The page with what `{% if name %}...{% endif %}` leaves out blanked, line for line,
    so that the content checks do not report a link the page does not show (a
    notices-only site has no statistics to link to) and still name the editor's lines.
    Only a test of one context value is understood; anything else is checked as it is."""
    def lines_of(text: str) -> str:
        return "\n" * text.count("\n")

    def blank(match: re.Match[str]) -> str:
        negated, name, body = match.groups()
        parts = _ELSE.split(body)
        if name not in context or len(parts) > 2 or "{%" in "".join(parts):
            return match.group(0)
        shown = 0 if bool(context[name]) != bool(negated) else 1
        whole, start, end = match.group(0), match.start(3) - match.start(0), \
            match.end(3) - match.start(0)
        kept = [part if k == shown else lines_of(part) for k, part in enumerate(parts)]
        middle = lines_of(body[len(parts[0]):len(body) - len(parts[1])]) \
            if len(parts) == 2 else ""
        return (lines_of(whole[:start]) + kept[0] + middle + "".join(kept[1:])
                + lines_of(whole[end:]))

    return _SIMPLE_IF.sub(blank, markdown)


def _line_of_error(markdown: str, message: str) -> int | None:
    """Best guess of the line an error is on, from a quoted name in its message."""
    quoted = re.findall(r"'([^']+)'", message)
    for name in quoted:
        for number, line in enumerate(markdown.splitlines(), start=1):
            if "{{" in line and name in line:
                return number
    return None
