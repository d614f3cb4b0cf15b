"""Run SPARQL on the cooperation graph: a catalogue name, a ``.rq`` file or a query text.

    >>> from graph.sparql.query import run_query
    >>> result = run_query("partners-by-axis", lang="en")
    >>> result.variables[:2]
    ('axis', 'axisLabel')
    >>> run_query("cooperates-with", params={"partner": "quebec"}).boolean
    True

The default engine is Oxigraph, embedded: the Turtle files go straight into a pyoxigraph
store (its own parser, no rdflib graph in between), the derivation rules of
``graph.dataset.infer`` run there, and the store is kept for the life of the process. rdflib's
engine answers the same queries on ``graph.dataset.load.load()``'s graph (``engine="rdflib"``), and
``endpoint=URL`` sends them to any SPARQL 1.1 endpoint instead.

Every text goes through ``graph.sparql.safety`` first: no SERVICE, no update, no FROM outside the
loaded data. Parameters are bound with a ``VALUES`` block built from RDF terms, never by
pasting text into the query. Nothing here validates the data (``coopgraph validate`` does).
"""

from __future__ import annotations

import functools
import math
import multiprocessing
import os
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import paths
from graph.dataset.infer import RULES
from graph.rdf.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri
from graph.dataset.sources import data_files, oxigraph_errors, read_turtle
from graph.errors import CoopGraphError, DataFileError, display_path
from graph.rdf import sparql_text
from graph.rdf.vocab import CONCEPT, ID, INSTANCE_PATHS, PREFIXES
from graph.sparql import outbound
from graph.sparql.catalogue import (
    CatalogueEntry,
    Header,
    Parameter,
    QueryNotFoundError,
    find_query,
    list_queries,
    parse_header,
)
from graph.sparql.safety import QueryInfo, QueryRefusedError, QuerySyntaxError, check_query
from graph.sparql.unknown_terms import unknown_terms
from graph.suggest import did_you_mean

__all__ = [
    "ENGINES",
    "CatalogueEntry",
    "EndpointError",
    "EndpointRejectedError",
    "ParameterError",
    "PreparedQuery",
    "QueryFailedError",
    "QueryNotFoundError",
    "QueryRefusedError",
    "QueryResult",
    "QuerySyntaxError",
    "QueryTimeoutError",
    "Term",
    "infer_in_store",
    "list_queries",
    "prepare_query",
    "run_query",
]

ENGINES = ("oxigraph", "rdflib")

#: A value in a result row: the terms of pyoxigraph, whichever engine answered.
Term = ox.NamedNode | ox.BlankNode | ox.Literal

_XSD = "http://www.w3.org/2001/XMLSchema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_INTEGER = ox.NamedNode(_XSD + "integer")
_INTEGER_TYPES = {
    _XSD + t
    for t in (
        "integer int long short byte nonNegativeInteger positiveInteger nonPositiveInteger "
        "negativeInteger unsignedInt unsignedLong unsignedShort unsignedByte"
    ).split()
}
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


# --- errors ---------------------------------------------------------------------------------


class ParameterError(CoopGraphError):
    """A parameter is unknown, or its value does not fit its type."""

    exit_code = 2


class QueryTimeoutError(CoopGraphError):
    """The query ran longer than the timeout and was stopped."""

    exit_code = 1
    default_hint = "Give it more time with --timeout, or narrow the query (LIMIT, FILTER)."


class QueryFailedError(CoopGraphError):
    """The engine could not answer a query that was accepted."""

    exit_code = 1


class EndpointError(CoopGraphError):
    """The SPARQL endpoint could not be reached or answered with an error."""

    exit_code = 1
    default_hint = "Check the endpoint URL and that the server is running."


class EndpointRejectedError(EndpointError):
    """The endpoint answered 400: it could not read the query (a bad query, exit code 2)."""

    exit_code = 2
    default_hint = "The endpoint's parser rejected the query: its message says where."


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryResult:
    """What a query answered, the same shape whichever engine ran it.

    SELECT fills ``variables`` (projection order) and ``rows``; ASK fills ``boolean``;
    CONSTRUCT and DESCRIBE fill ``triples`` (and ``graph``, an rdflib view of them).
    """

    #: select, ask, construct or describe.
    kind: str
    variables: tuple[str, ...] = ()
    #: One tuple per solution, one term (or None when unbound) per variable.
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    #: The text that ran, with the parameters bound.
    query: str = ""
    #: What the reader should know about the answer: a term that nothing uses (the likely
    #: cause of an empty answer), a parameter given under its former name.
    warnings: tuple[str, ...] = ()

    def values(self) -> list[tuple[Any, ...]]:
        """The rows as plain Python values: str for IRIs and texts, int, Decimal, float, bool."""
        return [tuple(to_python(term) for term in row) for row in self.rows]

    def records(self) -> list[dict[str, Any]]:
        """The rows as dictionaries of plain Python values, keyed by variable name."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.values()]

    @cached_property
    def graph(self):  # -> rdflib.Graph; imported lazily, most callers never need it
        """CONSTRUCT and DESCRIBE: the triples as an rdflib Graph with our prefixes bound."""
        from graph.dataset.load import new_graph

        graph = new_graph()
        for triple in self.triples:
            graph.add(tuple(_to_rdflib(term) for term in triple))
        return graph


def to_python(term: Term | None) -> Any:
    """A term as a plain Python value (IRIs and blank nodes as text, numbers as numbers)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    datatype = term.datatype.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(term.value)
        if datatype == _XSD + "decimal":
            return Decimal(term.value)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(term.value)
        if datatype == _XSD + "boolean":
            return term.value in ("true", "1")
    except (ValueError, InvalidOperation):
        pass
    return term.value


# --- preparing a query ----------------------------------------------------------------------


@dataclass(frozen=True)
class PreparedQuery:
    """A query read, checked and with its parameter values gathered (not yet bound)."""

    text: str
    info: QueryInfo
    #: The catalogue name, or None for a file or a text.
    name: str | None
    source: Path | None
    #: The parameters declared in the header.
    parameters: tuple[Parameter, ...]
    #: Variable name -> value as given (or the default), to be bound when it runs.
    values: dict[str, tuple[str | None, str]]
    #: E.g. a parameter given under its former name (``graph.sparql.catalogue``'s ``renamed``).
    warnings: tuple[str, ...] = ()


def prepare_query(
    query: str | Path | PreparedQuery | None = None,
    *,
    sparql: str | None = None,
    params: Mapping[str, str] | None = None,
    lang: str | None = None,
) -> PreparedQuery:
    """Read a catalogue name, a ``.rq`` path or a SPARQL text, check it, gather parameters.

    ``query`` is read as a name when it is one word, as a file when it is a ``Path`` or
    ends in ``.rq``, else as SPARQL; ``sparql=`` is always SPARQL. Raises
    ``QueryNotFoundError``, ``QuerySyntaxError``, ``QueryRefusedError`` or
    ``ParameterError`` (all exit code 2) before anything runs. ``lang`` binds ``?lang``;
    None leaves the query's own default (French, unless its header says otherwise).
    """
    if isinstance(query, PreparedQuery):
        return query
    if (query is None) == (sparql is None):
        raise ParameterError("give either a query (name, file or text) or sparql=TEXT")
    given = tuple(sorted((params or {}).items()))
    if isinstance(query, Path) or (isinstance(query, str) and _is_file(query)):
        return _prepare(query, None, given, lang)  # a file may change: read it every time
    return _prepared(query, sparql, given, lang)


@functools.lru_cache(maxsize=256)
def _prepared(
    query: str | None, sparql: str | None, given: tuple, lang: str | None
) -> PreparedQuery:
    """A name or a text prepares the same way every time: once per process is enough."""
    return _prepare(query, sparql, given, lang)


def _prepare(query, sparql, given: tuple, lang: str | None) -> PreparedQuery:
    name, source, text = _read(query) if query is not None else (None, None, sparql)
    header = parse_header(text, source or (name or "<query>"))
    info = check_query(text)
    given_now, warnings = _renamed(header, dict(given))
    values = _gather(header, info, given_now, lang)
    # info.text, not text: the engines run exactly what graph.sparql.safety read.
    return PreparedQuery(info.text, info, name, source, header.parameters, values, tuple(warnings))


def _is_file(query: str) -> bool:
    return query.endswith(".rq") and "\n" not in query


def _read(query: str | Path) -> tuple[str | None, Path | None, str]:
    if isinstance(query, Path) or _is_file(query):
        path = Path(query)
        try:
            return None, path, path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryNotFoundError(f"{display_path(path)} does not exist") from None
        except (OSError, UnicodeDecodeError) as error:
            raise QueryNotFoundError(f"cannot read {display_path(path)}: {error}") from None
    if re.fullmatch(r"[A-Za-z0-9_-]+", query.strip()):
        entry = find_query(query.strip())
        return entry.name, entry.path, entry.text
    return None, None, query


def _renamed(header: Header, given: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The parameters under their names now, and a warning for each former name used."""
    warnings = []
    for old, new in header.renamed.items():
        if old not in given:
            continue
        if new in given:
            raise ParameterError(
                f"{old!r} and {new!r} are the same parameter: give {new!r} only",
                hint=f"{old!r} is its former name.",
            )
        given[new] = given.pop(old)
        option = " (--lang)" if new == "lang" else ""
        warnings.append(
            f"the parameter {old!r} is now called {new!r}{option}; "
            f"{old!r} still works but will be removed"
        )
    return given, warnings


def _gather(
    header: Header, info: QueryInfo, given: dict[str, str], lang: str | None
) -> dict[str, tuple[str | None, str]]:
    """Variable -> (declared type or None, raw value) for every variable to bind."""
    declared = {p.name: p for p in header.parameters}
    for name in given:
        if name in declared or (not declared and name in info.variables):
            continue
        names = list(declared) if declared else list(info.variables)
        if declared:
            known = ", ".join(f"{p.name} ({p.type})" for p in header.parameters)
            hint = f"This query takes: {known}."
        else:
            hint = "A parameter binds the query variable of the same name; "
            hint += f"this query has: {', '.join('?' + v for v in info.variables) or 'none'}."
        raise ParameterError(
            f"the query has no parameter {name!r}", hint=did_you_mean(name, names) + hint
        )

    values: dict[str, tuple[str | None, str]] = {}
    for parameter in header.parameters:
        values[parameter.name] = (parameter.type, given.get(parameter.name, parameter.default))
    for name, value in given.items():
        values.setdefault(name, (None, value))
    if "lang" in info.variables and "lang" not in given and (lang or "lang" not in declared):
        values["lang"] = ("lang", lang or "fr")
    for name, (kind, value) in values.items():
        if kind == "lang" and not _LANG_TAG.match(value):
            raise ParameterError(
                f"{value!r} is not a language tag (parameter {name})",
                hint="Give a tag such as fr, de, en or it.",
            )
    return {name: v for name, v in values.items() if name in info.variables}


# --- running a query ------------------------------------------------------------------------


def run_query(
    query: str | Path | PreparedQuery | None = None,
    *,
    sparql: str | None = None,
    params: Mapping[str, str] | None = None,
    lang: str | None = None,
    engine: str = "oxigraph",
    data_dir: Path | str | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
) -> QueryResult:
    """Run a catalogue query (by name), a ``.rq`` file or a SPARQL text; return its answer.

    ``query`` and ``sparql=`` are read as by ``prepare_query``. ``params`` bind the query's
    parameters (``{"entity": "rcju"}``); ``lang`` is the language of the labels where the query
    selects labels (falling back to French; None: the query's default). ``engine`` is
    ``oxigraph`` (default) or ``rdflib``; ``endpoint`` sends the query to a SPARQL 1.1 endpoint
    instead of the local data. With ``timeout`` (seconds) the query runs in a worker process
    that is killed when the time is up (``QueryTimeoutError``); the deadline covers reading and
    checking the text too, which takes rdflib's parser seconds on a text of a few hundred
    kilobytes.
    """
    if engine not in ENGINES:
        raise ParameterError(f"unknown engine {engine!r}", hint=f"Use one of {', '.join(ENGINES)}.")
    if endpoint is not None and data_dir is not None:
        raise ParameterError(
            "--data and --endpoint exclude each other: the endpoint holds its own data"
        )
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise ParameterError(
            f"the timeout must be a finite positive number of seconds, not {timeout!r}"
        )
    data = Path(data_dir) if data_dir is not None else None
    if timeout is not None and endpoint is None and not isinstance(query, PreparedQuery):
        unprepared = _Unprepared(query, sparql, tuple(sorted((params or {}).items())), lang)
        return _run_in_worker(unprepared, engine, data, timeout)
    prepared = prepare_query(query, sparql=sparql, params=params, lang=lang)
    if endpoint is not None:
        return _answer(prepared, _Endpoint(endpoint, timeout))
    if timeout is not None:
        return _run_in_worker(prepared, engine, data, timeout)
    return _answer(prepared, _local(engine, data))


@dataclass(frozen=True)
class _Unprepared:
    """What ``prepare_query`` needs, sent to a worker so that preparing is under its deadline."""

    query: str | Path | None
    sparql: str | None
    params: tuple[tuple[str, str], ...]
    lang: str | None

    def prepare(self) -> PreparedQuery:
        return prepare_query(
            self.query, sparql=self.sparql, params=dict(self.params), lang=self.lang
        )


def _answer(prepared: PreparedQuery, runner: _Runner) -> QueryResult:
    text = _bind(prepared, runner)
    info = prepared.info
    if info.from_graphs or info.from_named or info.uses_graph:
        runner.check_graphs([*info.from_graphs, *info.from_named])
    warnings = prepared.warnings
    if runner.local:  # an endpoint holds other data: its terms are its own business
        try:
            warnings += tuple(
                unknown_terms(text, lambda q: runner.select(q, None)[1], runner.terms)
            )
        except (QueryFailedError, QuerySyntaxError):
            pass  # a warning that cannot be worked out must not stop the answer
    if info.form == "select":
        variables, rows = _in_projection_order(*runner.select(text, info), info.projection)
        return QueryResult("select", tuple(variables), rows, query=text, warnings=warnings)
    if info.form == "ask":
        return QueryResult("ask", boolean=runner.ask(text, info), query=text, warnings=warnings)
    if info.form == "construct" or not runner.local:
        triples = runner.construct(text, info)
    else:
        triples = _describe(text, info, runner)
    return QueryResult(info.form, triples=triples, query=text, warnings=warnings)


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


# --- parameters -----------------------------------------------------------------------------


def _bind(prepared: PreparedQuery, runner: _Runner) -> str:
    """The text with a VALUES block for the parameters at the top of each WHERE group.

    A parameter is a constant of the query, as in Oxigraph's substitutions (SPARQL-dev
    SEP-0007): the block opens the outermost WHERE group and the group of every subquery,
    so that a subquery can use it too (``reachable`` keeps each step DISTINCT that way).
    """
    if not prepared.values:
        return prepared.text
    terms = {
        name: _term(name, kind, value, runner) for name, (kind, value) in prepared.values.items()
    }
    try:
        groups = sparql_text.where_groups(prepared.text)
    except sparql_text.ShortConstructError:
        raise ParameterError(
            "CONSTRUCT WHERE { ... } (the short form) cannot take parameters",
            hint="Write CONSTRUCT { template } WHERE { pattern } instead.",
        ) from None
    if not groups:
        raise ParameterError(
            f"the query has no WHERE group to bind ?{next(iter(terms))} in",
            hint="Add WHERE { } after the query form, or leave the parameter out.",
        )
    names = " ".join(f"?{name}" for name in terms)
    row = " ".join(str(term) for term in terms.values())
    # On the line of the brace, so that the line numbers of the text stay those of the file.
    block = f" VALUES ({names}) {{ ({row}) }} "
    text = prepared.text
    for at in sorted(groups, reverse=True):
        text = text[:at] + block + text[at:]
    return text


def _term(name: str, kind: str | None, value: str, runner: _Runner) -> Term:
    value = value.strip()
    if kind in ("integer", "year"):
        try:
            number = int(value)
        except ValueError:
            raise ParameterError(f"{name} must be a whole number, not {value!r}") from None
        if kind == "year" and not 1 <= number <= 9999:
            raise ParameterError(f"{name} must be a year between 1 and 9999, not {value!r}")
        return ox.Literal(str(number), datatype=_INTEGER)
    if kind in ("string", "lang"):
        return ox.Literal(value.lower() if kind == "lang" else value)
    if kind in ("entity", "iri"):
        iri = _iri(value)
        if iri is not None:
            return iri
        if kind == "iri":
            raise ParameterError(
                f"{name} must be an IRI or a prefixed name, not {value!r}",
                hint="Write e.g. concept:axe-proximite or <https://...>.",
            )
        found = runner.entities.get(value)
        if found is None:
            found = runner.entities[value] = _entity(name, value, runner)
        return found
    # Undeclared (a query without a header): an IRI if it reads as one, else a number or text.
    iri = _iri(value)
    if iri is not None:
        return iri
    if re.fullmatch(r"-?[0-9]+", value):
        return ox.Literal(value, datatype=_INTEGER)
    return ox.Literal(value)


def _iri(value: str) -> ox.NamedNode | None:
    """The IRI written as <...>, as a full IRI or as a prefixed name of ours; else None."""
    text = None
    if value.startswith("<") and value.endswith(">"):
        text = value[1:-1]
    else:
        prefix, sep, local = value.partition(":")
        if sep and prefix in PREFIXES and not local.startswith("//"):
            text = PREFIXES[prefix] + local
        elif _SCHEME.match(value) and not any(c.isspace() for c in value):
            text = value
    if text is None:
        return None
    try:
        return ox.NamedNode(text)
    except ValueError as error:
        raise ParameterError(f"{value!r} is not a valid IRI: {error}") from None


def _entity(name: str, value: str, runner: _Runner) -> ox.NamedNode:
    """A slug or a label, looked up in the data."""
    if _SLUG.match(value):
        candidates = [f"{ID}{value}", *(f"{ID}{p}/{value}" for p in INSTANCE_PATHS.values())]
        candidates.append(f"{CONCEPT}{value}")
        listed = " ".join(f"<{c}>" for c in candidates)
        found = _first_column(
            runner,
            f"SELECT ?e WHERE {{ VALUES ?e {{ {listed} }} FILTER EXISTS {{ ?e ?p ?o }} }}",
        )
        if found:
            # id: first: a slug names the body, whose territory may share it (terr:jura).
            found.sort(key=lambda t: candidates.index(t.value))
            return found[0]
    label = str(ox.Literal(value.lower()))
    found = _first_column(
        runner,
        f"SELECT DISTINCT ?e WHERE {{ ?e <{_SKOS}prefLabel>|<{_SKOS}altLabel> ?l . "
        f"FILTER(LCASE(STR(?l)) = {label}) }}",
    )
    if len(found) > 1:
        # A body and the territory it governs often share a name (Vallée d'Aoste): the
        # label then means the body, as the modelling guide keeps partners apart from places.
        listed = " ".join(str(t) for t in found)
        governed = _first_column(
            runner,
            f"SELECT DISTINCT ?t WHERE {{ VALUES ?b {{ {listed} }} VALUES ?t {{ {listed} }} "
            "?b <http://purl.org/dc/terms/spatial> ?t }",
        )
        found = [t for t in found if t not in governed]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(sorted(_short(t.value) for t in found))
        raise ParameterError(
            f"{value!r} is the label of several entities: {names}",
            hint=f"Give {name} as one of these prefixed names.",
        )
    raise ParameterError(
        f"no entity has the slug or the label {value!r} (parameter {name})",
        hint=did_you_mean(value, _entity_names(runner, slug=bool(_SLUG.match(value))))
        + "Give a slug (rcju), a prefixed name (id:rcju), a full IRI or an exact label.",
    )


def _entity_names(runner: _Runner, *, slug: bool) -> list[str]:
    """What an entity parameter may be given as: labels, and slugs when ``slug``."""
    _, rows = runner.select(
        f"SELECT ?e ?l WHERE {{ ?e <{_SKOS}prefLabel>|<{_SKOS}altLabel> ?l }}", None
    )
    slugs, labels = [], []
    for entity, label in rows:
        if slug and isinstance(entity, ox.NamedNode) and entity.value.startswith(str(ID)):
            local = entity.value[len(str(ID)) :]
            slugs.append(local if "/" not in local else _short(entity.value))
        if isinstance(label, ox.Literal):
            labels.append(label.value)
    return slugs + labels  # a slug first: quebec rather than Québec for quebek


def _first_column(runner: _Runner, text: str) -> list[ox.NamedNode]:
    _, rows = runner.select(text, None)
    return [row[0] for row in rows if isinstance(row[0], ox.NamedNode)]


def _short(iri: str) -> str:
    """``id:rcju`` for an IRI under one of our prefixes (the longest namespace wins)."""
    best = max(
        (p for p, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda p: len(PREFIXES[p]),
        default=None,
    )
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else f"<{iri}>"


# --- DESCRIBE -------------------------------------------------------------------------------


def _describe(text: str, info: QueryInfo, runner: _Runner) -> list[ox.Triple]:
    """DESCRIBE by one definition on both local engines.

    The engines disagree: rdflib adds the reifications of the resource and describes every
    value of every solution, not only the described variables; Oxigraph describes nothing
    when the WHERE clause has no solution, even an IRI named in the head. Here a resource
    is each IRI of the head plus each value of the described variables, and its
    description is every triple whose subject it is, followed through blank-node objects
    (the Concise Bounded Description without reification).
    """
    resources: list[Term] = [ox.NamedNode(iri) for iri in info.describe_iris]
    select = _describe_select(text, info.projection)
    if select is not None:
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
        for triple in runner.outgoing(node):
            triples.append(triple)
            if isinstance(triple.object, ox.BlankNode):
                stack.append(triple.object)
    return triples


@functools.lru_cache(maxsize=256)
def _describe_select(text: str, projection: tuple[str, ...]) -> str | None:
    """The DESCRIBE as ``SELECT DISTINCT`` of its variables, or None when it has none."""
    head = sparql_text.describe_head(text)
    if not projection or head is None or head[1] >= len(text):
        return None
    start, end = head
    select = "SELECT DISTINCT " + " ".join(f"?{v}" for v in projection) + " "
    return text[:start] + select + text[end:]


# --- engines --------------------------------------------------------------------------------


class _Runner:
    """What ``_answer`` needs from an engine."""

    local = True
    #: Slug or label -> the entity it names, kept as long as the data (none for endpoints).
    entities: dict[str, ox.NamedNode]
    #: IRI -> whether some triple uses it (``graph.sparql.unknown_terms``), kept as long as
    #: the data.
    terms: dict[str, bool]

    def select(self, text: str, info: QueryInfo | None) -> tuple[list[str], list[tuple]]:
        raise NotImplementedError

    def ask(self, text: str, info: QueryInfo) -> bool:
        raise NotImplementedError

    def construct(self, text: str, info: QueryInfo) -> list[ox.Triple]:
        raise NotImplementedError

    def outgoing(self, node: Term) -> Iterable[ox.Triple]:
        raise NotImplementedError

    def check_graphs(self, graphs: Sequence[str]) -> None:
        known = self.graph_names()
        for graph in graphs:
            if graph not in known:
                raise QueryRefusedError(
                    f"FROM <{graph}> names no graph of the loaded data",
                    hint="The graphs are: " + ", ".join(f"<{g}>" for g in sorted(known)),
                )

    def graph_names(self) -> set[str]:
        raise NotImplementedError


def _local(engine: str, data_dir: Path | None) -> _Runner:
    return _OxigraphRunner(data_dir) if engine == "oxigraph" else _RdflibRunner(data_dir)


class _OxigraphRunner(_Runner):
    def __init__(self, data_dir: Path | None) -> None:
        self.data = _oxigraph_data(data_dir)
        self.entities = self.data.entities
        self.terms = self.data.terms

    def _query(self, text: str, info: QueryInfo | None):
        store, union = self.data.store, False
        if info is not None and (info.from_graphs or info.from_named or info.uses_graph):
            # Without FROM the default graph is the union of the files' graphs, as on the
            # rdflib path; with FROM it is what FROM says (the union flag would override it).
            store = self.data.named_store()
            union = not (info.from_graphs or info.from_named)
        try:
            return store.query(text, prefixes=_undeclared(text), use_default_graph_as_union=union)
        except SyntaxError as error:
            raise _oxigraph_syntax_error(text, error) from None
        except OSError as error:
            raise QueryFailedError(f"Oxigraph could not answer: {error}") from None

    def select(self, text, info):
        solutions = self._query(text, info)
        variables = [v.value for v in solutions.variables]
        try:
            return variables, [tuple(solution) for solution in solutions]
        except OSError as error:  # evaluation is lazy: errors surface while iterating
            raise QueryFailedError(f"Oxigraph could not answer: {error}") from None

    def ask(self, text, info):
        return bool(self._query(text, info))

    def construct(self, text, info):
        try:
            return list(self._query(text, info))
        except OSError as error:
            raise QueryFailedError(f"Oxigraph could not answer: {error}") from None

    def outgoing(self, node):
        for quad in self.data.store.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            yield quad.triple

    def graph_names(self):
        return {g.value for g in self.data.named_store().named_graphs()}


class _RdflibRunner(_Runner):
    def __init__(self, data_dir: Path | None) -> None:
        self.data = _rdflib_data(data_dir)
        self.entities = self.data.entities
        self.terms = self.data.terms

    def _query(self, text: str, info: QueryInfo | None):
        import rdflib.plugins.sparql as rdflib_sparql

        target = self.data.graph
        if info is not None and (info.from_graphs or info.from_named or info.uses_graph):
            target = self.data.dataset()
        # rdflib reads a graph named by FROM from the web when the dataset lacks it: never.
        with _patched(rdflib_sparql, "SPARQL_LOAD_GRAPHS", False), _rdflib_errors():
            result = target.query(text, initNs=PREFIXES)
            if result.type == "SELECT":
                # Evaluation is lazy: reading the rows inside the guards makes errors surface here.
                names = [str(v) for v in result.vars or []]
                return names, [tuple(_from_rdflib(term) for term in row) for row in result]
            if result.type == "ASK":
                return bool(result.askAnswer)
            return [ox.Triple(*(_from_rdflib(t) for t in triple)) for triple in result]

    def select(self, text, info):
        return self._query(text, info)

    def ask(self, text, info):
        return self._query(text, info)

    def construct(self, text, info):
        return self._query(text, info)

    def outgoing(self, node):
        for triple in self.data.graph.triples((_to_rdflib(node), None, None)):
            yield ox.Triple(*(_from_rdflib(t) for t in triple))

    def graph_names(self):
        return {str(g) for g in self.data.named_graphs}


class _Endpoint(_Runner):
    """A SPARQL 1.1 endpoint, over HTTP (POST of a form, ``query=...``)."""

    local = False
    _RESULTS = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
    _RDF = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"

    def __init__(self, url: str, timeout: float | None) -> None:
        try:
            outbound.check_url(url)
        except outbound.InvalidURLError as error:
            raise ParameterError(
                str(error),
                hint="Give the endpoint as http://host/sparql, e.g. http://127.0.0.1:7878/query.",
            ) from None
        if timeout is not None and not timeout > 0:  # NaN too
            raise ParameterError("the timeout must be a positive number of seconds")
        self.url = url
        self.timeout = timeout
        # One deadline for the whole query: an entity lookup and the query share it.
        self.deadline = outbound.Deadline(timeout)
        self.entities = {}

    def _post(self, text: str, accept: str) -> tuple[bytes, str]:
        # A form (query=...), not the query as the body: the SPARQL 1.1 Protocol allows
        # both, every store reads a form, and Virtuoso 7.2 never answers the other
        # (openlink/virtuoso-opensource#842).
        try:
            answer = outbound.exchange(
                "POST",
                self.url,
                deadline=self.deadline,
                body=urllib.parse.urlencode({"query": _with_prefixes(text)}).encode("ascii"),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": accept,
                    "User-Agent": "coopgraph",
                },
            )
        except outbound.DeadlineError as error:
            if not self.deadline.bounded:  # no --timeout: the system's own connect timeout
                raise EndpointError(
                    f"cannot reach the endpoint {self.url}: {error.reason}"
                ) from None
            raise QueryTimeoutError(
                f"query stopped after {self.timeout:g} s: the endpoint {self.url} had not "
                "answered in full"
            ) from None
        except outbound.CannotConnectError as error:
            raise EndpointError(f"cannot reach the endpoint {self.url}: {error.reason}") from None
        except outbound.OutboundError as error:
            raise EndpointError(
                f"the endpoint {self.url} sent a broken answer: {error.reason}"
            ) from None
        if not 200 <= answer.status < 300:
            body = answer.body[:500].decode("utf-8", "replace").strip()
            kind = EndpointRejectedError if answer.status == 400 else EndpointError
            location = answer.headers.get("Location") if 300 <= answer.status < 400 else None
            raise kind(
                f"the endpoint {self.url} answered {answer.status} {answer.reason}: {body}",
                hint=f"It redirects to {location}: use that URL." if location else None,
            )
        return answer.body, answer.content_type

    def _results(self, text: str):
        body, media_type = self._post(text, self._RESULTS)
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        if results_format is None:
            raise EndpointError(f"the endpoint answered {media_type}, not SPARQL results")
        try:
            return ox.parse_query_results(body, format=results_format)
        except SyntaxError as error:
            raise EndpointError(f"the endpoint's answer cannot be read: {error}") from None

    def select(self, text, info):
        solutions = self._results(text)
        if isinstance(solutions, ox.QueryBoolean):
            raise EndpointError("the endpoint answered a boolean to a SELECT query")
        return [v.value for v in solutions.variables], [tuple(s) for s in solutions]

    def ask(self, text, info):
        return bool(self._results(text))

    def construct(self, text, info):
        body, media_type = self._post(text, self._RDF)
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise EndpointError(f"the endpoint answered {media_type}, not RDF")
        try:
            return [quad.triple for quad in ox.parse(body, format=rdf_format)]
        except SyntaxError as error:
            raise EndpointError(f"the endpoint's answer cannot be read: {error}") from None

    def check_graphs(self, graphs):
        """The endpoint knows its own graphs; ``graph.sparql.safety`` has checked the names."""


@functools.lru_cache(maxsize=512)
def _undeclared(text: str) -> dict[str, str] | None:
    """Our prefixes that the text uses without declaring them (None when there are none).

    Giving Oxigraph only these, and only when there are some, saves a third of the time of
    the smallest queries: it reads the whole ``prefixes`` mapping on every call.
    """
    tokens = list(sparql_text.tokens(text))
    declared = {
        tokens[i + 1].text.split(":")[0]
        for i, t in enumerate(tokens[:-1])
        if t.kind == "word" and t.text.upper() == "PREFIX"
    }
    used = {t.text.split(":")[0] for t in tokens if t.kind == "pname"}
    missing = sorted((used - declared) & set(PREFIXES))
    return {p: PREFIXES[p] for p in missing} or None


def _with_prefixes(text: str) -> str:
    """The text with PREFIX lines for the prefixes of ours it uses without declaring them.

    The local engines are given them as options; an endpoint knows none of them.
    """
    missing = _undeclared(text) or {}
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in missing.items()) + text


def _oxigraph_syntax_error(text: str, error: SyntaxError) -> QuerySyntaxError:
    """Oxigraph's ``error at 3:14: ...`` as our error, with the line and the column."""
    message = str(error.msg if error.msg else error)
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if not match:
        return QuerySyntaxError(message)
    line, column = int(match[1]), int(match[2])
    return QuerySyntaxError(match[3], line, column)


@contextmanager
def _rdflib_errors():
    """rdflib lets bare Exceptions (and Python's own, e.g. re.error) out of evaluation."""
    try:
        yield
    except CoopGraphError:
        raise
    except Exception as error:
        raise QueryFailedError(f"rdflib could not answer: {error}") from None


@contextmanager
def _patched(module: Any, name: str, value: Any):
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


# --- term conversion between rdflib and pyoxigraph ------------------------------------------


def _from_rdflib(term: Any) -> Term | None:
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(_bnode_id(str(term)))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryFailedError(f"cannot read the value {term!r}")


def _bnode_id(label: str) -> str:
    return label if re.fullmatch(r"[A-Za-z0-9_]+", label) else "b" + label.encode().hex()


def _to_rdflib(term: Term):
    # One conversion for the whole package: the exporter's, which keeps "x" and
    # "x"^^xsd:string the same term, as the loader does.
    from graph.dataset.export import from_oxigraph

    return from_oxigraph(term)


# --- the data, loaded once per process ------------------------------------------------------


def _source_files(data_dir: Path | None) -> tuple[list[Path], list[Path]]:
    """(ontology files, data files), the same ones ``graph.dataset.load.load`` reads."""
    return paths.ontology_files(), data_files(data_dir)


@dataclass
class _Entry:
    """A loaded dataset and what tells whether its files changed since."""

    folders: tuple[tuple[str, int], ...]  # each folder and its mtime: a file added or removed
    files: tuple[tuple[str, int, int], ...]  # each file, its mtime and size: a file edited
    value: Any


_CACHE: dict[tuple[str, str], _Entry] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(paths_: Iterable[Path | str]) -> tuple[tuple[str, int, int], ...]:
    stamp = []
    for path in paths_:
        try:
            status = os.stat(path)
        except OSError as error:  # e.g. a link to a file that is gone
            raise DataFileError(
                path, f"cannot read {display_path(path)}: {error.strerror}"
            ) from None
        stamp.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def _cached(engine: str, data_dir: Path | None, build: Callable[[list[Path], list[Path]], Any]):
    """The dataset of ``data_dir`` for ``engine``, loaded again only when a file changed.

    Checking costs a few ``stat`` calls, not a listing of the folders, so that a query on
    the cached store pays microseconds for it: this is the common case, on every call.
    """
    folder = str(data_dir) if data_dir is not None else str(paths.data_dir())
    key = (engine, folder)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and _unchanged(hit):
            return hit.value
        ontology, data = _source_files(data_dir)
        stamp = _stamp([*ontology, *data])
        folders = (folder, str(paths.ontology_dir()))
        stamps = tuple((f, os.stat(f).st_mtime_ns) for f in folders)
        value = build(ontology, data)
        _CACHE[key] = _Entry(stamps, stamp, value)
        return value


def _unchanged(entry: _Entry) -> bool:
    """Whether no file of ``entry`` was edited, added or removed (plain ``os.stat`` calls)."""
    stat = os.stat
    try:
        for folder, mtime in entry.folders:
            if stat(folder).st_mtime_ns != mtime:
                return False
        for path, mtime, size in entry.files:
            status = stat(path)
            if status.st_mtime_ns != mtime or status.st_size != size:
                return False
    except OSError:
        return False  # a file or the folder went away: list again, and say so
    return True


class _OxigraphData:
    """The ontology and the data in an Oxigraph store, the derived edges added."""

    def __init__(self, ontology: list[Path], data: list[Path]) -> None:
        self.ontology = ontology
        self.data = data
        self.store = ox.Store()
        for path in [*ontology, *data]:
            _bulk_load(self.store, path, ox.DefaultGraph())
        self.inferred = infer_in_store(self.store)
        self._named: ox.Store | None = None
        self.entities: dict[str, ox.NamedNode] = {}
        self.terms: dict[str, bool] = {}

    def named_store(self) -> ox.Store:
        """One named graph per file, as ``Loaded.named_graphs`` (for FROM, GRAPH).

        Built on first use only: the catalogue never needs it, and it doubles the memory.
        """
        if self._named is None:
            named = ox.Store()
            for path in self.ontology:
                _bulk_load(named, path, ox.NamedNode(str(ONTOLOGY_GRAPH)))
            for path in self.data:
                _bulk_load(named, path, ox.NamedNode(str(graph_iri(path))))
            inferred = ox.NamedNode(str(INFERRED_GRAPH))
            named.extend(ox.Quad(*t, inferred) for t in self.inferred)
            self._named = named
        return self._named


def _bulk_load(store: ox.Store, path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    # The text rdflib's path parses too (graph.dataset.sources), not the file: the same checks
    # (no FIFO, no device, a size limit, UTF-8) and the byte-order mark dropped.
    text = read_turtle(path)
    with oxigraph_errors(path, text):
        store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=graph)


def infer_in_store(store: ox.Store) -> list[ox.Triple]:
    """Run ``infer.RULES`` in the store and add what they derive; return the new triples.

    The same CONSTRUCT rules as the rdflib path, so both engines see the same edges.
    """
    new: list[ox.Triple] = []
    for rule in RULES.values():
        for triple in store.query(rule, prefixes=PREFIXES):
            if ox.Quad(*triple, ox.DefaultGraph()) not in store:
                new.append(triple)
    new = list(dict.fromkeys(new))
    store.extend(ox.Quad(*t, ox.DefaultGraph()) for t in new)
    return new


def _oxigraph_data(data_dir: Path | None) -> _OxigraphData:
    return _cached("oxigraph", data_dir, _OxigraphData)


class _RdflibData:
    def __init__(self, ontology: list[Path], data: list[Path], data_dir: Path | None) -> None:
        from graph.dataset.load import load

        self.loaded = load(data_dir)
        self.graph = self.loaded.graph
        self.named_graphs = self.loaded.named_graphs()
        self._dataset = None
        self.entities: dict[str, ox.NamedNode] = {}
        self.terms: dict[str, bool] = {}

    def dataset(self):
        if self._dataset is None:
            from rdflib import Dataset

            dataset = Dataset(default_union=True)
            for name, graph in self.named_graphs.items():
                context = dataset.graph(name)
                for triple in graph:
                    context.add(triple)
            self._dataset = dataset
        return self._dataset


def _rdflib_data(data_dir: Path | None) -> _RdflibData:
    return _cached("rdflib", data_dir, lambda o, d: _RdflibData(o, d, data_dir))


# --- the worker process of --timeout --------------------------------------------------------


def _run_in_worker(
    job: PreparedQuery | _Unprepared, engine: str, data_dir: Path | None, timeout: float
) -> QueryResult:
    """Run in a child process and kill it after ``timeout`` seconds of query time.

    A thread cannot be stopped (rdflib's engine never checks for cancellation, Oxigraph's
    runs in Rust): only a process can. The clock starts once the child has loaded the
    data, so the timeout bounds preparing and running the query, not the start-up.
    """
    context = multiprocessing.get_context("spawn")  # no inherited locks or Rust threads
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_worker, args=(sender, job, engine, data_dir), daemon=True)
    process.start()
    sender.close()
    try:
        message = _receive(receiver, None)  # "loaded", or an error while loading
        if message[0] == "loaded":
            message = _receive(receiver, timeout)
            if message is None:
                raise QueryTimeoutError(f"query stopped after {timeout:g} s")
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    kind, payload = message
    if kind == "result":
        return payload
    raise _rebuild(payload)


def _receive(receiver, timeout: float | None):
    if not receiver.poll(timeout):
        return None
    try:
        return receiver.recv()
    except EOFError:
        raise QueryFailedError("the query's worker process ended without an answer") from None


def _worker(sender, job: PreparedQuery | _Unprepared, engine: str, data_dir: Path | None) -> None:
    from graph.workers.sandbox import deny_network

    deny_network()  # this process only answers one query: it needs no network
    try:
        runner = _local(engine, data_dir)
        sender.send(("loaded", None))
        prepared = job.prepare() if isinstance(job, _Unprepared) else job
        sender.send(("result", _answer(prepared, runner)))
    except CoopGraphError as error:
        sender.send(("error", _describe_error(error)))
    except Exception as error:  # anything else still reaches the parent as a message
        sender.send(
            ("error", _describe_error(QueryFailedError(f"{type(error).__name__}: {error}")))
        )
    finally:
        sender.close()


def _describe_error(error: CoopGraphError) -> dict[str, Any]:
    """What rebuilds the error in the parent (error classes do not all pickle)."""
    return {
        "module": type(error).__module__,
        "name": type(error).__qualname__,
        "message": str(error),
        "hint": error.hint,
        "exit_code": error.exit_code,
        "attributes": {
            k: v for k, v in vars(error).items() if isinstance(v, (str, int, type(None), Path))
        },
    }


def _rebuild(described: dict[str, Any]) -> CoopGraphError:
    import importlib

    try:
        cls = getattr(importlib.import_module(described["module"]), described["name"])
    except (ImportError, AttributeError):
        cls = QueryFailedError
    if not (isinstance(cls, type) and issubclass(cls, CoopGraphError)):
        cls = QueryFailedError
    error = cls.__new__(cls)
    CoopGraphError.__init__(error, described["message"], described["hint"])
    for key, value in described["attributes"].items():
        setattr(error, key, value)
    if error.exit_code != described["exit_code"]:
        error.exit_code = described["exit_code"]
    return error
