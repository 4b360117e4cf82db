"""Real council exports (issue 20): a notices-only register archive built end to end
through the command line with a mapping only, and each step that makes it work.

The archive comes from `sample --profile register-archive`, which labels every row it
writes (a notice, an appeal decision, another authority's notice...). The expected
outcome of each row is worked out here from those labels, never by the build.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import REPO, run_cli
from generator.dev.archive import APPEAL, COLUMNS, NOTICE, ArchiveSummary, write_archive

EXAMPLE = REPO / "docs" / "examples" / "register-archive"
TODAY = "2026-12-05"
ROWS = 300


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _text(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


class Archive:
    def __init__(self, root: Path, summary: ArchiveSummary):
        self.root = root
        self.summary = summary
        self.site = root / "site"
        self.reports = root / "reports"

    def rows(self, *kinds: str) -> list:
        return [r for r in self.summary.rows if r.kind in kinds]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """A council folder made by `init`, given the worked example's configuration and
    mapping and an archive export, built with no arguments but the configuration."""
    root = tmp_path_factory.mktemp("archive") / "council"
    made = run_cli("init", root)
    assert made.exit_code == 0, made.output
    shutil.rmtree(root / "data" / "export")
    shutil.copy(EXAMPLE / "enforcement-site.yml", root / "enforcement-site.yml")
    shutil.copy(EXAMPLE / "data" / "mapping.yml", root / "data" / "mapping.yml")
    sample = run_cli("sample", "--profile", "register-archive", "--rows", str(ROWS),
                     "--out", root / "data" / "export")
    assert sample.exit_code == 0, sample.output
    summary = write_archive(root / "data" / "export", rows=ROWS)  # same seed, same bytes
    built = run_cli("build", "--config", root / "enforcement-site.yml", "--today", TODAY)
    assert built.exit_code == 0, built.output
    return Archive(root, summary)


def test_every_row_is_accounted_for(archive: Archive):
    kinds = archive.summary.counts()
    expected = {
        "read": ROWS,
        "published": kinds["notice"] + kinds["initials"] + kinds["missing-reference"]
        + kinds["multi-address"],
        "merged": kinds["identical"] + kinds["appeal-same-reference"],
        "withheld": kinds["other-authority"] + kinds["appeal-app-reference"],
        "rejected": 0, "counted": 0}
    (row,) = _csv(archive.reports / "reconciliation.csv")
    assert row["file"] == "register.csv"
    assert {k: int(v) for k, v in row.items() if k != "file"} == expected


def test_withheld_rows_are_listed_row_by_row(archive: Archive):
    withheld = {int(r["row"]): r for r in _csv(archive.reports / "withheld.csv")}
    other = archive.rows("other-authority")
    orphans = archive.rows("appeal-app-reference")
    assert set(withheld) == {r.row for r in other + orphans}
    for r in other:
        assert withheld[r.row]["reference"] == r.reference
        assert withheld[r.row]["why"] == "South Downs National Park Authority's notice"
    for r in orphans:
        assert withheld[r.row]["why"] == "appeal decision with no notice"


def test_no_other_authority_or_appeal_reference_is_a_register_reference(archive: Archive):
    published = [r["reference"] for r in _csv(archive.site / "downloads" / "register.csv")]
    assert not [r for r in published if r.startswith(("SDNP/", "APP/"))]
    assert len(published) == len(set(published))


def test_an_appeal_decision_fills_in_its_notices_appeal(archive: Archive):
    register = _csv(archive.site / "downloads" / "register.csv")
    for appeal in archive.rows("appeal-same-reference"):
        decided = dt.datetime.strptime(appeal.cells[COLUMNS.index("Date")],
                                       "%d/%m/%Y").date().isoformat()
        notices = [r for r in register if r["reference"] == appeal.reference
                   or r["reference"].startswith(appeal.reference + " (")]
        assert decided in [r["appeal-decision-date"] for r in notices], appeal


def test_repeated_references_are_kept_with_a_stable_suffix(archive: Archive):
    published = Counter(r["reference"].split(" (")[0]
                        for r in _csv(archive.site / "downloads" / "register.csv"))
    initials = Counter(r.reference for r in archive.rows("initials"))
    for reference, count in initials.items():
        assert published[reference] == count
    multi = Counter(r.reference for r in archive.rows("multi-address"))
    for reference, extra in multi.items():
        assert published[reference] == 1 + extra


def test_missing_references_get_a_generated_reference_said_on_the_page(archive: Archive):
    register = _csv(archive.site / "downloads" / "register.csv")
    generated = [r for r in register if r["reference"].startswith("UNREF-")]
    assert len(generated) == len(archive.rows("missing-reference"))
    page = archive.site / "register" / "entries" / generated[0]["reference"].lower()
    assert "This site gave it the reference shown" in _text(page / "index.html")


def test_what_the_export_does_not_hold_is_not_recorded_never_invented(archive: Archive):
    entries = list((archive.site / "register" / "entries").glob("*/index.html"))
    assert len(entries) > ROWS // 2
    for page in entries[:60]:
        text = _text(page)
        assert "No appeal made" not in text and "Not yet" not in text, page
        assert "Date of service Not recorded" in text
        assert "Date the council was satisfied the steps were taken Not recorded" in text
    index = _text(archive.site / "register" / "address" / "index.html")
    assert "Date served" not in index


def test_a_register_only_site_says_nothing_about_cases(archive: Archive):
    site = archive.site
    assert not (site / "statistics").exists()
    assert not (site / "maps" / "cases").exists()
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "statistics/" not in html, page
        assert "maps/cases/" not in html, page
    home = _text(site / "index.html")
    assert "cases we are looking into" not in home
    assert "reports received" not in home


def test_the_stale_export_date_is_said(archive: Archive):
    home = _text(archive.site / "index.html")
    assert "Register updated on" not in home
    assert "may not be up to date" in home
    issues = _csv(archive.reports / "issues.csv")
    assert [i["kind"] for i in issues].count("export-stale") == 1


def test_the_map_says_how_many_entries_it_cannot_show_and_lists_them(archive: Archive):
    register = _csv(archive.site / "downloads" / "register.csv")
    missing = [r for r in register if not r["point"]]
    text = _text(archive.site / "maps" / "register" / "index.html")
    if missing:
        assert f"{len(missing)} of the {len(register)} register entries" in text
        listed = _text(archive.site / "register" / "not-on-map" / "index.html")
        for r in missing:
            assert r["reference"] in listed
    methods = Counter(r["point-method"] for r in register if r["point"])
    assert set(methods) <= {"coordinates", "uprn", "address", "postcode"}
    assert methods["coordinates"] and methods["uprn"] and methods["address"]
    assert not [r for r in register if r["point"] and not r["point-method"]]


def test_late_entries_are_not_reported_without_entry_dates(archive: Archive):
    assert not (archive.reports / "late-entries.csv").exists()


# --- each step on its own, through `validate` on a small hand-written export ----------


HEADER = ["Ref", "Type", "Date", "Address", "Postcode", "UPRN", "Easting", "Northing",
          "Scan", "Authority", "Notice"]


def _project(root: Path, rows: list[list[str]], **mapping: object) -> Path:
    """A notices-only project around `rows` (HEADER's columns); `mapping` overrides."""
    export = root / "export"
    export.mkdir(parents=True)
    shutil.copy(REPO / "data" / "export" / "wards.geojson", export / "wards.geojson")
    with (export / "register.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    spec: dict[str, object] = {
        "export_date": "2026-09-30", "date_formats": ["%d/%m/%Y"], "coordinates": "bng",
        "files": {"notices": {"path": "register.csv", "columns": {
            "reference": "Ref", "notice_type": "Type", "issued": "Date",
            "address": "Address", "postcode": "Postcode", "uprn": "UPRN",
            "easting": "Easting", "northing": "Northing"},
            "codes": {"notice_type": {NOTICE: "enforcement-notice"}}}}}
    spec.update(mapping)
    (root / "mapping.yml").write_text(yaml.safe_dump(spec), encoding="utf-8")
    config = yaml.safe_load((REPO / "enforcement-site.yml").read_text(encoding="utf-8"))
    config["data"].update({"export_dir": "export", "mapping": "mapping.yml",
                           "wards": "export/wards.geojson"})
    config["council"].pop("logo", None)
    (root / "enforcement-site.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return root


def _validate(root: Path) -> tuple[dict[str, int], list[dict[str, str]]]:
    result = run_cli("validate", "--config", root / "enforcement-site.yml", "--today",
                     "2026-10-01")
    assert result.exit_code in (0, 1), result.output
    (row,) = _csv(root / "reports" / "reconciliation.csv")
    return ({k: int(v) for k, v in row.items() if k != "file"},
            _csv(root / "reports" / "issues.csv"))


def _row(ref: str, date: str = "01/02/2003", address: str = "1 HIGH STREET, NORTHBROOK",
         kind: str = NOTICE, **cells: str) -> list[str]:
    values = dict.fromkeys(HEADER, "")
    values.update({"Ref": ref, "Type": kind, "Date": date, "Address": address,
                   "Easting": "436500", "Northing": "297500", **cells})
    return [values[h] for h in HEADER]


def test_rows_identical_in_every_mapped_column_are_merged(tmp_path: Path):
    root = _project(tmp_path, [_row("EN/1", Scan="a.pdf"), _row("EN/1", Scan="b.pdf")])
    counts, issues = _validate(root)
    assert (counts["published"], counts["merged"], counts["rejected"]) == (1, 1, 0)
    assert [i["kind"] for i in issues] == ["duplicate-row"]


@pytest.mark.parametrize(("references", "published", "rejected"), [
    ({}, 1, 1),  # by default a reference names one record: the second is rejected
    ({"repeated": "suffix"}, 2, 0),
    ({"record_key": ["reference", "issued", "address"], "repeated": "suffix"}, 2, 0),
])
def test_a_reference_on_two_different_notices(tmp_path: Path, references: dict,
                                              published: int, rejected: int):
    rows = [_row("JS", address="2 MILL LANE, NORTHBROOK"),
            _row("JS", date="05/06/1999", address="9 MILL LANE, NORTHBROOK")]
    root = _project(tmp_path, rows, references=references)
    counts, _ = _validate(root)
    assert (counts["published"], counts["rejected"]) == (published, rejected)


def test_the_suffix_does_not_depend_on_the_rows_order(tmp_path: Path):
    from generator.config.mapping import load_mapping
    from generator.core.ledger import Ledger
    from generator.core.problems import Problems
    from generator.ingest.export import ingest

    rows = [_row("JS", address="2 MILL LANE"), _row("JS", date="05/06/1999"),
            _row("JS", date="07/08/1970", address="5 ABBEY ROAD")]
    found = []
    for order in (rows, rows[::-1]):
        root = _project(tmp_path / str(len(found)), order, references={"repeated": "suffix"})
        data = ingest(root / "export", load_mapping(root / "mapping.yml"), Problems(),
                      Ledger(), dt.date(2026, 10, 1))
        found.append(sorted((n.reference, n.location.address) for n in data.notices))
    assert found[0] == found[1]
    assert found[0][0] == ("JS", "5 ABBEY ROAD")  # the earliest keeps the bare reference


@pytest.mark.parametrize(("missing", "published", "rejected"), [
    ("reject", 1, 2), ("generate", 3, 0)])
def test_missing_references(tmp_path: Path, missing: str, published: int, rejected: int):
    rows = [_row("EN/1"), _row("N/A", address="3 MILL LANE"), _row("", address="4 MILL LANE")]
    root = _project(tmp_path, rows, references={"missing": missing})
    counts, issues = _validate(root)
    assert (counts["published"], counts["rejected"]) == (published, rejected)
    if missing == "generate":
        assert Counter(i["kind"] for i in issues)["generated-reference"] == 2


@pytest.mark.parametrize(("rule", "withheld"), [
    ({"columns": ["Ref"], "pattern": "^SDNP/"}, {3}),
    ({"columns": ["Ref", "Authority"], "pattern": "^(SDNP/|NPA$)"}, {3, 4}),
    # A column only some files have is fine; one no file has is an error.
    ({"columns": ["Authority"], "pattern": "NPA"}, {4}),
])
def test_exclude_by_pattern_over_columns(tmp_path: Path, rule: dict, withheld: set[int]):
    rows = [_row("EN/1"), _row("SDNP/19/0001/ENF", address="3 MILL LANE"),
            _row("EN/3", address="4 MILL LANE", Authority="NPA")]
    root = _project(tmp_path, rows, exclude=[{**rule, "reason": "the park's"}])
    counts, _ = _validate(root)
    assert counts["withheld"] == len(withheld)
    listed = _csv(root / "reports" / "withheld.csv")
    assert {int(r["row"]) for r in listed} == withheld
    assert {r["why"] for r in listed} == {"the park's"}


def test_an_exclusion_no_file_can_apply_rejects_everything(tmp_path: Path):
    root = _project(tmp_path, [_row("EN/1")],
                    exclude=[{"columns": ["Council"], "pattern": "NPA"}])
    counts, issues = _validate(root)
    assert counts["rejected"] == 1
    assert [i["kind"] for i in issues] == ["column-missing"]


@pytest.mark.parametrize(("appeals", "kinds", "merged", "withheld"), [
    # the decision under its notice's reference attaches; the APP/ one has no notice
    ({"notice_types": [APPEAL], "reference_pattern": "^APP/"}, ["orphan-appeal"], 1, 1),
    # with the column naming the notice, the APP/ one attaches too
    ({"notice_types": [APPEAL], "reference_pattern": "^APP/", "notice_column": "Notice"},
     [], 2, 0),
])
def test_appeal_decisions_attach_to_their_notices(tmp_path: Path, appeals: dict,
                                                  kinds: list[str], merged: int,
                                                  withheld: int):
    rows = [_row("EN/1"), _row("EN/2", address="2 MILL LANE"),
            _row("EN/1", date="03/04/2004", kind=APPEAL),
            _row("APP/X1234/C/04/1234567", date="05/06/2004", kind=APPEAL, Notice="EN/2")]
    root = _project(tmp_path, rows, appeals=appeals)
    counts, issues = _validate(root)
    assert (counts["published"], counts["merged"], counts["withheld"]) == (2, merged,
                                                                           withheld)
    assert [i["kind"] for i in issues] == kinds


def test_an_appeals_file_of_its_own(tmp_path: Path):
    from generator.config.mapping import load_mapping
    from generator.core.ledger import Ledger
    from generator.core.problems import Problems
    from generator.ingest.export import ingest

    root = _project(tmp_path, [_row("EN/1")])
    (root / "export" / "appeals.csv").write_text(
        "Appeal,Notice,Decided,Outcome\nAPP/X1/C/04/1,EN/1,03/04/2004,DISMISSED\n"
        "APP/X1/C/04/2,EN/9,03/04/2004,ALLOWED\n"
        ",EN/9,04/04/2004,ALLOWED\n,EN/8,04/04/2004,ALLOWED\n", encoding="utf-8")
    mapping = yaml.safe_load((root / "mapping.yml").read_text())
    mapping["files"]["appeals"] = {"path": "appeals.csv", "columns": {
        "reference": "Appeal", "notice_reference": "Notice", "appeal_decided": "Decided",
        "appeal_outcome": "Outcome"}}
    (root / "mapping.yml").write_text(yaml.safe_dump(mapping))
    problems, ledger = Problems(), Ledger()
    data = ingest(root / "export", load_mapping(root / "mapping.yml"), problems, ledger,
                  dt.date(2026, 10, 1))
    (notice,) = data.notices
    assert (notice.appeal_reference, notice.appeal_decided, notice.appeal_outcome) == (
        "APP/X1/C/04/1", dt.date(2004, 4, 3), "dismissed")
    # an appeal's own reference is optional: two without one are two appeals
    assert [p.kind for p in problems] == ["orphan-appeal"] * 3
    assert ledger.summary()["appeals.csv"]["merged"] == 1
    assert ledger.summary()["appeals.csv"]["withheld"] == 3


def test_not_recorded_follows_what_is_mapped():
    from generator.core.model import NoticeType
    from generator.privacy.anonymise import PublicNotice
    from generator.site.register import Entry, date_label, prescribed_fields

    class Council:
        name = "A council"

    class Config:
        council = Council()

    notice = PublicNotice("EN/1", NoticeType.ENFORCEMENT_NOTICE, True, "Issued",
                          issued=dt.date(1952, 3, 4))
    entry = Entry(notice, "en-1")
    cases = [(frozenset({"issued"}), "Not recorded", "Not recorded", "Date issued"),
             (frozenset({"issued", "served", "appeal_lodged", "complied"}),
              "No appeal made", "Not yet", "Date served")]
    for recorded, appeal, complied, label in cases:
        fields = dict(prescribed_fields(entry, Config(), {}, {}, recorded))  # type: ignore[arg-type]
        assert fields["Appeal"] == appeal
        assert fields["Date the council was satisfied the steps were taken"] == complied
        assert date_label(recorded) == label


# --- locating, one step at a time ------------------------------------------------------


NOWHERE = {"Easting": "", "Northing": ""}


def _locating(tmp_path: Path, rows: list[list[str]]) -> list:
    from generator.config.mapping import load_mapping
    from generator.core.ledger import Ledger
    from generator.core.problems import Problems
    from generator.ingest.export import ingest
    from generator.ingest.geo import load_wards
    from generator.ingest.locate import locate

    root = _project(tmp_path, rows, locate={
        "gazetteer": "export/gazetteer.csv",
        "gazetteer_columns": {"uprn": "UPRN", "address": "ADDRESS",
                              "easting": "X", "northing": "Y"},
        "address_match_threshold": 90,
        "postcodes": "export/postcodes.csv",
        "postcode_columns": {"postcode": "pcds", "latitude": "lat", "longitude": "long"}})
    (root / "export" / "gazetteer.csv").write_text(
        "UPRN,ADDRESS,X,Y\n100001,\"12 MILL LANE, NORTHBROOK NB1 1AA\",436000,297000\n"
        "100002,\"7 CASTLE PLACE, NORTHBROOK\",437000,298000\n", encoding="utf-8")
    (root / "export" / "postcodes.csv").write_text(
        "pcds,lat,long\nNB2 2BB,52.55,-1.48\n", encoding="utf-8")
    mapping = load_mapping(root / "mapping.yml")
    problems = Problems()
    data = ingest(root / "export", mapping, problems, Ledger(), dt.date(2026, 10, 1))
    wards = load_wards(root / "export" / "wards.geojson", "code", "name", None)
    located = locate(data, mapping, wards, problems, root)
    return sorted(located.notices, key=lambda n: n.source.row) + [located]


@pytest.mark.parametrize(("cells", "how"), [
    ({"Easting": "436500", "Northing": "297500", "UPRN": "100001"}, "coordinates"),
    ({"UPRN": "100001"}, "uprn"),
    ({"Address": "12 Mill Lane, Northbrook"}, "address"),  # in other capitals
    ({"Address": "12 MILL LNAE, NORTHBROOK"}, "address"),  # a typo, still close
    ({"Address": "3 ELSEWHERE ROAD, NB2 2BB"}, "postcode"),  # found in the address
    ({"Address": "3 ELSEWHERE ROAD", "Postcode": "nb2 2bb"}, "postcode"),
    ({"Address": "3 ELSEWHERE ROAD"}, ""),  # not located
])
def test_each_locating_step(tmp_path: Path, cells: dict[str, str], how: str):
    notice, *_ = _locating(tmp_path, [_row("EN/1", **{**NOWHERE, **cells})])
    assert notice.location.located_by == how
    assert notice.location.has_point == bool(how)


def test_a_weak_address_match_is_listed_not_used(tmp_path: Path):
    notice, located = _locating(tmp_path, [_row("EN/1", address="12 MILL LANE, NORTHBRIDGE",
                                                **NOWHERE)])
    assert notice.location.located_by == ""
    (match,) = located.address_matches
    assert (match.used, match.uprn, match.note) == (False, "100001", "")


def test_an_address_with_another_house_number_is_never_matched(tmp_path: Path):
    notice, located = _locating(tmp_path, [_row("EN/1", address="14 MILL LANE, NORTHBROOK",
                                                **NOWHERE)])
    assert notice.location.located_by == ""
    (match,) = located.address_matches
    assert match.score >= 90  # alike enough to be used, but another house
    assert (match.used, match.note) == (False, "the numbers differ")


def test_a_cases_only_export_builds_statistics_and_an_empty_register_that_says_so(
        tmp_path: Path):
    from conftest import make_project
    from generator.dev.sample import write_sample

    write_sample(tmp_path / "export", cases=300, notices=0)
    project = make_project(tmp_path / "p", tmp_path / "export")
    project.edit_mapping(lambda m: m["files"].pop("notices"))
    result = project.build("--today", "2026-10-01")
    assert result.exit_code == 0, result.output
    assert (project.site / "statistics" / "index.html").exists()
    assert (project.site / "maps" / "cases" / "index.html").exists()
    register = _text(project.site / "register" / "index.html")
    assert "Our export holds no notices, so the register below has no entries" in register
    (row,) = _csv(project.reports / "reconciliation.csv")
    assert row["file"] == "cases.csv" and int(row["counted"]) > 0


def test_the_build_summary_groups_problems_by_kind_with_counts_and_first_rows():
    from generator.core.problems import Problems

    problems = Problems()
    for row in range(2, 197):
        problems.error("register.csv", row, "Document Type",
                       "Planning Enforcement Appeal Decision", "unknown-code",
                       "'Planning Enforcement Appeal Decision' is not a known notice type")
    for row in (7, 9):
        problems.error("register.csv", row, "Document Type", "Notice", "unknown-code",
                       "'Notice' is not a known notice type")
    problems.warning("register.csv", 3, "Address", "", "not-located", "no point")
    problems.error("register.csv", 4, "Date", "31/02/1999", "bad-date", "not a date")
    lines = problems.grouped(rows_shown=3).splitlines()
    assert lines == [
        "ERROR   195 rows [unknown-code] register.csv, column 'Document Type': 'Planning "
        "Enforcement Appeal Decision' is not a known notice type (rows 2, 3, 4, ...)",
        "ERROR   2 rows [unknown-code] register.csv, column 'Document Type': 'Notice' is "
        "not a known notice type (rows 7, 9)",
        "ERROR   1 row [bad-date] register.csv, column 'Date': not a date (rows 4)",
        "WARNING 1 row [not-located] register.csv, column 'Address': no point (rows 3)"]


@pytest.mark.parametrize(("stale_after_days", "stale"), [(None, True), (10_000, False)])
def test_an_old_latest_export_date_is_a_warning(tmp_path: Path, stale_after_days: int | None,
                                                stale: bool):
    mapping: dict[str, object] = {"export_date": "latest"}
    if stale_after_days:
        mapping["stale_after_days"] = stale_after_days
    root = _project(tmp_path, [_row("EN/1", date="16/01/2019")], **mapping)
    _, issues = _validate(root)
    assert ([i["kind"] for i in issues] == ["export-stale"]) is stale


def test_the_archive_is_the_same_bytes_for_the_same_seed(tmp_path: Path):
    first = write_archive(tmp_path / "a", seed=3, rows=120)
    second = write_archive(tmp_path / "b", seed=3, rows=120)
    for a, b in zip(first.files, second.files, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    kinds = first.counts()
    assert kinds["appeal-app-reference"] and kinds["other-authority"] and kinds["initials"]
    assert sum(kinds.values()) == 120


@pytest.mark.parametrize(("template", "values", "linked"), [
    ("https://p.example/property?uprn={uprn}", {"uprn": "100001"}, True),
    ("https://p.example/property?uprn={uprn}", {"postcode": "NB1 1AA"}, False),
    ("https://p.example/find?pc={postcode}&ref={reference}", {"postcode": "NB1 1AA"}, True),
])
def test_a_property_history_link_only_when_its_fields_are_there(template: str,
                                                                values: dict[str, str],
                                                                linked: bool):
    from types import SimpleNamespace

    from generator.core.model import NoticeType
    from generator.privacy.anonymise import PublicNotice
    from generator.site.register import _links

    notice = PublicNotice("EN/1", NoticeType.ENFORCEMENT_NOTICE, True, "Issued", **values)
    config = SimpleNamespace(register=SimpleNamespace(property_history_url=template,
                                                      application_url=""))
    labels = [label for label, _ in _links(notice, config)]  # type: ignore[arg-type]
    assert ("Planning history of this property" in labels) is linked


@pytest.mark.parametrize(("gazetteer", "message"), [
    (None, "'locate.gazetteer': cannot read"),
    ("ID,X,Y\n1,436000,297000\n", "has no column 'UPRN'"),
])
def test_a_gazetteer_that_cannot_be_used_is_a_clear_configuration_error(
        tmp_path: Path, gazetteer: str | None, message: str):
    root = _project(tmp_path, [_row("EN/1", **NOWHERE)], locate={
        "gazetteer": "export/gazetteer.csv",
        "gazetteer_columns": {"uprn": "UPRN", "easting": "X", "northing": "Y"}})
    if gazetteer is not None:
        (root / "export" / "gazetteer.csv").write_text(gazetteer, encoding="utf-8")
    result = run_cli("validate", "--config", root / "enforcement-site.yml")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_a_folder_with_only_a_configuration_and_a_mapping_builds(tmp_path: Path):
    """No mkdocs.yml, site_src/ or theme/ beside the configuration: the tool's own are
    used, and the site and reports are still written beside the configuration."""
    root = tmp_path / "council"
    (root / "data").mkdir(parents=True)
    shutil.copy(EXAMPLE / "enforcement-site.yml", root / "enforcement-site.yml")
    shutil.copy(EXAMPLE / "data" / "mapping.yml", root / "data" / "mapping.yml")
    write_archive(root / "data" / "export", rows=60)
    result = run_cli("build", "--config", root / "enforcement-site.yml", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "using the tool's own pages and theme" in result.stdout
    assert (root / "site" / "register" / "index.html").exists()
    assert (root / "reports" / "reconciliation.csv").exists()
    # (the published site's folders, .site.builds and .site.lock, are beside it too)
    assert {p.name for p in root.iterdir() if not p.name.startswith(".site")} == {
        "data", "enforcement-site.yml", "reports", "site"}


def test_the_menu_leaves_out_generated_pages_this_build_did_not_make():
    from generator.render.plugin import without_missing_pages
    from generator.site.common import GeneratedSite

    site = GeneratedSite()
    site.add_page("register/index.md", "Register", "")
    site.add_page("maps/register.md", "Map", "")
    nav = [{"Home": "index.md"},
           {"Enforcement register": [{"The register": "register/index.md"},
                                     {"Register map": "maps/register.md"}]},
           {"Our performance": [{"Statistics": "statistics/index.md"},
                                {"Cases by ward map": "maps/cases.md"}]},
           {"About": [{"Charter": "charter.md"}]}]
    assert without_missing_pages(nav, site) == [
        {"Home": "index.md"},
        {"Enforcement register": [{"The register": "register/index.md"},
                                  {"Register map": "maps/register.md"}]},
        {"About": [{"Charter": "charter.md"}]}]


@pytest.mark.parametrize(("published", "kept", "gone"), [
    (True, "[our statistics](statistics/index.md)", "We report to councillors"),
    (False, "We report to councillors", "statistics/index.md"),
])
def test_content_checks_see_only_what_the_page_shows_on_the_editors_lines(
        published: bool, kept: str, gone: str):
    from generator.render.page_templates import without_false_blocks

    page = ("# Title\n\n{% if cases_published %}\nSee [our statistics](statistics/index.md).\n"
            "{% else %}\nWe report to councillors.\n{% endif %}\n\nLast line.\n")
    checked = without_false_blocks(page, {"cases_published": published})
    assert kept in checked and gone not in checked
    assert checked.splitlines()[-1] == "Last line."
    assert checked.count("\n") == page.count("\n")
