"""Previewing (`enforcement-site serve`): a rebuild after a page is edited shows the edit
and reuses the register's entry pages when they have not changed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import filecmp
from pathlib import Path

from conftest import Project
from generator.app.prepare import prepare, prepared_for_plugin
from generator.config.schema import load_config
from generator.render.fast_pages import KeptFastPages
from generator.render.mkdocs import render_site

TODAY = dt.date(2026, 11, 22)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rebuild_shows_the_edit_and_reuses_unchanged_entry_pages(tmp_path: Path,
                                                                  small_export: Path):
    from conftest import make_project

    project: Project = make_project(tmp_path / "project", small_export, copy_pages=True)
    prepared = prepared_for_plugin(prepare(load_config(project.config), TODAY), TODAY)
    mkdocs_yml, out = project.root / "mkdocs.yml", tmp_path / "preview"
    render_site(prepared, mkdocs_yml, out, preview=True)
    # A file the build never writes: it survives only if the folder is put back whole.
    marker = out / "register" / "entries" / "marker"
    marker.write_text("left by the first build")

    faq = project.root / "site_src" / "faq.md"
    faq.write_text(faq.read_text() + "\nA sentence added while previewing.\n")
    render_site(prepared, mkdocs_yml, out, preview=True)

    assert "A sentence added while previewing." in (out / "faq" / "index.html").read_text()
    assert marker.exists(), "the entry pages were written again"
    assert not (out / KeptFastPages.HIDDEN).exists()
    marker.unlink()
    fresh = tmp_path / "fresh"
    # Previewing too: a preview's pages allow MkDocs' live-reload script (csp.py).
    render_site(prepared, mkdocs_yml, fresh, preview=True)
    assert _tree(out) == _tree(fresh)
    marker.write_text("left by the second build")

    # A changed entry is written again, with the change.
    path, page = next(item for item in sorted(prepared.site.fast_pages.items())
                      if item[0].startswith("register/entries/"))
    prepared.site.fast_pages[path] = dataclasses.replace(page, body=page.body + "<p>Changed.</p>")
    render_site(prepared, mkdocs_yml, out, preview=True)
    changed = out / Path(path).with_suffix("") / "index.html"
    assert "<p>Changed.</p>" in changed.read_text()
    assert not marker.exists(), "a changed folder was put back"
    assert not filecmp.dircmp(out, fresh).left_only
