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

Then the load: ours (each file bulk-loaded into a new store, then the derivation rules)
against pyoxigraph's own parser and loader on the same files (``Store.bulk_load``), and
rdflib's ``graph.dataset.load.load()`` (which also checks the data) up to ``--rdflib-max``.

Medians of ``--runs`` runs, in milliseconds, and ratios to native pyoxigraph measured in the
same process. Prints Markdown. Usage:

    python scripts/bench_queries.py                            # 1e3 1e4 1e5 1e6, ~8 min
    python scripts/bench_queries.py --sizes 100000 --rdflib-max 100000   # rdflib at 1e5
    python scripts/bench_queries.py --sizes 1000 10000 --runs 3
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
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
from graph.sparql.query import run_query  # noqa: E402
from graph.sparql.store import OxigraphData, add_inferred  # noqa: E402


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


def bench_size(size: int, folder: Path, runs: int, rdflib_max: int, only: set[str]) -> None:
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
        start = time.perf_counter()
        result = run_query(entry.name, data_dir=folder)
        first = (time.perf_counter() - start) * 1000
        ours, result = timed(lambda e=entry: run_query(e.name, data_dir=folder), runs)
        text = result.query
        native, _ = timed(lambda t=text: read_all(store.query(t)), runs)
        size_of = len(result.rows or result.triples) if result.kind != "ask" else 1
        line = (
            f"| {entry.name} | {size_of} | {first:.1f} | {ours:.2f} | {native:.2f} | "
            f"{ours / native:.2f} |"
        )
        ratios.append(ours / native)
        if with_rdflib:
            slow, _ = timed(
                lambda t=text: rdflib_read_all(loaded.graph.query(t)), max(1, min(runs, 3))
            )
            line += f" {slow:.1f} | {slow / native:.0f} |"
        print(line)
        sys.stdout.flush()
    if ratios:
        print(f"\nours / native: median {statistics.median(ratios):.2f}, max {max(ratios):.2f}")


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
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print(f"Command: python scripts/bench_queries.py {' '.join(sys.argv[1:])}".rstrip())
    for size in args.sizes:
        folder = args.data / f"{size}"
        if not any(folder.glob("*.ttl")):
            gen_synthetic.write(size, folder)
        bench_size(size, folder, args.runs, args.rdflib_max, set(args.queries))


if __name__ == "__main__":
    main()
