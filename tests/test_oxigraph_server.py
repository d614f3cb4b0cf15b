"""Integration: push the dataset into Oxigraph's own server and query it there.

Oxigraph's server (``oxigraph serve``, from the ``oxigraph`` package on PyPI, one of the
test extras) is a second real store beside Virtuoso (tests/test_virtuoso.py), with the
same check of the catalogue (tests/helpers/stores.py). It runs the same engine as the
embedded store, behind the SPARQL 1.1 Protocol (``/query``) and the Graph Store Protocol
(``/store``, no authentication), so every catalogue query must give exactly the embedded
answers: it has no deviations. The session fixture starts it on a free 127.0.0.1 port
with its store in a temporary folder and stops it at the end. A missing ``oxigraph`` is a
failure, not a skip: ``pip install -e '.[test]'`` installs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.dataset.export import serialize
from graph.dataset.load import Loaded
from graph.publish.push import PushResult, push
from graph.sparql.query import run_query
from tests.helpers.catalogue import CATALOGUE, NAMES
from tests.helpers.stores import (
    GRAPH,
    Deviation,
    check_catalogue_entry,
    count,
    fetch,
    free_port,
    running,
    triples,
    with_query,
)

pytestmark = pytest.mark.slow

#: Catalogue queries whose answers differ on Oxigraph's server: none, it is the embedded
#: engine. A difference is a fault of the endpoint mode (how a query is sent or its answer
#: read), not of the store.
DEVIATIONS: dict[str, Deviation] = {}
_XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


@dataclass(frozen=True)
class OxigraphServer:
    base: str
    folder: Path
    version: str
    startup_seconds: float

    @property
    def store(self) -> str:
        """The Graph Store endpoint (``?graph=IRI`` or ``?default``)."""
        return f"{self.base}/store"

    @property
    def sparql(self) -> str:
        """The query endpoint, restricted to the graph the catalogue is pushed to."""
        return with_query(f"{self.base}/query", **{"default-graph-uri": GRAPH})

    def graph(self, iri: str | None) -> set[ox.Triple]:
        """The triples of a graph as the store gives it back (a Graph Store GET)."""
        url = with_query(self.store, graph=iri) if iri is not None else f"{self.store}?default"
        return triples(fetch(url, "application/n-triples"))


def _binary() -> str:
    """The ``oxigraph`` of this Python's environment, else the first one on PATH."""
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    found = found or shutil.which("oxigraph")
    if found is None:
        pytest.fail(
            "Oxigraph's server is not installed (the oxigraph command, from the oxigraph "
            "package on PyPI): pip install -e '.[test]'"
        )
    return found


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    binary = _binary()
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, timeout=60, check=True
    ).stdout.strip()
    folder = tmp_path_factory.mktemp("oxigraph-server")
    bind = f"127.0.0.1:{free_port()}"
    base = f"http://{bind}"
    argv = [binary, "serve", "--location", str(folder / "store"), "--bind", bind]
    probe = with_query(f"{base}/query", query="ASK {}")
    with running(argv, folder=folder, probe=probe, name="oxigraph serve") as startup:
        yield OxigraphServer(base, folder, version, startup)


@pytest.fixture(scope="session")
def pushed(oxigraph_server, shipped) -> PushResult:
    return push(shipped, oxigraph_server.store, graph_iri=GRAPH)


@pytest.fixture(scope="session")
def exported() -> dict[str, set[ox.Triple]]:
    """The triples of ``coopgraph export``, in N-Quads (graph names dropped) and Turtle."""
    out = {}
    for fmt, syntax in (("nquads", ox.RdfFormat.N_QUADS), ("turtle", ox.RdfFormat.TURTLE)):
        result = CliRunner().invoke(cli, ["export", "--format", fmt], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        out[fmt] = triples(result.stdout_bytes, syntax)
    return out


def ground(given: set[ox.Triple]) -> set[ox.Triple]:
    """The triples without a blank node (whose labels each store chooses)."""
    return {t for t in given if not any(isinstance(term, ox.BlankNode) for term in t)}


def kept(given: set[ox.Triple]) -> set[ox.Triple]:
    """What an Oxigraph store keeps of ``given``: the embedded engine, in this process."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in given)
    return {quad.triple for quad in store}


def by_value(given: set[ox.Triple]) -> set:
    """The triples with each ``xsd:decimal`` replaced by its value."""
    out = set()
    for s, p, o in given:
        if isinstance(o, ox.Literal) and o.datatype.value == _XSD_DECIMAL:
            o = ("decimal", Decimal(o.value).normalize())
        out.add((s, p, o))
    return out


def assert_holds(there: set[ox.Triple], given: set[ox.Triple]) -> None:
    """The store holds exactly ``given``: the same triples, but that Oxigraph (the
    embedded store as much as the server) gives an ``xsd:decimal`` back in canonical form
    (``47.2380`` -> ``47.238``), the same value."""
    assert there == kept(given)
    assert by_value(there) == by_value(given)


# --- push ---------------------------------------------------------------------------------


def test_the_exports_hold_the_same_triples(exported, shipped: Loaded):
    assert exported["nquads"] == exported["turtle"]
    # No blank node, so what a store gives back compares with the export as a set.
    assert ground(exported["nquads"]) == exported["nquads"]
    assert len(exported["nquads"]) == len(shipped.graph)


def test_push_creates_the_graph_with_every_triple(oxigraph_server, shipped, pushed, exported):
    assert pushed.status == 201
    assert count(oxigraph_server.sparql) == len(shipped.graph) == pushed.triples
    assert_holds(oxigraph_server.graph(GRAPH), exported["nquads"])


@pytest.mark.parametrize(
    "target, fmt",
    [("urn:jura-coop:test:cli", "turtle"), (None, "ntriples")],
    ids=["named graph, turtle", "default graph, ntriples"],
)
def test_the_command_line_replaces_the_graph(oxigraph_server, valid, pushed, exported, target, fmt):
    """Another graph is there first; ``coopgraph push`` replaces it by the dataset, and
    pushing again leaves the same triples, never a second copy or a union."""
    before = triples(serialize(valid, "ntriples"))
    assert ground(before) - exported["nquads"], "the first graph must hold triples of its own"
    push(valid, oxigraph_server.store, graph_iri=target)
    there = oxigraph_server.graph(target)
    assert len(there) == len(before)
    assert ground(there) == ground(kept(before))
    command = ["push", "--store", oxigraph_server.store, "--format", fmt]
    command += ["--graph", target] if target is not None else []
    for _ in range(2):
        result = CliRunner().invoke(cli, command, catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "(HTTP 204)" in result.stdout  # replaced, not created
        assert_holds(oxigraph_server.graph(target), exported["nquads"])
        assert_holds(oxigraph_server.graph(target), exported["turtle"])
    assert_holds(oxigraph_server.graph(GRAPH), exported["nquads"])  # no other graph touched


# --- the catalogue, on Oxigraph's server and on the embedded engine -----------------------


@pytest.fixture(scope="session")
def endpoint(oxigraph_server, pushed) -> str:
    assert run_query("ASK { ?s ?p ?o }", endpoint=oxigraph_server.sparql, timeout=20).boolean
    return oxigraph_server.sparql


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_the_catalogue_gives_the_same_answers_on_oxigraph_server(entry, endpoint, request):
    check_catalogue_entry(entry, endpoint, request, DEVIATIONS)
