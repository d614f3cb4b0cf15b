"""Node positions for the interactive page, computed in Python so the page opens settled.

Two layouts, both deterministic (fixed seed, sorted input, positions rounded to whole
pixels, so the same graph gives the same page byte for byte):

* ``force``: computed from the relations. When the view has a centre (the entity with the
  most relations on a cooperation axis, or the focus) it is ``axes_layout``: the centre in
  the middle, each axis a sector around it (proximity on the left, interregional at the
  top right, development aid at the bottom right), the direct partners on a first ring
  and what is linked through them (members of a body, programmes) further out, beside
  them. Otherwise a force-directed layout: up to ``EXACT_LIMIT`` nodes networkx's
  Fruchterman-Reingold (``spring_layout``), which computes every pair of nodes; above, the
  same forces with repulsion cut off beyond a few edge lengths (the "grid" variant of the
  original paper), because the exact one grows with the square of the nodes and takes
  minutes at 10,000 (see docs/performance-graph.md).
  Both then move nodes apart until no two of them overlap, each counted with its label
  (``Footprint``): labels are estimated from the metrics of DejaVu Sans, wider than most
  system fonts, so that the estimate errs on the side of room.
* ``geo``: entities with coordinates at their map position (equirectangular projection
  around the graph's centre); the others next to their placed neighbours, or in a column
  on the right. Places far from the centre (Québec, Yaoundé) are pulled in onto a rim in
  their true direction and say so in ``geo_note``: drawn to scale, they would shrink the
  whole Jura arc to a dot.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EXACT_LIMIT",
    "LAYOUTS",
    "TITLE",
    "WRAP_MARGIN",
    "Footprint",
    "Position",
    "axes_layout",
    "force_layout",
    "geo_layout",
    "label_size",
    "layout",
    "longest_word",
    "overlapping_pairs",
]

LAYOUTS = ("force", "geo")
#: Up to this many nodes the force layout computes every pair (networkx's dense solver).
EXACT_LIMIT = 500
#: Distance between two linked nodes, in pixels, that the layouts aim at.
EDGE_LENGTH = 110.0
#: Pixels per degree of latitude in the geo layout.
GEO_SCALE = 450.0
#: In the geo layout, places farther than this from the centre (in degrees, after the
#: longitude is scaled by cos(latitude)) are pulled in to this rim.
GEO_RIM_DEGREES = 2.8
SEED = 20260
#: Key prefix of the positions of the axes' names (not nodes) in the axes layout.
TITLE = "title:"
#: The smallest share of the circle an axis gets, however few its nodes. The layout tries
#: each and keeps the most compact drawing: packing boxes is sensitive to where it starts,
#: and the smallest drawing opens with the largest labels. Above ``TRIALS_LIMIT`` nodes,
#: only the first is tried (each trial of a drawing of 130 nodes costs about half a
#: second).
MIN_SECTORS = (0.08, 0.06, 0.1, 0.12, 0.07, 0.09)
TRIALS_LIMIT = 100

Position = tuple[int, int]


@dataclass(frozen=True)
class Footprint:
    """What a node covers around its position, in canvas units: its shape (a square of
    ``radius``) and its label, drawn centred below it as vis-network does."""

    radius: float
    label_width: float = 0.0
    label_height: float = 0.0
    font: float = 14.0

    def box(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) relative to the node's position."""
        half = max(self.radius, self.label_width / 2)
        bottom = self.radius
        if self.label_height:
            # vis-network: the label's top is half a font size and 4 px below the shape.
            bottom += self.font / 2 + 4 + self.label_height
        return (-half, -self.radius, half, bottom)


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
        trials = min_sectors if len(shown) <= TRIALS_LIMIT else min_sectors[:1]
        room = {**(footprints or {}), **{TITLE + a: f for a, f in (titles or {}).items()}}
        best: tuple[float, dict[str, tuple[float, float]]] | None = None
        for share in trials:
            trial = axes_layout(
                network, shown, links, centre, axes, footprints or {}, titles or {}, share
            )
            size = _size(trial, room)
            if best is None or size < best[0]:
                best = (size, trial)
        positions = best[1]
    else:
        positions = _force_positions(network, shown)
        if footprints:
            _separate_all(positions, shown, footprints, pinned=set())
    _place_near_neighbours(network, positions)
    if footprints:
        # The others (shown when selected, or when their kind is ticked) find a free spot
        # near their neighbours, around the drawing that stays as it is.
        everything = {**footprints, **{TITLE + a: f for a, f in (titles or {}).items()}}
        drawing = set(shown) | {n for n in positions if n.startswith(TITLE)}
        # Best effort: they are hidden when the page opens.
        _separate_all(positions, list(positions), everything, pinned=drawing, iterations=120)
    return {node: (round(x), round(y)) for node, (x, y) in sorted(positions.items())}, {}


# --- labels ---------------------------------------------------------------------------------

#: Advance widths of DejaVu Sans (Debian's system-ui and sans-serif) in hundredths of an em,
#: for the characters U+0020 to U+007E, measured in Chromium. Other Latin letters are
#: measured by their base letter; anything else counts as a wide letter.
_WIDTHS = (
    32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64,
    64, 64, 64, 64, 64, 64, 64, 34, 34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63,
    58, 77, 75, 29, 29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99, 69,
    61, 69, 39, 34, 39, 84, 50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58,
    28, 97, 63, 61, 63, 63, 41, 52, 39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
)  # fmt: skip
#: vis-network's line height, as a share of the font size (measured: 14 px lines at 14 px).
LINE_HEIGHT = 1.0
#: vis-network wraps a node's label at its widthConstraint.maximum less the node's left and
#: right margins (5 px each).
WRAP_MARGIN = 10


def _char_width(char: str) -> float:
    code = ord(char)
    if 32 <= code < 127:
        return _WIDTHS[code - 32] / 100
    base = unicodedata.normalize("NFKD", char)[:1]
    if base and 32 <= ord(base) < 127:
        return _WIDTHS[ord(base) - 32] / 100
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.8 if char in "œæŒÆ" else 0.65


def text_width(text: str, size: float) -> float:
    """The width of one line of ``text`` at ``size`` px (DejaVu Sans; others are narrower)."""
    return sum(_char_width(char) for char in text) * size


def longest_word(texts: Iterable[str], size: float) -> float:
    """The width of the longest word of ``texts`` at ``size`` px."""
    return max((text_width(word, size) for text in texts for word in text.split()), default=0.0)


def label_size(texts: Iterable[str], size: float, max_width: float) -> tuple[float, float]:
    """Width and height of the largest of ``texts`` as vis-network draws it at ``size`` px,
    wrapped at spaces to ``max_width`` (``widthConstraint.maximum``; a longer word is cut).
    Several texts: the same label in each language of the page."""
    widest, tallest = 0.0, 0.0
    for text in texts:
        lines: list[float] = []
        current = 0.0
        for word in text.split():
            width = text_width(word, size)
            space = text_width(" ", size) if current else 0.0
            if current and current + space + width <= max_width:
                current += space + width
                continue
            if current:
                lines.append(current)
            while width > max_width:
                lines.append(max_width)
                width -= max_width
            current = width
        if current or not lines:
            lines.append(current)
        widest = max(widest, max(lines))
        tallest = max(tallest, len(lines) * size * LINE_HEIGHT)
    return widest, tallest


# --- the axes layout ------------------------------------------------------------------------

#: Room between two footprints, in canvas units.
GAP = 6.0


def axes_layout(
    network: nx.MultiDiGraph,
    shown: Sequence[str],
    drawn: Sequence[tuple[str, str, str]],
    centre: str,
    axes: Sequence[str],
    footprints: dict[str, Footprint],
    titles: dict[str, Footprint] | None = None,
    min_sector: float = MIN_SECTORS[0],
) -> dict[str, tuple[float, float]]:
    """The centre at (0, 0), each axis a sector around it, rings by distance from it.

    A node belongs to the axis of its own relations on an axis (the most frequent), else to
    that of the nearest node that has one; the sectors follow ``axes`` clockwise from the
    left, each as wide as its share of the nodes. The first ring holds the centre's
    partners; a node further out sits beside the node that links it in. Nodes that the drawn
    relations do not link to the centre are placed by the other relations of the network,
    and those linked by nothing go in a row under the drawing.
    """
    shown_set = set(shown)
    neighbours: dict[str, set[str]] = {node: set() for node in shown}
    axis_count: dict[str, dict[str, int]] = {node: {} for node in shown}
    for u, v, axis in drawn:
        if u == v or u not in shown_set or v not in shown_set:
            continue
        neighbours[u].add(v)
        neighbours[v].add(u)
        if axis:
            for node in (u, v):
                axis_count[node][axis] = axis_count[node].get(axis, 0) + 1
    order = list(axes) + sorted({a for c in axis_count.values() for a in c} - set(axes))
    rank = {axis: i for i, axis in enumerate(order)}

    # Distance from the centre: over the drawn relations, then over any relation.
    depth = _distances(centre, neighbours)
    others: dict[str, set[str]] = {node: set() for node in shown}
    for u, v in sorted(network.edges()):
        if u != v and u in shown_set and v in shown_set:
            others[u].add(v)
            others[v].add(u)
    for node, d in sorted(_distances(centre, others).items()):
        if node not in depth:
            depth[node] = d
    unreached = [node for node in shown if node not in depth]

    # The axis of each node: its own, else its nearest neighbours'.
    axis_of: dict[str, str] = {}
    for node in shown:
        counts = axis_count[node]
        if node != centre and counts:
            axis_of[node] = min(counts, key=lambda a: (-counts[a], rank[a]))
    for graph in (neighbours, others):
        frontier = sorted(axis_of)
        while frontier:
            votes: dict[str, dict[str, int]] = {}
            for node in frontier:
                for other in graph[node]:
                    if other not in axis_of and other != centre and other in depth:
                        bucket = votes.setdefault(other, {})
                        bucket[axis_of[node]] = bucket.get(axis_of[node], 0) + 1
            for node, counts in votes.items():
                axis_of[node] = min(counts, key=lambda a: (-counts[a], rank[a]))
            frontier = sorted(votes)
    for node in depth:
        if node != centre:
            axis_of.setdefault(node, "")

    # Sectors: clockwise (the y axis points down) from the left, each by its share.
    groups = [a for a in order if any(axis_of.get(n) == a for n in depth)]
    if any(axis_of.get(n) == "" for n in depth):
        groups.append("")
    weight = {a: sum(1 for n in depth if axis_of.get(n) == a) for a in groups}
    total = sum(weight.values()) or 1
    shares = {a: max(min_sector, weight[a] / total) for a in groups}
    scale = sum(shares.values())
    sectors: dict[str, tuple[float, float]] = {}
    start = math.pi - math.pi * shares[groups[0]] / scale if groups else 0.0
    for a in groups:
        width = 2 * math.pi * shares[a] / scale
        sectors[a] = (start, start + width)
        start += width

    positions: dict[str, tuple[float, float]] = {centre: (0.0, 0.0)}
    angle_of: dict[str, float] = {}
    radius = _outer(footprints.get(centre))
    rings = sorted({d for n, d in depth.items() if n != centre})
    for ring in rings:
        members = [n for n in sorted(depth) if depth[n] == ring and n != centre]
        wanted: dict[str, float] = {}
        for a in groups:
            lo, hi = sectors[a]
            inside = [n for n in members if axis_of[n] == a]
            if ring == rings[0]:
                inside.sort(key=lambda n: (-len(neighbours[n]), n))
                # The most linked in the middle of the sector, the others alternating out.
                slots = _centre_out(len(inside))
                for node, slot in zip(inside, slots, strict=True):
                    wanted[node] = lo + (hi - lo) * slot
            else:
                for node in inside:
                    parents = sorted(
                        (p for p in neighbours[node] | others[node] if p in angle_of),
                        key=lambda p: (depth.get(p, 0), p),
                    )
                    wanted[node] = (
                        _mean_angle([angle_of[p] for p in parents]) if parents else (lo + hi) / 2
                    )
        # Far enough out that each sector's nodes fit on the ring, if need be staggered (the
        # separation below moves wide labels in and out rather than along the ring).
        needed = radius + _ring_step(members, footprints)
        for a in groups:
            inside = [n for n in members if axis_of[n] == a]
            if not inside:
                continue
            lo, hi = sectors[a]
            length = sum(_thin(footprints.get(n)) + GAP for n in inside)
            needed = max(needed, length / max(hi - lo, 1e-6))
        radius = needed
        for a in groups:
            inside = sorted((n for n in members if axis_of[n] == a), key=lambda n: (wanted[n], n))
            if not inside:
                continue
            lo, hi = sectors[a]
            widths = [(_across(footprints.get(n), wanted[n]) + GAP) / radius for n in inside]
            angles = _spread([wanted[n] for n in inside], widths, lo, hi)
            for node, angle in zip(inside, angles, strict=True):
                angle_of[node] = angle
                positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
        radius += _outer_max(members, footprints)
    if unreached:
        _block_below(network, positions, unreached, footprints)
    sector_of = {n: sectors[axis_of[n]] for n in depth if n != centre}
    # Each axis's name in the middle of its sector, beyond its first ring; it then finds
    # room among the nodes as they are drawn closer.
    room = dict(footprints)
    for axis, footprint in sorted((titles or {}).items()):
        if axis not in sectors:
            continue
        lo, hi = sectors[axis]
        inner = [math.hypot(*positions[n]) for n in depth if depth[n] == 1 and axis_of[n] == axis]
        distance = (max(inner) if inner else EDGE_LENGTH) + _outer(footprint)
        angle = (lo + hi) / 2
        positions[TITLE + axis] = (distance * math.cos(angle), distance * math.sin(angle))
        sector_of[TITLE + axis] = (lo, hi)
        room[TITLE + axis] = footprint
    _compact(positions, room, centre, sector_of)
    return positions


def _compact(
    positions: dict[str, tuple[float, float]],
    footprints: dict[str, Footprint],
    centre: str,
    sector_of: dict[str, tuple[float, float]],
) -> None:
    """Draw everything closer to the centre, a step at a time, as long as the nodes can
    still be moved apart within their sectors: the page then opens at a larger scale, with
    larger labels."""
    import numpy as np

    order = sorted(positions)
    pos = np.array([positions[n] for n in order], dtype=float)
    boxes = np.array([(footprints.get(n) or Footprint(10)).box() for n in order], dtype=float)
    fixed = np.array([n == centre for n in order])
    sectors = np.array([sector_of.get(n, (np.nan, np.nan)) for n in order], dtype=float)
    _separate(pos, boxes, fixed, sectors=sectors)
    # First both sides alike, then the longer one alone (the page opens in a window about
    # as wide as it is tall), each with ever smaller steps until nothing is gained.
    # Each step costs a separation: a drawing of more than 300 nodes takes fewer.
    steps = 40 if len(order) <= 300 else 12
    for squeeze_longer in (False, True):
        step = 0.93
        for _ in range(steps):
            width, height = _sides(pos, boxes)
            if not squeeze_longer:
                factor = (step, step)
            else:
                factor = (step, 1.0) if width >= height else (1.0, step)
            trial = pos * factor
            if _separate(trial, boxes, fixed, iterations=300, sectors=sectors) and (
                max(_sides(trial, boxes)) < max(width, height) * 0.998
            ):
                pos = trial
            elif step < 0.985:
                step = 1 - (1 - step) / 2
            else:
                break
    for node, (x, y) in zip(order, pos, strict=True):
        positions[node] = (float(x), float(y))


def _size(positions: dict[str, tuple[float, float]], room: dict[str, Footprint]) -> float:
    """The longer side of a drawing, with its footprints."""
    import numpy as np

    order = sorted(positions)
    pos = np.array([positions[n] for n in order], dtype=float)
    boxes = np.array([(room.get(n) or Footprint(10)).box() for n in order], dtype=float)
    return max(_sides(pos, boxes))


def _sides(pos, boxes) -> tuple[float, float]:
    """Width and height of the rectangle around every footprint."""
    width = (pos[:, 0] + boxes[:, 2]).max() - (pos[:, 0] + boxes[:, 0]).min()
    height = (pos[:, 1] + boxes[:, 3]).max() - (pos[:, 1] + boxes[:, 1]).min()
    return float(width), float(height)


def _distances(start: str, graph: dict[str, set[str]]) -> dict[str, int]:
    found = {start: 0}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for other in sorted(graph.get(node, ())):
                if other not in found:
                    found[other] = found[node] + 1
                    following.append(other)
        frontier = following
    return found


def _centre_out(count: int) -> list[float]:
    """Slots in (0, 1) for ``count`` nodes: the first in the middle, the next ones
    alternately on each side of it."""
    middle = (count - 1) / 2
    order = sorted(range(count), key=lambda i: (abs(i - middle), i))
    return [(i + 0.5) / count for i in order]


def _mean_angle(angles: list[float]) -> float:
    x = sum(math.cos(a) for a in angles)
    y = sum(math.sin(a) for a in angles)
    mean = math.atan2(y, x)
    # Keep the angle in the range the sectors use ([0, 3 pi) from the left).
    reference = angles[0]
    while mean < reference - math.pi:
        mean += 2 * math.pi
    while mean > reference + math.pi:
        mean -= 2 * math.pi
    return mean


def _across(footprint: Footprint | None, angle: float) -> float:
    """The length a footprint takes along a ring at ``angle`` (its width seen sideways)."""
    left, top, right, bottom = (footprint or Footprint(10)).box()
    return abs(math.sin(angle)) * (right - left) + abs(math.cos(angle)) * (bottom - top)


def _thin(footprint: Footprint | None) -> float:
    left, top, right, bottom = (footprint or Footprint(10)).box()
    return min(right - left, bottom - top)


def _outer(footprint: Footprint | None) -> float:
    left, top, right, bottom = (footprint or Footprint(10)).box()
    return max(-left, -top, right, bottom)


def _outer_max(nodes: list[str], footprints: dict[str, Footprint]) -> float:
    return max((_outer(footprints.get(n)) for n in nodes), default=0.0)


def _ring_step(nodes: list[str], footprints: dict[str, Footprint]) -> float:
    """From the outer edge of the previous ring to the centres of this one: room for an
    edge to be seen, and for the nodes' own half."""
    return max(EDGE_LENGTH, _outer_max(nodes, footprints) + 2 * GAP)


def _spread(wanted: list[float], widths: list[float], lo: float, hi: float) -> list[float]:
    """Angles as close as possible to ``wanted`` (sorted) with each node ``widths`` apart
    (an interval per node), inside [lo, hi] when they fit."""
    n = len(wanted)
    half = [w / 2 for w in widths]
    placed = list(wanted)
    for _ in range(n + 2):
        moved = False
        # Push right where two overlap, then pull the whole run back to its mean.
        for i in range(1, n):
            least = placed[i - 1] + half[i - 1] + half[i]
            if placed[i] < least:
                placed[i] = least
                moved = True
        total = sum(widths)
        if total <= hi - lo:
            shift_lo = lo + half[0] - placed[0]
            shift_hi = hi - half[-1] - placed[-1]
            shift = sum(w - p for w, p in zip(wanted, placed, strict=True)) / n
            shift = min(max(shift, shift_lo), shift_hi)
            placed = [p + shift for p in placed]
        if not moved:
            break
    return placed


def _block_below(
    network: nx.MultiDiGraph,
    positions: dict[str, tuple[float, float]],
    nodes: list[str],
    footprints: dict[str, Footprint],
) -> None:
    """The groups the drawn relations do not link to the centre, each laid out by force and
    packed in rows, as one block under the drawing."""
    block = _force_positions(network, nodes)
    _separate_all(block, nodes, footprints, pinned=set())
    boxes = {n: (footprints.get(n) or Footprint(10)).box() for n in nodes}
    drawn_bottom = max(
        (y + (footprints.get(n) or Footprint(10)).box()[3] for n, (_, y) in positions.items()),
        default=0.0,
    )
    top = min(block[n][1] + boxes[n][1] for n in nodes)
    left = min(block[n][0] + boxes[n][0] for n in nodes)
    right = max(block[n][0] + boxes[n][2] for n in nodes)
    shift_x = -(left + right) / 2
    shift_y = drawn_bottom + 2 * EDGE_LENGTH - top
    for node in nodes:
        x, y = block[node]
        positions[node] = (x + shift_x, y + shift_y)


# --- no overlaps ----------------------------------------------------------------------------


def _separate_all(
    positions: dict[str, tuple[float, float]],
    nodes: Sequence[str],
    footprints: dict[str, Footprint],
    pinned: set[str],
    iterations: int = 400,
) -> None:
    """Move ``nodes`` apart until no two footprints overlap (``pinned`` stay put), or for
    ``iterations`` rounds at most."""
    import numpy as np

    if len(nodes) < 2:
        return
    order = sorted(nodes)
    pos = np.array([positions[n] for n in order], dtype=float)
    boxes = np.array([(footprints.get(n) or Footprint(10)).box() for n in order], dtype=float)
    fixed = np.array([n in pinned for n in order])
    _separate(pos, boxes, fixed, iterations=iterations)
    for node, (x, y) in zip(order, pos, strict=True):
        positions[node] = (float(x), float(y))


def overlapping_pairs(pos, boxes, pad: float = 0.0):
    """Index arrays (a, b) of the pairs whose boxes (left, top, right, bottom, relative to
    ``pos``) overlap when each is grown by ``pad``.

    Sweep and prune: the boxes sorted by their left side, each is paired only with those
    that start before it ends, so the work grows with the pairs that overlap along x rather
    than with the square of the boxes."""
    import numpy as np

    n = len(pos)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty
    left = pos[:, 0] + boxes[:, 0] - pad
    right = pos[:, 0] + boxes[:, 2] + pad
    top = pos[:, 1] + boxes[:, 1] - pad
    bottom = pos[:, 1] + boxes[:, 3] + pad
    order = np.argsort(left, kind="stable")
    sorted_left = left[order]
    # For the i-th box in that order, the later ones starting before its right side.
    ends = np.searchsorted(sorted_left, right[order], side="left")
    counts = np.maximum(ends - np.arange(n) - 1, 0)
    total = int(counts.sum())
    if not total:
        return empty, empty
    first = np.repeat(np.arange(n), counts)
    offset = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    a = order[first]
    b = order[first + 1 + offset]
    ox = np.minimum(right[a], right[b]) - np.maximum(left[a], left[b])
    oy = np.minimum(bottom[a], bottom[b]) - np.maximum(top[a], top[b])
    hit = (ox > 0) & (oy > 0)
    a, b = a[hit], b[hit]
    swap = a > b
    a, b = np.where(swap, b, a), np.where(swap, a, b)
    keep = np.lexsort((b, a))
    return a[keep], b[keep]


def _separate(pos, boxes, fixed, iterations: int = 400, sectors=None) -> bool:
    """Push overlapping boxes apart, each pair along the line between their centres, until
    none overlap (with ``GAP / 2`` to spare around each: True) or ``iterations`` are spent
    (False). ``sectors``: per node the angles (lo, hi) around (0, 0) it must stay between,
    or NaN."""
    import numpy as np

    n = len(pos)
    pad = GAP / 2
    for _ in range(iterations):
        if sectors is not None:
            _keep_in_sectors(pos, sectors)
        a, b = overlapping_pairs(pos, boxes, pad)
        if not len(a):
            return True
        left = pos[:, 0] + boxes[:, 0]
        right = pos[:, 0] + boxes[:, 2]
        top = pos[:, 1] + boxes[:, 1]
        bottom = pos[:, 1] + boxes[:, 3]
        ox = np.minimum(right[a], right[b]) - np.maximum(left[a], left[b]) + 2 * pad
        oy = np.minimum(bottom[a], bottom[b]) - np.maximum(top[a], top[b]) + 2 * pad
        centre_a = np.stack([(left[a] + right[a]) / 2, (top[a] + bottom[a]) / 2], axis=1)
        centre_b = np.stack([(left[b] + right[b]) / 2, (top[b] + bottom[b]) / 2], axis=1)
        # Apart along the line between the two boxes' centres (a rounder, denser packing
        # than along the axis of least overlap, which stacks wide labels in tall columns),
        # by just enough to clear the overlap along that line.
        direction = centre_a - centre_b
        length = np.hypot(direction[:, 0], direction[:, 1])
        # Identical centres: apart along the index order, so every run moves the same way.
        same = length < 1e-9
        direction[same] = (0.0, -1.0)
        length[same] = 1.0
        unit = direction / length[:, None]
        with np.errstate(divide="ignore"):
            tx = np.where(np.abs(unit[:, 0]) > 1e-9, ox / np.abs(unit[:, 0]), np.inf)
            ty = np.where(np.abs(unit[:, 1]) > 1e-9, oy / np.abs(unit[:, 1]), np.inf)
        distance = np.minimum(tx, ty)
        delta = unit * (distance / 2 + 0.5)[:, None]
        share_a = np.where(fixed[a], 0.0, np.where(fixed[b], 2.0, 1.0))
        share_b = np.where(fixed[b], 0.0, np.where(fixed[a], 2.0, 1.0))
        move = _sum_by_index(a, delta * share_a[:, None], n) - _sum_by_index(
            b, delta * share_b[:, None], n
        )
        pos += move * 0.6
    return not len(overlapping_pairs(pos, boxes, pad)[0])


def _keep_in_sectors(pos, sectors) -> None:
    """Turn each node that has left its sector back to the sector's nearer edge, at the same
    distance from the centre: the axes stay apart, each on its side of the canton."""
    import numpy as np

    lo, hi = sectors[:, 0], sectors[:, 1]
    bound = ~np.isnan(lo)
    if not bound.any():
        return
    radius = np.hypot(pos[:, 0], pos[:, 1])
    middle = np.where(bound, (lo + hi) / 2, 0.0)
    angle = np.arctan2(pos[:, 1], pos[:, 0])
    angle = middle + np.mod(angle - middle + np.pi, 2 * np.pi) - np.pi
    turned = np.clip(angle, np.where(bound, lo, angle), np.where(bound, hi, angle))
    move = bound & (turned != angle)
    pos[move, 0] = radius[move] * np.cos(turned[move])
    pos[move, 1] = radius[move] * np.sin(turned[move])


def _undirected(network: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.Graph:
    import networkx as nx

    keep = set(nodes)
    simple = nx.Graph()
    simple.add_nodes_from(sorted(keep))
    simple.add_edges_from(
        sorted((u, v) for u, v in network.edges() if u != v and u in keep and v in keep)
    )
    return simple


def force_layout(
    network: nx.MultiDiGraph, primary: Iterable[str] | None = None
) -> dict[str, Position]:
    """Force-directed positions in pixels, the largest group of linked nodes around (0, 0).

    Each connected component is laid out on its own, the largest in the middle and the
    others in rows under it, smallest (lone nodes) last: laid out together, a force layout
    flings the small ones to the corners and the page would open zoomed out on them. The
    nodes outside ``primary`` go next to their neighbours.
    """
    positions = _force_positions(network, network.nodes if primary is None else primary)
    _place_near_neighbours(network, positions)
    return {node: (round(x), round(y)) for node, (x, y) in sorted(positions.items())}


def _force_positions(
    network: nx.MultiDiGraph, nodes: Iterable[str]
) -> dict[str, tuple[float, float]]:
    import networkx as nx

    simple = _undirected(network, nodes)
    components = sorted(
        (sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0])
    )
    placed: list[dict[str, tuple[float, float]]] = []
    for component in components:
        n = len(component)
        # A graph of its own, not simple.subgraph(): a subgraph view of few nodes iterates
        # over a set, in an order that changes with PYTHONHASHSEED, and so would the layout.
        part = nx.Graph()
        part.add_nodes_from(component)
        part.add_edges_from(sorted(tuple(sorted(e)) for e in simple.subgraph(component).edges()))
        if n == 1:
            placed.append({component[0]: (0.0, 0.0)})
        elif n <= EXACT_LIMIT:
            # Twice networkx's default distance between nodes: the canton is linked to a
            # third of the graph, and its neighbours need room for their labels.
            raw = nx.spring_layout(part, seed=SEED, iterations=200, k=2 / math.sqrt(n))
            # spring_layout fits a drawing into [-1, 1]: spread it so that every node has
            # room for its label, whatever the number of nodes.
            half_span = EDGE_LENGTH * 0.8 * math.sqrt(n)
            placed.append({node: (x * half_span, y * half_span) for node, (x, y) in raw.items()})
        else:
            placed.append(_grid_force(part))
    return _pack(placed)


def _pack(parts: list[dict[str, tuple[float, float]]]) -> dict[str, tuple[float, float]]:
    """The first part centred on (0, 0), the others in rows below it, left to right."""
    positions: dict[str, tuple[float, float]] = {}
    if not parts:
        return positions
    # Room for a label about 30 characters long between two lone nodes.
    gap = 2.2 * EDGE_LENGTH
    first = parts[0]
    xs, ys = [x for x, _ in first.values()], [y for _, y in first.values()]
    centre = ((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2)
    for node, (x, y) in first.items():
        positions[node] = (x - centre[0], y - centre[1])
    width = max(max(xs) - min(xs), 8 * gap)
    left, top = -width / 2, (max(ys) - min(ys)) / 2 + gap
    cursor, row_height = left, 0.0
    for part in parts[1:]:
        xs, ys = [x for x, _ in part.values()], [y for _, y in part.values()]
        part_width, part_height = max(xs) - min(xs), max(ys) - min(ys)
        if cursor > left and cursor + part_width > left + width:
            cursor, top, row_height = left, top + row_height + gap * 0.6, 0.0
        for node, (x, y) in part.items():
            positions[node] = (cursor + x - min(xs), top + y - min(ys))
        cursor += part_width + gap
        row_height = max(row_height, part_height)
    return positions


def _grid_force(simple: nx.Graph, iterations: int = 80) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold with repulsion only between nodes closer than 2 edge lengths,
    found by sorting the nodes into square cells of that size: linear in the nodes."""
    import numpy as np

    nodes = list(simple.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    edges = np.array([(index[u], index[v]) for u, v in simple.edges()], dtype=np.int64).reshape(
        -1, 2
    )
    k = EDGE_LENGTH
    side = k * math.sqrt(n)
    rng = np.random.default_rng(SEED)
    pos = rng.random((n, 2)) * side
    temperature = side / 10
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        disp = np.zeros((n, 2))
        a, b = _close_pairs(pos, 2 * k)
        if len(a):
            delta = pos[a] - pos[b]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            # Repulsion k²/d, cut off at the cell size (the grid variant).
            push = delta * (k * k / dist**2 * (dist < 2 * k))[:, None]
            disp += _sum_by_index(a, push, n) - _sum_by_index(b, push, n)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            pull = delta * (dist / k)[:, None]
            disp += _sum_by_index(edges[:, 1], pull, n) - _sum_by_index(edges[:, 0], pull, n)
        # A weak pull to the centre keeps the components and lone nodes from drifting off,
        # since nothing repels them from afar; bounded, so it never crowds the middle.
        towards = pos.mean(axis=0) - pos
        reach = np.maximum(np.hypot(towards[:, 0], towards[:, 1]), 1.0)
        disp += towards / reach[:, None] * np.minimum(reach, k)[:, None] * 0.1
        length = np.maximum(np.hypot(disp[:, 0], disp[:, 1]), 0.01)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature = max(temperature - cooling, 1.0)
    pos -= pos.mean(axis=0)
    return {
        node: (round(float(x)), round(float(y))) for node, (x, y) in zip(nodes, pos, strict=True)
    }


def _sum_by_index(index, values, n: int):
    """Row sums of ``values`` grouped by ``index`` (``np.add.at``, several times faster)."""
    import numpy as np

    return np.stack(
        [
            np.bincount(index, weights=values[:, 0], minlength=n),
            np.bincount(index, weights=values[:, 1], minlength=n),
        ],
        axis=1,
    )


def _close_pairs(pos, radius: float):
    """Index arrays (a, b), a < b within a cell, of the pairs of points in the same or
    adjacent cells of side ``radius``: every pair closer than ``radius``, and some more."""
    import numpy as np

    cells = np.floor(pos / radius).astype(np.int64)
    cells -= cells.min(axis=0)
    width = int(cells[:, 1].max()) + 3
    keys = cells[:, 0] * width + cells[:, 1]
    order = np.argsort(keys, kind="stable")
    unique, starts, counts = np.unique(keys[order], return_index=True, return_counts=True)
    found_a: list = []
    found_b: list = []
    # Half of the 3x3 neighbourhood, so that each pair of cells is visited once.
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):
        target = unique + dx * width + dy
        slot = np.minimum(np.searchsorted(unique, target), len(unique) - 1)
        hit = unique[slot] == target
        cell_a, cell_b = np.nonzero(hit)[0], slot[hit]
        count_a, count_b = counts[cell_a], counts[cell_b]
        totals = count_a * count_b
        if not totals.sum():
            continue
        pair = np.repeat(np.arange(len(cell_a)), totals)
        offset = np.arange(int(totals.sum())) - np.repeat(np.cumsum(totals) - totals, totals)
        a = order[starts[cell_a][pair] + offset // count_b[pair]]
        b = order[starts[cell_b][pair] + offset % count_b[pair]]
        if dx == 0 and dy == 0:
            keep = a < b
            a, b = a[keep], b[keep]
        found_a.append(a)
        found_b.append(b)
    if not found_a:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(found_a), np.concatenate(found_b)


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
    _place_near_neighbours(network, positions)
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


def _place_near_neighbours(
    network: nx.MultiDiGraph, positions: dict[str, tuple[float, float]]
) -> None:
    """Give each unplaced node a spot on a ring around the centre of its placed neighbours,
    round after round outwards; what is never reached goes into a column on the right."""
    neighbours = {
        node: set(network.predecessors(node)) | set(network.successors(node)) for node in network
    }
    while True:
        anchors: dict[str, tuple[float, float]] = {}
        for node in sorted(network.nodes):
            if node in positions:
                continue
            placed = sorted(n for n in neighbours[node] if n in positions)
            if placed:
                anchors[node] = (
                    sum(positions[n][0] for n in placed) / len(placed),
                    sum(positions[n][1] for n in placed) / len(placed),
                )
        if not anchors:
            break
        by_anchor: dict[tuple[int, int], list[str]] = {}
        for node, (x, y) in anchors.items():
            by_anchor.setdefault((round(x), round(y)), []).append(node)
        for (x, y), nodes in sorted(by_anchor.items()):
            # At least 60 px between two nodes on the ring, for their labels.
            ring = max(0.8 * EDGE_LENGTH, len(nodes) * 60 / (2 * math.pi))
            for i, node in enumerate(nodes):
                # Start at the lower right, away from the node the ring is around.
                angle = 2 * math.pi * i / len(nodes) + math.pi / 5
                positions[node] = (x + ring * math.cos(angle), y + ring * math.sin(angle))
    missing = sorted(node for node in network.nodes if node not in positions)
    if missing:
        right = max((x for x, _ in positions.values()), default=0.0) + 3 * EDGE_LENGTH
        top = min((y for _, y in positions.values()), default=0.0)
        per_column = 25
        for i, node in enumerate(missing):
            positions[node] = (
                right + (i // per_column) * 2 * EDGE_LENGTH,
                top + (i % per_column) * 0.6 * EDGE_LENGTH,
            )
