"""Bar charts drawn as SVG at build time: no chart library, nothing loaded at run time.

Each chart is an image with a text alternative (<title> and <desc>); the page puts it in
a <figure> with a caption and the same numbers in a table beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil, log10

from markupsafe import escape

# Dark enough for 3:1 against white (WCAG 1.4.11 for graphical objects), and told apart
# by pattern-free position too, since every series is labelled in the legend and table.
SERIES_COLOURS = ["#1d4f91", "#b35900", "#2e7d32", "#6a3d9a"]
# Two layouts: wide (shown from 40em) and narrow (below it). Each is drawn for the width
# it is shown at, so its text stays about 14 CSS px instead of shrinking with the chart
# (at 390 px the wide chart's text was 6 px).
WIDTH, HEIGHT = 720, 300
NARROW_WIDTH, NARROW_HEIGHT = 340, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64
FONT_SIZE = 14
CHAR_WIDTH = 0.6 * FONT_SIZE  # a rough average, to keep labels apart


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]  # None: hidden (suppressed) or not available


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** int(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return ceil(value / magnitude) * magnitude


def bar_chart(chart_id: str, title: str, description: str, categories: list[str],
              series: list[Series], unit: str = "", narrow: bool = False) -> str:
    """A grouped bar chart. Hidden values are drawn as a gap marked with [c]. `narrow`:
    the layout for small screens (fewer axis labels, the key on separate lines)."""
    width = NARROW_WIDTH if narrow else WIDTH
    # The key: on one line if it fits, otherwise one line per series.
    key_width = sum(24 + CHAR_WIDTH * len(s.name) for s in series)
    key_lines = 1 if LEFT + key_width <= width - RIGHT else len(series)
    height = (NARROW_HEIGHT if narrow else HEIGHT) + 20 * (key_lines - 1)
    bottom = BOTTOM + 20 * (key_lines - 1)
    suffix = "-n" if narrow else ""
    top_value = _nice_max(max((v for s in series for v in s.values if v is not None),
                              default=0))
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - bottom
    group_w = plot_w / max(1, len(categories))
    bar_w = group_w * 0.8 / max(1, len(series))
    longest = max((len(c) for c in categories), default=1)
    label_every = max(1, ceil((longest * CHAR_WIDTH + 6) / group_w))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}{suffix}-t {chart_id}{suffix}-d" '
        f'class="chart chart--{"narrow" if narrow else "wide"}" '
        'font-family="Arial, Helvetica, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}{suffix}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}{suffix}-d">{escape(description)}</desc>',
    ]
    for i in range(5):  # horizontal grid lines and their values
        value = top_value * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{LEFT}" x2="{width - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'stroke="#b1b4b6" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'fill="#0b0c0c">{value:g}{escape(unit)}</text>')
    for c, category in enumerate(categories):
        x0 = LEFT + c * group_w + group_w * 0.1
        for k, s in enumerate(series):
            shown = s.values[c]
            x = x0 + k * bar_w
            if shown is None:
                parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{TOP + plot_h - 4}" '
                             'text-anchor="middle" fill="#0b0c0c" font-size="11">[c]</text>')
                continue
            h = plot_h * shown / top_value
            parts.append(f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" '
                         f'width="{max(bar_w - 1, 1):.1f}" height="{h:.1f}" '
                         f'fill="{SERIES_COLOURS[k % len(SERIES_COLOURS)]}">'
                         f"<title>{escape(s.name)}, {escape(category)}: {shown:g}"
                         f"{escape(unit)}</title></rect>")
        if c % label_every == 0:
            label_x = LEFT + c * group_w + group_w / 2
            parts.append(f'<text x="{label_x:.1f}" y="{TOP + plot_h + 18}" '
                         f'text-anchor="middle" fill="#0b0c0c">{escape(category)}</text>')
    legend_y = height - 14 - 20 * (key_lines - 1)
    x = LEFT
    for k, s in enumerate(series):
        colour = SERIES_COLOURS[k % len(SERIES_COLOURS)]
        parts.append(f'<rect x="{x}" y="{legend_y - 11}" width="13" height="13" '
                     f'fill="{colour}"/><text x="{x + 18}" y="{legend_y}" '
                     f'fill="#0b0c0c">{escape(s.name)}</text>')
        if key_lines == 1:
            x += 24 + ceil(CHAR_WIDTH * len(s.name))
        else:
            legend_y += 20
    parts.append("</svg>")
    return "".join(parts)


def bar_charts(chart_id: str, title: str, description: str, categories: list[str],
               series: list[Series], unit: str = "") -> str:
    """The chart in both layouts; the page's style sheet shows one of them."""
    return (bar_chart(chart_id, title, description, categories, series, unit)
            + bar_chart(chart_id, title, description, categories, series, unit,
                        narrow=True))
