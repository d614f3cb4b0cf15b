"""``coopgraph serve``: the SPARQL endpoint and the Linked Data pages, on loopback by default.

Imported only when it runs (``graph.cli.LAZY_COMMANDS``): starlette and uvicorn are not
loaded by the other commands.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from graph.cli import SECONDS, data_option
from graph.sparql.outbound import is_loopback_host

__all__ = ["serve_command"]


@click.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; anything but loopback opens the endpoint to the network.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: a free one, printed at start).",
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="Longest a query may run; it is then stopped and answered 503. "
    "Clients may ask for less (timeout=), never for more.",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Largest request body or query string (413 beyond).",
)
@click.option(
    "--max-rows",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Most rows (or triples) in one answer; the rest is cut and the cut "
    "announced in the X-Result-Truncated header.",
)
@click.option(
    "--workers",
    "max_concurrency",
    type=click.IntRange(min=1),
    default=None,
    help="Queries evaluated at once, one process each [default: CPUs, 2 to 4].",
)
@click.option(
    "--max-queue",
    type=click.IntRange(min=0),
    default=64,
    show_default=True,
    help="Requests that may wait for a worker; beyond, 503 with Retry-After.",
)
@click.option(
    "--worker-memory",
    type=click.IntRange(min=0),
    default=2048,
    show_default=True,
    metavar="MIB",
    help="Memory limit of each worker process (0: none).",
)
@click.option(
    "--spare-workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Workers loaded and standing by: one takes the place of a killed worker at once.",
)
@click.option(
    "--cors",
    "cors_origin",
    metavar="ORIGIN",
    default=None,
    help="Let pages from ORIGIN (e.g. https://yasgui.example) query the endpoint.",
)
@data_option
def serve_command(
    host: str,
    port: int,
    timeout: float,
    max_body: int,
    max_rows: int,
    max_concurrency: int | None,
    max_queue: int,
    worker_memory: int,
    spare_workers: int,
    cors_origin: str | None,
    data_dir: Path | None,
) -> None:
    """Serve the graph: a SPARQL 1.1 endpoint at /sparql, a page for every entity at
    /id/..., the query page at /, the graph at /graph, the ontology at /ontology and the
    dataset description at /.well-known/void. Read-only; stop it with Ctrl-C.

    \b
    Example:
        coopgraph serve
        coopgraph serve --port 8080 --timeout 10 --data my-data/
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' \\
            http://127.0.0.1:8000/sparql
    """
    from graph.server.app import ServerConfig, serve

    options = dict(
        host=host,
        port=port,
        timeout=timeout,
        max_body=max_body,
        max_rows=max_rows,
        max_queue=max_queue,
        worker_memory=worker_memory,
        spare_workers=spare_workers,
        cors_origin=cors_origin,
        data_dir=data_dir,
    )
    if max_concurrency is not None:
        options["max_concurrency"] = max_concurrency
    config = ServerConfig(**options)
    if not is_loopback_host(host):
        click.echo(f"Warning: listening on {host}: other machines can query this server.", err=True)

    def ready(url: str) -> None:
        click.echo(f"Serving the graph at {url} (SPARQL endpoint: {url}sparql)")
        click.echo(
            f"{config.max_concurrency} query workers and {spare_workers} standing by, "
            f"{timeout:g} s per query. "
            "Press Ctrl-C to stop."
        )

    try:
        asyncio.run(serve(config, ready=ready))
    except KeyboardInterrupt:
        pass
