"""No silent empty answers: unknown terms are warned about, unknown names get suggestions."""

from __future__ import annotations

import pytest

from graph.cli import cli
from graph.sparql.catalogue import QueryNotFoundError, list_queries
from graph.sparql.errors import ParameterError
from graph.sparql.query import run_query
from graph.sparql.unknown_terms import named_iris
from graph.suggest import closest, did_you_mean

CATALOGUE = list_queries()


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args])


# --- terms that nothing uses ----------------------------------------------------------------


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.name for e in CATALOGUE])
def test_no_catalogue_query_names_an_unused_term(entry, engine):
    assert run_query(entry.name, engine=engine).warnings == ()


def test_a_misspelt_property_is_warned_about_with_the_closest_used_term(runner):
    output = invoke(runner, "query", "--sparql", "SELECT ?p WHERE { id:rcju jc:cooperateWith ?p }")
    assert output.exit_code == 0
    assert output.stdout_bytes.decode().splitlines()[-1] == "(0 rows)"
    assert output.stderr == (
        "Warning: jc:cooperateWith is used neither by the ontology nor by the data; "
        "did you mean jc:cooperatesWith?\n"
    )


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_misspelt_classes_entities_and_standard_terms(engine):
    result = run_query(
        "SELECT ?x WHERE { id:quebek ^jc:partnr ?r . ?r a jc:Cooperaton ; skos:preflabel ?x }",
        engine=engine,
    )
    assert result.warnings == (
        "id:quebek is used neither by the ontology nor by the data; did you mean id:quebec?",
        "jc:partnr is used neither by the ontology nor by the data; did you mean jc:partner?",
        "jc:Cooperaton is used neither by the ontology nor by the data; "
        "did you mean jc:Cooperation?",
        "skos:preflabel is used neither by the ontology nor by the data; "
        "did you mean skos:prefLabel?",
    )


def test_an_iri_given_as_a_parameter_is_looked_up_too():
    result = run_query("funding-routes", params={"item": "concept:projets-transfrontalier"})
    assert result.rows == []
    assert result.warnings == (
        "<https://w3id.org/jura-coop/id/concept/projets-transfrontalier> is used neither by the "
        "ontology nor by the data; did you mean concept:projets-transfrontaliers?",
    )


def test_a_full_iri_and_a_declared_prefix_are_looked_up():
    text = (
        "PREFIX my: <https://w3id.org/jura-coop/ontology#>\n"
        "SELECT * WHERE { ?a my:governz ?b . ?b <http://www.w3.org/ns/org#memberof> ?c }"
    )
    warnings = run_query(text).warnings
    assert len(warnings) == 2
    assert warnings[0].startswith("my:governz is used neither") and "jc:governs" in warnings[0]
    assert "org:memberOf" in warnings[1]


@pytest.mark.parametrize(
    "text",
    [
        # In a string, a comment: not a term.
        'SELECT ?x WHERE { BIND("jc:nothing" AS ?x) } # jc:nothing either',
        # Datatypes, functions, XML Schema: not terms of the data.
        'SELECT ?x WHERE { BIND(xsd:integer("1") AS ?x) FILTER(DATATYPE(?x) = xsd:integer) }',
        'SELECT ?x WHERE { BIND("2000"^^xsd:gYear AS ?x) }',
        # Graph names: graph.sparql.safety and the runner check those.
        "SELECT ?s FROM <https://w3id.org/jura-coop/graph/jura> WHERE { ?s a jc:Cooperation }",
        "SELECT ?s WHERE { GRAPH <https://w3id.org/jura-coop/graph/jura> { ?s ?p ?o } }",
        # A relative IRI.
        "BASE <https://w3id.org/jura-coop/id/> SELECT ?p WHERE { <rcju> ?p ?o }",
    ],
)
def test_what_is_not_a_term_of_the_data_is_not_looked_up(text):
    assert run_query(text).warnings == ()


def test_named_iris_reads_prefixes_and_skips_declarations():
    text = "PREFIX x: <http://example.org/> SELECT * WHERE { ?s x:p x:o ; a <http://e.org/C> }"
    assert named_iris(text) == (
        ("x:p", "http://example.org/p"),
        ("x:o", "http://example.org/o"),
        ("<http://e.org/C>", "http://e.org/C"),
    )


def test_the_page_and_the_endpoint_path_are_the_same_check_no_warning_from_an_endpoint():
    # An endpoint holds its own data: nothing is looked up locally (and nothing is sent).
    result = run_query("SELECT ?p WHERE { id:rcju jc:cooperateWith ?p }")
    assert result.warnings  # locally, the warning; the endpoint case is in test_query_cli


@pytest.mark.slow
def test_the_warning_survives_the_timeout_worker(runner):
    output = invoke(
        runner,
        "query",
        "--sparql",
        "SELECT ?p WHERE { id:rcju jc:cooperateWith ?p }",
        "--timeout",
        "60",
    )
    assert output.exit_code == 0, output.output
    assert "did you mean jc:cooperatesWith?" in output.stderr


# --- did you mean -----------------------------------------------------------------------------


def test_an_unknown_query_name_gets_suggestions(runner):
    for command in (["query", "partner-by-axis"], ["queries", "partner-by-axis"]):
        output = invoke(runner, *command)
        assert output.exit_code == 2
        assert "Did you mean partners-by-axis?" in output.stderr
    with pytest.raises(QueryNotFoundError) as raised:
        run_query("histroy")
    assert raised.value.hint.startswith("Did you mean history?")


def test_an_unknown_parameter_name_gets_suggestions(runner):
    output = invoke(runner, "query", "reachable", "-p", "entiti=quebec")
    assert output.exit_code == 2
    assert "Hint: Did you mean entity? This query takes: entity (entity)" in output.stderr
    with pytest.raises(ParameterError) as raised:
        run_query("SELECT ?who WHERE { ?who ?p ?o } LIMIT 1", params={"woh": "id:rcju"})
    assert raised.value.hint.startswith("Did you mean who?")


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [("quebek", "quebec"), ("Quebek", "Québec"), ("vallee-aost", "vallee-aoste")],
)
def test_an_unknown_entity_gets_suggestions(runner, value, suggestion):
    output = invoke(runner, "query", "reachable", "-p", f"entity={value}")
    assert output.exit_code == 2
    assert f"Hint: Did you mean {suggestion}?" in output.stderr


def test_nothing_close_means_no_suggestion(runner):
    output = invoke(runner, "query", "reachable", "-p", "entity=Atlantis")
    assert output.exit_code == 2
    assert "Did you mean" not in output.stderr


def test_closest_ignores_case_and_accents_and_keeps_only_the_close_ones():
    assert closest("quebec", ["Québec", "québec", "Berne"]) == ["Québec"]
    assert closest("jc:cooperateWith", ["jc:cooperatesWith", "jc:Cooperation", "jc:party"]) == [
        "jc:cooperatesWith"
    ]
    assert did_you_mean("zzz", ["partners-by-axis"]) == ""
    assert did_you_mean("cat", ["hat", "bat", "dog"]) == "Did you mean bat or hat? "


# --- one name for one thing: lang --------------------------------------------------------------


def test_missing_labels_takes_lang_like_every_other_query(runner):
    english = invoke(runner, "query", "missing-labels", "--lang", "en", "-f", "csv")
    assert english.exit_code == 0
    assert english.stdout_bytes.decode().splitlines() == ["entity,inFrench,kind"]
    german = invoke(runner, "query", "missing-labels", "--lang", "de", "-f", "csv")
    default = invoke(runner, "query", "missing-labels", "-f", "csv")
    assert german.stdout_bytes == default.stdout_bytes
    assert len(german.stdout_bytes.decode().splitlines()) > 1


def test_every_catalogue_query_calls_the_language_lang():
    for entry in CATALOGUE:
        for parameter in entry.parameters:
            if parameter.type == "lang":
                assert parameter.name == "lang", entry.name


def test_the_former_name_still_works_with_a_warning(runner):
    output = invoke(runner, "query", "missing-labels", "-p", "language=it", "-f", "csv")
    assert output.exit_code == 0
    assert output.stderr == (
        "Warning: the parameter 'language' is now called 'lang' (--lang); "
        "'language' still works but will be removed\n"
    )
    assert output.stdout_bytes == (
        invoke(runner, "query", "missing-labels", "--lang", "it", "-f", "csv").stdout_bytes
    )
    with pytest.raises(ParameterError, match="same parameter"):
        run_query("missing-labels", params={"language": "de", "lang": "en"})
