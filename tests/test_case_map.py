"""The cases-by-ward map shows exactly the published counts, and a withheld count
looks different from a low one, in the map and in its key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from generator.config.schema import load_config
from generator.ingest.geo import load_wards
from generator.site.common import GeneratedSite
from generator.site.maps import SHADES, WITHHELD_FILL, case_map
from generator.stats.tables import Statistics

REPO = Path(__file__).resolve().parents[1]


def test_withheld_wards_are_not_a_shade_of_the_scale():
    config = load_config(REPO / "enforcement-site.yml")
    wards = load_wards(REPO / "data" / "export" / "wards.geojson", "code", "name")
    codes = [w.code for w in wards.wards]
    published = {codes[0]: None, codes[1]: 5, codes[2]: 40}
    stats = Statistics(ward_counts={c: {"total": published.get(c, 12)} for c in codes},
                       ward_period="2026/27 Q2")
    site = GeneratedSite()
    case_map(site, stats, config, wards, {w.code: w.name for w in wards.wards})
    script = site.files["maps/case-map.js"].decode()
    fills = dict(zip(codes, re.findall(r'"fill": "(#[0-9a-f]{6})"', script), strict=True))
    assert fills[codes[0]] == WITHHELD_FILL
    assert WITHHELD_FILL not in SHADES
    assert fills[codes[1]] == SHADES[0]  # the lowest published count: lightest shade
    assert fills[codes[2]] == SHADES[-1]
    tooltips = json.loads(script.split("window.ENFORCEMENT_WARDS = ", 1)[1].split(";\n")[0])
    assert tooltips[0][1] == "[c] (withheld)" and tooltips[1][1] == "5"
    page = site.pages["maps/cases.md"]
    key = page.split('class="map-legend', 1)[1].split("</ul>", 1)[0]
    assert "[c] withheld" in key and "could be 0 or more" in key
    assert "stroke-dasharray" in key  # the key's swatch is dashed like the map's wards
    # The table under the map is the published counts, [c] included.
    assert "<td>[c]</td>" in page and "<td>40</td>" in page
