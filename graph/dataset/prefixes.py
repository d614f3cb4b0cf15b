"""The prefixes a graph binds: ours, then the files' own, then one made up per namespace.

rdflib would bind its own defaults (``brick:``, ``schema1:``...) and invent ``ns1:`` in
the order it meets terms (Python's hash order): every graph the outputs are written from
binds its prefixes here instead, so they read the same with every rdflib version and run.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from graph.rdf.vocab import PREFIXES

__all__ = ["bind_free", "bind_generated", "bind_prefixes", "new_graph"]


def new_graph(namespaces: Iterable[tuple[str, object]] = ()) -> Graph:
    """An empty graph with only our prefixes (and ``namespaces``, where free) bound."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    bind_free(graph, namespaces)
    return graph


def bind_free(graph: Graph, namespaces: Iterable[tuple[str, object]]) -> None:
    """Bind each prefix whose name and namespace are both still free; never rebind."""
    manager = graph.namespace_manager
    taken_names = {prefix for prefix, _ in manager.namespaces()}
    taken_namespaces = {str(ns) for _, ns in manager.namespaces()}
    for prefix, namespace in namespaces:
        if prefix and prefix not in taken_names and str(namespace) not in taken_namespaces:
            graph.bind(prefix, str(namespace))
            taken_names.add(prefix)
            taken_namespaces.add(str(namespace))


def bind_prefixes(declared: Iterable[Iterable[tuple[str, str]]], terms: Iterable[URIRef]) -> Graph:
    """An empty graph with the prefixes ``load``'s graph has: ours, then those the files
    declare (each file's sorted, in the order of the files), then one made up for the
    namespace of each property or class in ``terms`` that has none."""
    graph = new_graph()
    for prefixes in declared:
        bind_free(graph, prefixes)
    bind_generated(graph, terms)
    return graph


def bind_generated(graph: Graph, terms: Iterable[URIRef] | None = None) -> None:
    """Give every namespace of a property or class a prefix now, in sorted order.

    Serialisers invent ``ns1:``, ``ns2:`` on the fly in the order they meet the terms,
    which follows Python's hash order; inventing them here makes the names stable.
    """
    if terms is None:
        terms = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    for term in sorted(t for t in terms if isinstance(t, URIRef)):
        try:
            graph.namespace_manager.compute_qname(term, generate=True)
        except ValueError:  # not splittable into namespace + local name; written in full
            pass
