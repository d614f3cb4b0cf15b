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

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from graph.page.footprint import Footprint, label_size, longest_word
from graph.page.graph_data import REFERENCE_CANVAS
from graph.page.map_geometry import INSETS, OPENING, Frame, box_at, flat, frames, geometry, km
from graph.page.map_geometry import within as within_box
from graph.page.map_labels import PLACE_FONT, MapNames, names_of, towns, widest, write_names
from graph.page.map_places import (
    GOVERNING,
    SPATIAL,
    Outline,
    Place,
    place_entities,
    territory_areas,
)
from graph.page.overlap import separate_all
from graph.page.ui import UI_LANGUAGES, page_words

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["map_page_data"]

#: Font sizes (canvas units; the page opens at a scale of about 0.9 in 1400 x 900, where
#: the smallest is drawn at 11.2 px) and label widths.
FONT = {"centre": 15.5, "major": 13.5, "minor": 12.5}
WRAP = {"centre": 150, "major": 125, "minor": 115}

Box = tuple[float, float, float, float]


def map_page_data(graph: Graph, network: nx.MultiDiGraph, data: dict[str, Any]) -> dict[str, Any]:
    """The network page's data (graph.page.graph_data.page_data) turned into the map's:
    positions, fonts and visibility of the nodes, the base map, the names of places and
    territories, and the map's words."""
    zones = geometry()["zones"]
    outlines = territory_areas(network)
    bodies = _Bodies.of(network, data, place_entities(network, outlines))
    town_list = towns(graph)
    drawn = _draw(bodies, town_list)
    _show_nodes(data, bodies, drawn.positions)
    names = MapNames(drawn.bounds, list(drawn.town_labels))
    for label in drawn.town_labels:
        width = widest(label["texts"], PLACE_FONT)
        half = PLACE_FONT * 0.6
        box = (label["x"] - 3, label["y"] - half, label["x"] + 5 + width, label["y"] + half)
        names.take(label["frame"], box)
    for node in drawn.positions:
        names.take(bodies.frame[node], box_at(drawn.positions[node], bodies.room[node].box()))
    places = bodies.places
    detail = zones["detail"]["areas"]
    write_names(names, network, outlines, places, town_list, drawn.frames, detail)
    centre = data.get("centre")
    main = drawn.frames[0]
    data["map"] = {
        "opening": [round(v, 1) for v in drawn.bounds],
        "mainRect": [round(v, 1) for v in main.rect],
        "insets": _insets(network, outlines, bodies, drawn.frames, centre),
        "layers": _layers(drawn.frames),
        "labels": names.labels,
        "placed": {
            node: {
                "frame": bodies.frame[node],
                "how": place.how,
                "what": place.what,
                "trueX": round(drawn.true_places[node][0], 1),
                "trueY": round(drawn.true_places[node][1], 1),
                "moved": math.dist(drawn.true_places[node], drawn.positions[node]) > 6,
            }
            for node, place in sorted(places.items())
        },
        "territories": _territories(network, data, outlines),
        "centreTerritory": _centre_territory(network, outlines, centre),
        "sources": geometry()["sources"][:1]
        + [{k: s[k] for k in ("name", "version", "licence")} for s in geometry()["sources"][1:]],
    }
    # The map's words over the page's, in a table of their own (UI itself stays as it is).
    data["ui"] = page_words(with_map=True)
    return data


@dataclass
class _Bodies:
    """The bodies on the map: where each stands, on which frame, its tier (centre, major:
    partners on an axis and multilateral bodies; minor), size, and the room its name takes
    in every language."""

    places: dict[str, Place]
    frame: dict[str, str]
    tiers: dict[str, str]
    sizes: dict[str, float]
    room: dict[str, Footprint]
    wraps: dict[str, int]

    @classmethod
    def of(cls, network: nx.MultiDiGraph, data: dict[str, Any], places: dict[str, Place]):
        zones = geometry()["zones"]
        inset_boxes = {key: box or zones[key]["box"] for key, _, box, _ in INSETS}
        major = {n for n, d in network.nodes(data=True) if d["kind"] == "multilateral"}
        for item in data["edgeInfo"].values():
            if item.get("axis"):
                major.update((item["from"], item["to"]))
        centre = data.get("centre")
        tiers = {
            node: "centre" if node == centre else "major" if node in major else "minor"
            for node in places
        }
        sizes = {
            item["id"]: min(float(item.get("size", 10)), 16.0)
            for item in data["nodes"]
            if item["id"] in places
        }
        room: dict[str, Footprint] = {}
        wraps: dict[str, int] = {}
        for node in places:
            tier = tiers[node]
            info = data["info"][node]
            texts = list(info["caption"].values()) + [
                name for _, _, name in info.get("names", []) if name
            ]
            wraps[node] = math.ceil(max(WRAP[tier], longest_word(texts, FONT[tier]) + 2))
            width, height = label_size(texts, FONT[tier], wraps[node])
            room[node] = Footprint(sizes[node], width, height, FONT[tier])
        frame = {node: _zone_of(place, inset_boxes) for node, place in places.items()}
        return cls(places, frame, tiers, sizes, room, wraps)


def _zone_of(place: Place, inset_boxes: dict[str, Any]) -> str:
    for key, (w, s, e, n) in inset_boxes.items():
        if w <= place.lon <= e and s <= place.lat <= n:
            return key
    return "main"


@dataclass
class _Drawn:
    """The map as drawn: its frames, the bodies' positions (moved apart) and true places,
    the towns' names written beside their dots, and the bounds of the opening view."""

    frames: tuple[Frame, ...]
    positions: dict[str, tuple[float, float]]
    true_places: dict[str, tuple[float, float]]
    town_labels: list[dict[str, Any]]
    bounds: Box


def _draw(bodies: _Bodies, town_list: list) -> _Drawn:
    """The main map first: its nodes moved apart until no two names overlap; then the insets
    stand right of everything drawn in the opening view.

    One pass at the scale where the opening view fills the canvas's height: the names then
    make the drawing a little larger than the canvas (the page opens at about 0.9), which
    the font sizes allow for. A smaller scale would not help: the names keep their size,
    and the bodies only crowd more."""
    places = bodies.places
    positions: dict[str, tuple[float, float]] = {}
    true_places: dict[str, tuple[float, float]] = {}
    in_main = sorted(n for n in places if bodies.frame[n] == "main")
    west, south, east, north = OPENING
    scale = REFERENCE_CANVAS[1] / (north - south)
    main = frames(scale)[0]
    for node in in_main:
        place = places[node]
        positions[node] = true_places[node] = main.project(place.lon, place.lat)
    town_labels = _separate(main, in_main, town_list, positions, bodies.room)
    left, top = main.project(west, north)
    right, bottom = main.project(east, south)
    for node in (n for n in in_main if within_box((places[n].lon, places[n].lat), OPENING)):
        box = box_at(positions[node], bodies.room[node].box())
        left, top = min(left, box[0]), min(top, box[1])
        right, bottom = max(right, box[2]), max(bottom, box[3])
    all_frames = frames(scale, right + 4, top, bottom - top)
    for frame in all_frames[1:]:
        for node in sorted(n for n in places if bodies.frame[n] == frame.key):
            place = places[node]
            positions[node] = true_places[node] = frame.project(place.lon, place.lat)
        # An inset holds one or two bodies: they stay at their true place, and the town's
        # name goes where it fits (written later).
        x, y, w, h = frame.rect
        left, top = min(left, x), min(top, y)
        right, bottom = max(right, x + w), max(bottom, y + h)
    return _Drawn(all_frames, positions, true_places, town_labels, (left, top, right, bottom))


def _separate(
    frame: Frame,
    nodes: list[str],
    town_list: list,
    positions: dict[str, tuple[float, float]],
    room: dict[str, Footprint],
) -> list[dict[str, Any]]:
    """Move the bodies apart, around the names of the towns of the opening view, which stay
    put beside their dot: a name on the map is where the place is. Returns those names."""
    pins = []
    town_labels = []
    for i, (lon, lat, texts) in enumerate(town_list):
        if not within_box((lon, lat), OPENING):
            continue
        x, y = frame.project(lon, lat)
        width = widest(texts, PLACE_FONT)
        half = PLACE_FONT * 0.6
        key = f"town:{frame.key}:{i}"
        # The dot and the name on its right, as one box centred on its middle.
        positions[key] = (x - 3 + (width + 8) / 2, y)
        room[key] = Footprint(half + 1, width + 8, 0.0, PLACE_FONT)
        pins.append(key)
        town_labels.append(
            {"kind": "town", "x": round(x, 1), "y": round(y, 1), "tx": round(x + 5, 1),
             "ty": round(y, 1), "align": "left", "texts": texts, "font": PLACE_FONT,
             "frame": frame.key}
        )  # fmt: skip
    separate_all(positions, [*nodes, *pins], room, pinned=set(pins), iterations=600)
    for key in pins:
        positions.pop(key)
        room.pop(key)
    return town_labels


def _show_nodes(data: dict[str, Any], bodies: _Bodies, positions: dict) -> None:
    """The nodes of the page: the bodies at their place on the map, the others hidden."""
    for entry in data["info"].values():
        # One map for every language: the network's per-language layouts do not apply.
        entry.pop("at", None)
        entry.pop("wrap", None)
        # Nothing is pulled onto a rim: every place on the map is its true place.
        entry.pop("geo_note", None)
    for item in data["nodes"]:
        node = item["id"]
        if node not in bodies.places:
            item["hidden"] = True
            continue
        tier = bodies.tiers[node]
        x, y = positions[node]
        item["x"], item["y"] = round(x), round(y)
        item["size"] = bodies.sizes[node]
        item["font"] = {"size": FONT[tier]}
        item["widthConstraint"] = {"maximum": bodies.wraps[node]}
        item["hidden"] = False


def _layers(all_frames: tuple[Frame, ...]) -> list[dict[str, Any]]:
    """Per frame, its zones' areas (as flat x, y lists) and borders."""
    zones = geometry()["zones"]
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
                        "rings": [flat(ring, frame) for poly in area["polygons"] for ring in poly],
                    }
                )
            for border in zone["borders"]:
                borders.append({"level": border["level"], "points": flat(border["line"], frame)})
        layers.append({"frame": frame.key, "areas": areas, "borders": borders})
    return layers


def _territories(
    network: nx.MultiDiGraph, data: dict[str, Any], outlines: dict[str, Outline]
) -> dict[str, dict[str, Any]]:
    """Territory -> its areas, how they were joined, and the axis it is shaded with: the
    territory of each governing partner takes the colour of its axis (the first axis in
    the legend's order, when it has several)."""
    centre = data.get("centre")
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
    return {
        territory: {
            "areas": [f"{z}:{i}" for z, i in outline.areas],
            "how": outline.how,
            **({"axis": shade[territory]} if territory in shade else {}),
        }
        for territory, outline in sorted(outlines.items())
    }


def _centre_territory(
    network: nx.MultiDiGraph, outlines: dict[str, Outline], centre: str | None
) -> str | None:
    """The territory of the centre (the canton), drawn in its own colour."""
    found = None
    if centre is not None:
        for _, territory, edge in network.out_edges(centre, data=True):
            if edge["predicate"] == SPATIAL and territory in outlines:
                found = territory
    return found


def _insets(
    network: nx.MultiDiGraph,
    outlines: dict[str, Outline],
    bodies: _Bodies,
    all_frames: tuple[Frame, ...],
    centre: str | None,
) -> list[dict[str, Any]]:
    """Each inset's rectangle, its title (the country it shows) and its distance from the
    centre's seat (Delémont), as the crow flies."""
    zones = geometry()["zones"]
    delemont = bodies.places.get(centre) if centre else None
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
            title = names_of(network, country, default=code)
        else:
            title = dict.fromkeys(UI_LANGUAGES, code)
        distance = None
        places = bodies.places
        there = [places[n] for n in sorted(places) if bodies.frame[n] == frame.key]
        if delemont and there:
            distance = int(round(km(delemont.lat, delemont.lon, there[0].lat, there[0].lon), -2))
        insets.append({"frame": frame.key, "rect": [round(v, 1) for v in frame.rect],
                       "title": title, "km": distance})  # fmt: skip
    return insets
