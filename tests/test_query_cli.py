"""``coopgraph query`` and ``queries`` in-process: formats, exit codes, endpoints, imports."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import click
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph import paths
from graph.cli import cli
from graph.sparql.catalogue import list_queries
from graph.sparql.errors import EndpointError, EndpointRejectedError
from graph.sparql.query import run_query
from graph.sparql.results import format_result
from graph.sparql.store import add_inferred
from tests.helpers import REPO
from tests.helpers.catalogue import normalised


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args])


# --- formats ---------------------------------------------------------------------------------

RESULTS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "tsv": ox.QueryResultsFormat.TSV,
}


@pytest.mark.parametrize("name", ["programme-periods", "source-excerpts", "history"])
@pytest.mark.parametrize("fmt", sorted(RESULTS))
def test_select_results_read_back_to_the_same_rows(runner, name, fmt):
    output = invoke(runner, "query", name, "--format", fmt)
    assert output.exit_code == 0, output.output
    parsed = ox.parse_query_results(output.stdout_bytes, format=RESULTS[fmt])
    expected = run_query(name)
    assert [v.value for v in parsed.variables] == list(expected.variables)
    assert [tuple(solution) for solution in parsed] == expected.rows


def test_csv_has_the_header_then_the_values(runner):
    output = invoke(runner, "query", "programme-periods", "--format", "csv")
    assert output.exit_code == 0
    table = list(csv.reader(io.StringIO(output.stdout_bytes.decode("utf-8"))))
    expected = run_query("programme-periods")
    assert table[0] == list(expected.variables)
    assert table[1:] == [[t.value if t is not None else "" for t in row] for row in expected.rows]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_reads_back(runner, fmt):
    output = invoke(runner, "query", "cooperates-with", "--format", fmt)
    assert bool(ox.parse_query_results(output.stdout_bytes, format=RESULTS[fmt])) is True


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table"])
def test_ask_in_text_formats_is_one_word(runner, fmt):
    output = invoke(runner, "query", "cooperates-with", "-p", "partner=canton-vaud", "-f", fmt)
    assert output.stdout_bytes == b"false\n"


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("turtle", ox.RdfFormat.TURTLE),
        ("ntriples", ox.RdfFormat.N_TRIPLES),
        ("xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_graph_results_read_back_to_the_same_triples(runner, fmt, rdf_format):
    output = invoke(runner, "query", "entity", "-p", "entity=ficd", "--format", fmt)
    assert output.exit_code == 0, output.output
    parsed = {q.triple for q in ox.parse(output.stdout_bytes, format=rdf_format)}
    assert parsed == set(run_query("entity", params={"entity": "ficd"}).triples)


def test_jsonld_is_compact_with_our_prefixes_and_reads_back(runner):
    output = invoke(runner, "query", "describe", "-p", "entity=ficd", "--format", "jsonld")
    document = json.loads(output.stdout_bytes)
    assert document["@context"]["skos"] == "http://www.w3.org/2004/02/skos/core#"
    graph = rdflib.Graph().parse(data=output.stdout_bytes, format="json-ld")
    assert isomorphic(graph, run_query("describe", params={"entity": "ficd"}).graph)


def test_turtle_is_the_same_bytes_on_every_run(runner):
    first = invoke(runner, "query", "network").stdout_bytes
    assert first.startswith(b"@prefix")
    assert invoke(runner, "query", "network").stdout_bytes == first


def test_the_table_has_the_columns_in_order_and_counts_the_rows(runner):
    output = invoke(runner, "query", "--sparql", "SELECT ?b ?a WHERE { VALUES (?a ?b) { (1 2) } }")
    lines = output.stdout_bytes.decode().splitlines()
    assert lines[0].split() == ["b", "a"]
    assert lines[2].split() == ["2", "1"]
    assert lines[-1] == "(1 row)"


def table(runner, *args, columns: int = 200) -> tuple[list[str], str]:
    output = runner.invoke(cli, ["query", *map(str, args)], env={"COLUMNS": str(columns)})
    assert output.exit_code == 0, output.output
    return output.stdout_bytes.decode("utf-8").splitlines(), output.stderr


@pytest.mark.parametrize("columns", [80, 200])
def test_the_table_fits_the_terminal_one_line_per_row(runner, columns):
    lines, _ = table(runner, "partners-by-axis", columns=columns)
    expected = run_query("partners-by-axis")
    # Header, rule, one line per row, the count: nothing wrapped onto a second line.
    assert len(lines) == len(expected.rows) + 3
    assert all(len(line) <= columns for line in lines)
    # Labels, not the IRIs they stand for.
    assert lines[0].split() == ["axisLabel", "partnerLabel", "link", "start"]
    assert "https://w3id.org" not in "\n".join(lines) and "id:rcju" not in "\n".join(lines)
    assert lines[-1] == "(19 rows; --iris adds the columns axis, partner, by, relation)"
    if columns == 200:
        assert any("Province du Québec" in line for line in lines)
        assert not any("…" in line for line in lines)
    else:
        cut = [line for line in lines if "…" in line]
        assert cut and all(line.split("…")[0].strip() for line in cut)


def test_iris_adds_the_iri_columns_as_prefixed_names(runner):
    lines, _ = table(runner, "partners-by-axis", "--iris")
    assert lines[0].split() == [
        "axis", "axisLabel", "partner", "partnerLabel", "link", "by", "relation", "start"
    ]  # fmt: skip
    assert any("coop:quebec" in line and "id:quebec" in line for line in lines)
    assert lines[-1] == "(19 rows)"


def test_an_identifier_is_cut_in_its_middle_and_a_text_at_its_end(runner):
    lines, _ = table(runner, "partners-by-axis", "--iris", columns=100)
    assert all(len(line) <= 100 for line in lines)
    vaud = next(line for line in lines if "vallee-aoste" in line or "va…" in line)
    assert "coop:" in vaud  # the kind of the identifier survives the cut


def test_a_label_left_unbound_shows_the_short_name_of_its_iri(runner):
    lines, _ = table(runner, "counts")
    assert any(line.startswith("cv:PublicOrganisation") for line in lines)


def test_a_table_without_labels_keeps_its_iri_columns(runner):
    lines, _ = table(runner, "--sparql", "SELECT ?s ?o WHERE { ?s jc:cooperatesWith ?o } LIMIT 2")
    assert lines[0].split() == ["s", "o"]
    assert lines[2].startswith("id:")


def test_csv_and_json_keep_every_column_in_full(runner):
    output = invoke(runner, "query", "partners-by-axis", "-f", "csv")
    header = output.stdout_bytes.decode().splitlines()[0]
    assert header == ",".join(run_query("partners-by-axis").variables)
    assert "https://w3id.org/jura-coop/id/cooperation/quebec" in output.stdout_bytes.decode()
    document = json.loads(invoke(runner, "query", "partners-by-axis", "-f", "json").stdout_bytes)
    assert document["head"]["vars"] == list(run_query("partners-by-axis").variables)


def test_wide_characters_count_twice_in_the_width():
    from graph.sparql.result import QueryResult
    from graph.sparql.results import format_result

    wide = QueryResult("select", ("name", "nameLabel"), [(None, ox.Literal("協力" * 30))])
    lines = format_result(wide, "table", width=40).decode().splitlines()
    assert lines[2].endswith("…")
    assert sum(2 if ord(c) > 0x2E80 else 1 for c in lines[2]) <= 40


def test_a_format_that_does_not_fit_the_result_exits_2(runner):
    output = invoke(runner, "query", "counts", "--format", "turtle")
    assert output.exit_code == 2
    assert "cannot be written as turtle" in output.stderr


def test_output_writes_a_file(runner, tmp_path):
    target = tmp_path / "partners.csv"
    output = invoke(runner, "query", "partners-by-axis", "-f", "csv", "-o", target)
    assert output.exit_code == 0
    assert (
        target.read_bytes() == invoke(runner, "query", "partners-by-axis", "-f", "csv").stdout_bytes
    )


def test_the_lang_option_changes_the_labels(runner):
    english = invoke(runner, "query", "partners-by-axis", "--lang", "en", "-f", "csv")
    assert "Proximity cooperation" in english.stdout_bytes.decode()


def test_a_file_query_runs(runner, tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("SELECT ?p WHERE { id:rcju jc:cooperatesWith ?p } ORDER BY ?p LIMIT 1\n")
    output = invoke(runner, "query", path, "-f", "csv")
    assert output.exit_code == 0 and output.stdout_bytes.startswith(b"p\r\n")


# --- usage and exit codes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["counts", "--sparql", "ASK {}"],
        ["counts", "--param", "novalue"],
        ["counts", "--engine", "virtuoso"],
        ["no-such-query"],
        ["reachable", "--param", "steps=many"],
        ["describe", "--param", "entity=Atlantis"],
    ],
)
def test_a_users_mistake_exits_2_without_traceback(runner, args):
    output = invoke(runner, "query", *args)
    assert output.exit_code == 2, output.output
    assert "Traceback" not in output.output
    assert not isinstance(output.exception, Exception) or isinstance(output.exception, SystemExit)


@pytest.mark.slow
def test_a_timeout_exits_1_and_says_so(runner):
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    output = invoke(runner, "query", "--sparql", runaway, "--timeout", "1")
    assert output.exit_code == 1
    assert "query stopped after 1 s" in output.stderr


def test_the_query_command_imports_neither_networkx_nor_pyvis():
    code = (
        "import sys, runpy\n"
        "sys.argv = ['coopgraph', 'query', 'partners-by-axis', '--format', 'csv']\n"
        "try:\n"
        "    runpy.run_module('graph', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert not exit.code, exit.code\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('networkx', 'pyvis'))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stderr
    assert done.stdout.startswith("axis,axisLabel,partner")


# --- a SPARQL endpoint -----------------------------------------------------------------------


class _Endpoint(BaseHTTPRequestHandler):
    """A SPARQL 1.1 protocol endpoint answering from a pyoxigraph store (test code only)."""

    store: ox.Store
    seen: list[str]
    content_types: list[str]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("utf-8")
        self.content_types.append(self.headers.get_content_type())
        if self.headers.get_content_type() == "application/sparql-query":
            self._answer(body)
        else:
            self._answer(parse_qs(body)["query"][0])

    def do_GET(self):
        self._answer(parse_qs(urlsplit(self.path).query)["query"][0])

    def _answer(self, query: str):
        self.seen.append(query)
        if "FAIL-500" in query:
            self.send_error(500, "the store broke")
            return
        try:
            result = self.store.query(query)
        except SyntaxError as error:
            self.send_error(400, str(error))
            return
        if isinstance(result, ox.QueryTriples):
            data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
            media_type = "application/n-triples"
        else:
            data = result.serialize(format=ox.QueryResultsFormat.JSON)
            media_type = "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def endpoint():
    store = ox.Store()
    data = sorted(paths.data_dir().glob("*.ttl"))
    for path in [*paths.ontology_files(), *data]:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    add_inferred(store)
    handler = type("Handler", (_Endpoint,), {"store": store, "seen": [], "content_types": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.seen = handler.seen
    server.content_types = handler.content_types
    yield server
    server.shutdown()
    server.server_close()


def url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


@pytest.mark.parametrize("entry", list_queries(), ids=lambda e: e.name)
def test_every_catalogue_query_gives_the_same_answer_from_an_endpoint(endpoint, entry):
    remote = run_query(entry.name, endpoint=url(endpoint), lang="en")
    local = run_query(entry.name, lang="en")
    assert normalised(remote) == normalised(local)


def test_the_query_goes_as_a_form_which_every_store_reads(endpoint):
    run_query("ASK { ?s ?p ?o }", endpoint=url(endpoint))
    assert endpoint.content_types[-1] == "application/x-www-form-urlencoded"


def test_the_endpoint_gets_our_prefixes_and_the_bound_parameters(endpoint):
    run_query(
        "SELECT ?p WHERE { ?who jc:cooperatesWith ?p }",
        params={"who": "id:rcju"},
        endpoint=url(endpoint),
    )
    sent = endpoint.seen[-1]
    assert sent.startswith("PREFIX jc: <https://w3id.org/jura-coop/ontology#>")
    assert "VALUES (?who) { (<https://w3id.org/jura-coop/id/rcju>) }" in sent


def test_an_entity_label_is_looked_up_on_the_endpoint(endpoint):
    result = run_query(
        "cooperates-with", params={"partner": "Vallée d'Aoste"}, endpoint=url(endpoint)
    )
    assert result.boolean is True


def test_the_cli_queries_an_endpoint(runner, endpoint):
    output = invoke(runner, "query", "counts", "--endpoint", url(endpoint), "-f", "csv")
    assert output.exit_code == 0, output.output
    assert output.stdout_bytes == invoke(runner, "query", "counts", "-f", "csv").stdout_bytes


def test_an_endpoint_error_is_a_failed_query(runner, endpoint):
    with pytest.raises(EndpointError, match="500"):
        run_query("ASK { ?s ?p 'FAIL-500' }", endpoint=url(endpoint))
    output = invoke(
        runner, "query", "--sparql", "ASK { ?s ?p 'FAIL-500' }", "--endpoint", url(endpoint)
    )
    assert output.exit_code == 1 and "500" in output.stderr


def test_a_query_the_endpoint_cannot_read_is_a_bad_query(endpoint):
    with pytest.raises(EndpointRejectedError) as raised:  # rdflib reads it, Oxigraph does not
        run_query("SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o }", endpoint=url(endpoint))
    assert raised.value.exit_code == 2


def test_an_unreachable_endpoint_is_a_failed_query(runner):
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    output = invoke(runner, "query", "counts", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert output.exit_code == 1
    assert "cannot reach the endpoint" in output.stderr


def test_an_endpoint_must_be_http(runner):
    output = invoke(runner, "query", "counts", "--endpoint", "file:///etc/passwd")
    assert output.exit_code == 2


def test_format_result_is_the_library_side_of_the_cli():
    result = run_query("cooperates-with")
    assert format_result(result, "json").startswith(b'{"head"')


def test_every_option_of_the_query_commands_is_documented():
    from graph.cli.query import queries_command, query_command

    documented = (REPO / "docs" / "queries.md").read_text(encoding="utf-8")
    for command in (query_command, queries_command):
        assert f"coopgraph {command.name}" in documented
        for option in command.params:
            if isinstance(option, click.Option):
                assert max(option.opts, key=len) in documented, option.opts
