"""The canonical model's helpers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from generator.anonymise import CaseFact, NoticeFact, PublicNotice
from generator.model import (
    Case,
    CaseStatus,
    Location,
    Notice,
    People,
    Source,
    evolve,
    quick_init,
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


@dataclasses.dataclass(frozen=True)
class _Plain:
    name: str
    count: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)


@quick_init
@dataclasses.dataclass(frozen=True)
class _Quick:
    name: str
    count: int = 0
    tags: list[str] = dataclasses.field(default_factory=list)


@pytest.mark.parametrize(("args", "kwargs"), [
    (("a",), {}), (("a", 2), {}), (("a", 2, ["x"]), {}), ((), {"name": "a", "tags": ["y"]}),
    (("a",), {"count": 3}),
])
def test_quick_init_makes_what_the_dataclass_init_makes(args, kwargs):
    quick, plain = _Quick(*args, **kwargs), _Plain(*args, **kwargs)
    assert dataclasses.astuple(quick) == dataclasses.astuple(plain)
    assert hash(_Quick("a", 1, ())) == hash(_Plain("a", 1, ()))  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.count = 5  # type: ignore[misc]


def test_quick_init_keeps_the_signature_and_fresh_defaults():
    assert _Quick("a").tags is not _Quick("b").tags
    for bad_args, bad_kwargs in [((), {}), (("a", 1, [], 4), {}), (("a",), {"nme": 1}),
                                 (("a",), {"name": "b"})]:
        with pytest.raises(TypeError):
            _Quick(*bad_args, **bad_kwargs)


@pytest.mark.parametrize("cls", [Source, Location, People, Case, Notice, PublicNotice,
                                 CaseFact, NoticeFact])
def test_records_made_quickly_hold_every_field_and_its_default(cls):
    required = {f.name: f"value of {f.name}" for f in dataclasses.fields(cls)
                if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING}
    record = cls(**required)
    for f in dataclasses.fields(cls):
        expected = (required[f.name] if f.name in required else f.default
                    if f.default is not dataclasses.MISSING else f.default_factory())
        assert getattr(record, f.name) == expected, f.name


def test_quick_init_refuses_what_it_cannot_do():
    @dataclasses.dataclass(frozen=True)
    class Checked:
        name: str

        def __post_init__(self):
            raise ValueError

    with pytest.raises(TypeError, match="__post_init__"):
        quick_init(Checked)


def test_people_are_made_from_their_fields_in_order():
    from generator.mapping import PEOPLE_FIELDS, people_from

    assert list(PEOPLE_FIELDS) == [f.name for f in dataclasses.fields(People)]
    assert people_from({"officer_name": "A Person"}) == People(officer_name="A Person")
    assert people_from({"officer_name": ""}) is people_from({}) == People()
