"""The command line: help, exit codes, and no tracebacks."""

from __future__ import annotations

import pytest

from conftest import Project, run_cli


@pytest.mark.parametrize("command", ["build", "validate", "sample", "serve"])
def test_every_command_has_help(command):
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert f"usage: enforcement-site {command}" in result.stdout


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["build", "--no-such-option"],
                                  ["sample", "--seed", "x", "--out", "o"]])
def test_usage_errors_exit_2(args):
    result = run_cli(*args)
    assert result.exit_code == 2
    assert "usage:" in result.stderr


def test_python_dash_m_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "generator", "--help"],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "build" in result.stdout


@pytest.mark.parametrize("command", [
    ["-m", "generator"],  # and the installed `enforcement-site` script, which runs the same
    ["-c", "from importlib.metadata import entry_points; "
           "entry_points(group='console_scripts')['enforcement-site'].load()()"],
])
def test_the_command_ends_at_once_with_its_exit_code_and_all_its_output(tmp_path, command):
    """`run` ends the process without Python's clean-up: the exit code and everything
    printed must survive that."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, *command, "validate", "--config",
                             str(tmp_path / "missing.yml")],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert "missing.yml" in result.stderr


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ("council: [1, 2]\n", "'council' must be a section"),
        ("council:\n  nam: X\n", "unknown option 'council.nam' (did you mean 'name'?)"),
        ("council:\n  name: X\n  primary_colour: blue\n", "must be a colour"),
        ("council:\n  name: X\nprivacy:\n  grid_cell_metres: 100\n", "at least 1000"),
        ("council: {name: X\n", "not valid YAML"),
        ("site: {}\n", "missing required option 'council'"),
        ("council:\n  name: X\nprivacy:\n  field_policy:\n    register:\n"
         "      breach_sumary: drop\n",
         "unknown field 'privacy.field_policy.register.breach_sumary' "
         "(did you mean 'breach_summary'?)"),
        ("council:\n  name: X\nprivacy:\n  field_policy:\n    regster: {}\n",
         "unknown record class 'privacy.field_policy.regster' (did you mean 'register'?)"),
        ("council:\n  name: X\nprivacy:\n  suppresion_threshold: 3\n",
         "unknown option 'privacy.suppresion_threshold' (did you mean "
         "'suppression_threshold'?)"),
    ],
)
def test_configuration_errors_are_listed_with_exit_code_2(tmp_path, config_text, expected):
    config = tmp_path / "enforcement-site.yml"
    config.write_text(config_text)
    result = run_cli("validate", "--config", config)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output


def test_every_configuration_problem_is_reported_at_once(tmp_path):
    config = tmp_path / "enforcement-site.yml"
    config.write_text("council:\n  nam: X\n  primary_colour: blue\nsite:\n  url: 3\n"
                      "colour: red\nprivacy:\n  field_policy:\n    case:\n"
                      "      notes: publish\n      wrd: drop\n")
    result = run_cli("validate", "--config", config)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Configuration problems in {config}:")
    for expected in ("council.nam", "missing required option 'council.name'", "'colour'"):
        assert expected in result.stderr
    # The privacy policy's problems are configuration problems, listed with the others.
    for expected in ("'privacy.field_policy.case.notes': personal data cannot be published",
                     "unknown field 'privacy.field_policy.case.wrd' (did you mean 'ward'?)"):
        assert f"\n  - {expected}\n" in result.stderr


def test_missing_config_file(tmp_path):
    result = run_cli("build", "--config", tmp_path / "nope.yml")
    assert result.exit_code == 2
    assert "not found" in result.stderr


def test_validate_prints_the_problem_table_and_writes_issues_csv(project: Project):
    result = project.validate()
    assert result.exit_code == 1  # the sample has deliberately bad rows
    assert "is not a date" in result.stdout
    assert (project.reports / "issues.csv").read_text().startswith(
        "file,row,column,value,kind,severity,message")


def test_sample_is_byte_identical_for_the_same_seed(tmp_path):
    for name in ("a", "b"):
        result = run_cli("sample", "--seed", "3", "--cases", "200", "--notices", "20",
                         "--out", tmp_path / name)
        assert result.exit_code == 0, result.output
    for file in ("cases.csv", "notices.csv", "wards.geojson"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_sample_rejects_bad_arguments(tmp_path):
    result = run_cli("sample", "--cases", "0", "--out", tmp_path)
    assert result.exit_code == 2
    result = run_cli("sample", "--wards", tmp_path / "none.geojson", "--out", tmp_path)
    assert result.exit_code == 2 and "not found" in result.stderr


def test_unreadable_export_is_a_data_error(project: Project):
    (project.export / "notices.csv").unlink()
    result = project.build()
    assert result.exit_code == 1
    assert "notices.csv" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("colour", "ok"),
    [("#1d4f91", True), ("#0b0c0c", True), ("#767676", True), ("#777777", False),
     ("#ffdd00", False), ("#a3195b", True)],
)
def test_brand_colours_are_checked_for_contrast(project: Project, colour, ok):
    project.edit_config(council={"primary_colour": colour})
    result = project.validate()
    if ok:
        assert "contrast ratio" not in result.stderr
    else:
        assert result.exit_code == 2
        assert "'council.primary_colour'" in result.stderr
        assert "contrast ratio" in result.stderr
