"""Knowledge graph of the external cooperation of the République et Canton du Jura.

The pipeline, one module per stage::

    load -> validate -> export / stats -> build (all of them, into build/)
    load -> to_networkx -> write_network / render_html (the interactive page)
    run_query (SPARQL on embedded Oxigraph, rdflib or an endpoint; the catalogue)
    dataset_description (VoID/DCAT), push (to a Graph Store), serve (graph.server.app)

    >>> from graph import load, validate, serialize
    >>> loaded = load()                      # shipped ontology + data
    >>> validate(loaded).conforms
    True
    >>> turtle = serialize(loaded, "turtle")  # same bytes on every run
"""

from graph import errors
from graph.dataset.describe import dataset_description
from graph.dataset.export import FORMATS, serialize, write_atomic
from graph.dataset.load import Loaded, load
from graph.dataset.validate import ValidationReport, Violation, validate
from graph.errors import (
    CoopGraphError,
    DataNotFoundError,
    DataSyntaxError,
    DuplicateStatementError,
    ExportError,
    ValidationError,
)
from graph.network.convert import NETWORK_FORMATS, to_networkx, write_network
from graph.network.stats import Stats, stats
from graph.page.render import render_html
from graph.publish.build import BuildResult, Output, build
from graph.publish.push import PushResult, push
from graph.sparql.catalogue import list_queries
from graph.sparql.query import run_query
from graph.sparql.result import QueryResult

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
