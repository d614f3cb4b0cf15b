"""The shortest chains of relations between two entities (``coopgraph path A B``).

A relation links two entities whichever way it is stated (the canton cooperates with
Québec, Québec is a member of nothing, both are linked), so the search runs on the
undirected network; each step then lists every relation between its two entities, with the
direction in which it is stated.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Chain", "Link", "chains_text", "shortest_chains"]


@dataclass(frozen=True)
class Link:
    """One relation between two consecutive entities of a chain."""

    #: Predicate label, e.g. "coopère avec".
    label: str
    predicate: str
    #: True when stated from the earlier entity of the chain to the later one.
    forward: bool
    #: The qualified relation's IRI and label, and its axis label, when there is one.
    relation: str | None = None
    relation_label: str | None = None
    axis_label: str | None = None


@dataclass(frozen=True)
class Chain:
    """Entities from the first to the last, and the relations of each step between them."""

    nodes: list[str]
    labels: list[str]
    steps: list[list[Link]]

    def text(self) -> str:
        lines = [self.labels[0]]
        for step, label in zip(self.steps, self.labels[1:], strict=True):
            for link in step:
                arrow = "→" if link.forward else "←"
                detail = f" ({link.relation_label})" if link.relation_label else ""
                axis = f" [{link.axis_label}]" if link.axis_label else ""
                lines.append(f"    {arrow} {link.label}{detail}{axis}")
            lines.append(label)
        return "\n".join(lines)


def shortest_chains(
    network: nx.MultiDiGraph, source: str, target: str, *, limit: int = 10
) -> list[Chain]:
    """Up to ``limit`` shortest chains from ``source`` to ``target`` (node keys).

    Empty when no chain links them. The order is the same on every run: networkx walks the
    nodes in the order they were added, which ``to_networkx`` sorts.
    """
    import networkx as nx

    undirected = network.to_undirected(as_view=True)
    try:
        paths = list(islice(nx.all_shortest_paths(undirected, source, target), limit))
    except nx.NetworkXNoPath:
        return []
    return [_chain(network, path) for path in paths]


def _chain(network: nx.MultiDiGraph, path: list[str]) -> Chain:
    steps = []
    for here, there in zip(path, path[1:], strict=False):
        links = [_link(data, True) for data in _between(network, here, there)]
        links += [_link(data, False) for data in _between(network, there, here) if here != there]
        steps.append(
            sorted(links, key=lambda link: (not link.forward, link.label, link.relation or ""))
        )
    labels = [str(network.nodes[node].get("label", node)) for node in path]
    return Chain(nodes=list(path), labels=labels, steps=steps)


def _between(network: nx.MultiDiGraph, source: str, target: str) -> list[dict]:
    if not network.has_edge(source, target):
        return []
    return [data for _, data in sorted(network[source][target].items(), key=lambda kv: str(kv[0]))]


def _link(data: dict, forward: bool) -> Link:
    return Link(
        label=str(data.get("predicate_label", data.get("predicate", ""))),
        predicate=str(data.get("predicate", "")),
        forward=forward,
        relation=data.get("relation"),
        relation_label=data.get("label") if data.get("relation") else None,
        axis_label=data.get("axis_label"),
    )


def chains_text(chains: list[Chain], source_label: str, target_label: str) -> str:
    """The chains as numbered blocks for the terminal."""
    if not chains:
        return f"No chain of relations links {source_label} and {target_label}."
    length = len(chains[0].steps)
    head = (
        f"{len(chains)} shortest chain(s) of {length} relation step(s) between "
        f"{source_label} and {target_label}:"
    )
    blocks = [head]
    for number, chain in enumerate(chains, 1):
        text = chain.text().replace("\n", "\n   ")
        blocks.append(f"{number}. {text}")
    return "\n\n".join(blocks)
