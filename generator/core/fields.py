"""The canonical fields: one definition of each.

Every field a mapping may name is declared here once, with what kind of value it holds,
which export file has it, where it lives in the model (`Case`/`Notice`, their `Location`
or their `People`), and what may be published of it by default. The mapping's schema,
the default field policy, the fields a published notice carries, the register's
open-data columns and the date checks are all derived from this table (and tested
against the model), so a new field is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from generator.core.model import (
    AppealOutcome,
    BreachCategory,
    CaseStage,
    CaseStatus,
    ClosureReason,
    NoticeType,
    Priority,
)


class FieldKind(StrEnum):
    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    CODE = "code"
    SENSITIVE = "sensitive"  # personal data: never echoed into a report
    URL = "url"  # a link on the site: https: or http: only (untrusted.web_address)


class Action(StrEnum):
    """What the field policy does with a field."""

    PUBLISH = "publish"
    DROP = "drop"
    GENERALISE = "generalise"  # kept only in a coarser form (ward, grid cell, aggregate)
    REDACT_TEXT = "redact-text"  # published after the redactor has removed personal data


P, D, G, R = Action.PUBLISH, Action.DROP, Action.GENERALISE, Action.REDACT_TEXT
CASES, NOTICES, APPEALS = "cases", "notices", "appeals"
FILES = (CASES, NOTICES)
# An appeals file of its own (optional): appeal decisions that attach to their notices.
MAPPED_FILES = (CASES, NOTICES, APPEALS)
APPEAL_FILES = (NOTICES, APPEALS)


@dataclass(frozen=True)
class Field:
    name: str
    kind: FieldKind
    files: tuple[str, ...]
    part: str = "record"  # "record", "location" or "people": where the model keeps it
    # Default policy: for notices published singly (the register), and for every other
    # case. None: the field is not in that kind of record.
    register: Action | None = None
    case: Action | None = None
    codes: type[StrEnum] | None = None  # the canonical values of a code field
    required: bool = False  # a mapping of its files must name it
    # Its column in the register's downloads, and what the column holds.
    open_data: str = ""
    description: str = ""
    future: bool = False  # a date that may lie in the future without being a typo
    # Whether an override may publish it for cases that are not on the register (which
    # are published only as counts: a category, never a place, a date or a text).
    counted: bool = False
    private: bool = False  # never published, whatever an override says
    # The warning (a kind in core/kinds.py) an export value the mapping's codes do not
    # list gives, the value left blank, instead of an error that leaves the row out: for
    # a field that only the case tracker uses, which must never cost the register or the
    # statistics a row. Empty: such a value is an error, as for every other code.
    unknown_code_warning: str = ""


def _people(name: str) -> Field:
    return Field(name, FieldKind.SENSITIVE, FILES, "people", register=D, case=D,
                 private=True)


def _location(name: str, kind: FieldKind, register: Action, case: Action,
              open_data: str = "", description: str = "", counted: bool = False) -> Field:
    return Field(name, kind, FILES, "location", register, case, open_data=open_data,
                 description=description, counted=counted)


def _notice(name: str, kind: FieldKind, register: Action, open_data: str = "",
            description: str = "", files: tuple[str, ...] = (NOTICES,),
            **more: object) -> Field:
    return Field(name, kind, files, register=register, open_data=open_data,
                 description=description, **more)  # type: ignore[arg-type]


def _case(name: str, kind: FieldKind, case: Action, **more: object) -> Field:
    return Field(name, kind, (CASES,), case=case, **more)  # type: ignore[arg-type]


TEXT, DATE, NUMBER, CODE, SENSITIVE, URL = (FieldKind.TEXT, FieldKind.DATE,
                                            FieldKind.NUMBER, FieldKind.CODE,
                                            FieldKind.SENSITIVE, FieldKind.URL)

FIELDS: tuple[Field, ...] = (
    Field("reference", TEXT, MAPPED_FILES, register=P, case=D, required=True,
          open_data="reference", description="The notice's reference"),
    # An appeal decision names the notice it is about (in an appeals file).
    Field("notice_reference", TEXT, (APPEALS,), required=True,
          description="The reference of the notice appealed against"),
    # Cases
    _case("received", DATE, G, required=True),
    _case("logged", DATE, G),
    _case("first_visit", DATE, G),
    _case("closed", DATE, G),
    _case("priority", CODE, P, codes=Priority, counted=True),
    _case("status", CODE, P, codes=CaseStatus, required=True, counted=True),
    _case("breach_category", CODE, P, codes=BreachCategory, counted=True),
    _case("closure_reason", CODE, P, codes=ClosureReason, counted=True),
    # How far the case has got, for the case tracker's files only (often the same
    # column as `status`, with finer codes): never published, not even as a count.
    _case("stage", CODE, D, codes=CaseStage, private=True,
          unknown_code_warning="unknown-stage-code"),
    # Free text about a case that is not on the register is never published.
    _case("description", SENSITIVE, D),
    _case("notes", SENSITIVE, D, private=True),
    # Notices
    _notice("case_reference", TEXT, D),  # the case behind a notice is not on the register
    _notice("notice_type", CODE, P, "notice-type", "Type of notice", codes=NoticeType,
            required=True),
    _notice("issued", DATE, P, "issue-date", "Date of issue"),
    _notice("served", DATE, P, "service-date", "Date of service"),
    _notice("effective", DATE, P, "effective-date", "Date the notice takes effect",
            future=True),
    _notice("compliance_period", TEXT, R, "compliance-period", "Period for compliance"),
    _notice("compliance_due", DATE, P, "compliance-date",
            "Date by which the requirements must be met", future=True),
    _notice("complied", DATE, P, "complied-date",
            "Date the council was satisfied the steps were taken"),
    _notice("appeal_lodged", DATE, P, "appeal-lodged-date", "Date an appeal was lodged",
            files=APPEAL_FILES),
    _notice("appeal_decided", DATE, P, "appeal-decision-date",
            "Date the appeal was decided or withdrawn", files=APPEAL_FILES),
    _notice("appeal_outcome", CODE, P, "appeal-outcome", "Outcome of the appeal",
            codes=AppealOutcome, files=APPEAL_FILES),
    _notice("withdrawn", DATE, D),  # removed from the register, with everything about it
    _notice("quashed", DATE, D),
    _notice("entered_on_register", DATE, P, "entry-date",
            "Date the entry was made on the register"),
    _notice("related_notice", TEXT, P, "related-notice", "Related notice reference"),
    _notice("permission_reference", TEXT, P, "permission-reference",
            "Planning permission a breach of condition notice relates to"),
    _notice("breach_summary", TEXT, R, "breach-summary", "Summary of the alleged breach"),
    _notice("requirements", TEXT, R, "requirements", "What the notice requires"),
    _notice("stop_activity", TEXT, R, "stop-activity", "Activity a stop notice prohibits"),
    _notice("document_url", URL, P, "document-url", "Copy of the notice"),
    # Where: a register entry's place is public; another case's only as its ward.
    _location("address", TEXT, P, D, "address", "Address of the land"),
    _location("postcode", TEXT, P, D, "postcode", "Postcode of the land"),
    _location("uprn", TEXT, P, D, "uprn", "Unique Property Reference Number"),
    _location("easting", NUMBER, P, G),  # published in `point`, with the next three
    _location("northing", NUMBER, P, G),
    _location("latitude", NUMBER, P, D),
    _location("longitude", NUMBER, P, D),
    _location("ward", TEXT, P, P, "ward", "Ward code", counted=True),
    # People: never published, only used to redact and to search the site for leaks.
    _people("complainant_name"),
    _people("complainant_email"),
    _people("complainant_phone"),
    _people("complainant_address"),
    _people("contravener_name"),
    _people("officer_name"),
    _people("agent_name"),
)


def fields_of(file: str) -> dict[str, Field]:
    """The fields a mapping of `file` ('cases' or 'notices') may name, in order."""
    return {f.name: f for f in FIELDS if file in f.files}


def part_of(part: str) -> list[str]:
    """The names of the fields kept in one part of a record ('location', 'people'), in
    the order the model declares them (tested)."""
    return [f.name for f in FIELDS if f.part == part]


def default_policy() -> dict[str, dict[str, Action]]:
    """The field policy before the configuration's overrides: for 'register' (notices
    published singly) and 'case' (everything else), every field of such records."""
    return {"register": {f.name: f.register for f in FIELDS if f.register is not None},
            "case": {f.name: f.case for f in FIELDS if f.case is not None}}


def published_notice_fields() -> list[str]:
    """The fields a published notice may carry (`PublicNotice`): those the default
    policy publishes, as they are or redacted."""
    return [f.name for f in FIELDS if f.register in (P, R)]
