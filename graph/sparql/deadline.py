"""``run_query(timeout=...)``: the query in a worker process, killed when its time is up.

A thread cannot be stopped (rdflib's engine never checks for cancellation, Oxigraph's runs
in Rust): only a process can. So the query goes to a pool of one worker
(``graph.workers.pool``, as the server's queries do), with no spare: nothing is left to
answer after it. The worker loads the data first; the clock starts once it has, so the
timeout bounds preparing and running the query, not the start-up. Preparing is in the
worker too: rdflib's parser takes seconds on a text of a few hundred kilobytes.

This module is also the workers' handler (``warm`` and ``handle``). An error in the worker
comes back as the same error (class, message, hint, exit code); the pool's own errors
become ours: ``QueryTimeoutError`` when the time is up, ``QueryFailedError`` when the
worker died.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import CoopGraphError
from graph.sparql.answer import answer
from graph.sparql.engines import local_runner
from graph.sparql.errors import QueryFailedError, QueryTimeoutError
from graph.sparql.prepare import PreparedQuery, prepare_query
from graph.sparql.result import QueryResult
from graph.workers.pool import (
    QueryDeadlineError,
    WorkerCrashedError,
    WorkerPool,
    WorkerStartError,
)

__all__ = ["QueryTask", "Unprepared", "handle", "run_in_worker", "warm"]

_ENDED = "the query's worker process ended without an answer"


@dataclass(frozen=True)
class Unprepared:
    """What ``prepare_query`` needs, sent to a worker so that preparing is under its deadline."""

    query: str | Path | None
    sparql: str | None
    params: tuple[tuple[str, str], ...]
    lang: str | None

    def prepare(self) -> PreparedQuery:
        return prepare_query(
            self.query, sparql=self.sparql, params=dict(self.params), lang=self.lang
        )


@dataclass(frozen=True)
class QueryTask:
    """One query for a worker: prepared already, or to prepare there."""

    job: PreparedQuery | Unprepared
    engine: str


def run_in_worker(
    job: PreparedQuery | Unprepared, engine: str, data_dir: Path | None, timeout: float
) -> QueryResult:
    """``job`` answered by ``engine`` in a worker process, stopped after ``timeout`` seconds."""
    return _run_to_end(_in_pool(QueryTask(job, engine), data_dir, timeout))


async def _in_pool(task: QueryTask, data_dir: Path | None, timeout: float) -> QueryResult:
    # memory_limit=0: a query run from the command line may take what the machine has.
    pool = WorkerPool(
        handler=__name__,
        options={"engine": task.engine},
        data_dir=data_dir,
        size=1,
        spares=0,
        max_queue=0,
        memory_limit=0,
    )
    try:
        await pool.start()
        return await pool.run(task, timeout)
    except QueryDeadlineError:
        raise QueryTimeoutError(f"query stopped after {timeout:g} s") from None
    except WorkerStartError as error:
        # The worker's own error (a data file that does not parse), as it would be here.
        raise (error.cause or QueryFailedError(_ENDED)) from None
    except WorkerCrashedError:
        raise QueryFailedError(_ENDED) from None
    finally:
        await pool.close()


def _run_to_end(coroutine: Coroutine[Any, Any, QueryResult]) -> QueryResult:
    """Run ``coroutine`` on an event loop of its own, from synchronous code.

    A caller that is itself inside a running loop (a notebook, an async application) cannot
    start another in its thread: the coroutine then runs in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="query-timeout") as thread:
        return thread.submit(asyncio.run, coroutine).result()


# --- the worker's side ----------------------------------------------------------------------


def warm(data_dir: Path | None, *, engine: str) -> None:
    """Load the data for ``engine`` (kept by ``graph.sparql.store`` for the worker's life)."""
    _failures_as_ours(local_runner, engine, data_dir)


def handle(task: QueryTask, data_dir: Path | None) -> QueryResult:
    """Prepare the query if it is not, and answer it on the data ``warm`` loaded."""
    return _failures_as_ours(_answer, task, data_dir)


def _answer(task: QueryTask, data_dir: Path | None) -> QueryResult:
    runner = local_runner(task.engine, data_dir)
    job = task.job
    prepared = job.prepare() if isinstance(job, Unprepared) else job
    return answer(prepared, runner)


def _failures_as_ours(function, *args):
    """``function(*args)``, anything but our own errors reported as a failed query."""
    try:
        return function(*args)
    except CoopGraphError:
        raise
    except Exception as error:
        raise QueryFailedError(f"{type(error).__name__}: {error}") from None
