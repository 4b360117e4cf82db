"""Geography: British National Grid conversion, wards and the authority boundary.

Conversion from British National Grid uses the Ordnance Survey's OSTN15 transformation
(through `convertbng`, which carries the OS grid), accurate to about 0.1 m; PROJ's own
OSTN15 grid is not available offline, and its fallback 7-parameter Helmert is out by up
to several metres. Points outside OSTN15's coverage fall back to PROJ. Never a
hand-written approximation. Ward lookup is vectorised with shapely.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import shapely
from convertbng.cutil import convert_lonlat
from pyproj import Transformer
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from generator.core.errors import UsageError
from generator.core.model import Ward


class GeographyError(UsageError):
    """A boundary file cannot be used; the message names the file."""

    heading = "Boundary file problem"


@cache
def _bng_to_wgs84() -> Transformer:
    # EPSG:27700 -> EPSG:4326 picks the most accurate transformation PROJ has: OSTN15
    # when its grid is installed, otherwise the published 7-parameter Helmert.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@cache
def _wgs84_to_bng() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def bng_to_wgs84(eastings: Sequence[float], northings: Sequence[float]
                 ) -> tuple[list[float], list[float]]:
    """(longitudes, latitudes) rounded to 6 decimals (about 0.1 m), as Planning Data asks.

    The result is ETRS89, which is how OSTN15 defines WGS84 positions in Great Britain
    (the two differ by well under a metre; web maps treat them as the same).
    """
    if not eastings:
        return [], []
    e = np.asarray(eastings, dtype=float)
    n = np.asarray(northings, dtype=float)
    lons, lats = convert_lonlat(e, n)
    outside = np.isnan(lons) | np.isnan(lats)
    if outside.any():
        lons[outside], lats[outside] = _bng_to_wgs84().transform(e[outside], n[outside])
    return np.round(lons, 6).tolist(), np.round(lats, 6).tolist()


def wgs84_to_bng(lons: Sequence[float], lats: Sequence[float]
                 ) -> tuple[list[float], list[float]]:
    if not lons:
        return [], []
    eastings, northings = _wgs84_to_bng().transform(np.asarray(lons, dtype=float),
                                                    np.asarray(lats, dtype=float))
    return eastings.tolist(), northings.tolist()


@dataclass
class WardMap:
    wards: list[Ward]
    geometries: list[BaseGeometry]
    boundary: BaseGeometry
    geojson: dict  # the ward features as read, for map overlays

    def by_code(self) -> dict[str, Ward]:
        return {w.code: w for w in self.wards}

    def locate(self, lons: Sequence[float], lats: Sequence[float]) -> list[str]:
        """The ward code containing each point ('' when none does)."""
        if not lons:
            return []
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        tree = shapely.STRtree(self.geometries)
        point_index, ward_index = tree.query(points, predicate="intersects")
        codes = [""] * len(lons)
        # Sorted so that a point on a shared edge always gets the same (first) ward.
        for p, w in sorted(zip(point_index.tolist(), ward_index.tolist(), strict=True),
                           reverse=True):
            codes[p] = self.wards[w].code
        return codes

    def inside_boundary(self, lons: Sequence[float], lats: Sequence[float]) -> list[bool]:
        if not lons:
            return []
        # A little tolerance: generalised boundaries cut off real points at the edge.
        area = shapely.buffer(self.boundary, 0.0005)
        shapely.prepare(area)
        return shapely.contains_xy(area, np.asarray(lons, dtype=float),
                                   np.asarray(lats, dtype=float)).tolist()


def _read_geojson(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeographyError(f"{path.name}: cannot read it as GeoJSON ({exc})") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeographyError(f"{path.name}: expected a GeoJSON FeatureCollection")
    return data


def load_shapes(path: Path) -> list[BaseGeometry]:
    """The shapes of a GeoJSON file's features (an overlay layer), without anything
    else the file holds."""
    shapes = []
    for i, feature in enumerate(_read_geojson(path).get("features", []), start=1):
        try:
            shapes.append(shape(feature["geometry"]))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GeographyError(f"{path.name}: feature {i} has no usable geometry "
                                 f"({exc})") from None
    return shapes


def load_wards(path: Path, code_property: str, name_property: str,
               boundary_path: Path | None = None) -> WardMap:
    data = _read_geojson(path)
    wards: list[Ward] = []
    geometries: list[BaseGeometry] = []
    for i, feature in enumerate(data.get("features", []), start=1):
        props = feature.get("properties") or {}
        if code_property not in props or name_property not in props:
            raise GeographyError(
                f"{path.name}: feature {i} has no '{code_property}' or '{name_property}' "
                f"property (it has: {', '.join(sorted(props))}); set "
                "data.ward_code_property and data.ward_name_property in the configuration")
        try:
            geometry = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise GeographyError(f"{path.name}: feature {i} has no usable geometry "
                                 f"({exc})") from None
        wards.append(Ward(str(props[code_property]), str(props[name_property])))
        geometries.append(geometry.buffer(0) if not geometry.is_valid else geometry)
    if not wards:
        raise GeographyError(f"{path.name}: no ward features")
    if boundary_path:
        boundary_data = _read_geojson(boundary_path)
        boundary = shapely.union_all([shape(f["geometry"])
                                      for f in boundary_data.get("features", [])])
    else:
        boundary = shapely.union_all(geometries)
    return WardMap(wards, geometries, boundary, data)
