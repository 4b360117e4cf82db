"""The data stages run with the cycle collector paused (app/prepare.py CycleCollection),
so anything they leave in a reference cycle stays in memory until the build ends. At the
largest councils' scale a cycle holding the export's rows cost hundreds of megabytes:
these tests make sure nothing the stages make is only freed by the cycle collector."""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from conftest import make_project
from generator.app.prepare import prepare
from generator.config.schema import load_config
from generator.core.problems import Problems
from generator.ingest.read import Table, read_table

TODAY = dt.date(2026, 12, 4)
# Kinds of object that mean rows (or the file's bytes) are held by a cycle.
HEAVY = {"Table", "MappedRow", "Case", "Notice", "frame", "bytes", "traceback"}


@contextmanager
def cyclic_garbage() -> Iterator[list[object]]:
    """Runs the block with the cycle collector paused, then fills the list with what the
    collector would have to free; the collector is given back as it was."""
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    garbage: list[object] = []
    try:
        yield garbage
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        garbage.extend(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if enabled:
            gc.enable()


def _kinds(objects: list[object]) -> Counter[str]:
    return Counter(type(o).__name__ for o in objects)


def test_reading_a_windows_1252_file_leaves_no_cycle(tmp_path: Path):
    # UTF-8 is tried first; its failure is kept to be reported if nothing else fits, and
    # kept with its traceback it held the reader's frames, the bytes and the text.
    export = tmp_path / "cases.csv"
    rows = "".join(f"ENF/{n},Caf\xe9 on the corner {n}\r\n" for n in range(500))
    export.write_bytes(("Reference,Address\r\n" + rows).encode("cp1252"))
    with cyclic_garbage() as garbage:
        table = read_table(export, problems=Problems())
        assert table.encoding == "cp1252" and len(table.rows) == 500
        del table
    assert _kinds(garbage) == Counter()


def test_data_stages_leave_no_cycle_holding_rows(tmp_path: Path, small_export: Path):
    config = load_config(make_project(tmp_path / "project", small_export).config)
    with cyclic_garbage() as garbage:  # prepare() keeps the collector paused, as found
        build = prepare(config, TODAY)
        assert build.dataset is not None and build.dataset.cases
        del build
    kinds = _kinds(garbage)
    where = sorted({f"{f.f_code.co_filename.rsplit('/', 1)[-1]}:{f.f_code.co_name}"
                    for f in garbage if isinstance(f, FrameType)})
    assert not (HEAVY & set(kinds)), (kinds.most_common(8), where)
    # Small cycles remain (a row mapper and its converters, date parsers' caches); rows
    # in a cycle would be thousands of objects.
    assert sum(kinds.values()) < 2_000, kinds.most_common(8)


def test_the_table_kind_is_what_the_reader_returns():
    # HEAVY names classes by name: keep it in step with the reader.
    assert Table.__name__ in HEAVY
