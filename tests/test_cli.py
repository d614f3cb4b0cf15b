"""The command line, run in-process: exit codes, messages without tracebacks, outputs."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest
from rdflib import Graph

from graph import cli as cli_module
from graph.cli import cli
from graph.publish.build import OUTPUTS
from tests.helpers import BAD, BAD_CASES, REPO, needs_shipped_data


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def all_commands():
    ctx = click.Context(cli)
    return cli.list_commands(ctx)


@pytest.mark.parametrize("command", ["build", "validate", "export", "stats"])
def test_the_core_commands_exist(command):
    assert command in all_commands()


def test_every_command_has_help_with_an_example(runner):
    for command in all_commands():
        result = invoke(runner, command, "--help")
        assert result.exit_code == 0, result.output
        assert "Example" in result.output, f"{command} --help has no Example"
    assert "Example" in invoke(runner, "--help").output


def test_a_lazy_command_is_listed_and_run(runner, monkeypatch):
    monkeypatch.setitem(cli_module.LAZY_COMMANDS, "hello", "tests.test_cli:hello_command")
    assert "hello" in invoke(runner, "--help").output
    assert invoke(runner, "hello").output == "hello\n"


@click.command("hello")
def hello_command():
    """Say hello (a command registered lazily by a test)."""
    click.echo("hello")


@pytest.mark.parametrize("name", sorted(cli_module.LAZY_COMMANDS))
def test_the_summary_in_help_is_read_from_the_source_as_click_would_make_it(name):
    # ``coopgraph --help`` lists each command without importing it: from its docstring.
    help_text = cli_module._help_in_source(cli_module.LAZY_COMMANDS[name])
    assert help_text is not None, f"coopgraph --help would import {name}'s module"
    command = cli.get_command(click.Context(cli), name)
    assert not command.hidden and not command.deprecated and not command.short_help
    for limit in (30, 45, 70):
        summary = click.Command(name, help=help_text).get_short_help_str(limit)
        assert summary == command.get_short_help_str(limit)


def test_a_mistyped_command_suggests_a_lazy_one(runner):
    result = runner.invoke(cli, ["queris"])
    assert result.exit_code == 2
    assert "Did you mean one of: 'queries', 'query'?" in result.output


@pytest.mark.usefixtures("test_rules")
def test_validate_conforming_data_exits_0(runner, tmp_data):
    result = invoke(runner, "validate", "--data", tmp_data())
    assert result.exit_code == 0, result.output
    assert "OK: the graph conforms" in result.stdout
    assert "Warning" in result.stdout  # warnings are listed, and allowed


@pytest.mark.usefixtures("test_rules")
def test_validate_lists_violations_and_exits_1(runner, tmp_data):
    result = invoke(runner, "validate", "--data", tmp_data(BAD / "conflicting-facts.ttl"))
    assert result.exit_code == 1
    assert (
        "conflicting-facts.ttl: id:rcju schema:foundingDate [sh:MaxCountConstraintComponent]"
        in result.stdout
    )
    assert "1 violation(s)" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("name", "line", "column", "message"), BAD_CASES)
@pytest.mark.parametrize("command", ["validate", "build", "export", "stats"])
def test_bad_input_exits_2_with_position_and_no_traceback(
    runner, tmp_data, tmp_path, command, name, line, column, message
):
    out = tmp_path / "out"
    extra = (
        ["--out", out]
        if command == "build"
        else ["-o", out / "x.ttl"]
        if command == "export"
        else []
    )
    result = invoke(runner, command, "--data", tmp_data(BAD / name), *extra)
    assert result.exit_code == 2, result.output
    assert f"{name}:{line}:{column}: " in result.stderr
    assert result.stderr.startswith("Error: ") and "Hint: " in result.stderr
    assert "Traceback" not in result.output
    assert not out.exists()


def test_duplicates_exit_2_naming_both_files(runner, tmp_data):
    result = invoke(runner, "stats", "--data", tmp_data(BAD / "duplicate.ttl"))
    assert result.exit_code == 2
    assert "duplicate.ttl" in result.stderr and "organisations.ttl" in result.stderr


@pytest.mark.parametrize("command", ["validate", "stats", "export"])
def test_a_missing_or_empty_data_folder_exits_2(runner, tmp_path, command):
    for folder in (tmp_path / "nowhere", tmp_path):
        result = invoke(runner, command, "--data", folder)
        assert result.exit_code == 2
        assert result.stderr.startswith("Error: ") and "--data" in result.stderr


@pytest.mark.usefixtures("test_rules")
def test_build_writes_and_summarises(runner, tmp_data, tmp_path):
    result = invoke(runner, "build", "--data", tmp_data(), "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "jura-coop.ttl" in result.stdout and "Entities per class:" in result.stdout
    assert len(list((tmp_path / "out").iterdir())) == len(OUTPUTS)


@pytest.mark.usefixtures("test_rules")
def test_build_of_non_conforming_data_exits_1_and_writes_nothing(runner, tmp_data, tmp_path):
    data = tmp_data(BAD / "unsourced.ttl")
    result = invoke(runner, "build", "--data", data, "--out", tmp_path / "out")
    assert result.exit_code == 1
    assert "unsourced-violation.rq" in result.stderr
    assert not (tmp_path / "out").exists()


def test_export_to_stdout_and_to_a_file(runner, tmp_data, tmp_path):
    data = tmp_data()
    to_stdout = invoke(runner, "export", "--format", "ntriples", "--data", data)
    assert to_stdout.exit_code == 0
    target = tmp_path / "graph.nt"
    to_file = invoke(runner, "export", "--format", "ntriples", "-o", target, "--data", data)
    assert to_file.exit_code == 0
    assert target.read_bytes() == to_stdout.stdout_bytes
    assert len(Graph().parse(target, format="nt")) > 0


def test_export_refuses_an_unknown_format(runner, tmp_data):
    result = invoke(runner, "export", "--format", "yaml", "--data", tmp_data())
    assert result.exit_code == 2
    assert "turtle" in result.output


def test_stats_prints_counts(runner, tmp_data):
    result = invoke(runner, "stats", "--data", tmp_data())
    assert result.exit_code == 0
    assert "Coopération de proximité" in result.stdout


@needs_shipped_data
def test_the_shipped_data_validates(runner):
    result = invoke(runner, "validate")
    assert result.exit_code == 0, result.output


def test_python_dash_m_graph_runs_the_same_cli(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "graph", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: coopgraph ")
