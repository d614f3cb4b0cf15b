"""What is checked is what runs: the safety check and the engines read a query alike.

rdflib (the check) expands ``\\u`` escapes in the whole text and ends comments at line feeds;
Oxigraph expands escapes inside strings and IRIs only and also ends comments at carriage
returns. A text that the two read differently could hide a SERVICE from the check. These
tests generate such texts and prove, with a listener on 127.0.0.1, that whatever the check
lets through reaches no one, on both engines, through the CLI and through the server; and
that the query workers cannot open a socket even when handed a SERVICE directly.
"""

from __future__ import annotations

import multiprocessing

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graph.cli import cli
from graph.errors import CoopGraphError
from graph.sparql.errors import QueryFailedError
from graph.sparql.prepare import PreparedQuery
from graph.sparql.query import run_query
from graph.sparql.safety import QueryRefusedError, QuerySyntaxError, canonical_text, check_query

# Texts are built with {url} where the listener's address goes.
BYPASSES = {
    "escaped quote opens a long string for rdflib only": (
        'SELECT * WHERE { BIND("\\u0022" AS ?a)\nSERVICE <{url}/x> { ?s ?p ?o }\n# """ AS ?z)\n}'
    ),
    "carriage return ends a comment for Oxigraph only": (
        "SELECT * WHERE { # a comment\rSERVICE <{url}/x> { ?s ?p ?o } \n}"
    ),
    "escaped carriage return in a comment": (
        "SELECT * WHERE { # a comment\\u000DSERVICE <{url}/x> { ?s ?p ?o } \n}"
    ),
    "escaped escape": (
        'SELECT * WHERE { BIND("\\u005Cu0022" AS ?a)\nSERVICE <{url}/x> { ?s ?p ?o }\n'
        '# """ AS ?z)\n}'
    ),
    "upper-case U with four digits": (
        'SELECT * WHERE { BIND("\\U0022" AS ?a)\nSERVICE <{url}/x> { ?s ?p ?o }\n# """ AS ?z)\n}'
    ),
    "eight digits after a small u": (
        'SELECT * WHERE { BIND("\\u00000022" AS ?a)\nSERVICE <{url}/x> { ?s ?p ?o }\n'
        '# """ AS ?z)\n}'
    ),
    "escaped quote in a single-quoted string": (
        "SELECT * WHERE { BIND('\\u0027' AS ?a)\nSERVICE <{url}/x> { ?s ?p ?o }\n# ''' AS ?z)\n}"
    ),
    "escaped closing angle bracket in an IRI": (
        "SELECT * WHERE { BIND(<urn:a\\u003E AS ?a) SERVICE <{url}/x> { ?s ?p ?o } #> AS ?b)\n}"
    ),
    "escaped hash": "SELECT * WHERE { BIND(1 AS ?a) \\u0023 \nSERVICE <{url}/x> { ?s ?p ?o } }",
}


def _fill(template: str, url: str) -> str:
    return template.replace("{url}", url)


def _oxigraph_runs(text: str) -> None:
    """Run ``text`` on an empty Oxigraph store, in this process (no sandbox here)."""
    try:
        result = ox.Store().query(text)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError):
        pass  # refused by Oxigraph itself, or its SERVICE call failed: the listener tells


def _rdflib_runs(text: str) -> None:
    try:
        list(rdflib.Graph().query(text))
    except Exception:  # noqa: BLE001 - any failure is fine: only a connection is not
        pass


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_known_bypasses_reach_no_one(listener, name, engine):
    """Refused, or read by every engine as the check read it: with SERVICE inside a string."""
    text = _fill(BYPASSES[name], listener.url)
    try:
        result = run_query(text, engine=engine)
    except (QueryRefusedError, QuerySyntaxError):
        pass
    else:
        assert "SERVICE" in str(result.values()), "ran, but where did the SERVICE go?"
    assert listener.connections() == 0


def test_the_bypass_of_the_report_did_reach_oxigraph_before(listener):
    """The control: the raw text, given to Oxigraph without our reading, does connect."""
    _oxigraph_runs(
        _fill(BYPASSES["escaped quote opens a long string for rdflib only"], listener.url)
    )
    assert listener.connections() == 1


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_the_cli_refuses_every_known_bypass(runner, listener, name):
    result = runner.invoke(cli, ["query", "--sparql", _fill(BYPASSES[name], listener.url)])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert listener.connections() == 0


def test_the_canonical_text_is_what_runs():
    info = check_query('SELECT ?x WHERE { BIND("caf\\u00E9" AS ?x) }\r\n')
    assert info.text == 'SELECT ?x WHERE { BIND("café" AS ?x) }\n'
    assert run_query('SELECT ?x WHERE { BIND("caf\\u00E9" AS ?x) }').values() == [("café",)]
    assert canonical_text("a\r\nb\rc") == "a\nb\nc"


# --- generated texts ------------------------------------------------------------------------

#: Pieces that change how a lexer splits a text: quotes, escapes of quotes and brackets,
#: comment starts and line ends, brackets, and the keyword itself.
PIECES = [
    '"',
    "'",
    '"""',
    "'''",
    "\\u0022",
    "\\u0027",
    "\\U00000022",
    "\\u000A",
    "\\u000D",
    "\\u0023",
    "\\u003C",
    "\\u003E",
    "\\u007B",
    "\\u007D",
    "\\u005C",
    "\\u005Cu0022",
    '\\"',
    "\\'",
    "\\\\",
    "#",
    "\r",
    "\n",
    "\r\n",
    "\u2028",
    "\x85",
    "\x0c",
    " ",
    "<",
    ">",
    "<urn:a>",
    "{",
    "}",
    "(",
    ")",
    ".",
    "ex:a\\#",
    "?x",
    "BIND(",
    " AS ?z)",
    "FILTER(",
    "SERVICE",
    "SERVICE <{url}/x> { ?s ?p ?o }",
    "SeRvIcE SILENT <{url}/y> { }",
    "\\u0053ERVICE <{url}/z> { }",
]

fragments = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)


@st.composite
def tricky_queries(draw) -> str:
    before, between, after = draw(fragments), draw(fragments), draw(fragments)
    head = draw(st.sampled_from(["SELECT * WHERE {", "ASK {", "CONSTRUCT WHERE {"]))
    return f"{head} {before} SERVICE <{{url}}/x> {{ ?s ?p ?o }} {between} {after} }}"


@pytest.mark.slow
@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(template=tricky_queries())
@example(template=BYPASSES["escaped quote opens a long string for rdflib only"])
@example(template=BYPASSES["carriage return ends a comment for Oxigraph only"])
def test_no_generated_text_passes_the_check_and_connects(listener, template):
    text = _fill(template, listener.url)
    try:
        info = check_query(text)
    except CoopGraphError:
        assert listener.connections() == 0
        return
    _oxigraph_runs(info.text)
    _rdflib_runs(info.text)
    assert listener.connections() == 0, f"the check let through a query that connects: {text!r}"


# --- the server -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    from starlette.testclient import TestClient

    from graph.server.app import ServerConfig, create_app

    with TestClient(create_app(ServerConfig(timeout=300, max_concurrency=1))) as test_client:
        yield test_client


@pytest.mark.parametrize("name", sorted(BYPASSES))
def test_the_server_refuses_every_known_bypass(client, listener, name):
    text = _fill(BYPASSES[name], listener.url)
    for response in (
        client.post(
            "/sparql", content=text.encode(), headers={"content-type": "application/sparql-query"}
        ),
        client.post("/sparql", data={"query": text}),
        client.get("/sparql", params={"query": text}),
    ):
        assert response.status_code in (200, 400), response.text
    assert listener.connections() == 0


def test_the_server_workers_have_no_network(client):
    sandbox = client.app.state.pool.sandbox
    assert sandbox is not None and sandbox.active, sandbox


# --- the sandbox itself ---------------------------------------------------------------------


def _service_in_sandbox(url: str, queue) -> None:
    from graph.workers.sandbox import deny_network

    state = deny_network()
    try:
        list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{url}/x> {{ ?s ?p ?o }} }}"))
        queue.put((state.active, "answered"))
    except OSError as error:
        queue.put((state.active, str(error)))


def test_a_sandboxed_process_cannot_reach_a_service_even_unchecked(listener):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_service_in_sandbox, args=(listener.url, queue))
    process.start()
    active, outcome = queue.get(timeout=60)
    process.join(timeout=30)
    assert active is True
    assert "denied" in outcome.lower(), outcome
    assert listener.connections() == 0


def test_the_timeout_worker_is_sandboxed(listener):
    """A prepared query whose text was never checked: only the sandbox stands in the way."""
    checked = check_query("SELECT * WHERE { ?s ?p ?o }")
    smuggled = f"SELECT * WHERE {{ SERVICE <{listener.url}/x> {{ ?s ?p ?o }} }}"
    prepared = PreparedQuery(smuggled, checked, None, None, (), {})
    with pytest.raises(QueryFailedError) as raised:
        run_query(prepared, timeout=60)
    assert "denied" in str(raised.value).lower()
    assert listener.connections() == 0
