"""``coopgraph query`` and ``coopgraph queries``: SPARQL from the command line.

Imported only when one of them runs (``graph.cli.LAZY_COMMANDS``); nothing here imports
networkx or pyvis, and nothing validates the data.
"""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli import SECONDS, data_option, output_option
from graph.dataset.export import write_atomic
from graph.errors import display_path
from graph.sparql.catalogue import find_query, list_queries
from graph.sparql.engines import ENGINES
from graph.sparql.prepare import prepare_query
from graph.sparql.query import run_query
from graph.sparql.results import ALL_FORMATS, FORMATS, check_format, format_result


def _params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--param")
        params[name.strip()] = text
    return params


@click.command("query")
@click.argument("query", required=False, metavar="NAME|FILE.rq")
@click.option("--sparql", metavar="TEXT", help="The SPARQL query itself, instead of NAME.")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind the parameter NAME (repeatable). An entity is a slug (rcju), a prefixed "
    "name (id:rcju), a full IRI or a label.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(ALL_FORMATS),
    default=None,
    help="SELECT/ASK: table (default), csv, tsv, json, xml. "
    "CONSTRUCT/DESCRIBE: turtle (default), ntriples, jsonld, xml.",
)
@click.option(
    "--lang",
    default=None,
    help="Language of the labels the query selects (falls back to French); for "
    "missing-labels, the language whose gaps are listed. Default: the query's own "
    "(French, German for missing-labels).",
)
@click.option(
    "--iris",
    is_flag=True,
    help="Table: show the IRI columns too (by default the labels stand for them).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="oxigraph",
    show_default=True,
    help="The embedded SPARQL engine.",
)
@click.option("--endpoint", metavar="URL", help="Send the query to this SPARQL 1.1 endpoint.")
@click.option(
    "--timeout",
    type=SECONDS,
    metavar="SECONDS",
    help="Stop the query after this many seconds (exit status 1).",
)
@output_option
@data_option
def query_command(
    query: str | None,
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    lang: str | None,
    iris: bool,
    engine: str,
    endpoint: str | None,
    timeout: float | None,
    output: Path | None,
    data_dir: Path | None,
) -> None:
    """Run a catalogue query (by NAME), a .rq file or a SPARQL text.

    Queries are read-only: SERVICE, LOAD, updates and FROM outside the loaded data are
    refused before anything runs (exit status 2, as for a syntax error); a query that
    fails or times out exits with 1. `coopgraph queries` lists the catalogue.

    The table fits the terminal: labels rather than the IRIs they name (--iris adds
    those), long cells cut with an ellipsis; csv, tsv, json and xml keep every value. A
    term the query names that neither the ontology nor the data uses is warned about on
    standard error, with the closest terms that are used.

    \b
    Example:
        coopgraph query partners-by-axis --lang en
        coopgraph query partners-by-axis --iris
        coopgraph query reachable --param entity=quebec --param steps=2 --format csv
        coopgraph query entity --param entity=id:ficd --format turtle
        coopgraph query my-question.rq --engine rdflib --timeout 30
        coopgraph query --sparql 'SELECT ?p WHERE { id:rcju jc:cooperatesWith ?p }'
        coopgraph query counts --endpoint http://127.0.0.1:7878/query
    """
    if (query is None) == (sparql is None):
        raise click.UsageError("give either a query NAME or FILE.rq, or --sparql TEXT")
    source = Path(query) if query is not None and query.endswith(".rq") else query
    if timeout is not None and endpoint is None:
        # Read and checked in the worker, under the deadline; the format is checked after.
        result = run_query(
            source,
            sparql=sparql,
            params=_params(params),
            lang=lang,
            engine=engine,
            data_dir=data_dir,
            timeout=timeout,
        )
        fmt = check_format(result.kind, fmt)
    else:
        prepared = prepare_query(source, sparql=sparql, params=_params(params), lang=lang)
        fmt = check_format(prepared.info.form, fmt)
        result = run_query(
            prepared, engine=engine, data_dir=data_dir, endpoint=endpoint, timeout=timeout
        )
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    data = format_result(result, fmt, iris=iris)
    if output is None:
        click.get_binary_stream("stdout").write(data)
    else:
        write_atomic(output, data)
        click.echo(f"wrote {display_path(output)}", err=True)


@click.command("queries")
@click.argument("name", required=False)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of the titles.",
)
def queries_command(name: str | None, lang: str) -> None:
    """List the catalogue of named queries: one line each, the name then the title.

    With a NAME, show that query's description, parameters, examples and text.

    \b
    Example:
        coopgraph queries
        coopgraph queries --lang en
        coopgraph queries reachable
    """
    if name is None:
        entries = list_queries()
        width = max((len(e.name) for e in entries), default=0)
        for entry in entries:
            click.echo(f"{entry.name.ljust(width)}  {entry.title_in(lang)}")
        return
    entry = find_query(name)
    click.echo(f"{entry.name}: {entry.title_in(lang)}\n")
    description = entry.description.get(lang) or entry.description.get("fr", "")
    click.echo(click.wrap_text(description, width=88) + "\n")
    if entry.parameters:
        click.echo("Parameters:")
        for parameter in entry.parameters:
            click.echo(
                f"  {parameter.name} [{parameter.type}] = {parameter.default}"
                f" — {parameter.description}"
            )
        click.echo("")
    if entry.examples:
        click.echo("Examples:")
        for example in entry.examples:
            click.echo(f"  {example}")
        click.echo("")
    click.echo(f"Formats: {', '.join(_formats_of(entry.text))}")
    click.echo(f"File: {display_path(entry.path)}")


def _formats_of(text: str) -> tuple[str, ...]:
    return FORMATS[prepare_query(sparql=text).info.form]
