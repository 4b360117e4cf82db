"""Shared fixtures: a project folder built around any export, and the CLI runner."""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from generator.cli import main
from generator.dev.sample import write_sample

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
SHARED_GEO = REPO.parent / "shared" / "geo" / "trafford"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(*args: str | Path) -> CliResult:
    """Run `enforcement-site ARGS` in-process, like a user would (datasette style)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return CliResult(code, out.getvalue(), err.getvalue())


@dataclass
class Project:
    """A self-contained project folder: config, mapping, export, mkdocs.yml."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "enforcement-site.yml"

    @property
    def export(self) -> Path:
        return self.root / "export"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def build_args(self, *extra: str) -> list[str | Path]:
        return ["build", "--config", self.config, "--mkdocs", self.root / "mkdocs.yml",
                "--site-dir", self.site, "--reports-dir", self.reports, *extra]

    def validate_args(self, *extra: str) -> list[str | Path]:
        return ["validate", "--config", self.config, "--reports-dir", self.reports, *extra]

    def build(self, *extra: str) -> CliResult:
        return run_cli(*self.build_args(*extra))

    def validate(self, *extra: str) -> CliResult:
        return run_cli(*self.validate_args(*extra))

    def edit_config(self, **sections: dict) -> None:
        data = yaml.safe_load(self.config.read_text())
        for section, values in sections.items():
            data.setdefault(section, {}).update(values)
        self.config.write_text(yaml.safe_dump(data, sort_keys=False))

    def edit_mapping(self, change) -> None:
        path = self.root / "mapping.yml"
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data, sort_keys=False))

    def site_text(self) -> str:
        """Every text file of the built site, concatenated (for leak assertions)."""
        import gzip

        parts = []
        for path in sorted(self.site.rglob("*")):
            if not path.is_file() or "vendor" in path.parts:
                continue
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":  # sitemap.xml.gz and the search index
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", errors="replace"))
        return "\n".join(parts)


def make_project(root: Path, export: Path | None = None, copy_pages: bool = False) -> Project:
    """A project in `root` using the repo's pages, theme and mapping; export copied in.
    With `copy_pages`, the pages are copied to root/site_src so a test can edit them."""
    root.mkdir(parents=True, exist_ok=True)
    project = Project(root)
    if export is not None and export != project.export:
        shutil.copytree(export, project.export, dirs_exist_ok=True)
    project.export.mkdir(exist_ok=True)
    shutil.copy(REPO / "data" / "mapping.yml", root / "mapping.yml")
    config = yaml.safe_load((REPO / "enforcement-site.yml").read_text())
    config["data"].update({"export_dir": "export", "mapping": "mapping.yml",
                           "wards": "export/wards.geojson"})
    if config["council"].get("logo"):
        shutil.copy(REPO / config["council"]["logo"], root / "logo.svg")
        config["council"]["logo"] = "logo.svg"
    project.config.write_text(yaml.safe_dump(config, sort_keys=False))
    mkdocs = yaml.safe_load((REPO / "mkdocs.yml").read_text())
    docs = REPO / "site_src"
    if copy_pages:
        shutil.copytree(docs, root / "site_src")
        docs = root / "site_src"
    mkdocs["docs_dir"] = str(docs)
    mkdocs["theme"]["custom_dir"] = str(REPO / "theme")
    mkdocs["plugins"] = [{"enforcement": {"config_file": str(project.config)}}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(mkdocs, sort_keys=False))
    return project


# Debian's chromium, driven by Playwright (tests/test_browser.py, test_hostile_input.py).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session's browser tests."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` to install Debian's chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# The case tracker's key in the tests' builds: never a real council's.
TRACKER_KEY = "tests-only-tracker-key-not-secret-0123456789"


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated export, small enough for fast end-to-end builds."""
    out = tmp_path_factory.mktemp("export")
    write_sample(out, seed=7, cases=600, notices=80)
    return out


@pytest.fixture
def project(tmp_path: Path, small_export: Path) -> Project:
    return make_project(tmp_path / "project", small_export)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> Project:
    """One full build shared by read-only tests of the built site."""
    project = make_project(tmp_path_factory.mktemp("built") / "project", small_export)
    result = project.build()
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture(scope="session")
def tracked(tmp_path_factory: pytest.TempPathFactory, small_export: Path) -> Project:
    """A full build with the case tracker on, its key in a file outside the project as a
    council keeps it (test_tracker.py, test_browser.py). Apart from `built`: a tracker
    file holds one case's exact dates, which the privacy tests rightly find nowhere in
    the public pages."""
    folder = tmp_path_factory.mktemp("tracked")
    project = make_project(folder / "project", small_export)
    key_file = folder / "tracker.key"
    key_file.write_text(TRACKER_KEY + "\n")
    result = project.build("--tracker-key-file", str(key_file))
    assert result.exit_code == 0, result.output
    return project


# ---- editing an export in the shape the sample writes it (cp1252, CRLF) ----------------


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="cp1252", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="cp1252", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)


def append_rows(path: Path, records: Iterable[dict[str, str]]) -> list[int]:
    """Append records (by header name) and return their spreadsheet row numbers."""
    rows = read_rows(path)
    header = rows[0]
    numbers = []
    for record in records:
        unknown = set(record) - set(header)
        assert not unknown, f"no such columns in {path.name}: {unknown}"
        rows.append([record.get(column, "") for column in header])
        numbers.append(len(rows))
    write_rows(path, rows)
    return numbers


def set_cell(path: Path, row_index: int, column: str, value: str) -> None:
    rows = read_rows(path)
    rows[row_index][rows[0].index(column)] = value
    write_rows(path, rows)


def entry_paths(site: Path) -> dict[str, str]:
    """Each published notice's reference -> the URL path of its entry page, read from the
    pages themselves (the build gives clashing references suffixed addresses)."""
    import html
    import re

    from generator.core.model import NoticeType

    labels = sorted((t.label for t in NoticeType), key=len, reverse=True)
    caption = re.compile(r"<caption>(.*?): what the register records</caption>", re.S)
    paths = {}
    for page in sorted((site / "register" / "entries").glob("*/index.html")):
        text = html.unescape(caption.search(page.read_text(encoding="utf-8")).group(1))
        label = next(label for label in labels if text.startswith(label + " "))
        paths[text[len(label) + 1:]] = f"/register/entries/{page.parent.name}/"
    return paths
