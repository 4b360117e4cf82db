"""Stage: the register as open data (CSV, JSON, GeoJSON, a data package) and a feed.

Field names follow the national Planning Data conventions: kebab-case, `reference`,
`organisation`, `entry-date`, `start-date`, `end-date`, and `point` as WGS84 WKT with at
most 6 decimal places.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from generator.config.schema import Config
from generator.core.fields import FIELDS as CANONICAL_FIELDS
from generator.core.fields import FieldKind
from generator.core.untrusted import csv_text, xml_text
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
    "organisation": ("The issuing authority", "string"),
    "on-statutory-register": ("Whether the notice is on the s.188 register", "boolean"),
    "status": ("Status in plain words on the date of the data", "string"),
    "point": ("Location as WGS84 WKT", "string"),
    "start-date": ("Date the notice was served (or issued)", "date"),
    "end-date": ("Date the entry ended (compliance confirmed)", "date"),
}
_COLUMNS = ("reference", "organisation", "notice-type", "on-statutory-register", "status",
            "address", "postcode", "uprn", "ward", "point", "issue-date", "service-date",
            "effective-date", "compliance-period", "compliance-date", "complied-date",
            "appeal-lodged-date", "appeal-decision-date", "appeal-outcome", "breach-summary",
            "requirements", "stop-activity", "permission-reference", "related-notice",
            "document-url", "entry-date", "start-date", "end-date")
_CANONICAL = {f.open_data: f for f in CANONICAL_FIELDS if f.open_data}


def _describe(column: str) -> tuple[str, str, str]:
    """(column, description, Frictionless type): from the canonical field it holds."""
    if column in _DERIVED:
        return (column, *_DERIVED[column])
    field = _CANONICAL[column]
    return column, field.description, "date" if field.kind is FieldKind.DATE else "string"


# (field name, description, Frictionless type), in the downloads' column order
FIELDS: list[tuple[str, str, str]] = [_describe(column) for column in _COLUMNS]


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
        "ward": n.ward, "point": _point(n), "issue-date": _iso(n.issued),
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


def _datapackage(config: Config, export_date: dt.date) -> str:
    package = {
        "name": "planning-enforcement-register",
        "title": f"{config.council.name}: planning enforcement register",
        "description": "Notices on the statutory planning enforcement register (s.188 "
                       "Town and Country Planning Act 1990). " + LICENCE + " "
                       + SPREADSHEET_SAFETY,
        "licenses": [{"name": "OGL-UK-3.0", "path": LICENCE_URL,
                      "title": "Open Government Licence v3.0"}],
        "created": f"{export_date.isoformat()}T00:00:00Z",
        "resources": [{
            "name": "register", "path": "register.csv", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8",
            "description": SPREADSHEET_SAFETY,
            "schema": {"fields": [{"name": name, "description": doc, "type": kind}
                                  for name, doc, kind in FIELDS],
                       "primaryKey": ["reference"]},
        }],
    }
    return json.dumps(package, indent=2) + "\n"


def _feed(entries: list[Entry], config: Config, export_date: dt.date) -> str:
    base = config.site.url or "/"
    latest = sorted(entries, key=lambda e: (e.notice.entered_on_register
                                            or e.notice.event_date or dt.date.min,
                                            e.notice.reference), reverse=True)[:50]
    items = []
    for e in latest:
        n = e.notice
        updated = n.entered_on_register or n.event_date or export_date
        link = f"{base}register/entries/{e.slug}/"
        items.append(
            "<entry>"
            f"<title>{xml_text(n.notice_type.label)} {xml_text(n.reference)}: "
            f"{xml_text(n.address or 'address not recorded')}</title>"
            f'<link href="{xml_text(link)}"/><id>{xml_text(link)}</id>'
            f"<updated>{updated.isoformat()}T00:00:00Z</updated>"
            f"<summary>{xml_text(n.status)}</summary></entry>")
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{xml_text(config.council.name)}: enforcement register</title>"
            f'<link href="{xml_text(base)}register/"/>'
            f"<id>{xml_text(base)}register/feed.xml</id>"
            f"<updated>{export_date.isoformat()}T00:00:00Z</updated>"
            f"<rights>{xml_text(LICENCE)}</rights>"
            + "".join(items) + "</feed>\n")


def open_data(site: GeneratedSite, entries: list[Entry], others: list[Entry],
              config: Config, export_date: dt.date) -> None:
    published = entries + others
    records = [record(e.notice, config) for e in published]
    site.add_file("downloads/register.csv", _csv(records))
    site.add_file("downloads/register.json", _json_with_list(
        {"licence": LICENCE, "licence-url": LICENCE_URL, "entry-date": export_date.isoformat()},
        "entries", records))
    site.add_file("downloads/register.geojson", _geojson(published, records))
    site.add_file("downloads/datapackage.json", _datapackage(config, export_date))
    site.add_file("register/feed.xml", _feed(entries, config, export_date))
