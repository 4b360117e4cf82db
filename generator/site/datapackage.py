"""Stage: the Frictionless data package (downloads/datapackage.json) describing every
download: the register and the other notices (CSV, JSON and GeoJSON) and each
statistics table, with their schemas, the licence, the sources and the update schedule.

`frictionless validate site/downloads/datapackage.json` checks every file against it
(tests/test_opendata.py does, on a built site).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from generator.config.schema import Config
from generator.privacy.anonymise import PublicData
from generator.site.common import GeneratedSite
from generator.site.opendata import (
    FILE_DESCRIPTIONS,
    FILE_TITLES,
    LICENCE,
    LICENCE_URL,
    OTHER_NOTICES,
    REGISTER,
    SPREADSHEET_SAFETY,
    schema,
)
from generator.site.statistics import HIDDEN, MISSING, NOT_APPLICABLE, columns
from generator.stats.tables import Statistics, Table

PATH = "downloads/datapackage.json"
LICENCES = [{"name": "OGL-UK-3.0", "path": LICENCE_URL,
             "title": "Open Government Licence v3.0"}]
# What a statistics cell holds instead of a number; said in each table's description.
MISSING_MEANING = (f"'{HIDDEN}' is a count hidden to protect the people involved (a "
                   "small count about cases that are not on the register, or a figure "
                   f"that would let you work one out); '{NOT_APPLICABLE}' means there was "
                   "nothing to measure. Both load as missing values.")
_UNITS = {"count": "a number of cases or notices", "percent": "a percentage, 0 to 100",
          "working days": "working days (Monday to Friday, not bank holidays)",
          "weeks": "weeks", "days": "calendar days", "months": "months"}


def _notice_resources(name: str, count: int) -> list[dict[str, Any]]:
    title, about = FILE_TITLES[name], FILE_DESCRIPTIONS[name]
    as_table: dict[str, Any] = {
        "profile": "tabular-data-resource",
        "dialect": {"json": {"property": "entries", "keyed": True}}, "schema": schema(name)}
    if not count:  # Frictionless cannot read a table from an empty list of records
        as_table = {}
    return [
        {"name": name, "title": f"{title} (CSV)", "path": f"{name}.csv",
         "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
         "encoding": "utf-8", "description": f"{about} One row for each notice. "
         + SPREADSHEET_SAFETY, "schema": schema(name)},
        {"name": f"{name}-json", "title": f"{title} (JSON)", "path": f"{name}.json",
         "format": "json", "mediatype": "application/json", "encoding": "utf-8",
         "description": f"{about} The same records as {name}.csv, every value exactly as "
         "published, in the list 'entries', with the same fields." + (
             "" if count else " There are none at present."), **as_table},
        {"name": f"{name}-geojson", "title": f"{title} (GeoJSON)",
         "path": f"{name}.geojson", "format": "geojson",
         "mediatype": "application/geo+json", "encoding": "utf-8",
         "description": f"{about} A GeoJSON FeatureCollection (WGS84): one feature for "
         f"each notice, a Point where the location is recorded (no geometry where it is "
         f"not), its properties the columns of {name}.csv."},
    ]


def _statistics_resource(table: Table) -> dict[str, Any]:
    fields = []
    for column in columns(table):
        field: dict[str, Any] = {"name": column.name, "type": column.type}
        if column.type == "boolean":
            field.update(trueValues=["Yes"], falseValues=["No"],
                         description="Yes or No")
        elif column.unit:
            field["description"] = f"Unit: {_UNITS.get(column.unit, column.unit)}"
        elif column.type == "string":
            field["description"] = "Text"
        else:
            field["description"] = "A number"
        fields.append(field)
    if fields:
        fields[0]["description"] = "What the row counts"
    return {"name": f"statistics-{table.slug}", "title": table.title,
            "path": f"statistics/{table.slug}.csv", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "description": f"{table.summary} {MISSING_MEANING} {SPREADSHEET_SAFETY}",
            "schema": {"fields": fields, "missingValues": list(MISSING)}}


def datapackage(config: Config, stats: Statistics, export_date: dt.date,
                counts: dict[str, int]) -> str:
    """`counts`: how many notices each of the register and other notices files hold."""
    council = config.council
    schedule = config.site.update_schedule
    base = config.site.url
    package: dict[str, Any] = {
        "profile": "data-package",
        "name": "planning-enforcement",
        "title": f"{council.name}: planning enforcement register and statistics",
        "description": (
            "The statutory planning enforcement register (s.188 Town and Country "
            "Planning Act 1990), the enforcement notices published that are not on it, "
            "and statistics about planning enforcement cases. Names and contact details "
            "are never included; cases that did not lead to a published notice appear "
            f"only as counts. Updated {schedule}, with the data up to "
            f"{export_date.isoformat()}. " + LICENCE),
        "keywords": ["planning", "planning enforcement", "enforcement register",
                     "enforcement notice", "open data"],
        "licenses": LICENCES,
        "sources": [{"title": f"{council.name}: planning enforcement case and notice "
                     "records (back-office system), exported " + export_date.isoformat()}],
        "contributors": [{"title": council.name, "role": "publisher",
                          **({"email": council.email} if council.email else {}),
                          **({"path": council.website} if council.website.startswith(
                              ("https://", "http://")) else {})}],
        "created": f"{export_date.isoformat()}T00:00:00Z",
        "update-schedule": schedule,
        **({"homepage": f"{base}open-data/"} if base else {}),
        "resources": [*_notice_resources(REGISTER, counts[REGISTER]),
                      *_notice_resources(OTHER_NOTICES, counts[OTHER_NOTICES]),
                      *(_statistics_resource(t) for t in stats.tables)],
    }
    if council.organisation:
        package["organisation"] = council.organisation
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def write_datapackage(site: GeneratedSite, config: Config, stats: Statistics,
                      public: PublicData) -> None:
    counts = {REGISTER: len(public.register), OTHER_NOTICES: len(public.other_notices)}
    site.add_file(PATH, datapackage(config, stats, public.export_date, counts))
