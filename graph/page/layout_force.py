"""The force-directed layout, for a view without a centre, and the placing of the nodes a
layout leaves out next to their neighbours.

Up to ``EXACT_LIMIT`` nodes it is networkx's Fruchterman-Reingold (``spring_layout``), which
computes every pair of nodes; above, the same forces with repulsion cut off beyond a few
edge lengths (the "grid" variant of the original paper), because the exact one grows with
the square of the nodes and takes minutes at 10,000 (see docs/performance-graph.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

from graph.page.overlap import sum_by_index

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EDGE_LENGTH",
    "EXACT_LIMIT",
    "Position",
    "force_layout",
    "force_positions",
    "place_near_neighbours",
]

#: Up to this many nodes the force layout computes every pair (networkx's dense solver).
EXACT_LIMIT = 500
#: Distance between two linked nodes, in pixels, that the layouts aim at.
EDGE_LENGTH = 110.0
SEED = 20260

#: A node's position in whole canvas pixels.
Position = tuple[int, int]


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
    positions = force_positions(network, network.nodes if primary is None else primary)
    place_near_neighbours(network, positions)
    return {node: (round(x), round(y)) for node, (x, y) in sorted(positions.items())}


def force_positions(
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
            disp += sum_by_index(a, push, n) - sum_by_index(b, push, n)
        if len(edges):
            delta = pos[edges[:, 0]] - pos[edges[:, 1]]
            dist = np.maximum(np.hypot(delta[:, 0], delta[:, 1]), 0.01)
            pull = delta * (dist / k)[:, None]
            disp += sum_by_index(edges[:, 1], pull, n) - sum_by_index(edges[:, 0], pull, n)
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


def place_near_neighbours(
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
