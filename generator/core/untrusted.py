"""The one rule for every value that comes from input: it is data, never active content.

Values from the export, the mapping, the boundary files and the configuration are
written by many people in other systems. Each output format has one function here that
makes such a value inert in it; docs/untrusted-input.md lists where each is used.

- `web_address`: only https: and http: addresses (and, for the configuration, paths on
  this site) ever become links; anything else is a problem where the value is read.
- `fill_url_template`: values put into a configured address are percent-encoded, so
  they cannot change its scheme, host, path or query.
- `spreadsheet_cell`: a CSV cell a spreadsheet would evaluate as a formula is made text.
- `markdown_text`: a value shown inside a page MkDocs runs through Markdown is escaped
  for HTML and for Markdown, so it can make neither a tag nor a link.
- `attribution_html`: the map tiles' attribution, the one value that may hold markup,
  rebuilt from text and https:/http: links only.
- `xml_text`: a value for the Atom feed, escaped and without the characters XML forbids.

Everything else reaches HTML only through Jinja's autoescaping (pages/common.py), and
JSON only through `json.dumps`.
"""

from __future__ import annotations

import csv
import html
import io
import re
import string
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from markupsafe import Markup

WEB_SCHEMES = ("https", "http")

# Never part of an address a person means: control characters (browsers drop some of
# them silently, so 'java\nscript:' would still run), whitespace other than the space,
# and the characters that browsers and parsers read differently (a backslash is a '/'
# to a browser but not to urlsplit) or that end an attribute.
_NOT_IN_ADDRESS = re.compile(r'[\x00-\x1f\x7f-\x9f\s\\"<>`]')
_HOST = re.compile(r"[\w.-]+|[0-9a-f:.]+")  # a name, or an IPv6 address (no brackets)


def web_address(value: str, *, relative: bool = False) -> str | None:
    """`value` as a link target if it is an https: or http: address with a host (or,
    with `relative`, a path on this site), else None. Spaces inside are written %20,
    as browsers send them; nothing else is changed."""
    text = value.strip().replace(" ", "%20")
    if not text or _NOT_IN_ADDRESS.search(text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    if parts.scheme:
        if parts.scheme.lower() in WEB_SCHEMES and text[len(parts.scheme):].startswith(
                "://") and _HOST.fullmatch(host):
            return text
        return None
    # A path on this site: not '//host/...', which a browser reads as another host.
    if relative and not text.startswith("//"):
        return text
    return None


def template_fields(template: str) -> list[str]:
    """The placeholder names in a URL template, in order; ValueError when a placeholder
    is more than a plain name ('{uprn.__class__}', '{0}', '{uprn!r}', '{uprn:>9}')."""
    names = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(f"'{{{name}}}' is not a plain placeholder")
        names.append(name)
    return names


def fill_url_template(template: str, **values: str) -> str:
    """The template with each value percent-encoded in full: a '/', '?', '#', ':' or
    '&' in a reference or postcode stays inside its own part of the address."""
    return template.format_map({name: quote(value, safe="") for name, value in values.items()})


def url_template_problem(template: str, allowed: tuple[str, ...]) -> str | None:
    """Why a configured URL template cannot be used, or None when it can."""
    try:
        names = template_fields(template)
    except ValueError as exc:
        return f"{exc}; use {', '.join('{' + a + '}' for a in allowed)}"
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        return (f"it uses {', '.join('{' + u + '}' for u in unknown)}; only "
                f"{', '.join('{' + a + '}' for a in allowed)} can be used")
    # Filled with a word and with nothing: a placeholder must not be able to make the
    # scheme ('{reference}:...') or, left blank, another host ('/{uprn}/' -> '//').
    for sample in ("x", ""):
        filled = fill_url_template(template, **dict.fromkeys(allowed, sample))
        if web_address(filled, relative=True) is None:
            return "it must be an https: or http: address, or a path on this site"
    return None


# OWASP's list of the first characters that make a spreadsheet read a CSV cell as a
# formula (CSV injection), with NUL from ASVS 1.2.10. A number such as -5 and a lone
# '-' (our "not applicable") are read as data, and stay as they are.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
_HARMLESS = re.compile(r"-|[+-]?[0-9][0-9,]*(\.[0-9]+)?%?")


def spreadsheet_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as the text it is: one that would start a formula
    gets a leading apostrophe, which spreadsheets read as "this is text"."""
    if value.startswith(FORMULA_STARTS) and not _HARMLESS.fullmatch(value):
        return "'" + value
    return value


# Characters that mean something to Markdown, to one of the extensions in mkdocs.yml
# (tables, attr_list, md_in_html) or to HTML wherever they are in a line, and line
# breaks, so that a value cannot start a line of its own. They are written as numeric
# character references, which Markdown passes through and browsers show as the
# character.
_INLINE_SPECIAL = "\\`*_{}[]()<>|&\"'\n\r\t"
_INLINE_TABLE = {ord(c): f"&#{ord(c)};" for c in _INLINE_SPECIAL}
# What means something only at the start of a line (a heading, a list, a quote, a
# setext underline, a definition, an admonition), and a number starting an ordered
# list ('1.'); a value's first character may be the start of a line.
_LINE_START = "#+-=:!>"
_ORDERED = re.compile(r"[0-9]+[.)]")


def markdown_text(value: object) -> Markup:
    """`value` as text that neither Markdown nor HTML reads as markup, in any context:
    inline, at the start of a line or in a table cell."""
    text = str(value)
    stripped = text.lstrip(" ")
    head = "&#32;" * (len(text) - len(stripped))  # four spaces would start code
    ordered = _ORDERED.match(stripped)
    if ordered:
        head += ordered.group()[:-1] + f"&#{ord(ordered.group()[-1])};"
        stripped = stripped[ordered.end():]
    elif stripped[:1] and stripped[0] in _LINE_START:
        head += f"&#{ord(stripped[0])};"
        stripped = stripped[1:]
    return Markup(head + stripped.translate(_INLINE_TABLE))


class _Attribution(HTMLParser):
    """Rebuilds attribution HTML from its text and its links, noting anything else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.problems: list[str] = []
        self.in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href") or ""
        if tag != "a" or self.in_link or [name for name, _ in attrs] != ["href"]:
            shown = "<" + tag + "".join(f" {name}" for name, _ in attrs) + ">"
            self.problems.append(f"{shown} is not allowed: only text and "
                                 '<a href="https://..."> links')
        elif web_address(href) is None:
            self.problems.append(f"the link {href!r} is not an https: or http: address")
        else:
            self.out.append(f'<a href="{html.escape(href)}">')
            self.in_link = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.in_link:
            self.out.append("</a>")
            self.in_link = False

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.problems.append("comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        self.problems.append("declarations are not allowed")

    def handle_pi(self, data: str) -> None:
        self.problems.append("processing instructions are not allowed")

    def unknown_decl(self, data: str) -> None:
        self.problems.append("declarations are not allowed")


def attribution_html(value: str) -> tuple[str, list[str]]:
    """(safe HTML, problems): the tile attribution with its text escaped and only
    https:/http: links kept. The map shows it as HTML (Leaflet's attribution control),
    so it is rebuilt rather than passed on; the configuration check reports the
    problems so that nothing is dropped unnoticed."""
    parser = _Attribution()
    parser.feed(value)
    parser.close()
    if parser.in_link:
        parser.out.append("</a>")
    return "".join(parser.out), parser.problems


# XML 1.0 allows tab, line feed, carriage return and the characters from U+0020 on,
# except the surrogates and U+FFFE/U+FFFF: anything else makes a feed unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` escaped for XML text and attributes, a character XML cannot hold shown
    as U+FFFD (the replacement character)."""
    return html.escape(_NOT_XML.sub("\ufffd", value), quote=True)


# The placeholders Leaflet fills in a tile URL: subdomain, zoom, column, row (also
# counted from the bottom, for TMS) and '@2x' on high-density screens.
_TILE_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_TILE_VALUES = {"s": "a", "z": "1", "x": "1", "y": "1", "-y": "1", "r": ""}


def tile_source(url: str) -> str:
    """The CSP source for the tile URL template's host ('' for tiles served from this
    site); ValueError saying why when the template cannot be used."""
    unknown = sorted({name for name in _TILE_PLACEHOLDER.findall(url)
                      if name not in _TILE_VALUES})
    if unknown:
        raise ValueError(f"unknown placeholder {', '.join('{' + u + '}' for u in unknown)};"
                         " use {s}, {z}, {x}, {y}, {-y} and {r}")
    if "{" in _TILE_PLACEHOLDER.sub("", url) or "}" in _TILE_PLACEHOLDER.sub("", url):
        # A stray brace, as in '{{z}': the address is also a Jinja template to folium.
        raise ValueError("a '{' or '}' that is not part of a placeholder")
    filled = _TILE_PLACEHOLDER.sub(lambda m: _TILE_VALUES[m.group(1)], url)
    if web_address(filled, relative=True) is None:
        raise ValueError("it must be an https: or http: address, or a path on this site")
    parts = urlsplit(url)
    if not parts.scheme:
        return ""
    if "@" in parts.netloc:
        raise ValueError("the address must not hold a user name or password")
    labels = parts.netloc.split(".")
    if "{" in parts.netloc:
        # Only a whole first label may vary ({s}.tile.example.org): a policy can
        # allow '*.tile.example.org', and nothing narrower or wider.
        if labels[0] != "{s}" or "{" in ".".join(labels[1:]) or len(labels) < 3:
            raise ValueError("a placeholder in the host must be the whole first part, "
                             "as in https://{s}.tile.example.org/{z}/{x}/{y}.png")
        labels[0] = "*"
    return f"{parts.scheme.lower()}://{'.'.join(labels).lower()}"


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """Rows (the header first) as CSV text, every cell made safe to open in a
    spreadsheet (`spreadsheet_cell`): the one way the generator writes CSV, for the
    site's downloads and for the reports staff open."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([spreadsheet_cell(str(cell)) for cell in row] for row in rows)
    return out.getvalue()
