"""Stage: decide, field by field, what may leave the back office.

The policy is data (`policy.DEFAULT_POLICY`, overridable in the configuration): for each
record class ('register' for notices that are published individually, 'case' for
everything else) every canonical field is `publish`, `drop`, `generalise` or
`redact-text`. A field the policy does not name is dropped, so a new column can never
leak by default. Non-register cases leave this stage only as `CaseFact`s: no reference,
no address, no point, no text; their exact dates are used for aggregate timings only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from generator.core.address import address_phrases, normalise_postcode, tidy_address
from generator.core.fields import Action, D, P, R, part_of, published_notice_fields
from generator.core.ledger import Ledger, Outcome
from generator.core.model import (
    AppealOutcome,
    BreachCategory,
    Case,
    CaseStatus,
    ClosureReason,
    Notice,
    NoticeType,
    Priority,
    Source,
)
from generator.core.sensitive import Sensitive
from generator.ingest.export import Dataset
from generator.privacy.redact import Redactor

# Planning contravention notices gather information about a case under investigation;
# publishing one points at a property that may have done nothing wrong.
NEVER_LISTED = {NoticeType.PLANNING_CONTRAVENTION_NOTICE}


@dataclass(frozen=True)
class PublicNotice:
    """A notice as it may be published. Dropped fields are empty."""

    reference: str
    notice_type: NoticeType
    on_register: bool
    status: str
    source: Source | None = None  # the export row, for problems; never published
    issued: dt.date | None = None
    served: dt.date | None = None
    effective: dt.date | None = None
    compliance_period: str = ""
    compliance_due: dt.date | None = None
    complied: dt.date | None = None
    appeal_lodged: dt.date | None = None
    appeal_decided: dt.date | None = None
    appeal_outcome: AppealOutcome | None = None
    entered_on_register: dt.date | None = None
    related_notice: str = ""
    permission_reference: str = ""
    breach_summary: str = ""
    requirements: str = ""
    stop_activity: str = ""
    document_url: str = ""
    address: str = ""
    postcode: str = ""
    uprn: str = ""
    easting: float | None = None
    northing: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    ward: str = ""
    located_by: str = ""  # how the point was found (model.LOCATED_BY)
    reference_note: str = ""  # model.SUFFIXED or GENERATED: said on the entry's page
    appeal_reference: str = ""  # the Planning Inspectorate's reference of an appeal

    @property
    def event_date(self) -> dt.date | None:
        return self.served or self.issued


@dataclass(frozen=True)
class CaseFact:
    """A case reduced to what statistics need. Never rendered on its own."""

    received: dt.date
    status: CaseStatus
    priority: Priority | None
    breach_category: BreachCategory
    closure_reason: ClosureReason | None
    ward: str
    logged: dt.date | None
    first_visit: dt.date | None
    closed: dt.date | None
    grid_cell: str = ""


@dataclass(frozen=True)
class NoticeFact:
    """Any notice (register or not, never a removed one), for counts only."""

    notice_type: NoticeType
    served: dt.date | None
    ward: str
    appeal_lodged: dt.date | None
    appeal_decided: dt.date | None
    appeal_outcome: AppealOutcome | None


@dataclass
class Audit:
    records_in: Counter[str] = field(default_factory=Counter)
    records_out: Counter[str] = field(default_factory=Counter)
    fields_dropped: Counter[str] = field(default_factory=Counter)
    redactions: Counter[str] = field(default_factory=Counter)


@dataclass
class PublicData:
    export_date: dt.date
    register: list[PublicNotice]  # statutory register entries
    other_notices: list[PublicNotice]  # clearly labelled non-register notices
    cases: list[CaseFact]
    notices: list[NoticeFact]
    sensitive: Sensitive
    audit: Audit
    # Which files the export has (a notices-only archive has no case statistics), whether
    # its date is stale, and which notice fields it holds (ingest/export.py).
    has_cases: bool = True
    has_notices: bool = True
    stale: bool = False
    notice_fields: frozenset[str] = frozenset()


_NOTICE_TEXT = ("compliance_period", "breach_summary", "requirements", "stop_activity")


# PublicNotice's fields taken from the notice (or, if True, from its location) under
# the field policy; the reference and type are set from the notice directly.
_COPIED_FIELDS = [(name, name in part_of("location")) for name in published_notice_fields()
                  if name not in ("reference", "notice_type")]


def _public_notice(notice: Notice, policy: dict[str, Action], redactor: Redactor,
                   today: dt.date, audit: Audit, removed_refs: set[str]) -> PublicNotice:
    values: dict[str, object] = {}
    own_postcode = notice.location.postcode
    for name, on_location in _COPIED_FIELDS:
        value = getattr(notice.location if on_location else notice, name)
        action = policy.get(name, D)
        if action is P:
            values[name] = tidy_address(value) if name == "address" else value
        elif action is R and isinstance(value, str):
            redaction = redactor.redact(value, own_postcode=own_postcode)
            audit.redactions.update(redaction.counts)
            values[name] = redaction.text
        elif value not in (None, ""):
            audit.fields_dropped[f"register.{name}"] += 1
    for name in ("case_reference", "officer_name", "contravener_name", "agent_name",
                 "complainant_name", "complainant_email", "complainant_phone",
                 "complainant_address", "withdrawn", "quashed"):
        holder = notice.people if hasattr(notice.people, name) else notice
        if getattr(holder, name, None) not in (None, ""):
            audit.fields_dropped[f"register.{name}"] += 1
    if str(values.get("related_notice", "")).upper() in removed_refs:
        values["related_notice"] = ""  # everything relating to a removed notice goes too
    return PublicNotice(reference=notice.reference, notice_type=notice.notice_type,
                        on_register=notice.on_register, status=notice.status(today),
                        source=notice.source,
                        located_by=notice.location.located_by if values.get("latitude")
                        is not None else "", reference_note=notice.reference_note,
                        appeal_reference=notice.appeal_reference,
                        **values)  # type: ignore[arg-type]


def _grid_cell(case: Case, metres: int) -> str:
    if not metres or case.location.easting is None or case.location.northing is None:
        return ""
    return (f"{int(case.location.easting // metres) * metres}-"
            f"{int(case.location.northing // metres) * metres}")


def _case_fact(case: Case, grid_metres: int, kept: frozenset[str]) -> CaseFact:
    """The case as statistics see it; a field the policy drops (not in `kept`) is left
    blank."""
    return CaseFact(
        received=case.received, status=case.status,
        priority=case.priority if "priority" in kept else None,
        breach_category=case.breach_category if "breach_category" in kept
        else BreachCategory.OTHER,
        closure_reason=case.closure_reason if "closure_reason" in kept else None,
        ward=case.location.ward if "ward" in kept else "",
        logged=case.logged if "logged" in kept else None,
        first_visit=case.first_visit if "first_visit" in kept else None,
        closed=case.closed if "closed" in kept else None,
        grid_cell=_grid_cell(case, grid_metres) if "easting" in kept else "")


def load_extra_names(path: Path | None) -> list[str]:
    if not path:
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def listed(notice: Notice, show_non_register: bool) -> bool:
    """Whether a notice is published as its own entry."""
    if notice.removed:
        return False
    return notice.on_register or (show_non_register
                                  and notice.notice_type not in NEVER_LISTED)


def anonymise(dataset: Dataset, policy: dict[str, dict[str, Action]], ledger: Ledger,
              show_non_register: bool, grid_metres: int, extra_names: list[str]) -> PublicData:
    audit = Audit()
    today = dataset.export_date
    singly = [n for n in dataset.notices if listed(n, show_non_register)]
    # What must not be published is known before any text is redacted, so that free
    # text cannot carry a private address or reference onto the site.
    sensitive = _private_values(dataset, singly)
    redactor = Redactor(sorted(dataset.sensitive.names | set(extra_names)),
                        addresses=sorted(sensitive.addresses),
                        references=sorted(sensitive.references))
    removed = {n.reference.upper() for n in dataset.notices if n.removed}
    listed_sources = {n.source for n in singly}
    register: list[PublicNotice] = []
    others: list[PublicNotice] = []
    facts: list[NoticeFact] = []
    for notice in sorted(dataset.notices, key=lambda n: n.source):
        audit.records_in["notice"] += 1
        if notice.removed:
            ledger.mark(notice.source, Outcome.WITHHELD, "notice quashed or withdrawn",
                        label=notice.reference)
            continue
        facts.append(NoticeFact(notice.notice_type, notice.served or notice.issued,
                                notice.location.ward, notice.appeal_lodged,
                                notice.appeal_decided, notice.appeal_outcome))
        if notice.source not in listed_sources:
            ledger.mark(notice.source, Outcome.COUNTED, "notice type not published singly")
            continue
        public = _public_notice(notice, policy["register"], redactor, today, audit, removed)
        (register if notice.on_register else others).append(public)
        audit.records_out["register entry" if notice.on_register else "other notice"] += 1
        ledger.mark(notice.source, Outcome.PUBLISHED)
    kept = frozenset(name for name, action in policy["case"].items() if action is not D)
    cases = [_case_fact(case, grid_metres, kept) for case in dataset.cases]
    audit.records_in["case"] += len(cases)
    ledger.mark_all([case.source for case in dataset.cases], Outcome.COUNTED)
    dropped = audit.fields_dropped
    fields = ("reference", "description", "notes", "address", "postcode", "uprn")
    dropped.update(dict.fromkeys((f"case.{name}" for name in fields), 0))
    for case in dataset.cases:
        loc = case.location
        for name, value in (("reference", case.reference), ("description", case.description),
                            ("notes", case.notes), ("address", loc.address),
                            ("postcode", loc.postcode), ("uprn", loc.uprn)):
            if value:
                dropped[f"case.{name}"] += 1
    audit.records_out["case counted"] = len(cases)
    register.sort(key=lambda n: (n.event_date or dt.date.min, n.reference), reverse=True)
    others.sort(key=lambda n: (n.event_date or dt.date.min, n.reference), reverse=True)
    return PublicData(today, register, others, cases, facts, sensitive, audit,
                      has_cases=dataset.has_cases, has_notices=dataset.has_notices,
                      stale=dataset.stale, notice_fields=dataset.notice_fields)


_ALNUM_RUN = re.compile(r"[^\W_]+")  # what str.isalnum calls letters and digits


def phrases_in(phrases: set[str], text: str) -> set[str]:
    """Which of `phrases` occur in `text` as whole words: not next to a letter or digit.

    A phrase that begins and ends with a letter or digit can only occur from the start
    of one run of letters and digits to the end of another on the same line, so those
    spans are looked up in `phrases`: for the largest exports, much faster than an
    automaton of every phrase. The few other phrases go through an automaton."""
    if not phrases or not text:
        return set()
    plain = {p for p in phrases if p[:1].isalnum() and p[-1:].isalnum() and "\n" not in p}
    longest = max(map(len, plain), default=0)
    found = set()
    for line in text.split("\n"):
        runs = [(m.start(), m.end()) for m in _ALNUM_RUN.finditer(line)]
        for i, (start, _) in enumerate(runs):
            for _, end in runs[i:]:
                if end - start > longest:
                    break
                if line[start:end] in plain:
                    found.add(line[start:end])
    return found | _phrases_in_by_automaton(phrases - plain, text)


def _phrases_in_by_automaton(phrases: set[str], text: str) -> set[str]:
    if not phrases:
        return set()
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    found = set()
    for end, phrase in automaton.iter(text):
        start = end - len(phrase) + 1
        before = text[start - 1] if start else " "
        after = text[end + 1] if end + 1 < len(text) else " "
        if not before.isalnum() and not after.isalnum():
            found.add(phrase)
    return found


def _private_values(dataset: Dataset, listed: list[Notice]) -> Sensitive:
    """Every value from the export that must not appear on the site: the people in it,
    and the locations and references of everything that is not published singly."""
    public_addresses = {" ".join(n.location.address.upper().split()) for n in listed}
    public_text = "\n".join(sorted(public_addresses))
    public_postcodes = {normalise_postcode(n.location.postcode) for n in listed}
    public_uprns = {n.location.uprn for n in listed if n.location.uprn}
    public_refs = {n.reference.upper() for n in listed}
    sensitive = dataclasses.replace(dataset.sensitive)
    sensitive.addresses = set()
    sensitive.postcodes = set(sensitive.postcodes)
    sensitive.uprns = set(sensitive.uprns)
    sensitive.references = set()
    listed_sources = {n.source for n in listed}
    private: list[Case | Notice] = [*dataset.cases,
                                    *[n for n in dataset.notices
                                      if n.source not in listed_sources]]
    addresses = {*dataset.sensitive.addresses, *(r.location.address for r in private)}
    phrases = {p.upper() for a in addresses for p in address_phrases(a)}
    # A private phrase inside a published address ('119 Windmill Grove' within 'Flat 10,
    # 119 Windmill Grove') is public already.
    sensitive.addresses = phrases - phrases_in(phrases, public_text)
    for record in private:
        loc = record.location
        postcode = normalise_postcode(loc.postcode)
        if postcode and postcode not in public_postcodes:
            sensitive.postcodes.add(loc.postcode.strip())
        if loc.uprn and loc.uprn not in public_uprns:
            sensitive.uprns.add(loc.uprn)
        if record.reference.upper() not in public_refs:
            sensitive.references.add(record.reference)
    return sensitive
