"""The ``coopgraph`` command line (also ``python -m graph``): a thin layer over the library.

Each command parses its options, calls one library function and prints the result. Library
errors become ``Error: ...`` plus a hint on stderr, with the error's exit code and no
traceback. May import every room (docs/architecture.md), each command's module only
when that command runs.

Adding a command: write it in a module of this folder as a ``click.Command`` and name it in
``LAZY_COMMANDS``. Its module is imported only when it runs, so a command with heavy imports
(rdflib, pyoxigraph, networkx, pyvis) does not slow the others down, and ``coopgraph --help``
reads each command's summary from its source instead of importing it: this module imports
only click and ``graph.errors``.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import math
from pathlib import Path
from typing import Any

import click

from graph.errors import CoopGraphError

#: Command name -> "module:attribute" of a click command defined elsewhere.
LAZY_COMMANDS: dict[str, str] = {
    "build": "graph.cli.data:build_command",
    "export": "graph.cli.data:export_command",
    "stats": "graph.cli.data:stats_command",
    "validate": "graph.cli.data:validate_command",
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

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as error:
            # click offers "Did you mean ...?" among the commands it holds: the lazy ones too.
            raise click.exceptions.NoSuchCommand(
                error.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The "Commands" section of ``--help`` (as click writes it), without importing the
        lazy commands whose summary can be read from their source."""
        commands = []
        for name in self.list_commands(ctx):
            help_text = _help_in_source(LAZY_COMMANDS[name]) if name in LAZY_COMMANDS else None
            command = (
                click.Command(name, help=help_text) if help_text else self.get_command(ctx, name)
            )
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl(
                    [(name, command.get_short_help_str(limit)) for name, command in commands]
                )

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


def _help_in_source(target: str) -> str | None:
    """The docstring of the command ``target`` ("module:function"), read from the module's
    source without running it; None unless the function is decorated with a plain
    ``@click.command(NAME)`` (no help, short_help, hidden or deprecated given), so that
    click would take its help from that same docstring."""
    module, _, function = target.partition(":")
    node = _functions_in(module).get(function)
    if node is None:
        return None
    commands = [
        decorator
        for decorator in node.decorator_list
        if isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "command"
    ]
    if len(commands) != 1 or commands[0].keywords:
        return None
    return ast.get_docstring(node, clean=False)


@functools.cache
def _functions_in(module: str) -> dict[str, ast.FunctionDef]:
    """The functions defined at the top of ``module``'s source (none if it has no .py file)."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return {}
    try:
        tree = ast.parse(Path(spec.origin).read_bytes())
    except (OSError, SyntaxError):
        return {}
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


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


def main() -> None:
    """Entry point of the ``coopgraph`` script and of ``python -m graph``."""
    cli(prog_name="coopgraph")
