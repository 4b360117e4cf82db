"""The canonical model's helpers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.core.model import (
    Case,
    CaseStatus,
    Location,
    People,
    Source,
    evolve,
)

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


def test_people_are_made_from_their_fields_in_order():
    from generator.ingest.rows import PEOPLE_FIELDS, people_from

    assert list(PEOPLE_FIELDS) == [f.name for f in dataclasses.fields(People)]
    assert people_from({"officer_name": "A Person"}) == People(officer_name="A Person")
    assert people_from({"officer_name": ""}) is people_from({}) == People()
