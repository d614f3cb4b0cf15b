"""The catalogue: complete headers, working examples, and the same answers on both engines."""

from __future__ import annotations

import shlex

import pytest

from graph.cli import cli
from graph.rdf import sparql_text
from graph.sparql.catalogue import PARAMETER_TYPES, parse_header
from graph.sparql.prepare import prepare_query
from graph.sparql.query import run_query
from tests.helpers import gen_synthetic
from tests.helpers.catalogue import CATALOGUE, NAMES, normalised, runs


def test_the_catalogue_has_at_least_15_queries():
    assert len(CATALOGUE) >= 15


def test_select_ask_construct_and_describe_all_appear():
    forms = {prepare_query(e.name).info.form for e in CATALOGUE}
    assert forms == {"select", "ask", "construct", "describe"}


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_every_header_is_complete(entry):
    assert entry.title.keys() >= {"fr", "en"} and all(entry.title.values())
    assert entry.description.keys() >= {"fr", "en"} and all(entry.description.values())
    assert entry.examples, "an example call"
    assert all(e.startswith(f"coopgraph query {entry.name}") for e in entry.examples)
    variables = prepare_query(entry.name).info.variables
    for parameter in entry.parameters:
        assert parameter.type in PARAMETER_TYPES
        assert parameter.default and parameter.description
        assert parameter.name in variables, f"?{parameter.name} is not used by the query"


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_a_query_that_shows_labels_takes_the_language(entry):
    info = prepare_query(entry.name).info
    if "lang" in info.variables or any(v.endswith("Label") for v in info.projection):
        lang = entry.parameter("lang")
        # Labels fall back to French; missing-labels is about a language's gaps, German's
        # by default (French labels are never missing: the query lists what has one).
        default = "de" if entry.name == "missing-labels" else "fr"
        assert lang is not None and lang.type == "lang" and lang.default == default


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_every_answer_is_deterministic(entry):
    """ORDER BY on every SELECT, and no aggregate whose result depends on the order."""
    words = [t.text.upper() for t in sparql_text.tokens(entry.text) if t.kind == "word"]
    if prepare_query(entry.name).info.form == "select":
        assert "ORDER" in words
    assert "GROUP_CONCAT" not in words and "SAMPLE" not in words


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_every_example_runs(runner, entry):
    for example in entry.examples:
        args = shlex.split(example.split(">")[0])[1:]
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, (example, result.output)
        assert result.stdout_bytes


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_both_engines_give_the_same_answers(entry):
    for params, lang in runs(entry):
        ours = run_query(entry.name, params=params, lang=lang)
        theirs = run_query(entry.name, params=params, lang=lang, engine="rdflib")
        assert ours.kind == theirs.kind
        # Every SELECT has a total ORDER BY: the rows compare in order, not as a multiset.
        assert normalised(ours) == normalised(theirs), (entry.name, params, lang)


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_every_query_has_an_answer_on_the_shipped_data(entry):
    result = run_query(entry.name)
    assert result.rows or result.triples or result.boolean is not None


def test_the_queries_command_lists_name_then_title(runner):
    result = runner.invoke(cli, ["queries"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(CATALOGUE)
    for line, entry in zip(lines, CATALOGUE, strict=True):
        name, title = line.split(maxsplit=1)
        assert name == entry.name and title == entry.title["fr"]
    english = runner.invoke(cli, ["queries", "--lang", "en"]).output
    assert CATALOGUE[0].title["en"] in english


def test_the_queries_command_shows_one_query(runner):
    result = runner.invoke(cli, ["queries", "reachable", "--lang", "en"])
    assert result.exit_code == 0
    assert "steps [integer] = 2" in result.output and "Examples:" in result.output


def test_a_header_line_that_is_not_a_key_is_an_error():
    from graph.sparql.catalogue import HeaderError

    with pytest.raises(HeaderError, match="titel"):
        parse_header("# title.fr: x\n# titel.en: y\nASK {}")
    with pytest.raises(HeaderError, match="parameter line"):
        parse_header("# title.fr: x\n# param: year = 2010\nASK {}")


def test_a_comment_that_is_not_a_header_is_just_a_comment():
    header = parse_header("# What do we have with Québec?\nASK { ?s ?p ?o }")
    assert header.title == {} and header.parameters == ()


def test_continuation_lines_join_the_field_above():
    header = parse_header("# description.en: one\n#   two\n#\n# title.fr: t\nASK {}")
    assert header.description == {"en": "one two"} and header.title == {"fr": "t"}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_member_is_never_listed_as_another_member_of_its_body(engine):
    # The label patterns of ?otherMember repeat its filter: without it, a body whose only
    # member is the canton (the AER) listed the canton as its other member.
    records = run_query("multilateral-memberships", engine=engine).records()
    assert all(r["otherMember"] != "https://w3id.org/jura-coop/id/rcju" for r in records)
    aer = [r for r in records if r["body"].endswith("/assemblee-regions-europe")]
    assert [r["otherMember"] for r in aer] == [None]


def english_names() -> set[str]:
    rows = run_query(
        "SELECT DISTINCT ?e WHERE { ?e skos:prefLabel|rdfs:label ?l FILTER(LANG(?l) = 'en') }"
    ).values()
    return {e for (e,) in rows}


@pytest.mark.parametrize(
    "entry", [e for e in CATALOGUE if e.parameter("lang")], ids=lambda e: e.name
)
def test_labels_in_english_wherever_the_data_has_them(entry):
    """A label pattern out of the scope of ?lang (in a UNION branch, say) falls back to
    French silently, on both engines alike: this test notices."""
    english = english_names()
    for engine in ("oxigraph", "rdflib"):
        result = run_query(entry.name, lang="en", engine=engine)
        if result.kind == "select":
            # A column xLabel holds the label of the column x.
            pairs = [
                (result.variables.index(c[: -len("Label")]), i)
                for i, c in enumerate(result.variables)
                if c.endswith("Label") and c[: -len("Label")] in result.variables
            ]
            for row in result.rows:
                for named, label in pairs:
                    if row[named] is not None and row[named].value in english and row[label]:
                        assert row[label].language == "en", (entry.name, engine, row[named])
        else:
            for triple in result.triples:
                if triple.predicate.value.endswith("#prefLabel") and (
                    triple.subject.value in english
                ):
                    assert triple.object.language == "en", (entry.name, engine, triple)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A synthetic graph of our shape (scripts/gen_synthetic.py), with longer paths and
    more of everything than the shipped data."""
    folder = tmp_path_factory.mktemp("synthetic")
    gen_synthetic().write(1000, folder)
    return folder


@pytest.mark.parametrize("entry", CATALOGUE, ids=NAMES)
def test_both_engines_agree_on_a_synthetic_graph_too(entry, synthetic):
    ours = run_query(entry.name, data_dir=synthetic)
    theirs = run_query(entry.name, data_dir=synthetic, engine="rdflib")
    assert normalised(ours) == normalised(theirs)


# Slow: more parameters for two queries the test above already runs on the synthetic graph.
@pytest.mark.slow
@pytest.mark.parametrize(
    "params",
    [{"entity": e, "steps": s} for e in ("rcju", "quebec", "b5") for s in ("1", "3")]
    + [{"year": y} for y in ("1980", "2000", "2020")],
    ids=str,
)
def test_both_engines_agree_on_paths_and_years(params, synthetic):
    name = "as-of-year" if "year" in params else "reachable"
    ours = run_query(name, params=params, data_dir=synthetic)
    assert ours.rows
    theirs = run_query(name, params=params, data_dir=synthetic, engine="rdflib")
    assert ours.rows == theirs.rows


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_agreements_whose_parties_no_source_names_say_so_and_name_their_body(engine):
    records = {
        r["agreement"].rsplit("/", 1)[1]: r
        for r in run_query("agreements", lang="en", engine=engine).records()
    }
    unknown = {name for name, r in records.items() if r["partiesUnknown"]}
    assert unknown == {
        "accord-de-bonn-1975",
        "convention-communaute-travail-jura-1985",
        "convention-ctj-2002",
        "accord-de-bale-2000",
    }
    assert all(records[name]["parties"] == 0 for name in unknown)
    assert records["entente-jura-quebec-1983"]["partiesUnknown"] is False
    # None floats: each is tied to the body it sets up or governs, or framed a membership.
    assert records["accord-de-bonn-1975"]["governsLabel"] == (
        "Franco-German-Swiss Intergovernmental Commission"
    )
    for name in ("convention-communaute-travail-jura-1985", "convention-ctj-2002"):
        assert records[name]["governs"].endswith("/arcjurassien-org")
    assert records["accord-vallee-aoste-jura-2004"]["placeLabel"] is None
    assert records["accord-vallee-aoste-jura-2004"]["approvedInLabel"] == "Aosta"
