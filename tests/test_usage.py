"""Page counts from the web server's own logs: a count per page, nothing about who."""

from __future__ import annotations

import csv
import gzip

import pytest

from conftest import make_project, run_cli
from generator.app.usage import count, page_address


@pytest.mark.parametrize(
    ("target", "base", "expected"),
    [
        ("/", "/", ""),
        ("/faq/", "/", "faq/"),
        ("/faq", "/", "faq/"),
        ("/faq/index.html", "/", "faq/"),
        ("/faq/?q=Jane+Smith", "/", "faq/"),  # the query is dropped
        ("/register/entries/enf-2024-0001/", "/", "register/entries/enf-2024-0001/"),
        ("/assets/site.css", "/", None),
        ("/pagefind/pagefind.js", "/", None),
        ("/register/register.csv", "/", None),
        ("/sitemap.xml", "/", None),
        ("/enforcement/faq/", "/enforcement/", "faq/"),
        ("/other-site/faq/", "/enforcement/", None),
        ("/%2e%2e/etc/", "/", None),
    ],
)
def test_page_address(target, base, expected):
    assert page_address(target, base) == expected


PERSON = '"Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"'
LOG = [
    f'203.0.113.9 - - [01/Nov/2026:10:00:00 +0000] "GET /faq/ HTTP/1.1" 200 512 "-" {PERSON}',
    f'203.0.113.9 - - [01/Nov/2026:10:00:01 +0000] "GET /faq/?q=Jane+Smith HTTP/1.1" 200 512 '
    f'"-" {PERSON}',
    f'198.51.100.7 - - [02/Nov/2026:11:00:00 +0000] "GET / HTTP/1.1" 304 0 "-" {PERSON}',
    f'198.51.100.7 - - [02/Nov/2026:11:00:01 +0000] "GET /assets/site.css HTTP/1.1" 200 9 '
    f'"-" {PERSON}',
    '66.249.66.1 - - [02/Nov/2026:12:00:00 +0000] "GET /faq/ HTTP/1.1" 200 512 "-" '
    '"Mozilla/5.0 (compatible; Googlebot/2.1)"',
    f'198.51.100.7 - - [03/Nov/2026:09:00:00 +0000] "GET /gone/ HTTP/1.1" 404 0 "-" {PERSON}',
    f'198.51.100.7 - - [03/Nov/2026:09:00:00 +0000] "POST /faq/ HTTP/1.1" 200 0 "-" {PERSON}',
    '203.0.113.9 - - [04/Nov/2026:08:00:00 +0000] "GET /charter/ HTTP/1.1" 200 100',  # Common
    "not a log line at all",
]


def test_count_keeps_a_number_per_page_and_nothing_about_who(tmp_path):
    plain = tmp_path / "access.log"
    plain.write_text("\n".join(LOG[:5]) + "\n")
    rotated = tmp_path / "access.log.1.gz"
    rotated.write_bytes(gzip.compress(("\n".join(LOG[5:]) + "\n").encode()))
    usage = count([plain, rotated], "/")
    assert dict(usage.views) == {"faq/": 2, "": 1, "charter/": 1}
    assert (usage.first.isoformat(), usage.last.isoformat()) == ("2026-11-01", "2026-11-04")
    assert usage.unreadable == 1


def test_the_usage_command_needs_the_option_and_reports_the_pages(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export, copy_pages=True)
    log = tmp_path / "access.log"
    log.write_text("\n".join(LOG) + "\n")
    args = ["usage", "--config", project.config, "--reports-dir", project.reports,
            "--pages", project.root / "site_src", log]
    refused = run_cli(*args)
    assert refused.exit_code == 2
    assert "server_log_counts: true" in refused.stderr
    assert not (project.reports / "usage.csv").exists()

    project.edit_config(usage={"server_log_counts": True})
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert "Page views from 1 November 2026 to 4 November 2026" in result.stdout
    report = (project.reports / "usage.csv").read_text()
    rows = list(csv.DictReader(report.splitlines()))
    assert [(r["page"], r["views"], r["file"], r["last reviewed"]) for r in rows] == [
        ("/faq/", "2", "site_src/faq.md", "2026-11-22"),
        ("/", "1", "site_src/index.md", "2026-11-22"),
        ("/charter/", "1", "site_src/charter.md", "2026-11-22"),
    ]
    for private in ("203.0.113.9", "198.51.100.7", "Jane", "Firefox", "Googlebot"):
        assert private not in report and private not in result.output


def test_the_privacy_notice_says_whether_pages_are_counted(tmp_path, small_export):
    project = make_project(tmp_path / "p", small_export)
    texts = {}
    for counting in (False, True):
        project.edit_config(usage={"server_log_counts": counting})
        result = project.build("--today", "2026-11-22")
        assert result.exit_code == 0, result.output
        texts[counting] = (project.site / "privacy" / "index.html").read_text()
    assert "We use these only to keep the site secure and working." in texts[False]
    assert "count how many" not in texts[False]
    assert "<li>It does not track you or use analytics.</li>" in texts[False]
    assert "We also count how many\ntimes each page is read" in texts[True]
    assert "only to keep the site secure" not in texts[True]
    assert "<li>It does not track you. It uses no analytics service or tracking " \
           "script.</li>" in texts[True]
