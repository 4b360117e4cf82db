"""Stage: the register as open data (CSV, JSON, GeoJSON, a data package) and a feed.

Field names follow the national Planning Data conventions: kebab-case, `reference`,
`organisation`, `entry-date`, `start-date`, `end-date`, and `point` as WGS84 WKT with at
most 6 decimal places.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from typing import Any

from generator.config.schema import Config
from generator.core.fields import FIELDS as CANONICAL_FIELDS
from generator.core.fields import FieldKind
from generator.core.model import AppealOutcome, NoticeType
from generator.core.untrusted import csv_text
from generator.privacy.anonymise import PublicNotice
from generator.site.common import GeneratedSite
from generator.site.register import Entry

LICENCE = ("Contains public sector information licensed under the Open Government "
           "Licence v3.0.")
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# Said in datapackage.json and on the open data page (site_src/open-data.md).
SPREADSHEET_SAFETY = ("In the CSV files, a text value that starts with =, +, -, @, a tab, "
                      "a carriage return or a NUL character has an apostrophe (') put "
                      "before it, so that a spreadsheet shows it as text and never runs "
                      "it as a formula. The JSON and GeoJSON files hold every value "
                      "exactly.")

# Columns of the register's downloads that no one canonical field holds.
_DERIVED = {
    "organisation": ("The issuing authority, as a Planning Data organisation "
                     "identifier (e.g. local-authority:NBK)", "string"),
    "on-statutory-register": ("Whether the notice is on the s.188 register (true or "
                              "false)", "boolean"),
    "status": ("Status in plain words on the date of the data", "string"),
    "point": ("Location as WGS84 Well-Known Text, POINT(longitude latitude), to 6 "
              "decimal places", "string"),
    "point-method": ("How the point was found: coordinates (from the record), uprn (the "
                     "property's UPRN in the address gazetteer), address (the address "
                     "matched in the gazetteer) or postcode (the centre of the postcode "
                     "area, approximate)", "string"),
    "start-date": ("Date the notice was served (or issued)", "date"),
    "end-date": ("Date the entry ended (compliance confirmed)", "date"),
}
_COLUMNS = ("reference", "organisation", "notice-type", "on-statutory-register", "status",
            "address", "postcode", "uprn", "ward", "point", "point-method", "issue-date",
            "service-date", "effective-date", "compliance-period", "compliance-date",
            "complied-date", "appeal-lodged-date", "appeal-decision-date", "appeal-outcome",
            "breach-summary", "requirements", "stop-activity", "permission-reference",
            "related-notice", "document-url", "entry-date", "start-date", "end-date")
_CANONICAL = {f.open_data: f for f in CANONICAL_FIELDS if f.open_data}

# How each column relates to the national Planning Data conventions
# (https://www.planning.data.gov.uk/): the shared fields every dataset has, and the
# columns that are this register's own.
PLANNING_DATA = {
    "reference": "`reference`: the record's identifier within the organisation",
    "organisation": "`organisation`: the publishing organisation's identifier",
    "point": "`point`: WGS84 WKT point",
    "entry-date": "`entry-date`: the date the record was entered",
    "start-date": "`start-date`: the date the thing recorded began",
    "end-date": "`end-date`: the date it ended; empty while it lasts",
}


def _describe(column: str) -> tuple[str, str, str]:
    """(column, description, Frictionless type): from the canonical field it holds."""
    if column in _DERIVED:
        return (column, *_DERIVED[column])
    field = _CANONICAL[column]
    return column, field.description, "date" if field.kind is FieldKind.DATE else "string"


# (field name, description, Frictionless type), in the downloads' column order
FIELDS: list[tuple[str, str, str]] = [_describe(column) for column in _COLUMNS]

# The downloads of published notices: the statutory register, and the notices the
# council publishes that are not on it, never mixed in one file.
REGISTER, OTHER_NOTICES = "register", "other-notices"
FILE_TITLES = {
    REGISTER: "Statutory planning enforcement register",
    OTHER_NOTICES: "Other planning enforcement notices (not on the statutory register)",
}
FILE_DESCRIPTIONS = {
    REGISTER: "The notices on the statutory planning enforcement register kept under "
              "section 188 of the Town and Country Planning Act 1990: enforcement, stop, "
              "breach of condition and enforcement warning notices, planning enforcement "
              "orders and CIL stop notices. A notice that is quashed or withdrawn is "
              "removed; a notice that is complied with stays.",
    OTHER_NOTICES: "Formal notices the council publishes although the law does not put "
                   "them on the statutory register, such as planning contravention "
                   "notices, section 215 (untidy land) notices and temporary stop notices.",
}


def schema(name: str = REGISTER) -> dict[str, Any]:
    """The Frictionless Table Schema of the downloads `name` (CSV, JSON, GeoJSON
    properties). A value the export does not give is empty: "not recorded"."""
    on_register = name == REGISTER
    enums: dict[str, list[Any]] = {
        "notice-type": [t.value for t in NoticeType if t.on_register == on_register],
        "appeal-outcome": [o.value for o in AppealOutcome],
        "on-statutory-register": [on_register]}
    fields: list[dict[str, Any]] = []
    for column, doc, kind in FIELDS:
        field: dict[str, Any] = {"name": column, "description": doc, "type": kind}
        if column in enums:
            field["constraints"] = {"enum": enums[column]}
        if kind == "boolean":
            field.update(trueValues=["true"], falseValues=["false"])
        if kind == "date":
            field["format"] = "default"  # ISO 8601, YYYY-MM-DD
        if column == "reference":
            field["constraints"] = {"required": True, "unique": True}
        fields.append(field)
    return {"fields": fields, "missingValues": [""], "primaryKey": ["reference"]}


def columns_table() -> str:
    """The columns as an HTML table for the open data page (in a focusable scrolling
    region, as a wide table must be on a narrow screen): name, type, meaning and how it
    maps to Planning Data. Text from this module only, never from input."""
    code = re.compile(r"`([^`]+)`")
    rows = "".join(
        f"<tr><th scope=\"row\"><code>{name}</code></th><td>{kind}</td>"
        f"<td>{html.escape(doc)}</td><td>"
        + code.sub(r"<code>\1</code>", html.escape(PLANNING_DATA.get(
            name, "this register's own column"))) + "</td></tr>"
        for name, doc, kind in FIELDS)
    caption = "Columns of the register files"
    return (f'<div class="table-scroll" tabindex="0" role="region" aria-label="{caption}">\n'
            f"<table>\n<caption>{caption}</caption>\n<thead><tr><th scope=\"col\">Column"
            '</th><th scope="col">Type</th><th scope="col">What it holds</th>'
            '<th scope="col">Planning Data field</th></tr></thead>\n'
            f"<tbody>{rows}</tbody>\n</table>\n</div>\n")


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _point(n: PublicNotice) -> str:
    if n.latitude is None or n.longitude is None:
        return ""
    return f"POINT({n.longitude:.6f} {n.latitude:.6f})"


def record(n: PublicNotice, config: Config) -> dict[str, str]:
    return {
        "reference": n.reference, "organisation": config.council.organisation,
        "notice-type": n.notice_type.value,
        "on-statutory-register": "true" if n.on_register else "false",
        "status": n.status, "address": n.address, "postcode": n.postcode, "uprn": n.uprn,
        "ward": n.ward, "point": _point(n), "point-method": n.located_by if _point(n) else "",
        "issue-date": _iso(n.issued),
        "service-date": _iso(n.served), "effective-date": _iso(n.effective),
        "compliance-period": n.compliance_period, "compliance-date": _iso(n.compliance_due),
        "complied-date": _iso(n.complied), "appeal-lodged-date": _iso(n.appeal_lodged),
        "appeal-decision-date": _iso(n.appeal_decided),
        "appeal-outcome": n.appeal_outcome.value if n.appeal_outcome else "",
        "breach-summary": n.breach_summary, "requirements": n.requirements,
        "stop-activity": n.stop_activity, "permission-reference": n.permission_reference,
        "related-notice": n.related_notice, "document-url": n.document_url,
        "entry-date": _iso(n.entered_on_register), "start-date": _iso(n.event_date),
        "end-date": _iso(n.complied),
    }


def _csv(records: list[dict[str, str]]) -> str:
    columns = [name for name, _, _ in FIELDS]
    return csv_text([columns, *([rec[name] for name in columns] for rec in records)])


def _geojson(entries: list[Entry], records: list[dict[str, str]]) -> str:
    features = []
    for e, rec in zip(entries, records, strict=True):
        n = e.notice
        geometry = None
        if n.latitude is not None and n.longitude is not None:
            geometry = {"type": "Point",
                        "coordinates": [round(n.longitude, 6), round(n.latitude, 6)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": rec})
    return _json_with_list({"type": "FeatureCollection"}, "features", features)


def _json_with_list(head: dict[str, Any], key: str, items: list[dict[str, Any]]) -> str:
    """`head` with `key` holding `items`, one item a line: readable and diffable, and
    written by json's C encoder (an `indent` makes it fall back to pure Python, which
    takes seconds for the largest registers)."""
    opening = json.dumps({**head, key: []}, ensure_ascii=False)[:-2]
    return (opening + "\n" + ",\n".join(json.dumps(item, ensure_ascii=False)
                                          for item in items) + "\n]}\n")


def open_data(site: GeneratedSite, entries: list[Entry], others: list[Entry],
              config: Config, export_date: dt.date) -> None:
    """register.* holds the statutory register only; other-notices.* the notices that
    are not on it (empty files when the council publishes none)."""
    for name, published in ((REGISTER, entries), (OTHER_NOTICES, others)):
        records = [record(e.notice, config) for e in published]
        site.add_file(f"downloads/{name}.csv", _csv(records))
        site.add_file(f"downloads/{name}.json", _json_with_list(
            {"title": FILE_TITLES[name], "licence": LICENCE, "licence-url": LICENCE_URL,
             "entry-date": export_date.isoformat()}, "entries", records))
        site.add_file(f"downloads/{name}.geojson", _geojson(published, records))
