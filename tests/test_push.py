"""push: one PUT per graph to a Graph Store endpoint, with Basic or Digest auth, and clear
errors. The store is a small Graph Store server in a thread on 127.0.0.1."""

from __future__ import annotations

import base64
import hashlib
import secrets
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from graph.cli import cli
from graph.publish.push import (
    StoreAuthError,
    StoreError,
    StoreRequestError,
    StoreUnreachableError,
    push,
    target_url,
)
from tests.helpers import BAD

USER, PASSWORD, REALM = "writer", "s3cret-Pa55", "graph-store"


@dataclass
class Put:
    path: str
    query: dict[str, list[str]]
    content_type: str
    body: bytes


@dataclass
class Store:
    """What the test server does and what it saw.

    ``auth``: None, "basic" or "digest". ``fail``: (status, content type, body) to answer
    every authorised PUT with instead of storing it.
    """

    auth: str | None = None
    fail: tuple[int, str, bytes] | None = None
    redirect: str | None = None
    puts: list[Put] = field(default_factory=list)
    graphs: dict[str | None, bytes] = field(default_factory=dict)
    challenges: int = 0
    url: str = ""


def _handler(store: Store) -> type[BaseHTTPRequestHandler]:
    nonces: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest's output clean
            pass

        def do_PUT(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not self._authorised():
                return
            if store.redirect:
                self.send_response(307)
                self.send_header("Location", store.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            parts = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
            store.puts.append(Put(parts.path, query, self.headers.get("Content-Type", ""), body))
            if store.fail:
                status, content_type, message = store.fail
                return self._answer(status, message, content_type)
            if "graph" in query:
                name = query["graph"][0]
            elif "default" in query:
                name = None
            else:
                return self._answer(400, b"name a graph: ?graph=IRI or ?default", "text/plain")
            created = name not in store.graphs
            store.graphs[name] = body  # PUT replaces
            self._answer(201 if created else 204, b"")

        def _answer(self, status: int, body: bytes, content_type: str = "text/plain"):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and status != 204:
                self.wfile.write(body)

        def _authorised(self) -> bool:
            if store.auth is None:
                return True
            given = self.headers.get("Authorization", "")
            if store.auth == "basic":
                expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if given == f"Basic {expected}":
                    return True
                challenge = f'Basic realm="{REALM}"'
            else:
                if given.startswith("Digest ") and self._digest_ok(given[7:]):
                    return True
                nonce = secrets.token_hex(16)
                nonces.add(nonce)
                challenge = (
                    f'Digest realm="{REALM}", nonce="{nonce}", qop="auth", '
                    f'algorithm="MD5", opaque="0123"'
                )
            store.challenges += 1
            self.send_response(401)
            self.send_header("WWW-Authenticate", challenge)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False

        def _digest_ok(self, header: str) -> bool:
            fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(header))
            if fields.get("nonce") not in nonces or fields.get("username") != USER:
                return False

            def md5(text: str) -> str:
                return hashlib.md5(text.encode()).hexdigest()

            ha1 = md5(f"{USER}:{REALM}:{PASSWORD}")
            ha2 = md5(f"PUT:{fields['uri']}")
            expected = md5(
                f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:{fields['qop']}:{ha2}"
            )
            return fields.get("response") == expected and fields["uri"] == self.path

    return Handler


@pytest.fixture
def store() -> Iterator[Store]:
    state = Store()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    # A short poll interval: shutdown() waits for the next poll.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/ds/data"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def free_port() -> int:
    """A port on which nothing listens (taken, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the PUT ------------------------------------------------------------------------------


def test_the_dataset_replaces_the_default_graph(valid, store):
    result = push(valid, store.url)
    (put,) = store.puts
    assert put.path == "/ds/data" and put.query == {"default": [""]}
    assert put.content_type.startswith("text/turtle")
    assert isomorphic(Graph().parse(data=put.body, format="turtle"), valid.graph)
    assert (result.status, result.graph_iri, result.triples) == (201, None, len(valid.graph))
    assert result.bytes_sent == len(put.body)


def test_pushing_again_replaces_the_graph(valid, store):
    push(valid, store.url, graph_iri="https://w3id.org/jura-coop/graph/")
    again = push(valid, store.url, graph_iri="https://w3id.org/jura-coop/graph/")
    assert again.status == 204
    assert list(store.graphs) == ["https://w3id.org/jura-coop/graph/"]
    assert store.puts[0].body == store.puts[1].body


def test_a_named_graph_is_given_as_the_graph_parameter(valid, store):
    iri = "https://example.org/g?x=1&y=2"
    result = push(valid, store.url, graph_iri=iri)
    assert store.puts[0].query == {"graph": [iri]}
    assert result.graph_iri == iri
    assert result.url == store.url + "?graph=" + urllib.parse.quote(iri, safe="")


def test_n_triples_are_sent_with_their_media_type(valid, store):
    push(valid, store.url, graph_iri="urn:g", fmt="ntriples")
    (put,) = store.puts
    assert put.content_type == "application/n-triples"
    assert isomorphic(Graph().parse(data=put.body, format="nt"), valid.graph)


def test_a_url_that_names_its_graph_is_used_as_given(valid, store):
    # Virtuoso's own spelling; the test store only answers ?graph=, so give both.
    url = store.url + "?graph-uri=urn%3Av&graph=urn%3Av"
    assert target_url(url) == url
    result = push(valid, url)
    assert store.puts[0].query == {"graph-uri": ["urn:v"], "graph": ["urn:v"]}
    assert result.graph_iri == "urn:v"


def test_the_graph_parameter_is_added_to_a_query_string_already_there():
    assert target_url("http://h/crud?x=1", "urn:g") == "http://h/crud?x=1&graph=urn%3Ag"
    assert target_url("http://h/crud?x=1") == "http://h/crud?x=1&default"


def test_two_graphs_asked_for_is_an_error_before_anything_is_sent(valid, store):
    with pytest.raises(StoreError, match="already names its graph"):
        push(valid, store.url + "?graph-uri=urn:a", graph_iri="urn:b")
    assert store.puts == []


@pytest.mark.parametrize("url", ["ftp://h/x", "127.0.0.1:3030/ds", "not a url"])
def test_a_url_that_is_not_http_is_refused(valid, url):
    with pytest.raises(StoreError, match="not an http"):
        push(valid, url)


def test_a_graph_name_that_is_not_an_iri_is_refused(valid, store):
    with pytest.raises(StoreError, match="not an absolute IRI"):
        push(valid, store.url, graph_iri="my graph")
    assert store.puts == []


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_the_credentials_answer_the_stores_challenge(valid, store, scheme):
    store.auth = scheme
    result = push(valid, store.url, graph_iri="urn:g", user=USER, password=PASSWORD)
    assert result.status == 201
    assert isomorphic(Graph().parse(data=store.graphs["urn:g"], format="turtle"), valid.graph)
    assert store.challenges == 1


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_a_wrong_password_is_an_auth_error_that_does_not_repeat_it(valid, store, scheme):
    store.auth = scheme
    with pytest.raises(StoreAuthError) as caught:
        push(valid, store.url, graph_iri="urn:g", user=USER, password="wrong-Pa55")
    assert "refused the user 'writer' (401)" in str(caught.value)
    assert "wrong-Pa55" not in str(caught.value) + caught.value.hint
    assert caught.value.exit_code == 4
    assert store.graphs == {}


def test_no_credentials_for_a_store_that_wants_them(valid, store):
    store.auth = "digest"
    with pytest.raises(StoreAuthError, match="asks for a user and a password"):
        push(valid, store.url, graph_iri="urn:g")


def test_a_user_without_a_password_is_refused_before_sending(valid, store):
    with pytest.raises(StoreAuthError, match="both a user and a password"):
        push(valid, store.url, user=USER)
    assert store.puts == []


# --- errors -------------------------------------------------------------------------------


def test_a_server_error_carries_the_servers_message_without_its_html(valid, store):
    page = (
        b"<html><head><title>SPARQL Graph Protocol request failed</title></head><body>"
        b"<h3>Error 22023</h3><xmp>the submitted resource is of unsupported type</xmp>"
        b"</body></html>"
    )
    store.fail = (500, "text/html; charset=UTF-8", page)
    with pytest.raises(StoreRequestError) as caught:
        push(valid, store.url, graph_iri="urn:g")
    error = caught.value
    assert error.status == 500
    assert error.server_message == "Error 22023 the submitted resource is of unsupported type"
    assert str(error).startswith(f"the store at {store.url}?graph=urn%3Ag answered 500")
    assert "<" not in str(error)


def test_a_client_error_in_plain_text(valid, store):
    store.fail = (400, "text/plain", b"Turtle syntax error at line 3")
    with pytest.raises(StoreRequestError, match="answered 400 Bad Request: Turtle syntax error"):
        push(valid, store.url, graph_iri="urn:g")


def test_a_store_without_a_default_graph_hints_at_graph(valid, store):
    message = b'the request contains "default" param but the endpoint has no default graph'
    store.fail = (500, "text/plain", message)
    with pytest.raises(StoreRequestError) as caught:
        push(valid, store.url)
    assert "--graph" in caught.value.hint


def test_a_very_long_message_is_cut(valid, store):
    store.fail = (500, "text/plain", b"x" * 10_000)
    with pytest.raises(StoreRequestError) as caught:
        push(valid, store.url, graph_iri="urn:g")
    assert len(caught.value.server_message) == 500


def test_a_redirect_is_reported_not_followed(valid, store):
    store.redirect = "http://127.0.0.1:1/elsewhere"
    with pytest.raises(StoreRequestError) as caught:
        push(valid, store.url, graph_iri="urn:g")
    assert caught.value.status == 307
    assert "http://127.0.0.1:1/elsewhere" in caught.value.hint


def test_nothing_listening_is_connection_refused(valid, free_port):
    with pytest.raises(StoreUnreachableError) as caught:
        push(valid, f"http://127.0.0.1:{free_port}/ds/data")
    assert "connection refused" in str(caught.value)
    assert "running" in caught.value.hint


def test_a_store_that_never_answers_times_out(valid):
    # Listening but never accepting: the kernel completes the handshake, no reply comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(StoreUnreachableError, match="no answer within 0.2 s"):
            push(valid, f"http://127.0.0.1:{port}/ds/data", timeout=0.2)


# --- the command line ---------------------------------------------------------------------


def invoke(runner, *args, **kwargs):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kwargs)


@pytest.mark.usefixtures("test_rules")
def test_cli_push_validates_then_puts(runner, tmp_data, store):
    store.auth = "digest"
    result = invoke(
        runner, "push", "--store", store.url, "--graph", "urn:g", "--data", tmp_data(),
        "--user", USER, "--password", PASSWORD,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "pushed" in result.stdout and "graph <urn:g>" in result.stdout
    assert list(store.graphs) == ["urn:g"]


@pytest.mark.usefixtures("test_rules")
def test_cli_asks_for_the_password_when_only_the_user_is_given(runner, tmp_data, store):
    store.auth = "basic"
    result = invoke(
        runner, "push", "--store", store.url, "--data", tmp_data(), "--user", USER,
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert None in store.graphs


@pytest.mark.usefixtures("test_rules")
def test_cli_password_from_the_environment(runner, tmp_data, store):
    store.auth = "basic"
    result = invoke(
        runner, "push", "--store", store.url, "--data", tmp_data(), "--user", USER,
        env={"COOPGRAPH_STORE_PASSWORD": PASSWORD},
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("test_rules")
def test_cli_sends_nothing_when_the_graph_does_not_conform(runner, tmp_data, store):
    result = invoke(
        runner, "push", "--store", store.url, "--data", tmp_data(BAD / "conflicting-facts.ttl")
    )
    assert result.exit_code == 1
    assert store.puts == []


@pytest.mark.usefixtures("test_rules")
def test_cli_store_errors_exit_4_without_a_traceback(runner, tmp_data, free_port):
    result = invoke(runner, "push", "--store", f"http://127.0.0.1:{free_port}/x", "--data",
                    tmp_data())  # fmt: skip
    assert result.exit_code == 4
    assert "Error: cannot reach the store" in result.stderr
    assert "Hint:" in result.stderr
    assert "Traceback" not in result.output
