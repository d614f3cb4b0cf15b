"""The SPARQL 1.1 Service Description of the endpoint: what ``GET /sparql`` without a query
answers to a program."""

from __future__ import annotations

from pathlib import Path

from rdflib import DCTERMS, RDF, VOID, Namespace

from graph.dataset.sources import data_files
from graph.rdf.formats import RDF_FORMATS, RESULT_FORMATS, rdf_format_for
from graph.rdf.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri

__all__ = ["graph_names", "service_description"]

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: The W3C's register of formats (``graph.rdf.formats`` names each format in it).
FORMATS = Namespace("http://www.w3.org/ns/formats/")

#: The result formats the endpoint answers in, in its register's names.
_RESULT_FORMATS = [
    *(f"SPARQL_Results_{f.name.upper()}" for f in RESULT_FORMATS.values()),
    *(f.w3c for f in RDF_FORMATS.values() if not f.dataset),
]


def graph_names(data_dir: Path | None) -> set[str]:
    """The named graphs of the loaded data (as ``Loaded.named_graphs`` names them)."""
    graphs = {str(graph_iri(p)) for p in data_files(data_dir)}
    return graphs | {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)}


def service_description(base: str, graphs: set[str], media_type: str) -> bytes:
    """SPARQL 1.1 Service Description of the endpoint at ``base``sparql, in ``media_type``."""
    import pyoxigraph as ox

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    rdf_type = n(RDF.type)
    endpoint = n(base + "sparql")
    dataset = n(base + "sparql#dataset")
    default = n(base + "sparql#default-graph")
    triples = [
        ox.Triple(endpoint, rdf_type, n(SD.Service)),
        ox.Triple(endpoint, n(SD.endpoint), endpoint),
        ox.Triple(endpoint, n(SD.supportedLanguage), n(SD.SPARQL11Query)),
        ox.Triple(endpoint, n(SD.feature), n(SD.UnionDefaultGraph)),
        ox.Triple(endpoint, n(SD.defaultDataset), dataset),
        ox.Triple(
            endpoint,
            n(DCTERMS.description),
            ox.Literal(
                "Read-only SPARQL 1.1 endpoint of the external cooperation of the République et "
                "Canton du Jura. No SERVICE, no update, no FROM outside these graphs.",
                language="en",
            ),
        ),
        ox.Triple(dataset, rdf_type, n(SD.Dataset)),
        ox.Triple(dataset, n(SD.defaultGraph), default),
        ox.Triple(default, rdf_type, n(SD.Graph)),
        ox.Triple(endpoint, n(VOID.rootResource), n(base + ".well-known/void")),
    ]
    for name in _RESULT_FORMATS:
        triples.append(ox.Triple(endpoint, n(SD.resultFormat), n(FORMATS[name])))
    for graph in sorted(graphs):
        node = n(base + "sparql#graph-" + graph.rsplit("/", 1)[-1])
        triples.append(ox.Triple(dataset, n(SD.namedGraph), node))
        triples.append(ox.Triple(node, rdf_type, n(SD.NamedGraph)))
        triples.append(ox.Triple(node, n(SD.name), n(graph)))
    fmt = rdf_format_for(media_type)
    # Prefixes for the syntaxes that write them; JSON-LD would turn them into a context.
    prefixes = {"sd": str(SD), "formats": str(FORMATS)} if fmt.name in ("turtle", "xml") else {}
    return ox.serialize(triples, format=getattr(ox.RdfFormat, fmt.oxigraph), prefixes=prefixes)
