"""The intruder's model of the published counts, and the audit that solves it.

Every count the site publishes about cases that are not on the register is a
*quantity*: shown, or hidden ("[c]"). What the site says about how quantities relate
(a row adds up to its total, a quarter's open cases are the last quarter's plus those
received less those closed, the home page's "open cases" is the sum of the age bands)
are *constraints*, linear equalities and inequalities, true of the real figures by
construction. Unpublished unknowns the constraints need (cases open before the first
quarter shown, the part of a quarter inside "the last 12 months") are *free* variables.

A motivated intruder who holds every figure can solve exactly this system. The audit
does it with a linear program (SciPy's HiGHS): for each hidden quantity, the least and
the greatest value consistent with everything published. The protection rule
(docs/statistics.md) is that the interval must include 0 and reach the threshold: then
nobody can tell a hidden count from zero, nor narrow it to 1 to threshold-1.

The linear relaxation is what the issue's attack used; for two-way tables with totals
its corners are whole numbers, so it is exact there.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

from generator.core.errors import InternalError

TOLERANCE = 1e-6


@dataclass
class Quantity:
    """A published count. `fixed` quantities are about a period that has ended: their
    value and whether they are hidden must not change from one night to the next."""

    key: str
    value: int
    table: str
    fixed: bool = False
    level: int = 0  # 0 a cell, 1 a total, 2 a grand total: cells are hidden first
    hidden: bool = False
    # What a reader knows a hidden count is at least: 0 when zeros are hidden too (as
    # here); 1 under a scheme that shows zeros, which is how the attack read it.
    at_least: int = 0


@dataclass
class Model:
    quantities: dict[str, Quantity] = field(default_factory=dict)
    free: dict[str, tuple[float, float | None]] = field(default_factory=dict)
    equal: list[dict[str, int]] = field(default_factory=list)  # sum == 0
    at_most: list[dict[str, int]] = field(default_factory=list)  # sum <= 0

    def count(self, key: str, value: int, table: str, fixed: bool = False,
              level: int = 0) -> str:
        if key in self.quantities:
            raise ValueError(f"quantity {key!r} counted twice")
        self.quantities[key] = Quantity(key, value, table, fixed, level)
        return key

    def unknown(self, key: str, low: float = 0, high: float | None = None) -> str:
        self.free[key] = (low, high)
        return key

    def sums_to(self, parts: Iterable[str], total: str) -> None:
        """sum(parts) == total."""
        terms: dict[str, int] = {}
        for p in parts:
            terms[p] = terms.get(p, 0) + 1
        terms[total] = terms.get(total, 0) - 1
        self.equal.append(terms)

    def relation(self, terms: dict[str, int]) -> None:
        self.equal.append(dict(terms))

    def no_more_than(self, parts: Iterable[str], wholes: Iterable[str]) -> None:
        """sum(parts) <= sum(wholes)."""
        terms: dict[str, int] = {}
        for p in parts:
            terms[p] = terms.get(p, 0) + 1
        for w in wholes:
            terms[w] = terms.get(w, 0) - 1
        self.at_most.append(terms)

    def shown(self, key: str) -> int | None:
        q = self.quantities[key]
        return None if q.hidden else q.value


@dataclass
class Finding:
    key: str
    table: str
    reason: str  # no values: 'known not to be zero', 'narrowed below the threshold'


@dataclass
class AuditResult:
    hidden: int = 0
    checked: int = 0
    findings: list[Finding] = field(default_factory=list)
    linear_programs: int = 0

    @property
    def passed(self) -> bool:
        return not self.findings


def _components(model: Model) -> list[list[int]]:
    """Constraint indices grouped so that groups share no variable: each is solved on
    its own (smaller programs, and a table unlinked to the rest is not slowed by it)."""
    rows = model.equal + model.at_most
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, terms in enumerate(rows):
        for name in terms:
            if name in owner:
                a, b = find(i), find(owner[name])
                if a != b:
                    parent[a] = b
            else:
                owner[name] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(rows)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _sensitive(q: Quantity, threshold: int) -> bool:
    """A hidden count of 1 to threshold-1: the counts the rule protects. A count hidden
    only to protect those (a larger one) may be narrowed, as long as the small ones
    are not; a hidden zero tells nobody anything about a person."""
    return q.hidden and 0 < q.value < threshold


def audit(model: Model, threshold: int, only: set[str] | None = None) -> AuditResult:
    """Every hidden quantity's feasible interval against the protection rule (or those
    in `only`, with everything else as it is)."""
    result = AuditResult()
    if threshold <= 0:
        return result
    rows = model.equal + model.at_most
    n_equal = len(model.equal)
    in_constraint: set[str] = set()
    for terms in rows:
        in_constraint.update(terms)
    result.hidden = sum(q.hidden for q in model.quantities.values())
    for q in model.quantities.values():
        if _sensitive(q, threshold) and q.key not in in_constraint:
            result.checked += 1  # bounded by nothing: from 0 to anything
    for group in _components(model):
        names = sorted({n for i in group for n in rows[i]})
        targets = [n for n in names if n in model.quantities
                   and _sensitive(model.quantities[n], threshold)
                   and (only is None or n in only)]
        if not targets:
            continue
        result.checked += len(targets)
        _audit_group(model, [rows[i] for i in group if i < n_equal],
                     [rows[i] for i in group if i >= n_equal], names, targets, threshold,
                     result)
    return result


def _audit_group(model: Model, equal: list[dict[str, int]], at_most: list[dict[str, int]],
                 names: list[str], targets: list[str], threshold: int,
                 result: AuditResult) -> None:
    # Shown counts are constants: moved to the right-hand side, so the programs have a
    # variable only for what the intruder does not know.
    def shown(n: str) -> bool:
        q = model.quantities.get(n)
        return q is not None and not q.hidden

    names = [n for n in names if not shown(n)]
    index = {n: i for i, n in enumerate(names)}

    def system(terms_list: list[dict[str, int]]) -> tuple[csr_matrix | None,
                                                          np.ndarray | None]:
        data: list[int] = []
        ri: list[int] = []
        ci: list[int] = []
        rhs: list[float] = []
        for terms in terms_list:
            constant = sum(c * model.quantities[n].value for n, c in terms.items()
                           if shown(n))
            unknown = [(n, c) for n, c in terms.items() if not shown(n)]
            if not unknown:
                continue
            for name, coef in unknown:
                data.append(coef)
                ri.append(len(rhs))
                ci.append(index[name])
            rhs.append(-constant)
        if not rhs:
            return None, None
        return (csr_matrix((data, (ri, ci)), shape=(len(rhs), len(names))),
                np.array(rhs, dtype=float))

    a_eq, b_eq = system(equal)
    a_ub, b_ub = system(at_most)
    bounds: list[tuple[float, float | None]] = []
    for n in names:
        q = model.quantities.get(n)
        bounds.append(model.free[n] if q is None else (q.at_least, None))
    # What is already settled: the true figures are one solution, so a hidden count
    # that is really 0 can be 0, and one at least the threshold can reach it.
    can_be_zero = {t for t in targets if model.quantities[t].value == 0
                   and model.quantities[t].at_least == 0}
    can_reach = {t for t in targets if model.quantities[t].value >= threshold}

    target_set = set(targets)

    def solve(objective: np.ndarray, limits: list[tuple[float, float | None]] | None = None
              ) -> tuple[str, np.ndarray | None]:
        result.linear_programs += 1
        out = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                      bounds=limits or bounds, method="highs")
        if out.status == 3:
            return "unbounded", None
        if out.status != 0:
            # The real figures are a solution, so this is a wrong equation: a bug.
            raise InternalError(f"the intruder audit could not solve: {out.message}")
        return "ok", out.x

    def note(x: np.ndarray) -> None:
        for t in targets:
            v = x[index[t]]
            if v <= TOLERANCE:
                can_be_zero.add(t)
            if v >= threshold - TOLERANCE:
                can_reach.add(t)

    # A few programs settle most targets at once: all unsettled hidden counts as small
    # as they can be together, again for those not yet at 0; then as large, each held
    # at most to the threshold (so that one without limit does not hide the others),
    # again for those not yet there. What is left is settled one program each.
    capped = [(low, threshold if names[i] in target_set else high)
              for i, (low, high) in enumerate(bounds)]
    for sign, settled, limits in ((1.0, can_be_zero, bounds), (-1.0, can_reach, capped)):
        pending = [t for t in targets if t not in settled]
        while pending:
            together = np.zeros(len(names))
            for t in pending:
                together[index[t]] = sign
            status, x = solve(together, limits)
            if x is not None:
                note(x)
            still = [t for t in pending if t not in settled]
            if len(still) == len(pending):
                break
            pending = still
    for t in targets:
        objective = np.zeros(len(names))
        objective[index[t]] = 1.0
        if t not in can_be_zero:
            status, x = solve(objective)
            if x is not None:
                note(x)
        if t not in can_reach:
            status, x = solve(-objective)
            if status == "unbounded":
                can_reach.add(t)
            elif x is not None:
                note(x)
        q = model.quantities[t]
        if t not in can_be_zero:
            result.findings.append(Finding(t, q.table, "known not to be zero"))
        elif t not in can_reach:
            result.findings.append(Finding(t, q.table, "narrowed below the threshold"))


def protect(model: Model, threshold: int, frozen: Iterable[str] = ()) -> AuditResult:
    """Hide counts until the audit passes: first every count below the threshold (zeros
    too, or a [c] would mean 'at least 1'), then, for each count the audit can still
    narrow, the smallest shown count it shares a constraint with, cells before totals.
    `frozen` quantities keep the status they have (published on an earlier night)."""
    keep = set(frozen)
    if threshold <= 0:
        return AuditResult()
    for q in model.quantities.values():
        if q.key not in keep and q.value < threshold:
            q.hidden = True
    rows = model.equal + model.at_most
    holding: dict[str, list[int]] = {}
    for i, terms in enumerate(rows):
        for name in terms:
            holding.setdefault(name, []).append(i)
    # Hiding a count only widens every other hidden count's interval, so a count that
    # passed stays passed: each round audits only those that failed and those newly
    # hidden, and the last audit is of everything.
    result = audit(model, threshold)
    while not result.passed:
        changed: set[str] = set()
        touched: set[str] = set()  # near a count hidden this round: audit it again first
        for finding in result.findings:
            if finding.key in touched:
                continue
            partner = _partner(model, rows, holding, finding.key, keep)
            if partner is not None and not model.quantities[partner].hidden:
                model.quantities[partner].hidden = True
                changed.add(partner)
                for i in holding.get(partner, []):
                    touched.update(rows[i])
        if not changed:
            break
        result = audit(model, threshold, {f.key for f in result.findings} | changed)
    return audit(model, threshold)


def _partner(model: Model, rows: list[dict[str, int]], holding: dict[str, list[int]],
             key: str, keep: set[str]) -> str | None:
    """The shown count to hide next for `key`: from its own constraints first, then
    those one step further (through hidden counts and free unknowns)."""
    # The constraint with the fewest shown counts is the one pinning `key` (such as
    # a figure published twice): hide one of those.
    direct = []
    for i in holding.get(key, []):
        shown = [n for n in rows[i] if n in model.quantities and n not in keep
                 and not model.quantities[n].hidden]
        if shown:
            direct.append(shown)
    if direct:
        fewest = min(len(d) for d in direct)
        pool = {n for d in direct if len(d) == fewest for n in d}
        return min(pool, key=lambda n: (model.quantities[n].level,
                                        model.quantities[n].value, n))
    seen = {key}
    frontier = [key]
    while frontier:
        candidates: set[str] = set()
        step: list[str] = []
        for name in frontier:
            for i in holding.get(name, []):
                for other in rows[i]:
                    if other in seen:
                        continue
                    seen.add(other)
                    q = model.quantities.get(other)
                    if q is not None and not q.hidden:
                        if other not in keep:
                            candidates.add(other)
                    else:
                        step.append(other)
        if candidates:
            return min(candidates, key=lambda n: (model.quantities[n].level,
                                                  model.quantities[n].value, n))
        frontier = step
    return None


def across_nights(nights: list[Model]) -> tuple[Model, list[Finding]]:
    """Several nights' figures as one intruder holds them. A count about an ended
    period is one unknown on every night that published it (shown if any night showed
    it); the others, and unknowns about a moving window, are each night's own. A count
    about an ended period that changed between nights is a revision: a finding, since
    the difference is a count of late cases."""
    combined = Model()
    findings: list[Finding] = []
    first_value: dict[str, int] = {}
    revised: set[str] = set()
    for night in nights:
        for key, q in night.quantities.items():
            if q.fixed and key in first_value and first_value[key] != q.value:
                revised.add(key)
            first_value.setdefault(key, q.value)
    for n, night in enumerate(nights):
        def name(key: str, n: int = n, night: Model = night) -> str:
            q = night.quantities.get(key)
            if q is not None:
                return key if q.fixed and key not in revised else f"{key} @night{n}"
            return f"{key} @night{n}" if "part in" in key else key

        for key, q in night.quantities.items():
            new = name(key)
            if new in combined.quantities:
                combined.quantities[new].hidden &= q.hidden
            else:
                combined.quantities[new] = dataclasses.replace(q, key=new)
        for key, bounds in night.free.items():
            combined.free[name(key)] = bounds
        combined.equal += [{name(k): c for k, c in t.items()} for t in night.equal]
        combined.at_most += [{name(k): c for k, c in t.items()} for t in night.at_most]
    for key in sorted(revised):
        holding = [m.quantities[key] for m in nights if key in m.quantities]
        if any(not q.hidden for q in holding):  # a change nobody saw reveals nothing
            findings.append(Finding(key, holding[0].table, "revised after it was published"))
    return combined, findings


def interval(model: Model, key: str) -> tuple[float, float]:
    """The least and greatest value of one quantity the published figures allow (as the
    intruder would compute it); infinity if nothing bounds it above. For tests: the
    reports never hold it."""
    rows = model.equal + model.at_most
    names = sorted({n for terms in rows for n in terms} | {key})
    index = {n: i for i, n in enumerate(names)}
    a_eq = [[terms.get(n, 0) for n in names] for terms in model.equal] or None
    a_ub = [[terms.get(n, 0) for n in names] for terms in model.at_most] or None
    bounds = []
    for n in names:
        q = model.quantities.get(n)
        bounds.append(model.free[n] if q is None else (q.at_least, None) if q.hidden
                      else (q.value, q.value))
    out = []
    for sign in (1.0, -1.0):
        c = np.zeros(len(names))
        c[index[key]] = sign
        res = linprog(c, A_ub=a_ub, b_ub=[0] * len(a_ub) if a_ub else None, A_eq=a_eq,
                      b_eq=[0] * len(a_eq) if a_eq else None, bounds=bounds,
                      method="highs")
        out.append(math.inf if res.status == 3 else sign * res.fun)
    return out[0], out[1]
