"""The engines that answer a query: Oxigraph and rdflib on the local data, or an endpoint.

Each is a ``Runner``: SELECT, ASK, CONSTRUCT, a node's outgoing triples (for DESCRIBE)
and the names of its graphs (for FROM), with each engine's errors turned into ours. The
local engines read the data that ``graph.sparql.store`` keeps for the life of the process.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.errors import CoopGraphError
from graph.rdf import sparql_text
from graph.rdf.vocab import PREFIXES
from graph.sparql import outbound
from graph.sparql.errors import (
    EndpointError,
    EndpointRejectedError,
    ParameterError,
    QueryFailedError,
    QueryTimeoutError,
)
from graph.sparql.result import Term, from_rdflib, to_rdflib
from graph.sparql.safety import QueryInfo, QueryRefusedError, QuerySyntaxError
from graph.sparql.store import oxigraph_data, rdflib_data

__all__ = ["ENGINES", "Endpoint", "Runner", "local_runner", "with_prefixes"]

#: The local engines, Oxigraph first: the default.
ENGINES = ("oxigraph", "rdflib")


class Runner:
    """What ``answer`` needs from an engine."""

    local = True
    #: Slug or label -> the entity it names, kept as long as the data (none for endpoints).
    entities: dict[str, ox.NamedNode]
    #: IRI -> whether some triple uses it (``graph.sparql.unknown_terms``), kept as long as
    #: the data.
    terms: dict[str, bool]
    #: (text, parameter values) -> (the text bound, its unknown-term warnings), kept as long
    #: as the data: both depend on nothing else (``graph.sparql.answer``).
    bound: dict[tuple, tuple[str, tuple[str, ...]]]

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


def local_runner(engine: str, data_dir: Path | None) -> Runner:
    return _OxigraphRunner(data_dir) if engine == "oxigraph" else _RdflibRunner(data_dir)


class _OxigraphRunner(Runner):
    def __init__(self, data_dir: Path | None) -> None:
        self.data = oxigraph_data(data_dir)
        self.entities = self.data.entities
        self.terms = self.data.terms
        self.bound = self.data.bound

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
        quads = self.data.store.quads_for_pattern(node, None, None, ox.DefaultGraph())
        return [quad.triple for quad in quads]

    def graph_names(self):
        return {g.value for g in self.data.named_store().named_graphs()}


class _RdflibRunner(Runner):
    def __init__(self, data_dir: Path | None) -> None:
        self.data = rdflib_data(data_dir)
        self.entities = self.data.entities
        self.terms = self.data.terms
        self.bound = self.data.bound

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
                return names, [tuple(from_rdflib(term) for term in row) for row in result]
            if result.type == "ASK":
                return bool(result.askAnswer)
            return [ox.Triple(*(from_rdflib(t) for t in triple)) for triple in result]

    def select(self, text, info):
        return self._query(text, info)

    def ask(self, text, info):
        return self._query(text, info)

    def construct(self, text, info):
        return self._query(text, info)

    def outgoing(self, node):
        for triple in self.data.graph.triples((to_rdflib(node), None, None)):
            yield ox.Triple(*(from_rdflib(t) for t in triple))

    def graph_names(self):
        return {str(g) for g in self.data.named_graphs}


class Endpoint(Runner):
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
        self.bound = {}

    def _post(self, text: str, accept: str) -> tuple[bytes, str]:
        # A form (query=...), not the query as the body: the SPARQL 1.1 Protocol allows
        # both, every store reads a form, and Virtuoso 7.2 never answers the other
        # (openlink/virtuoso-opensource#842).
        try:
            answer = outbound.exchange(
                "POST",
                self.url,
                deadline=self.deadline,
                body=urllib.parse.urlencode({"query": with_prefixes(text)}).encode("ascii"),
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


def with_prefixes(text: str) -> str:
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
