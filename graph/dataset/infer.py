"""The direct edges derived from the qualified relations.

The data states each relation once, as a qualified (n-ary) node with its axis, period and
source; these rules add the plain edge next to it so that simple queries stay simple. All
rules live here, as SPARQL CONSTRUCT queries, so the derivation is readable in one place and
runs the same on any SPARQL engine.
"""

from __future__ import annotations

from typing import NamedTuple

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.namespace import ORG

from graph.rdf.terms import prefixed_name
from graph.rdf.vocab import JC, PREFIXES

_PROLOGUE = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in ("jc", "org", "rdf"))


class Qualified(NamedTuple):
    """A qualified relation class and the direct edge derived from each of its instances:
    ``source direct target`` (and ``target inverse source``, when there is an inverse)."""

    name: str
    cls: URIRef
    source: URIRef
    target: URIRef
    direct: URIRef
    inverse: URIRef | None = None


#: The qualified relations, read by the rules below and by the network (graph.network),
#: which draws each as one edge in place of the direct edges derived from it.
QUALIFIED: tuple[Qualified, ...] = (
    Qualified("cooperates-with", JC.Cooperation, JC.actor, JC.partner, JC.cooperatesWith),
    Qualified("can-fund", JC.FundingChannel, JC.funder, JC.fundedItem, JC.canFund),
    Qualified(
        "member-of", ORG.Membership, ORG.member, ORG.organization, ORG.memberOf, ORG.hasMember
    ),
)


def _rule(relation: Qualified) -> str:
    """The CONSTRUCT query of one qualified relation, e.g. for a membership:
    ``CONSTRUCT { ?source org:memberOf ?target . ?target org:hasMember ?source }
    WHERE { ?r a org:Membership ; org:member ?source ; org:organization ?target }``."""
    cls, source, target, direct = (
        prefixed_name(str(term))
        for term in (relation.cls, relation.source, relation.target, relation.direct)
    )
    derived = f"?source {direct} ?target"
    if relation.inverse is not None:
        derived += f" . ?target {prefixed_name(str(relation.inverse))} ?source"
    return f"""
        CONSTRUCT {{ {derived} }}
        WHERE {{ ?r a {cls} ; {source} ?source ; {target} ?target }}
    """


#: name -> CONSTRUCT query. The rules do not feed each other, so one pass is enough.
RULES: dict[str, str] = {
    **{relation.name: _rule(relation) for relation in QUALIFIED},
    # The data states the other members of a body as plain org:hasMember (no qualified
    # membership: we know nothing more of them); ORG defines memberOf as its inverse.
    "member-of-inverse": """
        CONSTRUCT { ?member org:memberOf ?org }
        WHERE { ?org org:hasMember ?member }
    """,
}


def infer(graph: Graph) -> Graph:
    """The triples the rules derive from ``graph`` that it does not state already."""
    inferred = Graph(bind_namespaces="none")
    for query in RULES.values():
        # rdflib's own engine: the rules are three small joins run once per load, so the
        # copy into an Oxigraph store would cost more than it saves.
        for triple in graph.query(_PROLOGUE + query):
            if triple not in graph:
                inferred.add(triple)
    return inferred


def infer_in_store(store: pyoxigraph.Store) -> list[pyoxigraph.Triple]:
    """What the rules derive from the union of the graphs of ``store`` that no graph states
    already (``infer`` on Oxigraph), each triple once, in the order the rules find them."""
    new: dict[pyoxigraph.Triple, None] = {}
    for query in RULES.values():
        for triple in store.query(_PROLOGUE + query, use_default_graph_as_union=True):
            s, p, o = triple
            if next(store.quads_for_pattern(s, p, o), None) is None:
                new[triple] = None
    return list(new)
