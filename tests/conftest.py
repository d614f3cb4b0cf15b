"""Shared fixtures: the fixture data, the shipped graph, and the test rules."""

from __future__ import annotations

import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import paths
from graph.dataset.load import Loaded, load

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
BAD = FIXTURES / "bad"
REPO = Path(__file__).parent.parent


def shipped_data_exists() -> bool:
    return any(paths.data_dir().glob("*.ttl"))


needs_shipped_data = pytest.mark.skipif(
    not shipped_data_exists(), reason="the shipped data (data/*.ttl) is not written yet"
)


@pytest.fixture(scope="session")
def shipped() -> Loaded:
    """The shipped ontology and data, loaded once for the whole session."""
    if not shipped_data_exists():
        pytest.skip("the shipped data (data/*.ttl) is not written yet")
    return load()


@pytest.fixture(scope="session")
def valid() -> Loaded:
    """The small valid fixture data (tests/fixtures/valid) with the shipped ontology."""
    return load(VALID)


@pytest.fixture
def tmp_data(tmp_path: Path) -> Callable[..., Path]:
    """A copy of the valid fixture data in tmp_path, plus the given extra files."""

    def make(*extra: Path, valid: bool = True) -> Path:
        folder = tmp_path / "data"
        folder.mkdir(exist_ok=True)
        for source in [*(sorted(VALID.glob("*.ttl")) if valid else []), *extra]:
            shutil.copy(source, folder / Path(source).name)
        return folder

    return make


@pytest.fixture
def test_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validate against the test shapes and checks instead of the shipped ones.

    The fixture data is tiny and would not satisfy the project's shapes, which are
    tested on their own fixtures (tests/test_shapes.py).
    """
    monkeypatch.setattr(paths, "shapes_path", lambda: FIXTURES / "shapes.ttl")
    monkeypatch.setattr(paths, "checks_dir", lambda: FIXTURES / "checks")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def listener():
    """A TCP socket on 127.0.0.1 that counts the connections made to it and closes them.

    A thread accepts and closes at once, so that a client that did connect fails fast
    instead of waiting for an answer; ``connections()`` waits a moment for stragglers.
    """
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    seen = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:  # closed at the end of the test
                return
            seen.append(1)
            connection.close()

    thread = threading.Thread(target=accept, name="listener", daemon=True)
    thread.start()

    class Listener:
        port = server.getsockname()[1]
        url = f"http://127.0.0.1:{port}"

        def connections(self) -> int:
            # A connection still in the backlog is counted too: accept() takes it now.
            time.sleep(0.05)
            return len(seen)

    yield Listener()
    with contextlib.suppress(OSError):
        server.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept() on Linux
    server.close()
    thread.join(timeout=5)


@pytest.fixture(autouse=True)
def build_cache_in_tmp(tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds keep their outputs in a cache folder: the tests' own, never the user's."""
    monkeypatch.setenv("COOPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("build-cache")))
