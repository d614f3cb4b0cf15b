"""Moving footprints apart until no two overlap: every layout's last step.

The boxes are numpy arrays (one row per node: left, top, right, bottom relative to its
position), so that a drawing of thousands of nodes is separated in a second.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.page.footprint import Footprint

__all__ = ["GAP", "overlapping_pairs", "separate", "separate_all", "sum_by_index"]

#: Room between two footprints, in canvas units.
GAP = 6.0


def separate_all(
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
    separate(pos, boxes, fixed, iterations=iterations)
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


def separate(pos, boxes, fixed, iterations: int = 400, sectors=None) -> bool:
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
        move = sum_by_index(a, delta * share_a[:, None], n) - sum_by_index(
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


def sum_by_index(index, values, n: int):
    """Row sums of ``values`` grouped by ``index`` (``np.add.at``, several times faster)."""
    import numpy as np

    return np.stack(
        [
            np.bincount(index, weights=values[:, 0], minlength=n),
            np.bincount(index, weights=values[:, 1], minlength=n),
        ],
        axis=1,
    )
