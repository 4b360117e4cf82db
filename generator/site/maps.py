"""Stage: the register map, the cases-by-ward map and the locator-map settings.

Maps are built with folium but never load anything from a CDN: folium's default
assets are replaced with the copies vendored under theme/assets/vendor/, and its
random element ids are replaced with stable ones so builds are byte-identical. The
register map ships its points as one data array (FastMarkerCluster), not one marker
object per point. Non-register cases never become points: the case map is counts per
ward, suppressed exactly as in the statistics.

No text from the input passes through folium: branca renders each map element's output
again as a Jinja template, so a '{{' in a ward name or a reference would be run as
Python at build time. Boundary and overlay files reach it as shapes only (numbers), the
entries' and wards' text travels in JSON this module writes itself, read by the
scripts below, and the configuration's names are HTML with their braces written as
character references.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import folium
from branca.element import Figure
from folium.plugins import FastMarkerCluster
from markupsafe import escape
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from generator.config.schema import Config
from generator.core.model import NoticeType
from generator.core.untrusted import attribution_html
from generator.ingest.geo import WardMap, load_shapes
from generator.site.common import GeneratedSite, relative_root, render
from generator.site.register import Entry
from generator.stats.tables import NOT_KNOWN, Statistics

VENDOR = "assets/vendor/"
LEAFLET_JS = VENDOR + "leaflet/leaflet.js"
LEAFLET_CSS = VENDOR + "leaflet/leaflet.css"
CLUSTER_JS = VENDOR + "leaflet.markercluster/leaflet.markercluster.js"
CLUSTER_CSS = (VENDOR + "leaflet.markercluster/MarkerCluster.css",
               VENDOR + "leaflet.markercluster/MarkerCluster.Default.css")

# Colour-blind-safe colours (Okabe-Ito), one per notice type, dark enough for 3:1.
TYPE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8B6A00", "#56428F",
                "#A14500", "#00658A", "#7A5C00", "#0B5D45", "#8E3563", "#444444"]
TYPES = list(NoticeType)
INLINE_LIST_LIMIT = 500  # entries listed under the register map itself

# A point is [latitude, longitude, n]; entry n of window.ENFORCEMENT_ENTRIES is [type,
# slug, reference]. The popup is a link built as text.
MARKER_CALLBACK = """function (row) {
    var types = window.ENFORCEMENT_TYPES;
    var entry = window.ENFORCEMENT_ENTRIES[row[2]];
    var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {
        radius: 7, weight: 2, color: '#ffffff', fillColor: types[entry[0]][1], fillOpacity: 0.95
    });
    var link = document.createElement('a');
    link.href = window.ENFORCEMENT_ROOT + 'register/entries/' + entry[1] + '/';
    link.textContent = types[entry[0]][0] + ' ' + entry[2];
    marker.bindPopup(link);
    return marker;
}"""

# Each ward shape's tooltip: its name and count from window.ENFORCEMENT_WARDS, by the
# shape's `ward` number, built as text (folium's own tooltip writes them as HTML).
WARD_TOOLTIPS = """(function (layer, wards) {
    layer.eachLayer(function (shape) {
        var ward = wards[shape.feature.properties.ward];
        shape.bindTooltip(function () {
            var table = document.createElement('table');
            [['Ward', ward[0]], ['Cases', ward[1]]].forEach(function (pair) {
                var row = table.insertRow();
                var label = document.createElement('th');
                label.textContent = pair[0];
                row.appendChild(label);
                row.insertCell().textContent = pair[1];
            });
            return table;
        }, {sticky: true});
    });
})(%s, window.ENFORCEMENT_WARDS);
"""


def _shapes(geometries: list[BaseGeometry],
            properties: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A FeatureCollection of the shapes alone (their coordinates are numbers), with
    properties this module chose."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": mapping(g), "properties": p}
        for g, p in zip(geometries, properties or [{}] * len(geometries), strict=True)]}


def _name(text: str) -> str:
    """A name from the configuration as Leaflet's layer switcher shows it: HTML, with
    the braces Jinja would read written as character references."""
    return str(escape(text)).replace("{", "&#123;").replace("}", "&#125;")


def _stable_ids(element: folium.Element, prefix: str) -> None:
    """Replace folium's random ids (uuid4) with ids from the element's position."""
    counter = 0

    def visit(node: folium.Element) -> None:
        nonlocal counter
        node._id = f"{prefix}{counter}"
        counter += 1
        for child in node._children.values():
            visit(child)

    visit(element)
    # Children are keyed by their old names; re-key them so rendering uses the new ones.

    def rekey(node: folium.Element) -> None:
        node._children = OrderedDict(
            (child.get_name(), child) for child in node._children.values())
        for child in node._children.values():
            rekey(child)

    rekey(element)


# Leaflet writes layer names (in the layer switcher), tooltips and the attribution into
# the page as HTML: names and values from the configuration and the boundary file are
# escaped before they reach folium, and the attribution is rebuilt from its text and
# links (untrusted.attribution_html).


def _attribution(config: Config) -> str:
    safe = attribution_html(config.tiles.attribution)[0]
    return safe.replace("{", "&#123;").replace("}", "&#125;")


def _new_map(config: Config, wards: WardMap, map_id: str) -> folium.Map:
    minx, miny, maxx, maxy = wards.boundary.bounds
    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12,
                   tiles=None, control_scale=True)
    folium.TileLayer(tiles=config.tiles.url, attr=_attribution(config),
                     name=_name(config.tiles.name), max_zoom=19).add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _script(m: folium.Map, map_id: str) -> tuple[str, str]:
    """(the map's div id, its JavaScript) with stable ids and no asset links."""
    _stable_ids(m, map_id)
    root = m.get_root()
    assert isinstance(root, Figure)
    root.render()
    return m.get_name(), root.script.render()


def _assets(root: str, cluster: bool) -> dict[str, object]:
    """Template variables for map_assets.html: the vendored files a map needs."""
    return {"root": root, "css": [LEAFLET_CSS, *(CLUSTER_CSS if cluster else ())],
            "js": [LEAFLET_JS, *([CLUSTER_JS] if cluster else [])]}


def _ward_outlines(wards: WardMap) -> folium.GeoJson:
    return folium.GeoJson(
        _shapes(wards.geometries), name="Ward boundaries",
        style_function=lambda _: {"color": "#333333", "weight": 1, "fillOpacity": 0},
    )


def _overlays(m: folium.Map, config: Config) -> None:
    """The configured extra layers (conservation areas, article 4 areas...)."""
    for overlay in config.maps.overlays:
        data = _shapes(load_shapes(config.path(overlay.file)))
        colour = overlay.colour
        folium.GeoJson(
            data, name=_name(overlay.name), show=overlay.shown,
            style_function=lambda _, c=colour: {"color": c, "weight": 2,
                                                "fillOpacity": 0.1, "dashArray": "4 4"},
        ).add_to(m)


def register_map(site: GeneratedSite, entries: list[Entry], config: Config,
                 wards: WardMap) -> list[Entry]:
    """The register map page; returns the entries that have no point to show."""
    path = "maps/register.md"
    root = relative_root(path)
    located = [e for e in entries if e.notice.latitude is not None]
    m = _new_map(config, wards, "register_map")
    _ward_outlines(wards).add_to(m)
    data = [[e.notice.latitude, e.notice.longitude, i] for i, e in enumerate(located)]
    _overlays(m, config)
    FastMarkerCluster(data, callback=MARKER_CALLBACK, name="Register entries").add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    map_id, script = _script(m, "register_map_")
    types = [[t.label, TYPE_COLOURS[i]] for i, t in enumerate(TYPES)]
    shown = [[TYPES.index(e.notice.notice_type), e.slug, e.notice.reference] for e in located]
    preamble = (f"window.ENFORCEMENT_TYPES = {json.dumps(types)};\n"
                f"window.ENFORCEMENT_ROOT = {json.dumps(root)};\n"
                f"window.ENFORCEMENT_ENTRIES = {json.dumps(shown, ensure_ascii=False)};\n")
    site.add_file("maps/register-map.js", preamble + script)
    present = sorted({e.notice.notice_type for e in located}, key=TYPES.index)
    body = render("register_map.html", map_id=map_id, entries=entries,
                  listed=len(entries) <= INLINE_LIST_LIMIT, tiles_name=config.tiles.name,
                  unlocated=len(entries) - len(located),
                  approximate=sum(e.notice.located_by == "postcode" for e in located),
                  legend=[(t.label, TYPE_COLOURS[TYPES.index(t)]) for t in present],
                  **_assets(root, cluster=True))
    site.add_page(path, "Register map", body,
                  description="A map of every notice on the enforcement register.",
                  extra={"section": "Enforcement register", "order": 110})
    return [e for e in entries if e.notice.latitude is None]


SHADES = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
# A withheld count is not a shade of the scale: grey with a dashed outline, so that it
# cannot be read as a low count (nor a low count as withheld).
WITHHELD_FILL = "#9e9e9e"
WITHHELD_STYLE = {"color": "#0b0c0c", "weight": 2, "dashArray": "6 4", "fillOpacity": 0.5}


def _shade(count: int, maximum: int) -> int:
    return min(len(SHADES) - 1, int(len(SHADES) * count / (maximum + 1))) if maximum > 0 \
        else 0


def _legend(known: list[int], maximum: int, threshold: int) -> list[tuple[str, str, bool]]:
    """(label, colour, withheld) for each shade in use, from the published counts only,
    then the withheld marker."""
    out = []
    for i, colour in enumerate(SHADES):
        values = sorted(c for c in known if _shade(c, maximum) == i)
        if values:
            low, high = values[0], values[-1]
            out.append((f"{low}" if low == high else f"{low} to {high}", colour, False))
    out.append((f"[c] withheld to protect the people involved: could be 0 or more (we "
                f"hide counts below {threshold}, and some others)", WITHHELD_FILL, True))
    return out


def case_map(site: GeneratedSite, stats: Statistics, config: Config, wards: WardMap,
             ward_names: dict[str, str]) -> None:
    """Each ward shaded by the count the statistics publish for it, and only that."""
    path = "maps/cases.md"
    counts = {code: stats.ward_counts.get(code, {}).get("total") for code in ward_names}
    known = [c for c in counts.values() if c is not None]
    maximum = max(known) if known else 0
    properties, tooltips = [], []
    for number, ward in enumerate(wards.wards):
        count = counts.get(ward.code)
        withheld = count is None
        properties.append({"ward": number, "withheld": withheld,
                           "fill": WITHHELD_FILL if withheld else SHADES[_shade(count or 0,
                                                                                 maximum)]})
        tooltips.append([ward.name, "[c] (withheld)" if withheld else str(count)])
    m = _new_map(config, wards, "case_map")
    layer = folium.GeoJson(
        _shapes(wards.geometries, properties), name="Cases by ward",
        style_function=lambda f: {"fillColor": f["properties"]["fill"], **(
            WITHHELD_STYLE if f["properties"]["withheld"] else
            {"color": "#333333", "weight": 1, "fillOpacity": 0.7})},
    ).add_to(m)
    if config.maps.overlays:
        _overlays(m, config)
        folium.LayerControl(collapsed=False).add_to(m)
    map_id, script = _script(m, "case_map_")
    preamble = f"window.ENFORCEMENT_WARDS = {json.dumps(tooltips, ensure_ascii=False)};\n"
    site.add_file("maps/case-map.js", preamble + script + WARD_TOOLTIPS % layer.get_name())
    period = stats.ward_period or "the latest complete quarter"
    rows = [(ward_names[code], counts[code])
            for code in sorted(ward_names, key=lambda c: ward_names[c])]
    # Reports with no ward cannot be shaded on the map: the figure the statistics
    # already publish (protected like every other cell) says how many.
    not_shown = stats.ward_counts.get(NOT_KNOWN)
    threshold = config.privacy.suppression_threshold
    body = render("case_map.html", period=period, map_id=map_id, rows=rows,
                  threshold=threshold, legend=_legend(known, maximum, threshold),
                  not_shown=None if not_shown is None else not_shown.get("total"),
                  has_not_shown=not_shown is not None,
                  **_assets(relative_root(path), cluster=False))
    site.add_page(path, "Cases by ward", body,
                  description="A map of how many reports of a breach we received in each "
                  "ward.",
                  extra={"section": "Our performance", "order": 310,
                         "menu_title": "Cases by ward map"})


def locator_settings(site: GeneratedSite, config: Config) -> None:
    """Tile settings for the small map on each register entry (theme/assets/locator.js)."""
    settings = {"url": config.tiles.url, "attribution": _attribution(config)}
    site.add_file("assets/map-settings.js",
                  f"window.ENFORCEMENT_TILES = {json.dumps(settings)};\n")
