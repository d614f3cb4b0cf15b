"""Knowledge graph of the external cooperation of the République et Canton du Jura.

The pipeline, one module per stage::

    load -> validate -> export / stats -> build (all of them, into build/)
    load -> to_networkx -> write_network / render_html (the interactive page)

    >>> from graph import load, validate, serialize
    >>> loaded = load()                      # shipped ontology + data
    >>> validate(loaded).conforms
    True
    >>> turtle = serialize(loaded, "turtle")  # same bytes on every run
"""

from graph import errors
from graph.build import BuildResult, Output, build
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
    "Stats",
    "ValidationError",
    "ValidationReport",
    "Violation",
    "build",
    "errors",
    "load",
    "render_html",
    "serialize",
    "stats",
    "to_networkx",
    "validate",
    "write_atomic",
    "write_network",
]
