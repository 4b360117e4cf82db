"""The canonical model: what every export is mapped into.

A *case* is every complaint or investigation the council logs. A *notice* is formal
action taken on a case. Only notices whose type is on the statutory register (s.188
TCPA 1990) are published individually; everything else reaches the site as counts.

Every record carries `source` (file name and 1-based row number in that file, the
header being row 1) so that any problem found at any later stage can name the row
a data officer must fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

Record = TypeVar("Record")


def evolve(record: Record, **changes: Any) -> Record:
    """A copy of a frozen dataclass with some fields changed, like dataclasses.replace
    but faster: locating a large export copies every record."""
    copy = object.__new__(type(record))
    copy.__dict__.update(record.__dict__, **changes)
    return copy


@dataclass(frozen=True, order=True)
class Source:
    """Where a record came from: the file name and the row number a spreadsheet shows."""

    file: str
    row: int

    def __str__(self) -> str:
        return f"{self.file} row {self.row}"


@dataclass(frozen=True)
class NoticeTypeInfo:
    label: str
    legislation: str
    on_register: bool
    description: str


class NoticeType(StrEnum):
    ENFORCEMENT_NOTICE = "enforcement-notice"
    STOP_NOTICE = "stop-notice"
    BREACH_OF_CONDITION_NOTICE = "breach-of-condition-notice"
    ENFORCEMENT_WARNING_NOTICE = "enforcement-warning-notice"
    PLANNING_ENFORCEMENT_ORDER = "planning-enforcement-order"
    CIL_STOP_NOTICE = "cil-stop-notice"
    PLANNING_CONTRAVENTION_NOTICE = "planning-contravention-notice"
    SECTION_215_NOTICE = "section-215-notice"
    TEMPORARY_STOP_NOTICE = "temporary-stop-notice"
    LISTED_BUILDING_ENFORCEMENT_NOTICE = "listed-building-enforcement-notice"
    TREE_REPLACEMENT_NOTICE = "tree-replacement-notice"
    ADVERTISEMENT_DISCONTINUANCE_NOTICE = "advertisement-discontinuance-notice"

    @property
    def info(self) -> NoticeTypeInfo:
        return NOTICE_TYPES[self]

    @property
    def on_register(self) -> bool:
        return NOTICE_TYPES[self].on_register

    @property
    def label(self) -> str:
        return NOTICE_TYPES[self].label


NOTICE_TYPES: dict[NoticeType, NoticeTypeInfo] = {
    NoticeType.ENFORCEMENT_NOTICE: NoticeTypeInfo(
        "Enforcement notice", "section 172, Town and Country Planning Act 1990", True,
        "Requires steps to remedy a breach of planning control by a set date.",
    ),
    NoticeType.STOP_NOTICE: NoticeTypeInfo(
        "Stop notice", "section 183, Town and Country Planning Act 1990", True,
        "Stops an activity that an enforcement notice also covers, before that notice "
        "takes effect.",
    ),
    NoticeType.BREACH_OF_CONDITION_NOTICE: NoticeTypeInfo(
        "Breach of condition notice", "section 187A, Town and Country Planning Act 1990",
        True, "Requires compliance with a condition of a planning permission.",
    ),
    NoticeType.ENFORCEMENT_WARNING_NOTICE: NoticeTypeInfo(
        "Enforcement warning notice", "section 172ZA, Town and Country Planning Act 1990",
        True, "Warns that enforcement action will follow unless a planning application "
        "is made.",
    ),
    NoticeType.PLANNING_ENFORCEMENT_ORDER: NoticeTypeInfo(
        "Planning enforcement order", "section 171BA, Town and Country Planning Act 1990",
        True, "A magistrates' court order allowing action on a concealed breach after "
        "the normal time limits.",
    ),
    NoticeType.CIL_STOP_NOTICE: NoticeTypeInfo(
        "CIL stop notice", "regulation 92, Community Infrastructure Levy Regulations 2010",
        True, "Stops development until an unpaid Community Infrastructure Levy is paid.",
    ),
    NoticeType.PLANNING_CONTRAVENTION_NOTICE: NoticeTypeInfo(
        "Planning contravention notice", "section 171C, Town and Country Planning Act 1990",
        False, "Requires information about activities on land.",
    ),
    NoticeType.SECTION_215_NOTICE: NoticeTypeInfo(
        "Untidy land notice", "section 215, Town and Country Planning Act 1990", False,
        "Requires land whose condition harms the area to be tidied.",
    ),
    NoticeType.TEMPORARY_STOP_NOTICE: NoticeTypeInfo(
        "Temporary stop notice", "section 171E, Town and Country Planning Act 1990", False,
        "Stops an activity immediately for up to 56 days.",
    ),
    NoticeType.LISTED_BUILDING_ENFORCEMENT_NOTICE: NoticeTypeInfo(
        "Listed building enforcement notice",
        "section 38, Planning (Listed Buildings and Conservation Areas) Act 1990", False,
        "Requires unauthorised works to a listed building to be put right.",
    ),
    NoticeType.TREE_REPLACEMENT_NOTICE: NoticeTypeInfo(
        "Tree replacement notice", "section 207, Town and Country Planning Act 1990", False,
        "Requires a protected tree to be replaced.",
    ),
    NoticeType.ADVERTISEMENT_DISCONTINUANCE_NOTICE: NoticeTypeInfo(
        "Advertisement discontinuance notice",
        "regulation 8, Town and Country Planning (Control of Advertisements) (England) "
        "Regulations 2007", False,
        "Requires an advertisement with deemed consent to be removed.",
    ),
}


class NoticeStatus(StrEnum):
    """The statuses a register entry shows (Notice.status). Each is a term of the
    glossary (site_src/glossary.md), which entry pages link the status to."""

    ISSUED = "Issued"  # an archive that records the issue date and no service date
    SERVED = "Served"
    NOT_YET_IN_EFFECT = "Served, not yet in effect"
    IN_FORCE = "In force"
    COMPLIANCE_DATE_PASSED = "In force: compliance date passed"
    UNDER_APPEAL = "Under appeal"
    APPEAL_ALLOWED = "Appeal allowed"
    COMPLIED = "Complied with"


APPEAL_DISMISSED = " (appeal dismissed)"  # after a status, when an appeal failed


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class CaseStage(StrEnum):
    """How far a case has got, as the person who reported it sees it (the case tracker,
    docs/tracker.md). The mapping's `stage` codes give the steps the back office records
    only as a status (investigating, formal action considered); the others come from
    dates and notices. In the order a case goes through them."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    VISITED = "visited"
    INVESTIGATING = "investigating"
    FORMAL_ACTION_CONSIDERED = "formal-action-considered"
    NOTICE_SERVED = "notice-served"
    CLOSED = "closed"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ClosureReason(StrEnum):
    NO_BREACH = "no-breach"
    NOT_PLANNING_MATTER = "not-planning-matter"
    PERMITTED_DEVELOPMENT = "permitted-development"
    IMMUNE = "immune"
    REGULARISED = "regularised"
    REMEDIED = "remedied"
    NOT_EXPEDIENT = "not-expedient"
    FORMAL_ACTION_COMPLIED = "formal-action-complied"
    OTHER = "other"


CLOSURE_REASON_LABELS: dict[ClosureReason, str] = {
    ClosureReason.NO_BREACH: "No breach of planning control found",
    ClosureReason.NOT_PLANNING_MATTER: "Not a planning matter",
    ClosureReason.PERMITTED_DEVELOPMENT: "Permitted development",
    ClosureReason.IMMUNE: "Immune from action (time limits passed)",
    ClosureReason.REGULARISED: "Put right by a planning application",
    ClosureReason.REMEDIED: "Put right after negotiation",
    ClosureReason.NOT_EXPEDIENT: "Not expedient to take action",
    ClosureReason.FORMAL_ACTION_COMPLIED: "Formal action taken and complied with",
    ClosureReason.OTHER: "Other",
}


class BreachCategory(StrEnum):
    """Follows the ODP 'report a planning breach' taxonomy."""

    CHANGE_OF_USE = "change-of-use"
    BUILDING_WORKS = "building-works"
    ADVERTISEMENT = "advertisement"
    LISTED_BUILDING = "listed-building"
    PLANNING_CONDITION = "planning-condition"
    UNTIDY_LAND = "untidy-land"
    TREES = "trees"
    DEMOLITION = "demolition"
    MINERALS_AND_WASTE = "minerals-and-waste"
    OTHER = "other"


BREACH_CATEGORY_LABELS: dict[BreachCategory, str] = {
    BreachCategory.CHANGE_OF_USE: "Change of use",
    BreachCategory.BUILDING_WORKS: "Building works or extension",
    BreachCategory.ADVERTISEMENT: "Advertisements and signs",
    BreachCategory.LISTED_BUILDING: "Works to a listed building",
    BreachCategory.PLANNING_CONDITION: "Planning condition not met",
    BreachCategory.UNTIDY_LAND: "Untidy land",
    BreachCategory.TREES: "Works to protected trees",
    BreachCategory.DEMOLITION: "Demolition",
    BreachCategory.MINERALS_AND_WASTE: "Minerals and waste",
    BreachCategory.OTHER: "Other",
}


class AppealOutcome(StrEnum):
    PENDING = "pending"
    DISMISSED = "dismissed"
    ALLOWED = "allowed"
    VARIED = "varied"
    WITHDRAWN = "withdrawn"


APPEAL_OUTCOME_LABELS: dict[AppealOutcome, str] = {
    AppealOutcome.PENDING: "Appeal awaiting decision",
    AppealOutcome.DISMISSED: "Appeal dismissed (the notice was upheld)",
    AppealOutcome.ALLOWED: "Appeal allowed",
    AppealOutcome.VARIED: "Notice varied on appeal and upheld",
    AppealOutcome.WITHDRAWN: "Appeal withdrawn",
}


@dataclass(frozen=True)
class Location:
    """Where a record is. For a non-register case only `ward` ever leaves anonymisation."""

    address: str = ""
    postcode: str = ""
    uprn: str = ""
    easting: float | None = None
    northing: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    ward: str = ""
    # How the point was found (ingest/locate.py): one of LOCATED_BY, or "" (no point).
    # Not a column of the export: the locating stage sets it.
    located_by: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# How a point was found, in the order they are tried, and what each means to a reader.
LOCATED_BY: dict[str, str] = {
    "coordinates": "from the coordinates in our records",
    "uprn": "from the property's UPRN in the address gazetteer",
    "address": "by matching the address against the address gazetteer",
    "postcode": "approximately: the centre of the postcode area",
}
# Fields of the model that no export column fills: stages set them.
DERIVED_FIELDS = frozenset({"located_by", "reference_note", "appeal_reference"})
# Why a published reference is not exactly the export's (Notice.reference_note).
SUFFIXED, GENERATED = "suffixed", "generated"


@dataclass(frozen=True)
class People:
    """Personal details held by the back office. Never published, only used to redact and
    to scan the built site for leaks."""

    complainant_name: str = ""
    complainant_email: str = ""
    complainant_phone: str = ""
    complainant_address: str = ""
    contravener_name: str = ""
    officer_name: str = ""
    agent_name: str = ""

    def names(self) -> list[str]:
        return [
            n for n in (self.complainant_name, self.contravener_name, self.officer_name,
                        self.agent_name) if n
        ]

    def values(self) -> list[str]:
        return [v for v in vars(self).values() if v]


@dataclass(frozen=True)
class Case:
    reference: str
    source: Source
    received: dt.date
    status: CaseStatus
    priority: Priority | None = None
    breach_category: BreachCategory = BreachCategory.OTHER
    logged: dt.date | None = None
    first_visit: dt.date | None = None
    closed: dt.date | None = None
    closure_reason: ClosureReason | None = None
    stage: CaseStage | None = None  # for the case tracker only; never published
    location: Location = field(default_factory=Location)
    description: str = ""
    notes: str = ""
    people: People = field(default_factory=People)


@dataclass(frozen=True)
class Notice:
    reference: str
    source: Source
    notice_type: NoticeType
    case_reference: str = ""
    issued: dt.date | None = None
    served: dt.date | None = None
    effective: dt.date | None = None
    compliance_period: str = ""
    compliance_due: dt.date | None = None
    complied: dt.date | None = None
    appeal_lodged: dt.date | None = None
    appeal_decided: dt.date | None = None
    appeal_outcome: AppealOutcome | None = None
    withdrawn: dt.date | None = None
    quashed: dt.date | None = None
    entered_on_register: dt.date | None = None
    related_notice: str = ""
    permission_reference: str = ""
    breach_summary: str = ""
    requirements: str = ""
    stop_activity: str = ""
    document_url: str = ""
    location: Location = field(default_factory=Location)
    people: People = field(default_factory=People)
    # SUFFIXED (a repeated reference told apart), GENERATED (none in the export), or "".
    reference_note: str = ""
    appeal_reference: str = ""  # the Planning Inspectorate's, from an appeal decision

    @property
    def on_register(self) -> bool:
        return self.notice_type.on_register

    @property
    def removed(self) -> bool:
        """Quashed or withdrawn notices are removed from the register entirely (s.188)."""
        return self.withdrawn is not None or self.quashed is not None

    def status(self, today: dt.date) -> str:
        """The notice's status in plain words, as of `today` (the export date): one of
        NOTICE_STATUSES, with APPEAL_DISMISSED after it when an appeal failed."""
        if self.complied:
            return NoticeStatus.COMPLIED.value
        if self.appeal_lodged and self.appeal_outcome in (None, AppealOutcome.PENDING):
            return NoticeStatus.UNDER_APPEAL.value
        if self.appeal_outcome == AppealOutcome.ALLOWED:
            return NoticeStatus.APPEAL_ALLOWED.value
        suffix = ""
        if self.appeal_outcome in (AppealOutcome.DISMISSED, AppealOutcome.VARIED):
            suffix = APPEAL_DISMISSED
        if self.effective and self.effective <= today:
            if self.compliance_due and self.compliance_due < today:
                return NoticeStatus.COMPLIANCE_DATE_PASSED + suffix
            return NoticeStatus.IN_FORCE + suffix
        if self.effective:
            return NoticeStatus.NOT_YET_IN_EFFECT + suffix
        if not self.served and self.issued:
            return NoticeStatus.ISSUED + suffix  # an archive may record only the issue
        return NoticeStatus.SERVED + suffix


@dataclass(frozen=True)
class Appeal:
    """An appeal decision, from an appeals file or an appeal row of the notices file: it
    fills in the appeal fields of the notice it names, and is never a register entry."""

    reference: str  # the appeal's own reference (APP/...), or ""
    source: Source
    notice_reference: str
    appeal_lodged: dt.date | None = None
    appeal_decided: dt.date | None = None
    appeal_outcome: AppealOutcome | None = None


@dataclass(frozen=True)
class Ward:
    code: str
    name: str
