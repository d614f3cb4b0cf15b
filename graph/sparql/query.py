"""Run SPARQL on the cooperation graph: a catalogue name, a ``.rq`` file or a query text.

    >>> from graph.sparql.query import run_query
    >>> result = run_query("partners-by-axis", lang="en")
    >>> result.variables[:2]
    ('axis', 'axisLabel')
    >>> run_query("cooperates-with", params={"partner": "quebec"}).boolean
    True

The default engine is Oxigraph, embedded, on the data ``graph.sparql.store`` keeps for the
life of the process; rdflib's engine answers the same queries (``engine="rdflib"``), and
``endpoint=URL`` sends them to any SPARQL 1.1 endpoint instead (``graph.sparql.engines``).

Every text goes through ``graph.sparql.safety`` first (``graph.sparql.prepare``): no SERVICE,
no update, no FROM outside the loaded data. ``graph.sparql.answer`` binds the parameters and
puts the answer in one shape (``graph.sparql.result``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

from graph.sparql.answer import answer
from graph.sparql.engines import ENGINES, Endpoint, local_runner
from graph.sparql.errors import ParameterError
from graph.sparql.prepare import PreparedQuery, prepare_query
from graph.sparql.result import QueryResult

__all__ = ["run_query"]


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
    that is killed when the time is up (``QueryTimeoutError``, ``graph.sparql.deadline``); the
    deadline covers reading and checking the text too, which takes rdflib's parser seconds on
    a text of a few hundred kilobytes.
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
    data = data_dir if data_dir is None or isinstance(data_dir, Path) else Path(data_dir)
    if timeout is not None and endpoint is None:
        # Imported here: asyncio and the pool cost 60 ms that a query without a timeout skips.
        from graph.sparql.deadline import Unprepared, run_in_worker

        if isinstance(query, PreparedQuery):
            return run_in_worker(query, engine, data, timeout)
        unprepared = Unprepared(query, sparql, tuple(sorted((params or {}).items())), lang)
        return run_in_worker(unprepared, engine, data, timeout)
    prepared = prepare_query(query, sparql=sparql, params=params, lang=lang)
    if endpoint is not None:
        return answer(prepared, Endpoint(endpoint, timeout))
    return answer(prepared, local_runner(engine, data))
