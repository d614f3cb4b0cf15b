"""Node positions for the interactive page, computed in Python so the page opens settled.

Two layouts, both deterministic (fixed seed, sorted input, positions rounded to whole
pixels, so the same graph gives the same page byte for byte):

* ``force``: computed from the relations. When the view has a centre (the entity with the
  most relations on a cooperation axis, or the focus) it is ``axes_layout``
  (graph.page.layout_axes): the centre in the middle, each axis a sector around it
  (proximity on the left, interregional at the top right, development aid at the bottom
  right), the direct partners on a first ring and what is linked through them (members of
  a body, programmes) further out, beside them. Otherwise a force-directed layout
  (graph.page.layout_force): up to ``EXACT_LIMIT`` nodes networkx's Fruchterman-Reingold
  (``spring_layout``), which computes every pair of nodes; above, the same forces with
  repulsion cut off beyond a few edge lengths (the "grid" variant of the original paper),
  because the exact one grows with the square of the nodes and takes minutes at 10,000
  (see docs/performance-graph.md).
  Both then move nodes apart until no two of them overlap (graph.page.overlap), each
  counted with its label (``Footprint``, graph.page.footprint).
* ``geo``: entities with coordinates at their map position (equirectangular projection
  around the graph's centre); the others next to their placed neighbours, or in a column
  on the right. Places far from the centre (Québec, Yaoundé) are pulled in onto a rim in
  their true direction and say so in ``geo_note``: drawn to scale, they would shrink the
  whole Jura arc to a dot.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from graph.page.footprint import Footprint
from graph.page.layout_axes import MIN_SECTORS, TITLE, best_axes_layout
from graph.page.layout_force import EDGE_LENGTH, Position, force_positions, place_near_neighbours
from graph.page.overlap import separate_all

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["LAYOUTS", "geo_layout", "layout"]

LAYOUTS = ("force", "geo")
#: Pixels per degree of latitude in the geo layout.
GEO_SCALE = 450.0
#: In the geo layout, places farther than this from the centre (in degrees, after the
#: longitude is scaled by cos(latitude)) are pulled in to this rim.
GEO_RIM_DEGREES = 2.8


def layout(
    network: nx.MultiDiGraph,
    kind: str = "force",
    primary: Iterable[str] | None = None,
    *,
    drawn: Sequence[tuple[str, str, str]] | None = None,
    centre: str | None = None,
    axes: Sequence[str] = (),
    footprints: dict[str, Footprint] | None = None,
    titles: dict[str, Footprint] | None = None,
    min_sectors: Sequence[float] = MIN_SECTORS,
) -> tuple[dict[str, Position], dict[str, str]]:
    """Positions of every node, and a note for the nodes not drawn to scale (geo only).

    ``primary``: the nodes shown when the page opens, which the layout arranges; the others
    are put next to their neighbours, so hidden nodes do not bend the drawing. ``drawn``:
    the relations shown when the page opens, as (node, node, axis or ""); ``centre`` and
    ``axes`` (in sector order) choose the axes layout; ``footprints``: the room each node
    needs, kept free of overlaps; ``titles``: axis -> the room its name needs, written in
    its sector (axes layout only): their positions come back under ``TITLE + axis``.
    """
    if kind == "geo":
        return geo_layout(network)
    if kind != "force":
        raise ValueError(f"unknown layout {kind!r}; choose one of {', '.join(LAYOUTS)}")
    shown = sorted(network.nodes if primary is None else primary)
    links = drawn if drawn is not None else [(u, v, "") for u, v in network.edges()]
    if centre is not None and centre in set(shown) and any(axis for _, _, axis in links):
        positions = best_axes_layout(
            network, shown, links, centre, axes, footprints or {}, titles or {}, min_sectors
        )
    else:
        positions = force_positions(network, shown)
        if footprints:
            separate_all(positions, shown, footprints, pinned=set())
    place_near_neighbours(network, positions)
    if footprints:
        # The others (shown when selected, or when their kind is ticked) find a free spot
        # near their neighbours, around the drawing that stays as it is.
        everything = {**footprints, **{TITLE + a: f for a, f in (titles or {}).items()}}
        drawing = set(shown) | {n for n in positions if n.startswith(TITLE)}
        # Best effort: they are hidden when the page opens.
        separate_all(positions, list(positions), everything, pinned=drawing, iterations=120)
    return {node: (round(x), round(y)) for node, (x, y) in sorted(positions.items())}, {}


def geo_layout(network: nx.MultiDiGraph) -> tuple[dict[str, Position], dict[str, str]]:
    """Map positions for the entities with coordinates, neighbours' for the others."""
    located = {
        node: (float(data["lat"]), float(data["lon"]))
        for node, data in network.nodes(data=True)
        if "lat" in data and "lon" in data
    }
    notes: dict[str, str] = {}
    positions: dict[str, tuple[float, float]] = {}
    if located:
        lats = sorted(lat for lat, _ in located.values())
        lons = sorted(lon for _, lon in located.values())
        # The median, not the mean: one far place (Québec) must not move the centre.
        centre_lat, centre_lon = lats[len(lats) // 2], lons[len(lons) // 2]
        shrink = math.cos(math.radians(centre_lat))
        for node in sorted(located):
            lat, lon = located[node]
            dx, dy = (lon - centre_lon) * shrink, lat - centre_lat
            distance = math.hypot(dx, dy)
            if distance > GEO_RIM_DEGREES:
                factor = GEO_RIM_DEGREES * 1.1 / distance
                dx, dy = dx * factor, dy * factor
                notes[node] = f"{_degrees(lat, 'N', 'S')}, {_degrees(lon, 'E', 'W')}"
            positions[node] = (dx * GEO_SCALE, -dy * GEO_SCALE)
        _spread_same_place(positions)
    place_near_neighbours(network, positions)
    return {node: (round(x), round(y)) for node, (x, y) in sorted(positions.items())}, notes


def _degrees(value: float, positive: str, negative: str) -> str:
    return f"{abs(value):.2f}° {positive if value >= 0 else negative}"


def _spread_same_place(positions: dict[str, tuple[float, float]]) -> None:
    """Bodies with the same seat (three in Strasbourg) go on a small circle around it."""
    by_place: dict[tuple[int, int], list[str]] = {}
    for node, (x, y) in positions.items():
        by_place.setdefault((round(x), round(y)), []).append(node)
    for (x, y), nodes in by_place.items():
        if len(nodes) > 1:
            radius = EDGE_LENGTH * 0.45
            for i, node in enumerate(sorted(nodes)):
                angle = 2 * math.pi * i / len(nodes) - math.pi / 2
                positions[node] = (x + radius * math.cos(angle), y + radius * math.sin(angle))
