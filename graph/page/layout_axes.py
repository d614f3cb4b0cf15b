"""The axes layout: the centre in the middle, each cooperation axis a sector around it.

Proximity on the left, interregional at the top right, development aid at the bottom right
(the order of the ``axes`` given); the centre's direct partners on a first ring, and what is
linked through them (members of a body, programmes) further out, beside them. The drawing is
then drawn closer to the centre as long as its footprints can be kept apart, so that the
page opens at the largest scale.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.page.footprint import Footprint
from graph.page.layout_force import EDGE_LENGTH, force_positions
from graph.page.overlap import GAP, separate, separate_all

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MIN_SECTORS", "TITLE", "TRIALS_LIMIT", "axes_layout", "best_axes_layout"]

#: Key prefix of the positions of the axes' names (not nodes) in the axes layout.
TITLE = "title:"
#: The smallest share of the circle an axis gets, however few its nodes. The layout tries
#: each and keeps the most compact drawing: packing boxes is sensitive to where it starts,
#: and the smallest drawing opens with the largest labels. Above ``TRIALS_LIMIT`` nodes,
#: only the first is tried (each trial of a drawing of 130 nodes costs about half a
#: second).
MIN_SECTORS = (0.08, 0.06, 0.1, 0.12, 0.07, 0.09)
TRIALS_LIMIT = 100


def best_axes_layout(
    network: nx.MultiDiGraph,
    shown: Sequence[str],
    drawn: Sequence[tuple[str, str, str]],
    centre: str,
    axes: Sequence[str],
    footprints: dict[str, Footprint],
    titles: dict[str, Footprint],
    min_sectors: Sequence[float] = MIN_SECTORS,
) -> dict[str, tuple[float, float]]:
    """The most compact of the axes layouts made with each of ``min_sectors`` (the first
    only, above ``TRIALS_LIMIT`` nodes)."""
    trials = min_sectors if len(shown) <= TRIALS_LIMIT else min_sectors[:1]
    room = {**footprints, **{TITLE + a: f for a, f in titles.items()}}
    best: tuple[float, dict[str, tuple[float, float]]] | None = None
    for share in trials:
        trial = axes_layout(network, shown, drawn, centre, axes, footprints, titles, share)
        size = _size(trial, room)
        if best is None or size < best[0]:
            best = (size, trial)
    assert best is not None, "min_sectors is empty"
    return best[1]


@dataclass(frozen=True)
class _Plan:
    """Where each node of the axes layout belongs, before any position is computed."""

    centre: str
    #: Node -> the nodes it is linked to by a drawn relation, and by any relation.
    neighbours: dict[str, set[str]]
    others: dict[str, set[str]]
    #: Node -> its distance from the centre (over the drawn relations first): its ring.
    depth: dict[str, int]
    #: Node -> its axis ("" for the nodes linked to none).
    axis_of: dict[str, str]
    #: The axes that have nodes, in sector order, and each one's angles (lo, hi).
    groups: list[str]
    sectors: dict[str, tuple[float, float]]

    def members(self, ring: int, axis: str | None = None) -> list[str]:
        """The nodes on ``ring`` (of ``axis`` only, if given), in name order."""
        on_ring = [n for n in sorted(self.depth) if self.depth[n] == ring and n != self.centre]
        return on_ring if axis is None else [n for n in on_ring if self.axis_of[n] == axis]


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
    plan = _plan(network, shown, drawn, centre, axes, min_sector)
    positions = _rings(plan, footprints)
    unreached = [node for node in shown if node not in plan.depth]
    if unreached:
        _block_below(network, positions, unreached, footprints)
    sector_of = {n: plan.sectors[plan.axis_of[n]] for n in plan.depth if n != centre}
    room = dict(footprints)
    _place_titles(plan, titles or {}, positions, sector_of, room)
    _compact(positions, room, centre, sector_of)
    return positions


def _plan(
    network: nx.MultiDiGraph,
    shown: Sequence[str],
    drawn: Sequence[tuple[str, str, str]],
    centre: str,
    axes: Sequence[str],
    min_sector: float,
) -> _Plan:
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
    axis_of = _axis_of(shown, centre, axis_count, order, depth, (neighbours, others))
    groups, sectors = _sectors(order, axis_of, depth, min_sector)
    return _Plan(centre, neighbours, others, depth, axis_of, groups, sectors)


def _axis_of(
    shown: Sequence[str],
    centre: str,
    axis_count: dict[str, dict[str, int]],
    order: list[str],
    depth: dict[str, int],
    graphs: tuple[dict[str, set[str]], ...],
) -> dict[str, str]:
    """The axis of each node: its own, else its nearest neighbours' (over the drawn
    relations first, then over any), else none ("")."""
    rank = {axis: i for i, axis in enumerate(order)}
    axis_of: dict[str, str] = {}
    for node in shown:
        counts = axis_count[node]
        if node != centre and counts:
            axis_of[node] = min(counts, key=lambda a: (-counts[a], rank[a]))
    for graph in graphs:
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
    return axis_of


def _sectors(
    order: list[str], axis_of: dict[str, str], depth: dict[str, int], min_sector: float
) -> tuple[list[str], dict[str, tuple[float, float]]]:
    """The axes that have nodes, and their sectors: clockwise (the y axis points down) from
    the left, each by its share of the nodes."""
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
    return groups, sectors


def _rings(plan: _Plan, footprints: dict[str, Footprint]) -> dict[str, tuple[float, float]]:
    """The centre at (0, 0) and every other node of ``plan`` on its ring, in its sector."""
    positions: dict[str, tuple[float, float]] = {plan.centre: (0.0, 0.0)}
    angle_of: dict[str, float] = {}
    radius = _outer(footprints.get(plan.centre))
    rings = sorted({d for n, d in plan.depth.items() if n != plan.centre})
    for ring in rings:
        members = plan.members(ring)
        wanted = _wanted_angles(plan, ring, ring == rings[0], angle_of)
        # Far enough out that each sector's nodes fit on the ring, if need be staggered (the
        # separation moves wide labels in and out rather than along the ring).
        needed = radius + _ring_step(members, footprints)
        for a in plan.groups:
            inside = plan.members(ring, a)
            if not inside:
                continue
            lo, hi = plan.sectors[a]
            length = sum(_thin(footprints.get(n)) + GAP for n in inside)
            needed = max(needed, length / max(hi - lo, 1e-6))
        radius = needed
        for a in plan.groups:
            inside = sorted(plan.members(ring, a), key=lambda n: (wanted[n], n))
            if not inside:
                continue
            lo, hi = plan.sectors[a]
            widths = [(_across(footprints.get(n), wanted[n]) + GAP) / radius for n in inside]
            angles = _spread([wanted[n] for n in inside], widths, lo, hi)
            for node, angle in zip(inside, angles, strict=True):
                angle_of[node] = angle
                positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
        radius += _outer_max(members, footprints)
    return positions


def _wanted_angles(
    plan: _Plan, ring: int, first: bool, angle_of: dict[str, float]
) -> dict[str, float]:
    """Where each node of ``ring`` would stand, before the nodes are spread apart: on the
    first ring, the most linked in the middle of its sector and the others alternating out
    from it; further out, beside the nodes already placed that link it in."""
    wanted: dict[str, float] = {}
    for a in plan.groups:
        lo, hi = plan.sectors[a]
        inside = plan.members(ring, a)
        if first:
            inside.sort(key=lambda n: (-len(plan.neighbours[n]), n))
            slots = _centre_out(len(inside))
            for node, slot in zip(inside, slots, strict=True):
                wanted[node] = lo + (hi - lo) * slot
            continue
        for node in inside:
            parents = sorted(
                (p for p in plan.neighbours[node] | plan.others[node] if p in angle_of),
                key=lambda p: (plan.depth.get(p, 0), p),
            )
            wanted[node] = _mean_angle([angle_of[p] for p in parents]) if parents else (lo + hi) / 2
    return wanted


def _place_titles(
    plan: _Plan,
    titles: dict[str, Footprint],
    positions: dict[str, tuple[float, float]],
    sector_of: dict[str, tuple[float, float]],
    room: dict[str, Footprint],
) -> None:
    """Each axis's name in the middle of its sector, beyond its first ring; it then finds
    room among the nodes as they are drawn closer."""
    for axis, footprint in sorted(titles.items()):
        if axis not in plan.sectors:
            continue
        lo, hi = plan.sectors[axis]
        inner = [
            math.hypot(*positions[n])
            for n in plan.depth
            if plan.depth[n] == 1 and plan.axis_of[n] == axis
        ]
        distance = (max(inner) if inner else EDGE_LENGTH) + _outer(footprint)
        angle = (lo + hi) / 2
        positions[TITLE + axis] = (distance * math.cos(angle), distance * math.sin(angle))
        sector_of[TITLE + axis] = (lo, hi)
        room[TITLE + axis] = footprint


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
    separate(pos, boxes, fixed, sectors=sectors)
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
            if separate(trial, boxes, fixed, iterations=300, sectors=sectors) and (
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
    block = force_positions(network, nodes)
    separate_all(block, nodes, footprints, pinned=set())
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
