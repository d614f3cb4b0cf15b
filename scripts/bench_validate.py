#!/usr/bin/env python3
"""Benchmark of ``coopgraph validate`` and ``coopgraph build`` against pyoxigraph's own loader.

For each size (the shipped data, then synthetic graphs of our shape from
scripts/gen_synthetic.py), each command runs in a fresh process, as a user runs it:

* reference: ``python -c`` that imports pyoxigraph and bulk-loads the same Turtle files
  (the ontology, the concept schemes and the data) into a new ``Store``;
* validate: ``python -m graph validate --data DIR``;
* build: ``python -m graph build --data DIR --out NEW_FOLDER`` with an empty cache, a clean
  build;
* build again: the same command once more, nothing changed (the build cache at work).

The synthetic graphs do not conform to our shapes (no citation on their source documents,
no French label on some entities, alternative values without a retained one, ISO codes of
four digits past 10^3 territories), and a build that does not conform writes nothing. So
each size is measured on a folder (``<bench-dir>/<size>-conforming``) holding the synthetic
file, its ISO codes shortened, and ``conforming.ttl``, which this script writes: the
missing facts, made by three SPARQL CONSTRUCT queries. Every command reads that folder.

Each command is run ``--rounds`` times; the table gives the median in seconds, the spread
(min-max), the median's ratio to the reference, and the peak resident memory of the
process (``os.wait4``'s rusage). Prints Markdown. Usage:

    python scripts/bench_validate.py                                   # shipped, 1e3 .. 1e6
    python scripts/bench_validate.py --sizes shipped 1000 10000 --rounds 3
    python scripts/bench_validate.py --sizes 100000 --source /tmp/old-checkout  # another tree
    python scripts/bench_validate.py --shacl-engines --raw --sizes 10000 100000  # SHACL engines
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "scripts"))

import gen_synthetic  # noqa: E402
import pyoxigraph as ox  # noqa: E402

from graph import paths  # noqa: E402
from graph.dataset.sources import data_files  # noqa: E402
from graph.rdf.vocab import PREFIXES  # noqa: E402

COMMANDS = ("reference", "validate", "build", "build again")

#: The facts the synthetic graphs lack to conform: CONSTRUCT queries on the synthetic data.
_SOURCE = "https://w3id.org/jura-coop/id/source/bench-retained"
SUPPLEMENT = [
    # A source document cites its reference.
    """CONSTRUCT { ?d dct:bibliographicCitation ?citation }
       WHERE { ?d a foaf:Document FILTER NOT EXISTS { ?d dct:bibliographicCitation ?any }
               BIND(CONCAT("Synthetic document ", STR(?d)) AS ?citation) }""",
    # Every typed entity has a French label.
    """CONSTRUCT { ?e skos:prefLabel ?label }
       WHERE { ?e a ?type
               FILTER(isIRI(?e) && STRSTARTS(STR(?e), "https://w3id.org/jura-coop/id/"))
               FILTER NOT EXISTS { ?e a jc:SourceExcerpt }
               FILTER NOT EXISTS { ?e skos:prefLabel ?fr FILTER(LANG(?fr) = "fr") }
               BIND(STRLANG(STRAFTER(STR(?e), "/id/"), "fr") AS ?label) }""",
    # Where sources disagree, the value kept is a retained value with its own source.
    f"""CONSTRUCT {{
         ?focus jc:retainedValue ?kept .
         ?kept a jc:RetainedValue ; jc:onProperty ?property ; rdf:value ?value ;
               dct:source <{_SOURCE}> ; jc:retentionReason "valeur de la source principale"@fr ;
               skos:prefLabel "valeur retenue"@fr .
         <{_SOURCE}> a foaf:Document ; skos:notation "bench-retained" ;
               dct:bibliographicCitation "Synthetic source of the retained values" ;
               skos:prefLabel "source des valeurs retenues"@fr .
       }} WHERE {{
         {{ SELECT ?focus ?property (SAMPLE(?v) AS ?value) WHERE {{
             ?focus jc:alternativeValue ?alternative . ?alternative jc:onProperty ?property .
             ?focus ?property ?v .
             FILTER NOT EXISTS {{ ?focus jc:retainedValue ?r . ?r jc:onProperty ?property }}
           }} GROUP BY ?focus ?property }}
         BIND(IRI(CONCAT(STR(?focus), "-retained-", MD5(STR(?property)))) AS ?kept)
       }}""",
]


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    failed: str = ""

    def median(self) -> float:
        return statistics.median(self.seconds)


def conforming_folder(size: str, bench: Path) -> Path:
    """The folder every command of ``size`` reads."""
    if size == "shipped":
        return paths.data_dir()
    folder = bench / f"{size}-conforming"
    synthetic = bench / size / "synthetic.ttl"
    if not synthetic.exists():
        count = gen_synthetic.write(int(size), bench / size)
        print(f"{synthetic}: {count} triples", file=sys.stderr)
    if not (folder / "conforming.ttl").exists():
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "synthetic.ttl"
        # Past 10^3 territories the made-up ISO 3166-2 codes get four digits, one more
        # than the shape allows: write the number in base 36 instead.
        text = synthetic.read_text(encoding="utf-8")
        target.write_text(_ISO_CODE.sub(_shorter_code, text), encoding="utf-8")
        store = ox.Store()
        for path in [*paths.ontology_files(), target]:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
        triples = ox.Dataset()
        for query in SUPPLEMENT:
            for triple in store.query(query, prefixes=PREFIXES):
                triples.add(ox.Quad(*triple))
        text = ox.serialize(triples, format=ox.RdfFormat.N_QUADS)
        (folder / "conforming.ttl").write_bytes(text)
    return folder


_ISO_CODE = re.compile(r'"([A-Z]{2})-([0-9]{4,})"')


def _shorter_code(match: re.Match[str]) -> str:
    number, digits = int(match.group(2)), ""
    while number:
        number, rest = divmod(number, 36)
        digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[rest] + digits
    return f'"{match.group(1)}-{digits or "0"}"'


def turtle_files(folder: Path) -> list[Path]:
    return [*paths.ontology_files(), *data_files(folder)]


def run(
    argv: list[str], env: dict[str, str], timeout: float, cwd: Path
) -> tuple[float, float, int]:
    """(seconds, peak MiB, exit status) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv,
        env=env,
        cwd=cwd,  # `python -m` puts the working folder first on the path
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            os.wait4(process.pid, 0)
            raise TimeoutError
        time.sleep(0.005)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, process.returncode


def measure_size(size: str, args: argparse.Namespace) -> dict[str, Measure]:
    folder = conforming_folder(size, args.bench_dir)
    files = turtle_files(folder)
    env = {**os.environ, "PYTHONPATH": str(args.source)}
    reference = (
        "import sys, pyoxigraph as ox\n"
        "store = ox.Store()\n"
        "for path in sys.argv[1:]:\n"
        "    store.bulk_load(path=path, format=ox.RdfFormat.TURTLE)\n"
    )
    commands = {
        "reference": [sys.executable, "-c", reference, *map(str, files)],
        "validate": [sys.executable, "-m", "graph", "validate", "--data", str(folder)],
    }
    results = {name: Measure() for name in COMMANDS if name in args.commands}
    for _ in range(args.rounds):
        scratch = Path(tempfile.mkdtemp(prefix="bench-validate-"))
        try:
            cached = {**env, "COOPGRAPH_CACHE_DIR": str(scratch / "cache")}
            build = [sys.executable, "-m", "graph", "build", "--data", str(folder)]
            planned = [
                ("reference", commands["reference"], env),
                ("validate", commands["validate"], env),
                ("build", [*build, "--out", str(scratch / "out")], cached),
                ("build again", [*build, "--out", str(scratch / "out")], cached),
            ]
            for name, argv, environment in planned:
                if name not in results or results[name].failed:
                    continue
                if name == "build again" and "build" in results and results["build"].failed:
                    results[name].failed = "no first build"
                    continue
                try:
                    seconds, peak, status = run(argv, environment, args.timeout, args.source)
                except TimeoutError:
                    results[name].failed = f"> {args.timeout:.0f} s"
                    continue
                if status not in (0, 1) or (name.startswith("build") and status != 0):
                    results[name].failed = f"exit {status}"
                    continue
                results[name].seconds.append(seconds)
                results[name].peak_mib.append(peak)
                print(f"  {size} {name}: {seconds:.2f} s, {peak:.0f} MiB", file=sys.stderr)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return results


def triples(size: str, args: argparse.Namespace) -> int:
    store = ox.Store()
    for path in turtle_files(conforming_folder(size, args.bench_dir)):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return len(store)


def table(all_results: dict[str, dict[str, Measure]], args: argparse.Namespace) -> str:
    header = ["size", "triples loaded"]
    for name in COMMANDS:
        if name in args.commands:
            header.append(f"{name}: s (min-max)")
            if name != "reference":
                header.append(f"{name} / reference")
            header.append(f"{name}: peak MiB")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for size, results in all_results.items():
        row = [size, f"{triples(size, args):,}"]
        reference = results.get("reference")
        for name in COMMANDS:
            if name not in args.commands:
                continue
            measure = results[name]
            if measure.failed or not measure.seconds:
                row += [measure.failed or "-"] + (["-"] if name != "reference" else []) + ["-"]
                continue
            low, high = min(measure.seconds), max(measure.seconds)
            row.append(f"{measure.median():.2f} ({low:.2f}-{high:.2f})")
            if name != "reference":
                ok = reference and reference.seconds
                row.append(f"{measure.median() / reference.median():.1f}x" if ok else "-")
            row.append(f"{max(measure.peak_mib):.0f}")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def shacl_engines(sizes: list[str], args: argparse.Namespace) -> str:
    """The SHACL engines on our shapes, in one process: seconds and number of results.

    Only the shapes (not the checks), on the graph ``graph.dataset.load.load`` made; each engine
    reads what it needs: pySHACL and pyshacl-turbo rdflib's graph, pyrudof the Turtle
    files, ours the Oxigraph store.
    """
    from graph.dataset.load import load, parse_turtle

    shapes = parse_turtle(paths.shapes_path())
    engines = {
        "ours (SPARQL on Oxigraph)": _ours,
        "pySHACL": _pyshacl,
        "pyshacl-turbo": _pyshacl_turbo,
        "pyrudof": _pyrudof,
    }
    rows: dict[str, list[str]] = {name: [] for name in engines}
    for size in sizes:
        folder = conforming_folder(size, args.bench_dir)
        if args.raw and size != "shipped":  # the synthetic graph with its violations
            folder = args.bench_dir / size
        loaded = load(folder)
        assert len(loaded.graph) > 0  # rdflib's graph made once, outside the timings
        for name, engine in engines.items():
            start = time.perf_counter()
            try:
                count = engine(loaded, shapes, folder)
                cell = f"{time.perf_counter() - start:.2f} ({count})"
            except Exception as error:  # a missing package, an engine that gives up
                cell = type(error).__name__
            print(f"  {size} {name}: {cell}", file=sys.stderr)
            rows[name].append(cell)
    lines = [
        "| engine | " + " | ".join(f"{size}: s (results)" for size in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
    ]
    lines += [f"| {name} | " + " | ".join(cells) + " |" for name, cells in rows.items()]
    return "\n".join(lines)


def _ours(loaded, shapes, folder) -> int:
    from graph.dataset.shacl_sparql import compile_shapes, run

    return len(list(run(compile_shapes(shapes), loaded.store)))


def _pyshacl(loaded, shapes, folder, module: str = "pyshacl") -> int:
    from rdflib.namespace import RDF, SH

    validate = __import__(module).validate
    report = validate(
        loaded.graph,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        do_owl_imports=False,
    )[1]
    return len(list(report.subjects(RDF.type, SH.ValidationResult)))


def _pyshacl_turbo(loaded, shapes, folder) -> int:
    return _pyshacl(loaded, shapes, folder, module="pyshacl_turbo")


def _pyrudof(loaded, shapes, folder) -> int:
    import pyrudof

    engine = pyrudof.Rudof(pyrudof.RudofConfig())
    for path in turtle_files(folder):
        engine.read_data(str(path), merge=True)
    engine.read_shacl(str(paths.shapes_path()))
    return len(engine.validate_shacl())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", nargs="+", default=["shipped", "1000", "10000", "100000", "1000000"]
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--commands", nargs="+", default=list(COMMANDS), choices=COMMANDS)
    parser.add_argument("--bench-dir", type=Path, default=REPO / "build" / "bench")
    parser.add_argument(
        "--source", type=Path, default=REPO, help="the source tree whose `graph` package runs"
    )
    parser.add_argument("--timeout", type=float, default=1200, help="seconds per run")
    parser.add_argument(
        "--shacl-engines",
        action="store_true",
        help="compare the SHACL engines on our shapes instead (pySHACL, ours, pyshacl-turbo, "
        "pyrudof: pip install pyshacl-turbo pyrudof)",
    )
    parser.add_argument(
        "--raw", action="store_true", help="with --shacl-engines: the synthetic graphs as written"
    )
    args = parser.parse_args(argv)
    # The commands run in the source tree (``python -m`` reads the package from there).
    args.bench_dir, args.source = args.bench_dir.resolve(), args.source.resolve()
    if args.shacl_engines:
        print(shacl_engines(args.sizes, args))
        return
    results = {}
    for size in args.sizes:
        results[size] = measure_size(size, args)
    print(
        f"Python {platform.python_version()}, pyoxigraph {ox.__version__}, "
        f"{os.cpu_count()} CPUs; {args.rounds} rounds; source: {args.source}\n"
    )
    print(table(results, args))


if __name__ == "__main__":
    main()
