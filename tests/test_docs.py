"""Documentation that is checked against the code."""

from __future__ import annotations

from conftest import REPO
from generator.config import iter_options
from generator.docs import configuration_reference
from generator.mapping import CASE_FIELDS, NOTICE_FIELDS


def test_configuration_reference_is_up_to_date():
    committed = (REPO / "docs" / "configuration.md").read_text()
    assert committed == configuration_reference(), (
        "docs/configuration.md is out of date: run `python -m generator.docs`")


def test_every_option_has_a_description():
    for name, doc, _ in iter_options():
        assert len(doc) > 10, name


def test_publishing_guide_gives_the_content_security_policy_header_the_code_writes():
    from generator.csp import header_policy, tile_source

    guide = (REPO / "docs" / "publishing.md").read_text()
    header = header_policy(tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png"))
    assert f"\nContent-Security-Policy: {header}\n" in guide


def test_mapping_guide_names_every_canonical_field():
    guide = (REPO / "docs" / "mapping.md").read_text()
    for field in {*CASE_FIELDS, *NOTICE_FIELDS}:
        assert f"`{field}`" in guide, field


def test_readme_quick_start_commands_exist_in_the_makefile():
    readme = (REPO / "README.md").read_text()
    makefile = (REPO / "Makefile").read_text()
    for target in ("site", "test", "serve", "lint", "sample"):
        assert f"make {target}" in readme, target
        assert f"\n{target}:" in makefile, target
