"""Loading: one named graph per file, derived edges, and a precise error for bad input."""

from __future__ import annotations

import socket
import sys

import pytest
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF
from rdflib.plugins.parsers.notation3 import BadSyntax

from graph import paths
from graph.dataset.load import load, parse_turtle
from graph.errors import (
    CoopGraphError,
    DataNotFoundError,
    DataSyntaxError,
    DuplicateStatementError,
)
from graph.rdf.vocab import (
    CONCEPT,
    ID,
    INFERRED_GRAPH,
    JC,
    ONTOLOGY_GRAPH,
    PREFIXES,
    SCHEMA,
    graph_iri,
)
from tests.helpers import BAD, BAD_CASES, REPO, VALID


def test_the_fixture_data_loads_with_the_ontology(valid):
    assert [p.name for p in valid.data_files] == ["organisations.ttl", "relations.ttl"]
    assert {p.name for p in valid.ontology_files} >= {"jura-coop.ttl", "schemes.ttl"}
    assert "shapes.ttl" not in {p.name for p in valid.ontology_files}
    assert (JC.Cooperation, RDF.type, None) in valid.graph  # from the ontology
    assert (ID.rcju, RDF.type, ORG.Organization) in valid.graph  # from the data


def test_prefixes_are_ours_and_nothing_else_of_rdflibs(valid):
    bound = {prefix: str(ns) for prefix, ns in valid.graph.namespaces()}
    assert all(bound[prefix] == ns for prefix, ns in PREFIXES.items())
    assert "brick" not in bound and "schema1" not in bound


def test_each_data_file_is_a_named_graph(valid):
    named = valid.named_graphs()
    assert list(named) == [
        ONTOLOGY_GRAPH,
        URIRef("https://w3id.org/jura-coop/graph/organisations"),
        URIRef("https://w3id.org/jura-coop/graph/relations"),
        INFERRED_GRAPH,
    ]
    assert (ID.rcju, RDF.type, ORG.Organization) in named[graph_iri(VALID / "organisations.ttl")]
    union = Graph()
    for graph in named.values():
        union += graph
    assert len(union) == len(valid.graph)


def test_the_direct_edges_are_derived_into_their_own_graph(valid):
    expected = {
        (ID.rcju, JC.cooperatesWith, ID["departement-territoire-de-belfort"]),
        (ID["fonds-belju"], JC.canFund, CONCEPT["arts-scene"]),
        (ID.rcju, ORG.memberOf, ID["arcjurassien-org"]),
        (ID["arcjurassien-org"], ORG.hasMember, ID.rcju),
    }
    assert set(valid.inferred) == expected
    assert all(triple in valid.graph for triple in expected)
    assert not any(triple in valid.file_graphs[p] for p in valid.data_files for triple in expected)


def test_a_stated_direct_edge_is_not_inferred_again(tmp_data, tmp_path):
    stated = tmp_path / "stated.ttl"
    stated.write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix jc: <https://w3id.org/jura-coop/ontology#> .\n"
        "id:rcju jc:cooperatesWith id:departement-territoire-de-belfort .\n",
        encoding="utf-8",
    )
    loaded = load(tmp_data(stated))
    assert (ID.rcju, JC.cooperatesWith, ID["departement-territoire-de-belfort"]) in loaded.graph
    assert (ID.rcju, JC.cooperatesWith, None) not in loaded.inferred


def test_xsd_string_is_the_plain_literal(valid):
    # RDF 1.1: "CHF"^^xsd:string and "CHF" are one term; keep one spelling of it.
    assert (None, SCHEMA.currency, Literal("CHF")) in valid.graph
    assert (None, SCHEMA.currency, Literal("CHF", datatype=XSD.string)) not in valid.graph


def test_files_stating_finds_the_file_of_a_resource(valid):
    assert [p.name for p in valid.files_stating(ID.rcju)] == ["organisations.ttl"]
    assert [p.name for p in valid.files_stating(CONCEPT["axe-proximite"])] == ["schemes.ttl"]


def test_loading_never_opens_a_socket(tmp_data, tmp_path, monkeypatch):
    imports = tmp_path / "imports.ttl"
    imports.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://w3id.org/jura-coop/id/x> owl:imports <http://example.invalid/ontology> .\n",
        encoding="utf-8",
    )

    def no_network(*args, **kwargs):
        raise AssertionError("loading tried to use the network")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert len(load(tmp_data(imports)).graph) > 0


def test_in_a_checkout_the_shipped_files_are_the_repository_folders():
    assert paths.ontology_dir() == REPO / "ontology"
    assert paths.data_dir() == REPO / "data"


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "line", "column", "message"), BAD_CASES)
def test_bad_input_names_file_line_and_column(tmp_data, name, line, column, message):
    with pytest.raises(DataSyntaxError) as caught:
        load(tmp_data(BAD / name))
    error = caught.value
    assert (error.path.name, error.line, error.column) == (name, line, column)
    assert message in error.message
    assert f"{name}:{line}:{column}: " in str(error)
    assert error.exit_code == 2 and error.hint


def test_rdflib_raises_bad_syntax_with_a_character_offset():
    # What the position computation relies on: rdflib's BadSyntax carries ``_i``, the
    # offset in characters (not bytes) of the text it was given, and ``lines``.
    text = '@prefix ex: <http://ex.org/> .\nex:a ex:b "ééé" ex:c .\n'
    with pytest.raises(BadSyntax) as caught:
        Graph().parse(data=text, format="turtle")
    assert caught.value._i == text.index("ex:c")
    assert caught.value.lines == 1


def test_columns_count_characters_not_bytes(tmp_path):
    bad = tmp_path / "accents.ttl"
    bad.write_text('@prefix ex: <http://ex.org/> .\nex:a ex:b "ééé" ex:c .\n', encoding="utf-8")
    with pytest.raises(DataSyntaxError) as caught:
        parse_turtle(bad)
    assert (caught.value.line, caught.value.column) == (2, 17)


def test_a_position_after_a_multiline_literal_is_right(tmp_path):
    bad = tmp_path / "long.ttl"
    bad.write_text(
        '@prefix ex: <http://ex.org/> .\nex:a ex:b """one\ntwo\nthree""" ex:c .\n',
        encoding="utf-8",
    )
    with pytest.raises(DataSyntaxError) as caught:
        parse_turtle(bad)
    assert (caught.value.line, caught.value.column) == (4, 10)


def test_a_relative_iri_is_refused(tmp_path):
    # rdflib would resolve it against the file's path: other IRIs on another machine.
    bad = tmp_path / "relative.ttl"
    bad.write_text("<a> <http://ex.org/p> <http://ex.org/o> .\n", encoding="utf-8")
    with pytest.raises(DataSyntaxError, match=r"relative\.ttl:1:1: .*scheme"):
        parse_turtle(bad)


def test_deep_nesting_leaves_the_interpreter_as_it_was(tmp_data):
    limit = sys.getrecursionlimit()
    with pytest.raises(DataSyntaxError):
        load(tmp_data(BAD / "deep-nesting.ttl"))
    assert sys.getrecursionlimit() == limit


def test_a_byte_order_mark_is_accepted(tmp_path):
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(b"\xef\xbb\xbf<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .\n")
    assert len(parse_turtle(bom)) == 1


def test_the_same_triple_in_two_files_is_refused(tmp_data):
    with pytest.raises(DuplicateStatementError) as caught:
        load(tmp_data(BAD / "duplicate.ttl"))
    message = str(caught.value)
    assert 'id:rcju skos:prefLabel "République et Canton du Jura"@fr .' in message
    assert "duplicate.ttl" in message and "organisations.ttl" in message
    assert caught.value.exit_code == 2
    [(triple, files)] = caught.value.duplicates
    assert [f.name for f in files] == ["duplicate.ttl", "organisations.ttl"]


def test_blank_node_triples_are_not_duplicates(tmp_data, tmp_path):
    same_shape = tmp_path / "budget.ttl"
    same_shape.write_text(
        "@prefix schema: <https://schema.org/> .\n"
        "[] a schema:MonetaryAmount ; schema:value 60000 .\n",
        encoding="utf-8",
    )
    load(tmp_data(same_shape))


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataNotFoundError, match="does not exist") as caught:
        load(tmp_path / "nowhere")
    assert caught.value.exit_code == 2 and "--data" in caught.value.hint


def test_an_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataNotFoundError, match=r"no \.ttl file"):
        load(tmp_path)


def test_a_file_named_like_a_reserved_graph_is_refused(tmp_data, tmp_path):
    reserved = tmp_path / "inferred.ttl"
    reserved.write_text("", encoding="utf-8")
    with pytest.raises(CoopGraphError, match="reserved"):
        load(tmp_data(reserved))
