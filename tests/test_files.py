"""One loader for every command (graph.dataset.sources): which files, and the text of each.

Every command that reads the data, on either engine, accepts and refuses the same files: a
byte-order mark is dropped, a FIFO, a device, a folder or an oversized file is refused up
front (and at once: a FIFO must not block), a file that is not UTF-8 is refused with the
position of the bad byte, and a literal too long for Oxigraph's streaming parser is
either loaded or refused, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import threading
import warnings
from pathlib import Path

import pyoxigraph
import pytest
from rdflib.compare import to_isomorphic

from graph.cli import cli
from graph.dataset import sources
from graph.dataset.load import load, parse_turtle
from graph.dataset.sources import MAX_FILE_BYTES, data_files, oxigraph_errors, read_turtle
from graph.errors import DataFileError, DataNotFoundError, DataSyntaxError, display_path
from graph.sparql.query import run_query
from tests.helpers import VALID

BOM = b"\xef\xbb\xbf"
ALL = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
TRIPLE = b"<http://ex.org/s> <http://ex.org/p> <http://ex.org/o> .\n"

#: Every command that reads the data, with what it needs besides --data ({out}: a folder).
COMMANDS = {
    "validate": ["validate"],
    "build": ["build", "--out", "{out}"],
    "export": ["export", "-o", "{out}/x.ttl"],
    "stats": ["stats"],
    "render": ["render", "-o", "{out}/graph.html"],
    "path": ["path", "id:rcju", "id:departement-territoire-de-belfort"],
    "query": ["query", "counts"],
    "query-rdflib": ["query", "counts", "--engine", "rdflib"],
    "query-worker": ["query", "counts", "--timeout", "120"],
    "push": ["push", "--store", "http://127.0.0.1:9/store"],
    "serve": ["serve", "--port", "0", "--workers", "1"],
}


def command(name: str, data: Path, out: Path) -> list[str]:
    return [a.format(out=out) for a in COMMANDS[name]] + ["--data", str(data)]


@pytest.fixture
def folder(tmp_path):
    """A copy of the valid fixture data plus the given files: name -> bytes, or a callable
    that makes the entry at the path it is given (a FIFO, a link)."""

    def make(extra: dict | None = None) -> Path:
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        for source in VALID.glob("*.ttl"):
            shutil.copy(source, data / source.name)
        for name, content in (extra or {}).items():
            target = data / name
            if callable(content):
                content(target)
            else:
                target.write_bytes(content)
        return data

    return make


def with_deadline(function, *args, seconds: float = 60, fifo: Path | None = None):
    """``function(*args)`` in a thread; fail (rather than hang) if it does not end in time.

    A reader stuck on ``fifo`` is released by opening it for writing, so that the thread
    ends and the test run goes on.
    """
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed to the test below
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if fifo is not None:
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        thread.join(10)
        pytest.fail(f"still running after {seconds} s: blocked on a file?")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def clean_exit(result, code: int = 2) -> str:
    """The one ``Error:`` line and its hint, after checking there is nothing worse."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return result.stderr[result.stderr.index("Error: ") :]


# --- a byte-order mark ----------------------------------------------------------------------


@pytest.fixture
def with_bom(tmp_path):
    """The valid fixture data, every file starting with a UTF-8 byte-order mark."""
    data = tmp_path / "bom"
    data.mkdir()
    for source in VALID.glob("*.ttl"):
        (data / source.name).write_bytes(BOM + source.read_bytes())
    return data


def test_the_reader_drops_a_byte_order_mark(with_bom):
    for path in data_files(with_bom):
        assert read_turtle(path) == (VALID / path.name).read_text(encoding="utf-8")


def test_both_engines_load_the_same_triples_with_a_byte_order_mark(with_bom):
    expected = to_isomorphic(load(VALID).graph)
    assert to_isomorphic(load(with_bom).graph) == expected
    for engine in ("oxigraph", "rdflib"):
        plain = run_query(ALL, data_dir=VALID, engine=engine)
        marked = run_query(ALL, data_dir=with_bom, engine=engine)
        assert len(marked.triples) == len(plain.triples) == len(expected)
        assert to_isomorphic(marked.graph) == to_isomorphic(plain.graph)


@pytest.mark.parametrize(
    "text",
    [
        "<http://ex.org/a> <http://ex.org/b> <not an iri> .\n",  # Oxigraph finds it
        "@prefix ex: <http://ex.org/> .\nex:a ex:b ex:c ex:d .\n",  # rdflib finds it
    ],
)
def test_positions_after_a_byte_order_mark_are_those_without(folder, text):
    data = folder()
    readers = {
        "rdflib": lambda: parse_turtle(data / "bad.ttl"),
        "oxigraph": lambda: run_query("ASK {}", data_dir=data),
    }
    for name, read in readers.items():
        positions = []
        for raw in (text.encode(), BOM + text.encode()):
            (data / "bad.ttl").write_bytes(raw)
            with pytest.raises(DataSyntaxError) as caught:
                read()
            positions.append((caught.value.line, caught.value.column))
        assert positions[0] == positions[1] and None not in positions[0], (name, positions)


# Slow (every command, twice): both engines' readers are checked with a mark above.
@pytest.mark.slow
@pytest.mark.usefixtures("test_rules")
@pytest.mark.parametrize("name", [c for c in COMMANDS if c not in ("push", "serve")])
def test_every_command_answers_alike_with_a_byte_order_mark(runner, with_bom, tmp_path, name):
    answers = []
    for data in (VALID, with_bom):
        out = tmp_path / f"out-{data.name}"
        result = runner.invoke(cli, command(name, data, out))
        assert result.exit_code == 0, result.output
        text = result.stdout.replace(str(out), "OUT")
        for spelling in (str(data), display_path(data)):  # validate names the files
            text = text.replace(spelling, "DATA")
        files = {p.name: p.read_bytes() for p in sorted(out.glob("*"))}
        answers.append((text, files))
    assert answers[0] == answers[1]


def test_the_server_answers_alike_with_a_byte_order_mark(with_bom):
    from graph.server.app import ServerConfig, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = run_query(count, data_dir=VALID).rows[0][0].value
    app = create_app(ServerConfig(timeout=300, data_dir=with_bom, max_concurrency=1))
    with TestClient(app) as client:
        response = client.get("/sparql", params={"query": count}, headers={"Accept": "text/csv"})
        assert response.status_code == 200, response.text
        assert response.text.split()[-1] == expected
        assert client.get("/graph").status_code == 200  # the rdflib path of the pages


# --- files that are not regular files -------------------------------------------------------


def fifo(path: Path) -> None:
    os.mkfifo(path)


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@needs_fifo
@pytest.mark.usefixtures("test_rules")
@pytest.mark.parametrize("name", COMMANDS)
def test_a_fifo_is_refused_at_once_by_every_command(runner, folder, tmp_path, name):
    data = folder({"pipe.ttl": fifo})
    result = with_deadline(
        runner.invoke, cli, command(name, data, tmp_path / "out"), fifo=data / "pipe.ttl"
    )
    message = clean_exit(result)
    assert "pipe.ttl is a named pipe (FIFO), not a regular file" in message
    assert "Hint: " in message
    assert not (tmp_path / "out").exists()


@needs_fifo
@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_fifo_is_refused_by_the_library(folder, engine):
    data = folder({"pipe.ttl": fifo})
    with pytest.raises(DataFileError, match="named pipe") as caught:
        with_deadline(
            lambda: run_query("ASK {}", data_dir=data, engine=engine),
            seconds=30,
            fifo=data / "pipe.ttl",
        )
    assert caught.value.exit_code == 2 and caught.value.path == data / "pipe.ttl"
    with pytest.raises(DataFileError, match="named pipe"):
        with_deadline(load, data, seconds=30, fifo=data / "pipe.ttl")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
@pytest.mark.parametrize("name", ["validate", "query", "query-rdflib"])
def test_a_link_to_a_device_is_refused(runner, folder, tmp_path, name):
    data = folder({"zero.ttl": lambda path: path.symlink_to("/dev/zero")})
    result = with_deadline(runner.invoke, cli, command(name, data, tmp_path / "out"))
    message = clean_exit(result)
    assert "zero.ttl (a link to /dev/zero) is a character device, not a regular file" in message


@needs_fifo
def test_a_link_to_a_fifo_is_refused(folder, tmp_path):
    os.mkfifo(tmp_path / "pipe")
    data = folder({"link.ttl": lambda path: path.symlink_to(tmp_path / "pipe")})
    with pytest.raises(DataFileError, match=r"link\.ttl \(a link to .*pipe\) is a named pipe"):
        with_deadline(read_turtle, data / "link.ttl", fifo=tmp_path / "pipe")


@pytest.mark.parametrize("name", ["validate", "query"])
def test_a_folder_named_like_a_data_file_is_refused(runner, folder, tmp_path, name):
    data = folder({"sub.ttl": lambda path: path.mkdir()})
    message = clean_exit(runner.invoke(cli, command(name, data, tmp_path / "out")))
    assert "sub.ttl is a folder, not a regular file" in message


@pytest.mark.parametrize("name", ["validate", "query"])
def test_a_link_to_nothing_is_refused(runner, folder, tmp_path, name):
    data = folder({"gone.ttl": lambda path: path.symlink_to(tmp_path / "gone")})
    message = clean_exit(runner.invoke(cli, command(name, data, tmp_path / "out")))
    assert "gone.ttl" in message and "No such file" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_an_unreadable_file_is_refused(folder):
    data = folder({"secret.ttl": TRIPLE})
    (data / "secret.ttl").chmod(0)
    with pytest.raises(DataFileError, match="Permission denied"):
        run_query("ASK {}", data_dir=data)


# --- size -------------------------------------------------------------------------------------


def test_the_default_limit_refuses_a_huge_file_without_reading_it(tmp_path):
    huge = tmp_path / "huge.ttl"
    with open(huge, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: no disk space used, nothing to read
    with pytest.raises(DataFileError) as caught:
        read_turtle(huge)
    assert str(caught.value) == (
        f"{huge} is 536,870,913 bytes, more than the 512 MiB a Turtle file may have"
    )
    assert "Split" in caught.value.hint


@pytest.mark.parametrize("name", ["validate", "query", "query-rdflib"])
def test_a_file_over_the_limit_is_refused_by_every_engine(
    runner, folder, tmp_path, monkeypatch, name
):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 100_000)  # above the ontology's files
    data = folder({"big.ttl": TRIPLE * 2000})
    message = clean_exit(runner.invoke(cli, command(name, data, tmp_path / "out")))
    size = 2000 * len(TRIPLE)
    assert f"big.ttl is {size:,} bytes, more than the 100,000 bytes a Turtle file" in message


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["validate", "query", "query-rdflib", "query-worker"])
def test_a_file_that_is_not_utf8_gives_the_position_of_the_bad_byte(runner, folder, tmp_path, name):
    data = folder({"latin.ttl": b'@prefix ex: <http://ex.org/> .\nex:a ex:b "caf\xe9" .\n'})
    message = clean_exit(runner.invoke(cli, command(name, data, tmp_path / "out")))
    assert "latin.ttl:2:15: byte 0xe9 is not valid UTF-8" in message
    assert "Save the file as UTF-8" in message


def test_a_utf16_file_is_named_as_such(folder):
    data = folder({"wide.ttl": TRIPLE.decode().encode("utf-16")})
    with pytest.raises(DataSyntaxError, match=r"wide\.ttl:1:1: byte 0xff") as caught:
        read_turtle(data / "wide.ttl")
    assert "UTF-16" in caught.value.hint


# --- a literal longer than Oxigraph's streaming buffer ----------------------------------------

LONG = 17_000_000  # characters: more than the 16 MiB pyoxigraph's streaming parser holds


@pytest.fixture(scope="module")
def long_literal(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("long")
    for source in VALID.glob("*.ttl"):
        shutil.copy(source, data / source.name)
    (data / "long.ttl").write_text(
        '@prefix ex: <http://ex.org/> .\n\nex:s ex:text "' + "x" * LONG + '" .\n',
        encoding="utf-8",
    )
    return data


def test_a_long_literal_is_loaded_alike_by_both_engines(long_literal):
    text = "SELECT (STRLEN(?o) AS ?n) WHERE { <http://ex.org/s> <http://ex.org/text> ?o }"
    assert load(long_literal) is not None  # the strict check with Oxigraph accepts it too
    for engine in ("oxigraph", "rdflib"):
        assert run_query(text, data_dir=long_literal, engine=engine).values() == [(LONG,)]


@pytest.mark.usefixtures("test_rules")
@pytest.mark.parametrize("name", ["validate", "stats", "query", "query-worker"])
def test_a_long_literal_gives_no_traceback(runner, long_literal, tmp_path, name):
    result = runner.invoke(cli, command(name, long_literal, tmp_path / "out"))
    assert result.exit_code == 0, result.output


def test_oxigraphs_buffer_limit_becomes_a_syntax_error_with_its_position(long_literal):
    # Oxigraph's streaming parser (and the store's loader in other pyoxigraph versions)
    # raises MemoryError on such a term: it must reach the user as the file's error.
    path = long_literal / "long.ttl"
    text = read_turtle(path)
    with pytest.raises(DataSyntaxError) as caught:
        with oxigraph_errors(path, text):
            for _ in pyoxigraph.parse(text.encode(), format=pyoxigraph.RdfFormat.TURTLE):
                pass
    error = caught.value
    assert (error.path, error.line, error.column, error.exit_code) == (path, 3, 14, 2)
    assert "a string of 16.2 MiB, longer than the 16 MiB the Oxigraph parser" in str(error)


def test_a_machine_out_of_memory_is_not_blamed_on_the_file(tmp_path):
    with pytest.raises(MemoryError):
        with oxigraph_errors(tmp_path / "x.ttl", ""):
            raise MemoryError()


# --- the list of data files -------------------------------------------------------------------


def test_every_engine_refuses_a_reserved_file_name(folder):
    data = folder({"inferred.ttl": TRIPLE})
    for read in (lambda: load(data), lambda: run_query("ASK {}", data_dir=data)):
        with pytest.raises(DataNotFoundError, match="'inferred.ttl' is reserved"):
            read()


def test_a_file_given_as_the_data_folder_is_named_as_such(tmp_path):
    (tmp_path / "data.ttl").write_bytes(TRIPLE)
    with pytest.raises(DataNotFoundError, match="data.ttl is not a folder"):
        data_files(tmp_path / "data.ttl")


def test_the_loaded_files_are_the_listed_ones(folder):
    data = folder({"extra.ttl": TRIPLE})
    assert load(data).data_files == data_files(data)
    assert [p.name for p in data_files(data)] == [
        "extra.ttl",
        "organisations.ttl",
        "relations.ttl",
    ]
