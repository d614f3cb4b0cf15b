"""What a person asks of the network: which entity a name means, and which are central.

The shortest chains between two entities are in ``graph.network.pathfind``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.rdf.resolve import Candidate, resolve_entity

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Central", "centrality", "centrality_text", "entity_candidates", "find_entity"]

#: Kinds whose nodes give way to a body that a name fits as well (``Candidate.yields``):
#: a territory bears the name of the body that governs it, an event that of a body.
_YIELDING_KINDS = frozenset({"territory", "event"})


# --- which entity a name means --------------------------------------------------------------


def entity_candidates(network: nx.MultiDiGraph) -> list[Candidate]:
    """The nodes of ``network`` as candidates of ``graph.rdf.resolve``: the label shown
    first, then the label in each language and the alternative labels."""
    candidates = []
    for node, data in network.nodes(data=True):
        names = [data.get("label", node)]
        names += [text for key, text in sorted(data.items()) if key.startswith("label_")]
        names += data.get("alt_labels", [])
        labels = tuple(dict.fromkeys(str(name) for name in names))
        candidates.append(Candidate(node, labels, yields=data.get("kind") in _YIELDING_KINDS))
    return candidates


def find_entity(network: nx.MultiDiGraph, text: str) -> str:
    """The node that ``text`` names (an IRI, a prefixed name, a slug or a label: the rules
    of ``graph.rdf.resolve``). Raises ``UnknownEntityError`` for none or several."""
    return resolve_entity(text, entity_candidates(network))


# --- centrality -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Central:
    """An entity and how central it is in the graph of relations (undirected)."""

    iri: str
    label: str
    kind: str
    degree: int
    #: Share of the other nodes it is linked to (networkx ``degree_centrality``).
    degree_centrality: float
    #: Share of shortest paths between other nodes that pass through it (normalised).
    betweenness: float


def centrality(network: nx.MultiDiGraph, top: int = 10) -> list[Central]:
    """The ``top`` most central entities by betweenness, then degree, then label.

    Computed on the undirected simple graph: a relation links two entities whichever way it
    is stated, and parallel relations do not shorten a path.
    """
    import networkx as nx

    simple = nx.Graph(network.to_undirected(as_view=True))
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    if simple.number_of_nodes() == 0:
        return []
    degree = (
        nx.degree_centrality(simple) if simple.number_of_nodes() > 1 else {n: 0.0 for n in simple}
    )
    betweenness = nx.betweenness_centrality(simple, normalized=True)
    rows = [
        Central(
            iri=node,
            label=str(network.nodes[node].get("label", node)),
            kind=str(network.nodes[node].get("kind", "other")),
            degree=simple.degree(node),
            degree_centrality=round(degree[node], 6),
            betweenness=round(betweenness[node], 6),
        )
        for node in simple
    ]
    rows.sort(key=lambda r: (-r.betweenness, -r.degree, r.label, r.iri))
    return rows[:top]


def centrality_text(rows: list[Central]) -> str:
    """The most central entities as a table for the terminal."""
    lines = ["Most central entities (betweenness, degree centrality, relations):"]
    for row in rows:
        lines.append(
            f"  {row.betweenness:8.4f} {row.degree_centrality:8.4f} {row.degree:5d}  {row.label}"
        )
    return "\n".join(lines)
