"""The query catalogue as the tests walk it, and answers put in a form engines share."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.compare import to_canonical_graph

from graph.sparql.catalogue import list_queries

if TYPE_CHECKING:
    from graph.sparql.catalogue import CatalogueEntry
    from graph.sparql.result import QueryResult

CATALOGUE = list_queries()
NAMES = [entry.name for entry in CATALOGUE]


def normalised(result: QueryResult):
    """The answer with blank-node labels (which differ between engines) left out."""
    if result.kind == "ask":
        return result.boolean
    if result.kind == "select":
        rows = [
            tuple("_:" if isinstance(t, ox.BlankNode) else str(t) for t in row)
            for row in result.rows
        ]
        return result.variables, rows
    return set(to_canonical_graph(result.graph))


def example_params(example: str) -> dict[str, str]:
    """The ``--param name=value`` pairs of an example command line."""
    words = shlex.split(example.split(">")[0])
    params = {}
    for flag, value in zip(words, words[1:], strict=False):
        if flag in ("--param", "-p"):
            name, _, text = value.partition("=")
            params[name] = text
    return params


def runs(entry: CatalogueEntry) -> Iterator[tuple[dict[str, str], str | None]]:
    """Defaults, another language, and each example's parameters."""
    yield {}, None
    yield {}, "en"
    for example in entry.examples:
        params = example_params(example)
        lang = "en" if "--lang en" in example else "de" if "--lang de" in example else "fr"
        if params or lang != "fr":
            yield params, lang
