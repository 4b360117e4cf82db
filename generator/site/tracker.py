"""Stage: "Track your report", the case tracker's files (docs/tracker.md).

With the council's key, each case open, or closed within `tracker.closed_within_days`,
gets an access code (privacy/tracker_codes.py) and one file, `track/<name>.json`, named
by a hash of its reference and code. A file says only how far the case has got: the
stages reached and their dates, a plain-English outcome code once closed, the next step
with its charter target and whether that is still met, and the date the data is from.
No reference, address, description, officer, ward or point; no text at all, so the
wording is the page's (site_src/track-your-report.md), which comms staff edit.

Every file is padded to one size, so sizes say nothing about a case; each night every
file carries the export date, so all of them change together.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

from generator.config.schema import Charter, Config
from generator.core.model import (
    Case,
    CaseStage,
    CaseStatus,
    ClosureReason,
    Notice,
    NoticeType,
)
from generator.core.problems import Problems
from generator.ingest.export import Dataset
from generator.privacy.tracker_codes import TrackerKey, file_name, typed_reference
from generator.site.common import GeneratedSite, render
from generator.stats.periods import add_working_days

FOLDER = "track"
TRACK_PAGE_SOURCE = "track-your-report.md"  # in site_src/: its words and its form
TRACK_PAGE = "track-your-report/"  # its address
FILE_SIZE = 512  # bytes: every file, whatever it says (the longest needs about 330)
VERSION = 1
STAGES = list(CaseStage)
# Stages the export records only through the mapping's stage codes (and a notice). One
# reached means the ones before it in this list were reached too, on dates not recorded.
STATUS_STAGES = [CaseStage.INVESTIGATING, CaseStage.FORMAL_ACTION_CONSIDERED,
                 CaseStage.NOTICE_SERVED]
# A planning contravention notice asks for information while the facts are found out:
# it is part of the investigation, not formal action.
NOT_FORMAL_ACTION = {NoticeType.PLANNING_CONTRAVENTION_NOTICE}


@dataclass(frozen=True)
class Progress:
    """What a tracker file says about one case."""

    stages: tuple[tuple[CaseStage, dt.date | None], ...]  # reached, in order
    outcome: ClosureReason | None = None
    next_stage: CaseStage | None = None
    target: dt.date | None = None  # the charter's date for the next step
    on_time: bool | None = None  # whether the target is still met on the export date


def _notice_served(notices: list[Notice]) -> tuple[bool, dt.date | None]:
    """Whether formal action was taken on the case, and the first date a notice was
    served (or issued). Withdrawn or quashed notices do not count."""
    formal = [n for n in notices if not n.removed and n.notice_type not in NOT_FORMAL_ACTION]
    dates = [d for n in formal if (d := n.served or n.issued) is not None]
    return bool(formal), min(dates, default=None)


def progress(case: Case, notices: list[Notice], charter: Charter,
             as_of: dt.date) -> Progress:
    """How far `case` has got on `as_of`, from its dates, its stage code, its notices
    and its status. Nothing is invented: a stage known only from a code has no date."""
    reached: list[tuple[CaseStage, dt.date | None]] = [(CaseStage.RECEIVED, case.received)]
    if case.logged:
        reached.append((CaseStage.ACKNOWLEDGED, case.logged))
    if case.first_visit:
        reached.append((CaseStage.VISITED, case.first_visit))
    served, served_on = _notice_served(notices)
    furthest = STATUS_STAGES.index(case.stage) if case.stage in STATUS_STAGES else -1
    if served:
        furthest = STATUS_STAGES.index(CaseStage.NOTICE_SERVED)
    for stage in STATUS_STAGES[:furthest + 1]:
        reached.append((stage, served_on if stage is CaseStage.NOTICE_SERVED else None))
    if case.status is CaseStatus.CLOSED:
        reached.append((CaseStage.CLOSED, case.closed))
        return Progress(tuple(reached), outcome=case.closure_reason)
    current = reached[-1][0]
    target: dt.date | None = None
    if current is CaseStage.RECEIVED:
        next_stage = CaseStage.ACKNOWLEDGED
        target = add_working_days(case.received, charter.acknowledge_working_days)
    elif current is CaseStage.ACKNOWLEDGED:
        next_stage = CaseStage.VISITED
        days = {p.code: p.first_visit_working_days for p in charter.priorities}
        if case.priority is not None and case.priority.value in days:
            target = add_working_days(case.received, days[case.priority.value])
    else:
        next_stage = CaseStage.CLOSED
        if current is not CaseStage.NOTICE_SERVED:  # the charter's target to resolve
            target = case.received + dt.timedelta(weeks=charter.resolve_weeks)
    return Progress(tuple(reached), next_stage=next_stage, target=target,
                    on_time=None if target is None else as_of <= target)


@cache
def _day(value: dt.date | None) -> str | None:
    """Cached: tens of thousands of files share a few thousand days."""
    return value.isoformat() if value else None


def file_content(found: Progress, as_of: dt.date) -> bytes:
    """A tracker file: JSON, padded with spaces to FILE_SIZE bytes."""
    data = {"version": VERSION, "as_of": as_of.isoformat(),
            # (the codes are StrEnums, which JSON writes as their values)
            "stages": [[stage, _day(day)] for stage, day in found.stages],
            "outcome": found.outcome, "next": found.next_stage,
            "target": _day(found.target), "on_time": found.on_time}
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    if len(text) >= FILE_SIZE:  # cannot happen: every value is a code, a date or a flag
        raise ValueError(f"a tracker file would be {len(text)} bytes, over {FILE_SIZE}")
    return (text + " " * (FILE_SIZE - len(text) - 1) + "\n").encode("ascii")


def tracked(cases: list[Case], as_of: dt.date, closed_within_days: int) -> list[Case]:
    """Cases with a tracker file: open ones, and those closed within the period (a
    closed case with no closing date cannot say when it leaves, so has none)."""
    since = as_of - dt.timedelta(days=closed_within_days)
    return [c for c in cases if c.status is CaseStatus.OPEN
            or (c.closed is not None and c.closed >= since)]


def _without_clashes(cases: list[Case], problems: Problems) -> list[Case]:
    """Cases whose reference, as a person types it, is theirs alone; the others are
    reported (the tracker could not tell them apart)."""
    by_typed: defaultdict[str, list[Case]] = defaultdict(list)
    for case in cases:
        by_typed[typed_reference(case.reference)].append(case)
    kept = []
    for typed, same in by_typed.items():
        if typed and len(same) == 1:
            kept.append(same[0])
            continue
        for case in same:
            problems.warning(case.source.file, case.source.row, "", case.reference,
                             "tracker-reference-clash",
                             "the case tracker cannot tell this reference from "
                             + ", ".join(c.reference for c in same if c is not case)
                             + " (it ignores punctuation, spaces and capitals), so "
                             "neither case has a tracker code")
    return kept


@dataclass(frozen=True)
class TrackerCode:
    """One line of reports/tracker-codes.csv: for the council's letters only."""

    reference: str
    access_code: str


def tracker_files(site: GeneratedSite, dataset: Dataset, config: Config, key: TrackerKey,
                  problems: Problems) -> list[TrackerCode]:
    """Each tracked case's file under track/, and the codes for the letters, in the
    order of the references."""
    notices: defaultdict[str, list[Notice]] = defaultdict(list)
    for notice in dataset.notices:
        if notice.case_reference:
            notices[notice.case_reference.strip()].append(notice)
    as_of = dataset.export_date
    cases = _without_clashes(tracked(dataset.cases, as_of,
                                     config.tracker.closed_within_days), problems)
    codes = []
    for case in sorted(cases, key=lambda c: c.reference):
        code = key.access_code(case.reference)
        found = progress(case, notices[case.reference], config.charter, as_of)
        site.add_file(f"{FOLDER}/{file_name(case.reference, code)}.json",
                      file_content(found, as_of))
        codes.append(TrackerCode(case.reference, code))
    return codes


def tracker_form(on: bool, config: Config) -> Markup:
    """The page's `{{ tracker_form }}`: the form and its script when the tracker is on;
    otherwise what else to do. Without JavaScript the form stays hidden and the page
    says how else to get an update."""
    return Markup(render("tracker_form.html", on=on, council=config.council,
                         closed_within_days=config.tracker.closed_within_days).strip())
