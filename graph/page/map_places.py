"""Where a body stands on the map, and which polygons of graph/geo/map.json are a
territory's.

Territories are joined to polygons by identifier, never by name: ISO 3166-2 (also a French
région's or an Italian region's, which Natural Earth gives on their départements or
provinces), Wikidata, and the EU authority's country code (ISO 3166-1 alpha-3). A
territory with no polygon of its own is the union of its parts (``dct:isPartOf``); a
country with no code is the country of its parts or of the seat of a body governing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib.namespace import DCTERMS

from graph.page.map_geometry import centroid, geometry, inside

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "GOVERNING",
    "MAP_KINDS",
    "SPATIAL",
    "Outline",
    "Place",
    "place_entities",
    "territory_areas",
]

#: The kinds of entity drawn on the map: bodies. Agreements, texts, programmes, funds,
#: concepts, posts and events have no place of their own.
MAP_KINDS = frozenset(
    {
        "canton",
        "region",
        "departement",
        "agglomeration",
        "state",
        "unit",
        "multilateral",
        "association",
        "organisation",
    }
)
#: Bodies that govern their territory: the ones whose territory is shaded by axis.
GOVERNING = frozenset({"canton", "region", "departement", "agglomeration", "state"})
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
SPATIAL = str(DCTERMS.spatial)
PART_OF = str(DCTERMS.isPartOf)


@dataclass(frozen=True)
class Outline:
    """The polygons of one territory: (zone, index of the area in that zone), and the
    identifier that joined them, in words."""

    areas: tuple[tuple[str, int], ...]
    how: str


Areas = tuple[tuple[str, int], ...]


def territory_areas(network: nx.MultiDiGraph) -> dict[str, Outline]:
    """Territory (or country) -> its polygons in graph/geo/map.json, joined by identifier."""
    zones = geometry()["zones"]
    kinds = {n: d["kind"] for n, d in network.nodes(data=True)}
    territories = sorted(n for n, k in kinds.items() if k in ("territory", "country"))
    outlines: dict[str, Outline] = {}
    for node in territories:
        found = _by_identifier(network.nodes[node], zones)
        if found is not None:
            outlines[node] = found
    _from_parts(network, kinds, territories, outlines, zones)
    _from_seats(network, kinds, outlines, zones)
    return outlines


def _matching(zones: dict[str, Any], test: Callable[[dict], bool]) -> Areas:
    """Every area of every zone that passes ``test``, as (zone, index)."""
    return tuple(
        (zone, i)
        for zone in sorted(zones)
        for i, area in enumerate(zones[zone]["areas"])
        if test(area)
    )


def _by_identifier(data: dict[str, Any], zones: dict[str, Any]) -> Outline | None:
    """The polygons of a territory by its own identifiers: ISO 3166-2, else Wikidata, else
    the EU authority's country code."""
    for code in data.get("iso31662", []):
        found = _matching(zones, lambda a, c=code: a.get("iso") == c or a.get("region") == c)
        if found:
            return Outline(found, f"ISO 3166-2 {code}")
    for item in data.get("wikidata", []):
        found = _matching(zones, lambda a, q=item: a.get("wikidata") == q)
        if found:
            return Outline(found, f"Wikidata {item}")
    for iri in data.get("exact_match", []):
        if iri.startswith(EU_COUNTRY):
            code = iri[len(EU_COUNTRY) :]
            found = _matching(zones, lambda a, c=code: a.get("country") == c)
            if found:
                return Outline(found, f"ISO 3166-1 {code}")
    return None


def _from_parts(
    network: nx.MultiDiGraph,
    kinds: dict[str, str],
    territories: list[str],
    outlines: dict[str, Outline],
    zones: dict[str, Any],
) -> None:
    """A territory with no polygon of its own: the union of its parts (the CeA: the two
    départements); a country: the country of its parts (Canada holds Québec)."""
    parts: dict[str, list[str]] = {}
    for u, v, data in network.edges(data=True):
        if data["predicate"] == PART_OF and u in outlines:
            parts.setdefault(v, []).append(u)
    for node in territories:
        if node in outlines or node not in parts:
            continue
        named = ", ".join(outlines[p].how for p in sorted(parts[node]))
        if kinds[node] != "country":
            found = tuple(sorted({a for part in parts[node] for a in outlines[part].areas}))
            outlines[node] = Outline(found, named)
            continue
        codes = sorted(
            {
                zones[z]["areas"][i].get("country")
                for part in parts[node]
                for z, i in outlines[part].areas
            }
            - {None}
        )
        if len(codes) == 1:
            found = _matching(zones, lambda a, c=codes[0]: a.get("country") == c)
            outlines[node] = Outline(found, f"ISO 3166-1 {codes[0]} ({named})")


def _from_seats(
    network: nx.MultiDiGraph,
    kinds: dict[str, str],
    outlines: dict[str, Outline],
    zones: dict[str, Any],
) -> None:
    """A country with no code and no part: the country holding the seat of a body that
    governs it (Brussels, seat of the Wallonia-Brussels Federation, is in Belgium)."""
    for u, v, data in network.edges(data=True):
        if data["predicate"] != SPATIAL or v in outlines or kinds.get(v) != "country":
            continue
        body = network.nodes[u]
        if "lat" not in body:
            continue
        for zone in sorted(zones):
            for area in zones[zone]["areas"]:
                if area.get("country") and inside(body["lon"], body["lat"], area):
                    code = area["country"]
                    found = _matching(zones, lambda a, c=code: a.get("country") == c)
                    outlines[v] = Outline(found, f"ISO 3166-1 {code} ({body.get('seat', '')})")
                    break
            if v in outlines:
                break


@dataclass(frozen=True)
class Place:
    """Where a body stands on the map, and why there."""

    lon: float
    lat: float
    #: "seat" or "territory".
    how: str
    #: The seat's name, or the territory's IRI.
    what: str


def place_entities(network: nx.MultiDiGraph, outlines: dict[str, Outline]) -> dict[str, Place]:
    """Where each body of the map stands: its seat, else its territory's centre."""
    places: dict[str, Place] = {}
    territory_of: dict[str, list[str]] = {}
    for u, v, data in network.edges(data=True):
        if data["predicate"] == SPATIAL:
            territory_of.setdefault(u, []).append(v)
    for node, data in sorted(network.nodes(data=True)):
        if data["kind"] not in MAP_KINDS:
            continue
        if "lat" in data and "lon" in data:
            places[node] = Place(
                float(data["lon"]), float(data["lat"]), "seat", data.get("seat", "")
            )
            continue
        for territory in sorted(territory_of.get(node, [])):
            if territory not in outlines:
                continue
            centre = _centre(outlines[territory])
            if centre is not None:
                places[node] = Place(*centre, "territory", territory)
                break
    return places


def _centre(outline: Outline) -> tuple[float, float] | None:
    """(lon, lat) of the centre of a territory in the zone that holds most of it."""
    zones = geometry()["zones"]
    by_zone: dict[str, list[dict]] = {}
    for zone, i in outline.areas:
        by_zone.setdefault(zone, []).append(zones[zone]["areas"][i])
    centres = [(c, a) for c, a in ((centroid(a), a) for a in by_zone.values()) if c]
    if not centres:
        return None
    (lon, lat, _), chosen = max(centres, key=lambda c: c[0][2])
    if not any(inside(lon, lat, area) for area in chosen):
        # A crescent (Basel-Landschaft round Basel-Stadt) has its centre outside: then
        # Natural Earth's label point, which lies inside.
        inner = [
            area["label"] for area in chosen if "label" in area and inside(*area["label"], area)
        ]
        if inner:
            lon, lat = inner[0]
    return lon, lat
