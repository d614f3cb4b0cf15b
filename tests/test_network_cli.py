"""The network commands: export --format graphml|gexf|nodelink|csv, stats, path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.network.formats import NETWORK_FORMATS


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "nodelink"])
def test_export_command_writes_network_formats(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"net{NETWORK_FORMATS[fmt]}"
    result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 1000
    stdout = CliRunner().invoke(cli, ["export", "--format", fmt])
    assert stdout.exit_code == 0
    assert stdout.stdout_bytes == target.read_bytes()


def test_export_command_csv_needs_an_output_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "csv"])
    assert result.exit_code == 2
    assert "give -o FILE.csv" in result.output
    result = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(tmp_path / "n.csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "n.nodes.csv").exists() and (tmp_path / "n.edges.csv").exists()


def test_stats_command_lists_the_central_entities() -> None:
    result = CliRunner().invoke(cli, ["stats", "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "Most central entities" in result.output
    assert "République et Canton du Jura" in result.output.split("Most central entities")[1]


def test_path_command(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["path", "Province du Québec", "Vallée d'Aoste"])
    assert result.exit_code == 0, result.output
    assert "République et Canton du Jura" in result.output
    unknown = CliRunner().invoke(cli, ["path", "Atlantis", "RCJU"])
    assert unknown.exit_code == 2
    assert "no entity is named 'Atlantis'" in unknown.output


def test_path_and_focus_suggest_the_same_names(tmp_path: Path) -> None:
    # One resolver (graph.rdf.resolve): the same word fails the same way in both commands.
    page = str(tmp_path / "x.html")
    for args in (["path", "quebek", "rcju"], ["render", "--focus", "quebek", "-o", page]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "no entity is named 'quebek'" in result.output
        assert "Did you mean quebec?" in result.output
    ambiguous = CliRunner().invoke(cli, ["path", "Interreg", "rcju"])
    assert ambiguous.exit_code == 2
    assert "'Interreg' names" in ambiguous.output and "prefixed name" in ambiguous.output


def test_path_command_exits_1_without_a_chain(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "two.ttl").write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix cv: <http://data.europa.eu/m8g/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'id:a a cv:PublicOrganisation ; skos:prefLabel "Alpha"@fr .\n'
        'id:b a cv:PublicOrganisation ; skos:prefLabel "Beta"@fr .\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["path", "Alpha", "Beta", "--data", str(data)])
    assert result.exit_code == 1
    assert "No chain of relations links Alpha and Beta" in result.output
