"""Stats on the shipped data: sources counted apart from the entities they describe, and a
most-central list of partners and bodies rather than of the hubs every relation touches."""

from __future__ import annotations

from rdflib.namespace import FOAF, RDF

from graph.cli import cli
from graph.network.stats import HUB_KINDS, most_central, stats
from graph.rdf.vocab import ID, JC


def test_source_documents_and_excerpts_are_not_entities(shipped):
    result = stats(shipped)
    graph = shipped.graph
    documents = {s for s in graph.subjects(RDF.type, FOAF.Document) if s.startswith(ID)}
    excerpts = {s for s in graph.subjects(RDF.type, JC.SourceExcerpt) if s.startswith(ID)}
    assert result.sources == len(documents) > 70
    assert result.excerpts == len(excerpts) > 15
    assert all(c.name not in ("foaf:Document", "jc:SourceExcerpt") for c in result.classes)
    assert f"{result.sources} source documents" in result.text()
    counted = {s for s in graph.subjects() if isinstance(s, type(ID.x)) and s.startswith(ID)}
    assert result.entities == len(counted) - len(documents) - len(excerpts)


def test_the_most_central_list_skips_concepts_countries_and_policy_texts(shipped):
    listed = most_central(shipped, top=15)
    assert len(listed) == 15
    assert not [row for row in listed if row.kind in HUB_KINDS]
    labels = [row.label for row in listed]
    assert labels[0] == "République et Canton du Jura"
    assert "Politique jurassienne de coopération" not in labels and "Suisse" not in labels
    everything = [row.label for row in most_central(shipped, top=15, skip_kinds=frozenset())]
    assert "Politique jurassienne de coopération" in everything


def test_the_stats_command_lists_hubs_only_when_asked(runner):
    plain = runner.invoke(cli, ["stats", "--top", "15"])
    assert plain.exit_code == 0, plain.output
    assert "source documents" in plain.output
    assert "Politique jurassienne de coopération" not in plain.output
    every = runner.invoke(cli, ["stats", "--top", "15", "--all-kinds"])
    assert every.exit_code == 0, every.output
    assert "Politique jurassienne de coopération" in every.output
