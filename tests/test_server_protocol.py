"""The W3C SPARQL 1.1 Protocol tests against ``coopgraph serve`` (in-process).

The cases are the entries of the W3C manifest (w3c/rdf-tests, sparql/sparql11/protocol/
manifest.ttl), transcribed as data in ``fixtures/w3c-protocol/query-cases.json`` with the
source commit. Each says how it is supported:

- ``as-is``: the manifest's request and expectation, unchanged;
- ``adapted``: the manifest names graphs at kasei.us that the server is meant to fetch (or
  adds one the query does not need). Deliberately unsupported: this server holds only the
  graphs of its own data and fetches nothing, so the request as written must be refused
  (4xx); the adapted request names our graphs and meets the manifest's expectation;
- ``refused``: an update; the endpoint is read-only by design, so 4xx (and a follow-up
  query shows that nothing was written).
"""

from __future__ import annotations

import json
import warnings

import pyoxigraph as ox
import pytest
import rdflib

from graph.server.app import ServerConfig, create_app
from tests.helpers import FIXTURES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette 1.x would rather have httpx2
    from starlette.testclient import TestClient

CASES_FILE = FIXTURES / "w3c-protocol" / "query-cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))

#: The manifest's entries, in its order (mf:entries).
MANIFEST_ENTRIES = """
query_post_form query_dataset_default_graphs_get query_dataset_default_graphs_post
query_dataset_named_graphs_post query_dataset_named_graphs_get query_dataset_full
query_multiple_dataset query_get query_content_type_select query_content_type_ask
query_content_type_describe query_content_type_construct update_dataset_default_graph
update_dataset_default_graphs update_dataset_named_graphs update_dataset_full
update_post_form update_post_direct update_base_uri query_post_direct bad_query_method
bad_multiple_queries bad_query_wrong_media_type bad_query_missing_form_type
bad_query_missing_direct_type bad_query_non_utf8 bad_query_syntax bad_update_get
bad_multiple_updates bad_update_wrong_media_type bad_update_missing_form_type
bad_update_non_utf8 bad_update_syntax bad_update_dataset_conflict
""".split()

RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "text/csv": None,
}
RDF = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(ServerConfig(timeout=300, max_concurrency=2))) as test_client:
        yield test_client


def test_every_manifest_entry_is_transcribed():
    ids = [case["id"] for case in CASES["cases"] if case["support"] != "ours"]
    assert ids == MANIFEST_ENTRIES
    assert "w3c/rdf-tests" in CASES["source"]
    for case in CASES["cases"]:
        assert case["support"] in CASES["support"], case["id"]
        if case["support"] in ("adapted", "refused"):
            assert case.get("why"), f"{case['id']} must say why it is not run as written"


@pytest.mark.parametrize("case", CASES["cases"], ids=lambda case: case["id"])
def test_protocol_case(client, case):
    for number, request in enumerate(case["requests"], start=1):
        body = None
        if "body" in request:
            body = request["body"].encode(request["body_encoding"])
        response = client.request(
            request["method"], request["path"], headers=request["headers"], content=body
        )
        where = f"{case['id']} request {number}: {response.status_code} {response.text[:300]}"
        check(response, request["expect"], where)


def check(response, expect: dict, where: str) -> None:
    status = response.status_code
    if expect["status"] == "2xx":  # the manifest's StatusCode2xx, StatusCode3xx
        assert 200 <= status < 400, where
    else:
        assert 400 <= status < 500, where
        assert response.headers["content-type"].startswith("text/plain"), where
        return
    media_type = response.headers["content-type"].split(";")[0].strip()
    fmt = expect.get("format")
    if fmt in ("boolean", "tabular"):
        assert media_type in RESULTS, where
        if RESULTS[media_type] is None:
            return
        parsed = ox.parse_query_results(response.content, format=RESULTS[media_type])
        if fmt == "boolean":
            assert isinstance(parsed, ox.QueryBoolean), where
            if "boolean" in expect:
                assert bool(parsed) is expect["boolean"], where
        else:
            assert isinstance(parsed, ox.QuerySolutions), where
            if "rows" in expect:
                assert len(list(parsed)) == expect["rows"], where
    elif fmt == "RDF":
        assert media_type in RDF, where
        rdflib.Graph().parse(data=response.content, format=RDF[media_type])
