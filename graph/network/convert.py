"""The RDF graph as a networkx graph, and the network formats written from it.

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

networkx is imported inside the functions: the command line does not pay for it unless a
command needs it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from graph.errors import CoopGraphError, ExportError, display_path
from graph.rdf.vocab import CONCEPT, CV, JC, SCHEMA, WD, WGS

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "KINDS",
    "LANGUAGES",
    "NETWORK_FORMATS",
    "Central",
    "Kind",
    "UnknownEntityError",
    "centrality",
    "centrality_text",
    "flat_attributes",
    "kind_of",
    "label_of",
    "labels_of",
    "network_bytes",
    "resolve_entity",
    "to_networkx",
    "write_network",
]

#: Languages of the labels, in the order of fallback after the requested one.
LANGUAGES = ("fr", "de", "en", "it")

#: Format name -> file suffix. ``csv`` writes two files: ``<stem>.nodes.csv`` and
#: ``<stem>.edges.csv``.
NETWORK_FORMATS: dict[str, str] = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "nodelink": ".json",
    "csv": ".csv",
}

#: Separator of the values of a multi-valued attribute in GraphML, GEXF and CSV, which only
#: hold scalars. Chosen because it does not occur in the data and reads well in Gephi.
LIST_SEPARATOR = " | "


class UnknownEntityError(CoopGraphError):
    """A label or IRI given on the command line names no entity, or several."""

    exit_code = 2
    default_hint = "Give the entity's IRI, its prefixed name (id:rcju) or one of its labels."


# --- kinds of node --------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """How one kind of entity is named and drawn."""

    key: str
    labels: dict[str, str]
    color: str
    #: A vis-network shape whose label is drawn below it, so the size shows the degree.
    shape: str
    #: Shown when the page opens; the others are one click away in the legend.
    visible: bool = True


#: Every kind, in legend order. Colours are from the Okabe-Ito and Tableau palettes, told
#: apart by people with the common colour-vision deficiencies; the shape tells them apart too.
KINDS: tuple[Kind, ...] = (
    Kind("canton", {"fr": "Canton", "de": "Kanton", "en": "Canton"}, "#d62728", "star"),
    Kind(
        "region",
        {
            "fr": "Région, province, Land",
            "de": "Region, Provinz, Land",
            "en": "Region, province, Land",
        },
        "#1f77b4",
        "dot",
    ),
    Kind(
        "departement",
        {"fr": "Département", "de": "Departement", "en": "Département"},
        "#17becf",
        "dot",
    ),
    Kind(
        "agglomeration",
        {"fr": "Agglomération", "de": "Agglomeration", "en": "Agglomeration"},
        "#9edae5",
        "dot",
    ),
    Kind("state", {"fr": "État", "de": "Staat", "en": "State"}, "#7f7f7f", "dot"),
    Kind(
        "unit",
        {
            "fr": "Parlement, administration",
            "de": "Parlament, Verwaltung",
            "en": "Parliament, administration",
        },
        "#ff9896",
        "dot",
    ),
    Kind(
        "multilateral",
        {"fr": "Organisme multilatéral", "de": "Multilaterales Gremium", "en": "Multilateral body"},
        "#9467bd",
        "hexagon",
    ),
    Kind(
        "association",
        {"fr": "Association", "de": "Verein", "en": "Association"},
        "#c5b0d5",
        "hexagon",
    ),
    Kind(
        "organisation",
        {"fr": "Autre organisme", "de": "Andere Organisation", "en": "Other body"},
        "#aec7e8",
        "dot",
    ),
    Kind(
        "programme",
        {"fr": "Programme de financement", "de": "Förderprogramm", "en": "Funding programme"},
        "#ff7f0e",
        "diamond",
    ),
    Kind("fund", {"fr": "Fonds", "de": "Fonds", "en": "Fund"}, "#e6a100", "diamond"),
    Kind("agreement", {"fr": "Accord", "de": "Abkommen", "en": "Agreement"}, "#8c564b", "square"),
    Kind(
        "framework",
        {"fr": "Texte, politique", "de": "Rechtstext, Politik", "en": "Legal text, policy"},
        "#c49c94",
        "square",
    ),
    Kind(
        "concept",
        {
            "fr": "Axe, domaine, objectif",
            "de": "Achse, Bereich, Ziel",
            "en": "Axis, field, objective",
        },
        "#2ca02c",
        "triangle",
    ),
    Kind(
        "country", {"fr": "Pays", "de": "Land (Staat)", "en": "Country"}, "#bcbd22", "triangleDown"
    ),
    Kind(
        "territory",
        {"fr": "Territoire", "de": "Gebiet", "en": "Territory"},
        "#dbdb8d",
        "triangleDown",
        visible=False,
    ),
    Kind(
        "event",
        {"fr": "Événement", "de": "Ereignis", "en": "Event"},
        "#b0b0b0",
        "dot",
        visible=False,
    ),
    Kind(
        "relation",
        {"fr": "Relation qualifiée", "de": "Qualifizierte Beziehung", "en": "Qualified relation"},
        "#e377c2",
        "dot",
    ),
    Kind(
        "other",
        {
            "fr": "Poste, activité, autre",
            "de": "Stelle, Tätigkeit, anderes",
            "en": "Post, activity, other",
        },
        "#c7c7c7",
        "dot",
    ),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

#: org:classification concept -> kind. Checked in this order, so a body that is both an
#: association and a multilateral body (arcjurassien.ch) is drawn as multilateral.
_KIND_BY_CLASSIFICATION: tuple[tuple[URIRef, str], ...] = (
    (CONCEPT["organisme-multilateral"], "multilateral"),
    (CONCEPT.association, "association"),
    (CONCEPT.canton, "canton"),
    (CONCEPT.region, "region"),
    (CONCEPT.province, "region"),
    (CONCEPT["communaute-belge"], "region"),
    (CONCEPT["region-autonome"], "region"),
    (CONCEPT.land, "region"),
    (CONCEPT.departement, "departement"),
    (CONCEPT["collectivite-statut-particulier"], "departement"),
    (CONCEPT["communaute-agglomeration"], "agglomeration"),
    (CONCEPT["communaute-communes"], "agglomeration"),
    (CONCEPT.etat, "state"),
    (CONCEPT.parlement, "unit"),
    (CONCEPT.administration, "unit"),
    (CONCEPT.programme, "programme"),
    (CONCEPT.fonds, "fund"),
)

#: rdf:type (or a superclass of it) -> kind, for entities without a classification.
_KIND_BY_CLASS: tuple[tuple[URIRef, str], ...] = (
    (JC.Cooperation, "relation"),
    (ORG.Membership, "relation"),
    (JC.FundingChannel, "relation"),
    (JC.Fund, "fund"),
    (JC.FundingProgramme, "programme"),
    (JC.ProgrammePeriod, "programme"),
    (SCHEMA.FundingScheme, "programme"),
    (JC.Country, "country"),
    (JC.Territory, "territory"),
    (JC.Agreement, "agreement"),
    (JC.LegalProvision, "framework"),
    (JC.Policy, "framework"),
    (CV.ReferenceFramework, "framework"),
    (SKOS.Concept, "concept"),
    (ORG.ChangeEvent, "event"),
    (ORG.Organization, "organisation"),
)

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
    URIRef("http://www.w3.org/ns/shacl#NodeShape"),
    URIRef("http://www.w3.org/ns/shacl#PropertyShape"),
}

#: Qualified relation class -> (party from, party to, the direct predicate it stands for,
#: the inverse direct predicate also derived from it, if any).
_QUALIFIED: dict[URIRef, tuple[URIRef, URIRef, URIRef, URIRef | None]] = {
    JC.Cooperation: (JC.actor, JC.partner, JC.cooperatesWith, None),
    ORG.Membership: (ORG.member, ORG.organization, ORG.memberOf, ORG.hasMember),
    JC.FundingChannel: (JC.funder, JC.fundedItem, JC.canFund, None),
}

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

#: Labels of the predicates of other vocabularies (ORG, DCTERMS, schema.org...), which the
#: ontology does not define. Our own jc: terms are labelled in fr, de and en in
#: ontology/jura-coop.ttl and read from the graph. Used when the graph has no label in the
#: language asked for.
PREDICATE_LABELS: dict[URIRef, dict[str, str]] = {
    ORG.memberOf: {"fr": "membre de", "de": "Mitglied von", "en": "member of"},
    ORG.hasMember: {"fr": "a pour membre", "de": "hat als Mitglied", "en": "has member"},
    ORG.member: {"fr": "membre", "de": "Mitglied", "en": "member"},
    ORG.organization: {"fr": "organisation", "de": "Organisation", "en": "organisation"},
    ORG.subOrganizationOf: {
        "fr": "sous-organisation de",
        "de": "Unterorganisation von",
        "en": "sub-organisation of",
    },
    ORG.unitOf: {"fr": "unité de", "de": "Einheit von", "en": "unit of"},
    ORG.postIn: {"fr": "poste au sein de", "de": "Stelle in", "en": "post in"},
    ORG.originalOrganization: {
        "fr": "organisation d'origine",
        "de": "ursprüngliche Organisation",
        "en": "original organisation",
    },
    ORG.resultingOrganization: {
        "fr": "organisation résultante",
        "de": "entstandene Organisation",
        "en": "resulting organisation",
    },
    DCTERMS.spatial: {"fr": "territoire", "de": "Gebiet", "en": "territory"},
    DCTERMS.isPartOf: {"fr": "fait partie de", "de": "ist Teil von", "en": "is part of"},
    DCTERMS.replaces: {"fr": "remplace", "de": "ersetzt", "en": "replaces"},
    DCTERMS.isReplacedBy: {"fr": "remplacé par", "de": "ersetzt durch", "en": "is replaced by"},
    DCTERMS.publisher: {"fr": "éditeur", "de": "Herausgeber", "en": "publisher"},
    SCHEMA.funder: {"fr": "bailleur", "de": "Geldgeber", "en": "funder"},
    SCHEMA.location: {"fr": "lieu", "de": "Ort", "en": "location"},
    PROV.wasAssociatedWith: {"fr": "associé à", "de": "verbunden mit", "en": "associated with"},
    PROV.wasInformedBy: {"fr": "découle de", "de": "veranlasst durch", "en": "informed by"},
    SKOS.broader: {"fr": "plus général", "de": "Oberbegriff", "en": "broader"},
    SKOS.related: {"fr": "lié à", "de": "verwandt mit", "en": "related"},
}

_LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)


# --- labels ---------------------------------------------------------------------------------


def labels_of(graph: Graph, term: Node) -> dict[str, str]:
    """Language -> label of ``term`` (``skos:prefLabel``, else ``rdfs:label``, else ``dct:title``).

    An untagged label is kept under ``""``. One label per language: the first in sorted
    order, so the choice is the same on every run.
    """
    for predicate in _LABEL_PREDICATES:
        found: dict[str, str] = {}
        for label in sorted(graph.objects(term, predicate), key=str):
            if isinstance(label, Literal):
                found.setdefault(label.language or "", str(label))
        if found:
            return dict(sorted(found.items()))
    return {}


def pick_label(labels: dict[str, str], lang: str, default: str = "") -> str:
    """The label in ``lang``, else French, else the first of the other languages."""
    for candidate in (lang, "fr", *LANGUAGES, ""):
        if labels.get(candidate):
            return labels[candidate]
    return next((text for _, text in sorted(labels.items()) if text), default)


def label_of(graph: Graph, term: Node, lang: str = "fr") -> str:
    """The label of ``term`` in ``lang`` with the usual fallback, or its local name."""
    return pick_label(labels_of(graph, term), lang, local_name(term))


def predicate_labels(graph: Graph, predicate: URIRef) -> dict[str, str]:
    """Labels of a predicate in fr, de and en: the ontology's, else ours, else its name."""
    labels = {**PREDICATE_LABELS.get(predicate, {}), **labels_of(graph, predicate)}
    name = local_name(predicate)
    return {lang: pick_label(labels, lang, name) for lang in ("fr", "de", "en")}


def local_name(term: Node) -> str:
    """The last segment of an IRI (after ``#`` or ``/``), for things with no label."""
    text = str(term)
    for separator in ("#", "/"):
        if separator in text.rstrip(separator):
            text = text.rstrip(separator).rsplit(separator, 1)[1]
    return text


# --- kinds ----------------------------------------------------------------------------------


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


def kind_of(classes: set[Node], classifications: Iterable[Node]) -> str:
    """The kind of an entity from its classes (with superclasses) and org:classification."""
    chosen = set(classifications)
    for concept, kind in _KIND_BY_CLASSIFICATION:
        if concept in chosen:
            return kind
    for cls, kind in _KIND_BY_CLASS:
        if cls in classes:
            return kind
    return "other"


def _is_entity(graph: Graph, term: Node, classes: set[Node], qualified_as: str) -> bool:
    if not isinstance(term, URIRef) or not classes:
        return False
    if classes & _NOT_ENTITIES:
        return False
    if qualified_as == "edges" and classes & set(_QUALIFIED):
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
    edges: list[tuple[str, str, str, dict[str, Any]]] = []
    if qualified_as == "edges":
        for cls, (source_p, target_p, direct, inverse) in _QUALIFIED.items():
            for relation in sorted(set(graph.subjects(RDF.type, cls))):
                for source in sorted(graph.objects(relation, source_p)):
                    for target in sorted(graph.objects(relation, target_p)):
                        if source not in entities or target not in entities:
                            continue
                        covered.add((source, direct, target))
                        if inverse is not None:
                            covered.add((target, inverse, source))
                        attributes = _relation_attributes(
                            graph, relation, cls, direct, lang, documents
                        )
                        key = str(relation) if isinstance(relation, URIRef) else str(direct)
                        edges.append((str(source), str(target), key, attributes))

    labels_cache: dict[URIRef, dict[str, str]] = {}
    for subject in sorted(entities):
        for predicate, obj in sorted(graph.predicate_objects(subject)):
            if obj not in entities or predicate == RDF.type or (subject, predicate, obj) in covered:
                continue
            if (
                qualified_as == "edges"
                and predicate == ORG.hasMember
                and (obj, ORG.memberOf, subject) in graph
            ):
                continue  # the same membership as the memberOf edge, drawn once
            if predicate not in labels_cache:
                labels_cache[predicate] = predicate_labels(graph, predicate)
            label = pick_label(labels_cache[predicate], lang)
            attributes = {"predicate": str(predicate), "predicate_label": label, "label": label}
            edges.append((str(subject), str(obj), str(predicate), attributes))

    for source, target, key, attributes in sorted(edges, key=lambda e: (e[0], e[1], e[2])):
        network.add_edge(source, target, key=key, **attributes)
    network.graph["documents"] = dict(sorted(documents.items()))
    network.graph["lang"] = lang
    return network


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


# --- finding entities -----------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case without accents, for matching what a person types against labels."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def resolve_entity(network: nx.MultiDiGraph, text: str, graph: Graph | None = None) -> str:
    """The node that ``text`` names: an IRI, a prefixed name (``id:rcju``), or a label.

    Labels match in any language and among alternative labels, ignoring case and accents.
    Raises ``UnknownEntityError`` when nothing or more than one entity matches.
    """
    text = text.strip()
    if text in network:
        return text
    if graph is not None and ":" in text and not text.startswith(("http://", "https://")):
        try:
            expanded = str(graph.namespace_manager.expand_curie(text))
        except ValueError:
            expanded = ""
        if expanded in network:
            return expanded
    wanted = _fold(text)
    # Rank: a label before a mere IRI ending, an exact label before a part of one, and a
    # body before the territory that bears the same name (Vallée d'Aoste).
    ranked: list[tuple[tuple[int, int], str]] = []
    for node, data in network.nodes(data=True):
        names = [v for k, v in data.items() if k.startswith("label")]
        folded = {_fold(str(name)) for name in [*names, *data.get("alt_labels", [])]}
        if wanted in folded:
            how = 0
        elif _fold(local_name(node)) == wanted:
            how = 1
        elif wanted and any(wanted in name for name in folded):
            how = 2
        else:
            continue
        ranked.append(((how, int(data.get("kind") in ("territory", "event"))), node))
    best = min((rank for rank, _ in ranked), default=None)
    matches = sorted(node for rank, node in ranked if rank == best)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownEntityError(f"no entity is named {text!r}")
    names = "\n".join(f"  {network.nodes[m].get('label', m)}  <{m}>" for m in matches[:15])
    more = f"\n  ... and {len(matches) - 15} more" if len(matches) > 15 else ""
    raise UnknownEntityError(
        f"{text!r} names {len(matches)} entities:\n{names}{more}",
        hint="Give the IRI (or a longer part of the label) of the one you mean.",
    )


# --- centrality -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Central:
    """An entity and how central it is in the graph of relations (undirected)."""

    iri: str
    label: str
    kind: str
    degree: int
    #: Share of the other nodes it is linked to (networkx ``degree_centrality``).
    degree_centrality: float
    #: Share of shortest paths between other nodes that pass through it (normalised).
    betweenness: float


def centrality(network: nx.MultiDiGraph, top: int = 10) -> list[Central]:
    """The ``top`` most central entities by betweenness, then degree, then label.

    Computed on the undirected simple graph: a relation links two entities whichever way it
    is stated, and parallel relations do not shorten a path.
    """
    import networkx as nx

    simple = nx.Graph(network.to_undirected(as_view=True))
    simple.remove_edges_from(list(nx.selfloop_edges(simple)))
    if simple.number_of_nodes() == 0:
        return []
    degree = (
        nx.degree_centrality(simple) if simple.number_of_nodes() > 1 else {n: 0.0 for n in simple}
    )
    betweenness = nx.betweenness_centrality(simple, normalized=True)
    rows = [
        Central(
            iri=node,
            label=str(network.nodes[node].get("label", node)),
            kind=str(network.nodes[node].get("kind", "other")),
            degree=simple.degree(node),
            degree_centrality=round(degree[node], 6),
            betweenness=round(betweenness[node], 6),
        )
        for node in simple
    ]
    rows.sort(key=lambda r: (-r.betweenness, -r.degree, r.label, r.iri))
    return rows[:top]


def centrality_text(rows: list[Central]) -> str:
    """The most central entities as a table for the terminal."""
    lines = ["Most central entities (betweenness, degree centrality, relations):"]
    for row in rows:
        lines.append(
            f"  {row.betweenness:8.4f} {row.degree_centrality:8.4f} {row.degree:5d}  {row.label}"
        )
    return "\n".join(lines)


# --- writing network formats ----------------------------------------------------------------


def flat_value(value: Any) -> str | int | float | bool:
    """A scalar for GraphML, GEXF and CSV: lists joined with `` | ``, mappings as JSON."""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        if all(isinstance(item, str | int | float) for item in value):
            return LIST_SEPARATOR.join(str(item) for item in value)
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def flat_attributes(data: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """``data`` with every value made a scalar (see ``flat_value``), keys sorted."""
    return {key: flat_value(data[key]) for key in sorted(data) if data[key] is not None}


def _flat_copy(network: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with scalar attributes only, and an ``id`` on every edge.

    GraphML and GEXF want an edge id unique in the whole file, and the keys are unique only
    between two given nodes: the edges are numbered ``e0, e1...`` in their sorted order.
    """
    import networkx as nx

    flat = nx.MultiDiGraph()
    flat.graph.update(
        {k: flat_value(v) for k, v in sorted(network.graph.items()) if k != "documents"}
    )
    for node, data in sorted(network.nodes(data=True)):
        flat.add_node(node, **flat_attributes(data))
    for index, (source, target, key, data) in enumerate(_sorted_edges(network)):
        flat.add_edge(source, target, key=key, id=f"e{index}", **flat_attributes(data))
    return flat


def _sorted_edges(network: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))


def network_bytes(network: nx.MultiDiGraph, fmt: str) -> dict[str, bytes]:
    """The network in ``fmt``: file suffix -> bytes (two files for ``csv``).

    The same network gives the same bytes on every run: nodes and edges are written in
    sorted order and nothing depends on the time.
    """
    import networkx as nx

    if fmt not in NETWORK_FORMATS:
        raise ExportError(
            f"unknown network format {fmt!r}", hint=f"Choose one of: {', '.join(NETWORK_FORMATS)}."
        )
    if fmt == "nodelink":
        data = nx.node_link_data(network, edges="edges")
        data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
        data["edges"] = sorted(
            data["edges"], key=lambda e: (e["source"], e["target"], str(e["key"]))
        )
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
        return {".json": (text + "\n").encode()}
    if fmt == "csv":
        return _csv(network)
    flat = _flat_copy(network)
    buffer = io.BytesIO()
    if fmt == "graphml":
        # GraphML keeps no edge key unless told: store it as an attribute as well.
        for _, _, key, data in flat.edges(keys=True, data=True):
            data["key"] = str(key)
        nx.write_graphml(
            flat,
            buffer,
            encoding="utf-8",
            prettyprint=True,
            named_key_ids=True,
            edge_id_from_attribute="id",
        )
    else:
        # The GEXF writer stores the multigraph key as the attribute "key" by itself.
        writer = nx.readwrite.gexf.GEXFWriter(encoding="utf-8", prettyprint=True)
        # networkx stamps today's date into <meta>: the file would change every day.
        meta = writer.xml.find("meta")
        if meta is not None:
            meta.attrib.pop("lastmodifieddate", None)
        writer.add_graph(flat)
        writer.write(buffer)
    return {NETWORK_FORMATS[fmt]: buffer.getvalue()}


def _csv(network: nx.MultiDiGraph) -> dict[str, bytes]:
    """Nodes and edges tables with the column names Gephi's spreadsheet import recognises
    (Id, Label; Source, Target, Type, Id, Label); the other attributes follow, sorted."""
    node_rows = [
        {"Id": node, "Label": data.get("label", node), **flat_attributes(data)}
        for node, data in sorted(network.nodes(data=True))
    ]
    edge_rows = [
        {
            "Source": source,
            "Target": target,
            "Type": "Directed",
            "Id": f"e{index}",
            "Label": data.get("label", ""),
            "key": str(key),
            **flat_attributes(data),
        }
        for index, (source, target, key, data) in enumerate(_sorted_edges(network))
    ]
    return {
        ".nodes.csv": _table(node_rows, ["Id", "Label"]),
        ".edges.csv": _table(edge_rows, ["Source", "Target", "Type", "Id", "Label", "key"]),
    }


def _table(rows: list[dict[str, Any]], first: list[str]) -> bytes:
    columns = first + sorted({key for row in rows for key in row} - set(first))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row.get(k) is None else row[k]) for k in columns})
    return buffer.getvalue().encode("utf-8")


def output_paths(path: Path, fmt: str) -> list[Path]:
    """Where ``write_network`` puts ``fmt``: ``path`` itself, or for csv the two files
    ``<stem>.nodes.csv`` and ``<stem>.edges.csv`` beside it."""
    path = Path(path)
    if fmt != "csv":
        return [path]
    stem = path.name[: -len(".csv")] if path.name.endswith(".csv") else path.name
    return [path.with_name(stem + ".nodes.csv"), path.with_name(stem + ".edges.csv")]


def write_network(network: nx.MultiDiGraph, fmt: str, path: Path) -> list[Path]:
    """Write ``network`` as ``fmt`` to ``path`` (atomically); returns the files written.

    ``fmt`` is one of ``NETWORK_FORMATS``. For ``csv``, ``path`` names the pair
    ``<stem>.nodes.csv`` / ``<stem>.edges.csv`` (``out/graph.csv`` gives
    ``out/graph.nodes.csv`` and ``out/graph.edges.csv``). Everything is rendered before the
    first file is written, so an error leaves no file changed.
    """
    from graph.dataset.export import write_atomic

    rendered = network_bytes(network, fmt)
    targets = output_paths(path, fmt)
    if fmt == "csv":
        pairs = [(targets[0], rendered[".nodes.csv"]), (targets[1], rendered[".edges.csv"])]
    else:
        pairs = [(targets[0], rendered[NETWORK_FORMATS[fmt]])]
    for target, data in pairs:
        if target.is_dir():
            raise ExportError(f"{display_path(target)} is a folder", hint="Give a file name.")
        write_atomic(target, data)
    return [target for target, _ in pairs]
