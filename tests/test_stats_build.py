"""Stats and build: counts that describe the graph; all outputs written, or none."""

from __future__ import annotations

import pytest
from rdflib import Graph

from graph.errors import DataSyntaxError, ValidationError
from graph.network.stats import AxisCount, ClassCount, stats
from graph.publish.build import OUTPUTS, Output, build
from tests.helpers import BAD, needs_shipped_data


def test_stats_of_the_fixture_data(valid):
    result = stats(valid)
    assert result.triples == len(valid.graph)
    assert result.data_files == 2
    assert ClassCount("org:Organization", 3) in result.classes
    counts = [(c.count, c.name) for c in result.classes]
    assert counts == sorted(counts, key=lambda c: (-c[0], c[1]))
    assert result.axes == [
        AxisCount("concept:axe-aide-developpement", "Aide au développement", 0, 0, 0),
        AxisCount("concept:axe-proximite", "Coopération de proximité", 1, 1, 1),
        AxisCount("concept:axe-interregional", "Coopération interrégionale", 0, 0, 0),
    ]
    assert "Coopération de proximité" in result.text()


def test_entities_are_the_subjects_under_the_id_namespace(valid):
    # 5 resources in organisations.ttl, 4 in relations.ttl (one of them a quoted excerpt,
    # counted apart with the sources), plus the concepts and schemes.
    concepts = sum(c.count for c in stats(valid).classes if c.name.startswith("skos:"))
    assert stats(valid).entities == 8 + concepts
    assert (stats(valid).sources, stats(valid).excerpts) == (0, 1)


def test_relations_without_an_axis_are_counted_apart(tmp_data, tmp_path):
    from graph.dataset.load import load

    extra = tmp_path / "no-axis.ttl"
    extra.write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix jc: <https://w3id.org/jura-coop/ontology#> .\n"
        "id:c a jc:Cooperation ; jc:actor id:rcju ; jc:partner id:fonds-belju .\n",
        encoding="utf-8",
    )
    assert stats(load(tmp_data(extra))).axes[-1] == AxisCount("", "", 1, 0, 0)


@needs_shipped_data
def test_the_shipped_graph_is_substantial(shipped):
    result = stats(shipped)
    assert result.triples > 100
    assert {a.label for a in result.axes} >= {"Coopération de proximité"}
    assert sum(a.cooperations for a in result.axes) > 0


@pytest.mark.usefixtures("test_rules")
def test_build_writes_every_format(tmp_data, tmp_path):
    result = build(tmp_data(), tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        o.filename for o in OUTPUTS
    )
    assert result.files == [tmp_path / "out" / o.filename for o in OUTPUTS]
    assert result.report.conforms and result.stats.data_files == 2
    turtle = Graph().parse(tmp_path / "out" / "jura-coop.ttl")
    assert len(turtle) == result.stats.triples


@pytest.mark.usefixtures("test_rules")
def test_a_graph_that_does_not_conform_writes_nothing(tmp_data, tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ValidationError) as caught:
        build(tmp_data(BAD / "conflicting-facts.ttl"), out)
    assert caught.value.exit_code == 1
    assert "schema:foundingDate" in str(caught.value)
    assert not out.exists()


def test_a_syntax_error_writes_nothing(tmp_data, tmp_path):
    with pytest.raises(DataSyntaxError):
        build(tmp_data(BAD / "missing-dot.ttl"), tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.usefixtures("test_rules")
def test_a_failing_output_leaves_the_previous_build_untouched(tmp_data, tmp_path):
    out = tmp_path / "out"
    build(tmp_data(), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(loaded):
        raise RuntimeError("renderer bug")

    with pytest.raises(RuntimeError):
        build(tmp_data(), out, outputs=[*OUTPUTS, Output("graph.html", broken)])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


@pytest.mark.usefixtures("test_rules")
def test_extra_outputs_are_written_too(tmp_data, tmp_path):
    extra = Output("count.txt", lambda loaded: str(len(loaded.graph)).encode())
    result = build(tmp_data(), tmp_path / "out", outputs=[extra])
    assert result.files == [tmp_path / "out" / "count.txt"]
    assert int((tmp_path / "out" / "count.txt").read_text()) == result.stats.triples
