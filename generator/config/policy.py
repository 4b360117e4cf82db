"""The field policy: what may leave the back office, field by field, as data.

For each record class ('register' for notices that are published individually, 'case'
for everything else) every canonical field is `publish`, `drop`, `generalise` or
`redact-text` (applied by `anonymise.py`). The configuration may override it
(`privacy.field_policy`); `policy_problems` checks an override when the configuration
is loaded, so a misspelt field or a forbidden choice is a configuration error listed
with the others, never silently ignored.
"""

from __future__ import annotations

from typing import Any

from generator.core.errors import UsageError
from generator.core.fields import (
    FIELDS,
    Action,
    P,
    R,
    default_policy,
    published_notice_fields,
)
from generator.core.suggest import did_you_mean

DEFAULT_POLICY = default_policy()  # every field of each record class (core/fields.py)
# Fields whose value is never safe to publish, whatever an override says.
NEVER_PUBLISH = {f.name for f in FIELDS if f.private}
CASE_FIELDS_THAT_MAY_BE_PUBLISHED = {f.name for f in FIELDS if f.counted}
# What a published notice can carry at all (`PublicNotice`): publishing anything else
# would do nothing.
PUBLISHABLE = set(published_notice_fields())
_WHERE = "privacy.field_policy"


class PolicyError(UsageError):
    heading = "Privacy policy problem"


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
            elif record_class == "register" and chosen in (P, R) and name not in PUBLISHABLE:
                problems.append(f"'{where}.{name}': a register entry has no place for it; "
                                "it cannot be published")
            elif (record_class == "case" and chosen in (P, R)
                  and name not in CASE_FIELDS_THAT_MAY_BE_PUBLISHED):
                problems.append(f"'{where}.{name}': cases that are not on the register are "
                                "published only as counts")
            else:
                policy[record_class][name] = chosen
    return problems
