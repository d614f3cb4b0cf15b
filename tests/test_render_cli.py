"""coopgraph render, and build writing the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.publish.build import OUTPUTS
from tests.helpers import HOSTILE, ID, RCJU
from tests.helpers.page import page_data


def test_build_writes_the_page() -> None:
    assert "graph.html" in [output.filename for output in OUTPUTS]


def test_render_command(tmp_path: Path) -> None:
    target = tmp_path / "g.html"
    result = CliRunner().invoke(
        cli, ["render", "-o", str(target), "--focus", "FICD", "--depth", "2", "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    data = page_data(target.read_text())
    assert data["lang"] == "en" and data["focus"] == ID + "ficd"


def test_render_command_with_a_construct_query(tmp_path: Path) -> None:
    query = tmp_path / "interregional.rq"
    query.write_text(
        "PREFIX jc: <https://w3id.org/jura-coop/ontology#>\n"
        "PREFIX concept: <https://w3id.org/jura-coop/id/concept/>\n"
        "CONSTRUCT { ?a jc:cooperatesWith ?b }\n"
        "WHERE { ?c jc:actor ?a ; jc:partner ?b ; jc:axis concept:axe-interregional }\n"
    )
    target = tmp_path / "g.html"
    result = CliRunner().invoke(cli, ["render", "--query", str(query), "-o", str(target)])
    assert result.exit_code == 0, result.output
    ids = {node["id"] for node in page_data(target.read_text())["nodes"]}
    assert {RCJU, ID + "quebec", ID + "vallee-aoste"} <= ids
    assert ID + "departement-doubs" not in ids


def test_render_command_refuses_a_select_query(tmp_path: Path) -> None:
    query = tmp_path / "select.rq"
    query.write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    result = CliRunner().invoke(cli, ["render", "--query", str(query), "-o", str(tmp_path / "g")])
    assert result.exit_code == 2
    assert "not a CONSTRUCT" in result.output


def test_render_command_errors(tmp_path: Path) -> None:
    target = str(tmp_path / "g.html")
    too_many = CliRunner().invoke(cli, ["render", "--max-nodes", "5", "-o", target])
    assert too_many.exit_code == 3
    assert "--focus ENTITY" in too_many.output
    assert not Path(target).exists()
    depth = CliRunner().invoke(cli, ["render", "--depth", "2", "-o", target])
    assert depth.exit_code == 2
    assert "--depth needs --focus" in depth.output
    unknown = CliRunner().invoke(cli, ["render", "--focus", "Atlantis", "-o", target])
    assert unknown.exit_code == 2


def test_render_command_draws_other_data(tmp_path: Path) -> None:
    target = tmp_path / "h.html"
    result = CliRunner().invoke(cli, ["render", "--data", str(HOSTILE), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert len(page_data(target.read_text())["nodes"]) == 24


# Slow: another network laid out; the server's /network route draws the same catalogue query.
@pytest.mark.slow
def test_render_command_with_a_catalogue_query(tmp_path: Path) -> None:
    target = tmp_path / "network.html"
    result = CliRunner().invoke(cli, ["render", "--query", "network", "-o", str(target)])
    assert result.exit_code == 0, result.output
    ids = {node["id"] for node in page_data(target.read_text())["nodes"]}
    assert RCJU in ids and ID + "quebec" in ids
    unknown = CliRunner().invoke(cli, ["render", "--query", "nope", "-o", str(target)])
    assert unknown.exit_code != 0
    assert "nope" in unknown.output
