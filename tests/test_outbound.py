"""Outbound HTTP (``query --endpoint``, ``push``): one deadline over the whole exchange,
one clean error for every network failure, and URLs checked before anything is sent.

The servers here misbehave on purpose, on 127.0.0.1 with a port of the system's choice:
they drip their answer a byte a second, send a head and stall, never answer, close or
reset mid-answer, or send something that is not HTTP. Each stops itself when the test ends.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from graph.cli import cli
from graph.publish.push import StoreError, StoreUnreachableError, StoreUsageError, push
from graph.sparql import outbound
from graph.sparql.errors import EndpointError, ParameterError, QueryTimeoutError
from graph.sparql.query import run_query

#: Far above the 1 s timeouts used here (a busy machine only adds to them), far below the
#: 40 s a dripping server used to take.
BOUND = 20.0
ASK = "ASK { ?s ?p ?o }"
ANSWER = b'{"head": {}, "boolean": true}'
HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b"Content-Length: %d\r\n\r\n"
)

Behaviour = Callable[[socket.socket, threading.Event], None]


class Server:
    """Accepts connections, reads each request, then lets ``behaviour`` answer.

    ``read``: "all" (the default), "head" (leaves the body unread) or "nothing".
    """

    def __init__(self, behaviour: Behaviour, read: str = "all") -> None:
        self.behaviour = behaviour
        self.read = read
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.05)  # accept() polls, so the loop sees stop
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/ds/data"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(5)
                data = b"" if self.read != "nothing" else b"\r\n\r\n"
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536) or b"\r\n\r\n"
                head, _, body = data.partition(b"\r\n\r\n")
                if head:
                    self.requests.append(head)
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                while self.read == "all" and len(body) < length:
                    body += conn.recv(65536) or b"x" * length
                self.behaviour(conn, self.stop)
            except OSError:
                pass  # the client gave up, as it should

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(behaviour: Behaviour, read: str = "all") -> Server:
        servers.append(Server(behaviour, read))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


# --- what the servers do --------------------------------------------------------------------


def drip(conn: socket.socket, stop: threading.Event) -> None:
    """A whole, valid answer, one byte a second (the campaign's slow store)."""
    for byte in HEAD % len(ANSWER) + ANSWER:
        conn.sendall(bytes([byte]))
        if stop.wait(1):
            return


def head_then_stall(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(HEAD % len(ANSWER) + ANSWER[:5])
    stop.wait()


def silent(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait()


def close_mid_body(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(HEAD % len(ANSWER) + ANSWER[:5])


def reset(conn: socket.socket, stop: threading.Event) -> None:
    # SO_LINGER with a zero timeout: close() sends RST instead of FIN.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def not_http(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")


def answer(status: bytes = b"200 OK", body: bytes = ANSWER, chunked: bool = False):
    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        head = b"HTTP/1.1 " + status + b"\r\nContent-Type: application/sparql-results+json\r\n"
        if chunked:
            conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
            for start in range(0, len(body), 1000):
                piece = body[start : start + 1000]
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.sendall(b"0\r\n\r\n")
        else:
            conn.sendall(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)

    return behaviour


def close_delimited(size: int) -> Behaviour:
    """No Content-Length: the answer ends when the connection does."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        conn.sendall(b"x" * size)

    return behaviour


STALLS = {"drip": drip, "head-then-stall": head_then_stall, "silent": silent}


def timed(call: Callable[[], object], error: type[Exception]) -> tuple[Exception, float]:
    start = time.monotonic()
    with pytest.raises(error) as caught:
        call()
    return caught.value, time.monotonic() - start


def invoke(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


# --- the deadline covers the whole exchange -------------------------------------------------


@pytest.mark.parametrize("behaviour", list(STALLS.values()), ids=list(STALLS))
def test_a_stalling_endpoint_meets_the_query_timeout(serve, behaviour):
    server = serve(behaviour)
    error, elapsed = timed(
        lambda: run_query(ASK, endpoint=server.url, timeout=1), QueryTimeoutError
    )
    assert elapsed < BOUND
    assert str(error).startswith("query stopped after 1 s")


@pytest.mark.parametrize("behaviour", list(STALLS.values()), ids=list(STALLS))
def test_a_stalling_store_meets_the_push_timeout(serve, valid, behaviour):
    server = serve(behaviour)
    error, elapsed = timed(lambda: push(valid, server.url, timeout=1), StoreUnreachableError)
    assert elapsed < BOUND
    assert "no answer within 1 s" in str(error)
    assert error.exit_code == 4


def test_the_cli_query_stops_a_dripping_endpoint(serve, runner):
    server = serve(drip)
    start = time.monotonic()
    result = invoke(runner, "query", "--sparql", ASK, "--endpoint", server.url, "--timeout", 1)
    assert time.monotonic() - start < BOUND
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: query stopped after 1 s")
    assert "Traceback" not in result.output


@pytest.mark.usefixtures("test_rules")
def test_the_cli_push_stops_a_dripping_store(serve, runner, tmp_data):
    server = serve(drip)
    start = time.monotonic()
    result = invoke(runner, "push", "--store", server.url, "--timeout", 1, "--data", tmp_data())
    assert time.monotonic() - start < BOUND
    assert result.exit_code == 4
    assert "no answer within 1 s" in result.stderr and "Hint:" in result.stderr
    assert "Traceback" not in result.output


def test_one_deadline_covers_several_requests(serve):
    # What a query with an entity label does: a lookup, then the query, in one budget.
    # Each answer takes 2 s, two take 4: a budget of 3 s holds one with a second to spare
    # (a busy machine needs some), never both.
    def slow(conn, stop):
        if not stop.wait(2.0):
            answer()(conn, stop)

    server = serve(slow)
    deadline = outbound.Deadline(3)
    outbound.exchange("POST", server.url, deadline=deadline)
    with pytest.raises(outbound.DeadlineError):
        outbound.exchange("POST", server.url, deadline=deadline)


def test_a_store_that_does_not_read_the_body_meets_the_deadline(serve):
    server = serve(silent, read="head")
    body = b"x" * (64 * 1024 * 1024)  # more than the loopback buffers hold
    start = time.monotonic()
    with pytest.raises(outbound.DeadlineError):
        outbound.exchange("PUT", server.url, deadline=outbound.Deadline(1), body=body)
    assert time.monotonic() - start < BOUND


def test_an_answer_that_comes_in_time_is_read_whole(serve):
    server = serve(answer(body=b"y" * 200_000, chunked=True))
    got = outbound.exchange("POST", server.url, deadline=outbound.Deadline(5), body=b"q")
    assert (got.status, got.body) == (200, b"y" * 200_000)
    assert got.content_type == "application/sparql-results+json"


def test_without_a_timeout_the_query_waits_as_long_as_it_takes(serve):
    server = serve(answer())
    assert run_query(ASK, endpoint=server.url).boolean is True


# --- every failure is one clean error -------------------------------------------------------


BROKEN = {
    "close-mid-body": (close_mid_body, "cut off after 5 of 29 bytes"),
    "reset": (reset, "closed the connection"),
    "not-http": (not_http, "not HTTP"),
}


@pytest.mark.parametrize(("behaviour", "says"), list(BROKEN.values()), ids=list(BROKEN))
def test_a_broken_answer_is_an_endpoint_error(serve, runner, behaviour, says):
    server = serve(behaviour)
    with pytest.raises(EndpointError, match=says):
        run_query(ASK, endpoint=server.url, timeout=5)
    result = invoke(runner, "query", "--sparql", ASK, "--endpoint", server.url)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the endpoint {server.url} sent a broken answer")
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("behaviour", "says"), list(BROKEN.values()), ids=list(BROKEN))
def test_a_broken_answer_is_a_store_error(serve, valid, behaviour, says):
    server = serve(behaviour)
    with pytest.raises(StoreError, match=says) as caught:
        push(valid, server.url, timeout=5)
    assert caught.value.exit_code == 4
    assert "may or may not have been replaced" in caught.value.hint


def test_an_answer_over_the_size_limit_is_refused(serve):
    server = serve(close_delimited(3 * 1024 * 1024))
    with pytest.raises(outbound.BadAnswerError, match="larger than 2 MB"):
        outbound.exchange("GET", server.url, deadline=outbound.Deadline(5), limit=2 * 1024 * 1024)


def test_a_declared_length_over_the_limit_is_refused_before_reading(serve):
    server = serve(answer(body=b"z" * 2000))
    with pytest.raises(outbound.BadAnswerError, match="larger than 1000 bytes"):
        outbound.exchange("GET", server.url, deadline=outbound.Deadline(5), limit=1000)


def test_a_store_answering_too_much_to_a_put_is_an_error(serve, valid):
    server = serve(close_delimited(2 * 1024 * 1024))
    with pytest.raises(StoreError, match="larger than 1 MB"):
        push(valid, server.url, timeout=5)


def test_an_error_status_is_an_answer_with_its_body_cut(serve):
    server = serve(answer(b"500 Internal Server Error", b"e" * 200_000))
    got = outbound.exchange("GET", server.url, deadline=outbound.Deadline(5))
    assert got.status == 500
    assert len(got.body) == outbound.ERROR_BODY_LIMIT


def test_a_redirect_is_reported_by_the_query(serve):
    def moved(conn, stop):
        conn.sendall(
            b"HTTP/1.1 301 Moved Permanently\r\nLocation: https://elsewhere/sparql\r\n"
            b"Content-Length: 0\r\n\r\n"
        )

    server = serve(moved)
    with pytest.raises(EndpointError, match="answered 301") as caught:
        run_query(ASK, endpoint=server.url)
    assert "https://elsewhere/sparql" in caught.value.hint
    assert len(server.requests) == 1


def test_nothing_listening_is_connection_refused(free_port):
    with pytest.raises(outbound.CannotConnectError, match="connection refused"):
        outbound.exchange("GET", f"http://127.0.0.1:{free_port}/", deadline=outbound.Deadline(5))


def test_an_unknown_host_is_cannot_connect():
    # .invalid never resolves (RFC 2606); a resolver that is slow meets the deadline instead.
    with pytest.raises((outbound.CannotConnectError, outbound.DeadlineError)):
        outbound.exchange("GET", "http://no-such-host.invalid/", deadline=outbound.Deadline(3))


def test_a_tls_handshake_with_a_plain_http_server_fails_cleanly(serve):
    server = serve(answer(b"400 Bad Request"), read="nothing")
    with pytest.raises(outbound.CannotConnectError, match="TLS"):
        outbound.exchange(
            "GET", server.url.replace("http:", "https:"), deadline=outbound.Deadline(5)
        )


# --- proxies --------------------------------------------------------------------------------


def test_a_loopback_request_bypasses_the_proxy_of_the_environment(serve, monkeypatch, free_port):
    server = serve(answer())
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{free_port}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert run_query(ASK, endpoint=server.url).boolean is True


def test_another_host_is_reached_through_the_proxy_of_the_environment(serve, monkeypatch):
    proxy = serve(answer())
    monkeypatch.setenv("http_proxy", proxy.url.removesuffix("/ds/data"))
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert run_query(ASK, endpoint="http://store.example/sparql", timeout=5).boolean is True
    assert proxy.requests[0].startswith(b"POST http://store.example/sparql HTTP/1.1")


# --- URLs -----------------------------------------------------------------------------------


BAD_URLS = {
    "unclosed-ipv6": ("http://[::1", "IPv6"),
    "space-in-host": ("http://a b/", "space"),
    "port-out-of-range": ("http://127.0.0.1:99999/sparql", "port must be a number"),
    "port-zero": ("http://127.0.0.1:0/sparql", "port must be a number"),
    "not-a-host": ("http://a_b!/sparql", "not a host name"),
    "no-host": ("http:///sparql", "names no host"),
    "not-http": ("ftp://127.0.0.1/x", "not an http or https URL"),
    "credentials": ("http://u:secret@127.0.0.1/x", "user or a password"),
}


@pytest.mark.parametrize(("url", "says"), list(BAD_URLS.values()), ids=list(BAD_URLS))
def test_a_bad_endpoint_url_is_one_clean_line(runner, url, says):
    with pytest.raises(ParameterError, match=says) as caught:
        run_query(ASK, endpoint=url)
    assert caught.value.exit_code == 2
    result = invoke(runner, "query", "--sparql", ASK, "--endpoint", url)
    assert result.exit_code == 2
    (error, hint) = result.stderr.splitlines()
    assert error.startswith("Error: ") and "is not a valid URL: " in error
    assert hint.startswith("Hint: Give the endpoint as http://")
    assert "secret" not in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("url", "says"), list(BAD_URLS.values()), ids=list(BAD_URLS))
def test_a_bad_store_url_is_one_clean_line_before_the_data_is_read(
    runner, tmp_path, valid, url, says
):
    with pytest.raises(StoreUsageError, match=says) as caught:
        push(valid, url)
    assert caught.value.exit_code == 2
    missing = tmp_path / "no-data-here"  # the URL is checked first, the data never read
    result = invoke(runner, "push", "--store", url, "--data", missing)
    assert result.exit_code == 2
    (error, hint) = result.stderr.splitlines()
    assert error.startswith("Error: ") and "is not a valid URL: " in error
    assert hint.startswith("Hint: Give the Graph Store endpoint")
    assert "secret" not in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:3030/ds/data",
        "https://[::1]:8890/sparql-graph-crud-auth?graph-uri=urn%3Ag",
        "http://localhost/sparql",
        "https://lindas.admin.ch/query",
        "http://bücher.example/sparql",
        "http://store_1.internal:7878/query",
    ],
)
def test_good_urls_pass(url):
    assert outbound.check_url(url).scheme in ("http", "https")


def test_a_nan_push_timeout_is_refused(valid):
    with pytest.raises(StoreUsageError, match="positive number of seconds"):
        push(valid, "http://127.0.0.1:1/ds", timeout=float("nan"))


@pytest.fixture
def free_port() -> int:
    """A port on which nothing listens (taken, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
