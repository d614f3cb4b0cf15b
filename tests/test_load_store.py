"""``load`` reads the files with Oxigraph first: its store holds what rdflib's graph holds, and
its errors come in the order and the words they had when rdflib read each file first."""

from __future__ import annotations

import importlib

import pyoxigraph as ox
import pytest
from rdflib import XSD, BNode

from graph.dataset.load import load
from graph.dataset.oxigraph_terms import from_oxigraph
from graph.dataset.validate import validate
from graph.errors import DataSyntaxError
from graph.rdf.vocab import INFERRED_GRAPH
from tests.helpers import BAD, needs_shipped_data

# The module, not the function graph/__init__.py re-exports under the same name.
load_module = importlib.import_module("graph.dataset.load")


def without_blank_nodes(triples):
    return {t for t in triples if not any(isinstance(term, BNode) for term in t)}


def store_triples(loaded, graph=None):
    return {
        tuple(from_oxigraph(term) for term in (q.subject, q.predicate, q.object))
        for q in loaded.store.quads_for_pattern(None, None, None, graph)
    }


def values(triples):
    """Literals by value: Oxigraph's store writes numbers and dates its own way."""
    return {
        tuple(term.toPython() if hasattr(term, "toPython") else term for term in t)
        for t in without_blank_nodes(triples)
    }


def assert_store_matches_rdflib(loaded):
    assert values(store_triples(loaded)) == values(loaded.graph)
    assert len(store_triples(loaded)) == len(loaded.graph)
    inferred = store_triples(loaded, ox.NamedNode(str(INFERRED_GRAPH)))
    assert values(inferred) == values(loaded.inferred)
    for path in [*loaded.data_files, *loaded.ontology_files]:
        stated = set().union(*(store_triples(loaded, g) for g in loaded.store_graphs(path)))
        assert values(stated) == values(loaded.file_graphs[path])


def test_the_store_holds_what_rdflib_reads(tmp_data):
    loaded = load(tmp_data())
    assert not loaded.has_rdflib_graph()
    assert_store_matches_rdflib(loaded)


@needs_shipped_data
def test_the_store_holds_the_shipped_graph(shipped):
    assert_store_matches_rdflib(shipped)


def test_statements_moved_ahead_of_a_hubs_derived_edges_change_nothing(tmp_data, monkeypatch):
    # Above a hub's size, a subject's own statements move to a graph of their own, ahead
    # of its derived edges: the store holds the same, validation says the same.
    monkeypatch.setattr(load_module, "_HUB", 1)
    loaded = load(tmp_data())
    moved = {q.graph_name.value for q in loaded.store if q.graph_name.value.endswith("#moved")}
    assert moved
    assert_store_matches_rdflib(loaded)


@pytest.mark.usefixtures("test_rules")
def test_a_report_is_the_same_with_statements_moved(tmp_data, monkeypatch):
    data = tmp_data(BAD / "unsourced.ttl", BAD / "conflicting-facts.ttl")
    before = validate(load(data))
    monkeypatch.setattr(load_module, "_HUB", 1)
    after = validate(load(data))
    assert after == before and after.violations
    assert {v.source_file for v in after.violations} == {v.source_file for v in before.violations}


def test_an_ill_typed_literal_comes_before_a_later_files_syntax_error(tmp_path):
    (tmp_path / "a.ttl").write_text(
        f'<https://example.org/s> <https://example.org/p> "abc"^^<{XSD.integer}> .\n'
    )
    (tmp_path / "b.ttl").write_text('<https://example.org/s> <https://example.org/p> "x"\n')
    with pytest.raises(DataSyntaxError, match=r"a\.ttl:1:\d+: \"abc\" is not a valid xsd:integer"):
        load(tmp_path)


def test_rdflib_reads_what_it_alone_refuses(tmp_path):
    # Oxigraph reads RDF 1.2 triple terms; rdflib 7 does not: the error is rdflib's, as before.
    (tmp_path / "a.ttl").write_text(
        "<https://example.org/s> <https://example.org/p> "
        "<<( <https://example.org/a> <https://example.org/b> <https://example.org/c> )>> .\n"
    )
    with pytest.raises(DataSyntaxError, match=r"a\.ttl:1"):
        load(tmp_path)


def test_deep_nesting_is_refused_with_rdflibs_words(tmp_data):
    with pytest.raises(DataSyntaxError, match="nested 300 levels deep"):
        load(tmp_data(BAD / "deep-nesting.ttl"))
