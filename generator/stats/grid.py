"""The grid squares of the British National Grid that cover part of the area: the grid
table lists every one of them, empty or not, so that the list itself says nothing about
where cases were."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from generator.ingest.geo import bng_to_wgs84, wgs84_to_bng


def _to_bng(geometry: BaseGeometry) -> BaseGeometry:
    def convert(xy: np.ndarray) -> np.ndarray:
        e, n = wgs84_to_bng(xy[:, 0].tolist(), xy[:, 1].tolist())
        xy[:, 0], xy[:, 1] = e, n
        return xy

    return shapely.transform(geometry, convert)


def grid_squares(boundary: BaseGeometry, metres: int) -> list[str]:
    """'easting-northing' of the south-west corner of each square of side `metres`
    that overlaps the boundary (given in longitude and latitude), by easting then
    northing."""
    area = _to_bng(boundary)
    minx, miny, maxx, maxy = area.bounds
    corners = [(e, n) for e in range(int(minx // metres) * metres, int(maxx) + 1, metres)
               for n in range(int(miny // metres) * metres, int(maxy) + 1, metres)]
    cells = shapely.box([e for e, _ in corners], [n for _, n in corners],
                        [e + metres for e, _ in corners], [n + metres for _, n in corners])
    shapely.prepare(area)
    overlap = shapely.area(shapely.intersection(area, cells)) > 0
    return [f"{e}-{n}" for (e, n), hit in zip(corners, overlap, strict=True) if hit]


def square_label(cell: str) -> str:
    easting, northing = (int(v) for v in cell.split("-"))
    return f"easting {easting:,}, northing {northing:,}"


def square_outline(cell: str, metres: int) -> list[tuple[float, float]]:
    """The square's corners in longitude and latitude, for the map."""
    e, n = (int(v) for v in cell.split("-"))
    es = [e, e + metres, e + metres, e, e]
    ns = [n, n, n + metres, n + metres, n]
    lons, lats = bng_to_wgs84(es, ns)
    return list(zip(lons, lats, strict=True))
