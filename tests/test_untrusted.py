"""Values from input stay data: links, Markdown, spreadsheets and the Content Security
Policy (generator/untrusted.py, generator/csp.py; docs/untrusted-input.md).

The first half checks each rule on its own, as tables of input and expected output. The
second builds one site from an export carrying the exact payloads of the three holes an
independent check found (a `javascript:` document link, Markdown in the home page's
latest notices, spreadsheet formulas in the CSV downloads) and checks that each is
closed. tests/test_hostile_input.py drives the same build in Chromium.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import markdown
import openpyxl
import pytest

from conftest import Project, make_project
from generator.core.untrusted import (
    attribution_html,
    fill_url_template,
    markdown_text,
    spreadsheet_cell,
    tile_source,
    url_template_problem,
    web_address,
    xml_text,
)
from generator.render import csp
from generator.render.page_templates import render_page_template
from hostile import (
    ADDRESS,
    DOCUMENT,
    HTML,
    IMAGE,
    MARKDOWN,
    TEMPLATES,
    UNICODE,
    WARD_FORMULA,
    WARD_HTML,
    plant_payloads,
    rename_wards,
    rewrite_notices,
)

# ---- Web addresses ----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "relative", "expected"), [
    ("https://planning.example.gov.uk/docs/ENF-1.pdf", False,
     "https://planning.example.gov.uk/docs/ENF-1.pdf"),
    ("http://example.org/a?b=1#c", False, "http://example.org/a?b=1#c"),
    ("HTTPS://EXAMPLE.ORG/", False, "HTTPS://EXAMPLE.ORG/"),
    ("  https://example.org/x  ", False, "https://example.org/x"),
    ("https://example.org/My notice.pdf", False, "https://example.org/My%20notice.pdf"),
    ("https://example.org:8443/x", False, "https://example.org:8443/x"),
    ("https://[2001:db8::1]/x", False, "https://[2001:db8::1]/x"),
    ("JaVaScRiPt:alert(1)", False, None),
    ("javascript:alert(1)", True, None),
    ("java\tscript:alert(1)", False, None),
    ("java\nscript:alert(1)", False, None),
    ("\x00javascript:alert(1)", False, None),
    ("data:text/html,<script>alert(1)</script>", False, None),
    ("vbscript:msgbox(1)", False, None),
    ("file:///etc/passwd", False, None),
    ("mailto:someone@example.org", False, None),
    ("https:example.org", False, None),
    ("https://", False, None),
    ("https://exa mple.org:x/", False, None),
    ("https://example.org\\@evil.example/", False, None),
    ('https://example.org/"onmouseover="alert(1)', False, None),
    ("https://example.org/<script>", False, None),
    ("//tracker.example/x.pdf", False, None),
    ("//tracker.example/x.pdf", True, None),
    ("/contact/", False, None),
    ("/contact/", True, "/contact/"),
    ("privacy/", True, "privacy/"),
    ("", True, None),
])
def test_only_web_addresses_become_links(value, relative, expected):
    assert web_address(value, relative=relative) == expected


@pytest.mark.parametrize(("template", "values", "expected"), [
    ("https://p.example/property?uprn={uprn}", {"uprn": "100012345678"},
     "https://p.example/property?uprn=100012345678"),
    ("https://p.example/history?ref={reference}", {"reference": "ENF/21/7"},
     "https://p.example/history?ref=ENF%2F21%2F7"),
    ("https://p.example/a?ref={reference}&x=1", {"reference": "1&x=2#frag"},
     "https://p.example/a?ref=1%26x%3D2%23frag&x=1"),
    ("https://p.example/pc/{postcode}", {"postcode": "NB1 1AA"},
     "https://p.example/pc/NB1%201AA"),
    ("{permission_reference}", {"permission_reference": "javascript:alert(1)"},
     "javascript%3Aalert%281%29"),
    ("https://p.example/{reference}", {"reference": "../../admin?x=<script>"},
     "https://p.example/..%2F..%2Fadmin%3Fx%3D%3Cscript%3E"),
])
def test_values_put_into_url_templates_are_percent_encoded(template, values, expected):
    assert fill_url_template(template, **values) == expected


@pytest.mark.parametrize(("template", "problem"), [
    ("https://p.example/property?uprn={uprn}", None),
    ("https://p.example/{reference}/{postcode}", None),
    ("/history/{uprn}/", None),
    ("javascript:alert('{uprn}')", "must be an https: or http: address"),
    ("{uprn}", "must be an https: or http: address"),
    ("{reference}:alert(1)", "must be an https: or http: address"),
    ("/{uprn}/history", "must be an https: or http: address"),
    ("https://p.example/{uprn.__class__}", "'{uprn.__class__}' is not a plain placeholder"),
    ("https://p.example/{0}", "'{0}' is not a plain placeholder"),
    ("https://p.example/{uprn!r}", "'{uprn}' is not a plain placeholder"),
    ("https://p.example/{uprn:>20}", "'{uprn}' is not a plain placeholder"),
    ("https://p.example/{owner}", "it uses {owner}; only {uprn}, {postcode}, {reference}"),
    ("https://p.example/{uprn", "expected '}' before end of string"),
])
def test_url_templates_are_checked(template, problem):
    found = url_template_problem(template, ("uprn", "postcode", "reference"))
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found, found


# ---- Spreadsheet cells --------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("=1+1", "'=1+1"),
    ('=HYPERLINK("https://tracker.example","x")', '\'=HYPERLINK("https://tracker.example","x")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(1,1)", "'@SUM(1,1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("\x00=1", "'\x00=1"),
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+44 7700 900123", "'+44 7700 900123"),
    ("-", "-"),
    ("-5", "-5"),
    ("-0.5", "-0.5"),
    ("1,234", "1,234"),
    ("75%", "75%"),
    ("[c]", "[c]"),
    ("2026-09-30", "2026-09-30"),
    ("12 High Street = the old post office", "12 High Street = the old post office"),
    ("'=1+1", "'=1+1"),
    ("", ""),
])
def test_spreadsheet_cells_that_would_run_are_made_text(value, expected):
    assert spreadsheet_cell(value) == expected


# ---- Markdown --------------------------------------------------------------------------------

# The Markdown extensions of mkdocs.yml, which every content page goes through.
EXTENSIONS = ["attr_list", "md_in_html", "tables", "toc", "admonition", "def_list"]
HOSTILE_TEXT = [*HTML, *MARKDOWN, *TEMPLATES, *UNICODE, "    four spaces", "a\n\n# b",
                "x\n===", "===", "---", "- dash", "+ plus", "* star", "12. twelve", "3) x",
                ": defined", "a | b", "1\\. x", "x\n    code", "a\n- b", "a_b_c", "<b>",
                "&amp;", "https://example.org/a-b.c?d=e#f", "first.last@example.org"]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.addresses: list[str] = []  # every href, src and action, as a browser reads it

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.addresses += [value or "" for name, value in attrs
                           if name in ("href", "src", "action")]

    def handle_data(self, data):
        self.text.append(data)


def _parsed(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    return parser


@pytest.mark.parametrize("value", HOSTILE_TEXT)
@pytest.mark.parametrize(("context", "tags"), [
    ("Written by {}.", ["p"]),
    ("{}", ["p"]),
    ("| Name | Value |\n| --- | --- |\n| council | {} |",
     ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]),
    ("- item {}", ["ul", "li"]),
])
def test_markdown_text_is_shown_as_it_is_in_any_context(value, context, tags):
    page = markdown.markdown(context.format(markdown_text(value)), extensions=EXTENSIONS)
    parsed = _parsed(page)
    assert parsed.tags == tags, page
    assert " ".join(value.split()) in " ".join("".join(parsed.text).split()), page


def test_comms_pages_show_configuration_values_as_text():
    """`{{ council.name }}` in a content page is text, whatever the configuration says;
    `{{ latest_notices }}` (Markup, already escaped HTML) goes in as it is."""
    from markupsafe import Markup

    council = SimpleNamespace(name="[click me](javascript:alert(1))",
                              email="x@example.org)[a](javascript:alert(2)",
                              address="# Head\n\n<script>alert(3)</script>")
    source = ("# About {{ council.name }}\n\n{{ council.name }} runs this site. "
              "Email [{{ council.email }}](mailto:{{ council.email }}).\n\n"
              "- write to {{ council.address }}\n\n{{ table }}\n")
    rendered = render_page_template(source, "about.md", {
        "council": council, "table": Markup('<table><tr><td>x</td></tr></table>')})
    page = markdown.markdown(rendered, extensions=EXTENSIONS)
    parsed = _parsed(page)
    assert parsed.tags == ["h1", "p", "a", "ul", "li", "table", "tr", "td"], page
    assert 'href="javascript' not in html.unescape(page).lower()
    text = " ".join("".join(parsed.text).split())
    assert "About [click me](javascript:alert(1))" in text
    assert "write to # Head <script>alert(3)</script>" in text


# ---- Attribution, XML, tiles ------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected", "problems"), [
    ('&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
     "contributors",
     '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
     []),
    ("Tiles &amp; data by Example", "Tiles &amp; data by Example", []),
    ("5 < 6", "5 &lt; 6", []),
    ("<img src=x onerror=alert(1)>", "", ["<img src onerror> is not allowed"]),
    ("<script>alert(1)</script>x", "alert(1)x", ["<script> is not allowed"]),
    ('<a href="javascript:alert(1)">x</a>', "x",
     ["the link 'javascript:alert(1)' is not an https: or http: address"]),
    ('<a href="https://e.example/" onclick="alert(1)">x</a>', "x",
     ["<a href onclick> is not allowed"]),
    ('<a href="https://e.example/">unclosed', '<a href="https://e.example/">unclosed</a>', []),
    ("<!-- c -->x", "x", ["comments are not allowed"]),
])
def test_tile_attribution_keeps_text_and_web_links_only(value, expected, problems):
    safe, found = attribution_html(value)
    assert safe == expected
    assert [p.split(": only")[0] for p in found] == problems


@pytest.mark.parametrize(("value", "expected"), [
    ("A & B <c>", "A &amp; B &lt;c&gt;"),
    ('say "hi"', "say &quot;hi&quot;"),
    ("nul\x00 and bell\x07", "nul\ufffd and bell\ufffd"),
    ("tab\tline\ncr\r", "tab\tline\ncr\r"),
    ("\ufffe", "\ufffd"),
    ("Llanŵ \u202e", "Llanŵ \u202e"),
])
def test_feed_text_is_escaped_and_always_xml(value, expected):
    assert xml_text(value) == expected
    ET.fromstring(f"<t a=\"{xml_text(value)}\">{xml_text(value)}</t>")


@pytest.mark.parametrize(("url", "source"), [
    ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
    ("https://{s}.tile.example.org/{z}/{x}/{y}{r}.png", "https://*.tile.example.org"),
    ("http://tiles.example.org:8080/{z}/{-y}/{x}.png", "http://tiles.example.org:8080"),
    ("tiles/{z}/{x}/{y}.png", ""),
])
def test_tile_url_gives_the_policy_its_image_host(url, source):
    assert tile_source(url) == source


@pytest.mark.parametrize(("url", "problem"), [
    ("javascript:alert('{z}')", "must be an https: or http: address"),
    ("//tracker.example/{z}/{x}/{y}.png", "must be an https: or http: address"),
    ("https://tile{s}.example.org/{z}/{x}/{y}.png", "must be the whole first part"),
    ("https://{s}.org/{z}/{x}/{y}.png", "must be the whole first part"),
    ("https://tiles.example.org/{z}/{x}/{y}.png?key={apikey}", "unknown placeholder {apikey}"),
    ("https://user@tiles.example.org/{z}/{x}/{y}.png", "must not hold a user name"),
    ("https://tiles.example.org/{{z}/{x}/{y}.png", "'{' or '}' that is not part of"),
    ("https://tiles.example.org/{{ 7*7 }}/{x}/{y}.png", "unknown placeholder { 7*7 }"),
    ("https://tiles.example.org/{% if 1 %}/{x}/{y}.png", "unknown placeholder {% if 1 %}"),
])
def test_tile_urls_that_cannot_be_used(url, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        tile_source(url)


# ---- The Content Security Policy ------------------------------------------------------------

# sha256 of "alert(1)" and of "", base64: worked out with `openssl dgst -sha256 -binary`.
ALERT_HASH = "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
EMPTY_HASH = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


@pytest.mark.parametrize(("page", "hashes"), [
    ("<script>alert(1)</script>", [ALERT_HASH]),
    ("<SCRIPT type='text/javascript'>alert(1)</SCRIPT >", [ALERT_HASH]),
    ("<script type=module>alert(1)</script><script>alert(1)</script>", [ALERT_HASH]),
    ('<script src="a.js"></script>', []),
    ('<script id="__config" type="application/json">{"a": 1}</script>', []),
    ("<script></script><script>alert(1)</script>", [EMPTY_HASH, ALERT_HASH]),
    ("<p>no scripts</p>", []),
])
def test_inline_scripts_are_allowed_by_their_hashes(page, hashes):
    assert csp.inline_script_hashes(page) == hashes


def test_the_policy_replaces_the_placeholder_and_every_page_needs_one():
    page = f'<head><meta http-equiv="Content-Security-Policy" {csp.PLACEHOLDER}>' \
           "<script>alert(1)</script></head>"
    filled = csp.with_policy(page, "https://tile.openstreetmap.org")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"',
                       filled).group(1)
    assert policy == (
        "default-src 'none'; script-src 'self' " + ALERT_HASH
        + "; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
        "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
        "form-action 'self'; base-uri 'none'; object-src 'none'")
    preview = csp.with_policy(page, "", preview=True)
    assert "script-src 'self' 'unsafe-inline'; " in preview
    assert "img-src 'self' data:; " in preview
    with pytest.raises(ValueError, match="no Content-Security-Policy placeholder"):
        csp.with_policy("<head></head>", "")


def _policies(page: str) -> list[str]:
    return re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)


def test_every_page_of_the_site_carries_a_policy_that_allows_exactly_its_scripts(
        built: Project):
    pages = sorted(built.site.rglob("*.html"))
    assert len(pages) > 50 and built.site / "404.html" in pages
    inline = re.compile(r"<script>(.*?)</script>", re.S)
    for path in pages:
        page = path.read_text(encoding="utf-8")
        where = path.relative_to(built.site)
        policies = _policies(page)
        assert len(policies) == 1, where
        head = page[:page.index("</head>")]
        assert head.index("Content-Security-Policy") < head.index("<script"), where
        allowed = set(re.findall(r"'sha256-[^']+'", policies[0]))
        # Worked out here with hashlib, not by the code under test.
        needed = {"'sha256-" + base64.b64encode(hashlib.sha256(
            body.encode()).digest()).decode() + "'" for body in inline.findall(page)}
        assert needed and needed == allowed, where
        assert "img-src 'self' data: https://tile.openstreetmap.org;" in policies[0]
        # The policy allows no inline styles or event handlers: the pages have none.
        assert not re.search(r"<[^>]+\sstyle=", page), where
        assert not re.search(r"<[^>]+\son[a-z]+=", page), where


# ---- The three holes, closed: one site built from their exact payloads -----------------------

@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> Project:
    project = make_project(tmp_path_factory.mktemp("payloads") / "project", small_export)
    plant_payloads(project)
    result = project.build()
    assert result.exit_code == 0, result.output
    return project


def _issues(project: Project) -> list[dict[str, str]]:
    with (project.reports / "issues.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_a_javascript_document_link_is_a_row_warning_and_never_a_link(payloads: Project):
    rows = list(csv.DictReader(io.StringIO(
        (payloads.export / "notices.csv").read_text(encoding="utf-8"))))
    ours = [number for number, row in enumerate(rows, start=2)  # the header is row 1
            if row["Authority"] == "NBK"]  # the national park's rows are not read
    assert len(ours) > 20
    unsafe = [i for i in _issues(payloads) if i["kind"] == "unsafe-url"]
    assert [(i["file"], i["row"], i["column"], i["value"], i["severity"]) for i in unsafe] == [
        ("notices.csv", str(number), "Document", DOCUMENT, "warning") for number in ours]
    entries = list((payloads.site / "register" / "entries").glob("*/index.html"))
    assert len(entries) >= 20
    for page in entries:
        text = page.read_text(encoding="utf-8")
        assert "Copy of the notice" not in text
        assert _web_or_site_addresses_only(_parsed(text).addresses), page
    with (payloads.site / "downloads" / "register.csv").open(newline="") as handle:
        assert {row["document-url"] for row in csv.DictReader(handle)} == {""}


def test_markdown_in_the_latest_notices_stays_text(payloads: Project):
    page = (payloads.site / "index.html").read_text(encoding="utf-8")
    table = page[page.index('id="latest-notices"'):]
    table = table[:table.index("</table>")]
    parsed = _parsed(table)
    assert parsed.tags.count("a") == 5 and "img" not in parsed.tags
    addresses = _parsed(page).addresses
    assert _web_or_site_addresses_only(addresses)
    assert not [a for a in addresses if "tracker.example" in a]
    text = "".join(parsed.text)
    assert text.count(ADDRESS) == 5 and text.count(IMAGE) == 5, text


def _web_or_site_addresses_only(addresses: list[str]) -> bool:
    """Whether every address is a path on the site or an https:, http: or mailto: one
    (what a browser would follow, after dropping the spaces and controls it ignores)."""
    for address in addresses:
        squeezed = re.sub(r"[\x00-\x20]", "", address).lower()
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", squeezed)
        if scheme and scheme.group(1) not in ("https", "http", "mailto"):
            return False
    return True


def _spreadsheet_cells(path: Path) -> list[openpyxl.cell.Cell]:
    """The CSV file's cells as a spreadsheet holds them: each cell typed in, the workbook
    saved and opened again (openpyxl stores a value starting with '=' as a formula)."""
    book = openpyxl.Workbook()
    sheet = book.active
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    saved = io.BytesIO()
    book.save(saved)
    saved.seek(0)
    return [cell for row in openpyxl.load_workbook(saved).active.iter_rows() for cell in row]


# What Excel, LibreOffice and Google Sheets read as the start of a formula, written out
# here rather than taken from generator/untrusted.py.
STARTS_A_FORMULA = re.compile(r"[=+\-@\t\r\x00](?!\d*(\.\d+)?%?$)")


def test_no_csv_download_holds_a_formula(payloads: Project):
    import json

    files = sorted((payloads.site / "downloads").rglob("*.csv"))
    assert len(files) > 5 and payloads.site / "downloads" / "register.csv" in files
    neutralised = {}
    for path in files:
        neutralised[path.name] = 0
        for cell in _spreadsheet_cells(path):
            text = "" if cell.value is None else str(cell.value)
            assert cell.data_type != "f", f"{path.name} {cell.coordinate}: {text!r}"
            assert not STARTS_A_FORMULA.match(text), f"{path.name} {cell.coordinate}: {text!r}"
            neutralised[path.name] += text.startswith("'")
    # The five columns planted with formulas in every published notice, and the wards
    # named with one (every other ward) in the ward table.
    published = len(json.loads((payloads.site / "downloads" / "register.json").read_text())[
        "entries"])
    wards = len(json.loads((payloads.export / "wards.geojson").read_text())["features"])
    assert neutralised["register.csv"] == 5 * published
    assert neutralised["ward-by-breach.csv"] == (wards + 1) // 2


def test_csv_keeps_the_value_after_its_apostrophe_and_json_keeps_it_exactly(
        payloads: Project):
    import json

    with (payloads.site / "downloads" / "register.csv").open(newline="") as handle:
        rows = {row["compliance-period"]: row for row in csv.DictReader(handle)}
    entries = json.loads((payloads.site / "downloads" / "register.json").read_text())["entries"]
    assert entries
    for entry in entries:
        row = rows["'" + entry["compliance-period"]]
        assert entry["compliance-period"].startswith("@SUM(1,1) ")
        assert row["requirements"] == "'" + entry["requirements"]
        assert row["reference"] == entry["reference"]  # '!' does not start a formula
    ward_csv = (payloads.site / "downloads" / "statistics" / "ward-by-breach.csv").read_text()
    assert f"\"'{WARD_FORMULA} 0\"" in ward_csv or f"'{WARD_FORMULA} 0" in ward_csv
    assert f"{WARD_HTML} 1" in ward_csv


def _assigned(script: str, name: str) -> object:
    """The JSON value a map script assigns to window.NAME."""
    import json

    line = next(x for x in script.splitlines() if x.startswith(f"window.{name} = "))
    return json.loads(line.removeprefix(f"window.{name} = ").removesuffix(";"))


def test_ward_names_reach_the_case_map_as_text_only(payloads: Project):
    """The tooltips are built from JSON with textContent (the map's script writes no
    HTML); folium, which would have written the names as HTML, never sees them."""
    import json

    script = (payloads.site / "maps" / "case-map.js").read_text()
    wards = json.loads((payloads.export / "wards.geojson").read_text())["features"]
    assert [name for name, _ in _assigned(script, "ENFORCEMENT_WARDS")] == [
        w["properties"]["name"] for w in wards]
    assert "innerHTML" not in script and "bindTooltip" in script
    assert script.count(WARD_HTML) == len(wards) // 2  # once each, in the JSON


def test_template_syntax_in_the_input_never_runs_when_the_maps_are_made(project: Project):
    """folium renders its output again as a Jinja template: a '{{' in anything it is
    given would run at build time, with the build's rights."""
    import json

    code = "{{ cycler.__init__.__globals__.os.getcwd() }}"
    (project.root / "overlay.geojson").write_text(json.dumps({
        "type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"name": code, "note": "{% if %}"},
            "geometry": {"type": "Point", "coordinates": [-1.45, 52.57]}}]}))
    project.edit_config(tiles={"name": f"Tiles {code}"}, maps={"overlays": [
        {"name": f"Areas {code}", "file": "overlay.geojson"}]})
    # Each value its own ('R3X' is in no other), or a withheld notice's reference would
    # turn up inside a published one and the leak scan would stop the build.
    rewrite_notices(project, lambda i, row: row.update({"Notice Ref": f"{code} R{i}X"}))
    rename_wards(project, lambda i, _: f"{code} W{i}X" if i % 2 else "{% if unclosed")
    result = project.build()
    assert result.exit_code == 0, result.output
    folder = str(project.root.resolve().parent)
    for name in ("register-map.js", "case-map.js"):
        script = (project.site / "maps" / name).read_text()
        assert folder not in script, name  # getcwd() never ran
        assert "{%" not in script or name == "case-map.js", name
    register_map = (project.site / "maps" / "register-map.js").read_text()
    assert [r for _, _, r in _assigned(register_map, "ENFORCEMENT_ENTRIES")
            if r.startswith(code)], "the references are shown as they are"
    # Layer names are HTML to Leaflet: the braces are character references (folium's
    # JSON writes '&' as \u0026).
    assert "Tiles \\u0026#123;\\u0026#123; cycler" in register_map
    assert "Areas \\u0026#123;\\u0026#123; cycler" in register_map
    names = [n for n, _ in _assigned(
        (project.site / "maps" / "case-map.js").read_text(), "ENFORCEMENT_WARDS")]
    assert names[:2] == ["{% if unclosed", f"{code} W1X"]


def test_the_feed_is_well_formed_with_the_payloads(payloads: Project):
    feed = ET.parse(payloads.site / "feed.xml").getroot()
    titles = [e.text for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(IMAGE in t and ADDRESS in t for t in titles[1:]), titles


def test_the_datapackage_and_the_open_data_page_say_how_csv_cells_are_made_safe(
        built: Project):
    import json

    package = json.loads((built.site / "downloads" / "datapackage.json").read_text())
    resource = package["resources"][0]
    assert "apostrophe" in resource["description"] and "=, +, -, @" in resource["description"]
    page = (built.site / "open-data" / "index.html").read_text()
    assert "apostrophe" in page and "JSON and GeoJSON files hold each" in page


# ---- Configuration values --------------------------------------------------------------------


def test_unsafe_addresses_in_the_configuration_are_all_reported_at_once(project: Project):
    project.edit_config(
        council={"website": "javascript:alert(1)",
                 "report_url": "data:text/html,<script>alert(1)</script>"},
        site={"url": "javascript:alert(1)//", "language": '"><script>'},
        tiles={"privacy_url": "//tracker.example/privacy",
               "url": "https://{s}tiles.example.org/{z}/{x}/{y}.png",
               "attribution": '<img src=x onerror=alert(1)> <a href="javascript:x()">a</a>'},
        register={"property_history_url": "https://p.example/{uprn.__class__}",
                  "application_url": "javascript:alert('{permission_reference}')"})
    result = project.build()
    assert result.exit_code == 2, result.output
    for expected in [
        "'council.website' must be an https: or http: address, or a path on this site, "
        "not 'javascript:alert(1)'",
        "'council.report_url' must be an https: or http: address",
        "'site.url' must be an https: or http: address, not 'javascript:alert(1)//'",
        "'tiles.privacy_url' must be an https: or http: address",
        "'tiles.url' cannot be used: a placeholder in the host must be the whole first part",
        "'tiles.attribution': <img src onerror> is not allowed",
        "'tiles.attribution': the link 'javascript:x()' is not an https: or http: address",
        "'register.property_history_url' cannot be used: '{uprn.__class__}' is not a "
        "plain placeholder",
        "'register.application_url' cannot be used: it must be an https: or http: address",
        "'site.language' must be a language code",
    ]:
        assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not project.site.exists()


def test_the_reports_staff_open_in_a_spreadsheet_hold_no_formulas():
    from generator.core.problems import Problems

    problems = Problems()
    problems.warning("notices.csv", 2, "Document", '=HYPERLINK("https://tracker.example")',
                     "unsafe-url", "not an https: or http: web address")
    problems.error("cases.csv", 3, "Date Received", "-", "bad-date", "'-' is not a date")
    rows = list(csv.reader(io.StringIO(problems.to_csv())))
    assert rows[1:] == [
        ["cases.csv", "3", "Date Received", "-", "bad-date", "error", "'-' is not a date"],
        ["notices.csv", "2", "Document", '\'=HYPERLINK("https://tracker.example")',
         "unsafe-url", "warning", "not an https: or http: web address"]]


def test_an_svg_logo_with_script_is_refused(project: Project):
    (project.root / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    project.edit_config(council={"logo": "logo.svg"})
    result = project.build()
    assert result.exit_code == 2, result.output
    assert "'council.logo': logo.svg holds script" in result.stderr


def test_entry_links_encode_export_values_into_the_configured_templates(project: Project):
    project.edit_config(register={
        "property_history_url": "https://p.example/history?ref={reference}&uprn={uprn}",
        "application_url": "https://p.example/app/{permission_reference}"})
    changed: list[dict[str, str]] = []

    def change(index: int, row: dict[str, str]) -> None:
        published = row["Authority"] == "NBK" and not row["Date Withdrawn"] \
            and not row["Date Quashed"] and row["UPRN"]
        if published and not changed:
            row.update({"Notice Ref": "ENF/21/7?admin=1#x", "Notice Type": "BCN",
                        "Permission Ref": "../../evil?x=1"})
            changed.append(row)

    rewrite_notices(project, change)
    result = project.build()
    assert result.exit_code == 0, result.output
    page = (project.site / "register" / "entries" / "enf-21-7-admin-1-x" / "index.html"
            ).read_text()
    links = re.findall(r'<a href="([^"]*)">', page)
    assert html.escape("https://p.example/history?ref=ENF%2F21%2F7%3Fadmin%3D1%23x"
                       f"&uprn={changed[0]['UPRN']}") in links
    assert "https://p.example/app/..%2F..%2Fevil%3Fx%3D1" in links
