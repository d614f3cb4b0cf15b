"""The default validation engine (Oxigraph) gives the reference's report (pySHACL and rdflib).

Every fixture of tests/test_shapes.py and tests/test_validate.py, and the shipped data, is
validated by both engines; the reports must be equal line for line, and so must the
shapes named in them.
"""

from __future__ import annotations

import re
import shutil

import pytest

from graph import paths
from graph.dataset.load import load, parse_turtle
from graph.dataset.shacl_sparql import compile_shapes
from graph.dataset.validate import ValidationReport, validate
from graph.errors import CoopGraphError
from tests.helpers import BAD, FIXTURES, needs_shipped_data

SHAPES = FIXTURES / "shapes"
CASES = sorted(p.stem for p in (SHAPES / "invalid").glob("*.ttl"))


def both(target, **options) -> tuple[ValidationReport, ValidationReport]:
    return validate(target, **options), validate(target, engine="pyshacl", **options)


def assert_same(default: ValidationReport, reference: ValidationReport) -> None:
    assert default.text() == reference.text()
    assert [v.shape for v in default.violations] == [v.shape for v in reference.violations]
    assert default == reference


@pytest.mark.parametrize("case", CASES)
def test_each_invalid_case_gives_the_reference_report(tmp_path, case):
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    shutil.copy(SHAPES / "invalid" / f"{case}.ttl", tmp_path / "case.ttl")
    default, reference = both(load(tmp_path))
    assert reference.violations, "the fixture must fail on the reference engine"
    assert_same(default, reference)


def test_the_minimal_dataset_gives_the_reference_report(tmp_path):
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    assert_same(*both(load(tmp_path)))


@needs_shipped_data
def test_the_shipped_data_gives_the_reference_report(shipped, shipped_report):
    assert_same(shipped_report, validate(shipped, engine="pyshacl"))


def test_the_shipped_shapes_are_all_compiled_to_sparql():
    compiled = compile_shapes(parse_turtle(paths.shapes_path()))
    assert compiled.rest is None
    assert compiled.shapes


@pytest.mark.usefixtures("test_rules")
@pytest.mark.parametrize(
    "extra",
    [[], [BAD / "conflicting-facts.ttl"], [BAD / "unsourced.ttl"]],
    ids=["valid", "conflicting-facts", "unsourced"],
)
def test_the_test_rules_give_the_reference_report(tmp_data, extra):
    # The test shapes have a SPARQL-based constraint and shapes without a message: those
    # are left to pySHACL by the default engine too.
    assert_same(*both(load(tmp_data(*extra))))


@pytest.mark.usefixtures("test_rules")
def test_a_plain_graph_gives_the_reference_report(valid):
    assert_same(*both(valid.graph))


def test_blank_nodes_are_described_alike(tmp_data, tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix schema: <https://schema.org/> .\n"
        "[] a sh:NodeShape ; sh:targetClass schema:MonetaryAmount ;\n"
        "   sh:property [ sh:path schema:description ; sh:minCount 1 ; sh:message 'm' ] .\n",
        encoding="utf-8",
    )
    default, reference = both(load(tmp_data()), shapes=shapes, checks_dir=tmp_path)
    assert [v.focus for v in default.violations] == ["id:fonds-belju/jc:budget/[]"]
    assert_same(default, reference)


def test_each_kind_of_constraint_gives_the_reference_report(tmp_path):
    """Constraints the shipped shapes use little or not at all, on values that break them."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "odd.ttl").write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'id:a a ex:Thing ; skos:prefLabel "A"@fr , "B"@fr , "C"@fr-CH , "x" ;\n'
        '    ex:n "abc" , 5 , 7.5 , "2"^^xsd:decimal , ex:iri , [ ex:q 1 ] ;\n'
        '    ex:k ex:iri , "lit" , [ ex:q 2 ] ; ex:c "CHF" , "USD" , "EUR"@en .\n'
        "id:b a ex:Thing .\n",
        encoding="utf-8",
    )
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix ex: <https://example.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;\n"
        "  sh:property\n"
        "    [ sh:path skos:prefLabel ; sh:uniqueLang true ; sh:languageIn ('fr' 'de') ;\n"
        "      sh:minCount 2 ; sh:maxCount 3 ; sh:message 'labels' ] ,\n"
        "    [ sh:path skos:prefLabel ; sh:qualifiedValueShape [ sh:languageIn ('de') ] ;\n"
        "      sh:qualifiedMinCount 1 ; sh:severity sh:Warning ; sh:message 'german'@en ] ,\n"
        "    [ sh:path ex:n ; sh:minInclusive 0 ; sh:maxExclusive 6 ; sh:pattern '^[0-9]' ;\n"
        "      sh:datatype xsd:integer ; sh:message 'n' ] ,\n"
        "    [ sh:path ex:k ; sh:nodeKind sh:IRI ; sh:class ex:Thing ; sh:message 'k' ] ,\n"
        "    [ sh:path ex:c ; sh:in ('CHF' 'EUR') ; sh:severity sh:Info ; sh:message 'c' ] ,\n"
        "    [ sh:path ex:n ; sh:or ( [ sh:datatype xsd:integer ] [ sh:datatype xsd:decimal ] ) ;\n"
        "      sh:message 'or'@fr , 'or'@en ] .\n",
        encoding="utf-8",
    )
    default, reference = both(load(data), shapes=shapes, checks_dir=tmp_path)
    assert len(reference.violations) > 10
    assert_same(default, reference)
    assert compile_shapes(parse_turtle(shapes)).rest is None


def test_a_new_check_runs_on_both_engines_alike(tmp_data, tmp_path):
    # Any *-violation.rq placed in the folder runs: here one with an aggregate, a blank node
    # focus and no message column (its header comment is the message).
    checks = tmp_path / "checks"
    shutil.copytree(paths.checks_dir(), checks)
    (checks / "few-labels-violation.rq").write_text(
        "# Fewer than two labels.\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?focus (COUNT(?label) AS ?value) WHERE { ?focus skos:prefLabel ?label }\n"
        "GROUP BY ?focus HAVING (COUNT(?label) < 2)\n",
        encoding="utf-8",
    )
    (checks / "blank-violation.rq").write_text(
        "SELECT ?focus ?path ?message WHERE { ?x ?path ?focus FILTER(isBlank(?focus)) "
        "VALUES ?path { <https://w3id.org/jura-coop/ontology#budget> } "
        'BIND("a blank node" AS ?message) }\n',
        encoding="utf-8",
    )
    default, reference = both(load(tmp_data()), checks_dir=checks)
    assert {v.constraint for v in default.violations} >= {
        "few-labels-violation.rq",
        "blank-violation.rq",
    }
    assert_same(default, reference)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?focus WHERE { SERV\\u0049CE <http://example.org/sparql> { ?focus ?p ?o } }",
        "SELECT ?focus FROM <http://example.org/g> WHERE { ?focus ?p ?o }",
        "SELECT ?focus WHERE { service <http://example.org/sparql> { ?focus ?p ?o } }",
    ],
)
def test_a_check_that_names_remote_data_is_refused_before_it_runs(valid, tmp_path, text, listener):
    (tmp_path / "remote-violation.rq").write_text(text.replace("example.org", listener.url[7:]))
    empty = tmp_path / "shapes.ttl"
    empty.write_text("")
    with pytest.raises(CoopGraphError, match="SERVICE or FROM"):
        validate(valid, shapes=empty, checks_dir=tmp_path)
    assert listener.connections() == 0


def test_a_check_that_is_not_a_select_is_refused(valid, tmp_path):
    (tmp_path / "ask-violation.rq").write_text("ASK { ?s ?p ?o }")
    empty = tmp_path / "shapes.ttl"
    empty.write_text("")
    with pytest.raises(CoopGraphError, match="must be a SELECT"):
        validate(valid, shapes=empty, checks_dir=tmp_path)


def test_values_are_spelled_as_the_file_spells_them(tmp_path):
    # Oxigraph's store gives back "95.5" for "95.500"^^xsd:decimal; the report keeps the
    # file's spelling, as the reference does.
    case = (SHAPES / "invalid" / "latitude-out-of-range.ttl").read_text(encoding="utf-8")
    spelled = re.sub(
        r'wgs:lat "?(-?[0-9.]+)"?(\^\^xsd:decimal)?', r'wgs:lat "\g<1>000"^^xsd:decimal', case
    )
    assert spelled != case
    shutil.copy(SHAPES / "valid.ttl", tmp_path)
    (tmp_path / "case.ttl").write_text(spelled, encoding="utf-8")
    default, reference = both(load(tmp_path))
    assert any("000" in v.value for v in reference.violations)
    assert_same(default, reference)
