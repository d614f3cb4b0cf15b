"""The graph page's year slider: the network as it stood in a given year.

The catalogue's as-of-year query is the one definition of "as it stood in year X"; the
page shows what that query answers, asked once for every year at which its answer can
change, rather than reading the dates a second way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.namespace import ORG

from graph.rdf.vocab import JC

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Timeline", "as_of_year", "timeline"]


def _year(text: str | None) -> int | None:
    """The year of a date at any precision (xsd:gYear, gYearMonth, date): its first four
    characters, as the as-of-year query reads it."""
    if not text or len(text) < 4 or not text[:4].isdigit():
        return None
    return int(text[:4])


def as_of_year(graph: Graph, years: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The catalogue's as-of-year query, answered on ``graph`` for each of ``years``.

    That query is the one definition of "as it stood in year X"; the page's year slider
    shows what it answers rather than reading the dates a second way. Its parameters are
    bound as ``graph.sparql.prepare`` binds them (a VALUES block opening every WHERE group,
    so that its subqueries see the year too), and it runs on Oxigraph over the very graph
    drawn.
    """
    import pyoxigraph as ox

    from graph.rdf import sparql_text
    from graph.sparql.prepare import prepare_query

    text = prepare_query("as-of-year").text
    groups = sorted(sparql_text.where_groups(text), reverse=True)
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    answers: dict[int, list[dict[str, Any]]] = {}
    for year in years:
        block = f' VALUES (?year ?lang) {{ ({int(year)} "fr") }} '
        bound = text
        for at in groups:
            bound = bound[:at] + block + bound[at:]
        solutions = store.query(bound)
        names = [variable.value for variable in solutions.variables]
        answers[year] = [
            {name: None if solution[name] is None else solution[name].value for name in names}
            for solution in solutions
        ]
    return answers


#: The classes of relation the as-of-year query answers for (its first pattern).
_AS_OF_YEAR_CLASSES = (str(JC.Cooperation), str(ORG.Membership))


@dataclass(frozen=True)
class Timeline:
    """What the year slider shows, from the as-of-year query's answers.

    ``relations``: (actor, partner, relation) -> the spans of years it was in force, each
    [first, last] with None for "before the first dated fact" or "to this day".
    ``names``: entity -> [first, last, name] for the years it bore another name than
    today's. ``undated``: the relations whose start is unknown. The relations outside the
    query's scope (funding, plain memberships, structure) carry no dates: the page draws
    them in a year when both their ends existed (founded by then), the query's own test
    for a relation's parties.
    """

    relations: dict[tuple[str, str, str], list[list[int | None]]]
    names: dict[str, list[list[Any]]]
    undated: frozenset[tuple[str, str, str]]
    #: The relations the query is about: cooperations and memberships on an axis.
    scope: frozenset[tuple[str, str, str]]
    first: int | None
    last: int | None


def timeline(graph: Graph, network: nx.MultiDiGraph) -> Timeline:
    """The as-of-year query asked for every year at which its answer can change: each year
    of a date in the data and the year after it (it compares the year asked for with those
    years only, so its answer holds until the next of them)."""
    dates = [
        data.get(name)
        for _, data in network.nodes(data=True)
        for name in ("founding_date", "date", "start_date", "end_date")
    ] + [
        data.get(name)
        for _, _, data in network.edges(data=True)
        for name in ("start_date", "end_date")
    ]
    years = sorted({y for y in map(_year, dates) if y is not None})
    scope = frozenset(
        (u, v, k)
        for u, v, k, data in network.edges(keys=True, data=True)
        if data.get("axis") and data.get("relation_type") in _AS_OF_YEAR_CLASSES
    )
    if not years:
        return Timeline({}, {}, frozenset(), scope, None, None)
    points = sorted({y for year in years for y in (year, year + 1)})
    answers = as_of_year(graph, points)
    present: dict[tuple[str, str, str], set[int]] = {}
    named: dict[str, dict[int, str]] = {}
    undated = set()
    for point, rows in answers.items():
        for row in rows:
            key = (row["actor"], row["partner"], row["relation"])
            present.setdefault(key, set()).add(point)
            if row.get("startUnknown") == "true":
                undated.add(key)
            today = (
                network.nodes[row["partner"]].get("label_fr") if row["partner"] in network else None
            )
            if row.get("nameInYear") and row["nameInYear"] != today:
                named.setdefault(row["partner"], {})[point] = row["nameInYear"]
    return Timeline(
        {key: _spans(points, found) for key, found in sorted(present.items())},
        {
            node: [[a, b, name] for a, b, name in _named_spans(points, by_point)]
            for node, by_point in sorted(named.items())
        },
        frozenset(undated),
        scope,
        years[0],
        years[-1],
    )


def _spans(points: list[int], found: set[int]) -> list[list[int | None]]:
    """The years covered by ``found`` among ``points`` (each point holds until the next), as
    spans [first, last]; None at either end where the span reaches past the points."""
    spans: list[list[int | None]] = []
    for i, point in enumerate(points):
        if point not in found:
            continue
        first: int | None = None if i == 0 else point
        last: int | None = None if i == len(points) - 1 else points[i + 1] - 1
        if spans and spans[-1][1] is not None and spans[-1][1] + 1 == point:
            spans[-1][1] = last
        else:
            spans.append([first, last])
    return spans


def _named_spans(points: list[int], by_point: dict[int, str]) -> list[tuple[Any, Any, str]]:
    spans: list[list[Any]] = []
    for i, point in enumerate(points):
        if point not in by_point:
            continue
        first = None if i == 0 else point
        last = None if i == len(points) - 1 else points[i + 1] - 1
        name = by_point[point]
        if (
            spans
            and spans[-1][2] == name
            and spans[-1][1] is not None
            and spans[-1][1] + 1 == point
        ):
            spans[-1][1] = last
        else:
            spans.append([first, last, name])
    return [tuple(span) for span in spans]
