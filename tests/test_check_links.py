"""`enforcement-site check-links`, against a web server on the loopback interface only:
the tests never reach the network."""

from __future__ import annotations

import csv
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Project, make_project, run_cli


class _Handler(http.server.BaseHTTPRequestHandler):
    asked: list[tuple[str, str]] = []

    def _answer(self) -> None:
        type(self).asked.append((self.command, self.path))
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/ok" or (self.path == "/no-head" and self.command == "GET"):
            self.send_response(200)
        elif self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        self._answer()

    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("NO_PROXY", "no_proxy"):  # a proxy in the environment is not asked
        monkeypatch.setenv(name, "127.0.0.1")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    _Handler.asked = []
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _pages(project: Project, base: str) -> Path:
    pages = project.root / "pages"
    pages.mkdir()
    (pages / "links.md").write_text(
        "---\ntitle: Links\n---\n\n# Links\n\n"
        f"Read [the guidance]({base}/ok) and [the old guidance]({base}/gone).\n"
        f"See [moved]({base}/moved), [no HEAD]({base}/no-head) and "
        f"[the intranet]({base}/intranet/page).\n"
        "[Our FAQ](faq.md) [mail](mailto:planning@example.gov.uk)\n"
        f"```\n[in code]({base}/code)\n```\n")
    (pages / "README.md").write_text(f"[guide]({base}/readme)\n")
    return pages


def test_check_links_reports_each_link_with_its_page_and_line(tmp_path, server,
                                                              small_export):
    project = make_project(tmp_path / "p", small_export)
    project.edit_config(content={"ignore_links": [f"{server}/intranet/"]})
    pages = _pages(project, server)
    args = ["check-links", "--config", project.config, "--pages", pages,
            "--reports-dir", project.reports, "--today", "2026-11-22"]
    result = run_cli(*args)
    assert result.exit_code == 1, result.output
    assert f"BROKEN  site_src/links.md, line 7: {server}/gone: the server answered 404" \
        in result.stdout
    rows = list(csv.DictReader((project.reports / "links.csv").open()))
    assert [(r["line"], r["url"].removeprefix(server), r["result"], r["status"])
            for r in rows] == [
        ("7", "/ok", "ok", "200"),
        ("7", "/gone", "broken", "404"),
        ("8", "/moved", "ok", "200"),
        ("8", "/no-head", "ok", "200"),
        ("8", "/intranet/page", "ignored", ""),
    ]
    asked = {path for _, path in _Handler.asked}
    assert "/intranet/page" not in asked and "/readme" not in asked and "/code" not in asked

    # Next time: what worked comes from the cache; the broken link is asked again.
    _Handler.asked = []
    result = run_cli(*args)
    assert result.exit_code == 1
    assert {path for _, path in _Handler.asked} == {"/gone"}
    rows = list(csv.DictReader((project.reports / "links.csv").open()))
    assert [r["result"] for r in rows] == ["ok (cached)", "broken", "ok (cached)",
                                           "ok (cached)", "ignored"]

    # Once the cache is older than content.link_cache_days, every link is asked again.
    _Handler.asked = []
    run_cli(*args[:-1], "2026-12-22")
    assert {path for _, path in _Handler.asked} >= {"/ok", "/gone", "/moved", "/no-head"}


def test_check_links_passes_when_every_link_works(tmp_path, server, small_export):
    project = make_project(tmp_path / "p", small_export)
    pages = project.root / "pages"
    pages.mkdir()
    (pages / "a.md").write_text(f"[ok]({server}/ok)\n")
    result = run_cli("check-links", "--config", project.config, "--pages", pages,
                     "--reports-dir", project.reports)
    assert result.exit_code == 0, result.output
    assert "1 link(s) to other websites; 0 broken." in result.stdout
