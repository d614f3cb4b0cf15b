"""Knowledge graph of the external cooperation of the République et Canton du Jura.

The pipeline, one module per stage::

    load -> validate -> export / stats -> build (all of them, into build/)
    load -> to_networkx -> write_network / render_html (the interactive page)
    run_query (SPARQL on embedded Oxigraph, rdflib or an endpoint; the catalogue)
    dataset_description (VoID/DCAT), push (to a Graph Store), serve (graph.server)

    >>> from graph import load, validate, serialize
    >>> loaded = load()                      # shipped ontology + data
    >>> validate(loaded).conforms
    True
    >>> turtle = serialize(loaded, "turtle")  # same bytes on every run
"""

from graph import errors
from graph.build import BuildResult, Output, build
from graph.describe import dataset_description
from graph.errors import (
    CoopGraphError,
    DataNotFoundError,
    DataSyntaxError,
    DuplicateStatementError,
    ExportError,
    ValidationError,
)
from graph.export import FORMATS, serialize, write_atomic
from graph.load import Loaded, load
from graph.network import NETWORK_FORMATS, to_networkx, write_network
from graph.push import PushResult, push
from graph.query import QueryResult, list_queries, run_query
from graph.render import render_html
from graph.stats import Stats, stats
from graph.validate import ValidationReport, Violation, validate

__all__ = [
    "FORMATS",
    "NETWORK_FORMATS",
    "BuildResult",
    "CoopGraphError",
    "DataNotFoundError",
    "DataSyntaxError",
    "DuplicateStatementError",
    "ExportError",
    "Loaded",
    "Output",
    "PushResult",
    "QueryResult",
    "Stats",
    "ValidationError",
    "ValidationReport",
    "Violation",
    "build",
    "dataset_description",
    "errors",
    "list_queries",
    "load",
    "push",
    "render_html",
    "run_query",
    "serialize",
    "stats",
    "to_networkx",
    "validate",
    "write_atomic",
    "write_network",
]
