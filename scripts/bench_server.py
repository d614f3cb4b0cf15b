#!/usr/bin/env python3
"""Benchmark ``coopgraph serve`` against the servers people would pick instead, on the same
data and the same queries.

The servers, each in its own processes on 127.0.0.1 on this machine (``--servers``):

- ``coopgraph``: ``coopgraph serve`` on the data folder (``--data``, default: the shipped data);
- ``oxigraph``: Oxigraph's own server (``oxigraph serve-read-only``, from the ``oxigraph``
  package on PyPI), its store loaded beforehand with ``oxigraph load`` and compacted with
  ``oxigraph optimize``;
- ``virtuoso``: Virtuoso Open Source 7 (Debian's ``virtuoso-opensource``), its own database
  and ini in a temporary folder, loopback ports, the data bulk-loaded with ``ld_dir`` into one
  graph, queried with ``default-graph-uri``;
- ``rdflib-endpoint`` and ``rdflib-endpoint-oxigraph`` (its ``--store Oxigraph``).

Every server but ours gets the same N-Triples dump: our export of the data folder (ontology,
data and derived edges), which is what ``coopgraph serve`` itself loads. For each catalogue
query (its default parameters bound, the prefixes it uses declared, the same bytes to every
server) every server must first answer the same number of rows (a check, not a benchmark).
Then, for 1, 8 and 32 concurrent clients, each server is loaded for ``--seconds`` per point,
and the whole is repeated ``--rounds`` times, the servers taking turns point by point so that
the noise of a busy machine falls on all of them alike. Reported: the median requests per
second with the min-max over rounds, the CPU time the server's processes spent per request
(from /proc, the server and all its child processes), and the ratio of ``coopgraph serve``'s
throughput to each other server's (median of the per-round ratios, min-max). The load comes
from this process (asyncio, one keep-alive connection per client, raw HTTP/1.1 GET with the
query in the URL, so that the client costs little).

rdflib-endpoint is not a dependency of the project: install it for the benchmark only,
best in its own virtual environment, and pass that interpreter with --rdflib-endpoint::

    python -m venv /tmp/rdflib-endpoint
    /tmp/rdflib-endpoint/bin/pip install 'rdflib-endpoint[cli]' oxrdflib
    python scripts/bench_server.py --rdflib-endpoint /tmp/rdflib-endpoint/bin/python \\
        --servers coopgraph,oxigraph,virtuoso,rdflib-endpoint

``--startup-triples N`` also measures how long one worker of ``coopgraph serve`` takes to
start on about N synthetic triples. The report is Markdown, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.dataset.export import serialize  # noqa: E402
from graph.dataset.load import load  # noqa: E402
from graph.rdf.vocab import PREFIXES  # noqa: E402
from graph.sparql.engines import with_prefixes  # noqa: E402
from graph.sparql.query import run_query  # noqa: E402
from tests.helpers.virtuoso import DEBIAN_INI, virtuoso_ini  # noqa: E402

ACCEPT = "application/sparql-results+json"
OURS = "coopgraph serve"
LABELS = {
    "coopgraph": OURS,
    "oxigraph": "oxigraph serve-read-only",
    "virtuoso": "Virtuoso 7",
    "rdflib-endpoint": "rdflib-endpoint",
    "rdflib-endpoint-oxigraph": "rdflib-endpoint --store Oxigraph",
}
#: The graph Virtuoso holds the data in, and the only one its queries see.
GRAPH = "https://w3id.org/jura-coop/graph/"


# --- the servers ----------------------------------------------------------------------------


class Server:
    """One server process (and its children), started in its own session.

    ``query_path`` is the request path up to the URL-encoded query text, e.g.
    ``/sparql?query=``; ``url`` is None for ``coopgraph serve``, which prints its address.
    """

    def __init__(
        self,
        key: str,
        command: list[str],
        url: str | None,
        query_path: str,
        env=None,
        cwd: Path = REPO,
        stop_signal: int = signal.SIGINT,
    ) -> None:
        self.key, self.name = key, LABELS[key]
        self.query_path = query_path
        self.stop_signal = stop_signal
        # Only our server's first line is read; anything else would fill an unread pipe
        # (rdflib-endpoint logs every request to stdout) and freeze the server.
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if url is None else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            if url is None:  # coopgraph serve prints its address, then nothing more
                line = self.process.stdout.readline()
                if not line.startswith("Serving the graph at "):
                    raise SystemExit(f"{self.name} did not start: {line!r}")
                url = line.split()[4]
            host_port = url.split("//", 1)[1].split("/", 1)[0]
            self.host, port = host_port.rsplit(":", 1)
            self.port = int(port)
            self._wait()
        except BaseException:
            self.stop()
            raise

    def url(self, query: str) -> str:
        return f"http://{self.host}:{self.port}{self.query_path}{query}"

    def _wait(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start (exit {self.process.returncode})")
            try:
                opener.open(self.url(quote("ASK {}")), timeout=5).read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within 600 s")

    def cpu_seconds(self) -> float:
        """CPU time (user and system) of the server process and all its descendants."""
        tick = os.sysconf("SC_CLK_TCK")
        parents, times = {}, {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            parents[int(entry)] = int(fields[1])
            times[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
        family, total = {self.process.pid}, 0.0
        grew = True
        while grew:
            grew = False
            for pid, parent in parents.items():
                if parent in family and pid not in family:
                    family.add(pid)
                    grew = True
        for pid in family:
            total += times.get(pid, 0.0)
        return total

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_coopgraph(data_dir: Path | None, workers: int | None, env) -> Server:
    command = [sys.executable, "-m", "graph", "serve", "--port", "0", "--max-queue", "256"]
    if data_dir is not None:
        command += ["--data", str(data_dir)]
    if workers:
        command += ["--workers", str(workers)]
    return Server("coopgraph", command, None, "/sparql?query=", env)


def start_oxigraph(dump: Path, folder: Path, env) -> Server:
    oxigraph = shutil.which("oxigraph")
    if oxigraph is None:
        raise SystemExit("oxigraph is not installed: pip install oxigraph")
    store = folder / "oxigraph"
    subprocess.run(
        [oxigraph, "load", "--location", str(store), "--file", str(dump)],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    # What `oxigraph load` advises before a read-heavy workload: compact the store.
    subprocess.run(
        [oxigraph, "optimize", "--location", str(store)],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    command = [oxigraph, "serve-read-only", "--location", str(store)]
    command += ["--bind", f"127.0.0.1:{port}"]
    return Server("oxigraph", command, f"http://127.0.0.1:{port}/", "/query?query=", env)


def start_rdflib(key: str, python: str, dump: Path, env) -> Server:
    port = free_port()
    command = [python, "-m", "rdflib_endpoint", "serve", str(dump)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if key == "rdflib-endpoint-oxigraph":
        command += ["--store", "Oxigraph"]
    return Server(key, command, f"http://127.0.0.1:{port}/", "/?query=", env)


def _isql(sql_port: int, password: str, statements: str) -> str:
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{sql_port}", "dba", password, f"exec={statements}"],
        capture_output=True,
        text=True,
        timeout=1800,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise SystemExit(f"isql-vt failed on {statements!r}:\n{done.stdout}{done.stderr}")
    return done.stdout


def start_virtuoso(dump: Path, folder: Path, env) -> Server:
    if shutil.which("virtuoso-t") is None or not DEBIAN_INI.exists():
        raise SystemExit("Virtuoso is not installed: apt-get install -y virtuoso-opensource")
    folder = folder / "virtuoso"
    folder.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = virtuoso_ini(folder, sql_port, http_port, [dump.parent])
    query_path = f"/sparql?default-graph-uri={quote(GRAPH, safe='')}&query="
    server = Server(
        "virtuoso",
        ["virtuoso-t", "+foreground", "+configfile", str(ini)],
        f"http://127.0.0.1:{http_port}/",
        query_path,
        env,
        cwd=folder,
        stop_signal=signal.SIGTERM,
    )
    try:
        password = "P" + secrets.token_hex(12)  # a letter first: SET PASSWORD takes a name
        _isql(sql_port, "dba", f"SET PASSWORD dba {password};")
        _isql(
            sql_port,
            password,
            f"ld_dir('{dump.parent}', '{dump.name}', '{GRAPH}'); rdf_loader_run(); checkpoint;",
        )
    except BaseException:
        server.stop()
        raise
    return server


# --- the load -------------------------------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, body, headers.get("connection", "").lower() == "close"


async def hammer(server: Server, query: str, clients: int, seconds: float) -> dict:
    """``clients`` keep-alive clients sending the query one request after another until
    ``seconds`` have passed (requests under way then are finished and counted)."""
    path = server.url(query).split(str(server.port), 1)[1]
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\nAccept: {ACCEPT}\r\n\r\n"
    ).encode("ascii")
    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.perf_counter() + seconds

    async def client() -> None:
        reader, writer = await asyncio.open_connection(server.host, server.port)
        while time.perf_counter() < stop_at:
            start = time.perf_counter()
            try:
                writer.write(request)
                status, _, close = await _read_response(reader)
                if status != 200:
                    errors.append(str(status))
            except (OSError, asyncio.IncompleteReadError) as error:
                errors.append(repr(error))
                close = True
            latencies.append(time.perf_counter() - start)
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection(server.host, server.port)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


def measure(server: Server, query: str, clients: int, seconds: float) -> dict:
    """One point, with the CPU time the server's processes spent per request."""
    cpu = server.cpu_seconds()
    result = asyncio.run(hammer(server, query, clients, seconds))
    result["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(1, result["requests"])
    return result


def rows(server: Server, query: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(server.url(query), headers={"Accept": ACCEPT})
    try:
        with opener.open(request, timeout=600) as response:
            return len(json.load(response)["results"]["bindings"])
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")[:500]
        raise SystemExit(f"{server.name} answered {error.code}: {body}") from None


# --- start-up of one worker -----------------------------------------------------------------


def synthetic(folder: Path, triples: int) -> None:
    """About ``triples`` triples of organisations with labels, kinds and memberships."""
    random.seed(1)
    count = max(1, triples // 9)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in PREFIXES.items()]
    for i in range(count):
        others = " , ".join(f"id:s{random.randrange(count)}" for _ in range(3))
        lines.append(
            f"id:s{i} a cv:PublicOrganisation , org:FormalOrganization ; skos:prefLabel "
            f'"Entité {i}"@fr , "Entity {i}"@en ; skos:altLabel "E{i}"@fr ; '
            f"org:classification concept:canton ; org:memberOf {others} ."
        )
    (folder / "synthetic.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def startup(data_dir: Path | None) -> tuple[float, int]:
    from graph.server.tasks import SparqlTask
    from graph.workers.pool import WorkerPool

    async def measure() -> tuple[float, int]:
        pool = WorkerPool(handler="graph.server.tasks", data_dir=data_dir, size=1)
        started = time.perf_counter()
        await pool.start()
        elapsed = time.perf_counter() - started
        reply = await pool.run(
            SparqlTask("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", accept="text/csv"), 300
        )
        await pool.close()
        return elapsed, int(reply.body.split()[1])

    return asyncio.run(measure())


# --- main -----------------------------------------------------------------------------------


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--servers",
        default="coopgraph,oxigraph,virtuoso",
        help=f"servers to measure, comma-separated, among {', '.join(LABELS)} "
        "(coopgraph always runs: the others are compared with it)",
    )
    parser.add_argument(
        "--data", type=Path, default=None, help="data folder (default: the shipped data)"
    )
    parser.add_argument(
        "--queries",
        default="partners-by-axis,counts,source-excerpts",
        help="catalogue queries to run, comma-separated (default: a lookup of the canton's "
        "partners, the dashboard's counts, and the sources of one relation)",
    )
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels")
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each point")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every point")
    parser.add_argument("--workers", type=int, default=None, help="coopgraph serve --workers")
    parser.add_argument(
        "--rdflib-endpoint",
        default=sys.executable,
        metavar="PYTHON",
        help="interpreter with rdflib-endpoint installed",
    )
    parser.add_argument(
        "--startup-triples",
        type=int,
        default=0,
        help="also time one worker's start on about this many triples (0: no)",
    )
    args = parser.parse_args()
    args.servers = ["coopgraph"] + [
        s.strip() for s in args.servers.split(",") if s.strip() and s.strip() != "coopgraph"
    ]
    unknown = set(args.servers) - set(LABELS)
    if unknown:
        parser.error(f"unknown servers: {', '.join(sorted(unknown))}")
    args.clients = [int(c) for c in args.clients.split(",")]
    args.queries = [n.strip() for n in args.queries.split(",") if n.strip()]
    return args


def start(key: str, args, dump: Path, folder: Path, env) -> Server:
    print(f"starting {LABELS[key]} ...", file=sys.stderr)
    started = time.perf_counter()
    if key == "coopgraph":
        server = start_coopgraph(args.data, args.workers, env)
    elif key == "oxigraph":
        server = start_oxigraph(dump, folder, env)
    elif key == "virtuoso":
        server = start_virtuoso(dump, folder, env)
    else:
        server = start_rdflib(key, args.rdflib_endpoint, dump, env)
    print(f"  ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return server


def check_rows(servers: list[Server], queries: dict[str, str]) -> dict[str, int]:
    """The number of rows of each query, the same on every server (or stop)."""
    expected = {}
    for name, query in queries.items():
        counts = {server.name: rows(server, query) for server in servers}
        if len(set(counts.values())) != 1:
            raise SystemExit(f"the servers disagree on the rows of {name}: {counts}")
        expected[name] = counts[OURS]
    return expected


def run(servers: list[Server], queries: dict[str, str], args) -> list[dict]:
    """Every point of every round; the servers take turns at each point."""
    for server in servers:  # warm up: caches, connections, lazily started threads
        for query in queries.values():
            asyncio.run(hammer(server, query, min(8, max(args.clients)), 0.5))
    results = []
    for round_ in range(1, args.rounds + 1):
        for query_name, query in queries.items():
            for clients in args.clients:
                for server in servers:
                    result = measure(server, query, clients, args.seconds)
                    result.update(
                        server=server.name, query=query_name, clients=clients, round=round_
                    )
                    results.append(result)
                    print(
                        f"  round {round_} {query_name} {clients:>3} clients {server.name}: "
                        f"{result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  "
                        f"p99 {result['p99']:7.1f} ms  CPU {result['cpu_ms']:.2f} ms/req  "
                        f"errors {result['errors']} {' '.join(result['error_kinds'])[:200]}",
                        file=sys.stderr,
                    )
    return results


def main() -> None:
    args = arguments()
    # The text that ran, parameters bound, as every server will receive it.
    queries = {name: quote(with_prefixes(run_query(name).query), safe="") for name in args.queries}
    env = {**os.environ, "PYTHONPATH": str(REPO), "no_proxy": "127.0.0.1"}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "dump").mkdir()
        dump = folder / "dump" / "jura-coop.nt"
        loaded = load(args.data)
        dump.write_bytes(serialize(loaded, "ntriples"))  # ontology, data and derived edges
        triples = sum(1 for line in dump.read_bytes().splitlines() if line.strip())
        servers: list[Server] = []
        try:
            for key in args.servers:
                servers.append(start(key, args, dump, folder, env))
            expected = check_rows(servers, queries)
            print(f"rows: {expected}", file=sys.stderr)
            results = run(servers, queries, args)
        finally:
            for server in servers:
                server.stop()
    load_after = os.getloadavg()

    startup_rows = []
    if args.startup_triples:
        startup_rows.append(("shipped data", *startup(None)))
        with tempfile.TemporaryDirectory() as tmp:
            synthetic(Path(tmp), args.startup_triples)
            startup_rows.append(("synthetic", *startup(Path(tmp))))

    header(args, triples, load_before, load_after)
    report(expected, results, [LABELS[k] for k in args.servers])
    for label, seconds, count in startup_rows:
        print(
            f"One worker starts (imports, loads, derives) in {seconds:.2f} s on {label} "
            f"({count} triples).  "
        )


def header(args, triples: int, load_before, load_after) -> None:
    import importlib.metadata as metadata

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    print(
        f"Machine: {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"pyoxigraph {version('pyoxigraph')}, oxigraph {version('oxigraph')}, "
        f"starlette {version('starlette')}, uvicorn {version('uvicorn')}.  "
    )
    print(
        f"Data: {args.data or 'shipped data'}, {triples} triples (N-Triples dump).  "
        f"{args.rounds} rounds of {args.seconds:g} s per point.  "
        f"Load average (1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after.  "
    )
    print(f"GET with the query in the URL, Accept: {ACCEPT}, keep-alive connections.")
    print()


def _spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-" + (
        f"{fmt.format(max(values))})"
    )


def report(expected: dict[str, int], results: list[dict], names: list[str]) -> None:
    def points(server: str, query: str, clients: int) -> list[dict]:
        return sorted(
            (
                r
                for r in results
                if (r["server"], r["query"], r["clients"]) == (server, query, clients)
            ),
            key=lambda r: r["round"],
        )

    levels = list(dict.fromkeys(r["clients"] for r in results))
    print("Requests per second, median (min-max) over the rounds:")
    print()
    print("| query (rows) | clients | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for query in expected:
        for clients in levels:
            cells = []
            for name in names:
                own = points(name, query, clients)
                errors = sum(r["errors"] for r in own)
                cells.append(
                    _spread([r["rps"] for r in own]) + (f", {errors} errors" if errors else "")
                )
            print(f"| {query} ({expected[query]}) | {clients} | " + " | ".join(cells) + " |")
    print()
    print("CPU time of the server's processes per request, ms, median (min-max):")
    print()
    print("| query | clients | " + " | ".join(names) + " |")
    print("|---|---:|" + "---:|" * len(names))
    for query in expected:
        for clients in levels:
            cells = [
                _spread([r["cpu_ms"] for r in points(name, query, clients)], "{:.2f}")
                for name in names
            ]
            print(f"| {query} | {clients} | " + " | ".join(cells) + " |")
    print()
    others = [n for n in names if n != OURS]
    print(
        "Throughput of coopgraph serve divided by each other server's, median of the "
        "per-round ratios (min-max):"
    )
    print()
    print("| query | clients | " + " | ".join(others) + " |")
    print("|---|---:|" + "---:|" * len(others))
    for query in expected:
        for clients in levels:
            ours = points(OURS, query, clients)
            cells = []
            for name in others:
                ratios = [
                    a["rps"] / b["rps"]
                    for a, b in zip(ours, points(name, query, clients), strict=True)
                ]
                cells.append(_spread(ratios, "{:.2f}x") if ratios else "")
            print(f"| {query} | {clients} | " + " | ".join(cells) + " |")
    print()


if __name__ == "__main__":
    main()
