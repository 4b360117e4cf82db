"""The case tracker ("Track your report", docs/tracker.md): codes and file names from a
known key, what a file says for each kind of case, padding, no files without the key,
the key's sources, and the leak scan over track/. The page itself, in Chromium, is in
test_browser.py."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import hashlib
import hmac
import json
import re
import stat

import pytest

from conftest import REPO, TRACKER_KEY, Project, make_project, read_rows, run_cli
from generator.app.tracker_key import ENVIRONMENT_VARIABLE, load_tracker_key
from generator.config.schema import Charter, PriorityTarget, Tracker
from generator.core.errors import UsageError
from generator.core.model import Case as _Case
from generator.core.model import (
    CaseStage,
    CaseStatus,
    ClosureReason,
    NoticeType,
    Priority,
    Source,
)
from generator.core.model import Notice as _Notice
from generator.core.problems import Problems
from generator.core.sensitive import Sensitive
from generator.ingest.export import Dataset
from generator.privacy.tracker_codes import TrackerKey, file_name, typed_code, typed_reference
from generator.site import tracker
from generator.site.common import GeneratedSite
from generator.site.content_checks import tracker_wording

KEY = b"northbrook-test-key-0123456789abcdef"
OURS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def expected_code(key: bytes, letters_and_digits: str) -> str:
    """The access code worked out here, with the standard library's base 32 and its
    alphabet swapped for ours: the first 60 bits of the HMAC, in 12 symbols."""
    digest = hmac.new(key, b"enforcement-site tracker access code v1\n"
                      + letters_and_digits.encode(), hashlib.sha256).digest()
    symbols = base64.b32encode(digest).decode()[:12].translate(str.maketrans(RFC4648, OURS))
    return f"{symbols[:4]}-{symbols[4:8]}-{symbols[8:]}"


def expected_name(letters_and_digits: str, code: str) -> str:
    text = f"enforcement-site tracker file v1\n{letters_and_digits}\n{code.replace('-', '')}"
    return hashlib.sha256(text.encode()).hexdigest()


# ---- Codes and names -----------------------------------------------------------------


def test_a_known_key_and_case_give_the_expected_code_and_file_name():
    key = TrackerKey(KEY)
    code = key.access_code("ENF/2024/0012")
    assert code == expected_code(KEY, "ENF20240012")
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code)
    assert file_name("ENF/2024/0012", code) == expected_name("ENF20240012", code)
    # The same case however it is typed; another case or another key, another code.
    assert key.access_code(" enf-2024-0012 ") == code
    assert file_name("enf 2024 0012", code.lower().replace("-", " ")) == \
        expected_name("ENF20240012", code)
    assert key.access_code("ENF/2024/0013") != code
    assert TrackerKey(KEY + b"!").access_code("ENF/2024/0012") != code


def test_the_code_alphabet_has_32_symbols_and_none_that_look_alike():
    assert len(set(OURS)) == 32
    assert not set(OURS) & set("01IO")


def test_the_key_is_never_shown():
    key = TrackerKey(KEY)
    assert KEY.decode() not in repr(key) and KEY.decode() not in str(key)
    with pytest.raises(ValueError):
        TrackerKey(b"short")


@pytest.mark.parametrize("typed, expected", [
    ("ENF/2024/0012", "ENF20240012"),
    ("enf 2024 0012", "ENF20240012"),
    ("  23/00456/ENF\t", "2300456ENF"),
    ("ＥＮＦ／２０２４", "ENF2024"),  # full-width, as a phone keyboard may type
    ("", ""),
])
def test_references_are_compared_as_letters_and_digits(typed, expected):
    assert typed_reference(typed) == expected


@pytest.mark.parametrize("typed, expected", [
    ("K7QM-3XHP-9TDA", "K7QM3XHP9TDA"),
    ("k7qm 3xhp 9tda", "K7QM3XHP9TDA"),
    ("K7QM–3XHP–9TDA", "K7QM3XHP9TDA"),  # en dashes, from a word processor
    ("K7QM-3XHP-9TD", ""),  # too short
    ("K7QM-3XHP-9TD0", ""),  # a zero is never in a code
    ("K7QM-3XHP-9TDO", ""),
    ("", ""),
])
def test_codes_are_read_without_spaces_dashes_or_case(typed, expected):
    assert typed_code(typed) == expected


# ---- What a file says ----------------------------------------------------------------

CHARTER = Charter(acknowledge_working_days=3, resolve_weeks=13, priorities=[
    PriorityTarget(code="high", label="High", first_visit_working_days=1),
    PriorityTarget(code="medium", label="Medium", first_visit_working_days=10)])
D = dt.date.fromisoformat


def case(reference="ENF/2026/0001", received="2026-09-04", status=CaseStatus.OPEN,
         **more) -> _Case:
    dates = {k: D(v) for k, v in more.items() if k in ("logged", "first_visit", "closed")}
    rest = {k: v for k, v in more.items() if k not in dates}
    return _Case(reference, Source("cases.csv", 2), D(received), status, **dates, **rest)


def notice(notice_type, served=None, issued=None, withdrawn=None) -> _Notice:
    return _Notice("N/1", Source("notices.csv", 2), notice_type, "ENF/2026/0001",
                   served=served and D(served), issued=issued and D(issued),
                   withdrawn=withdrawn and D(withdrawn))


R, A, V = "received", "acknowledged", "visited"
INV, F, N, C = "investigating", "formal-action-considered", "notice-served", "closed"
ENF, PCN, BCN = (NoticeType.ENFORCEMENT_NOTICE, NoticeType.PLANNING_CONTRAVENTION_NOTICE,
                 NoticeType.BREACH_OF_CONDITION_NOTICE)

# (case, its notices, the export date) -> (stages reached, outcome, next, target, on time)
PROGRESS = [
    pytest.param(case(), [], "2026-09-08",
                 [(R, "2026-09-04")], None, A, "2026-09-09", True,
                 id="received on a Friday: acknowledge by the Wednesday"),
    pytest.param(case(), [], "2026-09-10",
                 [(R, "2026-09-04")], None, A, "2026-09-09", False, id="acknowledgement late"),
    pytest.param(case(received="2026-08-28"), [], "2026-09-03",
                 [(R, "2026-08-28")], None, A, "2026-09-03", True,
                 id="the bank holiday Monday is not a working day"),
    pytest.param(case(logged="2026-09-07", priority=Priority.HIGH), [], "2026-09-08",
                 [(R, "2026-09-04"), (A, "2026-09-07")], None, V, "2026-09-07", False,
                 id="high priority: visit within 1 working day, missed"),
    pytest.param(case(logged="2026-09-07", priority=Priority.MEDIUM), [], "2026-09-08",
                 [(R, "2026-09-04"), (A, "2026-09-07")], None, V, "2026-09-18", True,
                 id="medium priority: 10 working days"),
    pytest.param(case(logged="2026-09-07", priority=Priority.LOW), [], "2026-09-08",
                 [(R, "2026-09-04"), (A, "2026-09-07")], None, V, None, None,
                 id="a priority the charter sets no target for"),
    pytest.param(case(logged="2026-09-07", first_visit="2026-09-10",
                      stage=CaseStage.INVESTIGATING), [], "2026-09-30",
                 [(R, "2026-09-04"), (A, "2026-09-07"), (V, "2026-09-10"), (INV, None)],
                 None, C, "2026-12-04", True, id="investigating: resolve within 13 weeks"),
    pytest.param(case(logged="2026-09-07", stage=CaseStage.FORMAL_ACTION_CONSIDERED), [],
                 "2026-12-05",
                 [(R, "2026-09-04"), (A, "2026-09-07"), (INV, None), (F, None)],
                 None, C, "2026-12-04", False,
                 id="formal action considered, no visit recorded, past the target"),
    pytest.param(case(first_visit="2026-09-10"),
                 [notice(PCN, served="2026-09-20"), notice(ENF, served="2026-09-21",
                                                           withdrawn="2026-09-25")],
                 "2026-09-30", [(R, "2026-09-04"), (V, "2026-09-10")], None, C,
                 "2026-12-04", True,
                 id="a contravention notice or a withdrawn notice is not formal action"),
    pytest.param(case(first_visit="2026-09-10", stage=CaseStage.INVESTIGATING),
                 [notice(ENF, served="2026-10-01"), notice(BCN, issued="2026-09-25")],
                 "2026-10-02",
                 [(R, "2026-09-04"), (V, "2026-09-10"), (INV, None), (F, None),
                  (N, "2026-09-25")], None, C, None, None,
                 id="notice served: the first date a notice was served or issued"),
    pytest.param(case(status=CaseStatus.CLOSED, logged="2026-09-07", first_visit="2026-09-10",
                      closed="2026-11-02", closure_reason=ClosureReason.NO_BREACH,
                      stage=CaseStage.CLOSED), [], "2026-11-30",
                 [(R, "2026-09-04"), (A, "2026-09-07"), (V, "2026-09-10"),
                  (C, "2026-11-02")], "no-breach", None, None, None,
                 id="closed, with its outcome"),
]


@pytest.mark.parametrize("the_case, notices, as_of, stages, outcome, next_stage, target, "
                         "on_time", PROGRESS)
def test_a_file_says_how_far_the_case_has_got(the_case, notices, as_of, stages, outcome,
                                              next_stage, target, on_time):
    found = tracker.progress(the_case, notices, CHARTER, D(as_of))
    content = tracker.file_content(found, D(as_of))
    assert len(content) == tracker.FILE_SIZE
    assert json.loads(content) == {
        "version": 1, "as_of": as_of, "stages": [list(s) for s in stages],
        "outcome": outcome, "next": next_stage, "target": target, "on_time": on_time}


def test_every_file_has_the_same_size_whatever_it_says():
    longest = tracker.Progress(tuple((s, D("2026-09-04")) for s in CaseStage),
                               outcome=ClosureReason.FORMAL_ACTION_COMPLIED,
                               next_stage=CaseStage.CLOSED, target=D("2026-12-04"),
                               on_time=False)
    shortest = tracker.Progress(((CaseStage.RECEIVED, None),))
    sizes = {len(tracker.file_content(p, D("2026-09-30"))) for p in (longest, shortest)}
    assert sizes == {tracker.FILE_SIZE}


def test_open_cases_and_those_closed_within_the_period_are_tracked():
    closed = CaseStatus.CLOSED
    cases = [case("OPEN/1", received="2010-01-01"),
             case("GONE/1", status=closed, closed="2026-07-01"),
             case("KEPT/1", status=closed, closed="2026-07-02"),
             case("NODATE/1", status=closed)]
    kept = tracker.tracked(cases, D("2026-09-30"), closed_within_days=90)
    assert [c.reference for c in kept] == ["OPEN/1", "KEPT/1"]


def _dataset(cases: list[_Case]) -> Dataset:
    return Dataset(cases, [], D("2026-09-30"), Sensitive())


def test_references_the_tracker_cannot_tell_apart_get_no_code(config_for_tracker):
    site, problems = GeneratedSite(), Problems()
    codes = tracker.tracker_files(
        site, _dataset([case("ENF/2024/1"), case("enf-2024-1"), case("ENF/2024/2")]),
        config_for_tracker, TrackerKey(KEY), problems)
    assert [c.reference for c in codes] == ["ENF/2024/2"]
    assert [p.kind for p in problems] == ["tracker-reference-clash"] * 2
    assert list(site.files) == [
        f"track/{expected_name('ENF20242', expected_code(KEY, 'ENF20242'))}.json"]


@pytest.fixture
def config_for_tracker():
    from generator.config.schema import Config, Council

    return Config(council=Council(name="Test"), charter=CHARTER,
                  tracker=Tracker(closed_within_days=90))


# ---- The key: from where it may come ---------------------------------------------------


def test_the_key_comes_from_the_environment_or_a_file_outside_the_project(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    assert load_tracker_key(None, project, environ={}) is None
    assert load_tracker_key(None, project, environ={ENVIRONMENT_VARIABLE: "  "}) is None
    from_env = load_tracker_key(None, project, environ={ENVIRONMENT_VARIABLE: TRACKER_KEY})
    outside = tmp_path / "tracker.key"
    outside.write_text(TRACKER_KEY + "\n")
    from_file = load_tracker_key(outside, project, environ={})
    assert from_env and from_file
    assert from_env.access_code("X/1") == from_file.access_code("X/1")


@pytest.mark.parametrize("where, secret, message", [
    ("inside", TRACKER_KEY, "inside the project folder"),
    ("outside", "too-short", "too short"),
    ("environment", "too-short", "too short"),
    ("missing", "", "cannot read"),
])
def test_a_key_that_cannot_be_used_is_refused_without_being_shown(tmp_path, where, secret,
                                                                   message):
    project = tmp_path / "project"
    project.mkdir()
    path = (project if where == "inside" else tmp_path) / "tracker.key"
    if where != "missing":
        path.write_text(secret)
    with pytest.raises(UsageError) as raised:
        if where == "environment":
            load_tracker_key(None, project, environ={ENVIRONMENT_VARIABLE: secret})
        else:
            load_tracker_key(path, project, environ={})
    assert message in str(raised.value)
    assert not secret or secret not in str(raised.value)


# ---- Through the command line ----------------------------------------------------------


def test_the_built_site_has_one_padded_file_per_code_and_the_codes_stay_outside(
        tracked: Project):
    built = tracked
    codes_file = built.reports / "tracker-codes.csv"
    assert stat.S_IMODE(codes_file.stat().st_mode) == 0o600
    with codes_file.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["reference", "access_code", "track_page"]
    files = sorted((built.site / "track").iterdir())
    assert len(files) == len(rows) > 50
    assert {f.stat().st_size for f in files} == {tracker.FILE_SIZE}
    key = TRACKER_KEY.encode()
    for row in rows:
        letters = typed_reference(row["reference"])
        assert row["access_code"] == expected_code(key, letters)
        assert row["track_page"] == "https://enforcement.northbrook.example.gov.uk/" \
                                    "track-your-report/"
        assert (built.site / "track" / f"{expected_name(letters, row['access_code'])}.json"
                ).is_file(), row["reference"]
    text = built.site_text()
    assert TRACKER_KEY not in text
    leaked = [r["access_code"] for r in rows if r["access_code"] in text
              or r["access_code"].replace("-", "") in text]
    assert not leaked
    for report in built.reports.iterdir():
        assert TRACKER_KEY not in report.read_text(encoding="utf-8", errors="replace")
    # The files hold codes, dates and flags: no reference, address or text.
    cases = read_rows(built.export / "cases.csv")
    header = cases[0]
    sample = json.loads(files[0].read_text())
    assert set(sample) == {"version", "as_of", "stages", "outcome", "next", "target",
                           "on_time"}
    references = {row[header.index("Case Ref")] for row in cases[1:]}
    tracked_text = "".join(f.read_text() for f in files)
    assert not [r for r in references if len(r) > 4 and r in tracked_text]


def test_no_key_no_tracker_files_and_the_page_says_how_else(project: Project, monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    project.reports.mkdir(parents=True)
    stale = project.reports / "tracker-codes.csv"
    stale.write_text("reference,access_code\nX,Y\n")
    result = project.build()
    assert result.exit_code == 0, result.output
    assert "case tracker is off" in result.stdout
    assert not (project.site / "track").exists()
    assert not stale.exists(), "codes that no longer work are not left for the letters"
    page = (project.site / "track-your-report" / "index.html").read_text()
    assert "Online tracking is not available" in page
    assert 'id="tracker-form"' not in page and "tracker.js" not in page
    assert "Other ways to get an update" in page
    after = (project.site / "after-you-report" / "index.html").read_text()
    assert "access code" not in after


def test_the_key_in_the_configuration_is_refused(project: Project):
    project.edit_config(tracker={"key": TRACKER_KEY})
    result = project.build()
    assert result.exit_code == 2
    assert "never written in the configuration" in result.output
    assert TRACKER_KEY not in result.output


def test_a_key_file_inside_the_project_is_refused(project: Project):
    inside = project.root / "tracker.key"
    inside.write_text(TRACKER_KEY)
    result = run_cli(*project.build_args("--tracker-key-file", str(inside)))
    assert result.exit_code == 2
    assert "inside the project folder" in result.output
    assert not (project.site / "index.html").exists()


def test_the_leak_scan_searches_the_tracker_files(project: Project, monkeypatch):
    """A complainant's name planted in every tracker file fails the build, naming the
    files under track/."""
    cases = read_rows(project.export / "cases.csv")
    column = cases[0].index("Complainant Name")
    name = next(row[column] for row in cases[1:] if len(row[column]) > 8)
    real = tracker.file_content

    def planted(found, as_of):
        content = real(found, as_of)
        value = f'"{name}"'.encode()
        return content[:-len(value) - 1] + value + b"\n"

    monkeypatch.setattr(tracker, "file_content", planted)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, TRACKER_KEY)
    result = project.build()
    assert result.exit_code == 1, result.output
    assert "leak scan" in result.output and "track/" in result.output
    assert not (project.site / "index.html").exists()
    assert not (project.reports / "tracker-codes.csv").exists()


def test_the_codes_for_letters_can_be_made_without_building(tracked: Project, tmp_path):
    built = tracked
    key_file = built.root.parent / "tracker.key"
    reports = tmp_path / "reports"
    result = run_cli("tracker-codes", "--config", built.config, "--reports-dir", reports,
                     "--tracker-key-file", key_file)
    assert result.exit_code == 0, result.output
    assert (reports / "tracker-codes.csv").read_bytes() == \
        (built.reports / "tracker-codes.csv").read_bytes()
    assert not (tmp_path / "site").exists()


def test_the_codes_command_needs_the_key(tracked: Project, tmp_path, monkeypatch):
    built = tracked
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    result = run_cli("tracker-codes", "--config", built.config, "--reports-dir", tmp_path)
    assert result.exit_code == 2
    assert ENVIRONMENT_VARIABLE in result.output
    assert not (tmp_path / "tracker-codes.csv").exists()


def _issues(project: Project) -> list[dict[str, str]]:
    with (project.reports / "issues.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_an_unknown_stage_code_is_a_warning_and_costs_no_row(project: Project):
    project.validate()
    errors_before = [i for i in _issues(project) if i["severity"] == "error"]

    def forget_monitoring(mapping):
        del mapping["files"]["cases"]["codes"]["stage"]["OPEN - MONITORING"]

    project.edit_mapping(forget_monitoring)
    project.validate()
    issues = _issues(project)
    stage = [i for i in issues if i["kind"] == "unknown-stage-code"]
    assert stage and {i["severity"] for i in stage} == {"warning"}
    assert {i["value"] for i in stage} == {"OPEN - MONITORING"}
    assert [i for i in issues if i["severity"] == "error"] == errors_before


# ---- The page's words ---------------------------------------------------------------------


PAGE = (REPO / "site_src" / "track-your-report.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("change, kinds", [
    (lambda page: page, []),
    (lambda page: page.replace("{: #stage-visited }", ""), ["tracker-wording-missing"]),
    (lambda page: page.replace("{: #outcome-immune }", "{: #outcome-too-late }"),
     ["tracker-wording-missing"]),
    (lambda page: page.replace("{{ tracker_form }}", ""), ["tracker-form-missing"]),
    (lambda page: page.replace("{{ tracker_form }}", "{{tracker_form}}"), []),
])
def test_the_page_keeps_its_form_and_a_heading_for_each_stage_and_outcome(change, kinds):
    findings = tracker_wording("track-your-report.md", change(PAGE), 1)
    assert [f.kind for f in findings] == kinds
    assert tracker_wording("faq.md", "no form here", 1) == []


def test_a_page_without_the_form_stops_the_build(tmp_path, small_export, monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    project = make_project(tmp_path / "project", small_export, copy_pages=True)
    page = project.root / "site_src" / "track-your-report.md"
    page.write_text(page.read_text().replace("{{ tracker_form }}", ""))
    result = project.build()
    assert result.exit_code == 1
    assert "track-your-report.md" in result.output and "tracker_form" in result.output
    assert not (project.site / "index.html").exists()


def test_the_files_are_the_same_every_time(config_for_tracker):
    cases = [case(f"ENF/2026/{n:04}", first_visit="2026-09-10") for n in range(50)]
    made = []
    for _ in range(2):
        site = GeneratedSite()
        tracker.tracker_files(site, _dataset(cases), config_for_tracker, TrackerKey(KEY),
                              Problems())
        made.append(site.files)
    assert made[0] == made[1] and len(made[0]) == 50
