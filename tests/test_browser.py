"""The page in a real browser: Debian's headless Chromium, driven by Playwright.

Every page is opened from disk with every request that is not a file blocked and counted;
console errors (a Content-Security-Policy refusal is one) and uncaught exceptions fail the
test. Playwright's driver comes with its pip package; the browser is /usr/bin/chromium
(scripts/install-test-deps.sh installs it), never a downloaded one. Screenshots go to
``tmp_path`` and are copied to ``test-artifacts/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from graph.load import Loaded, load
from graph.network import to_networkx
from graph.render import initially_shown, render_html

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REPO = Path(__file__).parent.parent
ARTIFACTS = REPO / "test-artifacts"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ID = "https://w3id.org/jura-coop/id/"
RCJU = ID + "rcju"
QUEBEC = ID + "quebec"


@dataclass
class Opened:
    page: Page
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: object = None) -> object:
        return self.page.evaluate(expression, arg)

    def assert_clean(self) -> None:
        assert self.blocked == [], "requests left the file"
        assert self.errors == [], "errors in the page"
        assert self.dialogs == [], "a dialog was opened"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser, tmp_path: Path) -> Iterator[Callable[[str, str], Opened]]:
    contexts = []

    def open_(html: str, name: str) -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1500, "height": 900})
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


@pytest.fixture(scope="module")
def shipped_page(shipped: Loaded) -> str:
    return render_html(shipped.graph)


def screenshot(opened: Opened, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    opened.page.screenshot(path=str(target))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(target, ARTIFACTS / name)
    return target


# --- helpers that act like a person ---------------------------------------------------------

NODE_POINT = """(id) => {
    const net = coopGraph.network;
    net.focus(id, {scale: 1.0, animation: false});
    const p = net.canvasToDOM(net.getPosition(id));
    const r = document.getElementById('network').getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
}"""

EDGE_POINT = """(id) => {
    const net = coopGraph.network;
    const e = coopGraph.edges.get(id);
    net.fit({nodes: [e.from, e.to], animation: false});
    const a = net.canvasToDOM(net.getPosition(e.from));
    const b = net.canvasToDOM(net.getPosition(e.to));
    const r = document.getElementById('network').getBoundingClientRect();
    for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65]) {
        for (const off of [0, 4, -4, 8, -8, 14, -14, 20, -20]) {
            const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
            const pt = {x: a.x + (b.x - a.x) * f - (b.y - a.y) / len * off,
                        y: a.y + (b.y - a.y) * f + (b.x - a.x) / len * off};
            if (net.getNodeAt(pt) === undefined && net.getEdgeAt(pt) === id) {
                return [r.left + pt.x, r.top + pt.y];
            }
        }
    }
    return null;
}"""


def click_node(opened: Opened, node: str) -> None:
    x, y = opened.js(NODE_POINT, node)
    opened.page.mouse.click(x, y)


def click_edge(opened: Opened, edge: str) -> bool:
    point = opened.js(EDGE_POINT, edge)
    if point is None:
        return False
    opened.page.mouse.click(*point)
    return True


def details(opened: Opened) -> str:
    return opened.page.text_content("#details") or ""


def shown(opened: Opened) -> dict:
    return opened.js("coopGraph.state.shown")


def hidden(opened: Opened, node: str) -> bool:
    return bool(opened.js("(id) => !!coopGraph.nodes.get(id).hidden", node))


def edge_between(opened: Opened, source: str, target: str) -> str:
    return opened.js(
        "([a, b]) => coopGraph.edges.getIds({filter: e => e.from === a && e.to === b})[0]",
        [source, target],
    )


# --- the shipped graph ----------------------------------------------------------------------


def test_the_page_opens_offline_with_every_node_and_edge(
    open_page, shipped_page: str, shipped: Loaded, tmp_path: Path
) -> None:
    opened = open_page(shipped_page, "graph.html")
    network = to_networkx(shipped.graph)
    assert opened.js("[coopGraph.nodes.length, coopGraph.edges.length]") == [
        network.number_of_nodes(),
        network.number_of_edges(),
    ]
    expected = initially_shown(network)
    assert shown(opened)["nodes"] == len(expected)
    visible = opened.js("coopGraph.nodes.getIds({filter: n => !n.hidden})")
    assert set(visible) == expected
    # Opens settled: physics is off and the positions are those computed in Python.
    assert opened.js("coopGraph.network.physics.options.enabled") is False
    assert opened.page.inner_text("#page-title").startswith("Coopération extérieure")
    assert opened.page.locator("#kinds .legend-item").count() >= 10
    screenshot(opened, tmp_path, "graph-overview.png")
    opened.assert_clean()


def test_search_and_filters_change_what_is_visible(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    everything = shown(opened)
    opened.page.fill("#search", "quebec")  # accents and case do not matter
    found = shown(opened)
    assert 0 < found["nodes"] < everything["nodes"]
    assert not hidden(opened, QUEBEC) and not hidden(opened, RCJU)  # a match and its neighbour
    assert hidden(opened, ID + "departement-doubs")
    assert "Province du Québec" in opened.page.inner_text("#matches")
    opened.page.press("#search", "Enter")
    assert details(opened).startswith("Province du Québec")
    opened.page.fill("#search", "")
    assert shown(opened) == everything

    opened.page.click("input[data-filter='kind:canton']")
    assert hidden(opened, RCJU)
    assert shown(opened)["nodes"] < everything["nodes"]
    opened.page.click("input[data-filter='kind:canton']")
    assert shown(opened) == everything

    opened.page.click("input[data-filter='kind:territory']")
    assert not hidden(opened, ID + "territoire/jura")
    assert shown(opened)["nodes"] > everything["nodes"]
    opened.page.click("input[data-filter='kind:territory']")

    proximity = "input[data-filter='axis:https://w3id.org/jura-coop/id/concept/axe-proximite']"
    opened.page.click(proximity)
    assert hidden(opened, ID + "departement-doubs")  # linked to the canton on that axis only
    assert not hidden(opened, QUEBEC)
    assert shown(opened)["edges"] < everything["edges"]
    opened.page.click(proximity)
    assert shown(opened) == everything
    opened.assert_clean()


def test_clicking_a_node_and_an_edge_fills_the_details_panel(
    open_page, shipped_page: str, tmp_path: Path
) -> None:
    opened = open_page(shipped_page, "graph.html")
    click_node(opened, RCJU)
    text = details(opened)
    assert text.startswith("République et Canton du Jura")
    assert "Canton suisse" in text and "Q12755" in text and "CH-JU" in text
    assert opened.page.get_attribute("#details a:text('Q12755')", "href") == (
        "https://www.wikidata.org/wiki/Q12755"
    )
    assert "coopère avec · Province du Québec" in text

    edge = edge_between(opened, RCJU, QUEBEC)
    assert click_edge(opened, edge), "no free point on the edge to click"
    text = details(opened)
    assert text.startswith("Coopération interrégionale Jura – Québec")
    assert "Coopération interrégionale" in text
    assert "Entente de coopération Jura – Québec (1983)" in text
    assert "depuis 1983-07-01" in text
    assert "la Province du Québec" in opened.page.inner_text("#details blockquote >> nth=-1")
    links = opened.page.eval_on_selector_all("#details a", "as => as.map(a => a.href)")
    assert "https://www.jura.ch/cop" in links
    screenshot(opened, tmp_path, "graph-edge-details.png")

    # From the panel: a relation of the node, then back to a node.
    click_node(opened, QUEBEC)
    opened.page.click("#details button[data-edge]")
    assert details(opened).startswith("Coopération interrégionale Jura – Québec")
    opened.assert_clean()


def test_language_switch_relabels_with_french_fallback(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    land = ID + "land-bade-wurtemberg"
    label = "(id) => coopGraph.nodes.get(id).label"
    assert opened.js(label, land) == "Land de Bade-Wurtemberg"
    opened.page.select_option("#language", "de")
    assert opened.js(label, land) == "Land Baden-Württemberg"
    assert opened.js(label, ID + "ficd").startswith("Fédération interjurassienne")  # fallback
    assert opened.page.inner_text("#page-title").startswith("Aussenbeziehungen")
    opened.page.select_option("#language", "en")
    assert opened.js(label, RCJU) == "Canton of Jura"
    click_node(opened, RCJU)
    assert "Relations (" in details(opened) and "cooperates with" in details(opened)
    opened.assert_clean()


def test_physics_can_be_turned_on_and_off(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    opened.page.click("#physics")
    assert opened.js("coopGraph.network.physics.options.enabled") is True
    opened.page.wait_for_timeout(300)
    opened.page.click("#physics")
    assert opened.js("coopGraph.network.physics.options.enabled") is False
    opened.page.click("#fit")
    opened.assert_clean()


def test_geo_layout_page(open_page, shipped: Loaded, tmp_path: Path) -> None:
    opened = open_page(render_html(shipped.graph, layout="geo"), "geo.html")
    assert opened.page.is_visible("#geo-note")
    click_node(opened, QUEBEC)
    assert "71.21° W" in details(opened)
    opened.page.click("#fit")
    screenshot(opened, tmp_path, "graph-geo.png")
    opened.assert_clean()


# --- hostile labels -------------------------------------------------------------------------


def test_no_hostile_label_runs_when_hovered_and_clicked(open_page, tmp_path: Path) -> None:
    opened = open_page(render_html(load(HOSTILE).graph), "hostile.html")
    nodes = opened.js("coopGraph.nodes.getIds({filter: n => !n.hidden})")
    assert len(nodes) == 24
    for node in nodes:
        x, y = opened.js(NODE_POINT, node)
        opened.page.mouse.move(x, y)
        opened.page.wait_for_timeout(350)  # the tooltip's delay
        opened.page.mouse.click(x, y)
        # Every relation of the node, opened from the panel (which then shows the relation).
        buttons = opened.page.locator("#details button[data-edge]")
        for index in range(buttons.count()):
            opened.js("(id) => coopGraph.selectNode(id, false)", node)
            buttons.nth(index).click()
    clicked = 0
    for edge in opened.js("coopGraph.edges.getIds()"):
        if click_edge(opened, edge):
            clicked += 1
        else:  # a curved parallel edge: open its details from the code instead
            opened.js("(id) => coopGraph.selectEdge(id, false)", edge)
        assert "Relation" in details(opened) or "<" in details(opened)
    assert clicked >= 1
    opened.page.select_option("#language", "de")
    opened.page.fill("#search", "script")
    opened.page.press("#search", "Enter")

    assert opened.js("window.__pwned") is None
    assert (
        opened.js(
            "document.querySelectorAll('#details script, #details img, #details iframe, "
            "#details svg, #details b, #details style, #legend script').length"
        )
        == 0
    )
    hrefs = opened.js("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    # Shown as text, character for character.
    opened.js("(id) => coopGraph.selectNode(id, false)", ID + "script")
    text = details(opened)
    assert "<script>window.__pwned = 'script-de'</script>" in text  # the German label
    assert "javascript:window.__pwned='homepage'" in text  # as text, not as a link
    # The tooltip of a hovered node: the label as text, no element made from it.
    x, y = opened.js(NODE_POINT, ID + "img")
    opened.page.mouse.move(x - 40, y - 40)
    opened.page.mouse.move(x, y)
    opened.page.wait_for_selector("div.vis-tooltip", state="visible")
    tooltip = opened.js(
        "() => { const t = document.querySelector('div.vis-tooltip');"
        " return [t.textContent, t.querySelectorAll('img, script, a, b').length]; }"
    )
    assert tooltip[0].startswith('<img src="http://attacker.invalid') and tooltip[1] == 0
    screenshot(opened, tmp_path, "graph-hostile.png")
    opened.assert_clean()
