"""One conversion of RDF terms between rdflib and Oxigraph, each way.

The loader checks the data in Oxigraph's store, export canonicalises in it and the default
validation engine queries it, while the outputs are written by rdflib: all of them convert
terms here, so a literal comes back from the store as the term rdflib's parser makes.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["from_oxigraph", "to_oxigraph"]


def from_oxigraph(term: Any) -> Node:
    """An Oxigraph term as the rdflib term the loader would have made."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    # Oxigraph gives every simple literal xsd:string; rdflib tells "x" from "x"^^xsd:string
    # and the loader keeps only the former.
    if term.datatype.value == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term: Any) -> Any:
    """An rdflib term as an Oxigraph one (an Oxigraph term is returned as it is).

    A blank node keeps its label; ``TypeError`` for anything that is not an RDF term.
    """
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), language=term.language, datatype=datatype)
    raise TypeError(f"not an RDF term: {term!r}")
