"""The home page's data in-process: catalogue headers for the page, /completions, /network,
warnings in a header, and the labels of the standard vocabularies' terms."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from graph.page.query_page import query_page
from graph.page.query_words import COLUMN_NAMES, PAGE_LANGUAGES, WORDS
from graph.page.vocabulary import term_labels
from graph.server.app import ServerConfig, create_app
from graph.sparql.catalogue import THEMES, VIEWS, HeaderError, list_queries, parse_header
from graph.sparql.prepare import prepare_query
from graph.sparql.query import run_query

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CATALOGUE = list_queries()


@pytest.fixture(scope="module")
def client():
    app = create_app(ServerConfig(timeout=300, max_concurrency=1))
    with TestClient(app) as test_client:
        yield test_client


# --- the catalogue, as the page needs it --------------------------------------------------------


@pytest.mark.parametrize("entry", CATALOGUE, ids=[e.name for e in CATALOGUE])
def test_every_query_has_a_theme_a_question_and_views_that_fit_its_answer(entry):
    assert entry.theme in THEMES
    assert {"fr", "en", "de"} <= entry.question.keys() and all(entry.question.values())
    assert entry.title.get("de")
    assert entry.views, "the view the page opens on"
    form = prepare_query(entry.name).info.form
    projection = run_query(entry.name).variables
    for view in entry.views:
        if view.name == "network":
            assert form in ("construct", "describe")
        for column in view.options.values():
            assert column in projection, (entry.name, view.name, column)
    if form in ("construct", "describe"):
        assert {v.name for v in entry.views} <= {"table", "network"}


def test_the_page_has_every_word_in_every_language_and_names_the_columns():
    keys = WORDS["fr"].keys()
    for lang in PAGE_LANGUAGES:
        assert WORDS[lang].keys() == keys and all(WORDS[lang].values()), lang
    columns = {
        v[: -len("Label")] if v.endswith("Label") else v
        for entry in CATALOGUE
        for v in run_query(entry.name).variables
    }
    assert columns <= set(COLUMN_NAMES), sorted(columns - set(COLUMN_NAMES))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("# theme: gossip", "unknown theme"),
        ("# view: pie", "unknown view"),
        ("# view: bar colour=axis", "cannot read 'colour=axis'"),
        ("# renamed: language", "cannot read the line"),
        ("# renamed: language -> tongue", "not a parameter"),
    ],
)
def test_a_malformed_page_header_line_is_an_error(line, message):
    text = f"# title.fr: T\n# param: lang [lang] = fr — l / l\n{line}\nASK {{}}\n"
    with pytest.raises(HeaderError, match=message):
        parse_header(text)


def test_views_take_only_their_own_options():
    assert set(VIEWS) == {"table", "bar", "timeline", "network", "map"}
    header = parse_header("# title.fr: T\n# view: timeline start=date end=end label=x\nASK {}")
    assert header.views[0].options == {"start": "date", "end": "end", "label": "x"}


# --- the page and its routes ----------------------------------------------------------------------


def test_the_home_page_speaks_the_language_asked_for(client):
    for lang, title in (("de", "Die Aussenbeziehungen"), ("it", "La cooperazione")):
        page = client.get(f"/?lang={lang}")
        assert page.status_code == 200 and title in page.text
    assert "La coopération" in client.get("/", headers={"Accept-Language": "fr-CH"}).text
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "The external cooperation" in english.text
    assert english.headers["vary"] == "Accept-Language"


def test_the_home_page_allows_frames_of_this_server_only(client):
    policy = client.get("/").headers["content-security-policy"]
    assert "frame-src 'self'" in policy and "default-src 'none'" in policy
    html = query_page("fr").html.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "innerHTML" not in html and "eval(" not in html and "insertAdjacentHTML" not in html


def test_completions_name_prefixes_terms_and_entities(client):
    response = client.get("/completions")
    assert response.status_code == 200
    data = response.json()
    assert data["prefixes"]["jc"] == "https://w3id.org/jura-coop/ontology#"
    terms = {t["iri"]: t for t in data["terms"]}
    assert terms["https://w3id.org/jura-coop/ontology#cooperatesWith"]["kind"] == "property"
    assert terms["https://w3id.org/jura-coop/ontology#Agreement"]["kind"] == "class"
    assert terms["http://purl.org/dc/terms/source"]["labels"]["fr"] == "source"
    entities = {e["iri"]: e["labels"] for e in data["entities"]}
    assert entities["https://w3id.org/jura-coop/id/quebec"]["fr"] == "Province du Québec"
    assert data["summary"]["partners"] == len(
        {row["partner"] for row in run_query("partners-by-axis").records()}
    )


def test_the_network_route_draws_a_construct_answer(client):
    response = client.get("/network", params={"name": "network", "lang": "en"})
    assert response.status_code == 200, response.text
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "<canvas" in response.text or "vis-network" in response.text
    text = client.get(
        "/network",
        params={
            "query": "CONSTRUCT { ?a jc:cooperatesWith ?b } WHERE { ?a jc:cooperatesWith ?b }"
        },  # fmt: skip
    )
    assert text.status_code == 200
    table = client.get("/network", params={"name": "counts"})
    assert table.status_code == 400 and "not a network" in table.text
    refused = client.get(
        "/network", params={"query": "CONSTRUCT WHERE { SERVICE <http://x.invalid/> { ?s ?p ?o } }"}
    )
    assert refused.status_code == 400 and "SERVICE" in refused.text
    assert client.get("/network", params={"name": "../etc"}).status_code == 404


def test_a_warning_travels_in_a_header(client):
    response = client.get(
        "/sparql",
        params={"query": "SELECT ?p WHERE { id:rcju jc:cooperateWith ?p }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert response.status_code == 200
    assert json.loads(response.headers["x-query-warnings"]) == [
        "jc:cooperateWith is used neither by the ontology nor by the data; "
        "did you mean jc:cooperatesWith?"
    ]
    clean = client.get("/queries/partners-by-axis")
    assert "x-query-warnings" not in clean.headers


def test_the_catalogue_route_keeps_a_querys_own_language(client):
    german = client.get("/queries/missing-labels", headers={"Accept": "text/csv"})
    english = client.get("/queries/missing-labels?lang=en", headers={"Accept": "text/csv"})
    assert len(german.text.splitlines()) == len(run_query("missing-labels").rows) + 1
    assert english.text.splitlines() == ["entity,inFrench,kind"]
    renamed = client.get("/queries/missing-labels?language=en", headers={"Accept": "text/csv"})
    assert renamed.text == english.text
    assert "now called 'lang'" in renamed.headers["x-query-warnings"]


# --- labels of the standard vocabularies ----------------------------------------------------------


def test_every_term_the_data_uses_has_a_label_in_french_english_and_german():
    used = run_query(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } "
        "FILTER NOT EXISTS { ?t rdfs:label ?l } }"
    ).rows
    labels = term_labels()
    missing = [t.value for (t,) in used if not {"fr", "en", "de"} <= labels.get(t.value, {}).keys()]
    assert missing == []


def test_entity_pages_name_properties_by_their_labels(client):
    page = client.get("/id/cooperation/quebec").text
    assert ">source<" in page and ">dct:source<" not in page.split("<details")[0]
    assert "Relations, par axe" not in page  # a relation has none of its own
    rcju = client.get("/id/rcju?lang=en").text
    for heading in ("Identity", "Relations, by cooperation axis", "History", "Sources"):
        assert f"<h2>{heading}</h2>" in rcju
    assert "All the triples" in rcju
    # Every relation of the canton itself (not of its units) is listed under its axis.
    for row in run_query("partners-by-axis").records():
        if row["by"].endswith("/id/rcju"):
            assert "/id/" + row["relation"].split("/id/", 1)[1] + "?lang=en" in rcju
