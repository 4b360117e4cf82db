"""Documentation that is checked against the code."""

from __future__ import annotations

from conftest import REPO
from generator.config.mapping import FILE_FIELDS
from generator.config.schema import iter_options
from generator.dev.docs import configuration_reference, problems_reference


def test_configuration_reference_is_up_to_date():
    committed = (REPO / "docs" / "configuration.md").read_text()
    assert committed == configuration_reference(), (
        "docs/configuration.md is out of date: run `python -m generator.dev.docs`")


def test_every_option_has_a_description():
    for name, doc, _ in iter_options():
        assert len(doc) > 10, name


def test_publishing_guide_gives_the_content_security_policy_header_the_code_writes():
    from generator.core.untrusted import tile_source
    from generator.render.csp import header_policy

    guide = (REPO / "docs" / "publishing.md").read_text()
    header = header_policy(tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png"))
    assert f"\nContent-Security-Policy: {header}\n" in guide


def test_mapping_guide_names_every_canonical_field():
    guide = (REPO / "docs" / "mapping.md").read_text()
    for field in {*FILE_FIELDS["cases"], *FILE_FIELDS["notices"]}:
        assert f"`{field}`" in guide, field


def test_readme_quick_start_commands_exist_in_the_makefile():
    readme = (REPO / "README.md").read_text()
    makefile = (REPO / "Makefile").read_text()
    for target in ("site", "test", "serve", "lint", "sample"):
        assert f"make {target}" in readme, target
        assert f"\n{target}:" in makefile, target


def test_problems_reference_is_up_to_date():
    committed = (REPO / "docs" / "problems.md").read_text()
    assert committed == problems_reference(), (
        "docs/problems.md is out of date: run `python -m generator.dev.docs`")


def test_every_kind_in_the_catalogue_is_reported_somewhere():
    """A kind nothing reports is a stale entry in docs/problems.md."""
    from generator.core.kinds import KINDS

    source = "\n".join(p.read_text() for p in (REPO / "generator").rglob("*.py")
                       if p.name != "kinds.py" and "dev" not in p.parts)
    for code in KINDS:
        assert f'"{code}"' in source, code


def test_a_kind_not_in_the_catalogue_cannot_be_reported():
    import pytest

    from generator.core.problems import Problems

    with pytest.raises(ValueError, match="not in the catalogue"):
        Problems().error("cases.csv", 2, "Ref", "", "no-such-kind", "message")
    with pytest.raises(ValueError, match="not as the catalogue says"):
        Problems().warning("cases.csv", 2, "Ref", "", "bad-date", "message")
