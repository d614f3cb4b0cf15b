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

Each name is imported from its module on first use (PEP 562), not when the package is: the
stages pull in rdflib, pyoxigraph and networkx, and ``import graph`` (which every
``coopgraph`` command and every ``graph.*`` import runs first) should not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, for type checkers and editors
    from graph import errors
    from graph.dataset.describe import dataset_description
    from graph.dataset.export import FORMATS, serialize, write_atomic
    from graph.dataset.load import Loaded, load
    from graph.dataset.report import ValidationReport, Violation
    from graph.dataset.validate import validate
    from graph.errors import (
        CoopGraphError,
        DataNotFoundError,
        DataSyntaxError,
        DuplicateStatementError,
        ExportError,
        ValidationError,
    )
    from graph.network.convert import to_networkx
    from graph.network.formats import NETWORK_FORMATS, write_network
    from graph.network.stats import Stats, stats
    from graph.page.render import render_html
    from graph.publish.build import BuildResult, Output, build
    from graph.publish.push import PushResult, push
    from graph.sparql.catalogue import list_queries
    from graph.sparql.query import run_query
    from graph.sparql.result import QueryResult

#: Module -> the public names it gives the package ("errors" is the module itself).
_MODULES: dict[str, tuple[str, ...]] = {
    "graph.errors": (
        "errors",
        "CoopGraphError",
        "DataNotFoundError",
        "DataSyntaxError",
        "DuplicateStatementError",
        "ExportError",
        "ValidationError",
    ),
    "graph.dataset.describe": ("dataset_description",),
    "graph.dataset.export": ("FORMATS", "serialize", "write_atomic"),
    "graph.dataset.load": ("Loaded", "load"),
    "graph.dataset.report": ("ValidationReport", "Violation"),
    "graph.dataset.validate": ("validate",),
    "graph.network.convert": ("to_networkx",),
    "graph.network.formats": ("NETWORK_FORMATS", "write_network"),
    "graph.network.stats": ("Stats", "stats"),
    "graph.page.render": ("render_html",),
    "graph.publish.build": ("BuildResult", "Output", "build"),
    "graph.publish.push": ("PushResult", "push"),
    "graph.sparql.catalogue": ("list_queries",),
    "graph.sparql.query": ("run_query",),
    "graph.sparql.result": ("QueryResult",),
}

#: Public name -> the module it is imported from.
_WHERE: dict[str, str] = {name: module for module, names in _MODULES.items() for name in names}

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


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use, and keep the name for the next use."""
    module = _WHERE.get(name)
    if module is None:
        # AttributeError (not another error) lets ``from graph import paths`` fall back to
        # importing the submodule.
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    imported = importlib.import_module(module)
    # ``errors`` is a submodule of the package: the module itself, not one of its names.
    value = imported if module == f"{__name__}.{name}" else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
