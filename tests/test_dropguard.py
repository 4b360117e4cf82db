"""The drop guard: a build that would empty the register, or whose export is mostly
errors, fails and keeps the published site, unless the change is accepted."""

from __future__ import annotations

import os

import pytest

from conftest import Project, read_rows, write_rows
from generator.config.schema import Publish
from generator.core.ledger import Ledger, Outcome
from generator.core.model import Source
from generator.core.problems import Problems
from generator.publish.dropguard import DropRefused, check_drop


def _ledger(file: str, read: int, rejected: int) -> Ledger:
    ledger = Ledger()
    ledger.count_read(file, read)
    for row in range(2, 2 + read):
        outcome = Outcome.REJECTED if row < 2 + rejected else Outcome.PUBLISHED
        ledger.mark(Source(file, row), outcome)
    return ledger


@pytest.mark.parametrize(("read", "rejected", "before", "now", "refused"), [
    (100, 10, 50, 45, False),  # 10% rejected and 10% fewer entries: at the limits
    (100, 11, 50, 50, True),  # 11% rejected
    (100, 0, 50, 44, True),  # 12% fewer entries
    (100, 0, 50, 80, False),  # more entries is never a problem
    (100, 100, None, 0, True),  # every row rejected, first build
    (100, 0, None, 0, False),  # first build: nothing to compare with
    (100, 0, 0, 0, False),  # an empty register stays empty
])
def test_limits(read, rejected, before, now, refused):
    limits = Publish(max_register_drop_percent=10, max_rejected_percent=10)
    last = None if before is None else {"register entries": before}
    ledger = _ledger("notices.csv", read, rejected)
    if refused:
        with pytest.raises(DropRefused, match="--accept-drop"):
            check_drop(limits, ledger, Problems(), now, last)
    else:
        check_drop(limits, ledger, Problems(), now, last)


def test_the_message_names_the_most_common_problems_first():
    problems = Problems()
    for row in range(2, 7):
        problems.error("notices.csv", row, "Notice Type", "Appeal Decision", "unknown-code",
                       "'Appeal Decision' is not a known notice type code")
    problems.error("notices.csv", 8, "Date Served", "31/02/2020", "bad-date",
                   "'31/02/2020' is not a date")
    with pytest.raises(DropRefused) as refused:
        check_drop(Publish(), _ledger("notices.csv", 6, 6), problems, 0,
                   {"register entries": 6})
    message = str(refused.value)
    assert "6 of the 6 rows of notices.csv have errors (100%" in message
    assert "the register would go from 6 entries to 0 (down 100%" in message
    assert message.index("unknown-code (5)") < message.index("bad-date (1)")
    assert "notices.csv, row 2, column 'Notice Type'" in message


def _rename_header(project: Project, old: str, new: str) -> None:
    path = project.export / "notices.csv"
    rows = read_rows(path)
    rows[0][rows[0].index(old)] = new
    write_rows(path, rows)


def test_a_renamed_column_does_not_empty_the_published_register(project: Project):
    assert project.build().exit_code == 0
    published = os.readlink(project.site)
    entries = len(list((project.site / "register" / "entries").iterdir()))
    _rename_header(project, "Notice Ref", "Notice Reference")

    result = project.build()

    assert result.exit_code == 1, result.output
    assert "rows of notices.csv have errors (100%" in result.stderr
    assert "column-missing" in result.stderr and "Did you mean 'Notice Reference'" \
        in result.stderr
    assert "--accept-drop" in result.stderr
    assert os.readlink(project.site) == published
    assert len(list((project.site / "register" / "entries").iterdir())) == entries


def test_accept_drop_publishes_the_change_deliberately(project: Project):
    assert project.build().exit_code == 0
    path = project.export / "notices.csv"
    rows = read_rows(path)
    write_rows(path, rows[:1] + rows[1:][: len(rows) // 3])  # two thirds of the notices gone
    refused = project.build()
    assert refused.exit_code == 1
    assert "the register would go from" in refused.stderr
    accepted = project.build("--accept-drop")
    assert accepted.exit_code == 0, accepted.output
    assert project.build().exit_code == 0  # compared with what was just published


def test_the_limits_are_configuration(project: Project):
    project.edit_config(publish={"max_rejected_percent": 0})
    result = project.build()
    assert result.exit_code == 1
    assert "rows of cases.csv have errors" in result.stderr  # the sample's planted rows
    project.edit_config(publish={"max_rejected_percent": 101})
    result = project.build()
    assert result.exit_code == 2
    assert "'publish.max_rejected_percent' must be a percentage" in result.stderr
