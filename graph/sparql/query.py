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
import multiprocessing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import CoopGraphError
from graph.sparql.answer import answer
from graph.sparql.engines import ENGINES, Endpoint, local_runner
from graph.sparql.errors import ParameterError, QueryFailedError, QueryTimeoutError
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
        return answer(prepared, Endpoint(endpoint, timeout))
    if timeout is not None:
        return _run_in_worker(prepared, engine, data, timeout)
    return answer(prepared, local_runner(engine, data))


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
        runner = local_runner(engine, data_dir)
        sender.send(("loaded", None))
        prepared = job.prepare() if isinstance(job, _Unprepared) else job
        sender.send(("result", answer(prepared, runner)))
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
