"""Stage: put a finished, checked site in place of the old one, or throw it away.

The published site is a symbolic link switched by one atomic rename onto a complete
build folder, so a reader, a web server or a killed build never sees a half-written or
missing site:

    site -> .site.builds/20261204T023012-000001    what the web server serves
    .site.builds/20261204T023012-000001/           the site published now
    .site.builds/20261203T023007-000001/           the one it replaced, kept for a day
    .site.builds/<id>.partial/                     the build in progress (staging)
    .site.builds/<id>.json                         what each build published (counts)
    .site.lock                                     held while a build runs

A build writes into `<id>.partial`; once every check has passed it is renamed to `<id>`
(complete), and the link is switched onto it. Nothing is ever deleted until a newer
build is published: the next build deletes, in the background, every build but the one
the link points at, and stale `.partial` folders of builds that were killed.

A site folder from before this layout (a real folder, not a link) is moved into
`.site.builds` the first time; if the build is killed in that instant, the next build
puts the link back (`recover`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from generator.core.errors import UsageError

PARTIAL = ".partial"


class BuildLocked(UsageError):
    """Another build is running for the same site folder."""

    heading = "Not started"

    def explain(self) -> str:
        return f"{self.heading}: {self}."


@dataclass(frozen=True)
class SiteFolders:
    """Where one site's builds, link and lock live (all beside `site`)."""

    site: Path  # the link the web server serves

    @classmethod
    def beside(cls, site: Path) -> SiteFolders:
        # `absolute`, not `resolve`: resolving would follow the link to one build.
        return cls(site.absolute())

    @property
    def builds(self) -> Path:
        return self.site.parent / f".{self.site.name}.builds"

    @property
    def lock_file(self) -> Path:
        return self.site.parent / f".{self.site.name}.lock"

    def manifest(self, build: Path) -> Path:
        return build.with_name(build.name.removesuffix(PARTIAL) + ".json")

    def current(self) -> Path | None:
        """The complete build the site link points at, if any."""
        if not self.site.is_symlink():
            return None
        target = self.site.parent / os.readlink(self.site)
        return target if target.is_dir() else None

    def complete_builds(self) -> list[Path]:
        """Complete build folders, oldest first (their names sort by time)."""
        if not self.builds.is_dir():
            return []
        return sorted(p for p in self.builds.iterdir()
                      if p.is_dir() and not p.name.endswith(PARTIAL))


@contextlib.contextmanager
def locked(folders: SiteFolders) -> Iterator[None]:
    """Hold the site's build lock, or raise BuildLocked naming the build that holds it.

    An advisory lock on a file beside the site (flock): the system releases it when the
    holder ends, however it ends, so a killed build never leaves a stale lock."""
    import fcntl  # POSIX only: the publishing layout needs symbolic links anyway

    folders.site.parent.mkdir(parents=True, exist_ok=True)
    handle: IO[str] = folders.lock_file.open("a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildLocked(
                f"another build of {folders.site} is running ({holder}); wait for it to "
                "finish, then run again") from None
        handle.seek(0)
        handle.truncate()
        started = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
        handle.write(f"process {os.getpid()}, started {started}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # releases the lock


def recover(folders: SiteFolders) -> None:
    """Make sure the site link points at a complete build when one exists: a build
    killed while moving an old-style site folder into place may have left no link."""
    if folders.current() is not None or (folders.site.exists()
                                          and not folders.site.is_symlink()):
        return
    complete = folders.complete_builds()
    if complete:
        _point_link(folders, complete[-1])


def new_build_folder(folders: SiteFolders) -> Path:
    """An empty staging folder for this build, named after the time it started."""
    folders.builds.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    for n in range(1, 1_000_000):
        name = f"{stamp}-{n:06d}"
        staging = folders.builds / (name + PARTIAL)
        if not staging.exists() and not (folders.builds / name).exists():
            staging.mkdir()
            return staging
    raise RuntimeError("no free build folder name")  # pragma: no cover - a million a second


def last_published(folders: SiteFolders) -> dict[str, Any] | None:
    """What the build the site shows now recorded when it was published, if anything."""
    current = folders.current()
    if current is None:
        return None
    try:
        data = json.loads(folders.manifest(current).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def start_clearing(folders: SiteFolders) -> threading.Thread:
    """Start deleting, in the background, every build folder but the one published now
    (the site it replaced a build ago, and builds that were killed or failed). Deleting
    tens of thousands of files takes seconds the build need not wait for; `publish`
    waits for it. The list is made now, before this build makes its own folder."""
    current = folders.current()
    stale = []
    if folders.builds.is_dir():
        stale = [p for p in sorted(folders.builds.iterdir())
                 if current is None or p.name not in (current.name, current.name + ".json")]
        if current is None:  # no link (first build, or a folder from before): keep all
            stale = [p for p in stale if p.name.endswith(PARTIAL)]
    worker = threading.Thread(target=_delete_all, args=(stale,), name="clear old builds")
    worker.start()
    return worker


def _delete_all(paths: list[Path]) -> None:
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)


def publish(folders: SiteFolders, staging: Path, manifest: dict[str, Any],
            clearing: threading.Thread) -> Path:
    """Make `staging` the published site; returns the build folder it became.

    Every step leaves the site link on a complete build: the manifest and the rename
    to a complete folder come first, and the link is switched last, in one rename."""
    clearing.join()
    build = staging.with_name(staging.name.removesuffix(PARTIAL))
    _write_atomically(folders.manifest(build),
                      json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    staging.rename(build)
    if folders.site.exists() and not folders.site.is_symlink():
        _adopt_old_folder(folders)
    _point_link(folders, build)
    return build


def _adopt_old_folder(folders: SiteFolders) -> None:
    """A site folder from before builds were kept beside it becomes a complete build
    (named as the oldest), so that the link can replace it."""
    for n in range(1_000_000):
        kept = folders.builds / f"00000000T000000-{n:06d}"
        if not kept.exists():
            folders.site.rename(kept)
            return


def _point_link(folders: SiteFolders, build: Path) -> None:
    """Switch the site link onto `build` in one atomic rename (a relative link, so the
    folder can be moved or served from a container with another path)."""
    new_link = folders.site.with_name(f".{folders.site.name}.link")
    with contextlib.suppress(FileNotFoundError):
        new_link.unlink()
    os.symlink(os.path.relpath(build, folders.site.parent), new_link)
    try:
        os.replace(new_link, folders.site)
    except OSError as exc:
        new_link.unlink()
        if exc.errno in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
            raise OSError(exc.errno, f"{folders.site} is a folder and could not be "
                          "replaced by the link to the new site", str(folders.site)) from None
        raise


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
