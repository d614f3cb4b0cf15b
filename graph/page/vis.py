"""The nodes, edges and options of vis-network, built with pyvis.

pyvis is used for what it does well (vis-network's item format and options); the page
itself is our own template (see graph.page.render).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from graph.network.kinds import KIND_BY_KEY
from graph.page.view import AXES, RELATION_GROUPS, OpeningView, relation_group, sorted_edges

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

__all__ = ["LABEL_MIN_PX", "vis_items"]

#: The page draws no label smaller than this on screen (canvas px): the minor ones appear
#: as one zooms in.
LABEL_MIN_PX = 11


class _IndexedIds(list):
    """pyvis keeps node ids in a list and checks membership in it for every node and edge
    added: quadratic, minutes at 10,000 nodes. This list answers ``in`` from a set."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def vis_items(
    network: nx.MultiDiGraph,
    positions: dict[str, tuple[int, int]],
    view: OpeningView,
    fonts: dict[str, float],
    sizes: dict[str, float],
    wrap: dict[str, int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """vis-network nodes, edges and options, built with pyvis."""
    limit = sys.getrecursionlimit()
    try:
        from pyvis.network import Network
    finally:
        # pyvis imports IPython, which imports jedi, which sets the recursion limit of the
        # whole process to 3000 (and the loader relies on the usual one to stop deep input).
        sys.setrecursionlimit(limit)

    net = Network(directed=True)
    net.node_ids = _IndexedIds()
    for node, data in sorted(network.nodes(data=True)):
        kind = KIND_BY_KEY[data["kind"]]
        x, y = positions[node]
        net.add_node(
            node,
            label=str(data.get("label") or node),
            shape=kind.shape,
            color=kind.color,
            size=sizes[node],
            x=x,
            y=y,
            hidden=node not in view.shown,
            font={"size": fonts[node]},
            widthConstraint={"maximum": wrap[node]},
        )
    _add_edges(net, network, view)
    net.options = _options(large=network.number_of_nodes() > 1500)
    nodes, edges, _, _, _, options_json = net.get_network_data()
    return nodes, edges, json.loads(options_json)


def _add_edges(net: Network, network: nx.MultiDiGraph, view: OpeningView) -> None:
    axis_colors = dict(AXES)
    group_colors = {key: color for key, color, _ in RELATION_GROUPS}
    pair_count: dict[tuple[str, str], int] = {}
    for index, (source, target, key, data) in enumerate(sorted_edges(network)):
        pair = (min(source, target), max(source, target))
        rank = pair_count.get(pair, 0)
        pair_count[pair] = rank + 1
        group = relation_group(data)
        options: dict[str, Any] = {
            "id": f"e{index}",
            "color": axis_colors.get(data.get("axis", ""), group_colors[group]),
            "width": 3 if "relation" in data else 2 if group == "cooperation" else 1.2,
            "hidden": (source, target, key) not in view.edges,
        }
        if group in ("agreement", "structure"):
            options["dashes"] = [4, 4]
        if rank:
            # Parallel relations between the same two entities: bend each one a bit more,
            # or they would be drawn on top of each other.
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * rank}
        net.add_edge(source, target, **options)


def _options(large: bool) -> dict[str, Any]:
    """vis-network's options. Physics is off when the page opens, on positions computed
    here (the page's Animate button turns it on); a large drawing hides its relations while
    it is moved."""
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False},
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "springLength": 110,
                "avoidOverlap": 0.3,
            },
            "stabilization": {"enabled": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 250,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        "nodes": {
            "borderWidth": 1,
            # A bold label is wider: the layout keeps room for the regular one only.
            "labelHighlightBold": False,
            "font": {
                "face": "system-ui, sans-serif",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            # No label smaller than LABEL_MIN_PX on screen (vis-network hides a label below
            # drawThreshold - 1 px): the minor ones appear as one zooms in.
            "scaling": {"label": {"drawThreshold": LABEL_MIN_PX + 1, "maxVisible": 40}},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "hoverWidth": 1.5,
            "selectionWidth": 2,
        },
    }
