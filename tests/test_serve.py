"""`enforcement-site serve`, driven as comms staff use it: in its own process, on the
loopback interface, read over HTTP while a page is broken, fixed and warned about."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from conftest import REPO, Project, make_project

# Only how long to wait before giving up: the preview builds the data once and then
# rebuilds on each save; nothing here measures how fast.
PATIENCE_SECONDS = 240


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Preview:
    def __init__(self, process: subprocess.Popen[bytes], base: str, log: Path):
        self.process, self.base, self.log = process, base, log

    def get(self, path: str) -> str:
        try:
            with urllib.request.urlopen(self.base + path, timeout=30) as response:
                return response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.read().decode("utf-8", errors="replace")

    def wait_for(self, path: str, shows: Callable[[str], bool]) -> str:
        """The page at `path` once it `shows` what is expected."""
        deadline = time.monotonic() + PATIENCE_SECONDS
        text = ""
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"serve stopped:\n{self.log.read_text()}")
            try:
                text = self.get(path)
            except OSError:  # not listening yet
                text = ""
            if text and shows(text):
                return text
            time.sleep(0.5)
        pytest.fail(f"{path} never showed what was expected; last seen:\n{text[:3000]}\n"
                    f"serve said:\n{self.log.read_text()}")


@pytest.fixture
def preview(tmp_path: Path, small_export: Path) -> Iterator[tuple[Preview, Project]]:
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--config", str(project.config),
             "--mkdocs", str(project.root / "mkdocs.yml"), "--today", "2026-11-22",
             "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project.root, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        yield Preview(process, f"http://127.0.0.1:{port}", log), project
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


ERROR = "The preview cannot show the site"


def test_a_broken_page_shows_an_error_page_until_it_is_fixed(preview):
    server, project = preview
    server.wait_for("/faq/", lambda t: "Will my name be shared?" in t)
    faq = project.root / "site_src" / "faq.md"
    good = faq.read_text()
    lines = good.splitlines()
    lines.insert(8, "Read [our old guide](old-guide.md) first.")
    faq.write_text("\n".join(lines) + "\n")

    # Whichever page the editor has open shows what to fix.
    for path in ("/faq/", "/charter/"):
        page = server.wait_for(path, lambda t: ERROR in t)
        assert "site_src/faq.md, line 9" in page
        assert "the link to &#x27;old-guide.md&#x27; goes nowhere" in page
        assert "How to fix it:" in page
    assert "livereload" in page  # MkDocs' script: the page reloads itself once fixed
    assert "site_src/faq.md, line 9" in server.log.read_text()  # and the terminal too

    faq.write_text(good)
    page = server.wait_for("/faq/", lambda t: ERROR not in t)
    assert "Will my name be shared?" in page

    # A rebuild that fails for another reason says why, instead of the browser waiting.
    mkdocs_yml = project.root / "mkdocs.yml"
    settings = mkdocs_yml.read_text()
    mkdocs_yml.write_text(settings + "\nmarkdown_extensions: [no_such_extension]\n")
    page = server.wait_for("/faq/", lambda t: "it could not be built" in t)
    assert "no_such_extension" in page
    mkdocs_yml.write_text(settings)
    page = server.wait_for("/faq/", lambda t: "could not be built" not in t)
    assert "Will my name be shared?" in page


def test_a_template_error_is_shown_and_the_warnings_sit_on_their_page(preview):
    server, project = preview
    server.wait_for("/", lambda t: "md-nav" in t)
    glossary = project.root / "site_src" / "glossary.md"
    glossary.write_text(glossary.read_text().replace("last_reviewed: 2026-11-22",
                                                     "last_reviewed: 2023-01-01"))
    page = server.wait_for("/glossary/", lambda t: "preview-warnings" in t
                           and "last reviewed on 1 January 2023" in t)
    assert "Preview only" in page
    # Another page says how many warnings are elsewhere, not this page's own.
    faq = server.get("/faq/")
    assert "last reviewed on 1 January 2023" not in faq
    assert "Other pages have" in faq

    charter = project.root / "site_src" / "charter.md"
    charter.write_text(charter.read_text().replace("{{ council.name }}",
                                                   "{{ council.nmae }}", 1))
    page = server.wait_for("/glossary/", lambda t: ERROR in t)
    assert "site_src/charter.md, line 12" in page and "nmae" in page


def test_the_preview_pages_escape_what_they_quote():
    from generator.core.problems import Severity
    from generator.render.preview import error_page, with_warnings_panel
    from generator.site.content_checks import Finding

    finding = Finding("faq.md", 3, "broken-link", Severity.ERROR,
                      "the link to '<script>x</script>' goes nowhere")
    page = error_page([finding])
    assert "<script>x" not in page and "&lt;script&gt;x" in page
    warning = Finding("faq.md", 1, "review-overdue", Severity.WARNING, "overdue")
    panel = with_warnings_panel('<body><article class="md-content__inner">text',
                                [warning], 2)
    assert "Line 1: overdue." in panel and "<code>last_reviewed</code>" in panel
    assert "Other pages have 2 more warnings" in panel
    assert panel.endswith("text")
