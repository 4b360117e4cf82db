"""The leak scan beside the build: one small interface (`LeakScan`) over a process of
its own, on the standard library's process pool."""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from generator.core.sensitive import Sensitive
from generator.privacy.leakscan.scanner import (
    LeakReport,
    LeakScanner,
    scan_contents,
    scan_files,
)


class ScanFailed(Exception):
    """The leak scan itself could not run (not: it found something)."""


class LeakScan:
    """The leak scan, beside the build: a LeakScanner made in a process of its own as
    soon as the sensitive values are known, so that building its automaton overlaps the
    register pages, and given each file as soon as it is final, so that searching
    overlaps the rest of the build. The build only queues work and collects one report:

        with LeakScan(sensitive, public) as scan:
            scan.search_contents({"downloads/register.csv": data})
            scan.search_files(site, files)
            report = scan.report()

    One worker of a `ProcessPoolExecutor`, spawned: a fresh process that holds nothing
    of the build (a fork of the build, over a gigabyte at the largest councils, would
    turn every page the build then writes into a copy). It ends when the build's
    process ends, however that ends (see `_start_scanner`). Work is pickled before it
    is queued, so the executor's feeder thread only copies bytes and does not compete
    with the build for the interpreter."""

    def __init__(self, sensitive: Sensitive, public: list[str]):
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=1, mp_context=mp.get_context("spawn"),
            initializer=_start_scanner, initargs=(_pickled((sensitive, public)),))
        self._queued: list[Future[LeakReport]] = []
        # The pool starts its worker only when work is first queued; start it now, so
        # that making the scanner overlaps the stages that come before any searching.
        self._pool.submit(_nothing)

    def __enter__(self) -> LeakScan:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def search_contents(self, contents: dict[str, bytes]) -> None:
        """Search files before they are written (`scan_contents`), after the work queued
        before. The bytes are taken now: later changes to `contents` are not seen."""
        self._queue(_scan_contents_in_worker, _pickled(contents))

    def search_files(self, folder: Path, files: list[Path], workers: int = 1) -> None:
        """Search `files` (under `folder`) with `workers` processes, after the work
        queued before. One worker leaves the other CPU to the build; at the end of the
        build, nothing else is running and every CPU can search."""
        self._queue(_scan_files_in_worker, _pickled((folder, files, workers)))

    def idle(self) -> bool:
        """Whether everything queued has been searched."""
        return all(future.done() for future in self._queued)

    def report(self) -> LeakReport:
        """What all the work queued so far found, in one report (waiting for it)."""
        report = LeakReport()
        queued, self._queued = self._queued, []
        for future in queued:
            try:
                found = future.result()
            except BrokenProcessPool:
                raise ScanFailed(_GONE) from None
            except Exception as exc:  # raised in the worker: say what it was
                raise ScanFailed(f"the leak scan failed: {type(exc).__name__}: {exc}") \
                    from None
            report.add(found)
            report.values_searched = found.values_searched
        return report

    def process_id(self) -> int:
        """The scan's process (to watch it on the machine), once the work queued before
        has been searched."""
        if self._pool is None:
            raise ScanFailed("the leak scan has been closed")
        try:
            return self._pool.submit(os.getpid).result()
        except BrokenProcessPool:
            raise ScanFailed(_GONE) from None

    def close(self) -> None:
        """Stop the scan's process without waiting for it to free its memory."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _queue(self, task: Callable[[bytes], LeakReport], work: bytes) -> None:
        if self._pool is None:
            raise ScanFailed("the leak scan has been closed")
        try:
            self._queued.append(self._pool.submit(task, work))
        except BrokenProcessPool:
            raise ScanFailed(_GONE) from None


_GONE = "the leak scan's process ended unexpectedly (out of memory?)"


def _pickled(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


# In the scan's process: the scanner, made once from its values, or why it could not be
# (answered to every piece of work, rather than breaking the process pool).
_SCANNER: LeakScanner | None = None
_NO_SCANNER = ""


def _start_scanner(values: bytes) -> None:
    """Make the scanner, and end this process when the build's process has ended.

    A pool's worker waits for work on a pipe whose other end it holds itself, so it
    never learns that the build is gone: after a build killed (or ended at once, as
    the command does), it would wait for ever, holding its memory and the build's
    standard output (a CI step waits for that to close)."""
    threading.Thread(target=_end_with, args=(os.getppid(),), name="end with the build",
                     daemon=True).start()
    global _SCANNER, _NO_SCANNER
    try:
        sensitive, public = pickle.loads(values)
        _SCANNER = LeakScanner(sensitive, public)
    except Exception as exc:
        _NO_SCANNER = f"{type(exc).__name__}: {exc}"


ORPHAN_CHECK_SECONDS = 0.5


def _end_with(build: int) -> None:
    while os.getppid() == build:  # once the build has gone, another process adopts us
        time.sleep(ORPHAN_CHECK_SECONDS)
    os._exit(0)


def _nothing() -> None:
    pass


def _scanner() -> LeakScanner:
    if _SCANNER is None:
        raise RuntimeError(f"the scanner could not be made ({_NO_SCANNER})")
    return _SCANNER


def _scan_contents_in_worker(work: bytes) -> LeakReport:
    return scan_contents(_scanner(), pickle.loads(work))


def _scan_files_in_worker(work: bytes) -> LeakReport:
    folder, files, workers = pickle.loads(work)
    return scan_files(_scanner(), folder, files, workers)
