"""The query library: names, files and texts; parameters; labels; results; engines; data."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.errors import DataNotFoundError, DataSyntaxError
from graph.sparql.catalogue import QueryNotFoundError
from graph.sparql.errors import ParameterError, QueryFailedError, QueryTimeoutError
from graph.sparql.prepare import prepare_query
from graph.sparql.query import run_query
from graph.sparql.result import QueryResult

ID = "https://w3id.org/jura-coop/id/"
ENGINES = ["oxigraph", "rdflib"]


def iri(local: str) -> ox.NamedNode:
    return ox.NamedNode(ID + local)


# --- what can be run ------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_a_catalogue_query_runs_by_name(engine):
    result = run_query("partners-by-axis", engine=engine)
    assert result.kind == "select"
    assert result.variables[:4] == ("axis", "axisLabel", "partner", "partnerLabel")
    partners = {row[2] for row in result.rows}
    assert iri("quebec") in partners and iri("ficd") in partners


def test_a_file_runs_and_its_header_declares_parameters(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text(
        textwrap.dedent("""\
        # title.fr: Les partenaires d'un acteur
        # title.en: The partners of an actor
        # param: who [entity] = rcju — l'acteur / the actor
        PREFIX jc: <https://w3id.org/jura-coop/ontology#>
        SELECT ?partner WHERE { ?who jc:cooperatesWith ?partner } ORDER BY ?partner
        """),
        encoding="utf-8",
    )
    by_path = run_query(path)
    by_text = run_query(str(path))
    assert by_path.rows == by_text.rows
    assert (iri("quebec"),) in by_path.rows
    assert run_query(path, params={"who": "quebec"}).rows == []


def test_a_text_runs_with_the_projects_prefixes_predeclared():
    result = run_query("SELECT ?p WHERE { id:rcju jc:cooperatesWith ?p } ORDER BY ?p")
    assert (iri("vallee-aoste"),) in result.rows


def test_sparql_keyword_is_always_text():
    with pytest.raises(Exception) as raised:
        prepare_query(sparql="counts")
    assert not isinstance(raised.value, QueryNotFoundError)


def test_an_unknown_name_says_so_and_suggests():
    with pytest.raises(QueryNotFoundError) as raised:
        run_query("partners")
    assert "partners-by-axis" in raised.value.hint
    assert raised.value.exit_code == 2


def test_a_missing_file_is_not_found(tmp_path):
    with pytest.raises(QueryNotFoundError):
        run_query(tmp_path / "nope.rq")


@pytest.mark.parametrize("engine", ENGINES)
def test_columns_come_in_projection_order(engine):
    result = run_query("SELECT ?b ?a WHERE { BIND(1 AS ?a) BIND(2 AS ?b) }", engine=engine)
    assert result.variables == ("b", "a")
    assert result.values() == [(2, 1)]


@pytest.mark.parametrize("engine", ENGINES)
def test_select_star_lists_the_variables_in_the_order_of_the_text(engine):
    result = run_query(
        "SELECT * WHERE { ?zeta jc:partner ?alpha . ?zeta jc:axis ?mid } LIMIT 1", engine=engine
    )
    assert result.variables == ("zeta", "alpha", "mid")


# --- parameters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "quebec",
        "id:quebec",
        "https://w3id.org/jura-coop/id/quebec",
        "<https://w3id.org/jura-coop/id/quebec>",
        "Province du Québec",
        "province du québec",
    ],
)
def test_an_entity_is_a_slug_a_prefixed_name_an_iri_or_a_label(value):
    result = run_query("cooperates-with", params={"partner": value})
    assert result.boolean is True
    assert f"<{ID}quebec>" in result.query


def test_an_alternative_label_names_an_entity_too():
    assert f"<{ID}ficd>" in run_query("describe", params={"entity": "FICD"}).query


def test_a_slug_prefers_the_body_to_its_territory():
    assert f"<{ID}rcju>" in run_query("describe", params={"entity": "rcju"}).query
    # "jura" is the slug of the territory only, but a label of the canton: a label comes
    # before a slug under another path (graph.rdf.resolve), as in render --focus and path.
    assert f"<{ID}rcju>" in run_query("describe", params={"entity": "jura"}).query
    assert f"<{ID}territoire/jura>" in run_query("describe", params={"entity": "terr:jura"}).query


def test_a_label_shared_by_a_body_and_its_territory_means_the_body():
    result = run_query("describe", params={"entity": "Vallée d'Aoste"})
    assert f"<{ID}vallee-aoste>" in result.query


def test_an_ambiguous_label_lists_the_candidates(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "twins.ttl").write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        'id:one skos:prefLabel "Twin"@fr .\nid:two skos:altLabel "twin"@en .\n',
        encoding="utf-8",
    )
    with pytest.raises(ParameterError) as raised:
        run_query("describe", params={"entity": "Twin"}, data_dir=folder)
    message = str(raised.value)
    assert "names 2 entities" in message and "id:one" in message and "id:two" in message
    assert raised.value.exit_code == 2


def test_an_unknown_entity_is_a_parameter_error():
    with pytest.raises(ParameterError, match="no entity"):
        run_query("describe", params={"entity": "Atlantis"})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"steps": "two"}, "whole number"),
        ({"nope": "1"}, "no parameter 'nope'"),
        ({"lang": "not a tag!"}, "language tag"),
    ],
)
def test_bad_parameters_are_refused_before_running(params, message):
    with pytest.raises(ParameterError, match=message):
        run_query("reachable", params=params)


def test_a_year_must_be_a_year():
    with pytest.raises(ParameterError, match="year"):
        run_query("as-of-year", params={"year": "20000"})


def test_an_iri_parameter_does_not_take_a_label():
    with pytest.raises(ParameterError, match="IRI"):
        run_query("neighbours", params={"axis": "Coopération de proximité"})


def test_a_value_is_bound_as_a_term_never_pasted_as_text():
    hostile = 'x" } } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } #'
    result = run_query("SELECT ?text WHERE { }", params={"text": hostile})
    assert result.values() == [(hostile,)]


def test_an_undeclared_parameter_must_be_a_variable_of_the_query():
    with pytest.raises(ParameterError, match="no parameter 'x'") as raised:
        run_query("SELECT ?y WHERE { }", params={"x": "1"})
    assert "?y" in raised.value.hint


def test_undeclared_values_read_as_iri_number_or_text():
    result = run_query(
        "SELECT ?a ?b ?c WHERE { }", params={"a": "id:rcju", "b": "42", "c": "quarante-deux"}
    )
    assert result.rows == [
        (
            iri("rcju"),
            ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
            ox.Literal("quarante-deux"),
        )
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_parameter_is_a_constant_of_every_subquery_too(engine):
    text = (
        "SELECT ?p WHERE { { SELECT DISTINCT ?p WHERE { ?who jc:cooperatesWith ?p } } "
        "FILTER(?p != ?who) } ORDER BY ?p"
    )
    rows = run_query(text, params={"who": "id:quebec"}, engine=engine).rows
    assert rows == []  # the province itself cooperates with no one: bound inside too
    assert (iri("ficd"),) in run_query(text, params={"who": "id:rcju"}, engine=engine).rows


def test_a_parameter_reaches_an_expression_in_a_subquery():
    # Oxigraph only: rdflib 7.6 loses a variable that the outer group and a subquery both
    # bind when the subquery uses it in an expression alone (its "forget" of outer bindings).
    text = "SELECT ?x WHERE { { SELECT ?x WHERE { BIND(?v + 1 AS ?x) } } }"
    assert run_query(text, params={"v": "41"}).values() == [(42,)]


def test_the_values_block_goes_where_a_group_opens_not_in_strings_or_comments():
    from graph.rdf.sparql_text import where_groups

    text = (
        '# WHERE { in a comment\nSELECT ?x (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?x ?p "{" '
        "{ SELECT ?y WHERE { ?y ?q ?r } } }"
    )
    groups = where_groups(text)
    assert [text[at - 7 : at] for at in groups] == ["WHERE {", "WHERE {"]
    assert text[groups[0] :].startswith(' ?x ?p "{"')


def test_the_short_construct_form_takes_no_parameter():
    with pytest.raises(ParameterError, match="short form"):
        run_query("CONSTRUCT WHERE { ?s jc:partner ?o }", params={"o": "id:quebec"})


def test_the_line_numbers_of_a_query_survive_the_binding():
    text = run_query("reachable").query
    original = prepare_query("reachable").text
    assert text.count("\n") == original.count("\n")


# --- labels in the language asked for --------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_labels_come_in_the_language_asked_for_and_fall_back_to_french(engine):
    labels = {
        row["partner"]: row["partnerLabel"]
        for row in run_query("partners-by-axis", lang="en", engine=engine).records()
    }
    assert labels[ID + "quebec"] == "Quebec"  # has an English label
    italian = {
        row["partner"]: row["partnerLabel"]
        for row in run_query("partners-by-axis", lang="it", engine=engine).records()
    }
    assert italian[ID + "region-grand-est"] == "Région Grand Est"  # no Italian: French
    axes = {r["axisLabel"] for r in run_query("partners-by-axis", lang="de").records()}
    assert "Nachbarschaftliche Zusammenarbeit" in axes
    axes = {r["axisLabel"] for r in run_query("partners-by-axis", lang="it").records()}
    assert "Coopération de proximité" in axes  # no Italian label for the axes: French


def test_a_parameter_given_explicitly_wins_over_lang():
    assert run_query("neighbours", params={"lang": "en"}, lang="de").query.count('"en"') == 1


# --- results ---------------------------------------------------------------------------------


def test_values_and_records_are_plain_python():
    result = run_query("programme-periods")
    record = next(r for r in result.records() if r["currency"] == "CHF")
    assert record["amount"] == Decimal("50000000")
    assert isinstance(record["programme"], str) and record["programme"].startswith(ID)
    counts = run_query("counts").records()
    assert all(isinstance(r["count"], int) for r in counts)


@pytest.mark.parametrize("engine", ENGINES)
def test_construct_gives_triples_and_an_rdflib_graph(engine):
    result = run_query("entity", params={"entity": "ficd"}, engine=engine)
    assert result.kind == "construct" and result.triples
    graph = result.graph
    assert isinstance(graph, rdflib.Graph)
    assert (rdflib.URIRef(ID + "coopération"), None, None) not in graph
    assert (None, None, rdflib.URIRef(ID + "ficd")) in graph  # incoming links too
    assert len(graph) == len(set(result.triples))


def test_ask_gives_a_boolean():
    assert run_query("cooperates-with").boolean is True
    assert run_query("cooperates-with", params={"partner": "canton-vaud"}).boolean is False


# --- DESCRIBE: one definition on both engines -----------------------------------------------


REIFIED = """\
@prefix ex: <https://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
ex:a ex:p ex:b ; ex:q [ ex:r [ ex:s "deep" ] ] .
ex:c ex:p ex:a .
ex:st a rdf:Statement ; rdf:subject ex:a ; rdf:predicate ex:p ; rdf:object ex:b .
"""


@pytest.fixture
def reified_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "reified.ttl").write_text(REIFIED, encoding="utf-8")
    return folder


def test_the_engines_native_describe_differ_which_is_why_we_define_our_own():
    graph = rdflib.Graph().parse(data=REIFIED, format="turtle")
    native_rdflib = len(graph.query("DESCRIBE <https://example.org/a>").graph)
    store = ox.Store()
    store.load(REIFIED.encode(), format=ox.RdfFormat.TURTLE)
    native_oxigraph = len(list(store.query("DESCRIBE <https://example.org/a>")))
    assert native_rdflib != native_oxigraph  # rdflib adds the reification


@pytest.mark.parametrize("engine", ENGINES)
def test_describe_is_the_bounded_description_without_reification(engine, reified_data):
    result = run_query("DESCRIBE <https://example.org/a>", data_dir=reified_data, engine=engine)
    predicates = sorted(t.predicate.value.rsplit("/", 1)[-1] for t in result.triples)
    assert predicates == ["p", "q", "r", "s"]


@pytest.mark.parametrize("engine", ENGINES)
def test_describe_names_only_the_described_variables(engine, reified_data):
    result = run_query(
        "DESCRIBE ?x WHERE { ?x <https://example.org/p> ?y }", data_dir=reified_data, engine=engine
    )
    subjects = {t.subject.value for t in result.triples if isinstance(t.subject, ox.NamedNode)}
    assert subjects == {"https://example.org/a", "https://example.org/c"}


@pytest.mark.parametrize("engine", ENGINES)
def test_describe_an_iri_even_when_the_where_clause_has_no_solution(engine, reified_data):
    result = run_query(
        "DESCRIBE <https://example.org/c> ?x WHERE { ?x <https://example.org/none> ?y }",
        data_dir=reified_data,
        engine=engine,
    )
    assert [t.object.value for t in result.triples] == ["https://example.org/a"]


# --- named graphs ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_from_and_graph_see_one_named_graph_per_data_file(engine):
    per_file = run_query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        engine=engine,
    ).values()
    graphs = [g for g, _ in per_file]
    assert "https://w3id.org/jura-coop/graph/proximite" in graphs
    assert "https://w3id.org/jura-coop/graph/ontology" in graphs
    assert "https://w3id.org/jura-coop/graph/inferred" in graphs
    only = run_query(
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/jura-coop/graph/proximite> "
        "WHERE { ?s ?p ?o }",
        engine=engine,
    ).values()
    assert only == [(dict(per_file)["https://w3id.org/jura-coop/graph/proximite"],)]


def test_both_engines_count_the_named_graphs_alike():
    text = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert run_query(text).rows == run_query(text, engine="rdflib").rows


# --- the data ---------------------------------------------------------------------------------


MINI = """\
@prefix jc: <https://w3id.org/jura-coop/ontology#> .
@prefix id: <https://w3id.org/jura-coop/id/> .
@prefix coop: <https://w3id.org/jura-coop/id/cooperation/> .
@prefix concept: <https://w3id.org/jura-coop/id/concept/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
id:a skos:prefLabel "A"@fr .
id:b skos:prefLabel "B"@fr .
coop:ab a jc:Cooperation ; jc:actor id:a ; jc:partner id:b ; jc:axis concept:axe-proximite .
"""


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "mini.ttl").write_text(MINI, encoding="utf-8")
    return folder


@pytest.mark.parametrize("engine", ENGINES)
def test_the_derived_edges_are_there_on_both_engines(engine, mini):
    result = run_query("ASK { id:a jc:cooperatesWith id:b }", data_dir=mini, engine=engine)
    assert result.boolean is True


@pytest.mark.parametrize("engine", ENGINES)
def test_an_edited_file_is_seen_by_the_next_query(engine, mini):
    text = "SELECT ?l WHERE { id:b skos:prefLabel ?l }"
    assert run_query(text, data_dir=mini, engine=engine).values() == [("B",)]
    path = mini / "mini.ttl"
    path.write_text(MINI.replace('"B"@fr', '"Bee"@fr'), encoding="utf-8")
    assert run_query(text, data_dir=mini, engine=engine).values() == [("Bee",)]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_syntax_error_in_the_data_names_file_line_and_column(engine, mini):
    (mini / "broken.ttl").write_text(
        "@prefix ex: <http://ex/> .\nex:a ex:b ex:c\nex:d ex:e ex:f .\n"
    )
    with pytest.raises(DataSyntaxError) as raised:
        run_query("ASK { ?s ?p ?o }", data_dir=mini, engine=engine)
    assert raised.value.path.name == "broken.ttl"
    assert raised.value.line == 3
    assert raised.value.exit_code == 2


def test_a_missing_data_folder_is_an_error(tmp_path):
    with pytest.raises(DataNotFoundError):
        run_query("ASK { ?s ?p ?o }", data_dir=tmp_path / "nowhere")


def test_data_and_endpoint_exclude_each_other(mini):
    with pytest.raises(ParameterError, match="exclude"):
        run_query("counts", data_dir=mini, endpoint="http://127.0.0.1:1/sparql")


def test_an_unknown_engine_is_a_parameter_error():
    with pytest.raises(ParameterError, match="engine"):
        run_query("counts", engine="virtuoso")


def test_queries_do_not_validate_the_data(monkeypatch):
    import sys

    import pyshacl

    def forbidden(*args, **kwargs):
        raise AssertionError("a query validated the data")

    validate_module = sys.modules[
        "graph.dataset.validate"
    ]  # graph.dataset.validate is the function
    monkeypatch.setattr(pyshacl, "validate", forbidden)
    monkeypatch.setattr(validate_module, "validate", forbidden)
    for engine in ENGINES:
        assert run_query("counts", engine=engine).rows


# --- the timeout -----------------------------------------------------------------------------

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_a_runaway_query_is_stopped_and_says_so(engine):
    with pytest.raises(QueryTimeoutError) as raised:
        run_query(RUNAWAY, engine=engine, timeout=1)
    assert str(raised.value) == "query stopped after 1 s"
    assert raised.value.exit_code == 1


@pytest.mark.slow
def test_a_query_within_its_timeout_answers_as_without_one():
    assert run_query("counts", timeout=60).rows == run_query("counts").rows


@pytest.mark.slow
def test_an_error_in_the_worker_keeps_its_type_and_message(mini):
    with pytest.raises(ParameterError, match="no entity") as raised:
        run_query("describe", params={"entity": "Atlantis"}, timeout=60, data_dir=mini)
    assert raised.value.exit_code == 2


def test_a_timeout_must_be_positive():
    with pytest.raises(ParameterError, match="positive"):
        run_query("counts", timeout=0)


def test_an_engine_failure_is_a_failed_query():
    # rdflib lets Python's re.error escape from an invalid pattern; Oxigraph leaves ?x unbound.
    with pytest.raises(QueryFailedError, match="rdflib could not answer") as raised:
        run_query('SELECT ?x WHERE { BIND(REGEX("a", "(") AS ?x) }', engine="rdflib")
    assert raised.value.exit_code == 1


def test_the_result_is_a_plain_dataclass():
    result = run_query("cooperates-with")
    assert isinstance(result, QueryResult)
    assert result.rows == [] and result.triples == [] and result.variables == ()
