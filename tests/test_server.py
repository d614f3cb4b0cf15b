"""``coopgraph serve`` in-process (Starlette's TestClient): the SPARQL endpoint, content
negotiation, refusals, limits, the entity pages and the pages of the whole graph.

The real server on a socket (SPARQLWrapper, the load test, raw hostile requests, Ctrl-C)
is in ``test_server_live.py``; the W3C protocol cases in ``test_server_protocol.py``.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from graph.cli import cli
from graph.server.app import ServerConfig, create_app
from graph.server.reply import negotiate
from graph.server.rewrite import with_dataset
from graph.sparql.query import run_query
from graph.workers.pool import PoolBusyError, QueryDeadlineError, WorkerPool
from tests.helpers import FIXTURES

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2; httpx (the project's test dependency) still works.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

HOSTILE = FIXTURES / "hostile"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def client():
    """One server (two workers) for the module: starting workers costs about a second.

    Its limit is generous: on a busy machine a plain query may take long, and only the
    tests about deadlines ask for a short one (``timeout=``)."""
    app = create_app(ServerConfig(timeout=300, max_rows=50, max_body=4096, max_concurrency=2))
    with TestClient(app) as test_client:
        yield test_client


def sparql(client, query: str, accept: str = JSON, **params):
    return client.get("/sparql", params={"query": query, **params}, headers={"Accept": accept})


def wait_until(condition, seconds: float = 60) -> None:
    """Poll ``condition`` until it holds; fail after ``seconds`` (a ceiling, not a pace)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"still not so after {seconds} s")
        time.sleep(0.01)


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]["bindings"]


# --- the three ways in --------------------------------------------------------------------------


def test_get_post_form_and_post_direct_give_the_same_rows(client):
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/jura-coop/ontology#Cooperation> } ORDER BY ?s"
    get = client.get("/sparql", params={"query": query}, headers={"Accept": JSON})
    form = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    direct = client.post(
        "/sparql",
        content=query.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": JSON},
    )
    rows = bindings(get)
    assert rows and rows == bindings(form) == bindings(direct)
    expected = [row[0].value for row in run_query(query).rows]
    assert [row["s"]["value"] for row in rows] == expected


def test_a_catalogue_text_runs_with_its_default_parameters(client):
    # The header of a catalogue query declares its parameters with defaults: sent as text,
    # it answers what `coopgraph query NAME` answers.
    from graph.sparql.catalogue import find_query

    entry = find_query("partners-by-axis")
    response = client.post("/sparql", data={"query": entry.text}, headers={"Accept": JSON})
    assert len(bindings(response)) == len(run_query("partners-by-axis").rows)


def test_catalogue_route_binds_parameters_and_language(client):
    response = client.get(
        "/queries/source-excerpts",
        params={"about": "quebec", "lang": "en"},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    expected = run_query("source-excerpts", params={"about": "quebec"}, lang="en")
    assert len(response.text.strip().splitlines()) == len(expected.rows) + 1
    listing = client.get("/queries").json()
    assert {q["name"] for q in listing} >= {"partners-by-axis", "entity", "describe"}


@pytest.mark.parametrize("name", ["no-such-query", "..%2F..%2Fetc%2Fpasswd.rq", "x.rq"])
def test_catalogue_route_never_reads_a_file(client, name):
    response = client.get(f"/queries/{name}")
    assert response.status_code == 404
    assert "root:" not in response.text


def test_catalogue_route_reports_a_bad_parameter(client):
    response = client.get("/queries/as-of-year", params={"year": "soon"})
    assert response.status_code == 400
    assert "year" in response.text


# --- content negotiation ----------------------------------------------------------------------

SELECT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.mark.parametrize("media_type", sorted(SELECT_TYPES))
def test_select_in_each_results_format(client, media_type):
    query = (
        "SELECT ?s ?label WHERE { ?s a jc:Cooperation ; skos:prefLabel ?label "
        "FILTER(LANG(?label) = 'fr') } ORDER BY ?s"
    )
    response = sparql(client, query, media_type)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    expected = run_query(query).rows
    if media_type == "text/csv":  # CSV keeps only the lexical forms, and Oxigraph won't read it
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["s", "label"]
        assert rows[1:] == [[t.value for t in row] for row in expected]
    else:
        parsed = ox.parse_query_results(response.content, format=SELECT_TYPES[media_type])
        assert [tuple(s) for s in parsed] == expected


@pytest.mark.parametrize("media_type", [JSON, "application/sparql-results+xml"])
def test_ask_in_json_and_xml(client, media_type):
    response = sparql(client, "ASK { ?s ?p ?o }", media_type)
    assert response.status_code == 200
    parsed = ox.parse_query_results(response.content, format=SELECT_TYPES[media_type])
    assert bool(parsed) is True


@pytest.mark.parametrize(
    "form",
    ["CONSTRUCT WHERE { id:quebec ?p ?o }", "DESCRIBE <https://w3id.org/jura-coop/id/quebec>"],
)
@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_graph_results_in_each_rdf_format(client, form, media_type):
    response = sparql(client, form, media_type)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    graph = rdflib.Graph().parse(data=response.content, format=RDF_TYPES[media_type])
    assert len(graph) == len(run_query(form).triples) > 0


def test_quality_values_and_wildcards_choose_the_format(client):
    response = sparql(
        client,
        "SELECT * { ?s ?p ?o } LIMIT 1",
        "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1",
    )
    assert response.headers["content-type"].startswith("application/sparql-results+xml")
    response = sparql(client, "SELECT * { ?s ?p ?o } LIMIT 1", "text/*")
    assert response.headers["content-type"].startswith("text/csv")
    # A browser's Accept: JSON, the first offer, through */*.
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = sparql(client, "ASK {}", browser)
    assert response.headers["content-type"].startswith(JSON)


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT * { ?s ?p ?o } LIMIT 1", "image/png"),
        ("SELECT * { ?s ?p ?o } LIMIT 1", "text/turtle"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "text/csv"),
        ("ASK {}", "application/*;q=0, text/*;q=0"),
    ],
)
def test_nothing_acceptable_is_406(client, query, accept):
    response = sparql(client, query, accept)
    assert response.status_code == 406
    assert response.headers["content-type"].startswith("text/plain")
    assert "Ask for one of" in response.text


def test_negotiate_prefers_the_most_specific_range():
    offers = ["application/sparql-results+json", "text/csv"]
    assert negotiate("", offers) == offers[0]
    assert negotiate("text/csv", offers) == "text/csv"
    assert negotiate("*/*;q=0.5, text/csv;q=0.4", offers) == offers[0]
    assert negotiate("text/*;q=0.9, */*;q=0.1, text/csv;q=0", offers) == offers[0]
    # A header with nothing readable in it is no header; a bad weight is weight 0.
    assert negotiate("garbage", offers) == offers[0]
    assert negotiate("text/csv;q=abc", offers) is None


# --- refusals and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
    ],
)
def test_updates_service_and_remote_from_are_refused(client, query):
    for response in (sparql(client, query), client.post("/sparql", data={"query": query})):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("text/plain")
        assert "refused" in response.text


def test_update_parameter_and_update_media_type_are_refused(client):
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 400
    response = client.post("/sparql", data={"update": "CLEAR ALL"})
    assert response.status_code == 400 and "read-only" in response.text
    response = client.post(
        "/sparql", content=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"}
    )
    assert response.status_code == 400 and "read-only" in response.text


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client, method):
    response = client.request(method, "/sparql", params={"query": "ASK {}"})
    assert response.status_code == 405
    assert "GET" in response.headers["allow"] and "POST" in response.headers["allow"]


def test_syntax_error_is_400_with_line_and_column(client):
    response = sparql(client, "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/plain")
    assert "line 3, column" in response.text


def test_two_queries_missing_or_wrong_media_type_are_400(client):
    two = client.get("/sparql?query=ASK%20%7B%7D&query=ASK%20%7B%7D")
    assert two.status_code == 400 and "2 queries" in two.text
    both = client.post(
        "/sparql?query=ASK%20%7B%7D",
        content=b"ASK {}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert both.status_code == 400
    assert client.post("/sparql", content=b"ASK {}").status_code == 400
    wrong = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 400 and "text/plain" in wrong.text
    empty = client.post("/sparql", data={}, headers={"Accept": JSON})
    assert empty.status_code == 400


def test_dataset_parameters_naming_graphs_we_do_not_hold_are_refused(client):
    for name in ("default-graph-uri", "named-graph-uri"):
        response = client.get("/sparql", params={"query": "ASK {}", name: "http://example.org/g"})
        assert response.status_code == 400
        assert "not held here" in response.text


def test_dataset_parameters_restrict_the_dataset(client):
    ask = "ASK { <https://w3id.org/jura-coop/id/quebec> ?p ?o }"
    jura = "https://w3id.org/jura-coop/graph/jura"
    interregional = "https://w3id.org/jura-coop/graph/interregional"
    assert sparql(client, ask, **{"default-graph-uri": jura}).json()["boolean"] is False
    assert sparql(client, ask, **{"default-graph-uri": interregional}).json()["boolean"] is True


def test_with_dataset_puts_from_where_the_grammar_wants_it():
    g = ["https://w3id.org/jura-coop/graph/jura"]
    cases = {
        "ASK {}": "ASK  FROM <G> {}",
        "SELECT ?x WHERE { ?x ?p ?o }": "SELECT ?x  FROM <G> WHERE { ?x ?p ?o }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }": (
            "CONSTRUCT { ?s ?p ?o }  FROM <G> WHERE { ?s ?p ?o }"
        ),
        "CONSTRUCT WHERE { ?s ?p ?o }": "CONSTRUCT  FROM <G> WHERE { ?s ?p ?o }",
        "DESCRIBE <http://x>": "DESCRIBE <http://x> FROM <G> ",
        "SELECT * FROM <http://remote> WHERE {}": "SELECT *   FROM <G> WHERE {}",
        "SELECT * { { SELECT ?x WHERE { ?x ?y ?z } } }": (
            "SELECT *  FROM <G> { { SELECT ?x WHERE { ?x ?y ?z } } }"
        ),
    }
    for query, expected in cases.items():
        assert with_dataset(query, g, []) == expected.replace("<G>", f"<{g[0]}>"), query


def test_body_over_the_limit_is_413(client):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 5000
    assert client.post("/sparql", data={"query": big}).status_code == 413
    assert (
        client.post(
            "/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}
        ).status_code
        == 413
    )
    assert client.get("/sparql", params={"query": big}).status_code == 413

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(10):
            yield b"#" + b"x" * 999

    response = client.post(
        "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"ASK {} # \xff\xfe", "application/sparql-query"),
        ("ASK {}".encode("utf-16"), "application/sparql-query"),
        (b"ASK {}", "application/sparql-query; charset=latin-1"),
        (b"query=ASK%20%7B%7D%20%23%FF", "application/x-www-form-urlencoded"),
        (b"query=ASK {} \xc3", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_encodings_are_400(client, body, content_type):
    response = client.post("/sparql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert "UTF-8" in response.text or "utf-8" in response.text.lower()


def test_malformed_percent_encoding_in_the_url_is_400(client):
    assert client.get("/sparql?query=ASK%20%7B%7D%20%23%C3%28").status_code == 400


# --- limits -----------------------------------------------------------------------------------


def test_rows_over_the_limit_are_cut_and_the_cut_is_announced(client):
    response = sparql(client, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(bindings(response)) == 50
    assert response.headers["x-result-truncated"] == "true"
    assert response.headers["x-result-limit"] == "50"
    assert int(response.headers["x-result-total"]) > 2000
    assert "truncated" in response.headers["warning"]
    small = sparql(client, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5")
    assert "x-result-truncated" not in small.headers
    construct = sparql(client, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(construct.text.strip().splitlines()) == 50
    assert construct.headers["x-result-truncated"] == "true"


def test_a_client_may_lower_the_deadline_never_raise_it(client):
    response = sparql(client, RUNAWAY, timeout="1.5")
    assert response.status_code == 503
    assert "1.5 s" in response.text
    # Asking for more than the server's 300 s changes nothing: the server's limit stays.
    assert sparql(client, "ASK {}", timeout="999999").status_code == 200


@pytest.mark.parametrize("asked", ["0.001", "0", "-1", "0.5", "nan", "inf", "-inf", "1e309"])
def test_a_deadline_below_the_floor_is_refused_and_kills_no_worker(client, asked):
    pool = client.app.state.pool
    killed, pids = pool.stats.killed, pool.pids
    response = sparql(client, RUNAWAY, timeout=asked)
    assert response.status_code == 400, response.text
    assert "timeout=" in response.text and "1 s" in response.text
    assert pool.stats.killed == killed and pool.pids == pids


def test_deep_nesting_is_400_with_its_position(client):
    for query in (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 30 + "?o" + ")" * 30 + ") }",
        "SELECT * WHERE " + "{" * 40 + " ?s ?p ?o " + "}" * 40,
    ):
        response = sparql(client, query)
        assert response.status_code == 400, response.text
        assert "line 1, column" in response.text and "brackets" in response.text


def test_checking_a_huge_query_is_under_the_deadline(small_pool_app):
    """rdflib's parser needs tens of seconds for 10,000 VALUES rows: the deadline stops it."""
    rows = " ".join(f'"value {i}"' for i in range(10_000))
    query = f"SELECT * WHERE {{ VALUES ?x {{ {rows} }} }}"
    # The query asks for 1 s; the server's own limit (which also bounds the wait for a free
    # worker) is generous, so that a busy machine only slows the test down.
    with small_pool_app(timeout=300, max_concurrency=1, spare_workers=1) as test_client:
        response = test_client.post(
            "/sparql?timeout=1",
            content=query.encode(),
            headers={"content-type": "application/sparql-query"},
        )
        assert response.status_code == 503, response.text[:200]
        assert "stopped" in response.text
        assert sparql(test_client, "ASK {}").status_code == 200


@pytest.fixture()
def small_pool_app():
    def make(**options):
        return TestClient(create_app(ServerConfig(**options)))

    return make


def test_runaway_query_is_killed_with_503_and_the_worker_replaced(small_pool_app):
    # The runaway asks for 1 s; the server's own limit, which also bounds the wait for a
    # free worker, is generous: on a busy machine a request may wait, never fail for it.
    with small_pool_app(timeout=300, max_concurrency=1) as test_client:
        pool = test_client.app.state.pool
        assert pool.standing_by == 1
        before = pool.pids
        response = sparql(test_client, RUNAWAY, timeout="1")
        assert response.status_code == 503
        assert "stopped" in response.text and "1 s" in response.text
        assert "retry-after" not in response.headers  # retrying would only time out again
        # The spare that stood by answers the next query at once.
        assert pool.stats.promoted == 1
        assert sparql(test_client, "ASK {}").json()["boolean"] is True
        assert pool.stats.killed == 1
        assert pool.pids and pool.pids != before


def test_full_queue_is_503_with_retry_after():
    async def scenario():
        pool = WorkerPool(handler="graph.server.tasks", size=1, max_queue=0)
        await pool.start()
        try:
            from graph.server.tasks import SparqlTask

            slow = asyncio.create_task(pool.run(SparqlTask(RUNAWAY), deadline=2.0))
            await asyncio.sleep(0.2)
            with pytest.raises(PoolBusyError):
                await pool.run(SparqlTask("ASK {}"), deadline=2.0)
            with pytest.raises(QueryDeadlineError):
                await slow
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_busy_server_answers_503_with_retry_after(small_pool_app):
    import threading

    # The runaway holds the only worker for 3 s: time enough for the next request to find
    # it busy however slow the machine is, once the runaway is seen holding it.
    with small_pool_app(timeout=300, max_concurrency=1, max_queue=0) as test_client:
        slow = threading.Thread(target=sparql, args=(test_client, RUNAWAY), kwargs={"timeout": "3"})
        slow.start()
        try:
            pool = test_client.app.state.pool
            wait_until(lambda: pool.idle == 0)  # the runaway holds the only worker
            response = sparql(test_client, "ASK {}")
            assert response.status_code == 503
            assert response.headers["retry-after"] == "1"
            assert "busy" in response.text
        finally:
            slow.join()


def test_worker_over_its_memory_limit_is_replaced(small_pool_app):
    # Six million rows of six terms do not fit in 600 MiB: the worker runs out, the
    # request gets a 503 that says why, a fresh worker replaces it, the next is answered.
    with small_pool_app(timeout=300, max_concurrency=1, worker_memory=600) as test_client:
        response = sparql(test_client, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }")
        assert response.status_code == 503
        assert "memory" in response.text
        assert sparql(test_client, "ASK {}").status_code == 200
        assert test_client.app.state.pool.stats.crashed == 1


def test_unreadable_data_stops_the_start_with_its_position(tmp_path):
    (tmp_path / "broken.ttl").write_text("@prefix x: <http://x/> .\nx:a x:b x:c\n", "utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["serve", "--port", "0", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "broken.ttl:3" in result.output or "broken.ttl:2" in result.output


# --- service description, CORS, headers -------------------------------------------------------


def test_service_description_without_a_query(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef("http://127.0.0.1:8000/sparql")
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert "https://w3id.org/jura-coop/graph/jura" in names
    browser = client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/"


def test_cors_is_off_unless_an_origin_is_given(client, small_pool_app):
    origin = {"Origin": "https://yasgui.example"}
    assert "access-control-allow-origin" not in sparql(client, "ASK {}").headers
    response = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert "access-control-allow-origin" not in response.headers
    with small_pool_app(max_concurrency=1, cors_origin="https://yasgui.example") as test_client:
        response = test_client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
        assert response.headers["access-control-allow-origin"] == "https://yasgui.example"
        other = test_client.get(
            "/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        preflight = test_client.options(
            "/sparql",
            headers={
                **origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 200


def test_every_response_forbids_sniffing_and_framing(client):
    for path in ("/", "/sparql?query=ASK%20%7B%7D", "/id/rcju", "/id/nope", "/nowhere"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["x-frame-options"] == "DENY", path


def test_a_forged_host_header_never_reaches_the_answers(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle", "Host": "evil.example"})
    assert "evil.example" not in response.text
    void = client.get("/.well-known/void", headers={"Host": "evil.example"})
    assert "evil.example" not in void.text


# --- entity pages -----------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(k, v or "") for k, v in attrs]
        if tag == "a":
            self.links += [v for k, v in attrs if k == "href"]

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_entity_page_for_browsers(client):
    response = client.get("/id/territoire/jura", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "Accept" in response.headers["vary"]
    assert response.headers["content-location"] == "/id/territoire/jura?format=html"
    page = parse(response.text)
    text = " ".join(page.text)
    assert "Canton du Jura" in text
    # Identifiers link out (Wikidata), relations link to other entity pages.
    assert any(link.startswith("http://www.wikidata.org/entity/Q") for link in page.links)
    assert "/id/rcju" in page.links or any(link.startswith("/id/") for link in page.links)
    assert "script" not in page.tags


def test_entity_page_shows_source_excerpts_and_links_relations(client):
    page = parse(client.get("/id/quebec").text)
    text = " ".join(page.text)
    assert "Sources" in text
    assert "/id/cooperation/quebec" in page.links
    excerpt = run_query("source-excerpts", params={"about": "quebec"}).records()
    quotes = {row["quote"] for row in excerpt if row["quote"]}
    assert quotes and all(quote in text for quote in quotes)


def test_entity_page_labels_in_the_chosen_language(client):
    french = parse(client.get("/id/rcju").text)
    english = parse(client.get("/id/rcju?lang=en").text)
    german = parse(client.get("/id/rcju", headers={"Accept-Language": "de-CH, en;q=0.5"}).text)
    assert "République et Canton du Jura" in french.text
    assert "Canton of Jura" in english.text
    assert "Mentionné par" in french.text and "Referred to by" in english.text
    assert "Erwähnt von" in german.text


@pytest.mark.parametrize(("accept", "fmt"), sorted(RDF_TYPES.items()))
def test_entity_as_rdf_for_programs(client, accept, fmt):
    response = client.get("/id/quebec", headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    graph = rdflib.Graph().parse(data=response.content, format=fmt)
    iri = rdflib.URIRef("https://w3id.org/jura-coop/id/quebec")
    # Both directions, as the catalogue's entity query gives them.
    assert (iri, None, None) in graph and (None, None, iri) in graph
    expected = run_query("entity", params={"entity": "id:quebec"}).triples
    assert len(graph) == len(expected)


def test_entity_page_shows_at_most_max_rows_values(client):
    # The source page is cited by 78 statements; the module's server shows 50.
    page = parse(client.get("/id/source/jura-cop").text)
    assert sum(1 for tag in page.tags if tag in ("li", "dd")) <= 50 + 20
    assert any("valeurs non affichées" in text for text in page.text)
    assert not any("valeurs non affichées" in t for t in parse(client.get("/id/quebec").text).text)


def test_entity_format_parameter_overrides_accept(client):
    response = client.get("/id/rcju?format=turtle", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert client.get("/id/rcju?format=exe").status_code == 400
    assert client.get("/id/rcju", headers={"Accept": "image/png"}).status_code == 406


def test_unknown_entity_is_404(client):
    for accept in ("text/html", "text/turtle"):
        response = client.get("/id/no-such-thing", headers={"Accept": accept})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    "path",
    [
        "/id/%2e%2e/%2e%2e/etc/passwd",
        "/id/..%2F..%2Fetc%2Fpasswd",
        "/id/territoire/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/id/rcju%5C..%5C..%5Cpyproject.toml",
        "/id/rcju%00",
        "/id/.hidden",
        "/id/a//b",
        "/id/rcju%0D%0AX-Injected:%20yes",
        "/id/%C3%A9t%C3%A9",
    ],
)
def test_path_traversal_in_id_never_reads_a_file(client, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert "root:" not in response.text and "[project]" not in response.text
    assert "x-injected" not in response.headers


@pytest.fixture(scope="module")
def hostile_client():
    app = create_app(ServerConfig(timeout=300, max_concurrency=1, data_dir=HOSTILE))
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("slug", ["script", "img", "href", "quotes"])
def test_hostile_labels_are_escaped_on_entity_pages(hostile_client, slug):
    response = hostile_client.get(f"/id/{slug}")
    assert response.status_code == 200, response.text
    page = parse(response.text)
    # Nothing from the data became an element or an attribute.
    assert "script" not in page.tags and "img" not in page.tags and "svg" not in page.tags
    assert not [k for k, _ in page.attributes if k.startswith("on")]
    assert all(not link.lower().lstrip().startswith("javascript:") for link in page.links)
    assert "<script>window" not in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy


# --- pages of the whole graph and the query page ----------------------------------------------


def test_query_page_has_the_catalogue_and_no_outside_requests(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    data = re.search(r'<script type="application/json" id="page-data">(.*?)</script>', html, re.S)
    catalogue = json.loads(data.group(1))["catalogue"]
    assert {entry["name"] for entry in catalogue} >= {"partners-by-axis", "source-excerpts"}
    policy = response.headers["content-security-policy"]
    assert "connect-src 'self'" in policy and "default-src 'none'" in policy
    assert "innerHTML" not in html and "eval(" not in html


def test_graph_ontology_and_void_pages(client):
    graph = client.get("/graph")
    assert graph.status_code == 200 and graph.headers["content-type"].startswith("text/html")
    assert "vis-network" in graph.text or "vis.Network" in graph.text
    ontology = client.get("/ontology")
    assert ontology.status_code == 200 and "Cooperation" in ontology.text
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200 and void.headers["content-type"].startswith("text/turtle")
    described = rdflib.Graph().parse(data=void.text, format="turtle")
    VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
    endpoints = {str(o) for o in described.objects(None, VOID.sparqlEndpoint)}
    assert endpoints == {"http://127.0.0.1:8000/sparql"}
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(rdflib.Graph().parse(data=jsonld.text, format="json-ld")) == len(described)


def test_serve_help_has_an_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--timeout" in result.output


def test_default_limits():
    config = ServerConfig()
    assert config.host == "127.0.0.1" and config.timeout == 30
    assert config.max_concurrency >= 2 and config.max_queue > 0
    assert Path(config.base_url.rstrip("/")).name == "127.0.0.1:8000"
