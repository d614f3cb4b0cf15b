"""How a term is shown to people: its prefixed name, its local name, the label chosen.

One definition of each, used by every output (tables, pages, the network, the server's
entity pages), so that one entity reads the same everywhere.
"""

from __future__ import annotations

from rdflib import DCTERMS, RDFS, SKOS, Graph, Literal
from rdflib.term import Node

from graph.rdf.vocab import PREFIXES

__all__ = [
    "LANGUAGES",
    "LABEL_PREDICATES",
    "labels_of",
    "local_name",
    "pick_label",
    "prefixed_name",
    "short_name",
]

#: The languages of the labels and of the interface, in the order of fallback after the
#: one asked for: French first (the language of the sources and of the canton), then the
#: other languages of Switzerland the data labels (German, Italian has fewest labels so it
#: comes after English, which every partner abroad reads).
LANGUAGES = ("fr", "de", "en", "it")

#: Where a label is looked for, in this order: the first predicate that gives any wins.
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)


def prefixed_name(iri: str) -> str | None:
    """``id:rcju``, ``jc:cooperatesWith``: our longest prefix that fits, else None.

    None too when the rest would not be a valid local name of Turtle or SPARQL (it holds
    ``/`` or ``#``): ``id:source/x`` would not parse back.
    """
    best = max(
        (p for p, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda p: len(PREFIXES[p]),
        default=None,
    )
    if best is None:
        return None
    local = iri[len(PREFIXES[best]) :]
    if "/" in local or "#" in local:
        return None
    return f"{best}:{local}"


def short_name(iri: str) -> str:
    """The prefixed name of ``iri``, else ``<iri>``: either way a valid SPARQL term."""
    return prefixed_name(iri) or f"<{iri}>"


def local_name(term: Node | str) -> str:
    """The last segment of an IRI (after ``#`` or ``/``), for things with no label."""
    text = str(term)
    for separator in ("#", "/"):
        if separator in text.rstrip(separator):
            text = text.rstrip(separator).rsplit(separator, 1)[1]
    return text


def labels_of(graph: Graph, term: Node) -> dict[str, str]:
    """Language -> label of ``term`` (``skos:prefLabel``, else ``rdfs:label``, else ``dct:title``).

    An untagged label is kept under ``""``. One label per language: the first in sorted
    order, so the choice is the same on every run.
    """
    for predicate in LABEL_PREDICATES:
        found: dict[str, str] = {}
        for label in sorted(graph.objects(term, predicate), key=str):
            if isinstance(label, Literal):
                found.setdefault(label.language or "", str(label))
        if found:
            return dict(sorted(found.items()))
    return {}


def pick_label(labels: dict[str, str], lang: str, default: str = "") -> str:
    """The label in ``lang``, else in the next of ``LANGUAGES``, else untagged, else any."""
    for candidate in (lang, *LANGUAGES, ""):
        if labels.get(candidate):
            return labels[candidate]
    return next((text for _, text in sorted(labels.items()) if text), default)
