#!/usr/bin/env python3
"""Benchmark of the SPARQL path: each catalogue query, ours against native pyoxigraph and rdflib.

For each size of synthetic graph (scripts/gen_synthetic.py, written into build/bench/ when
missing), and for each catalogue query with its default parameters:

* ours: ``graph.sparql.query.run_query(name, data_dir=...)``, everything a caller pays: reading
  the catalogue, the safety check, resolving and binding the parameters, running on the
  cached Oxigraph store, and the rows as terms. The first call (the safety parse not yet
  cached) is reported apart; the median is over the later calls.
* native: pyoxigraph alone on a store holding the same triples, running the text ours ran
  (parameters already bound) and reading every solution (``[tuple(s) for s in ...]``).
* rdflib: rdflib's own engine on ``graph.dataset.load.load()``'s graph, the same text, every row
  read; only up to ``--rdflib-max`` triples (default 10^4: at 10^5 two queries take
  minutes each), and measured once when a call takes over 2 s.

* virtuoso (``--virtuoso``): Virtuoso 7 (Debian's ``virtuoso-opensource``) on 127.0.0.1, its
  own database in a temporary folder, loaded with the native store's triples (the derived
  edges included) and queried over HTTP (one kept-alive connection, the query as a form) with
  the same text; every row read. Where its answer has another number of rows (or triples)
  than ours, that number is printed instead of a time.

Then the load: ours (each file bulk-loaded into a new store, then the derivation rules)
against pyoxigraph's own parser and loader on the same files (``Store.bulk_load``), and
rdflib's ``graph.dataset.load.load()`` (which also checks the data) up to ``--rdflib-max``.

Medians of ``--runs`` runs, in milliseconds (the fastest and the slowest run in brackets),
and ratios to native pyoxigraph measured in the same process. Prints Markdown. Usage:

    python scripts/bench_queries.py                            # 1e3 1e4 1e5 1e6, ~8 min
    python scripts/bench_queries.py --sizes 100000 --rdflib-max 100000   # rdflib at 1e5
    python scripts/bench_queries.py --sizes 1000 10000 --runs 3
    python scripts/bench_queries.py --sizes 10000 100000 --runs 3 --virtuoso
"""

from __future__ import annotations

import argparse
import gc
import http.client
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import gen_synthetic  # noqa: E402
import pyoxigraph as ox  # noqa: E402
import rdflib  # noqa: E402

from graph import paths  # noqa: E402
from graph.dataset.load import load  # noqa: E402
from graph.dataset.sources import data_files  # noqa: E402
from graph.rdf import sparql_text  # noqa: E402
from graph.sparql import (  # noqa: E402
    answer,
    engines,
    prepare,
    safety,  # noqa: E402
)
from graph.sparql.catalogue import list_queries  # noqa: E402
from graph.sparql.engines import with_prefixes  # noqa: E402
from graph.sparql.query import run_query  # noqa: E402
from graph.sparql.store import OxigraphData, add_inferred, oxigraph_data  # noqa: E402


def timed(action: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median over ``runs`` of the time of one call, in ms, and the last result.

    A call under 20 ms is repeated within each run until the run lasts 20 ms (as timeit's
    autorange does), so that sub-millisecond queries are not lost in the timer's noise. A
    call over 2 s (rdflib on 10^5 triples) is measured once.
    """
    start = time.perf_counter()
    result = action()
    once = time.perf_counter() - start
    if once > 2:  # rdflib on the larger graphs: one call is the measure, or it takes hours
        return once * 1000, result
    number = max(1, int(0.02 / once)) if once > 0 else 1
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        for _ in range(number):
            result = action()
        times.append((time.perf_counter() - start) * 1000 / number)
    return statistics.median(times), result


class Measure:
    """The times of one action over the runs (ms), run for run beside the others'."""

    def __init__(self, times: list[float]) -> None:
        self.times = times
        self.median = statistics.median(times)

    @property
    def cell(self) -> str:
        return f"{self.median:.2f} ({min(self.times):.2f}–{max(self.times):.2f})"

    def ratio(self, other: Measure) -> str:
        """The median of the ratios run by run, and their spread."""
        each = [a / b for a, b in zip(self.times, other.times, strict=True)]
        return f"{statistics.median(each):.2f} ({min(each):.2f}–{max(each):.2f})"


def timed_together(actions: list[Callable[[], object]], runs: int) -> list[Measure]:
    """Each action timed in turn within each run, so that a change of the machine's load
    weighs on all of them alike: the ratios of one run compare like with like.

    As in ``timed``, a call under 20 ms is repeated until it lasts 20 ms.
    """
    numbers = []
    for action in actions:
        start = time.perf_counter()
        action()
        once = time.perf_counter() - start
        numbers.append(max(1, int(0.02 / once)) if once > 0 else 1)
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, number, kept in zip(actions, numbers, times, strict=True):
            gc.collect()
            start = time.perf_counter()
            for _ in range(number):
                action()
            kept.append((time.perf_counter() - start) * 1000 / number)
    return [Measure(kept) for kept in times]


def native_store(files: list[Path]) -> ox.Store:
    store = ox.Store()
    for path in files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    add_inferred(store)  # the same derived edges, so the same answers
    return store


def read_all(result) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        return [tuple(solution) for solution in result]
    return list(result)


def rdflib_read_all(result) -> object:
    if result.type == "ASK":
        return result.askAnswer
    return list(result)


class Virtuoso:
    """Virtuoso 7 holding ``store``'s default graph, started as scripts/bench_server.py does."""

    def __init__(self, store: ox.Store) -> None:
        import bench_server

        self.graph = bench_server.GRAPH
        self.folder = Path(tempfile.mkdtemp(prefix="bench-queries-"))
        dump = self.folder / "data.nt"
        store.dump(output=str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        self.server = bench_server.start_virtuoso(dump, self.folder, None)
        self.connection = http.client.HTTPConnection(self.server.host, self.server.port)

    def count(self, text: str, kind: str) -> int:
        """Ask the query; return its number of rows (triples; 1 or 0 for ASK), every row read."""
        graph_form = kind in ("construct", "describe")
        accept = "text/turtle" if graph_form else "application/sparql-results+json"
        body = urllib.parse.urlencode(
            {"query": with_prefixes(text), "default-graph-uri": self.graph}
        )
        self.connection.request(
            "POST",
            "/sparql",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"Virtuoso answered {response.status}: {data[:300]!r}")
        if graph_form:
            return sum(1 for _ in ox.parse(data, format=ox.RdfFormat.TURTLE))
        result = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QueryBoolean):
            return int(bool(result))
        return sum(1 for _ in result)

    def stop(self) -> None:
        self.connection.close()
        self.server.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPU(s), {model}; Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}, rdflib {rdflib.__version__}, {platform.system()}"
    )


def ratio(value: float | None, reference: float) -> str:
    return "" if value is None else f"{value / reference:.2f}"


def bench_size(
    size: int, folder: Path, runs: int, rdflib_max: int, only: set[str], virtuoso: bool
) -> None:
    data = list(data_files(folder))
    files = [*paths.ontology_files(), *data]
    triples = sum(1 for _ in ox.parse(path=str(data[0]), format=ox.RdfFormat.TURTLE))
    with_rdflib = size <= rdflib_max
    print(f"\n### {size:,} triples (synthetic: {triples:,}; with the ontology)\n")

    load_runs = max(1, min(runs, 3))
    ours_load, _ = timed(lambda: OxigraphData(paths.ontology_files(), data), load_runs)
    native_load, store = timed(lambda: native_store(files), load_runs)
    parser_only, _ = timed(
        lambda: [ox.Store().bulk_load(path=str(p), format=ox.RdfFormat.TURTLE) for p in files],
        load_runs,
    )
    rdflib_load, loaded = timed(lambda: load(folder), 1) if with_rdflib else (None, None)
    print("| load | ms | ratio to pyoxigraph's bulk_load |")
    print("|---|---:|---:|")
    print(f"| pyoxigraph `Store.bulk_load` of the files | {parser_only:.0f} | 1.00 |")
    print(
        f"| ours: bulk_load + derivation rules | {ours_load:.0f} | "
        f"{ratio(ours_load, parser_only)} |"
    )
    print(
        f"| native: bulk_load + the same rules | {native_load:.0f} | "
        f"{ratio(native_load, parser_only)} |"
    )
    if rdflib_load is not None:
        print(
            f"| rdflib: `graph.dataset.load.load()` (parse, checks, rules) | {rdflib_load:.0f} | "
            f"{ratio(rdflib_load, parser_only)} |"
        )
    print()

    header = "| query | rows | ours first call | ours | native | ours / native |"
    rule = "|---|---:|---:|---:|---:|---:|"
    reference = Virtuoso(store) if virtuoso else None
    if reference is not None:
        header += " virtuoso | ours / virtuoso |"
        rule += "---:|---:|"
    try:
        _bench_queries(folder, runs, only, store, loaded, with_rdflib, reference, header, rule)
    finally:
        if reference is not None:
            reference.stop()


def _bench_queries(folder, runs, only, store, loaded, with_rdflib, reference, header, rule):
    if with_rdflib:
        header += " rdflib | rdflib / native |"
        rule += "---:|---:|"
    print(header)
    print(rule)
    run_query("counts", data_dir=folder)  # the store is loaded once, as in a session
    ratios = []
    for entry in list_queries():
        if only and entry.name not in only:
            continue
        # The first call prepares the query: nothing of it cached yet but the store.
        for cached in (
            safety.check_query,
            prepare._prepared,
            sparql_text.where_groups,
            answer._describe_select,
            engines._undeclared,
        ):
            cached.cache_clear()
        oxigraph_data(folder).bound.clear()
        start = time.perf_counter()
        result = run_query(entry.name, data_dir=folder)
        first = (time.perf_counter() - start) * 1000
        text = result.query
        size_of = (
            len(result.rows or result.triples) if result.kind != "ask" else int(result.boolean)
        )
        actions = [
            lambda e=entry: run_query(e.name, data_dir=folder),
            lambda t=text: read_all(store.query(t)),
        ]
        count = size_of
        if reference is not None:
            count = reference.count(text, result.kind)
            if count == size_of:
                actions.append(lambda t=text, k=result.kind: reference.count(t, k))
        (ours, native, *theirs) = timed_together(actions, runs)
        line = (
            f"| {entry.name} | {size_of} | {first:.1f} | {ours.cell} | {native.cell} | "
            f"{ours.ratio(native)} |"
        )
        ratios.append(
            statistics.median(a / b for a, b in zip(ours.times, native.times, strict=True))
        )
        if reference is not None:
            if theirs:
                line += f" {theirs[0].cell} | {ours.ratio(theirs[0])} |"
            else:
                line += f" {count} rows | |"
        if with_rdflib:
            slow, _ = timed(
                lambda t=text: rdflib_read_all(loaded.graph.query(t)), max(1, min(runs, 3))
            )
            line += f" {slow:.1f} | {slow / native.median:.0f} |"
        print(line)
        sys.stdout.flush()
    if ratios:
        within = sum(1 for r in ratios if r <= 1.5)
        print(
            f"\nours / native: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}; "
            f"{within} of {len(ratios)} within 1.5x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=gen_synthetic.SIZES)
    parser.add_argument("--runs", type=int, default=5, help="runs per measure (median)")
    parser.add_argument(
        "--rdflib-max",
        type=int,
        default=10_000,
        help="largest size on which rdflib runs (default 10000; 100000 adds ~6 minutes)",
    )
    parser.add_argument("--data", type=Path, default=Path("build/bench"))
    parser.add_argument("--queries", nargs="*", default=[], help="only these catalogue queries")
    parser.add_argument(
        "--virtuoso",
        action="store_true",
        help="Virtuoso 7 as a reference too (Debian's virtuoso-opensource, on 127.0.0.1)",
    )
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print(f"Command: python scripts/bench_queries.py {' '.join(sys.argv[1:])}".rstrip())
    for size in args.sizes:
        folder = args.data / f"{size}"
        if not any(folder.glob("*.ttl")):
            gen_synthetic.write(size, folder)
        bench_size(size, folder, args.runs, args.rdflib_max, set(args.queries), args.virtuoso)


if __name__ == "__main__":
    main()
