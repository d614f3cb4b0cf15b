"""One table of the RDF syntaxes and SPARQL result formats the tool reads and writes.

Each fact about a format (its file suffix, its media type, its name for Oxigraph, for
rdflib and for the W3C's format register) is written once here; export, the dataset
description, push, the query results and the server's content negotiation read it.
Oxigraph's and rdflib's names are strings (attribute of ``pyoxigraph.RdfFormat``, rdflib
plugin name) so that this core module imports neither engine.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "RDF_FORMATS",
    "RESULT_FORMATS",
    "RdfFormat",
    "ResultFormat",
    "rdf_format_for",
    "result_format_for",
]


@dataclass(frozen=True)
class RdfFormat:
    """An RDF syntax."""

    #: Our name for it (``coopgraph export --format``).
    name: str
    #: Suffix of a file in it.
    suffix: str
    #: IANA media type.
    media_type: str
    #: How people call it, for the dataset description.
    title: str
    #: Its name in https://www.w3.org/ns/formats/.
    w3c: str
    #: The attribute of ``pyoxigraph.RdfFormat``.
    oxigraph: str
    #: rdflib's serializer and parser plugin name.
    rdflib: str
    #: True when it holds named graphs (a dataset), not one graph.
    dataset: bool = False


@dataclass(frozen=True)
class ResultFormat:
    """A SPARQL result format of SELECT and ASK answers."""

    name: str
    media_type: str
    #: The attribute of ``pyoxigraph.QueryResultsFormat``.
    oxigraph: str


#: Name -> format, in the order the command line offers them.
RDF_FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", ".ttl", "text/turtle", "Turtle", "Turtle", "TURTLE", "turtle"),
        RdfFormat(
            "ntriples", ".nt", "application/n-triples", "N-Triples", "N-Triples", "N_TRIPLES", "nt"
        ),
        RdfFormat(
            "jsonld", ".jsonld", "application/ld+json", "JSON-LD", "JSON-LD", "JSON_LD", "json-ld"
        ),
        RdfFormat(
            "trig",
            ".trig",
            "application/trig",
            "TriG (one named graph per data file)",
            "TriG",
            "TRIG",
            "trig",
            dataset=True,
        ),
        RdfFormat(
            "nquads",
            ".nq",
            "application/n-quads",
            "N-Quads (one named graph per data file)",
            "N-Quads",
            "N_QUADS",
            "nquads",
            dataset=True,
        ),
        RdfFormat("xml", ".rdf", "application/rdf+xml", "RDF/XML", "RDF_XML", "RDF_XML", "xml"),
    )
}

#: Name -> format, in the order the command line offers them.
RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in (
        ResultFormat("json", "application/sparql-results+json", "JSON"),
        ResultFormat("xml", "application/sparql-results+xml", "XML"),
        ResultFormat("csv", "text/csv", "CSV"),
        ResultFormat("tsv", "text/tab-separated-values", "TSV"),
    )
}


def rdf_format_for(media_type: str) -> RdfFormat | None:
    """The RDF syntax of a media type (parameters such as ``charset`` ignored), or None."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in RDF_FORMATS.values() if f.media_type == bare), None)


def result_format_for(media_type: str) -> ResultFormat | None:
    """The result format of a media type (parameters ignored), or None."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return next((f for f in RESULT_FORMATS.values() if f.media_type == bare), None)
