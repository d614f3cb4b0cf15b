"""What the graph page draws: the network of a view (the whole graph, a neighbourhood, a
query's answer), the groups of relations with their colours, and what is drawn when the page
opens (its filters then apply the same rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import ORG

from graph.network.analyse import find_entity
from graph.network.convert import to_networkx
from graph.network.kinds import KIND_BY_KEY
from graph.rdf.vocab import CONCEPT, JC, SCHEMA

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "AXES",
    "NO_AXIS_COLOR",
    "RELATION_GROUPS",
    "OpeningView",
    "initially_shown",
    "opening_view",
    "relation_group",
    "sorted_edges",
    "view_network",
]

#: The cooperation axes, in the order of their sectors around the centre (proximity on the
#: left, interregional at the top right, development aid at the bottom right) and of the
#: legend, with their colours; a cooperation on no axis is grey.
AXES: tuple[tuple[str, str], ...] = (
    (str(CONCEPT["axe-proximite"]), "#4e79a7"),
    (str(CONCEPT["axe-interregional"]), "#f28e2b"),
    (str(CONCEPT["axe-aide-developpement"]), "#59a14f"),
)
NO_AXIS_COLOR = "#9d9d9d"

#: The groups of relations, in legend order, with their colour and whether the page draws
#: them when it opens: the cooperation (on an axis, or a qualified relation, or a plain
#: ``cooperatesWith``), memberships and the bodies within bodies, funding; the parties to
#: an agreement and the structure (part of, territory, texts, events, themes) appear for
#: the selected entity, or when their box is ticked.
RELATION_GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("cooperation", NO_AXIS_COLOR, True),
    ("membership", "#7b5ea7", True),
    ("funding", "#b07d00", True),
    ("agreement", "#8c564b", False),
    ("structure", "#b4b4b4", False),
)
_GROUP_OF_PREDICATE: dict[str, str] = {
    str(JC.cooperatesWith): "cooperation",
    str(ORG.memberOf): "membership",
    str(ORG.hasMember): "membership",
    str(ORG.subOrganizationOf): "membership",
    str(ORG.hasSubOrganization): "membership",
    str(ORG.unitOf): "membership",
    str(ORG.hasUnit): "membership",
    str(ORG.postIn): "membership",
    str(JC.canFund): "funding",
    str(JC.funder): "funding",
    str(SCHEMA.funder): "funding",
    str(JC.managingAuthority): "funding",
    str(JC.party): "agreement",
}


def view_network(
    graph: Graph,
    *,
    focus: str | None = None,
    depth: int = 1,
    lang: str = "fr",
    subgraph: Graph | None = None,
) -> nx.MultiDiGraph:
    """The network that ``render_html`` draws.

    With ``subgraph`` (e.g. a CONSTRUCT result): only the entities it mentions and the
    relations it states (a plain triple between two entities, or a qualified relation it
    names), each described from ``graph`` (labels, kinds, identifiers), so that a query
    need only construct the edges it is about. With ``focus``: the entities at most
    ``depth`` relations away from it, whichever way the relations point.
    """
    if subgraph is not None:
        merged = Graph(bind_namespaces="none")
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace)
        for triple in graph:
            merged.add(triple)
        for triple in subgraph:
            merged.add(triple)
        network = _restrict(to_networkx(merged, lang=lang), subgraph)
    else:
        network = to_networkx(graph, lang=lang)
    if focus is not None:
        import networkx as nx

        centre = find_entity(network, focus)
        if depth < 0:
            raise ValueError("depth must be 0 or more")
        kept = nx.single_source_shortest_path_length(
            network.to_undirected(as_view=True), centre, cutoff=depth
        )
        network = network.subgraph(sorted(kept)).copy()
        network.graph["focus"] = centre
    return network


def _restrict(network: nx.MultiDiGraph, subgraph: Graph) -> nx.MultiDiGraph:
    mentioned = {str(t) for s, _, o in subgraph for t in (s, o) if isinstance(t, URIRef)}
    stated = {(str(s), str(p), str(o)) for s, p, o in subgraph}
    keep_edges = [
        (u, v, k)
        for u, v, k, data in network.edges(keys=True, data=True)
        if (u, data["predicate"], v) in stated or data.get("relation") in mentioned
    ]
    keep_nodes = {n for n in network if n in mentioned} | {
        n for u, v, _ in keep_edges for n in (u, v)
    }
    restricted = network.__class__()
    restricted.graph.update(network.graph)
    restricted.add_nodes_from((n, network.nodes[n]) for n in sorted(keep_nodes))
    restricted.add_edges_from((u, v, k, network.edges[u, v, k]) for u, v, k in sorted(keep_edges))
    return restricted


def relation_group(data: dict[str, Any]) -> str:
    """The group of a relation (see ``RELATION_GROUPS``) from its edge attributes."""
    if data.get("axis") or data.get("relation_type") == str(JC.Cooperation):
        return "cooperation"
    return _GROUP_OF_PREDICATE.get(data["predicate"], "structure")


@dataclass(frozen=True)
class OpeningView:
    """What the page draws when it opens (its filters then apply the same rules)."""

    #: Group of relations -> drawn at first.
    groups: dict[str, bool]
    #: The relations drawn, as (source, target, key).
    edges: frozenset[tuple[str, str, str]]
    #: The entities drawn: those of a kind shown at first with a relation drawn.
    shown: frozenset[str]
    #: The entities of a kind shown at first that no drawn relation reaches, and that are
    #: linked to nothing or to an entity of a kind shown: listed beside the drawing, not
    #: scattered under it.
    listed: tuple[str, ...]
    #: The entity in the middle: the focus, else the one with the most relations on an axis.
    centre: str | None


def opening_view(network: nx.MultiDiGraph, *, every_group: bool = False) -> OpeningView:
    """The relations and entities drawn when the page opens.

    A relation is drawn when its group is (``RELATION_GROUPS``; every group with
    ``every_group``, or when the default groups would draw nothing) and both its ends are of
    a kind shown at first; an entity is drawn when one of its relations is.
    """
    visible = {n for n, d in network.nodes(data=True) if KIND_BY_KEY[d["kind"]].visible}
    edges = sorted_edges(network)
    group_of = [relation_group(data) for _, _, _, data in edges]
    groups = {key: on or every_group for key, _, on in RELATION_GROUPS}

    def drawn_with(on: dict[str, bool]) -> set[tuple[str, str, str]]:
        return {
            (u, v, k)
            for (u, v, k, _), group in zip(edges, group_of, strict=True)
            if on[group] and u in visible and v in visible
        }

    drawn = drawn_with(groups)
    if not drawn and not every_group:
        groups = dict.fromkeys(groups, True)
        drawn = drawn_with(groups)
    shown = {n for u, v, _ in drawn for n in (u, v)}
    listed = tuple(sorted(n for n in visible - shown if _listed(network, n, visible)))
    centre = network.graph.get("focus")
    if centre is None:
        on_axis: dict[str, int] = {}
        for u, v, _, data in edges:
            if data.get("axis") and u in shown and v in shown:
                for node in {u, v}:
                    on_axis[node] = on_axis.get(node, 0) + 1
        centre = min(on_axis, key=lambda n: (-on_axis[n], n)) if on_axis else None
    if centre is not None and centre not in shown:
        shown.add(centre)
        listed = tuple(n for n in listed if n != centre)
    return OpeningView(groups, frozenset(drawn), frozenset(shown), listed, centre)


def _listed(network: nx.MultiDiGraph, node: str, visible: set[str]) -> bool:
    """Listed beside the drawing: an entity linked to nothing, or to an entity of a kind
    shown (the regions merged in 2016, linked only to their merger, stay with the events)."""
    neighbours = (set(network.predecessors(node)) | set(network.successors(node))) - {node}
    return not neighbours or bool(neighbours & visible)


def initially_shown(network: nx.MultiDiGraph) -> set[str]:
    """The entities drawn when the page opens (see ``opening_view``)."""
    return set(opening_view(network).shown)


def sorted_edges(network: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    """The relations as (source, target, key, attributes), in one order on every run: the
    order of the page's edges, whose ids (e0, e1...) the details refer to."""
    return sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
