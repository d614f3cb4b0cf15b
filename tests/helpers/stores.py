"""Real triple stores on 127.0.0.1 for the integration tests, and one check of the catalogue.

``tests/test_virtuoso.py`` and ``tests/test_oxigraph_server.py`` each start their store with
``running`` (a free loopback port, a folder of its own, a process group of its own so that
stopping it stops nothing else), push the dataset with ``coopgraph push``'s code, and run
every catalogue query there and on the embedded engine with ``check_catalogue_entry``. What
differs between the stores is data given to that one check: the deviations a store is known
for (``Deviation``) and how its answers are put in a comparable form.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.rdf.sparql_text import tokens
from graph.sparql.catalogue import CatalogueEntry
from graph.sparql.query import run_query
from graph.sparql.result import QueryResult
from tests.helpers.catalogue import normalised, runs

#: The graph the dataset is pushed to for the catalogue, and the only one the queries see.
GRAPH = "https://w3id.org/jura-coop/graph/"
#: Seconds a store may take to answer its first request (a first start creates its database).
STARTUP_LIMIT = 180.0
#: Seconds for one request to a store: loaded machines are slow, and no test times anything.
REQUEST_TIMEOUT = 60.0


# --- a server on loopback -----------------------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def with_query(url: str, **params: str) -> str:
    """``url`` with ``params`` added to its query string (it may already have one)."""
    return url + ("&" if "?" in url else "?") + urllib.parse.urlencode(params)


@contextmanager
def running(
    argv: Sequence[str], *, folder: Path, probe: str, name: str, log: Path | None = None
) -> Iterator[float]:
    """Run ``argv`` in ``folder`` until the block ends; yields the seconds it took to start.

    It is online when a GET of ``probe`` answers 200; if it exits first, or is not online
    within ``STARTUP_LIMIT``, the test fails with the end of ``log`` (default: its output).
    """
    log = log or folder / "stdout.log"
    started = time.monotonic()
    with open(folder / "stdout.log", "wb") as output:
        # Its own session, so that stopping it stops nothing else of ours.
        process = subprocess.Popen(
            list(argv),
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_online(process, probe, name, log)
        yield time.monotonic() - started
    finally:
        _stop(process)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


def _wait_until_online(process: subprocess.Popen, probe: str, name: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"{name} was not online after {STARTUP_LIMIT:g} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- asking a store -----------------------------------------------------------------------


def fetch(url: str, accept: str) -> bytes:
    """The body of a GET of ``url`` (a query URL, or a graph of the Graph Store Protocol)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
        return response.read()


def select(endpoint: str, query: str) -> list[dict[str, dict[str, str]]]:
    """The bindings of a SELECT (SPARQL 1.1 Protocol, JSON results)."""
    body = fetch(with_query(endpoint, query=query), "application/sparql-results+json")
    return json.loads(body)["results"]["bindings"]


def count(endpoint: str, graph: str | None = None) -> int:
    """How many triples the endpoint's default graph holds, or the named graph ``graph``."""
    source = f"FROM <{graph}> " if graph is not None else ""
    (row,) = select(endpoint, f"SELECT (COUNT(*) AS ?n) {source}WHERE {{ ?s ?p ?o }}")
    return int(row["n"]["value"])


def triples(body: bytes, fmt: ox.RdfFormat = ox.RdfFormat.N_TRIPLES) -> set[ox.Triple]:
    """The triples of an RDF text, graph names dropped (the data has no blank nodes)."""
    return {quad.triple for quad in ox.parse(body, format=fmt)}


# --- the catalogue, on a store and on the embedded engine ---------------------------------


@dataclass(frozen=True)
class Deviation:
    """How, and why, a store's answer to a catalogue query differs from the embedded one.

    ``order``: the same rows in another order; ``paths``: the same rows, some repeated;
    ``describe``: DESCRIBE gives more triples; ``wrong``: the store's rows differ from what
    SPARQL 1.1 says. A ``wrong`` query is expected to fail, strictly: if the store or the
    query changes so that the answers agree, the test fails and the entry must go.
    """

    kind: str
    reason: str


DEVIATION_KINDS = frozenset({"order", "paths", "describe", "wrong"})

#: A result (and the embedded engine's answer to the same query, or None for that answer
#: itself) -> a form in which equal answers are equal: ``(variables, rows)`` for SELECT, a
#: set of triples for CONSTRUCT and DESCRIBE, the boolean for ASK.
Comparable = Callable[[QueryResult, "QueryResult | None"], object]


def as_is(result: QueryResult, reference: QueryResult | None = None) -> object:
    """The catalogue's cross-engine form, nothing forgiven (blank-node labels left out)."""
    return normalised(result)


def ordered(entry: CatalogueEntry) -> bool:
    """Whether the query orders its solutions (an ORDER BY outside every group)."""
    depth = 0
    for token in tokens(entry.text):
        if token.kind == "punct" and token.text in "{}":
            depth += 1 if token.text == "{" else -1
        elif token.kind == "word" and token.text.upper() == "ORDER" and depth == 0:
            return True
    return False


def check_catalogue_entry(
    entry: CatalogueEntry,
    endpoint: str,
    request: pytest.FixtureRequest,
    deviations: dict[str, Deviation],
    comparable: Comparable = as_is,
) -> None:
    """Run ``entry`` with its defaults, in another language and with each example's
    parameters, here and on ``endpoint``; the answers must be the same.

    Rows are compared in order when the query has an ORDER BY, as multisets otherwise. A
    deviation of the query says how the store's answer may differ instead; a ``wrong`` one
    marks the test as a strict xfail.
    """
    deviation = deviations.get(entry.name)
    kind = deviation.kind if deviation is not None else "ordered" if ordered(entry) else "any"
    if kind == "wrong":
        request.applymarker(pytest.mark.xfail(strict=True, reason=deviation.reason))
    for params, lang in runs(entry):
        here = run_query(entry.name, params=params, lang=lang)
        there = run_query(
            entry.name, params=params, lang=lang, endpoint=endpoint, timeout=REQUEST_TIMEOUT
        )
        assert there.kind == here.kind
        ours, theirs = comparable(here, None), comparable(there, here)
        _compare(ours, theirs, here.kind, kind, (entry.name, params, lang))


def _compare(ours, theirs, result_kind: str, kind: str, where: tuple) -> None:
    if result_kind != "select" or kind in ("ordered", "wrong"):
        if kind == "describe":
            assert ours <= theirs, where
            described = {s for s, _, _ in ours}
            assert all(o in described for _, _, o in theirs - ours), where
        else:
            assert ours == theirs, where
        return
    assert ours[0] == theirs[0], where  # the variables, in order
    if kind == "paths":
        assert set(ours[1]) == set(theirs[1]), where
    else:  # "order", or a query that does not order its rows
        assert sorted(ours[1], key=repr) == sorted(theirs[1], key=repr), where
