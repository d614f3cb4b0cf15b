"""The map's base: graph/geo/map.json, and where each of its zones is drawn on the canvas
(the main map of the Jura arc and the insets of the far partners), in canvas units.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from graph.page.graph_data import REFERENCE_CANVAS

__all__ = [
    "INSETS",
    "INSET_TITLE",
    "OPENING",
    "Frame",
    "box_at",
    "centroid",
    "flat",
    "frames",
    "geometry",
    "inside",
    "km",
    "overlap",
    "within",
]

#: The main map: an equirectangular projection around the Jura arc, in canvas units.
LON0, LAT0 = 7.0, 47.2
#: What the page shows when it opens: the Jura arc and its neighbours, from Besançon to
#: Aargau and from Strasbourg to the Aosta Valley (degrees: west, south, east, north).
OPENING = (5.55, 46.3, 8.62, 48.78)
#: What the main map draws (a zoom out shows France's centre, where the French State
#: stands); east of it are the insets.
MAIN_BOX = (0.5, 46.0, 8.62, 49.4)
INSET_WIDTH = 200
INSET_GAP = 14
INSET_TITLE = 24
#: The insets, top to bottom: zone of map.json, country (ISO 3166-1 alpha-3) named in
#: the title.
INSETS: tuple[tuple[str, tuple[str, ...], tuple[float, float, float, float] | None, str], ...] = (
    ("quebec", ("quebec",), None, "CAN"),
    ("belgium", ("belgium",), None, "BEL"),
    # The Aosta Valley is drawn from the detailed zone, in a box of its own.
    ("aosta", ("europe", "detail"), (6.3, 45.3, 8.1, 46.3), "ITA"),
    ("cameroon", ("cameroon",), None, "CMR"),
)


@lru_cache(maxsize=1)
def geometry() -> dict[str, Any]:
    """graph/geo/map.json: the zones, their areas and borders, and their sources."""
    return json.loads((files("graph") / "geo" / "map.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Frame:
    """Where a zone is drawn: an equirectangular projection around (lon0, lat0) at
    ``scale`` canvas units per degree of latitude, shifted by (dx, dy), clipped to the
    rectangle (x, y, width, height)."""

    key: str
    zones: tuple[str, ...]
    box: tuple[float, float, float, float]
    lon0: float
    lat0: float
    scale: float
    dx: float
    dy: float
    rect: tuple[float, float, float, float]

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        x = (lon - self.lon0) * math.cos(math.radians(self.lat0)) * self.scale + self.dx
        y = -(lat - self.lat0) * self.scale + self.dy
        return x, y

    def holds(self, lon: float, lat: float) -> bool:
        west, south, east, north = self.box
        return west <= lon <= east and south <= lat <= north


def frames(
    scale: float | None = None,
    right: float | None = None,
    top: float | None = None,
    height: float = REFERENCE_CANVAS[1],
) -> tuple[Frame, ...]:
    """The main map and the insets, laid out in canvas units: the opening view (the Jura
    arc) at ``scale`` units per degree (by default, filling the reference canvas's height),
    and the column of insets on its right, from ``right`` (the main map's right edge: by
    default the opening view's) and ``top``, ``height`` high."""
    west, south, east, north = OPENING
    inset_height = (height - INSET_GAP * (len(INSETS) - 1)) / len(INSETS)
    if scale is None:
        scale = REFERENCE_CANVAS[1] / (north - south)
    main = Frame("main", ("europe", "detail"), MAIN_BOX, LON0, LAT0, scale, 0.0, 0.0, (0, 0, 0, 0))
    if top is None:
        _, top = main.project(west, north)
    if right is None:
        right = main.project(east, south)[0]
    far_left, far_top = main.project(MAIN_BOX[0], MAIN_BOX[3])
    _, bottom = main.project(MAIN_BOX[2], MAIN_BOX[1])
    main = Frame(
        "main", main.zones, MAIN_BOX, LON0, LAT0, scale, 0.0, 0.0,
        (far_left, far_top, right - far_left, bottom - far_top),
    )  # fmt: skip
    result = [main]
    x = right + INSET_GAP
    zones = geometry()["zones"]
    for i, (key, zone_keys, box, _) in enumerate(INSETS):
        zw, zs, ze, zn = box or zones[key]["box"]
        lat0 = (zs + zn) / 2
        lon0 = (zw + ze) / 2
        room_h = inset_height - INSET_TITLE
        k = min(INSET_WIDTH / ((ze - zw) * math.cos(math.radians(lat0))), room_h / (zn - zs))
        y = top + i * (inset_height + INSET_GAP)
        centre = (x + INSET_WIDTH / 2, y + INSET_TITLE + room_h / 2)
        result.append(
            Frame(key, zone_keys, (zw, zs, ze, zn), lon0, lat0, k, centre[0], centre[1],
                  (x, y, INSET_WIDTH, inset_height))
        )  # fmt: skip
    return tuple(result)


def _ring_area_centroid(ring: list[list[float]], shrink: float) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0] * shrink, ring[i][1]
        x2, y2 = ring[(i + 1) % n][0] * shrink, ring[(i + 1) % n][1]
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    area /= 2
    if abs(area) < 1e-12:
        return 0.0, 0.0, 0.0
    return area, cx / (6 * area) / shrink, cy / (6 * area)


def centroid(areas: list[dict]) -> tuple[float, float, float] | None:
    """(lon, lat, area) of the union of ``areas`` (outer rings positive, holes negative)."""
    total = sx = sy = 0.0
    for area in areas:
        for polygon in area["polygons"]:
            lat0 = polygon[0][0][1]
            shrink = math.cos(math.radians(lat0))
            for i, ring in enumerate(polygon):
                a, x, y = _ring_area_centroid(ring, shrink)
                a = abs(a) if i == 0 else -abs(a)
                total += a
                sx += a * x
                sy += a * y
    if total <= 0:
        return None
    return sx / total, sy / total, total


def inside(lon: float, lat: float, area: dict) -> bool:
    """Whether (lon, lat) lies in ``area`` (even-odd rule over all its rings)."""
    found = False
    for polygon in area["polygons"]:
        for ring in polygon:
            n = len(ring)
            for i in range(n):
                x1, y1 = ring[i]
                x2, y2 = ring[(i + 1) % n]
                if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    found = not found
    return found


def flat(points, frame: Frame) -> list[float]:
    """``points`` (lon, lat) projected by ``frame``, as one flat list x0, y0, x1, y1..."""
    out: list[float] = []
    for lon, lat in points:
        x, y = frame.project(lon, lat)
        out.extend((round(x, 1), round(y, 1)))
    return out


def within(point, box) -> bool:
    """Whether ``point`` (lon, lat) lies in ``box`` (west, south, east, north)."""
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def box_at(position, box):
    """``box`` (left, top, right, bottom, relative) around ``position``, in canvas units."""
    x, y = position
    return (x + box[0], y + box[1], x + box[2], y + box[3])


def overlap(a, b) -> bool:
    """Whether two boxes (left, top, right, bottom) overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
