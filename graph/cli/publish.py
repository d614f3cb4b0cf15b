"""``coopgraph push``: load the validated dataset into a triple store (Graph Store Protocol)."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli import SECONDS, data_option
from graph.dataset.load import load
from graph.dataset.validate import validate
from graph.errors import ValidationError
from graph.publish.push import CONTENT_TYPES, push, target_url


@click.command("push")
@click.option(
    "--store",
    "store_url",
    required=True,
    metavar="URL",
    help="Graph Store endpoint, e.g. http://127.0.0.1:3030/ds/data (Fuseki) or "
    "http://127.0.0.1:8890/sparql-graph-crud-auth (Virtuoso).",
)
@click.option(
    "--graph",
    "graph_iri",
    metavar="IRI",
    default=None,
    help="Graph to replace (added as ?graph=IRI); default: the store's default graph.",
)
@click.option(
    "--user", envvar="COOPGRAPH_STORE_USER", default=None, help="User for Basic or Digest auth."
)
@click.option(
    "--password",
    envvar="COOPGRAPH_STORE_PASSWORD",
    default=None,
    help="Password (better: the COOPGRAPH_STORE_PASSWORD variable, or leave it out and type "
    "it when asked, so it stays out of the shell history).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(CONTENT_TYPES)),
    default="turtle",
    show_default=True,
    help="Syntax sent to the store.",
)
@click.option(
    "--timeout",
    type=SECONDS,
    default=60.0,
    show_default=True,
    help="Seconds for the whole exchange with the store, sending the graph included.",
)
@data_option
def push_command(
    store_url: str,
    graph_iri: str | None,
    user: str | None,
    password: str | None,
    fmt: str,
    timeout: float,
    data_dir: Path | None,
) -> None:
    """Validate the graph, then replace a graph of a triple store with it.

    Sends one HTTP PUT (SPARQL 1.1 Graph Store Protocol) of the whole graph: ontology,
    data and derived edges. Pushing again replaces the graph, it never adds a copy. A URL
    that already names its graph (graph=, graph-uri=, default) is used as given. Nothing is
    sent if the graph does not conform. Exit status: 0 pushed, 1 not valid, 2 data not
    loaded or the URL not valid, 4 the store refused or could not be reached in time.

    \b
    Example:
        coopgraph push --store http://127.0.0.1:3030/ds/data
        coopgraph push --store http://127.0.0.1:8890/sparql-graph-crud-auth \\
            --graph https://w3id.org/jura-coop/graph/ --user dba
        coopgraph query --endpoint http://127.0.0.1:8890/sparql
    """
    target_url(store_url, graph_iri)  # a bad URL fails now, not after validating the data
    if user is not None and password is None:
        password = click.prompt(f"Password for {user}", hide_input=True, err=True)
    loaded = load(data_dir)
    report = validate(loaded)
    if not report.conforms:
        raise ValidationError(report)
    result = push(
        loaded,
        store_url,
        graph_iri=graph_iri,
        user=user,
        password=password,
        fmt=fmt,
        timeout=timeout,
    )
    target = f"graph <{result.graph_iri}>" if result.graph_iri else "the default graph"
    click.echo(
        f"pushed {result.triples} triples ({result.bytes_sent} bytes of {fmt}) "
        f"to {target} of {store_url} (HTTP {result.status})"
    )
