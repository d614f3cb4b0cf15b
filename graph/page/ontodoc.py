"""An HTML page that documents the ontology: classes, properties and concept schemes.

Generated offline from ``ontology/*.ttl`` (the vocabulary and the concept schemes, not the
shapes), so the page always says what the Turtle says. The page is one self-contained file:
the styles are inline, nothing is fetched, and no script runs. Every text from the Turtle
goes through Jinja's autoescaping, and links are made only to ``http(s)`` IRIs and to
anchors in the page, so a label cannot inject markup or a ``javascript:`` link.

Our own template rather than pyLODE: pyLODE pulls in a dozen packages (and fetches
vocabularies over the network unless told not to) for one page, and it does not show
the SKOS concept schemes, which are half of what an editor looks up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, VANN
from rdflib.term import Node

from graph.dataset.load import Loaded, new_graph, parse_turtle
from graph.page.html import environment
from graph.paths import ontology_files
from graph.rdf.terms import LANGUAGES, prefixed_name
from graph.rdf.vocab import CONCEPT, JC

__all__ = [
    "Concept",
    "ConceptScheme",
    "OntologyDoc",
    "Ref",
    "Term",
    "document",
    "ontology_graph",
    "ontology_html",
    "ontology_page",
]

_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)


@dataclass(frozen=True)
class Ref:
    """A term as shown where another term mentions it."""

    #: Prefixed name (``org:Organization``) or the full IRI.
    name: str
    iri: str
    #: An anchor in the page (``#Cooperation``) or an ``http(s)`` IRI; None: no link.
    href: str | None


@dataclass(frozen=True)
class Term:
    """A class or a property of the ontology."""

    ref: Ref
    anchor: str
    #: ``(language, text)`` pairs, French first.
    labels: list[tuple[str, str]]
    definitions: list[tuple[str, str]]
    #: The ``rdf:type`` values, e.g. ``owl:ObjectProperty``, ``owl:SymmetricProperty``.
    types: list[Ref]
    superclasses: list[Ref] = field(default_factory=list)
    subclasses: list[Ref] = field(default_factory=list)
    #: For a class: the properties whose domain it is.
    properties: list[Ref] = field(default_factory=list)
    domain: list[Ref] = field(default_factory=list)
    range: list[Ref] = field(default_factory=list)
    superproperties: list[Ref] = field(default_factory=list)
    see_also: list[Ref] = field(default_factory=list)


@dataclass(frozen=True)
class Concept:
    ref: Ref
    anchor: str
    notation: str
    labels: list[tuple[str, str]]
    alt_labels: list[tuple[str, str]]
    definitions: list[tuple[str, str]]
    notes: list[tuple[str, str]]
    broader: list[Ref]


@dataclass(frozen=True)
class ConceptScheme:
    ref: Ref
    anchor: str
    labels: list[tuple[str, str]]
    definitions: list[tuple[str, str]]
    concepts: list[Concept]


@dataclass(frozen=True)
class OntologyDoc:
    """What the page shows, extracted from the ontology graph."""

    iri: str
    titles: list[tuple[str, str]]
    descriptions: list[tuple[str, str]]
    version: str
    license: Ref | None
    namespace: str
    prefix: str
    classes: list[Term]
    properties: list[Term]
    schemes: list[ConceptScheme]
    #: Statements the ontology makes about terms of other vocabularies, as (s, p, o).
    external_axioms: list[tuple[Ref, Ref, Ref]]


def ontology_graph(loaded: Loaded | None = None) -> Graph:
    """The vocabulary and the concept schemes, without the data and without the shapes.

    From ``loaded`` when given (the files it parsed), else parsed from the shipped files.
    """
    graph = new_graph()
    if loaded is not None:
        sources = [loaded.file_graphs[path] for path in loaded.ontology_files]
    else:
        sources = [parse_turtle(path) for path in ontology_files()]
    for source in sources:
        for triple in source:
            graph.add(triple)
    return graph


def document(graph: Graph) -> OntologyDoc:
    """Extract the classes, properties and concept schemes that the page shows."""
    ns = str(JC._NS)
    ontology = next(iter(sorted(graph.subjects(RDF.type, OWL.Ontology))), None)
    own = sorted(
        {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(ns)}
    )
    class_iris = [s for s in own if (s, RDF.type, OWL.Class) in graph]
    property_iris = [s for s in own if any((s, RDF.type, t) in graph for t in _PROPERTY_TYPES)]
    ref = _Refs(graph)

    classes = [_class(graph, ref, c) for c in class_iris]
    properties = [_property(graph, ref, p) for p in property_iris]
    schemes = [_scheme(graph, ref, s) for s in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme))]

    external = _external_axioms(graph, ref, {ontology, *own})
    license_ = graph.value(ontology, DCTERMS.license) if ontology is not None else None
    return OntologyDoc(
        iri=str(ontology or ""),
        titles=_texts(graph, ontology, DCTERMS.title),
        descriptions=_texts(graph, ontology, DCTERMS.description),
        version=str(graph.value(ontology, OWL.versionInfo) or ""),
        license=ref(license_) if license_ is not None else None,
        namespace=str(graph.value(ontology, VANN.preferredNamespaceUri) or ns),
        prefix=str(graph.value(ontology, VANN.preferredNamespacePrefix) or "jc"),
        classes=classes,
        properties=properties,
        schemes=schemes,
        external_axioms=external,
    )


def _class(graph: Graph, ref: _Refs, c: URIRef) -> Term:
    return Term(
        ref=ref(c),
        anchor=_anchor(c),
        labels=_texts(graph, c, RDFS.label),
        definitions=_texts(graph, c, SKOS.definition),
        types=ref.all(graph.objects(c, RDF.type)),
        superclasses=ref.all(graph.objects(c, RDFS.subClassOf)),
        subclasses=ref.all(graph.subjects(RDFS.subClassOf, c)),
        properties=ref.all(graph.subjects(RDFS.domain, c)),
        see_also=ref.all(graph.objects(c, RDFS.seeAlso)),
    )


def _property(graph: Graph, ref: _Refs, p: URIRef) -> Term:
    return Term(
        ref=ref(p),
        anchor=_anchor(p),
        labels=_texts(graph, p, RDFS.label),
        definitions=_texts(graph, p, SKOS.definition),
        types=ref.all(graph.objects(p, RDF.type)),
        domain=ref.all(graph.objects(p, RDFS.domain)),
        range=ref.all(graph.objects(p, RDFS.range)),
        superproperties=ref.all(graph.objects(p, RDFS.subPropertyOf)),
        see_also=ref.all(graph.objects(p, RDFS.seeAlso)),
    )


def _external_axioms(graph: Graph, ref: _Refs, own: set) -> list[tuple[Ref, Ref, Ref]]:
    """The statements about terms the page does not document (other vocabularies'), as
    (subject, predicate, object) between IRIs, in IRI order."""
    documented = own | set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    documented |= set(graph.subjects(RDF.type, SKOS.Concept))
    return sorted(
        (
            (ref(s), ref(p), ref(o))
            for s, p, o in graph
            if s not in documented and isinstance(s, URIRef) and isinstance(o, URIRef)
        ),
        key=lambda axiom: tuple(r.iri for r in axiom),
    )


def ontology_html(graph: Graph | None = None) -> str:
    """The documentation page of ``graph`` (default: the shipped ontology) as HTML."""
    doc = document(graph if graph is not None else ontology_graph())
    return environment().get_template("ontology.html").render(doc=doc)


def ontology_page(loaded: Loaded) -> bytes:
    """``build/ontology.html``: the page for the ontology that ``loaded`` was built with."""
    return ontology_html(ontology_graph(loaded)).encode("utf-8")


# --- helpers ------------------------------------------------------------------------------


_NOT_ANCHOR = re.compile(r"[^A-Za-z0-9_-]+")


def _anchor(iri: Node) -> str:
    """The id of a term in the page: its local name for our terms, ``concept-<slug>``
    for concepts, so links such as ``ontology.html#Cooperation`` stay readable."""
    text = str(iri)
    if text.startswith(str(JC._NS)):
        local = text[len(str(JC._NS)) :]
    elif text.startswith(str(CONCEPT)):
        local = "concept-" + text[len(str(CONCEPT)) :]
    else:
        local = "term-" + text
    return _NOT_ANCHOR.sub("-", local).strip("-") or "term"


def _language_key(language: str) -> tuple[int, str]:
    """The order the page lists a term's texts in: the languages of ``LANGUAGES`` in their
    order, then any other, sorted."""
    return (LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES), language)


def _texts(graph: Graph, subject: Node | None, predicate: URIRef) -> list[tuple[str, str]]:
    if subject is None:
        return []
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    pairs = {(o.language or "", str(o)) for o in values}
    return sorted(pairs, key=lambda pair: (_language_key(pair[0]), pair[1]))


class _Refs:
    """Turns IRIs into ``Ref``s: prefixed name (our prefixes, graph.rdf.terms), and a link
    that is safe to put in href."""

    def __init__(self, graph: Graph) -> None:
        self.local = {
            s
            for s in graph.subjects(RDF.type, None)
            if isinstance(s, URIRef)
            and (s.startswith(str(JC._NS)) or (s, RDF.type, SKOS.Concept) in graph)
        }
        self.local |= set(graph.subjects(RDF.type, SKOS.ConceptScheme))

    def __call__(self, term: Node) -> Ref:
        iri = str(term)
        name = (prefixed_name(iri) if isinstance(term, URIRef) else None) or iri
        if term in self.local:
            href: str | None = "#" + _anchor(term)
        elif iri.startswith(("https://", "http://")):
            href = iri
        else:  # e.g. a urn: or a javascript: IRI: shown, never linked
            href = None
        return Ref(name=name, iri=iri, href=href)

    def all(self, terms: Iterable[Node]) -> list[Ref]:
        return sorted({self(t) for t in terms if isinstance(t, URIRef)}, key=lambda r: r.name)


def _scheme(graph: Graph, ref: _Refs, scheme: Node) -> ConceptScheme:
    members = set(graph.subjects(SKOS.inScheme, scheme)) | set(
        graph.objects(scheme, SKOS.hasTopConcept)
    )
    concepts = [
        Concept(
            ref=ref(c),
            anchor=_anchor(c),
            notation=str(graph.value(c, SKOS.notation) or ""),
            labels=_texts(graph, c, SKOS.prefLabel),
            alt_labels=_texts(graph, c, SKOS.altLabel),
            definitions=_texts(graph, c, SKOS.definition),
            notes=_texts(graph, c, SKOS.scopeNote),
            broader=ref.all(graph.objects(c, SKOS.broader)),
        )
        for c in members
        if isinstance(c, URIRef)
    ]
    # Top concepts in the order of their French labels, then the narrower ones.
    concepts.sort(
        key=lambda c: (bool(c.broader), dict(c.labels).get("fr", c.ref.name).casefold(), c.ref.iri)
    )
    return ConceptScheme(
        ref=ref(scheme),
        anchor=_anchor(scheme),
        labels=_texts(graph, scheme, SKOS.prefLabel),
        definitions=_texts(graph, scheme, SKOS.definition),
        concepts=concepts,
    )
