"""Publishing: the site link, the lock, kills at every step, and failures of the machine.

The published site is a link switched in one rename onto a complete build folder
(generator/publish/folders.py). Whatever happens to a build, the site stays present and
complete, and the last good build is never deleted by a build that fails.
"""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import Project, make_project, run_cli
from generator.publish import folders as publish
from generator.publish.folders import SiteFolders


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _builds(project: Project) -> list[str]:
    return sorted(p.name for p in (project.root / ".site.builds").iterdir())


# ---- the layout ------------------------------------------------------------------------


def test_the_site_is_a_link_to_a_complete_build_with_its_counts_beside_it(project: Project):
    assert project.build().exit_code == 0
    assert project.site.is_symlink()
    target = Path(os.readlink(project.site))
    assert not target.is_absolute() and target.parts[0] == ".site.builds"
    assert (project.site / "index.html").is_file()
    (build,) = [b for b in _builds(project) if not b.endswith(".json")]
    counts = json.loads((project.root / ".site.builds" / f"{build}.json").read_text())
    entries = len(list((project.site / "register" / "entries").iterdir()))
    register = json.loads((project.site / "downloads" / "register.json").read_text())
    on_register = sum(e["on-statutory-register"] == "true" for e in register["entries"])
    assert counts["register entries"] == on_register
    assert counts["register entries"] + counts["other notices"] == entries
    assert counts["rows"]["notices.csv"]["published"] == entries


def test_a_build_keeps_the_site_it_replaced_until_the_next_one_is_published(
        project: Project):
    assert project.build().exit_code == 0
    first = os.readlink(project.site)
    assert project.build().exit_code == 0
    second = os.readlink(project.site)
    assert second != first
    kept = {b for b in _builds(project) if not b.endswith(".json")}
    assert kept == {Path(first).name, Path(second).name}  # the one replaced, for a day
    assert project.build().exit_code == 0
    kept = {b for b in _builds(project) if not b.endswith(".json")}
    assert Path(first).name not in kept and Path(second).name in kept
    assert len(kept) == 2


def test_a_failed_build_deletes_nothing_published_and_leaves_no_staging(project: Project):
    assert project.build().exit_code == 0
    published = os.readlink(project.site)
    before = _tree(project.site)
    project.edit_config(publish={"max_rejected_percent": 0})  # the sample has bad rows
    result = project.build()
    assert result.exit_code == 1, result.output
    assert os.readlink(project.site) == published
    assert _tree(project.site) == before
    assert not [b for b in _builds(project) if b.endswith(".partial")]
    assert "Traceback" not in result.output


def test_a_site_folder_from_before_the_link_is_replaced_and_kept_for_a_day(
        project: Project, built: Project):
    import shutil

    shutil.copytree(built.site, project.site)  # a real folder, as older versions wrote
    (project.site / "marker").write_text("the old site")
    assert project.build().exit_code == 0
    assert project.site.is_symlink()
    assert not (project.site / "marker").exists()
    old = [b for b in (project.root / ".site.builds").iterdir()
           if (b / "marker").exists()]
    assert len(old) == 1
    assert project.build().exit_code == 0
    assert not old[0].exists()


# ---- one build at a time ---------------------------------------------------------------


def test_a_second_build_refuses_while_one_is_running(project: Project):
    assert project.build().exit_code == 0
    before = _tree(project.site)
    with publish.locked(SiteFolders.beside(project.site)):
        result = project.build()
    assert result.exit_code == 2, result.output
    assert "another build" in result.stderr and f"process {os.getpid()}" in result.stderr
    assert "Traceback" not in result.output
    assert _tree(project.site) == before
    assert not [b for b in _builds(project) if b.endswith(".partial")]


def test_two_builds_started_together_publish_one_complete_site(project: Project):
    """Two real commands a moment apart: one builds, the other refuses at once; what is
    published is one whole build."""
    command = [sys.executable, "-m", "generator", *map(str, project.build_args())]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    second = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    codes = sorted(p.returncode for p in (first, second))
    assert codes == [0, 2], outputs
    refused = outputs[[first.returncode, second.returncode].index(2)]
    assert b"another build" in refused[1]
    entries = len(list((project.site / "register" / "entries").iterdir()))
    assert (project.site / "pagefind").is_dir() and (project.site / "sitemap.xml").is_file()
    assert (project.site / "downloads" / "register.csv").is_file()
    counts = json.loads(Path(os.path.realpath(project.site)).with_suffix(".json")
                        .read_text())
    assert counts["rows"]["notices.csv"]["published"] == entries


# ---- a kill at every step of publishing ------------------------------------------------


def _fake_build(folders: SiteFolders, marker: str, partial: bool) -> Path:
    """A small complete site, as a build folder (or a staging folder)."""
    name = f"2026010{marker}T000000-000001" + (publish.PARTIAL if partial else "")
    build = folders.builds / name
    (build / "register").mkdir(parents=True)
    (build / "index.html").write_text(f"site {marker}")
    (build / "register" / "index.html").write_text(f"register {marker}")
    return build


def _complete(site: Path) -> str:
    """Which fake site `site` shows, checking it is whole."""
    index = (site / "index.html").read_text()
    marker = index.removeprefix("site ")
    assert (site / "register" / "index.html").read_text() == f"register {marker}"
    return marker


_STEPS = ("rename", "replace", "symlink", "write_text")


def _publish_killed_at(folders: SiteFolders, staging: Path, kill_at: int) -> None:
    """In a forked child: publish, ending the process (as a kill would) just before
    the `kill_at`-th file-system step."""
    count = 0

    def step(original):
        def wrapped(*args, **kwargs):
            nonlocal count
            count += 1
            if count == kill_at:
                os._exit(137)
            return original(*args, **kwargs)
        return wrapped

    os.rename = step(os.rename)
    os.replace = step(os.replace)
    os.symlink = step(os.symlink)
    Path.rename = step(Path.rename)
    Path.write_text = step(Path.write_text)
    nothing_to_clear = threading.Thread(target=lambda: None)
    nothing_to_clear.start()
    publish.publish(folders, staging, {"register entries": 1}, nothing_to_clear)
    os._exit(0)


@pytest.mark.parametrize("old_style", [False, True], ids=["link", "folder from before"])
def test_a_kill_at_any_step_of_publishing_leaves_a_complete_site(tmp_path: Path,
                                                                 old_style: bool):
    fork = multiprocessing.get_context("fork")
    kill_at = 1
    while True:
        root = tmp_path / f"kill-{kill_at}"
        folders = SiteFolders.beside(root / "site")
        if old_style:  # the site as older versions published it: a real folder
            _fake_build(folders, "1", partial=False).rename(folders.site)
            folders.builds.mkdir(exist_ok=True)
        else:
            publish._point_link(folders, _fake_build(folders, "1", partial=False))
        staging = _fake_build(folders, "2", partial=True)
        child = fork.Process(target=_publish_killed_at, args=(folders, staging, kill_at))
        child.start()
        child.join()
        # The next build starts by putting the link back if it was lost (`recover`);
        # until then a killed move of an old-style folder may leave no site.
        if not old_style:
            assert _complete(folders.site) in ("1", "2"), kill_at
        publish.recover(folders)
        shown = _complete(folders.site)
        if child.exitcode == 0:
            assert shown == "2"
            break
        assert child.exitcode == 137
        assert shown in ("1", "2"), kill_at
        # ...and the next build publishes over whatever the kill left.
        clearing = publish.start_clearing(folders)  # as a build does, before its folder
        publish.publish(folders, _fake_build(folders, "3", partial=True),
                        {"register entries": 1}, clearing)
        assert _complete(folders.site) == "3"
        kill_at += 1
    assert kill_at >= 4  # the manifest, the rename, the link and its switch were all tried


# ---- failures of the machine -----------------------------------------------------------


def test_a_full_disk_is_a_clear_failure_that_keeps_the_site(
        project: Project, monkeypatch: pytest.MonkeyPatch):
    from mkdocs import utils

    assert project.build().exit_code == 0
    before = _tree(project.site)
    written = utils.write_file

    def full(content: bytes, output_path: str) -> None:
        if output_path.endswith("charter/index.html"):
            raise OSError(errno.ENOSPC, "No space left on device", output_path)
        written(content, output_path)

    monkeypatch.setattr(utils, "write_file", full)
    result = project.build()
    assert result.exit_code == 1, result.output
    assert "the disk is full" in result.stderr and "charter/index.html" in result.stderr
    assert "Unexpected" not in result.output and "Traceback" not in result.output
    assert _tree(project.site) == before
    assert not [b for b in _builds(project) if b.endswith(".partial")]
    assert (project.reports / "issues.csv").read_text().startswith("file,row,column")


def test_a_read_only_folder_is_a_clear_failure(project: Project,
                                              monkeypatch: pytest.MonkeyPatch):
    def read_only(folders: SiteFolders) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(folders.builds))

    monkeypatch.setattr(publish, "new_build_folder", read_only)
    monkeypatch.setattr("generator.app.build.new_build_folder", read_only)
    result = project.build()
    assert result.exit_code == 1, result.output
    assert "read-only" in result.stderr and ".site.builds" in result.stderr
    assert "Unexpected" not in result.output and "Traceback" not in result.output
    assert not project.site.exists()


def test_reports_that_cannot_be_written_do_not_hide_why_a_build_failed(
        project: Project, monkeypatch: pytest.MonkeyPatch):
    from generator.app import reports

    def full(build, folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "issues.csv"))

    monkeypatch.setattr(reports, "write_all", full)
    project.edit_config(publish={"max_rejected_percent": 0})
    result = project.build()
    assert result.exit_code == 1
    assert "have errors" in result.stderr  # the real reason, not the reports' failure


# ---- MkDocs run on its own -------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "serve"])
def test_mkdocs_run_directly_refuses_and_points_at_the_command(project: Project, command):
    args = [sys.executable, "-m", "mkdocs", command, "-f", str(project.root / "mkdocs.yml")]
    if command == "serve":
        args += ["--dev-addr", "127.0.0.1:0"]
    result = subprocess.run(args, capture_output=True, text=True, timeout=120,
                            cwd=project.root, check=False)
    assert result.returncode != 0
    assert "enforcement-site build" in result.stderr
    assert not project.site.exists() and not (project.root / ".site.builds").exists()


# ---- the command a council runs --------------------------------------------------------


def test_the_previous_site_message_is_true_when_the_site_was_published(
        project: Project, monkeypatch: pytest.MonkeyPatch):
    """Reports that cannot be written after the site was published: the command says
    the site was published, not that the previous one was kept."""
    from generator.app import reports

    def full(build, folder):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "issues.csv"))

    monkeypatch.setattr(reports, "write_all", full)
    result = run_cli(*project.build_args())
    assert result.exit_code == 1
    assert "was published" in result.stderr and "left as it was" not in result.stderr
    assert (project.site / "index.html").is_file()


def test_a_project_folder_elsewhere_builds_with_its_own_relative_paths(
        tmp_path: Path, small_export: Path, monkeypatch: pytest.MonkeyPatch):
    project = make_project(tmp_path / "council", small_export)
    monkeypatch.chdir(project.root)
    result = run_cli("build", "--mkdocs", "mkdocs.yml")
    assert result.exit_code == 0, result.output
    assert (project.root / "site" / "index.html").is_file()
    assert (project.root / "reports" / "audit.json").is_file()


# ---- nothing left running --------------------------------------------------------------


@pytest.mark.parametrize("killed", [False, True], ids=["ends", "killed"])
def test_nothing_of_a_build_outlives_it(project: Project, killed: bool):
    """The leak scan's process ends with the build, whether the command ends at once
    (as it does) or is killed mid-build: nothing goes on holding the build's standard
    output (a CI step waits for it to close) or its memory."""
    import signal
    import time

    command = [sys.executable, "-m", "generator", *map(str, project.build_args())]
    build = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if killed:
        deadline = time.monotonic() + 120
        while not list((project.root / ".site.builds").glob("*.partial")):
            assert build.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        build.send_signal(signal.SIGKILL)
    # EOF on both pipes means every process that inherited them has ended.
    build.communicate(timeout=30)
    assert build.returncode == (-signal.SIGKILL if killed else 0)
