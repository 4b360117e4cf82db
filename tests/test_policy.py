"""The field policy and its overrides in the configuration."""

from __future__ import annotations

from typing import Any

import pytest

from generator.config.mapping import FILE_FIELDS
from generator.config.policy import (
    DEFAULT_POLICY,
    Action,
    PolicyError,
    build_policy,
    policy_problems,
)


def test_the_default_policy_names_every_field_of_its_file() -> None:
    assert set(DEFAULT_POLICY["register"]) == set(FILE_FIELDS["notices"])
    assert set(DEFAULT_POLICY["case"]) == set(FILE_FIELDS["cases"])


@pytest.mark.parametrize(("overrides", "problems"), [
    ({}, []),
    ({"register": {"breach_summary": "drop"}, "case": {"ward": "drop"}}, []),
    # misspelt, at every level: never silently ignored
    ({"register": {"breach_sumary": "drop"}},
     ["unknown field 'privacy.field_policy.register.breach_sumary' "
      "(did you mean 'breach_summary'?)"]),
    ({"regster": {"breach_summary": "drop"}},
     ["unknown record class 'privacy.field_policy.regster' (did you mean 'register'?): the "
      "classes are 'register' and 'case'"]),
    ({"cases": {"ward": "drop"}},
     ["unknown record class 'privacy.field_policy.cases' (did you mean 'case'?): the classes "
      "are 'register' and 'case'"]),
    ({"register": {"requirements": "dorp"}},
     ["'privacy.field_policy.register.requirements': 'dorp' is not publish, drop, generalise "
      "or redact-text (did you mean 'drop'?)"]),
    ({"case": {"complainant": "drop"}},
     ["unknown field 'privacy.field_policy.case.complainant' (did you mean "
      "'complainant_name'?)"]),
    ({"register": {"fee": "drop"}}, ["unknown field 'privacy.field_policy.register.fee'"]),
    # forbidden choices
    ({"register": {"officer_name": "publish"}},
     ["'privacy.field_policy.register.officer_name': personal data cannot be published"]),
    ({"case": {"address": "publish"}},
     ["'privacy.field_policy.case.address': cases that are not on the register are "
      "published only as counts"]),
    # the wrong shape
    ({"register": "drop"},
     ["'privacy.field_policy.register' must be a section of fields, each with an action"]),
    (["register"], ["'privacy.field_policy' must be a section of record classes ('register', "
                    "'case')"]),
    # every problem at once
    ({"register": {"breach_sumary": "drop", "address": "hide"}, "cse": {}},
     ["unknown field 'privacy.field_policy.register.breach_sumary' "
      "(did you mean 'breach_summary'?)",
      "'privacy.field_policy.register.address': 'hide' is not publish, drop, generalise or "
      "redact-text",
      "unknown record class 'privacy.field_policy.cse' (did you mean 'case'?): the classes "
      "are 'register' and 'case'"]),
])
def test_policy_problems(overrides: Any, problems: list[str]) -> None:
    assert policy_problems(overrides) == problems


def test_build_policy_applies_overrides_to_a_copy_of_the_default() -> None:
    policy = build_policy({"register": {"breach_summary": "drop"}})
    assert policy["register"]["breach_summary"] is Action.DROP
    assert DEFAULT_POLICY["register"]["breach_summary"] is Action.REDACT_TEXT
    assert policy["case"] == DEFAULT_POLICY["case"]


def test_build_policy_refuses_what_policy_problems_reports() -> None:
    with pytest.raises(PolicyError, match="breach_sumary"):
        build_policy({"register": {"breach_sumary": "drop"}})
