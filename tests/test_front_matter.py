"""Generated pages' front matter must survive any value from the export."""

import pytest
import yaml

from generator.site.common import front_matter


@pytest.mark.parametrize("title", [
    "Enforcement notice ENF/2021/0007: 4 West Gardens",
    "Notice: 'quoted' \"double\" # hash: colon",
    "--- three dashes\nand a newline",
    "{{ not a template }} [list] & *star",
    "Zoë’s café, Ynys Môn",
    "yes", "null", "2021-01-01", "0007",
])
def test_front_matter_round_trips(title):
    text = front_matter({"title": title, "register_entry": True})
    assert text.startswith("---\n") and text.endswith("---\n\n")
    body = text.split("---\n")[1]
    assert yaml.safe_load(body) == {"title": title, "register_entry": True}
