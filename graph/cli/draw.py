"""``coopgraph render`` and ``coopgraph path``: the graph as a network.

Registered in ``graph.cli.LAZY_COMMANDS``: networkx and pyvis are imported only when one of
these commands runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli import data_option
from graph.dataset.load import load
from graph.errors import CoopGraphError, display_path
from graph.page.render import DEFAULT_MAX_NODES
from graph.page.ui import UI_LANGUAGES

__all__ = ["path_command", "render_command"]


class NotAConstructError(CoopGraphError):
    """``render --query`` was given a query that does not return triples."""

    exit_code = 2
    default_hint = "Write a CONSTRUCT (or DESCRIBE) query: render draws the triples it returns."


def _lang_option(command):
    return click.option(
        "--lang",
        type=click.Choice(UI_LANGUAGES),
        default="fr",
        show_default=True,
        help="Language of the labels (falling back to French).",
    )(command)


@click.command("render")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("build/graph.html"),
    show_default=True,
    help="HTML file to write (atomically).",
)
@click.option(
    "--focus",
    metavar="ENTITY",
    help="Draw only this entity and its neighbours: a slug (rcju), a prefixed name (id:rcju), "
    "an IRI or a label.",
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="With --focus: how many relations away from the entity to go.",
)
@click.option(
    "--query",
    "query_file",
    metavar="NAME|FILE.rq",
    help="Draw the entities and relations that this CONSTRUCT query returns: a .rq file "
    "or the name of one in the catalogue (coopgraph queries), e.g. network.",
)
@_lang_option
@click.option(
    "--layout",
    type=click.Choice(["force", "geo"]),
    default="force",
    show_default=True,
    help="force: computed from the relations; geo: a map, bodies at their seat over the "
    "borders (Natural Earth), the far partners in insets.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_NODES,
    show_default=True,
    help="Refuse to draw more entities than this (a bigger page freezes the browser).",
)
@data_option
def render_command(
    output: Path,
    focus: str | None,
    depth: int,
    query_file: str | None,
    lang: str,
    layout: str,
    max_nodes: int,
    data_dir: Path | None,
) -> None:
    """Draw the graph as one interactive HTML page that works offline.

    The whole graph, the neighbourhood of one entity (--focus, --depth), or the result of a
    CONSTRUCT query (--query). Open the file in a browser: search, filter by kind and axis,
    click an entity or a relation for its details and its source.

    \b
    Example:
        coopgraph render
        coopgraph render --focus "Vallée d'Aoste" --depth 2 -o aoste.html
        coopgraph render --query interregional.rq --lang en --layout geo
        coopgraph render --query network
    """
    from graph.page.render import render_html, write_html

    if depth != 1 and focus is None:
        raise click.UsageError("--depth needs --focus ENTITY")
    loaded = load(data_dir)
    subgraph = _construct(query_file, data_dir, lang) if query_file is not None else None
    html = render_html(
        loaded.graph,
        focus=focus,
        depth=depth,
        lang=lang,
        layout=layout,
        max_nodes=max_nodes,
        subgraph=subgraph,
    )
    write_html(output, html)
    click.echo(f"wrote {display_path(output)}", err=True)


def _construct(query: str, data_dir: Path | None, lang: str):
    """The triples a CONSTRUCT (or DESCRIBE) query returns, as an rdflib graph."""
    from graph.sparql.query import run_query

    source: str | Path = Path(query) if Path(query).is_file() else query
    result = run_query(source, data_dir=data_dir, lang=lang)
    if result.kind not in ("construct", "describe"):
        name = display_path(source) if isinstance(source, Path) else source
        raise NotAConstructError(f"{name} is a {result.kind.upper()} query, not a CONSTRUCT")
    return result.graph


@click.command("path")
@click.argument("source")
@click.argument("target")
@click.option(
    "--max",
    "limit",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Print at most this many chains.",
)
@_lang_option
@data_option
def path_command(source: str, target: str, limit: int, lang: str, data_dir: Path | None) -> None:
    """Print the shortest chains of relations between two entities.

    SOURCE and TARGET are slugs (rcju), prefixed names (id:rcju), IRIs or labels (in any
    language, ignoring case and accents; a part of a label does if it names one entity
    only). Relations count whichever way they are stated; each step shows its direction
    (→ or ←). Exit status 1 when no chain links them, 2 when a name fits no entity or several.

    \b
    Example:
        coopgraph path "Province du Québec" "Vallée d'Aoste"
        coopgraph path id:ficd "Conférence du Rhin supérieur" --lang en
    """
    from graph.network.analyse import find_entity
    from graph.network.convert import to_networkx
    from graph.network.pathfind import chains_text, shortest_chains

    loaded = load(data_dir)
    network = to_networkx(loaded.graph, lang=lang)
    start = find_entity(network, source)
    end = find_entity(network, target)
    chains = shortest_chains(network, start, end, limit=limit)
    click.echo(chains_text(chains, network.nodes[start]["label"], network.nodes[end]["label"]))
    if not chains:
        raise SystemExit(1)
