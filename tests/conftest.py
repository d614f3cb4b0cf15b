"""Shared fixtures: the fixture data, the shipped graph, and the test rules."""

from __future__ import annotations

import select
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

# The helpers assert too (an open page is clean, a page has its data): pytest must rewrite
# those asserts to say what differed, as it does in the test modules.
pytest.register_assert_rewrite("tests.helpers")

from graph import paths  # noqa: E402
from graph.dataset.load import Loaded, load  # noqa: E402
from graph.dataset.validate import ValidationReport, validate  # noqa: E402
from tests.helpers import FIXTURES, VALID, shipped_data_exists  # noqa: E402
from tests.helpers.browser import ARGS, CHROMIUM, Opened  # noqa: E402


@pytest.fixture(scope="session")
def shipped() -> Loaded:
    """The shipped ontology and data, loaded once for the whole session."""
    if not shipped_data_exists():
        pytest.skip("the shipped data (data/*.ttl) is not written yet")
    return load()


@pytest.fixture(scope="session")
def shipped_report(shipped: Loaded) -> ValidationReport:
    """The shipped data validated against the shipped rules by the default engine, once for
    the whole session (a test that swaps the rules, as ``test_rules`` does, validates on
    its own)."""
    return validate(shipped)


@pytest.fixture(scope="session")
def shipped_page(shipped: Loaded) -> str:
    """The interactive page of the shipped graph as ``render`` makes it by default, made
    once: laying it out takes seconds."""
    from graph.page.render import render_html

    return render_html(shipped.graph)


@pytest.fixture(scope="session")
def shipped_map_page(shipped: Loaded) -> str:
    """The same page with the places on the map (``render --layout geo``), made once."""
    from graph.page.render import render_html

    return render_html(shipped.graph, layout="geo")


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
    instead of waiting for an answer. ``connections()`` takes what is still in the backlog
    itself, so a connection made before the call is counted however late that thread runs
    on a busy machine.
    """
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.setblocking(False)
    seen = []
    lock = threading.Lock()
    stop = threading.Event()

    def take() -> None:
        """Accept and close every connection waiting in the backlog."""
        with lock:
            while True:
                try:
                    connection, _ = server.accept()
                except OSError:  # BlockingIOError: the backlog is empty
                    return
                seen.append(1)
                connection.close()

    def accept() -> None:
        while not stop.is_set():
            readable, _, _ = select.select([server], [], [], 0.1)
            if readable:
                take()

    thread = threading.Thread(target=accept, name="listener", daemon=True)
    thread.start()

    class Listener:
        port = server.getsockname()[1]
        url = f"http://127.0.0.1:{port}"

        def connections(self) -> int:
            # A moment for a connection still on its way (a child process's, say), then
            # whatever sits in the backlog is counted too.
            time.sleep(0.05)
            take()
            return len(seen)

    yield Listener()
    stop.set()
    thread.join(timeout=30)
    server.close()


@pytest.fixture(autouse=True)
def build_cache_in_tmp(tmp_path_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds keep their outputs in a cache folder: the tests' own, never the user's."""
    monkeypatch.setenv("COOPGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("build-cache")))


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium (/usr/bin/chromium), driven by Playwright."""
    from playwright.sync_api import sync_playwright  # only the browser tests need it

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser, tmp_path: Path) -> Iterator[Callable[..., Opened]]:
    """Opens a page's HTML from a file; every request that is not a file is blocked and
    counted, console errors, uncaught exceptions and dialogs are recorded."""
    contexts = []

    def open_(html: str, name: str, width: int = 1400, height: int = 900) -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)

        def route(route) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                opened.blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        return opened

    yield open_
    for context in contexts:
        context.close()
