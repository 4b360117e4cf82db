"""The canonical fields are declared once (core/fields.py); what is derived from them
must agree with the model it describes."""

from __future__ import annotations

import dataclasses

from generator.core.fields import FIELDS, part_of, published_notice_fields
from generator.core.model import DERIVED_FIELDS, Appeal, Case, Location, Notice, People
from generator.privacy.anonymise import PublicNotice


def test_every_field_is_where_the_model_keeps_it():
    parts = {"location": Location, "people": People}
    records = {"cases": Case, "notices": Notice, "appeals": Appeal}
    for field in FIELDS:
        if field.part in parts:
            assert field.name in {f.name for f in dataclasses.fields(parts[field.part])}
        else:
            for file in field.files:
                assert field.name in {f.name for f in dataclasses.fields(records[file])}, \
                    (field.name, file)


def test_the_model_has_no_field_the_registry_does_not_declare():
    declared = {f.name for f in FIELDS}
    for cls in (Location, People):
        assert {f.name for f in dataclasses.fields(cls)} - DERIVED_FIELDS <= declared, cls
    for cls in (Case, Notice):
        own = {f.name for f in dataclasses.fields(cls)} - {"source", "location", "people",
                                                           *DERIVED_FIELDS}
        assert own <= declared, (cls, own - declared)


def test_parts_are_in_the_models_order():
    assert part_of("people") == [f.name for f in dataclasses.fields(People)]
    assert part_of("location") == [f.name for f in dataclasses.fields(Location)
                                   if f.name not in DERIVED_FIELDS]


def test_a_published_notice_carries_exactly_the_fields_the_policy_may_publish():
    # set by anonymisation or earlier stages, not from a column
    own = {"on_register", "status", "source", *DERIVED_FIELDS}
    assert set(published_notice_fields()) == {
        f.name for f in dataclasses.fields(PublicNotice)} - own


def test_every_published_field_has_an_open_data_column_or_a_point():
    in_point = {"easting", "northing", "latitude", "longitude"}
    for field in FIELDS:
        if field.name in published_notice_fields() and field.name not in in_point:
            assert field.open_data, field.name
            assert field.description, field.name


def test_the_downloads_have_a_column_for_each_published_field():
    from generator.site.opendata import FIELDS as COLUMNS

    columns = [name for name, _, _ in COLUMNS]
    for field in FIELDS:
        if field.open_data:
            assert field.open_data in columns, field.name
