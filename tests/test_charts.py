import xml.etree.ElementTree as ET

from generator.site.charts import Series, bar_chart


def test_chart_is_valid_accessible_svg_with_one_bar_per_shown_value():
    svg = bar_chart("c1", "Cases & more", "Received <and> closed", ["Q1", "Q2", "Q3"],
                    [Series("Received", [10, None, 30]), Series("Closed", [5, 6, 7])])
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    assert root.find(f"{ns}title").text == "Cases & more"
    assert root.find(f"{ns}desc").text == "Received <and> closed"
    bars = [r for r in root.iter(f"{ns}rect") if r.find(f"{ns}title") is not None]
    assert len(bars) == 5  # the hidden value is drawn as a marked gap, not a bar
    assert "[c]" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_same_input_same_chart():
    args = ("c", "t", "d", ["a"], [Series("s", [1])])
    assert bar_chart(*args) == bar_chart(*args)


def test_narrow_layout_keeps_labels_apart_and_ids_unique():
    quarters = [f"{y} Q{q}" for y in (24, 25, 26) for q in (1, 2, 3, 4)]
    series = [Series("Received", list(range(12))), Series("Closed", list(range(12)))]
    wide = bar_chart("c", "t", "d", quarters, series)
    narrow = bar_chart("c", "t", "d", quarters, series, narrow=True)
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text for t in ET.fromstring(narrow).iter(f"{ns}text") if t.text in quarters]
    assert labels == quarters[::3]  # every third quarter fits at 340 units wide
    assert [t.text for t in ET.fromstring(wide).iter(f"{ns}text")
            if t.text in quarters] == quarters
    assert 'id="c-n-t"' in narrow and 'id="c-t"' in wide
    assert ET.fromstring(narrow).get("viewBox") == "0 0 340 300"
