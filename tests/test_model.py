"""The canonical model's helpers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.model import Case, CaseStatus, Location, Source, evolve

CASE = Case("24/00001/ENF", Source("cases.csv", 2), dt.date(2024, 1, 5), CaseStatus.OPEN,
            location=Location(address="1 High Street", easting=380000.0))


@pytest.mark.parametrize("changes", [
    {"location": Location(ward="E05000001")},
    {"closed": dt.date(2024, 3, 1), "reference": "24/00002/ENF"},
    {},
])
def test_evolve_is_dataclasses_replace(changes):
    copy = evolve(CASE, **changes)
    assert copy == dataclasses.replace(CASE, **changes)
    assert copy is not CASE and type(copy) is Case
    assert CASE.reference == "24/00001/ENF"  # the original is untouched
    with pytest.raises(dataclasses.FrozenInstanceError):
        copy.reference = "x"  # type: ignore[misc]
