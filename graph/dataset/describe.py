"""Describe the dataset in VoID and DCAT, from the loaded graph itself.

The description is computed, never hand-written: the triple count, the classes with their
entity counts, the properties, the vocabularies and the links to Wikidata all come from
the graph, so they cannot drift from the data. It is deterministic: the same graph gives
the same description (no timestamp unless one is passed in, no blank nodes).

Where the files are: ``build`` writes the dumps (``jura-coop.ttl``...) and ``void.ttl``
side by side, so without a base URL the download links are relative IRIs (``<jura-coop.ttl>``),
which a Turtle parser resolves against the place it read ``void.ttl`` from. A server that
knows its own address passes ``base_url`` and gets absolute links, the SPARQL endpoint and
the data dumps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, VOID, XSD
from rdflib.term import Node

from graph.dataset.load import Loaded
from graph.dataset.prefixes import new_graph
from graph.rdf.formats import RDF_FORMATS
from graph.rdf.vocab import ID, JC, PREFIXES, WD

__all__ = [
    "BASENAME",
    "DATASET",
    "DATA_LICENSE",
    "SOURCE_PAGE",
    "SPARQL_PATH",
    "dataset_description",
    "void_turtle",
]

#: The dataset described here.
DATASET = URIRef("https://w3id.org/jura-coop/dataset")
#: Every dump of the dataset is ``jura-coop<suffix>`` (``build`` writes them under this
#: name, and the description links to them by it).
BASENAME = "jura-coop"
#: Who publishes the dataset: the project that compiles the graph. The canton publishes the
#: source page (``dct:source``), not this dataset, so it is not named as publisher.
PUBLISHER = URIRef("https://w3id.org/jura-coop/publisher")
#: The data carry the licence the ontology declares.
DATA_LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
#: The canton's page on its cooperation delegate: the source text of the graph.
SOURCE_PAGE = URIRef("https://www.jura.ch/cop")
ONTOLOGY = URIRef("https://w3id.org/jura-coop/ontology")
#: Where a server publishes its SPARQL endpoint, relative to its base URL.
SPARQL_PATH = "sparql"

# DCAT-AP asks for media types as IRIs of the IANA register, and VoID names syntaxes with
# the W3C's format IRIs; both come from each format's entry in ``RDF_FORMATS``.
_IANA_MEDIA_TYPES = Namespace("http://www.iana.org/assignments/media-types/")
_W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")

_TITLE = {
    "fr": "Coopération extérieure de la République et Canton du Jura",
    "en": "External cooperation of the République et Canton du Jura",
}
_DESCRIPTION = {
    "fr": "Graphe de connaissances des relations de coopération de la République et Canton "
    "du Jura : coopération de proximité, coopération interrégionale et aide au "
    "développement ; partenaires, accords, organismes multilatéraux, programmes de "
    "financement, chacun avec sa source.",
    "en": "Knowledge graph of the cooperation relations of the République et Canton du "
    "Jura: proximity cross-border cooperation, interregional cooperation and development "
    "aid; partners, agreements, multilateral bodies and funding programmes, each with its "
    "source.",
}
_KEYWORDS = {
    "fr": ["coopération transfrontalière", "paradiplomatie", "Jura", "INTERREG"],
    "en": ["cross-border cooperation", "paradiplomacy", "Jura", "INTERREG"],
}

#: Link predicates counted as links to Wikidata, each one its own linkset.
_LINK_PREDICATES = (OWL.sameAs, SKOS.exactMatch)
_WIKIDATA = URIRef(str(DATASET) + "/wikidata")


def dataset_description(
    loaded: Loaded,
    *,
    base_url: str | None = None,
    modified: date | None = None,
) -> Graph:
    """The VoID and DCAT description of ``loaded``.

    ``base_url`` is where the dataset is served (e.g. ``https://example.org/coop/``): with it
    the description names the SPARQL endpoint (``<base>/sparql``), the data dumps and the
    download links as absolute IRIs; without it, the download links are relative to the
    build folder. ``modified`` becomes ``dct:modified``; nothing else depends on the clock.
    """
    graph = loaded.graph
    out = new_graph()
    _add_about(out, modified)
    _add_counts(out, graph)
    _add_linksets(out, graph)
    _add_distributions(out, base_url)
    if base_url is not None:
        base = base_url if base_url.endswith("/") else base_url + "/"
        out.add((DATASET, VOID.sparqlEndpoint, URIRef(base + SPARQL_PATH)))
        out.add((DATASET, DCAT.landingPage, URIRef(base)))
        description = URIRef(base + ".well-known/void")
        out.add((description, RDF.type, VOID.DatasetDescription))
        out.add((description, FOAF.primaryTopic, DATASET))
    return out


def _add_about(out: Graph, modified: date | None) -> None:
    """What the dataset is, in words, and who publishes it under which licence."""
    ds = DATASET
    out.add((ds, RDF.type, VOID.Dataset))
    out.add((ds, RDF.type, DCAT.Dataset))
    for lang, text in _TITLE.items():
        out.add((ds, DCTERMS.title, Literal(text, lang=lang)))
    for lang, text in _DESCRIPTION.items():
        out.add((ds, DCTERMS.description, Literal(text, lang=lang)))
    for lang, words in _KEYWORDS.items():
        for word in words:
            out.add((ds, DCAT.keyword, Literal(word, lang=lang)))
    out.add((ds, DCTERMS.license, DATA_LICENSE))
    out.add((ds, DCTERMS.source, SOURCE_PAGE))
    out.add((ds, DCTERMS.conformsTo, ONTOLOGY))
    out.add((ds, DCTERMS.publisher, PUBLISHER))
    out.add((PUBLISHER, RDF.type, FOAF.Agent))
    out.add((PUBLISHER, FOAF.name, Literal("jura-coop-graph")))
    if modified is not None:
        out.add((ds, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))


def _add_counts(out: Graph, graph: Graph) -> None:
    """The counts, all from the graph that the dumps serialise (ontology, data, derived
    edges): triples, entities, one partition per class and per property, vocabularies."""
    ds = DATASET

    def add(s: Node, p: Node, o: Node) -> None:
        out.add((s, p, o))

    add(ds, VOID.triples, _integer(len(graph)))
    entities = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(ID))}
    add(ds, VOID.entities, _integer(len(entities)))
    add(ds, VOID.distinctSubjects, _integer(len(set(graph.subjects()))))
    add(ds, VOID.distinctObjects, _integer(len(set(graph.objects()))))
    add(ds, VOID.uriSpace, Literal(str(ID)))
    for example in _examples(graph, entities):
        add(ds, VOID.exampleResource, example)

    classes = Counter(cls for _, cls in set(graph.subject_objects(RDF.type)))
    add(ds, VOID.classes, _integer(len(classes)))
    for cls, count in classes.items():
        partition = _partition_iri("class", graph, cls)
        add(ds, VOID.classPartition, partition)
        add(partition, VOID["class"], cls)
        add(partition, VOID.entities, _integer(count))

    properties = Counter(p for _, p, _ in graph)
    add(ds, VOID.properties, _integer(len(properties)))
    for prop, count in properties.items():
        partition = _partition_iri("property", graph, prop)
        add(ds, VOID.propertyPartition, partition)
        add(partition, VOID.property, prop)
        add(partition, VOID.triples, _integer(count))

    for vocabulary in sorted(_vocabularies([*classes, *properties])):
        add(ds, VOID.vocabulary, URIRef(vocabulary))


def void_turtle(loaded: Loaded, *, base_url: str | None = None) -> bytes:
    """The description as Turtle, the same bytes for the same graph (``build/void.ttl``)."""
    # No blank nodes in the description, and rdflib's Turtle writer sorts subjects,
    # predicates and objects: no canonicalisation is needed for stable output.
    return dataset_description(loaded, base_url=base_url).serialize(
        format="turtle", encoding="utf-8"
    )


def _integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _examples(graph: Graph, entities: set[URIRef]) -> list[URIRef]:
    """The canton itself, and the first cooperation relation: what a newcomer would open."""
    examples = [ID.rcju] if ID.rcju in entities else []
    cooperations = sorted(s for s in graph.subjects(RDF.type, JC.Cooperation) if s in entities)
    examples += cooperations[:1]
    return examples or sorted(entities)[:1]


def _partition_iri(kind: str, graph: Graph, term: Node) -> URIRef:
    """A readable, stable IRI for a partition: ``.../dataset/class/jc:Cooperation``.

    IRIs rather than blank nodes, so the Turtle stays byte-identical between runs and each
    partition can be referred to from outside.
    """
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(str(term), generate=False)
        name = f"{prefix}:{local}"
    except (KeyError, ValueError):  # no bound prefix: the whole IRI, escaped
        name = str(term)
    return URIRef(f"{DATASET}/{kind}/{quote(name, safe=':')}")


def _vocabularies(terms: Iterable[Node]) -> set[str]:
    """The namespace of every class and property used, known prefixes first.

    A known namespace is matched longest first, so ``.../ontology#`` is not cut at the
    last ``/``; any other IRI is cut after its last ``#`` or ``/``.
    """
    known = sorted(PREFIXES.values(), key=len, reverse=True)
    found: set[str] = set()
    for term in terms:
        if not isinstance(term, URIRef):
            continue
        iri = str(term)
        namespace = next((ns for ns in known if iri.startswith(ns) and iri != ns), None)
        if namespace is None:
            cut = max(iri.rfind("#"), iri.rfind("/"))
            if cut < 0:
                continue
            namespace = iri[: cut + 1]
        if not namespace.startswith(str(ID)):  # instances, not a vocabulary
            found.add(namespace)
    return found


def _add_linksets(out: Graph, graph: Graph) -> None:
    """One ``void:Linkset`` per link predicate that points into Wikidata."""
    added = False
    for predicate in _LINK_PREDICATES:
        count = sum(1 for _, o in graph.subject_objects(predicate) if str(o).startswith(str(WD)))
        if not count:
            continue
        local = predicate.n3(out.namespace_manager).replace(":", "-")
        linkset = URIRef(f"{DATASET}/links/wikidata/{local}")
        out.add((DATASET, VOID.subset, linkset))
        out.add((linkset, RDF.type, VOID.Linkset))
        out.add((linkset, VOID.subjectsTarget, DATASET))
        out.add((linkset, VOID.objectsTarget, _WIKIDATA))
        out.add((linkset, VOID.linkPredicate, predicate))
        out.add((linkset, VOID.triples, _integer(count)))
        added = True
    if added:
        out.add((_WIKIDATA, RDF.type, VOID.Dataset))
        out.add((_WIKIDATA, DCTERMS.title, Literal("Wikidata")))
        out.add((_WIKIDATA, FOAF.homepage, URIRef("https://www.wikidata.org/")))
        out.add((_WIKIDATA, VOID.uriSpace, Literal(str(WD))))


def _add_distributions(out: Graph, base_url: str | None) -> None:
    base = "" if base_url is None else (base_url if base_url.endswith("/") else base_url + "/")
    for name, fmt in RDF_FORMATS.items():
        distribution = URIRef(f"{DATASET}/distribution/{name}")
        # Relative without a base URL: resolved against the folder void.ttl is read from.
        url = URIRef(base + BASENAME + fmt.suffix)
        out.add((DATASET, DCAT.distribution, distribution))
        out.add((distribution, RDF.type, DCAT.Distribution))
        out.add((distribution, DCTERMS.title, Literal(fmt.title)))
        out.add((distribution, DCAT.mediaType, _IANA_MEDIA_TYPES[fmt.media_type]))
        out.add((distribution, DCAT.downloadURL, url))
        out.add((distribution, DCAT.accessURL, url))
        out.add((distribution, DCTERMS.license, DATA_LICENSE))
        out.add((DATASET, VOID.feature, _W3C_FORMATS[fmt.w3c]))
        if base_url is not None:
            out.add((DATASET, VOID.dataDump, url))
