"""The direct edges derived from the qualified relations.

The data states each relation once, as a qualified (n-ary) node with its axis, period and
source; these rules add the plain edge next to it so that simple queries stay simple. All
rules live here, as SPARQL CONSTRUCT queries, so the derivation is readable in one place and
runs the same on any SPARQL engine.
"""

from __future__ import annotations

import pyoxigraph
from rdflib import Graph

from graph.rdf.vocab import PREFIXES

_PROLOGUE = "".join(f"PREFIX {prefix}: <{PREFIXES[prefix]}>\n" for prefix in ("jc", "org", "rdf"))

#: name -> CONSTRUCT query. The rules do not feed each other, so one pass is enough.
RULES: dict[str, str] = {
    "cooperates-with": """
        CONSTRUCT { ?actor jc:cooperatesWith ?partner }
        WHERE { ?c a jc:Cooperation ; jc:actor ?actor ; jc:partner ?partner }
    """,
    "can-fund": """
        CONSTRUCT { ?funder jc:canFund ?item }
        WHERE { ?f a jc:FundingChannel ; jc:funder ?funder ; jc:fundedItem ?item }
    """,
    "member-of": """
        CONSTRUCT { ?member org:memberOf ?org . ?org org:hasMember ?member }
        WHERE { ?m a org:Membership ; org:member ?member ; org:organization ?org }
    """,
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
