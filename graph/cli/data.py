"""The commands on the data itself: ``build``, ``validate``, ``export`` and ``stats``.

Registered in ``graph.cli.LAZY_COMMANDS`` like the others: rdflib, pyoxigraph and the
validator are imported when one of these commands runs, not for ``coopgraph --help`` or
another command.
"""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli import data_option, output_option
from graph.dataset.export import FORMATS, serialize, write_atomic
from graph.dataset.load import load
from graph.dataset.validate import validate
from graph.errors import display_path
from graph.network.formats import NETWORK_FORMATS
from graph.network.stats import HUB_KINDS, most_central, stats
from graph.publish.build import build


@click.command("build")
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


@click.command("validate")
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
    summary = report.summary()
    click.echo(summary.line, err=summary.status != 0)
    if summary.status:
        raise SystemExit(summary.status)


@click.command("export")
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
        from graph.network.convert import to_networkx
        from graph.network.formats import network_bytes, write_network

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


@click.command("stats")
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
        from graph.network.analyse import centrality_text

        skip = frozenset() if all_kinds else HUB_KINDS
        click.echo("")
        click.echo(centrality_text(most_central(loaded, top, skip_kinds=skip)))
