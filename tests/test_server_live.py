"""``coopgraph serve`` as a real server on 127.0.0.1: a real SPARQL client, a bounded load
test with a runaway query, hostile raw requests, and a clean stop.

The server runs as ``python -m graph serve --port 0`` (a free port, read from its first
line), so these tests also cover the command line, uvicorn and the worker processes.
Times are never compared with fixed numbers, only with a baseline measured in the same
test.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import rdflib

from graph.sparql.query import run_query
from tests.helpers.live import CEILING, LiveServer, wait_until

pytestmark = pytest.mark.slow

JSON = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def server():
    # A generous limit: on a busy machine a plain query may take long (no test here is
    # about this server's deadline).
    live = LiveServer("--timeout", "300", "--max-body", "65536")
    yield live
    live.stop()


@pytest.fixture(autouse=True)
def no_proxy_for_loopback(monkeypatch):
    # A proxy set in the environment must not see requests to our own machine.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead too
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


# --- a real client ---------------------------------------------------------------------------


def test_sparqlwrapper_select_ask_construct(server):
    from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper

    endpoint = SPARQLWrapper(server.url + "sparql")
    text = run_query("partners-by-axis").query  # the catalogue query, parameters bound
    endpoint.setQuery(text)
    endpoint.setReturnFormat(JSON)
    rows = endpoint.query().convert()["results"]["bindings"]
    assert len(rows) == len(run_query("partners-by-axis").rows) > 0

    endpoint.setMethod(POST)
    endpoint.setReturnFormat(XML)
    document = endpoint.query().convert()  # a DOM document
    assert len(document.getElementsByTagName("result")) == len(rows)

    endpoint.setReturnFormat(CSV)
    assert len(endpoint.query().convert().decode().strip().splitlines()) == len(rows) + 1

    endpoint.setQuery("ASK { <https://w3id.org/jura-coop/id/rcju> ?p ?o }")
    endpoint.setReturnFormat(JSON)
    assert endpoint.query().convert()["boolean"] is True

    endpoint.setQuery("CONSTRUCT WHERE { <https://w3id.org/jura-coop/id/quebec> ?p ?o }")
    endpoint.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=endpoint.query().convert(), format="turtle")
    assert len(graph) == len(run_query("DESCRIBE <https://w3id.org/jura-coop/id/quebec>").triples)
    endpoint.setReturnFormat(XML)  # RDF/XML for a graph result
    assert isinstance(endpoint.query().convert(), rdflib.Graph)


def test_sparqlwrapper_sees_errors(server):
    from SPARQLWrapper import SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    endpoint = SPARQLWrapper(server.url + "sparql")
    endpoint.setQuery("SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed, match="line 1"):
        endpoint.query()


# --- load -------------------------------------------------------------------------------------


def _load(host, port, path: str, clients: int, per_client: int) -> tuple[list[float], list]:
    """``clients`` threads, each on its own keep-alive connection, ``per_client`` GETs each."""
    latencies: list[float] = []
    errors: list = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        mine, bad = [], []
        for _ in range(per_client):
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Accept": JSON})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                bad.append(repr(error))
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors


def _p(values: list[float], q: int) -> float:
    """The q-th percentile."""
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def test_load_with_a_runaway_query(record_property):
    live = LiveServer("--timeout", "600", "--workers", "2", "--max-queue", "64")
    try:
        path = "/sparql?query=" + quote(run_query("partners-by-axis").query, safe="")
        _load(live.host, live.port, path, 4, 5)  # warm up: each worker parses the query once

        started = time.perf_counter()
        alone, errors = _load(live.host, live.port, path, clients=8, per_client=40)
        assert errors == []
        # The runaway must outlast the load measured beside it, on one worker instead of
        # two: its deadline is several times what the load took alone on this machine now.
        timeout = max(8.0, 4 * (time.perf_counter() - started))

        runaway: dict = {}

        def run_away() -> None:
            connection = http.client.HTTPConnection(live.host, live.port, timeout=timeout + 60)
            target = f"/sparql?query={quote(RUNAWAY, safe='')}&timeout={timeout:.1f}"
            connection.request("GET", target)
            response = connection.getresponse()
            runaway["status"], runaway["body"] = response.status, response.read().decode()
            runaway["ended"] = time.perf_counter()

        thread = threading.Thread(target=run_away)
        thread.start()
        live.wait_for_a_busy_worker()  # the runaway holds a worker from now on
        loaded, errors = _load(live.host, live.port, path, clients=8, per_client=40)
        measured = time.perf_counter()
        many, many_errors = _load(live.host, live.port, path, clients=32, per_client=10)
        thread.join()

        assert errors == [] and many_errors == []
        assert runaway["status"] == 503 and "stopped" in runaway["body"]
        assert measured < runaway["ended"], "the measured load must run while the runaway does"
        p50_alone, p99_alone = statistics.median(alone), _p(alone, 99)
        p50_during, p99_during = statistics.median(loaded), _p(loaded, 99)
        report = (
            f"8 clients x 40 requests: alone p50 {p50_alone * 1000:.1f} ms p99 "
            f"{p99_alone * 1000:.1f} ms; beside a runaway p50 {p50_during * 1000:.1f} ms p99 "
            f"{p99_during * 1000:.1f} ms; 32 clients x 10 requests p50 "
            f"{statistics.median(many) * 1000:.1f} ms p99 {_p(many, 99) * 1000:.1f} ms"
        )
        print(report)
        record_property("load", report)
        assert p99_during <= 10 * p99_alone, report
        assert p99_during < timeout, report
    finally:
        code, stderr = live.stop()
    assert code == 0, stderr


# --- hostile requests -------------------------------------------------------------------------


def raw(server, data: bytes, *, read_for: float = 10.0) -> bytes:
    """Send bytes as they are and read until the server closes or ``read_for`` passes."""
    with socket.create_connection((server.host, server.port), timeout=read_for) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        deadline = time.monotonic() + read_for
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except (TimeoutError, ConnectionResetError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def status_of(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:200]
    return int(response.split(b" ", 2)[1])


def headers_of(response: bytes) -> list[bytes]:
    return response.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]


@pytest.mark.parametrize(
    "target",
    [
        b"/id/rcju%0D%0ASet-Cookie:%20stolen=1",
        b"/id/rcju%0ASet-Cookie:%20stolen=1",
        b"/id/../../etc/passwd",
        b"/id/..%2f..%2fetc%2fpasswd",
        b"/id/%2e%2e/%2e%2e/pyproject.toml",
        b"/id/rcju\\..\\..\\pyproject.toml",
        b"/id/rcju%00.ttl",
        b"/../../../etc/passwd",
        b"/queries/..%2f..%2fpyproject.rq",
    ],
)
def test_hostile_targets_are_refused_without_reading_files(server, target):
    response = raw(server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(response) in (400, 404)
    assert b"root:" not in response and b"[project]" not in response
    assert not any(h.lower().startswith(b"set-cookie") for h in headers_of(response))


@pytest.mark.parametrize(
    ("request_bytes", "refused"),
    [
        # A header value carrying a NUL, a bare CR.
        (
            b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: text/csv\x00x\r\n\r\n",
            True,
        ),
        (
            b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n"
            b"Accept: a\rSet-Cookie: s=1\r\n\r\n",
            True,
        ),
        # A line folded onto the next: RFC 9112 lets a server unfold it into one value, as
        # h11 does, so it may be answered; its text must stay inside that one header.
        (
            b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\nX-A: a\r\n Set-Cookie: s=1\r\n"
            b"Connection: close\r\n\r\n",
            False,
        ),
        # Raw bytes that are not UTF-8 in the target and in the query.
        (b"GET /id/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", True),
        (
            b"GET /sparql?query=ASK%20%7B%7D%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            True,
        ),
        # A header that never ends.
        (b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 1_000_000, True),
        # A request line that is not HTTP (a TLS hello).
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n", True),
    ],
    ids=["nul", "bare-cr", "folded", "raw-bytes-path", "bad-percent-utf8", "endless-header", "tls"],
)
def test_malformed_requests_get_a_4xx_and_inject_nothing(server, request_bytes, refused):
    response = raw(server, request_bytes)
    if refused and response:  # uvicorn may also just close a connection it cannot parse
        assert 400 <= status_of(response) < 500, response[:300]
    if response:
        assert not any(h.lower().startswith(b"set-cookie") for h in headers_of(response))


def test_declared_oversized_body_is_refused_before_it_is_sent(server):
    head = (
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100000000\r\nConnection: close\r\n\r\n"
    )
    response = raw(server, head + b"SELECT * WHERE { ?s ?p ?o }")
    assert status_of(response) == 413


def test_endless_chunked_body_is_cut_at_the_limit(server):
    with socket.create_connection((server.host, server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        )
        chunk = b"#" + b"x" * 8191
        sent = 0
        try:
            while sent < 10_000_000:  # far past --max-body 65536; the server stops first
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = sock.recv(65536)
    assert sent < 10_000_000 or response
    assert status_of(response) == 413


def test_the_server_still_answers_after_the_hostile_requests(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    connection.request("GET", "/sparql?query=ASK%20%7B%7D", headers={"Accept": "text/csv"})
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b"true\n"


# --- stopping -------------------------------------------------------------------------------


def test_ctrl_c_stops_the_server_and_its_workers():
    live = LiveServer("--workers", "2")
    workers = live.workers()
    # Two serving and one standing by (--spare-workers 1, the default): all must stop.
    assert len(workers) == 3 and all(alive(pid) for pid in workers)
    code, stderr = live.stop()  # SIGINT, as Ctrl-C sends it
    assert code == 0, stderr
    assert "workers terminated" in stderr
    assert "Traceback" not in stderr
    wait_until(lambda: not any(alive(pid) for pid in workers))


def test_workers_die_with_a_killed_server_even_mid_query():
    live = LiveServer("--workers", "1", "--timeout", "600")
    workers = live.workers()
    thread = threading.Thread(
        target=lambda: raw(
            live,
            b"GET /sparql?query=" + quote(RUNAWAY).encode() + b" HTTP/1.1\r\nHost: x\r\n\r\n",
            read_for=CEILING,
        ),
        daemon=True,
    )
    thread.start()
    live.wait_for_a_busy_worker()  # the worker is now deep in the runaway query
    live.process.kill()  # no chance to clean up
    live.process.wait()
    wait_until(lambda: not any(alive(pid) for pid in workers))


# --- clients that try to wear the server down -----------------------------------------------


def _loop(live: LiveServer, query: str, timeout: str, stop: threading.Event, statuses: list):
    """One client sending ``query`` with ``timeout=`` again and again until told to stop."""
    path = "/sparql?" + f"query={quote(query, safe='')}&timeout={quote(timeout, safe='')}"
    connection = http.client.HTTPConnection(live.host, live.port, timeout=60)
    sent = 0
    while not stop.is_set() and sent < 5000:  # bounded in count as well as in time
        sent += 1
        try:
            connection.request("GET", path, headers={"Accept": JSON})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
        except (OSError, http.client.HTTPException) as error:
            statuses.append(repr(error))
            connection.close()
            connection = http.client.HTTPConnection(live.host, live.port, timeout=60)
    connection.close()


def test_tiny_timeouts_in_a_loop_kill_no_worker_and_plain_queries_still_answer(record_property):
    live = LiveServer("--workers", "2", "--spare-workers", "1", "--timeout", "300")
    try:
        workers_before = sorted(live.workers())
        path = "/sparql?query=" + quote("ASK { ?s ?p ?o }", safe="")
        alone, errors = _load(live.host, live.port, path, clients=1, per_client=30)
        assert errors == []

        stop = threading.Event()
        statuses: list[list] = [[], []]
        attackers = [
            threading.Thread(target=_loop, args=(live, RUNAWAY, asked, stop, out))
            for asked, out in zip(("0.001", "-1"), statuses, strict=True)
        ]
        for thread in attackers:
            thread.start()
        try:
            wait_until(lambda: all(statuses))  # both attackers are answered
            during, errors = _load(live.host, live.port, path, clients=1, per_client=30)
            wait_until(lambda: sum(len(s) for s in statuses) > 20)
        finally:
            stop.set()
            for thread in attackers:
                thread.join(timeout=60)
        assert errors == [], errors
        sent = sum(len(s) for s in statuses)
        assert sent > 20, "the attacking clients must really have run"
        assert {s for out in statuses for s in out} == {400}
        # Not one worker was killed or replaced: the same processes serve.
        assert sorted(live.workers()) == workers_before
        report = (
            f"plain ASK alone p50 {statistics.median(alone) * 1000:.1f} ms; beside two clients "
            f"looping timeout=0.001 and timeout=-1 ({sent} requests) p50 "
            f"{statistics.median(during) * 1000:.1f} ms"
        )
        print(report)
        record_property("tiny-timeouts", report)
    finally:
        code, stderr = live.stop()
    assert code == 0, stderr


def test_a_killed_worker_is_replaced_by_a_spare_at_once():
    # The runaway asks for 2 s; the server's own limit, which also bounds the wait for a
    # free worker, is generous: on a busy machine a request may wait, never fail for it.
    live = LiveServer("--workers", "1", "--spare-workers", "1", "--timeout", "600")
    try:
        before = set(live.workers())
        assert len(before) == 2  # one serving, one standing by
        connection = http.client.HTTPConnection(live.host, live.port, timeout=60)
        connection.request("GET", "/sparql?query=" + quote(RUNAWAY, safe="") + "&timeout=2")
        response = connection.getresponse()
        assert response.status == 503 and "stopped" in response.read().decode()
        # The spare answers the very next query: it had loaded the data already.
        connection.request("GET", "/sparql?query=" + quote("ASK {}", safe=""))
        response = connection.getresponse()
        assert response.status == 200, response.read()
        response.read()
        connection.close()
        after = set(live.workers())
        assert len(before - after) == 1  # the killed one is gone; its spare serves
    finally:
        code, stderr = live.stop()
    assert code == 0, stderr


def test_clients_that_disconnect_mid_body_leave_no_traceback_in_the_log():
    live = LiveServer("--timeout", "300")
    try:
        for _ in range(5):
            with socket.create_connection((live.host, live.port), timeout=10) as sock:
                sock.sendall(
                    b"POST /sparql HTTP/1.1\r\nHost: x\r\n"
                    b"Content-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\n"
                    b"SELECT * W"
                )
            time.sleep(0.05)
        # Still serving.
        connection = http.client.HTTPConnection(live.host, live.port, timeout=60)
        connection.request("GET", "/sparql?query=" + quote("ASK {}", safe=""))
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        code, stderr = live.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr and "ClientDisconnect" not in stderr, stderr
