"""A prepared query answered by one engine: bound, run, and its answer put in one shape.

The same steps for every engine (``graph.sparql.engines``): FROM checked against the
loaded graphs, a warning for a term that nothing uses, the columns of ``SELECT *`` in the
order of the text, and DESCRIBE by one definition.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from graph.rdf import sparql_text
from graph.sparql.engines import Runner
from graph.sparql.errors import QueryFailedError
from graph.sparql.prepare import PreparedQuery, _term, bind
from graph.sparql.result import QueryResult, Term
from graph.sparql.safety import QueryInfo, QuerySyntaxError
from graph.sparql.unknown_terms import unknown_terms

__all__ = ["answer"]


def answer(prepared: PreparedQuery, runner: Runner) -> QueryResult:
    """``prepared`` bound and run by ``runner``, its answer in the shape of every engine."""
    text, unknown = _bound(prepared, runner)
    info = prepared.info
    if info.from_graphs or info.from_named or info.uses_graph:
        runner.check_graphs([*info.from_graphs, *info.from_named])
    warnings = prepared.warnings + unknown
    if info.form == "select":
        variables, rows = _in_projection_order(*runner.select(text, info), info.projection)
        return QueryResult("select", tuple(variables), rows, query=text, warnings=warnings)
    if info.form == "ask":
        return QueryResult("ask", boolean=runner.ask(text, info), query=text, warnings=warnings)
    if info.form == "construct" or not runner.local:
        triples = runner.construct(text, info)
    else:
        triples = _describe(text, info, runner, _given(prepared, runner))
    return QueryResult(info.form, triples=triples, query=text, warnings=warnings)


#: Most bound texts a runner's data remembers (clients may send texts without end).
BOUND_LIMIT = 4096


def _bound(prepared: PreparedQuery, runner: Runner) -> tuple[str, tuple[str, ...]]:
    """The text with its parameters bound, and a warning for each term that nothing uses.

    Both depend only on the text, the values and the data: worked out once per data
    loaded (``runner.bound``), they cost a query on the cached store a dictionary lookup.
    """
    key = (prepared.text, tuple(prepared.values.items()))
    found = runner.bound.get(key)
    if found is not None:
        return found
    text = bind(prepared, runner)
    unknown: tuple[str, ...] = ()
    if runner.local:  # an endpoint holds other data: its terms are its own business
        try:
            unknown = tuple(unknown_terms(text, lambda q: runner.select(q, None)[1], runner.terms))
        except (QueryFailedError, QuerySyntaxError):
            pass  # a warning that cannot be worked out must not stop the answer
    if len(runner.bound) >= BOUND_LIMIT:
        runner.bound.clear()
    runner.bound[key] = (text, unknown)
    return text, unknown


def _in_projection_order(
    variables: list[str], rows: list[tuple], projection: tuple[str, ...]
) -> tuple[list[str], list[tuple]]:
    """Columns in the order of the SELECT clause, or of the text for ``SELECT *``.

    The engines order ``SELECT *`` each their own way (Oxigraph by name, rdflib at
    random); SPARQL leaves it open, so the order of first appearance is chosen for both.
    """
    if list(projection) == variables or set(projection) != set(variables):
        return variables, rows
    index = [variables.index(v) for v in projection]
    return list(projection), [tuple(row[i] for i in index) for row in rows]


# --- DESCRIBE -------------------------------------------------------------------------------


def _describe(
    text: str, info: QueryInfo, runner: Runner, given: list[Term] | None
) -> list[ox.Triple]:
    """DESCRIBE by one definition on both local engines.

    The engines disagree: rdflib adds the reifications of the resource and describes every
    value of every solution, not only the described variables; Oxigraph describes nothing
    when the WHERE clause has no solution, even an IRI named in the head. Here a resource
    is each IRI of the head plus each value of the described variables, and its
    description is every triple whose subject it is, followed through blank-node objects
    (the Concise Bounded Description without reification). ``given``: the values of the
    described variables when the parameters alone bind them (``_given``).
    """
    resources: list[Term] = [ox.NamedNode(iri) for iri in info.describe_iris]
    select = _describe_select(text, info.projection)
    if select is not None and given is not None:
        resources += given
    elif select is not None:
        _, rows = runner.select(select, None)
        resources += [term for row in rows for term in row if term is not None]
    seen: set[Term] = set()
    triples: list[ox.Triple] = []
    stack = [r for r in reversed(resources) if not isinstance(r, ox.Literal)]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        out = list(runner.outgoing(node))
        triples += out
        stack += [t.object for t in out if isinstance(t.object, ox.BlankNode)]
    return triples


def _given(prepared: PreparedQuery, runner: Runner) -> list[Term] | None:
    """The values of the described variables when the WHERE group is empty and parameters
    bind them all (``DESCRIBE ?entity WHERE { }``): the one solution the SELECT of
    ``_describe_select`` would give, without running it. Else None.
    """
    projection = prepared.info.projection
    if not projection or not _empty_where(prepared.text):
        return None
    if any(name not in prepared.values for name in projection):
        return None
    return [_term(name, *prepared.values[name], runner) for name in projection]


@functools.lru_cache(maxsize=256)
def _empty_where(text: str) -> bool:
    """Whether the text's only group is its WHERE group, empty (blanks only)."""
    try:
        groups = sparql_text.where_groups(text)
    except sparql_text.ShortConstructError:
        return False
    return len(groups) == 1 and text[groups[0] :].lstrip().startswith("}")


@functools.lru_cache(maxsize=256)
def _describe_select(text: str, projection: tuple[str, ...]) -> str | None:
    """The DESCRIBE as ``SELECT DISTINCT`` of its variables, or None when it has none."""
    head = sparql_text.describe_head(text)
    if not projection or head is None or head[1] >= len(text):
        return None
    start, end = head
    select = "SELECT DISTINCT " + " ".join(f"?{v}" for v in projection) + " "
    return text[:start] + select + text[end:]
