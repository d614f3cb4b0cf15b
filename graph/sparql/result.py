"""What a query answers (``QueryResult``), whichever engine ran it, and its terms.

The rows hold pyoxigraph's terms: rdflib's answers are converted to them here
(``from_rdflib``), and back for the rdflib view of a graph (``to_rdflib``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Graph

from graph.dataset.oxigraph_terms import from_oxigraph, to_oxigraph
from graph.dataset.prefixes import new_graph
from graph.sparql.errors import QueryFailedError

__all__ = ["QueryResult", "Term", "from_rdflib", "to_python", "to_rdflib"]

#: A value in a result row: the terms of pyoxigraph, whichever engine answered.
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_INTEGER_TYPES = {
    str(XSD[t])
    for t in (
        "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
        "negativeInteger unsignedInt unsignedLong unsignedShort unsignedByte"
    ).split()
}


@dataclass(frozen=True)
class QueryResult:
    """What a query answered, the same shape whichever engine ran it.

    SELECT fills ``variables`` (projection order) and ``rows``; ASK fills ``boolean``;
    CONSTRUCT and DESCRIBE fill ``triples`` (and ``graph``, an rdflib view of them).
    """

    #: select, ask, construct or describe.
    kind: str
    variables: tuple[str, ...] = ()
    #: One tuple per solution, one term (or None when unbound) per variable.
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    #: The text that ran, with the parameters bound.
    query: str = ""
    #: What the reader should know about the answer: a term that nothing uses (the likely
    #: cause of an empty answer), a parameter given under its former name.
    warnings: tuple[str, ...] = ()

    def values(self) -> list[tuple[Any, ...]]:
        """The rows as plain Python values: str for IRIs and texts, int, Decimal, float, bool."""
        return [tuple(to_python(term) for term in row) for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries of plain Python values, keyed by variable name."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.values()]

    @cached_property
    def graph(self) -> Graph:
        """CONSTRUCT and DESCRIBE: the triples as an rdflib Graph with our prefixes bound."""
        graph = new_graph()
        for triple in self.triples:
            graph.add(tuple(to_rdflib(term) for term in triple))
        return graph


def to_python(term: Term | None) -> Any:
    """A term as a plain Python value (IRIs and blank nodes as text, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    datatype = term.datatype.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == str(XSD.decimal):
            return Decimal(term.value)
        if datatype in (str(XSD.double), str(XSD.float)):
            return float(term.value)
        if datatype == str(XSD.boolean):
            return term.value in ("true", "1")
    except (ValueError, InvalidOperation):
        pass
    return term.value


# --- term conversion between rdflib and pyoxigraph ------------------------------------------


def from_rdflib(term: Any) -> Term | None:
    """A value of rdflib's answer as ours (``to_oxigraph``); None (unbound) stays None."""
    if term is None:
        return None
    if isinstance(term, BNode):
        # rdflib's engine may label a blank node as Oxigraph would refuse (with a space).
        return ox.BlankNode(_bnode_id(str(term)))
    try:
        return to_oxigraph(term)
    except TypeError:
        raise QueryFailedError(f"cannot read the value {term!r}") from None


def _bnode_id(label: str) -> str:
    return label if re.fullmatch(r"[A-Za-z0-9_]+", label) else "b" + label.encode().hex()


def to_rdflib(term: Term):
    """Ours as rdflib's term, as the loader makes it ("x" and "x"^^xsd:string alike)."""
    return from_oxigraph(term)
