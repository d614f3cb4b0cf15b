#!/usr/bin/env python3
"""Benchmark ``coopgraph serve`` against rdflib-endpoint on the same data and the same queries.

Both servers run on 127.0.0.1 on this machine, each in its own process; the load comes from
this process (asyncio, one keep-alive connection per client, raw HTTP/1.1 so that the client
costs little). For each catalogue query (three by default: its parameters bound, the
prefixes it uses declared, the same bytes to both servers) and for 1, 8 and 32 concurrent
clients, a fixed number of GET requests; reported: requests per second, p50 and p99
latency, errors, and the ratio of throughputs. Before timing, both servers must return the
same number of rows.

rdflib-endpoint is not a dependency of the project: install it for the benchmark only,
best in its own virtual environment, and pass that interpreter with --rdflib-endpoint::

    python -m venv /tmp/rdflib-endpoint
    /tmp/rdflib-endpoint/bin/pip install 'rdflib-endpoint[cli]' oxrdflib
    python scripts/bench_server.py --rdflib-endpoint /tmp/rdflib-endpoint/bin/python

``--store both`` also measures rdflib-endpoint with ``--store Oxigraph`` (oxrdflib), whose
queries run on Oxigraph like ours. ``--startup-triples N`` measures how long one worker of
``coopgraph serve`` takes to start on about N synthetic triples. The report is Markdown, for
docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from graph.dataset.export import serialize  # noqa: E402
from graph.dataset.load import load  # noqa: E402
from graph.rdf import sparql_text  # noqa: E402
from graph.rdf.vocab import PREFIXES  # noqa: E402
from graph.sparql.query import run_query  # noqa: E402

ACCEPT = "application/sparql-results+json"


# --- the servers ----------------------------------------------------------------------------


class Server:
    def __init__(
        self, name: str, command: list[str], url: str | None, endpoint: str, env=None
    ) -> None:
        self.name = name
        #: The path of the SPARQL endpoint: rdflib-endpoint's command serves it at /.
        self.endpoint = endpoint
        # Only our server's first line is read; anything else would fill an unread pipe
        # (rdflib-endpoint logs every request to stdout) and freeze the server.
        self.process = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE if url is None else subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            if url is None:  # coopgraph serve prints its address, then nothing more
                line = self.process.stdout.readline()
                if not line.startswith("Serving the graph at "):
                    raise SystemExit(f"{name} did not start: {line!r}")
                url = line.split()[4]
            self.url = url.rstrip("/") + "/"
            host_port = self.url.split("//", 1)[1].split("/", 1)[0]
            self.host, port = host_port.rsplit(":", 1)
            self.port = int(port)
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self) -> None:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start (exit {self.process.returncode})")
            try:
                opener.open(
                    self.url + self.endpoint + "?query=" + quote("ASK {}"), timeout=5
                ).read()
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer within 120 s")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


async def hammer(server: Server, query: str, clients: int, total: int) -> dict:
    path = f"/{server.endpoint}?query={query}"
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {server.host}:{server.port}\r\nAccept: {ACCEPT}\r\n\r\n"
    ).encode("ascii")
    latencies: list[float] = []
    errors: list[str] = []
    remaining = total

    async def client() -> None:
        nonlocal remaining
        reader, writer = await asyncio.open_connection(server.host, server.port)
        while remaining > 0:
            remaining -= 1
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
        "server": server.name,
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) * 1000,
        "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000,
        "errors": len(errors),
    }


def rows(server: Server, query: str) -> int:
    import json

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    url = f"{server.url}{server.endpoint}?query={query}"
    request = urllib.request.Request(url, headers={"Accept": ACCEPT})
    with opener.open(request, timeout=300) as response:
        return len(json.load(response)["results"]["bindings"])


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


def with_prefixes(text: str) -> str:
    """The text with PREFIX lines for the prefixes of ours it uses without declaring them:
    rdflib-endpoint knows none of them, and each server then parses the same bytes."""
    tokens = list(sparql_text.tokens(text))
    declared = {
        tokens[i + 1].text.split(":")[0]
        for i, t in enumerate(tokens[:-1])
        if t.kind == "word" and t.text.upper() == "PREFIX"
    }
    used = {t.text.split(":")[0] for t in tokens if t.kind == "pname"}
    missing = sorted((used - declared) & set(PREFIXES))
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--queries",
        default="partners-by-axis,source-excerpts,counts",
        help="catalogue queries to run, comma-separated (default: a lookup of the canton's "
        "partners, the sources of one relation, and the dashboard's counts)",
    )
    parser.add_argument(
        "--requests", type=int, default=2000, help="requests per level for coopgraph serve"
    )
    parser.add_argument(
        "--baseline-requests",
        type=int,
        default=100,
        help="requests per level for rdflib-endpoint (it is slower)",
    )
    parser.add_argument("--clients", default="1,8,32", help="concurrency levels")
    parser.add_argument("--workers", type=int, default=None, help="coopgraph serve --workers")
    parser.add_argument(
        "--rdflib-endpoint",
        default=sys.executable,
        metavar="PYTHON",
        help="interpreter with rdflib-endpoint installed",
    )
    parser.add_argument(
        "--store",
        choices=["default", "Oxigraph", "both"],
        default="both",
        help="rdflib-endpoint's store(s) to measure",
    )
    parser.add_argument(
        "--startup-triples",
        type=int,
        default=100_000,
        help="also time one worker's start on about this many triples (0: no)",
    )
    args = parser.parse_args()
    levels = [int(c) for c in args.clients.split(",")]
    names = [n.strip() for n in args.queries.split(",") if n.strip()]
    # The text that ran, parameters bound, as both servers will receive it.
    queries = {name: quote(with_prefixes(run_query(name).query), safe="") for name in names}
    env = {**os.environ, "PYTHONPATH": str(REPO), "no_proxy": "127.0.0.1"}

    results: list[dict] = []
    expected: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "jura-coop.ttl"
        dump.write_bytes(serialize(load(), "turtle"))  # ontology, data and derived edges

        ours_command = [sys.executable, "-m", "graph", "serve", "--port", "0", "--max-queue", "256"]
        if args.workers:
            ours_command += ["--workers", str(args.workers)]
        servers = [("coopgraph serve", ours_command, None, "sparql", args.requests)]
        stores = ["default", "Oxigraph"] if args.store == "both" else [args.store]
        for store in stores:
            port = free_port()
            command = [args.rdflib_endpoint, "-m", "rdflib_endpoint", "serve", str(dump)]
            command += ["--host", "127.0.0.1", "--port", str(port)]
            if store != "default":
                command += ["--store", store]
            name = "rdflib-endpoint" + ("" if store == "default" else f" --store {store}")
            url = f"http://127.0.0.1:{port}/"
            servers.append((name, command, url, "", args.baseline_requests))

        for name, command, url, endpoint, total in servers:
            print(f"starting {name} ...", file=sys.stderr)
            server = Server(name, command, url, endpoint, env)
            try:
                for query_name, query in queries.items():
                    count = rows(server, query)
                    if expected.setdefault(query_name, count) != count:
                        raise SystemExit(
                            f"{name} answered {count} rows to {query_name}, "
                            f"coopgraph serve {expected[query_name]}"
                        )
                    asyncio.run(hammer(server, query, max(levels), max(levels) * 2))  # warm up
                    for clients in levels:
                        result = asyncio.run(hammer(server, query, clients, total))
                        result["query"] = query_name
                        results.append(result)
                        print(
                            f"  {query_name} {clients:>3} clients: {result['rps']:8.1f} req/s  "
                            f"p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
                            f"errors {result['errors']}",
                            file=sys.stderr,
                        )
            finally:
                server.stop()

    startup_rows = []
    if args.startup_triples:
        startup_rows.append(("shipped data", *startup(None)))
        with tempfile.TemporaryDirectory() as tmp:
            synthetic(Path(tmp), args.startup_triples)
            startup_rows.append(("synthetic", *startup(Path(tmp))))

    report(expected, results, startup_rows)


def report(expected: dict[str, int], results: list[dict], startup_rows) -> None:
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
        f"pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}, "
        f"starlette {version('starlette')}, uvicorn {version('uvicorn')}.  "
    )
    print(f"GET with the query in the URL, Accept: {ACCEPT}, keep-alive connections.")
    print()
    print("| query (rows) | server | clients | requests | req/s | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in sorted(results, key=lambda r: list(expected).index(r["query"])):
        print(
            f"| {r['query']} ({expected[r['query']]}) | {r['server']} | {r['clients']} | "
            f"{r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
            f"{r['errors']} |"
        )
    print()
    print("Throughput of coopgraph serve divided by the other server's:")
    print()
    ours = {
        (r["query"], r["clients"]): r["rps"] for r in results if r["server"] == "coopgraph serve"
    }
    for name in dict.fromkeys(r["server"] for r in results if r["server"] != "coopgraph serve"):
        for query in expected:
            ratios = [
                f"{r['clients']} clients {ours[(query, r['clients'])] / r['rps']:.1f}x"
                for r in results
                if r["server"] == name and r["query"] == query
            ]
            print(f"- {query}, over {name}: {', '.join(ratios)}")
    print()
    for label, seconds, triples in startup_rows:
        print(
            f"One worker starts (imports, loads, derives) in {seconds:.2f} s on {label} "
            f"({triples} triples).  "
        )


if __name__ == "__main__":
    main()
