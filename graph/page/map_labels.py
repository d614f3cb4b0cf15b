"""The names written on the map: towns (the data's places), countries and territories, each
where it fits, clear of the bodies drawn and of the names already written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from graph.page.footprint import label_size
from graph.page.map_geometry import INSET_TITLE, OPENING, Frame, overlap, within
from graph.page.map_places import Outline, Place
from graph.page.ui import UI_LANGUAGES
from graph.rdf.terms import labels_of, pick_label
from graph.rdf.vocab import WGS

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["PLACE_FONT", "MapNames", "names_of", "towns", "widest", "write_names"]

PLACE_FONT = 12.5
TERRITORY_FONT = 12.5
#: The font size of each kind of name.
FONTS = {"country": 13.5, "town": PLACE_FONT, "territory": TERRITORY_FONT}


def towns(graph: Graph) -> list[tuple[float, float, dict[str, str]]]:
    """The places of the data with coordinates: (lon, lat, language -> name) in each
    language of the page (``pick_label``'s choice where a language has none)."""
    found = []
    for place in sorted(set(graph.subjects(WGS.lat, None))):
        lat, lon = graph.value(place, WGS.lat), graph.value(place, WGS.long)
        if lat is None or lon is None:
            continue
        names = labels_of(graph, place)
        texts = {lang: pick_label(names, lang) for lang in UI_LANGUAGES}
        found.append((float(lon), float(lat), texts))
    return found


def names_of(network: nx.MultiDiGraph, node: str, default: str = "") -> dict[str, str]:
    """An entity's name in each language of the page (``pick_label``'s choice where it has
    none in a language; ``default`` where it has no name at all)."""
    attributes = network.nodes[node]
    # The network keeps an untagged label as label_none; pick_label knows it as "".
    labels = {
        "" if k == "label_none" else k.removeprefix("label_"): v
        for k, v in attributes.items()
        if k.startswith("label_")
    }
    return {lang: pick_label(labels, lang, default) for lang in UI_LANGUAGES}


def widest(texts: dict[str, str], font: float) -> float:
    """The width of the longest of a name's languages, on one line."""
    return max(label_size([t], font, 10_000)[0] for t in texts.values())


@dataclass
class MapNames:
    """The names written on the map so far, and the room taken on each frame."""

    #: The opening view (left, top, right, bottom): names on the main map stay inside it.
    bounds: tuple[float, float, float, float]
    labels: list[dict[str, Any]] = field(default_factory=list)
    #: Frame key -> boxes (left, top, right, bottom) no name may overlap.
    occupied: dict[str, list[tuple[float, float, float, float]]] = field(default_factory=dict)

    def take(self, frame: str, box: tuple[float, float, float, float]) -> None:
        self.occupied.setdefault(frame, []).append(box)

    def write(self, x: float, y: float, texts: dict[str, str], kind: str, anchors, frame: Frame):
        """Write a name at the first of ``anchors`` around (x, y) where it fits inside its
        frame without touching anything; False when it fits nowhere."""
        font = FONTS[kind]
        width = widest(texts, font)
        half = font * 0.6
        for anchor in anchors:
            dx, dy, align = _offset(anchor, font, half)
            tx, ty = x + dx, y + dy
            start = tx if align == "left" else tx - width if align == "right" else tx - width / 2
            box = (start, ty - half, start + width, ty + half)
            if not self._inside(box, frame):
                continue
            grown = (box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2)
            if any(overlap(grown, other) for other in self.occupied.get(frame.key, [])):
                continue
            self.take(frame.key, box)
            self.labels.append(
                {"kind": kind, "x": round(x, 1), "y": round(y, 1), "tx": round(tx, 1),
                 "ty": round(ty, 1), "align": align, "texts": texts, "font": font,
                 "frame": frame.key}
            )  # fmt: skip
            return True
        return False

    def _inside(self, box: tuple[float, float, float, float], frame: Frame) -> bool:
        fx, fy, fw, fh = frame.rect
        if frame.key == "main":
            left, top, right, bottom = self.bounds
            fx, fy, fw, fh = left, top, right - left, bottom - top
        title = 0 if frame.key == "main" else INSET_TITLE
        return not (
            box[0] < fx or box[2] > fx + fw or box[1] < fy + title or box[3] > fy + fh
        )  # fmt: skip


def _offset(anchor: str, font: float, half: float) -> tuple[float, float, str]:
    """(dx, dy) of the text's anchor point from the place, and the text's alignment."""
    return {
        "right": (5, 0, "left"),
        "left": (-5, 0, "right"),
        "above": (0, -font - 1, "center"),
        "below": (0, font + 1, "center"),
        # Above a node drawn on the place, clear of its shape.
        "over": (0, -17 - half, "center"),
        "centre": (0, 0, "center"),
    }[anchor]


def write_names(
    names: MapNames,
    network: nx.MultiDiGraph,
    outlines: dict[str, Outline],
    places: dict[str, Place],
    towns_found: list[tuple[float, float, dict[str, str]]],
    frames: tuple[Frame, ...],
    detail: list[dict],
) -> None:
    """The names of the towns in the insets, of the countries of the opening view and of
    its territories, where they fit (the towns of the main map are written already)."""
    for lon, lat, texts in towns_found:
        for frame in frames[1:]:
            if frame.holds(lon, lat):
                x, y = frame.project(lon, lat)
                names.write(x, y, texts, "town", ("over", "right", "left", "below"), frame)
    main = frames[0]
    for code in ("CHE", "FRA", "ITA", "DEU"):
        written = _country_name(network, outlines, detail, code)
        if written is not None:
            (lon, lat), texts = written
            x, y = main.project(lon, lat)
            names.write(x, y, texts, "country", ("centre", "above", "below"), main)
    for (lon, lat), texts in _territory_names(network, outlines, places, detail):
        x, y = main.project(lon, lat)
        names.write(x, y, texts, "territory", ("centre", "above", "below"), main)


def _country_name(
    network: nx.MultiDiGraph, outlines: dict[str, Outline], detail: list[dict], code: str
) -> tuple[tuple[float, float], dict[str, str]] | None:
    """Where a country's name goes (the mean of its regions' label points in the opening
    view) and its name in capitals; None when it is not in the data or not in view."""
    country = next(
        (t for t in sorted(outlines) if network.nodes[t]["kind"] == "country"
         and outlines[t].how.startswith(f"ISO 3166-1 {code}")),
        None,
    )  # fmt: skip
    points = [
        a["label"] for a in detail
        if a.get("country") == code and "label" in a and within(a["label"], OPENING)
    ]  # fmt: skip
    if country is None or not points:
        return None
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    return (lon, lat), {lang: text.upper() for lang, text in names_of(network, country).items()}


def _territory_names(
    network: nx.MultiDiGraph,
    outlines: dict[str, Outline],
    places: dict[str, Place],
    detail: list[dict],
) -> list[tuple[tuple[float, float], dict[str, str]]]:
    """The territories of the opening view with no body drawn at their centre, the data's
    first (by their name there), then Natural Earth's, north to south."""
    named_territories = {t for t in outlines if network.nodes[t]["kind"] == "territory"}
    candidates = []
    for index, area in enumerate(detail):
        if "label" not in area or area["level"] != "admin1":
            continue
        if not within(area["label"], OPENING):
            continue
        owner = next(
            (t for t in sorted(named_territories) if outlines[t].areas == (("detail", index),)),
            None,
        )
        if owner and any(p.what == owner for p in places.values()):
            continue
        if owner:
            texts = names_of(network, owner)
        else:
            names = area.get("names", {})
            texts = {
                lang: _plain_name(names.get(lang) or names.get("en") or "") for lang in UI_LANGUAGES
            }
        if all(texts.values()):
            candidates.append((0 if owner else 1, area["label"], texts))
    ordered = sorted(candidates, key=lambda c: (c[0], -c[1][1], c[1][0]))
    return [(tuple(point), texts) for _, point, texts in ordered]


def _plain_name(name: str) -> str:
    """Natural Earth's French names of cantons start with "canton de": the map says the
    name alone, as it does for départements."""
    lowered = name.lower()
    for prefix in ("canton de ", "canton d'", "canton du ", "canton des "):
        if lowered.startswith(prefix):
            return name[len(prefix) :]
    return name
