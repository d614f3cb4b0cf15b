"""Counts that say what the graph holds: triples, entities per class, relations per axis,
the sources apart from the entities they describe, and the most central entities."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, ORG, RDF, SKOS
from rdflib.term import Node

from graph.dataset.load import Loaded
from graph.rdf.terms import labels_of, pick_label
from graph.rdf.vocab import CONCEPT, ID, JC

if TYPE_CHECKING:
    from graph.network.analyse import Central

__all__ = ["HUB_KINDS", "AxisCount", "ClassCount", "Stats", "most_central", "stats"]

#: Kinds of node left out of the most-central list unless asked for: the concepts (axes,
#: objectives, fields), the countries and the policy and legal texts are hubs by
#: construction (the policy names every axis, every territory lies in a country), so they
#: would crowd out the partners and bodies a reader asks about.
HUB_KINDS = frozenset({"concept", "country", "framework"})

#: Classes of the source material: counted apart from the entities they describe.
_SOURCE_CLASSES = {FOAF.Document, JC.SourceExcerpt}


@dataclass(frozen=True)
class ClassCount:
    #: The class as a prefixed name, e.g. ``org:Organization``.
    name: str
    count: int


@dataclass(frozen=True)
class AxisCount:
    #: The axis concept as a prefixed name, or "" for relations that name no axis.
    axis: str
    #: Its label in French (else in the next of ``LANGUAGES``: ``graph.rdf.terms.pick_label``).
    label: str
    cooperations: int
    memberships: int
    funding_channels: int


@dataclass(frozen=True)
class Stats:
    triples: int
    #: Distinct subjects under ``https://w3id.org/jura-coop/id/``, the sources apart.
    entities: int
    #: Entities per class, by count (descending) then name.
    classes: list[ClassCount]
    #: Qualified relations per cooperation axis, by axis label.
    axes: list[AxisCount]
    data_files: int
    #: Source documents (``foaf:Document``) cited by the entities.
    sources: int = 0
    #: Verbatim excerpts of the source documents (``jc:SourceExcerpt``).
    excerpts: int = 0

    def text(self) -> str:
        """A short plain-text summary for the terminal."""
        lines = [
            f"{self.triples} triples, {self.entities} entities from {self.data_files} data file(s)",
            f"described by {self.sources} source documents and {self.excerpts} quoted excerpts",
            "",
            "Entities per class:",
            *(f"  {c.count:6d}  {c.name}" for c in self.classes),
            "",
            "Relations per axis (cooperations / memberships / funding channels):",
            *(
                f"  {a.cooperations:4d} {a.memberships:4d} {a.funding_channels:4d}  "
                f"{a.label or '(no axis)'}" + (f" ({a.axis})" if a.axis else "")
                for a in self.axes
            ),
        ]
        return "\n".join(lines)


_RELATIONS = {
    "cooperations": JC.Cooperation,
    "memberships": ORG.Membership,
    "funding_channels": JC.FundingChannel,
}


def stats(loaded: Loaded) -> Stats:
    """Count what ``loaded`` holds: the entities, and apart from them the sources."""
    graph = loaded.graph
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(ID))}
    sources = {s for s in subjects if (s, RDF.type, FOAF.Document) in graph}
    excerpts = {s for s in subjects if (s, RDF.type, JC.SourceExcerpt) in graph}
    entities = subjects - sources - excerpts
    per_class = Counter(
        _name(graph, cls)
        for entity in entities
        for cls in graph.objects(entity, RDF.type)
        if cls not in _SOURCE_CLASSES
    )
    classes = [ClassCount(name, n) for name, n in sorted(per_class.items(), key=_by_count)]
    return Stats(
        len(graph),
        len(entities),
        classes,
        _axes(graph),
        len(loaded.data_files),
        sources=len(sources),
        excerpts=len(excerpts),
    )


def most_central(
    loaded: Loaded, top: int = 10, *, skip_kinds: frozenset[str] = HUB_KINDS
) -> list[Central]:
    """The ``top`` most central entities of the network of relations, leaving out the
    kinds in ``skip_kinds`` (by default the concepts, countries and policy texts).

    Centrality is computed on the whole network, so the hubs left out of the list still
    carry the paths that make the others central.
    """
    from graph.network.analyse import centrality
    from graph.network.convert import to_networkx

    network = to_networkx(loaded.graph)
    ranked = centrality(network, top=network.number_of_nodes())
    return [row for row in ranked if row.kind not in skip_kinds][:top]


def _axes(graph: Graph) -> list[AxisCount]:
    counts: dict[Node | None, Counter[str]] = {
        axis: Counter() for axis in graph.subjects(SKOS.inScheme, CONCEPT.axes)
    }
    for field, cls in _RELATIONS.items():
        for relation in set(graph.subjects(RDF.type, cls)):
            for axis in list(graph.objects(relation, JC.axis)) or [None]:
                counts.setdefault(axis, Counter())[field] += 1
    rows = [
        AxisCount(
            axis=_name(graph, axis) if axis is not None else "",
            label=pick_label(labels_of(graph, axis), "fr") if axis is not None else "",
            **{field: tally[field] for field in _RELATIONS},
        )
        for axis, tally in counts.items()
    ]
    # No axis last; otherwise by label, so the order reads the same in every run.
    return sorted(rows, key=lambda row: (row.axis == "", row.label, row.axis))


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _name(graph: Graph, term: Node) -> str:
    return term.n3(graph.namespace_manager) if isinstance(term, URIRef) else str(term)
