"""The pages of ``coopgraph serve`` in a real browser (Debian's headless Chromium).

Every request that does not go to the server is blocked and counted; console errors (a
Content-Security-Policy refusal is one), uncaught exceptions and dialogs fail the test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from graph.query import run_query
from tests.conftest import FIXTURES
from tests.test_browser import ARGS, CHROMIUM
from tests.test_server_live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    live = LiveServer("--workers", "2")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def hostile_server():
    live = LiveServer("--workers", "1", "--data", str(FIXTURES / "hostile"))
    yield live
    live.stop()


class Session:
    def __init__(self, browser: Browser, origin: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page: Page = self.context.new_page()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def route(route) -> None:
            if route.request.url.startswith(origin):
                route.continue_()
            else:
                self.blocked.append(route.request.url)
                route.abort()

        self.context.route("**/*", route)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def assert_clean(self) -> None:
        assert self.blocked == [], "requests left the server"
        assert self.errors == [], "errors in the page"
        assert self.dialogs == [], "a dialog was opened"
        assert self.page.evaluate("window.__pwned") is None


@pytest.fixture
def session(browser):
    sessions = []

    def open_(live: LiveServer) -> Session:
        opened = Session(browser, live.url.rstrip("/"))
        sessions.append(opened)
        return opened

    yield open_
    for opened in sessions:
        opened.context.close()


def test_query_page_runs_a_catalogue_query_and_links_entities(server, session):
    opened = session(server)
    page = opened.page
    page.goto(server.url)
    page.get_by_role("button", name="partners-by-axis").click()
    assert (
        "partners-by-axis" in page.locator("#query").input_value()
        or page.locator("#query").input_value().strip()
    )
    page.click("#run")
    page.wait_for_selector("#results table")
    rows = page.locator("#results table tr").count()
    assert rows == len(run_query("partners-by-axis").rows) + 1
    # A result IRI of ours opens its entity page.
    page.locator("#results a[href^='/id/']").first.click()
    page.wait_for_selector("h1")
    assert "/id/" in page.url
    assert page.locator("h1").inner_text().strip()
    opened.assert_clean()


def test_query_page_shows_errors_and_truncation(server, session):
    opened = session(server)
    page = opened.page
    page.goto(server.url)
    page.fill("#query", "SELECT ?s WHERE {\n  ?s ?p\n}")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert "line" in page.locator("#error").inner_text()
    # Chromium logs the 400 it was meant to get; nothing else may be logged.
    assert opened.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    opened.errors.clear()
    page.fill("#query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 20000")
    page.click("#run")
    page.wait_for_selector("#truncated:not([hidden])", timeout=60_000)
    assert "10000" in page.locator("#truncated").inner_text()
    opened.assert_clean()


def test_hostile_labels_stay_text_in_the_browser(hostile_server, session):
    opened = session(hostile_server)
    page = opened.page
    for slug in ("script", "img", "href", "quotes"):
        page.goto(hostile_server.url + "id/" + slug)
        page.wait_for_selector("h1")
        for link in page.locator("a").all():
            link.hover()
    page.goto(hostile_server.url)
    page.fill("#query", "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label }")
    page.click("#run")
    page.wait_for_selector("#results table")
    assert "<script>" in page.locator("#results").inner_text()
    for link in page.locator("#results a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript:")
    opened.assert_clean()
