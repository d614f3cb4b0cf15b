"""Queries are read with a real parser and refused before they run when they could write or
reach outside; nothing in the process opens a connection."""

from __future__ import annotations

import pytest

from graph.cli import cli
from graph.sparql.query import run_query
from graph.sparql.safety import QueryRefusedError, QuerySyntaxError, check_query


def unsafe_queries(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}"
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "service-silent-in-optional": (
            "SELECT * WHERE { ?s ?p ?o OPTIONAL { "
            f"SERVICE SILENT <{url}/sparql> {{ ?s ?q ?r }} }} }}"
        ),
        "service-in-exists": (
            f"ASK {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/sparql> {{ ?s ?q ?r }} }} }}"
        ),
        "service-in-subquery": (
            f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }} }} }}"
        ),
        "service-variable": f"SELECT * {{ VALUES ?e {{ <{url}/s> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "service-in-construct": (
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }}"
        ),
        "service-in-describe": f"DESCRIBE ?s WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }}",
        "from": f"SELECT * FROM <{url}/x> WHERE {{ ?s ?p ?o }}",
        "from-named": f"SELECT * FROM NAMED <{url}/x> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-prefixed": f"PREFIX x: <{url}/> ASK FROM x:data {{ ?s ?p ?o }}",
        "load": f"LOAD <{url}/x>",
        "load-silent-into": f"LOAD SILENT <{url}/x> INTO GRAPH <urn:g>",
        "insert-data": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "delete-where": "DELETE WHERE { ?s ?p ?o }",
        "modify-with-service": (
            f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/s> {{ ?s ?p ?o }} }}"
        ),
        "clear": "CLEAR ALL",
        "drop": "DROP GRAPH <urn:g>",
        "two-updates": f"CREATE GRAPH <urn:g> ; LOAD <{url}/x>",
        "malformed-update": f"INSERT DATA {{ <urn:a> <urn:b> <{url}/c> ",
    }


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_unsafe_queries_are_refused_before_any_connection(listener, engine):
    for name, text in unsafe_queries(listener.port).items():
        with pytest.raises(QueryRefusedError) as raised:
            run_query(text, engine=engine)
        assert raised.value.exit_code == 2, name
        assert "refused" in str(raised.value), name
    assert listener.connections() == 0


def test_the_cli_refuses_with_exit_2_and_no_connection_even_to_an_endpoint(runner, listener):
    for name, text in unsafe_queries(listener.port).items():
        for extra in ([], ["--endpoint", f"http://127.0.0.1:{listener.port}/sparql"]):
            result = runner.invoke(cli, ["query", "--sparql", text, *extra])
            assert result.exit_code == 2, (name, result.output)
            assert "Error:" in result.stderr and "refused" in result.stderr, name
            assert "Traceback" not in result.output
    assert listener.connections() == 0


def test_the_listener_does_see_a_connection(listener):
    """The control: an accepted query sent to the listener as an endpoint does connect."""
    from graph.sparql.errors import EndpointError

    # The listener closes every connection at once: the query fails, having connected.
    with pytest.raises(EndpointError):
        run_query("ASK { ?s ?p ?o }", endpoint=f"http://127.0.0.1:{listener.port}/q", timeout=5)
    assert listener.connections() == 1


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?s WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/>" }',
        "SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
        "SELECT ?s WHERE { ?s <http://example.org/LOAD#SERVICE> ?o }",
        "SELECT ?s WHERE { ?s ?p '''FROM <http://127.0.0.1:9/x>\n INSERT DATA''' }",
    ],
)
def test_keywords_in_strings_iris_and_comments_are_not_refused(text):
    assert check_query(text).form == "select"


def test_from_our_own_named_graphs_is_allowed():
    info = check_query(
        "SELECT * FROM <https://w3id.org/jura-coop/graph/proximite> WHERE { ?s ?p ?o }"
    )
    assert info.from_graphs == ("https://w3id.org/jura-coop/graph/proximite",)


def test_from_a_graph_the_data_does_not_have_is_refused_at_run_time():
    with pytest.raises(QueryRefusedError, match="names no graph"):
        run_query("SELECT * FROM <https://w3id.org/jura-coop/graph/nope> WHERE { ?s ?p ?o }")


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("SELECT * WHERE { ?s ?p }", 1, 18),
        ("PREFIX ex: <http://ex/>\nSELECT ?s\nWHERE {\n  ?s ex:p ?o .\n  FILTER(?o > )\n}", 5, 3),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER ?s", 1, 30),
        ("SELECT ?s WHERE {\n  ?s undeclared:p ?o }", 2, 6),
    ],
)
def test_a_syntax_error_names_the_line_and_the_column(text, line, column):
    with pytest.raises(QuerySyntaxError) as raised:
        check_query(text)
    assert (raised.value.line, raised.value.column) == (line, column)
    assert f"line {line}, column {column}" in str(raised.value)
    assert raised.value.exit_code == 2


def test_an_error_only_oxigraph_finds_also_names_its_position():
    # rdflib's parser accepts an aggregate without GROUP BY; Oxigraph's rejects it.
    with pytest.raises(QuerySyntaxError) as raised:
        run_query("SELECT ?s (COUNT(?o) AS ?n)\nWHERE { ?s ?p ?o }")
    assert raised.value.line is not None and raised.value.column is not None


def test_an_empty_query_is_a_syntax_error():
    with pytest.raises(QuerySyntaxError, match="empty"):
        check_query("# nothing but a comment\n")


def test_the_cli_reports_a_syntax_error_without_traceback(runner):
    result = runner.invoke(cli, ["query", "--sparql", "SELECT * WHERE {\n ?s ?p }"])
    assert result.exit_code == 2
    assert "line 2, column 2" in result.stderr
    assert "Traceback" not in result.output
