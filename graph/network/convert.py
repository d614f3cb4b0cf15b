"""The RDF graph as a networkx graph: the entities as nodes, the relations as edges.

``to_networkx`` turns the knowledge graph into a ``networkx.MultiDiGraph`` whose nodes are
the entities (bodies, territories, programmes, funds, agreements, concepts, events...) and
whose edges are the relations between them, each keeping its predicate. What is not an
entity becomes an attribute instead of a node:

* literals (labels per language, identifiers, dates, descriptions);
* the seat (``org:Site``): its coordinates become ``lat``/``lon`` of the body;
* sources and verbatim excerpts: ``sources`` (document IRIs) and ``excerpts`` (texts), so
  that the single page everyone cites does not become the hub of every path;
* amounts and alternative values (they describe one resource only);
* the kinds of body of ``concept:types``: ``kind`` and ``classifications``, not hub nodes.

The qualified relations (``jc:Cooperation``, ``org:Membership``, ``jc:FundingChannel``)
become one edge between the parties, keyed by the relation's IRI and carrying its axis,
framework, period, themes, excerpts and sources; the plain edge derived from them at load
time (``jc:cooperatesWith``...) is folded into it rather than drawn twice, and so is a
plain ``org:hasMember`` whose inverse ``org:memberOf`` is stated or derived. With
``qualified_as="nodes"`` they stay nodes instead, linked to their parties.

The kinds of node and the names of the relations are in ``graph.network.kinds``; the files
written from the network (GraphML, GEXF, node-link JSON, CSV) in ``graph.network.formats``.
networkx is imported inside the functions: the command line does not pay for it unless a
command needs it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from graph.dataset.infer import QUALIFIED
from graph.network.kinds import kind_of, label_of, predicate_labels
from graph.rdf.terms import labels_of, local_name, pick_label
from graph.rdf.vocab import CONCEPT, JC, SCHEMA, WD, WGS

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["is_web_url", "to_networkx"]

#: Classes whose instances are never nodes: they are shown as attributes (see the module
#: docstring) or are vocabulary, not data.
_NOT_ENTITIES = {
    FOAF.Document,
    JC.SourceExcerpt,
    ORG.Site,
    SCHEMA.MonetaryAmount,
    JC.AlternativeValue,
    SKOS.ConceptScheme,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    OWL.Ontology,
    RDF.Property,
    RDFS.Class,
    SH.NodeShape,
    SH.PropertyShape,
}

#: The classes of the qualified relations (``graph.dataset.infer.QUALIFIED``): drawn as one
#: edge each, in place of the direct edges the rules derive from them.
_QUALIFIED_CLASSES = frozenset(relation.cls for relation in QUALIFIED)

#: Identifier attributes: name -> predicate. Values are lists of strings.
_IDENTIFIERS: dict[str, URIRef] = {
    "iso31662": JC.iso31662,
    "nuts_code": JC.nutsCode,
    "nuts_version": JC.nutsVersion,
    "insee_code": JC.inseeCode,
    "ofs_number": JC.ofsNumber,
    "siren": JC.sirenNumber,
    "notation": SKOS.notation,
}

#: Date and period attributes: name -> predicate.
_DATES: dict[str, URIRef] = {
    "founding_date": SCHEMA.foundingDate,
    "date": DCTERMS.date,
    "start_date": SCHEMA.startDate,
    "end_date": SCHEMA.endDate,
    "duration": JC.duration,
}


#: An edge to add: source, target, key, attributes.
_Edge = tuple[str, str, str, dict[str, Any]]


# --- which resources are nodes --------------------------------------------------------------


class _Classes:
    """rdf:types of a resource with their superclasses, from the graph's rdfs:subClassOf."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._closure: dict[Node, frozenset[Node]] = {}

    def of(self, term: Node) -> set[Node]:
        found: set[Node] = set()
        for cls in self._graph.objects(term, RDF.type):
            found |= self._supers(cls)
        return found

    def _supers(self, cls: Node) -> frozenset[Node]:
        if cls not in self._closure:
            self._closure[cls] = frozenset(self._graph.transitive_objects(cls, RDFS.subClassOf))
        return self._closure[cls]


def _is_entity(graph: Graph, term: Node, classes: set[Node], qualified_as: str) -> bool:
    if not isinstance(term, URIRef) or not classes:
        return False
    if classes & _NOT_ENTITIES:
        return False
    if qualified_as == "edges" and classes & _QUALIFIED_CLASSES:
        return False
    # The kinds of body are what the nodes' colours say, not nodes of their own.
    return (term, SKOS.inScheme, CONCEPT.types) not in graph


# --- RDF -> networkx ------------------------------------------------------------------------


def to_networkx(graph: Graph, *, qualified_as: str = "edges", lang: str = "fr") -> nx.MultiDiGraph:
    """The entities of ``graph`` and the relations between them, as a ``MultiDiGraph``.

    Nodes are keyed by IRI and carry ``iri``, ``label`` (in ``lang``, else French),
    ``label_<lang>`` for each language, ``alt_labels``, ``types``, ``kind``,
    ``classifications``, identifiers (``wikidata``, ``same_as``, ``iso31662``,
    ``nuts_code``...), ``lat``/``lon`` of the seat, dates, ``description``, ``sources``.

    Edges are keyed by the qualified relation's IRI, or by the predicate's IRI for a plain
    statement, so parallel relations between two nodes all survive. Each carries
    ``predicate``, ``predicate_label`` and ``label``; an edge from a qualified relation also
    ``relation``, ``relation_type``, ``axis``, ``frameworks``, ``themes``, ``tasks``,
    ``legal_bases``, ``start_date``/``end_date``/``duration``, ``excerpts`` and ``sources``
    (each list of IRIs with a ``*_labels`` list in the same order).

    ``qualified_as="nodes"`` keeps the qualified relations as nodes of kind ``relation``.
    The graph attribute ``documents`` maps each cited source to its label and web page.
    """
    import networkx as nx

    if qualified_as not in ("edges", "nodes"):
        raise ValueError(f"qualified_as must be 'edges' or 'nodes', not {qualified_as!r}")
    classes = _Classes(graph)
    entities: dict[URIRef, set[Node]] = {}
    for subject in set(graph.subjects(RDF.type, None)):
        found = classes.of(subject)
        if _is_entity(graph, subject, found, qualified_as):
            entities[subject] = found  # type: ignore[index]

    network = nx.MultiDiGraph()
    documents: dict[str, dict[str, str]] = {}
    for entity in sorted(entities):
        network.add_node(
            str(entity), **_node_attributes(graph, entity, entities[entity], lang, documents)
        )
    covered: set[tuple[Node, Node, Node]] = set()
    edges: list[_Edge] = []
    if qualified_as == "edges":
        edges += _qualified_edges(graph, entities, lang, documents, covered)
    edges += _plain_edges(graph, entities, lang, covered, fold_members=qualified_as == "edges")
    for source, target, key, attributes in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        network.add_edge(source, target, key=key, **attributes)
    network.graph["documents"] = dict(sorted(documents.items()))
    network.graph["lang"] = lang
    return network


def _qualified_edges(
    graph: Graph,
    entities: dict[URIRef, set[Node]],
    lang: str,
    documents: dict[str, dict[str, str]],
    covered: set[tuple[Node, Node, Node]],
) -> list[_Edge]:
    """One edge per qualified relation between its parties; the direct statements it
    stands for (and their inverse) go into ``covered``, not to be drawn again."""
    edges: list[_Edge] = []
    for qualified in QUALIFIED:
        cls, direct, inverse = qualified.cls, qualified.direct, qualified.inverse
        for relation in sorted(set(graph.subjects(RDF.type, cls))):
            for source in sorted(graph.objects(relation, qualified.source)):
                for target in sorted(graph.objects(relation, qualified.target)):
                    if source not in entities or target not in entities:
                        continue
                    covered.add((source, direct, target))
                    if inverse is not None:
                        covered.add((target, inverse, source))
                    attributes = _relation_attributes(graph, relation, cls, direct, lang, documents)
                    key = str(relation) if isinstance(relation, URIRef) else str(direct)
                    edges.append((str(source), str(target), key, attributes))
    return edges


def _plain_edges(
    graph: Graph,
    entities: dict[URIRef, set[Node]],
    lang: str,
    covered: set[tuple[Node, Node, Node]],
    *,
    fold_members: bool,
) -> list[_Edge]:
    """An edge per statement between two entities that no qualified relation covers.

    ``fold_members``: leave out a plain ``org:hasMember`` whose ``org:memberOf`` inverse is
    in the graph (stated or derived): the same membership, drawn once.
    """
    edges: list[_Edge] = []
    labels_cache: dict[URIRef, dict[str, str]] = {}
    for subject in sorted(entities):
        for predicate, obj in sorted(graph.predicate_objects(subject)):
            if obj not in entities or predicate == RDF.type or (subject, predicate, obj) in covered:
                continue
            if (
                fold_members
                and predicate == ORG.hasMember
                and (obj, ORG.memberOf, subject) in graph
            ):
                continue
            if predicate not in labels_cache:
                labels_cache[predicate] = predicate_labels(graph, predicate)
            label = pick_label(labels_cache[predicate], lang)
            attributes = {"predicate": str(predicate), "predicate_label": label, "label": label}
            edges.append((str(subject), str(obj), str(predicate), attributes))
    return edges


def _strings(graph: Graph, subject: Node, predicate: URIRef) -> list[str]:
    return sorted({str(value) for value in graph.objects(subject, predicate)})


def _first(graph: Graph, subject: Node, predicate: URIRef) -> str | None:
    values = _strings(graph, subject, predicate)
    return values[0] if values else None


def _text(graph: Graph, subject: Node, predicate: URIRef, lang: str) -> str | None:
    by_lang: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate), key=str):
        if isinstance(value, Literal):
            by_lang.setdefault(value.language or "", str(value))
    return pick_label(by_lang, lang) or None


def _sources(graph: Graph, subject: Node, documents: dict[str, dict[str, str]]) -> list[str]:
    found = set(graph.objects(subject, DCTERMS.source))
    for excerpt in graph.objects(subject, PROV.wasDerivedFrom):
        found |= set(graph.objects(excerpt, PROV.wasQuotedFrom))
    for document in found:
        if str(document) not in documents:
            documents[str(document)] = _document(graph, document)
    return sorted(str(d) for d in found)


def _document(graph: Graph, document: Node) -> dict[str, str]:
    """Label, citation and web page of a source; the page only when it is http(s)."""
    info = {"label": label_of(graph, document)}
    citation = _first(graph, document, DCTERMS.bibliographicCitation)
    if citation:
        info["citation"] = citation
    pages = [p for p in _strings(graph, document, FOAF.page) if is_web_url(p)]
    if pages:
        info["url"] = pages[0]
    return info


def is_web_url(text: str) -> bool:
    """True for an ``http:`` or ``https:`` URL: the only ones the page turns into links."""
    lowered = text.strip().lower()
    return lowered.startswith(("http://", "https://")) and len(lowered) > len("https://")


def _coordinates(graph: Graph, entity: Node) -> tuple[float, float, str | None] | None:
    """(lat, lon, seat label) of the entity itself, or of its seat or the place it is in."""
    candidates: list[tuple[Node, str | None]] = [(entity, None)]
    for site in sorted(graph.objects(entity, ORG.hasPrimarySite)):
        candidates.append((site, label_of(graph, site)))
        for place in sorted(graph.objects(site, DCTERMS.isPartOf)):
            candidates.append((place, label_of(graph, site)))
    for place, seat in candidates:
        lat, lon = _first(graph, place, WGS.lat), _first(graph, place, WGS.long)
        if lat is None or lon is None:
            continue
        try:
            latitude, longitude = float(lat), float(lon)
        except ValueError:
            continue
        if (
            math.isfinite(latitude)
            and math.isfinite(longitude)
            and abs(latitude) <= 90
            and abs(longitude) <= 180
        ):
            return latitude, longitude, seat
    return None


def _node_attributes(
    graph: Graph,
    entity: URIRef,
    classes: set[Node],
    lang: str,
    documents: dict[str, dict[str, str]],
) -> dict[str, Any]:
    labels = labels_of(graph, entity)
    classifications = sorted(graph.objects(entity, ORG.classification))
    attributes: dict[str, Any] = {
        "iri": str(entity),
        "label": pick_label(labels, lang, local_name(entity)),
        **{f"label_{language or 'none'}": text for language, text in labels.items()},
        "alt_labels": _strings(graph, entity, SKOS.altLabel),
        "types": _strings(graph, entity, RDF.type),
        "kind": kind_of(classes, classifications),
        "classifications": [str(c) for c in classifications],
        "classification_labels": [label_of(graph, c, lang) for c in classifications],
    }
    same_as = _strings(graph, entity, OWL.sameAs)
    attributes["wikidata"] = [iri[len(str(WD)) :] for iri in same_as if iri.startswith(str(WD))]
    attributes["same_as"] = [iri for iri in same_as if not iri.startswith(str(WD))]
    attributes["exact_match"] = _strings(graph, entity, SKOS.exactMatch)
    for name, predicate in _IDENTIFIERS.items():
        attributes[name] = _strings(graph, entity, predicate)
    attributes["homepage"] = _strings(graph, entity, FOAF.homepage)
    for name, predicate in _DATES.items():
        attributes[name] = _first(graph, entity, predicate)
    attributes["former_name"] = _text(graph, entity, JC.formerName, lang)
    attributes["new_name"] = _text(graph, entity, JC.newName, lang)
    attributes["description"] = _text(graph, entity, DCTERMS.description, lang) or _text(
        graph, entity, SKOS.definition, lang
    )
    attributes["note"] = _text(graph, entity, SKOS.scopeNote, lang)
    attributes["text"] = _text(graph, entity, PROV.value, lang)
    located = _coordinates(graph, entity)
    if located is not None:
        attributes["lat"], attributes["lon"], attributes["seat"] = located
    attributes["sources"] = _sources(graph, entity, documents)
    return _drop_empty(attributes)


def _relation_attributes(
    graph: Graph,
    relation: Node,
    cls: URIRef,
    direct: URIRef,
    lang: str,
    documents: dict[str, dict[str, str]],
) -> dict[str, Any]:
    predicate_label = pick_label(predicate_labels(graph, direct), lang)
    attributes: dict[str, Any] = {
        "predicate": str(direct),
        "predicate_label": predicate_label,
        "label": label_of(graph, relation, lang) if labels_of(graph, relation) else predicate_label,
        "relation": str(relation),
        "relation_type": str(cls),
    }
    axis = _first(graph, relation, JC.axis)
    if axis is not None:
        attributes["axis"] = axis
        attributes["axis_label"] = label_of(graph, URIRef(axis), lang)
    for name, predicate in (
        ("frameworks", JC.framework),
        ("themes", JC.theme),
        ("tasks", JC.task),
        ("legal_bases", JC.legalBasis),
    ):
        values = sorted(graph.objects(relation, predicate))
        attributes[name] = [str(v) for v in values]
        attributes[name[:-1] + "_labels" if name != "legal_bases" else "legal_basis_labels"] = [
            label_of(graph, v, lang) for v in values
        ]
    for name in ("start_date", "end_date", "duration"):
        attributes[name] = _first(graph, relation, _DATES[name])
    attributes["excerpts"] = sorted(
        {
            text
            for excerpt in graph.objects(relation, PROV.wasDerivedFrom)
            if (text := _text(graph, excerpt, PROV.value, lang))
        }
    )
    attributes["sources"] = _sources(graph, relation, documents)
    attributes["description"] = _text(graph, relation, DCTERMS.description, lang)
    attributes["note"] = _text(graph, relation, SKOS.scopeNote, lang)
    attributes["replaces"] = _strings(graph, relation, DCTERMS.replaces)
    attributes["replaced_by"] = _strings(graph, relation, DCTERMS.isReplacedBy)
    return _drop_empty(attributes)


def _drop_empty(attributes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attributes.items() if v is not None and v != [] and v != ""}
