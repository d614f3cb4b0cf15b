"""The ``coopgraph`` command line (also ``python -m graph``): a thin layer over the library.

Each command parses its options, calls one library function and prints the result. Library
errors become ``Error: ...`` plus a hint on stderr, with the error's exit code and no
traceback.

Adding a command: write it in its own module as a ``click.Command`` and name it in
``LAZY_COMMANDS``. It is imported only when run, so a command with heavy imports
(networkx, pyvis) does not slow the others down, and the other commands need no change.
"""

from __future__ import annotations

import importlib
import math
from pathlib import Path
from typing import Any

import click

from graph.dataset.export import FORMATS, serialize, write_atomic
from graph.dataset.load import load
from graph.dataset.validate import validate
from graph.errors import CoopGraphError, display_path
from graph.network.convert import NETWORK_FORMATS
from graph.network.stats import HUB_KINDS, most_central, stats
from graph.publish.build import build

#: Command name -> "module:attribute" of a click command defined elsewhere.
LAZY_COMMANDS: dict[str, str] = {
    "push": "graph.cli.publish:push_command",
    "render": "graph.cli.draw:render_command",
    "path": "graph.cli.draw:path_command",
    "query": "graph.cli.query:query_command",
    "queries": "graph.cli.query:queries_command",
    "serve": "graph.cli.serve:serve_command",
}


class _Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attribute = LAZY_COMMANDS[name].partition(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CoopGraphError as error:
            click.echo(f"Error: {error}", err=True)
            if error.hint:
                click.echo(f"Hint: {error.hint}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=_Group)
@click.version_option(package_name="jura-coop-graph", message="%(prog)s %(version)s")
def cli() -> None:
    """The knowledge graph of the external cooperation of the République et Canton du Jura.

    \b
    Example:
        coopgraph validate
        coopgraph build --out build
    """


class _Seconds(click.ParamType):
    """A finite, positive number of seconds: ``nan``, ``inf`` and ``1e309`` are refused.

    (``click.FloatRange`` lets ``nan`` through: every comparison with it is false.)
    """

    name = "seconds"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a finite, positive number of seconds", param, ctx)
        return seconds


#: The type of every ``--timeout`` option.
SECONDS = _Seconds()


def output_option(command: Any) -> Any:
    """``-o/--output FILE``, standard output by default, spelled the same in every command."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="File to write (atomically); default: standard output.",
    )(command)


def data_option(command: Any) -> Any:
    """``--data DIR``, spelled the same in every command."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder of the data .ttl files (default: the data shipped with the package).",
    )(command)


@cli.command("build")
@data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Folder to write the outputs into.",
)
def build_command(data_dir: Path | None, out_dir: Path) -> None:
    """Validate the graph, then write every output into the --out folder.

    Writes the graph in six RDF syntaxes (jura-coop.ttl, .nt, .jsonld, .trig, .nq,
    .rdf), the dataset description (void.ttl), the ontology's documentation
    (ontology.html) and the interactive graph (graph.html). If the graph does not
    conform, lists the violations and writes nothing (exit status 1).

    \b
    Example:
        coopgraph build
        coopgraph build --data my-data/ --out /tmp/release
    """
    result = build(data_dir, out_dir)
    for path in result.files:
        click.echo(f"wrote {display_path(path)}")
    click.echo(result.stats.text())


@cli.command("validate")
@data_option
def validate_command(data_dir: Path | None) -> None:
    """Check the graph against the SHACL shapes and the *-violation.rq check queries.

    Prints one line per problem: file, resource, property, [rule], message. Exit status:
    0 the graph conforms (warnings are listed but allowed), 1 it has violations, 2 the data
    cannot be loaded.

    \b
    Example:
        coopgraph validate
        coopgraph validate --data tests/fixtures/valid
    """
    report = validate(load(data_dir))
    if report.violations:
        click.echo(report.text())
    errors = sum(1 for v in report.violations if v.severity == "Violation")
    others = len(report.violations) - errors
    if report.shapes is None and not report.checks:
        click.echo("Error: no shapes and no check queries were found.", err=True)
        raise SystemExit(2)
    if not report.conforms:
        click.echo(f"{errors} violation(s), {others} warning(s)", err=True)
        raise SystemExit(1)
    rules = [display_path(report.shapes)] if report.shapes else []
    rules += [f"{len(report.checks)} check queries"] if report.checks else []
    click.echo(f"OK: the graph conforms to {' and '.join(rules)} ({others} warning(s)).")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, *NETWORK_FORMATS]),
    default="turtle",
    show_default=True,
    help="RDF syntax (trig and nquads keep one named graph per data file), or a network "
    "format for Gephi, Cytoscape and networkx (csv: FILE.nodes.csv and FILE.edges.csv).",
)
@output_option
@data_option
def export_command(fmt: str, output: Path | None, data_dir: Path | None) -> None:
    """Write the whole graph (ontology, data and derived edges) in one RDF syntax.

    The output is the same, byte for byte, on every run. It is not validated: run
    `coopgraph validate` for that.

    \b
    Example:
        coopgraph export --format jsonld -o jura-coop.jsonld
        coopgraph export --format nquads | grep cooperatesWith
        coopgraph export --format graphml -o jura-coop.graphml
    """
    if fmt in NETWORK_FORMATS:
        from graph.network.convert import network_bytes, to_networkx, write_network

        network = to_networkx(load(data_dir).graph)
        if output is not None:
            for path in write_network(network, fmt, output):
                click.echo(f"wrote {display_path(path)}", err=True)
        elif fmt == "csv":
            raise click.UsageError("--format csv writes two files (nodes, edges): give -o FILE.csv")
        else:
            click.get_binary_stream("stdout").write(
                network_bytes(network, fmt)[NETWORK_FORMATS[fmt]]
            )
        return
    data = serialize(load(data_dir), fmt)
    if output is None:
        click.get_binary_stream("stdout").write(data)
    else:
        write_atomic(output, data)
        click.echo(f"wrote {display_path(output)}", err=True)


@cli.command("stats")
@data_option
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many of the most central entities to list (networkx).",
)
@click.option(
    "--all-kinds",
    is_flag=True,
    help="List concepts, countries and policy texts among the most central entities too.",
)
def stats_command(data_dir: Path | None, top: int, all_kinds: bool) -> None:
    """Count triples, entities per class and relations per cooperation axis (the source
    documents and excerpts apart), and list the most central entities (betweenness and
    degree, on the network of relations; concepts, countries and policy texts only with
    --all-kinds).

    \b
    Example:
        coopgraph stats
        coopgraph stats --data tests/fixtures/valid --top 5
        coopgraph stats --top 20 --all-kinds
    """
    loaded = load(data_dir)
    click.echo(stats(loaded).text())
    if top:
        from graph.network.convert import centrality_text

        skip = frozenset() if all_kinds else HUB_KINDS
        click.echo("")
        click.echo(centrality_text(most_central(loaded, top, skip_kinds=skip)))


def main() -> None:
    """Entry point of the ``coopgraph`` script and of ``python -m graph``."""
    cli(prog_name="coopgraph")
