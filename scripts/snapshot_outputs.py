"""Record every output the tool makes on the shipped data, to compare two versions byte for byte.

A change that should not change behaviour (moving modules, merging copies) is checked by
running this before and after and comparing the two folders:

    PYTHONHASHSEED=0 python scripts/snapshot_outputs.py /tmp/before
    ... change ...
    PYTHONHASHSEED=0 python scripts/snapshot_outputs.py /tmp/after
    diff -r /tmp/before /tmp/after && echo identical

It records: `build`; every `export` format; every catalogue query in every format it
accepts, on both embedded engines, with its parameters' defaults; `render` (whole graph,
focus, geo layout, a CONSTRUCT query, three languages); `stats`, `validate`, `path`,
`queries`; and the server's pages and answers (home, catalogue, entity pages, network,
graph, ontology, VoID, SPARQL in each result format). Everything runs in-process through
the command line (click's runner) and the server's ASGI app, so the files are what a
user gets. A fixed PYTHONHASHSEED keeps rdflib's JSON-LD of a DESCRIBE in one order (its
order otherwise follows Python's string hashing).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from click.testing import CliRunner

SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "xml")
EXPORT_FORMATS = (
    "turtle",
    "ntriples",
    "jsonld",
    "trig",
    "nquads",
    "xml",
    "graphml",
    "gexf",
    "nodelink",
    "csv",
)


def _cli(out: Path, name: str, args: list[str]) -> None:
    from graph.cli import cli

    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    # The folder's own name is left out, so that two snapshots compare equal.
    text = f"exit {result.exit_code}\n--- stdout\n{result.stdout}".replace(str(out.parent), "<out>")
    (out / f"{name}.txt").write_text(text, encoding="utf-8")


def _query_kind(text: str) -> str:
    from graph.sparql.safety import check_query

    return check_query(text).form.upper()


def record_cli(out: Path) -> None:
    from graph.sparql.catalogue import list_queries

    cli = out / "cli"
    cli.mkdir(parents=True)
    build = out / "build"
    _cli(cli, "build", ["build", "--out", str(build)])
    for fmt in EXPORT_FORMATS:
        suffix = "csv" if fmt == "csv" else fmt
        _cli(cli, f"export-{fmt}", ["export", "--format", fmt, "-o", str(out / f"export.{suffix}")])
    for name, args in {
        "stats": ["stats"],
        "validate": ["validate"],
        "queries": ["queries"],
        "path": ["path", "rcju", "quebec"],
        "path-labels": ["path", "FICD", "Vallée d'Aoste"],
    }.items():
        _cli(cli, name, args)
    for entry in list_queries():
        form = _query_kind(entry.text)
        formats = SELECT_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS
        for engine in ("oxigraph", "rdflib"):
            for fmt in formats:
                _cli(
                    cli,
                    f"query-{entry.name}-{engine}-{fmt}",
                    ["query", entry.name, "--engine", engine, "--format", fmt],
                )
        _cli(cli, f"query-{entry.name}-en", ["query", entry.name, "--lang", "en"])
    pages = out / "render"
    pages.mkdir()
    for name, args in {
        "whole": [],
        "whole-en": ["--lang", "en"],
        "whole-de": ["--lang", "de"],
        "focus": ["--focus", "Vallée d'Aoste", "--depth", "2"],
        "geo": ["--layout", "geo"],
        "network-query": ["--query", "network"],
    }.items():
        _cli(cli, f"render-{name}", ["render", "-o", str(pages / f"{name}.html"), *args])


def record_server(out: Path) -> None:
    from starlette.testclient import TestClient

    from graph.server.app import ServerConfig, create_app

    server = out / "server"
    server.mkdir()
    sparql = (
        "SELECT ?p ?l WHERE { id:rcju jc:cooperatesWith ?p . ?p skos:prefLabel ?l } ORDER BY ?p ?l"
    )
    construct = "CONSTRUCT { id:rcju ?p ?o } WHERE { id:rcju ?p ?o }"
    requests = {
        "home": ("/", {}),
        "home-en": ("/", {"Accept-Language": "en"}),
        "queries": ("/queries", {}),
        "queries-json": ("/queries", {"Accept": "application/json"}),
        "query-counts": ("/queries/counts", {}),
        "query-partners": ("/queries/partners-by-axis?lang=en", {"Accept": "text/csv"}),
        "entity-rcju": ("/id/rcju", {}),
        "entity-rcju-en": ("/id/rcju", {"Accept-Language": "en"}),
        "entity-rcju-ttl": ("/id/rcju", {"Accept": "text/turtle"}),
        "entity-ficd": ("/id/ficd", {}),
        "network": ("/network?name=network&lang=en", {}),
        "graph": ("/graph", {}),
        "ontology": ("/ontology", {}),
        "void": ("/.well-known/void", {}),
        "completions": ("/completions?prefix=jc:coop", {}),
        "sparql-description": ("/sparql", {"Accept": "text/turtle"}),
    }
    for fmt, accept in {
        "json": "application/sparql-results+json",
        "xml": "application/sparql-results+xml",
        "csv": "text/csv",
        "tsv": "text/tab-separated-values",
    }.items():
        requests[f"sparql-select-{fmt}"] = ("/sparql", {"Accept": accept, "_query": sparql})
    for fmt, accept in {"turtle": "text/turtle", "ntriples": "application/n-triples"}.items():
        requests[f"sparql-construct-{fmt}"] = ("/sparql", {"Accept": accept, "_query": construct})
    config = ServerConfig(max_concurrency=1, spare_workers=0)
    with TestClient(create_app(config)) as client:
        for name, (url, headers) in requests.items():
            headers = dict(headers)
            query = headers.pop("_query", None)
            params = {"query": query} if query else None
            response = client.get(url, headers=headers, params=params)
            head = [f"status {response.status_code}"] + [
                f"{k}: {v}" for k, v in sorted(response.headers.items()) if k != "date"
            ]
            (server / f"{name}.txt").write_bytes(
                "\n".join(head).encode() + b"\n---\n" + response.content
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (replaced)")
    parser.add_argument("--no-server", action="store_true", help="leave out the server")
    args = parser.parse_args(argv)
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    record_cli(args.out)
    if not args.no_server:
        record_server(args.out)
    count = sum(1 for p in args.out.rglob("*") if p.is_file())
    print(f"{count} files in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
