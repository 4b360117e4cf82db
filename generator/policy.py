"""The field policy: what may leave the back office, field by field, as data.

For each record class ('register' for notices that are published individually, 'case'
for everything else) every canonical field is `publish`, `drop`, `generalise` or
`redact-text` (applied by `anonymise.py`). The configuration may override it
(`privacy.field_policy`); `policy_problems` checks an override when the configuration
is loaded, so a misspelt field or a forbidden choice is a configuration error listed
with the others, never silently ignored.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from .suggest import did_you_mean


class Action(StrEnum):
    PUBLISH = "publish"
    DROP = "drop"
    GENERALISE = "generalise"  # kept only in a coarser form (ward, grid cell, aggregate)
    REDACT_TEXT = "redact-text"  # published after the redactor has removed personal data


P, D, G, R = Action.PUBLISH, Action.DROP, Action.GENERALISE, Action.REDACT_TEXT
_PEOPLE = {"complainant_name": D, "complainant_email": D, "complainant_phone": D,
           "complainant_address": D, "contravener_name": D, "officer_name": D,
           "agent_name": D}
# Every canonical field of its file is named (tested): an override can name only these.
DEFAULT_POLICY: dict[str, dict[str, Action]] = {
    # A notice on the register is public by law (s.188), except the people in it.
    "register": {
        "reference": P, "notice_type": P, "issued": P, "served": P, "effective": P,
        "compliance_period": R, "compliance_due": P, "complied": P, "appeal_lodged": P,
        "appeal_decided": P, "appeal_outcome": P, "entered_on_register": P,
        "related_notice": P, "permission_reference": P, "breach_summary": R,
        "requirements": R, "stop_activity": R, "document_url": P, "address": P,
        "postcode": P, "uprn": P, "easting": P, "northing": P, "latitude": P,
        "longitude": P, "ward": P,
        # The enforcement case behind a notice is not itself on the register.
        "case_reference": D, "withdrawn": D, "quashed": D, **_PEOPLE,
    },
    # Every other case reaches the site only as counts.
    "case": {
        "reference": D, "received": G, "logged": G, "first_visit": G, "closed": G,
        "priority": P, "status": P, "breach_category": P, "closure_reason": P,
        "ward": P, "easting": G, "northing": G, "latitude": D, "longitude": D,
        "address": D, "postcode": D, "uprn": D, "description": D, "notes": D, **_PEOPLE,
    },
}
# Fields whose value is never safe to publish, whatever an override says.
NEVER_PUBLISH = set(_PEOPLE) | {"notes"}
CASE_FIELDS_THAT_MAY_BE_PUBLISHED = {"priority", "status", "breach_category",
                                     "closure_reason", "ward"}
_WHERE = "privacy.field_policy"


class PolicyError(Exception):
    pass


def policy_problems(overrides: Any) -> list[str]:
    """Every problem with an override of the policy, as configuration problems."""
    return _apply(overrides, {k: dict(v) for k, v in DEFAULT_POLICY.items()})


def build_policy(overrides: dict[str, dict[str, str]]) -> dict[str, dict[str, Action]]:
    """The default policy with the overrides applied."""
    policy = {k: dict(v) for k, v in DEFAULT_POLICY.items()}
    problems = _apply(overrides, policy)
    if problems:
        raise PolicyError("; ".join(problems))
    return policy


def _apply(overrides: Any, policy: dict[str, dict[str, Action]]) -> list[str]:
    """Apply the overrides to `policy`, returning every problem with them."""
    if not isinstance(overrides, dict):
        return [f"'{_WHERE}' must be a section of record classes ('register', 'case')"]
    problems: list[str] = []
    actions = [a.value for a in Action]
    for record_class, fields in overrides.items():
        where = f"{_WHERE}.{record_class}"
        if record_class not in policy:
            problems.append(f"unknown record class '{where}'"
                            f"{did_you_mean(record_class, policy)}: the classes are "
                            "'register' and 'case'")
            continue
        if not isinstance(fields, dict):
            problems.append(f"'{where}' must be a section of fields, each with an action")
            continue
        for name, action in fields.items():
            if name not in policy[record_class]:
                problems.append(f"unknown field '{where}.{name}'"
                                f"{did_you_mean(name, policy[record_class])}")
                continue
            try:
                chosen = Action(action)
            except ValueError:
                problems.append(f"'{where}.{name}': {action!r} is not publish, drop, "
                                f"generalise or redact-text{did_you_mean(action, actions)}")
                continue
            if chosen in (P, R) and name in NEVER_PUBLISH:
                problems.append(f"'{where}.{name}': personal data cannot be published")
            elif (record_class == "case" and chosen in (P, R)
                  and name not in CASE_FIELDS_THAT_MAY_BE_PUBLISHED):
                problems.append(f"'{where}.{name}': cases that are not on the register are "
                                "published only as counts")
            else:
                policy[record_class][name] = chosen
    return problems
