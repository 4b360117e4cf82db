"""A failed night, as the council's data officer sees it: reports/summary.md says in
plain English whether the site was updated, what went wrong and what to do, without
quoting the export; the nightly workflow puts it in the job's summary and fails."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, Project, read_rows, write_rows

WORKFLOW = REPO / ".github" / "workflows" / "nightly.yml"


def _summary(project: Project) -> str:
    return (project.reports / "summary.md").read_text()


def test_a_good_night_says_the_site_was_updated(built: Project):
    summary = _summary(built)
    assert summary.startswith("# The site was updated\n")
    assert "notices on the register" in summary and "## Rows read from the export" in summary
    assert "| cases.csv |" in summary


def test_a_refused_night_says_the_site_was_not_updated_and_what_to_do(project: Project):
    assert project.build().exit_code == 0
    published = os.readlink(project.site)
    path = project.export / "notices.csv"
    rows = read_rows(path)
    rows[0][rows[0].index("Notice Ref")] = "Notice Reference"
    write_rows(path, rows)
    assert project.build().exit_code == 1
    assert os.readlink(project.site) == published
    summary = _summary(project)
    assert summary.startswith("# The site was NOT updated\n")
    assert "**The site people see has not changed**" in summary
    assert "rows of notices.csv have errors" in summary and "--accept-drop" in summary
    assert "`column-missing`" in summary  # the kind, with the catalogue's explanation
    assert "Run workflow" in summary


def test_the_summary_quotes_no_value_from_the_export(project: Project):
    """Planted names in a column the build rejects reach issues.csv, never summary.md."""
    path = project.export / "cases.csv"
    rows = read_rows(path)
    column = rows[0].index("Date Received")
    planted = [f"Zebedee Quattrocchi-{n}" for n in range(3)]
    for n, value in enumerate(planted, start=1):
        rows[n][column] = value
    write_rows(path, rows)
    assert project.build().exit_code == 0
    summary = _summary(project)
    assert re.search(r"\| \d+ \| error: `bad-date` \| A date cannot be read", summary)
    assert "Quattrocchi" in (project.reports / "issues.csv").read_text()
    assert "Quattrocchi" not in summary


def test_a_configuration_error_is_summarised_too(project: Project):
    project.edit_config(council={"primary_colour": "not a colour"})
    result = project.build()
    assert result.exit_code == 2
    summary = _summary(project)
    assert summary.startswith("# The site was NOT updated\n")
    assert "primary_colour" in summary


# ---- the workflow's summary step, run as GitHub runs it --------------------------------


def _step() -> dict:
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    return next(s for s in jobs["build"]["steps"]
                if s.get("name") == "Summary for the data officer")


@pytest.mark.parametrize(("outcomes", "expected"), [
    ({"JOB_STATUS": "success"}, None),
    ({"JOB_STATUS": "failure", "FETCH": "failure"}, "The export could not be downloaded"),
    ({"JOB_STATUS": "failure", "FETCH": "success", "VALIDATE": "failure"},
     "Rows of the export have errors"),
    ({"JOB_STATUS": "failure", "BUILD": "failure"}, "The build stopped"),
    ({"JOB_STATUS": "failure", "BUILD": "success", "GATE": "failure"},
     "failed its quality checks"),
    ({"JOB_STATUS": "failure", "BUILD": "success", "OPENDATA": "failure"},
     "The open data files do not match their description"),
])
def test_the_workflow_summary_explains_each_failure(tmp_path: Path, outcomes, expected):
    step = _step()
    assert step["if"] == "always()"
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "summary.md").write_text("# From the build\n")
    env = {"PATH": os.environ["PATH"], "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
           "FETCH": "", "INSTALL": "", "VALIDATE": "", "BUILD": "", "TESTS": "",
           "GATE": "", "OPENDATA": "", **outcomes}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    shown = (tmp_path / "summary").read_text()
    assert shown.endswith("# From the build\n")
    if expected is None:
        assert "NOT updated" not in shown and "::error" not in result.stdout
    else:
        assert shown.startswith("# Tonight's build failed: the site was NOT updated")
        assert expected in shown
        assert "::error title=The site was not updated::" in result.stdout


def test_the_workflow_deploys_only_when_every_step_passed():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["if"] == "${{ success() }}"
