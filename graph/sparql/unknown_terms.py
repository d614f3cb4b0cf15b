"""Terms a query names that neither the ontology nor the data uses.

A typo in a term (``jc:cooperateWith``) gives no error: the pattern matches nothing, and the
answer is silently empty, or silently lacks a column. So before a query runs on the local
data, each IRI it names (in its text, or bound by a parameter) is looked up; one that no
triple of the ontology or of the data uses gets a warning with the closest terms that are
used::

    jc:cooperateWith is used neither by the ontology nor by the data;
    did you mean jc:cooperatesWith?

Not looked up: the IRIs of ``PREFIX`` and ``BASE``, of ``FROM`` and ``GRAPH`` (graph names,
checked elsewhere), datatypes (after ``^^``), functions (before ``(``), relative IRIs and
the XML Schema namespace: none of them is meant to be a term of the data.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import pyoxigraph as ox
from rdflib import RDF, XSD

from graph.rdf import sparql_text
from graph.rdf.terms import short_name
from graph.rdf.vocab import PREFIXES
from graph.suggest import closest

__all__ = ["named_iris", "unknown_terms"]

#: Most terms remembered per dataset as used or not.
KNOWN_LIMIT = 50_000
#: Runs a SELECT on the data and returns its rows (``graph.sparql.engines``' runners do).
Select = Callable[[str], Sequence[tuple]]

#: Never terms of the data, though they are IRIs: datatypes and the like.
_SKIPPED_NAMESPACES = (str(XSD), "http://www.w3.org/2005/xpath-functions#")
_SKIPPED = {str(RDF.langString), str(RDF.PlainLiteral), str(RDF.nil), str(RDF.type)}
_GRAPH_WORDS = {"FROM", "NAMED", "GRAPH", "PREFIX", "BASE", "SERVICE", "USING", "WITH"}


@functools.lru_cache(maxsize=512)
def named_iris(text: str) -> tuple[tuple[str, str], ...]:
    """(as written, full IRI) of each term the text names, in order of first appearance.

    Cached: the lexer takes longer than Oxigraph needs to look the terms up.
    """
    tokens = list(sparql_text.tokens(text))
    declared: dict[str, str] = {}
    for i, token in enumerate(tokens[:-2]):
        if token.kind == "word" and token.text.upper() == "PREFIX":
            name, iri = tokens[i + 1], tokens[i + 2]
            if name.kind == "pname" and iri.kind == "iri":
                declared[name.text.split(":", 1)[0]] = iri.text[1:-1]
    prefixes = {**PREFIXES, **declared}
    found: dict[str, str] = {}
    for i, token in enumerate(tokens):
        if token.kind not in ("iri", "pname"):
            continue
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if before is not None and before.kind == "word" and before.text.upper() in _GRAPH_WORDS:
            continue  # PREFIX x:, BASE, FROM, FROM NAMED, GRAPH: names, not terms
        if i >= 2 and tokens[i - 2].kind == "word" and tokens[i - 2].text.upper() == "PREFIX":
            continue  # the namespace IRI of PREFIX x: <...>
        if i >= 2 and before.text == "^" and tokens[i - 2].text == "^":
            continue  # a datatype ("1"^^xsd:int), not the inverse path ^jc:partner
        if after is not None and after.kind == "punct" and after.text == "(":
            continue  # a function call
        if token.kind == "iri":
            iri = token.text[1:-1]
            if ":" not in iri:
                continue  # relative: resolved against BASE, not a term of ours
        else:
            prefix, _, local = token.text.partition(":")
            if prefix not in prefixes:
                continue  # the parser has already said so
            iri = prefixes[prefix] + local.replace("\\", "")
        if iri.startswith(_SKIPPED_NAMESPACES) or iri in _SKIPPED:
            continue
        found.setdefault(iri, token.text)
    return tuple((written, iri) for iri, written in found.items())


def unknown_terms(text: str, select: Select, known: dict[str, bool] | None = None) -> list[str]:
    """A warning for each term of ``text`` that no triple uses, with the closest used terms.

    ``known`` (IRI -> used) spares the lookup of terms already looked up in the same data:
    the caller keeps it as long as the data.
    """
    known = {} if known is None else known
    named = []
    for written, iri in named_iris(text):
        try:
            named.append((written, ox.NamedNode(iri)))
        except ValueError:
            continue  # not an IRI at all: the engine says so
    asked = [node for _, node in named if node.value not in known]
    if asked:
        if len(known) > KNOWN_LIMIT:  # clients may name IRIs without end: forget, not grow
            known.clear()
        listed = " ".join(str(node) for node in asked)
        used = {
            row[0].value
            for row in select(
                f"SELECT ?t WHERE {{ VALUES ?t {{ {listed} }} "
                "FILTER(EXISTS { ?t ?p ?o } || EXISTS { ?s ?t ?o } || EXISTS { ?s ?p ?t }) }"
            )
            if row and isinstance(row[0], ox.NamedNode)
        }
        for node in asked:
            known[node.value] = node.value in used
    warnings = []
    for written, node in named:
        if known[node.value]:
            continue
        message = f"{written} is used neither by the ontology nor by the data"
        near = closest(short_name(node.value), _candidates(node.value, select))
        if near:
            listed_near = near[0] if len(near) == 1 else ", ".join(near[:-1]) + " or " + near[-1]
            message += f"; did you mean {listed_near}?"
        warnings.append(message)
    return warnings


def _namespace(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri


def _candidates(iri: str, select: Select) -> list[str]:
    """The terms used in the namespace of ``iri``, in short form.

    Only those under the same prefix when there are some: ``id:quebek`` means a body, and
    ``coop:quebec`` (a relation, under id: too) would only be noise.
    """
    namespace = _namespace(iri)
    literal = str(ox.Literal(namespace))
    rows = select(
        "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } "
        f"FILTER(isIRI(?t) && STRSTARTS(STR(?t), {literal})) }}"
    )
    found = [short_name(row[0].value) for row in rows if row and isinstance(row[0], ox.NamedNode)]
    prefix = short_name(iri).partition(":")[0] + ":"
    same = [name for name in found if name.startswith(prefix)]
    return same or found
