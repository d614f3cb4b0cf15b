"""What each kind of entity is called and how it is drawn, and what relations are called.

The kind of an entity (canton, region, programme, agreement...) decides its colour, its
shape and its entry in the legend of the graph page; it comes from the entity's
``org:classification``, else from its class. The relations are named by their predicate's
label: the ontology's for our own terms, ``PREDICATE_LABELS`` for the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS
from rdflib.term import Node

from graph.rdf.terms import labels_of, local_name, pick_label
from graph.rdf.vocab import CONCEPT, CV, JC, SCHEMA

__all__ = [
    "KINDS",
    "KIND_BY_KEY",
    "PREDICATE_LABELS",
    "Kind",
    "kind_of",
    "label_of",
    "predicate_labels",
]


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


# --- names of the relations -------------------------------------------------------------------


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


def label_of(graph: Graph, term: Node, lang: str = "fr") -> str:
    """The label of ``term`` in ``lang`` with the usual fallback, or its local name."""
    return pick_label(labels_of(graph, term), lang, local_name(term))


def predicate_labels(graph: Graph, predicate: URIRef) -> dict[str, str]:
    """Labels of a predicate in fr, de and en: the ontology's, else ours, else its name."""
    labels = {**PREDICATE_LABELS.get(predicate, {}), **labels_of(graph, predicate)}
    name = local_name(predicate)
    return {lang: pick_label(labels, lang, name) for lang in ("fr", "de", "en")}
