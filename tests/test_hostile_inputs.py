"""Mutated queries and data files: a clean error or an answer, never a traceback, never a
connection, never a partial file.

Hypothesis mutates the catalogue's own queries (cuts, insertions of quotes, escapes,
brackets, comments and SERVICE clauses aimed at a listener on 127.0.0.1) and the fixture
data files (bytes cut, flipped, inserted: a byte-order mark, invalid UTF-8, Turtle's own
quotes and brackets). Examples are derived from a fixed seed so the suite is steady; more
can be run with ``HYPOTHESIS_PROFILE=long``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.cli import cli
from graph.errors import CoopGraphError
from graph.sparql.catalogue import list_queries
from graph.sparql.query import run_query
from tests.helpers import VALID

settings.register_profile(
    "steady",
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=2000,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "steady")

pytestmark = pytest.mark.slow  # generated cases by the hundred: run by .ci/run, not by default


def _examples(steady: int) -> int:
    """A count the suite can afford, or the long profile's when asked for."""
    return settings.get_profile("long").max_examples if PROFILE == "long" else steady


CATALOGUE = {entry.name: entry.text for entry in list_queries()}

QUERY_PIECES = [
    '"',
    "'",
    '"""',
    "\\u0022",
    "\\u000D",
    "\\",
    "#",
    "\r",
    "\n",
    "{",
    "}",
    "(",
    ")",
    "<",
    ">",
    "?x",
    ";",
    ".",
    "*",
    "é",
    "\x00",
    "\ud7ff",
    "SERVICE <{url}/m> { ?s ?p ?o }",
    " SERVICE SILENT <{url}/n> {} ",
    "FROM <{url}/g>",
    "LOAD <{url}/l>",
    "(" * 20,
    "{" * 20,
]


@st.composite
def mutated_queries(draw) -> str:
    text = CATALOGUE[draw(st.sampled_from(sorted(CATALOGUE)))]
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "cut", "repeat"]))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(QUERY_PIECES)) + text[at:]
        elif kind == "cut":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            text = text[:at] + text[at : at + draw(st.integers(1, 40))] * 2 + text[at:]
    return text


@settings(settings.get_profile(PROFILE), max_examples=_examples(80))
@given(template=mutated_queries())
def test_a_mutated_catalogue_query_answers_or_fails_cleanly(listener, template):
    text = template.replace("{url}", listener.url)
    try:
        run_query(sparql=text)
    except CoopGraphError as error:
        assert str(error), "an error with no message"
    assert listener.connections() == 0


@settings(settings.get_profile(PROFILE), max_examples=_examples(25))
@given(template=mutated_queries(), timeout=st.sampled_from([None, 30.0]))
def test_the_cli_answers_or_fails_cleanly_on_a_mutated_query(runner, listener, template, timeout):
    text = template.replace("{url}", listener.url)
    args = ["query", "--sparql", text, "--format", "csv"]
    if timeout is not None:
        args += ["--timeout", str(timeout)]
    result = runner.invoke(cli, args)
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    assert listener.connections() == 0


DATA_PIECES = [
    b"\xef\xbb\xbf",
    b"\xff",
    b"\xc3",
    b"\x00",
    b'"',
    b'"""',
    b"<",
    b">",
    b".",
    b";",
    b"[",
    b"]",
    b"(",
    b"@prefix",
    b"\\u0022",
    b"\r",
    b"#",
    b"99999999999999999999999999",
    b"_:b",
]


@st.composite
def mutated_data(draw) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(p.name for p in VALID.glob("*.ttl"))))
    data = (VALID / name).read_bytes()
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(["insert", "cut", "flip"]))
        if kind == "insert":
            data = data[:at] + draw(st.sampled_from(DATA_PIECES)) + data[at:]
        elif kind == "cut":
            data = data[:at] + data[at + draw(st.integers(1, 60)) :]
        elif at < len(data):
            data = data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    return name, data


@settings(settings.get_profile(PROFILE), max_examples=_examples(30))
@given(case=mutated_data())
def test_mutated_data_gives_a_clean_error_and_never_a_partial_file(runner, case):
    name, data = case
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        shutil.copytree(VALID, folder)
        (folder / name).write_bytes(data)
        out = Path(tmp) / "out.ttl"
        previous = b"previous export\n"
        out.write_bytes(previous)

        result = runner.invoke(
            cli, ["export", "--data", str(folder), "--format", "turtle", "-o", str(out)]
        )
        assert result.exit_code in (0, 2, 3), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(
            result.exception
        )
        assert "Traceback" not in result.output
        if result.exit_code == 0:
            assert out.read_bytes() != previous and out.read_bytes().endswith(b"\n")
        else:
            assert out.read_bytes() == previous, "a failed export touched its output"
            assert "Error:" in result.output
        assert sorted(p.name for p in Path(tmp).iterdir()) == ["data", "out.ttl"]

        for engine in ("oxigraph", "rdflib"):
            try:
                run_query("ASK { ?s ?p ?o }", engine=engine, data_dir=folder)
            except CoopGraphError as error:
                assert str(error)


@pytest.mark.parametrize(
    "url",
    ["http://[::1", "http://a b/", "http://127.0.0.1:99999/sparql", "ftp://x/", "nonsense"],
)
def test_bad_endpoint_urls_are_one_clean_line(runner, url):
    result = runner.invoke(cli, ["query", "counts", "--endpoint", url])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: ") and "Traceback" not in result.output
