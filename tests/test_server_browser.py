"""The pages of ``coopgraph serve`` in a real browser (Debian's headless Chromium).

Every request that does not go to the server is blocked and counted; console errors (a
Content-Security-Policy refusal is one), uncaught exceptions and dialogs fail the test.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import pytest
from playwright.sync_api import Browser, Page, expect

from graph.sparql.catalogue import THEMES, find_query, list_queries
from graph.sparql.query import run_query
from graph.sparql.results import format_result
from tests.helpers import FIXTURES
from tests.helpers.live import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Longest wait for an answer drawn in the page (the first one loads the data), and for
#: anything else the page does: a ceiling for a busy machine, not a pace.
WAIT = 180_000


@pytest.fixture(scope="module", autouse=True)
def patient_expect():
    """Playwright's ``expect`` waits 5 s by default: too little beside a busy machine."""
    expect.set_options(timeout=WAIT)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def server():
    live = LiveServer("--workers", "2", "--timeout", "300")
    yield live
    live.stop()


@pytest.fixture(scope="module")
def hostile_server():
    live = LiveServer("--workers", "1", "--timeout", "300", "--data", str(FIXTURES / "hostile"))
    yield live
    live.stop()


class Session:
    def __init__(self, browser: Browser, origin: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.context.set_default_timeout(WAIT)
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


def open_page(session, live, address: str = "?lang=en") -> tuple[Session, Page]:
    opened = session(live)
    opened.page.goto(live.url + address)
    opened.page.wait_for_selector("#results table, #results svg, #results p", timeout=WAIT)
    return opened, opened.page


def plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- the home page ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
def test_the_home_page_explains_the_dataset_and_lists_every_question_by_theme(
    server, session, lang
):
    opened, page = open_page(session, server, f"?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    assert "Jura" in page.locator("h1").inner_text()
    assert len(page.locator(".lead").inner_text()) > 200
    assert page.locator("ul.axes li").count() == 3
    page.wait_for_selector("#summary:not([hidden])")
    assert page.locator("#summary").inner_text().split()[0].isdigit()
    # Every catalogue query once, grouped by theme in THEMES' order, sorted by title.
    themes = [s.get_attribute("data-theme") for s in page.locator("section.theme").all()]
    assert themes == [t for t in THEMES if any(e.theme == t for e in list_queries())]
    shown = []
    for section in page.locator("section.theme").all():
        buttons = section.locator("button.question").all()
        titles = [b.locator(".t").inner_text() for b in buttons]
        assert titles == sorted(titles, key=plain)
        for button in buttons:
            entry = find_query(button.get_attribute("data-name"))
            assert button.locator(".t").inner_text() == entry.title_in(lang)
            assert button.locator(".q").inner_text() == entry.question_in(lang)
            assert entry.theme == section.get_attribute("data-theme")
            shown.append(entry.name)
    assert sorted(shown) == sorted(e.name for e in list_queries())
    # The editor opens on a catalogue query, whose answer is already shown.
    assert page.locator("#query").input_value() == find_query("partners-by-axis").text
    assert page.locator("button.question[aria-pressed=true]").get_attribute("data-name") == (
        "partners-by-axis"
    )
    assert page.locator("#q-question").inner_text() == find_query("partners-by-axis").question_in(
        lang
    )
    rows = page.locator("#results table tr").count()
    assert rows == len(run_query("partners-by-axis").rows) + 1
    opened.assert_clean()


def test_the_readable_table_shows_labels_linked_to_entity_pages(server, session):
    opened, page = open_page(session, server, "?lang=fr#partners-by-axis")
    headers = page.locator("#results table th").all_inner_texts()
    assert headers == ["axe", "partenaire", "lien", "par", "relation", "début"]
    expected = run_query("partners-by-axis").records()
    partners = page.locator("#results tr td:nth-child(2) a").all()
    assert [link.inner_text() for link in partners] == [row["partnerLabel"] for row in expected]
    for link, row in zip(partners, expected, strict=True):
        # The IRI is in the link and on hover, never a column of its own.
        assert link.get_attribute("title") == row["partner"]
        assert link.get_attribute("href") == "/id/" + row["partner"].split("/id/", 1)[1]
    assert "https://w3id.org" not in page.locator("#results").inner_text()
    # The raw view, one click away, has every column and every IRI in full.
    page.click("#views button[data-view=raw]")
    raw = page.locator("#results table.raw th").all_inner_texts()
    assert raw == list(run_query("partners-by-axis").variables)
    assert expected[0]["partner"] in page.locator("#results").inner_text()
    page.click("#views button[data-view=table]")
    page.locator("#results tr td:nth-child(2) a").first.click()
    page.wait_for_selector("h1")
    assert page.url.startswith(server.url + "id/")
    opened.assert_clean()


def test_columns_of_unnamed_iris_come_after_the_labels(server, session):
    opened, page = open_page(session, server)
    page.click("#editor-box summary")
    page.fill(
        "#query",
        'SELECT ?thing ?name WHERE { VALUES (?thing ?name) { (<http://example.org/a> "A") } }',
    )
    page.click("#run-edited")
    page.wait_for_selector("#results table.readable")
    assert page.locator("#results th").all_inner_texts() == ["name", "thing"]
    opened.assert_clean()


# --- result views ---------------------------------------------------------------------------------


def test_the_bar_chart_counts_partners_per_axis(server, session):
    opened, page = open_page(session, server, "?lang=en#partners-by-axis")
    page.click("#views button[data-view=bar]")
    page.wait_for_selector("#results svg.bar-chart")
    expected: dict[str, set] = {}
    for row in run_query("partners-by-axis", lang="en").records():
        expected.setdefault(row["axisLabel"], set()).add(row["partner"])
    totals = {
        text.get_attribute("data-category"): int(text.text_content())
        for text in page.locator("svg.bar-chart text.total").all()
    }
    assert totals == {axis: len(partners) for axis, partners in expected.items()}
    assert page.locator("svg.bar-chart rect.bar").count() == len(expected)
    opened.assert_clean()


def test_counts_opens_on_its_bar_chart_split_by_axis(server, session):
    opened, page = open_page(session, server, "?lang=en#counts")
    page.wait_for_selector("#results svg.bar-chart")
    assert page.locator("#views button[aria-selected=true]").get_attribute("data-view") == "bar"
    assert page.locator(".legend span").count() == 4  # three axes and "no axis"
    total = sum(int(t.text_content()) for t in page.locator("svg.bar-chart text.total").all())
    assert total == sum(int(row["count"]) for row in run_query("counts").records())
    opened.assert_clean()


@pytest.mark.parametrize(
    ("name", "start", "label"),
    [
        ("agreements", "date", "agreementLabel"),
        ("history", "date", "eventLabel"),
        ("programme-periods", "start", "periodLabel"),
    ],
)
def test_timelines_draw_one_mark_per_dated_item(server, session, name, start, label):
    opened, page = open_page(session, server, f"?lang=en#{name}")
    page.wait_for_selector("#results svg.timeline")
    assert page.locator("#views button[aria-selected=true]").get_attribute("data-view") == (
        "timeline"
    )
    records = run_query(name, lang="en").records()
    dated = {(row[label], str(row[start])) for row in records if row[start] is not None}
    marks = page.locator("svg.timeline .span, svg.timeline .point").count()
    # One mark per item: rows that repeat an item (one per amount, per party) are one.
    assert marks == len({(lab, when[:4]) for lab, when in dated}) or marks == len(dated)
    undated = {row[label] for row in records if row[start] is None}
    assert page.locator(".undated li").count() == len(undated)
    opened.assert_clean()


def test_the_network_view_draws_a_construct_answer_with_the_graph_pages_code(server, session):
    opened, page = open_page(session, server, "?lang=en#network")
    assert page.locator("#views button[aria-selected=true]").get_attribute("data-view") == (
        "network"
    )
    page.wait_for_selector("iframe.network")
    frame = page.frame_locator("iframe.network")
    frame.locator("canvas").first.wait_for(timeout=WAIT)
    assert frame.locator("h1, header").first.inner_text()
    # The table view reads the triples.
    page.click("#views button[data-view=table]")
    assert page.locator("#results table tr").count() == len(run_query("network").triples) + 1
    opened.assert_clean()


def test_views_that_do_not_fit_the_answer_are_disabled(server, session):
    opened, page = open_page(session, server, "?lang=en#network")
    assert page.locator("#views button[data-view=bar]").is_disabled()
    assert page.locator("#views button[data-view=timeline]").is_disabled()
    page.click("button.question[data-name=partners-by-axis]")
    page.wait_for_selector("#results table")
    assert page.locator("#views button[data-view=network]").is_disabled()
    opened.assert_clean()


# --- downloads ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "rq"])
def test_downloads_give_the_answer_in_full_and_the_query_itself(server, session, fmt, tmp_path):
    opened, page = open_page(session, server, "?lang=en#partners-by-axis")
    with page.expect_download() as info:
        page.click(f"#downloads button[data-format={fmt}]")
    download = info.value
    assert download.suggested_filename == f"partners-by-axis.{fmt}"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    if fmt == "rq":
        assert data.decode("utf-8") == find_query("partners-by-axis").text
    else:
        assert data == format_result(run_query("partners-by-axis", lang="en"), fmt)
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(data.decode("utf-8"))))
        assert header == list(run_query("partners-by-axis").variables)
    opened.assert_clean()


# --- the editor -----------------------------------------------------------------------------------


def test_completion_offers_terms_and_entity_names(server, session):
    opened, page = open_page(session, server)
    page.click("#editor-box summary")
    page.fill("#query", "SELECT ?p WHERE {\n  id:rcju ")
    page.focus("#query")
    page.keyboard.press("Control+End")
    page.keyboard.type("jc:coop")
    page.wait_for_selector("#complete:not([hidden])")
    offered = page.locator("#complete li code").all_inner_texts()
    assert offered[0] == "jc:cooperatesWith" and "jc:Cooperation" in offered
    page.keyboard.press("Enter")
    assert page.locator("#query").input_value().endswith("id:rcju jc:cooperatesWith")
    assert page.locator("#complete").is_hidden()
    # An entity by its name, accents aside; a prefix; a class.
    page.keyboard.type(" ?p .\n  Queb")
    page.wait_for_selector("#complete:not([hidden])")
    assert page.locator("#complete li code").first.inner_text() == "id:quebec"
    page.keyboard.press("Escape")
    page.keyboard.type(" sko")
    page.keyboard.press("Control+Space")
    assert "skos:" in page.locator("#complete li code").all_inner_texts()
    page.keyboard.press("Escape")
    page.keyboard.type(" jc:Agre")
    page.wait_for_selector("#complete:not([hidden])")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Tab")
    assert page.locator("#query").input_value().endswith("jc:Agreement")
    opened.assert_clean()


def test_an_unused_term_is_warned_about_in_the_page(server, session):
    opened, page = open_page(session, server)
    page.click("#editor-box summary")
    page.fill("#query", "SELECT ?p WHERE { id:rcju jc:cooperateWith ?p }")
    page.click("#run-edited")
    page.wait_for_selector("#warnings:not([hidden])")
    assert "did you mean jc:cooperatesWith?" in page.locator("#warnings").inner_text()
    assert page.locator("#q-title").inner_text() == "Your query"
    # Another answer without a warning clears it.
    page.click("button.question[data-name=counts]")
    page.wait_for_selector("#results svg, #results table")
    assert page.locator("#warnings").is_hidden()
    opened.assert_clean()


def test_the_page_shows_errors_and_truncation(server, session):
    opened, page = open_page(session, server)
    page.click("#editor-box summary")
    page.fill("#query", "SELECT ?s WHERE {\n  ?s ?p\n}")
    page.click("#run-edited")
    page.wait_for_selector("#error:not([hidden])")
    assert "line" in page.locator("#error").inner_text()
    # Chromium logs the 400 it was meant to get; nothing else may be logged.
    assert opened.errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    opened.errors.clear()
    page.fill("#query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?a ?b ?c } LIMIT 20000")
    page.click("#run-edited")
    page.wait_for_selector("#truncated:not([hidden])", timeout=WAIT)
    assert "10000" in page.locator("#truncated").inner_text()
    opened.assert_clean()


def test_missing_labels_asks_which_language(server, session):
    opened, page = open_page(session, server, "?lang=en#missing-labels")
    select = page.locator("#params select[name=lang]")
    assert select.input_value() == "de"
    assert page.locator("#results table tr").count() == len(run_query("missing-labels").rows) + 1
    select.select_option("en")
    page.wait_for_selector("#results p")
    assert page.locator("#results").inner_text() == "No answer."
    opened.assert_clean()


def test_an_entity_parameter_takes_a_name_and_says_what_it_names(server, session):
    opened, page = open_page(session, server, "?lang=en#reachable")
    field = page.locator("#params input[name=entity]")
    assert page.locator("#params .resolved").first.inner_text() == "→ Canton of Jura"
    field.fill("Vallée d'Aoste")
    field.press("Enter")
    count = len(run_query("reachable", params={"entity": "vallee-aoste"}).rows)
    expect(page.locator("#status")).to_contain_text(f"{count} row")
    opened.assert_clean()


# --- hostile data -------------------------------------------------------------------------------


def test_hostile_labels_stay_text_in_the_browser(hostile_server, session):
    opened = session(hostile_server)
    page = opened.page
    for slug in ("script", "img", "href", "quotes"):
        page.goto(hostile_server.url + "id/" + slug)
        page.wait_for_selector("h1")
        for link in page.locator("a:visible").all():
            link.hover()
        page.click("details.raw summary")  # every triple, as text too
        assert page.locator("details.raw tr").count() > 1
    page.goto(hostile_server.url + "?lang=fr#counts")
    page.wait_for_selector("#results svg, #results table", timeout=WAIT)
    page.click("#editor-box summary")
    queries = {
        "table": "SELECT ?s ?sLabel WHERE { ?s skos:prefLabel ?sLabel } ORDER BY ?s",
        "bar": "SELECT ?sLabel (COUNT(*) AS ?n) WHERE { ?s skos:prefLabel ?sLabel ; ?p ?o }"
        " GROUP BY ?sLabel",
        "timeline": "SELECT ?r ?rLabel ?start WHERE { ?r a jc:Cooperation ; skos:prefLabel"
        " ?rLabel OPTIONAL { ?r schema:startDate ?start } }",
    }
    for view, text in queries.items():
        page.fill("#query", text)
        page.click("#run-edited")
        page.wait_for_selector("#results table")
        page.click(f"#views button[data-view={view}]")
        page.wait_for_selector("#results table, #results svg")
        shown = page.locator("#results").inner_text() + " ".join(
            page.locator("#results svg title").all_text_contents()
        )
        assert "<script>" in shown
        for link in page.locator("#results a").all():
            href = link.get_attribute("href") or ""
            assert href.startswith(("/", "http://", "https://")), href
    for link in page.locator("#results a").all():
        link.hover()
    # Completion shows the names as text too.
    page.fill("#query", "SELECT * WHERE { ")
    page.focus("#query")
    page.keyboard.press("Control+End")
    page.keyboard.type("wind")
    page.wait_for_selector("#complete:not([hidden])")
    assert "<script>" in page.locator("#complete").inner_text()
    # Only the page's own two scripts, and nothing from the data became an element.
    assert page.evaluate("document.scripts.length") == 2
    assert page.locator("main img, main iframe, main b, main style").count() == 0
    opened.assert_clean()
