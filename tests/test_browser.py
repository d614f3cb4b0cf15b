"""The page in a real browser: Debian's headless Chromium, driven by Playwright.

Every page is opened from disk with every request that is not a file blocked and counted;
console errors (a Content-Security-Policy refusal is one) and uncaught exceptions fail the
test. Playwright's driver comes with its pip package; the browser is /usr/bin/chromium
(scripts/install-test-deps.sh installs it), never a downloaded one. Screenshots go to
``tmp_path`` and are copied to ``test-artifacts/`` (git-ignored) for people to look at.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.dataset.load import Loaded, load
from graph.network.convert import to_networkx
from graph.page.render import render_html
from graph.page.view import initially_shown, opening_view
from tests.helpers import HOSTILE, ID, QUEBEC, RCJU, gen_synthetic
from tests.helpers.browser import (
    ARTIFACTS,
    NODE_POINT,
    Opened,
    click_edge,
    click_node,
    details,
    edge_between,
    hidden,
    label_boxes,
    measure_labels,
    overlapping,
    record,
    screenshot,
    shown,
    visible_nodes,
    zoom_in_until_every_label_is_drawn,
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def synthetic_page(tmp_path_factory) -> str:
    """The page of a synthetic graph of our shape with about 300 entities
    (scripts/gen_synthetic.py)."""
    folder = tmp_path_factory.mktemp("synthetic")
    (folder / "synthetic.ttl").write_text(gen_synthetic().generate(120).text(), encoding="utf-8")
    return render_html(load(folder).graph)


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
    assert visible_nodes(opened) == expected
    # Opens settled: physics is off and the positions are those computed in Python.
    assert opened.js("coopGraph.network.physics.options.enabled") is False
    assert opened.page.inner_text("#page-title").startswith("Coopération extérieure")
    assert opened.page.locator("#kinds .legend-item").count() >= 10
    screenshot(opened, tmp_path, "graph-overview.png")
    opened.assert_clean()


def test_nothing_floats_unconnected_and_the_rest_is_listed(
    open_page, shipped_page: str, shipped: Loaded
) -> None:
    opened = open_page(shipped_page, "graph.html")
    lonely = opened.js(
        """() => coopGraph.nodes.getIds({filter: n => !n.hidden}).filter(id =>
            !coopGraph.edges.get({filter: e => !e.hidden && (e.from === id || e.to === id)})
              .length)"""
    )
    assert lonely == []
    view = opening_view(to_networkx(shipped.graph))
    # By default: cooperation, memberships and funding; not the structure.
    groups = opened.js("coopGraph.state.groups")
    groups = {key for key, on in groups.items() if on}
    assert groups == {"cooperation", "membership", "funding"}
    panel = details(opened)
    assert f"({len(view.listed)})" in panel
    for name in ("Entente de coopération Jura – Québec (1983)", "Nouvelle convention de la"):
        assert name in panel
    # A listed entity, clicked: drawn with all its relations (here the parties).
    agreement = ID + "accord/entente-jura-quebec-1983"
    assert hidden(opened, agreement)
    opened.page.click("#details button:has-text('Entente de coopération Jura – Québec')")
    assert not hidden(opened, agreement) and not hidden(opened, QUEBEC)
    assert details(opened).startswith("Entente de coopération Jura – Québec")
    opened.page.keyboard.press("Escape")
    assert hidden(opened, agreement)
    opened.assert_clean()


def test_opening_view_labels_are_legible_and_apart(
    open_page, shipped_page: str, shipped: Loaded, tmp_path: Path
) -> None:
    """At the initial zoom in a 1400x900 window: no label under 11 px, none overlapping,
    all inside the canvas, and the canton, every partner on an axis and every multilateral
    body named."""
    opened = open_page(shipped_page, "graph.html")
    boxes = label_boxes(opened)
    figures = {"opening_1400x900": measure_labels(opened)}
    assert min(b["px"] for b in boxes) >= 11
    assert overlapping(boxes) == []
    assert all(b["inside"] for b in boxes)
    network = to_networkx(shipped.graph)
    view = opening_view(network)
    on_axis = {n for u, v, k in view.edges if network.edges[u, v, k].get("axis") for n in (u, v)}
    bodies = {n for n in view.shown if network.nodes[n]["kind"] == "multilateral"}
    named = {b["id"] for b in boxes}
    assert view.centre == RCJU
    assert {RCJU, QUEBEC, ID + "ficd", ID + "departement-doubs"} <= on_axis
    assert on_axis | bodies <= named, sorted((on_axis | bodies) - named)
    # The three axes are named in their sectors.
    assert {
        f"title:{ID}concept/axe-{a}" for a in ("proximite", "interregional", "aide-developpement")
    } <= named
    screenshot(opened, tmp_path, "graph-opening-1400.png")
    # In German and in English (each language has its layout): the same.
    for lang in ("de", "en"):
        opened.page.select_option("#language", lang)
        boxes = label_boxes(opened)
        figures[f"opening_1400x900_{lang}"] = measure_labels(opened)
        assert min(b["px"] for b in boxes) >= 11 and overlapping(boxes) == [], lang
        assert all(b["inside"] for b in boxes), lang
        assert on_axis | bodies <= {b["id"] for b in boxes}, lang
        screenshot(opened, tmp_path, f"graph-opening-1400-{lang}.png")
    opened.page.select_option("#language", "fr")
    # Zoomed in far enough for every label: still none overlapping.
    zoom_in_until_every_label_is_drawn(opened)
    boxes = label_boxes(opened)
    figures["zoomed_scale_1"] = measure_labels(opened)
    assert {b["id"] for b in boxes if not b["id"].startswith("title:")} == visible_nodes(opened)
    assert overlapping(boxes) == []
    record("labels-shipped", figures)
    opened.assert_clean()


# Slow (a second graph laid out and opened): the shipped graph's labels are checked above.
@pytest.mark.slow
def test_labels_of_a_synthetic_graph_of_300_entities(
    open_page, synthetic_page: str, tmp_path: Path
) -> None:
    opened = open_page(synthetic_page, "synthetic.html")
    assert opened.js("coopGraph.nodes.length") >= 250
    boxes = label_boxes(opened)
    figures = {"opening_1400x900": measure_labels(opened)}
    assert all(b["px"] >= 11 for b in boxes)
    assert overlapping(boxes) == []
    screenshot(opened, tmp_path, "graph-synthetic-1400.png")
    zoom_in_until_every_label_is_drawn(opened)
    boxes = label_boxes(opened)
    figures["zoomed_scale_1"] = measure_labels(opened)
    assert {b["id"] for b in boxes if not b["id"].startswith("title:")} == visible_nodes(opened)
    assert overlapping(boxes) == []
    record("labels-synthetic", figures)
    opened.assert_clean()


def test_a_narrow_window_keeps_the_legend_and_the_details_behind_toggles(
    open_page, shipped_page: str, tmp_path: Path
) -> None:
    opened = open_page(shipped_page, "graph.html", width=800)
    # The drawing takes the whole width, its labels as legible as in a wide window.
    figures = measure_labels(opened)
    assert figures["smallest_label_px"] >= 11 and figures["overlapping_label_pairs"] == 0
    record("labels-shipped-800", {"opening_800x900": figures})
    screenshot(opened, tmp_path, "graph-opening-800.png")
    assert not opened.page.is_visible("#legend")
    opened.page.click("#legend-toggle")
    assert opened.page.is_visible("#legend")
    assert opened.page.get_attribute("#legend-toggle", "aria-expanded") == "true"
    proximity = "input[data-filter='axis:https://w3id.org/jura-coop/id/concept/axe-proximite']"
    assert opened.page.is_visible(proximity)
    screenshot(opened, tmp_path, "graph-legend-800.png")
    opened.page.click("#legend-toggle")
    assert not opened.page.is_visible("#legend")
    # Clicking an entity opens its details over the drawing.
    click_node(opened, QUEBEC)
    assert opened.page.is_visible("#details")
    assert details(opened).startswith("Province du Québec")
    opened.page.click("#details-toggle")
    assert not opened.page.is_visible("#details")
    opened.assert_clean()


def canvas_point(opened: Opened, node: str) -> list[float]:
    """Where a node is drawn, in the canvas's own pixels."""
    return opened.js(
        "(id) => { const p = coopGraph.network.canvasToDOM(coopGraph.network.getPosition(id));"
        " return [p.x, p.y]; }",
        node,
    )


def all_drawn_inside(opened: Opened) -> bool:
    return bool(
        opened.js(
            """() => { const net = coopGraph.network, f = document.getElementById('network');
            return coopGraph.nodes.getIds({filter: n => !n.hidden}).every(id => {
                const p = net.canvasToDOM(net.getPosition(id));
                return p.x >= 0 && p.y >= 0 && p.x <= f.clientWidth && p.y <= f.clientHeight;
            }); }"""
        )
    )


def test_search_zooms_on_the_best_match_as_one_types(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    overview = opened.js("coopGraph.network.getScale()")
    opened.page.fill("#search", "quebec")  # accents and case do not matter
    assert "Province du Québec" in opened.page.inner_text("#matches")
    # Moved to and zoomed on: the match in the middle, its label well above 11 px.
    x, y = canvas_point(opened, QUEBEC)
    width, height = opened.js("[network.clientWidth, network.clientHeight]")
    assert abs(x - width / 2) < 2 and abs(y - height / 2) < 2
    scale = opened.js("coopGraph.network.getScale()")
    assert scale > overview and 15 * scale >= 14
    # The search does not hide the rest: it highlights the match and its neighbours.
    assert not hidden(opened, ID + "departement-doubs")
    assert opened.js("(id) => coopGraph.nodes.get(id).opacity", ID + "departement-doubs") < 1
    assert opened.js("(id) => coopGraph.nodes.get(id).opacity", RCJU) == 1
    # Enter goes through the matches: the province, then the territory of the same name.
    opened.page.press("#search", "Enter")
    assert details(opened).startswith("Province du Québec")
    opened.page.press("#search", "Enter")
    assert details(opened).startswith("Québec")
    assert not hidden(opened, ID + "territoire/quebec")  # selected: drawn, with its relations
    opened.page.fill("#search", "")
    assert all_drawn_inside(opened)
    opened.assert_clean()


def test_filters_change_what_is_drawn_and_refit(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    everything = shown(opened)
    overview = opened.js("coopGraph.network.getScale()")

    opened.page.click("input[data-filter='kind:canton']")
    assert hidden(opened, RCJU)
    assert shown(opened)["nodes"] < everything["nodes"]
    opened.page.click("input[data-filter='kind:canton']")
    assert shown(opened) == everything

    proximity = "input[data-filter='axis:https://w3id.org/jura-coop/id/concept/axe-proximite']"
    opened.page.click(proximity)
    assert hidden(opened, ID + "departement-doubs")  # linked to the canton on that axis only
    assert not hidden(opened, QUEBEC)
    assert shown(opened)["edges"] < everything["edges"]
    opened.page.click(proximity)
    assert shown(opened) == everything

    # Development aid alone: three entities, fitted to the window (a much larger scale).
    for name in (
        "axis:https://w3id.org/jura-coop/id/concept/axe-proximite",
        "axis:https://w3id.org/jura-coop/id/concept/axe-interregional",
        "group:membership",
        "group:funding",
    ):
        opened.page.click(f"input[data-filter='{name}']")
    assert visible_nodes(opened) == {RCJU, ID + "ficd", ID + "republique-cameroun"}
    assert opened.js("coopGraph.network.getScale()") > 1.5 * overview
    assert all_drawn_inside(opened)

    # The structure, ticked: the texts and their parts appear.
    opened.page.click("#reset")
    opened.page.click("input[data-filter='group:structure']")
    assert not hidden(opened, ID + "politique-cooperation")
    assert all_drawn_inside(opened)
    opened.assert_clean()


def test_selection_highlights_the_neighbours_and_escape_clears_it(
    open_page, shipped_page: str
) -> None:
    opened = open_page(shipped_page, "graph.html")
    click_node(opened, QUEBEC)
    opacity = "(id) => coopGraph.nodes.get(id).opacity"
    assert opened.js(opacity, QUEBEC) == 1 and opened.js(opacity, RCJU) == 1
    assert opened.js(opacity, ID + "departement-doubs") < 0.5
    # Its structure is drawn while it is selected: the agreement and the territory.
    assert not hidden(opened, ID + "accord/entente-jura-quebec-1983")
    assert not hidden(opened, ID + "territoire/quebec")
    faded = opened.js(
        "(id) => coopGraph.edges.get({filter: e => !e.hidden && e.from !== id && e.to !== id})"
        ".every(e => e.color && e.color.opacity < 0.5)",
        QUEBEC,
    )
    assert faded
    opened.page.mouse.move(5, 895)  # off the node: its hover no longer highlights it
    opened.page.keyboard.press("Escape")
    assert opened.js(opacity, ID + "departement-doubs") == 1
    assert hidden(opened, ID + "territoire/quebec")
    assert opened.js("coopGraph.state.selected") is None
    assert details(opened).startswith("Détails")
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


def test_language_switch_relabels_with_a_visible_fallback(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    land = ID + "land-bade-wurtemberg"
    label = "(id) => coopGraph.nodes.get(id).label"
    assert opened.js(label, land) == "Land de Bade-Wurtemberg"
    opened.page.select_option("#language", "de")
    assert opened.js(label, land) == "Land Baden-Württemberg"
    # No German name: the French one, marked as such on the canvas and in the panel.
    ficd = opened.js(label, ID + "ficd")
    assert ficd.startswith("Fédération interjurassienne") and ficd.endswith("[fr]")
    opened.js("(id) => coopGraph.selectNode(id, false)", ID + "ficd")
    assert opened.js("document.querySelector('#details h2 [lang]').lang") == "fr"
    assert opened.page.inner_text("#details h2 .lang-tag").lower() == "fr"
    assert opened.page.inner_text("#page-title") == (
        "Aussenbeziehungen der Republik und des Kantons Jura"
    )
    opened.page.select_option("#language", "en")
    assert opened.js(label, RCJU) == "Canton of Jura"
    click_node(opened, RCJU)
    assert "Relations (" in details(opened) and "cooperates with" in details(opened)
    opened.assert_clean()


#: The page's own text: outside the names and texts from the data (.name, .data, each in
#: the language it is written in), scripts and the language menu.
CHROME_TEXTS = """() => {
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const text = node.textContent.trim();
        const host = node.parentElement;
        if (!text || host.closest('script, style, noscript, select, .name, .data')) continue;
        out.push(text);
    }
    return out.concat([document.title, document.getElementById('search').placeholder]);
}"""


@pytest.mark.parametrize("lang", ["de", "en"])
def test_no_french_is_left_in_the_chrome(open_page, shipped_page: str, lang: str) -> None:
    from graph.network.kinds import KINDS
    from graph.page.ui import UI

    # The page's own sentences (found inside longer texts too) and the names of kinds
    # (whole texts: a name from the data may contain "Territoire").
    french = {text for key, text in UI["fr"].items() if UI[lang][key] != text and len(text) >= 3}
    kinds = {k.labels["fr"] for k in KINDS if k.labels[lang] != k.labels["fr"]}
    opened = open_page(shipped_page, "graph.html")
    opened.page.select_option("#language", lang)
    for view in (None, RCJU, "edge"):
        if view == "edge":
            opened.js("(id) => coopGraph.selectEdge(id, false)", edge_between(opened, RCJU, QUEBEC))
        elif view:
            opened.js("(id) => coopGraph.selectNode(id, false)", view)
        texts = opened.js(CHROME_TEXTS)
        left = [
            text
            for text in texts
            for word in french | kinds
            if text == word or (word in french and len(word) >= 8 and word in text)
        ]
        assert left == [], view
    opened.page.fill("#search", "zzzz")
    assert opened.page.inner_text("#matches .hint") == UI[lang]["no_match"]
    opened.assert_clean()


#: Words of the details panel and the legend that the layout broke across two lines
#: anywhere but after a hyphen, a slash or a soft hyphen (a web address may break anywhere).
BROKEN_WORDS = r"""() => {
    const broken = [];
    const range = document.createRange();
    for (const root of document.querySelectorAll('#details, #legend')) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (node.parentElement.closest('.iri')) continue;
            const words = /\S+/g;
            let m;
            while ((m = words.exec(node.textContent))) {
                if (/^https?:/.test(m[0])) continue;
                let top = null;
                for (let i = 0; i < m[0].length; i++) {
                    range.setStart(node, m.index + i);
                    range.setEnd(node, m.index + i + 1);
                    const rects = range.getClientRects();
                    const r = rects[rects.length - 1];  // a character at a break has two
                    if (!r) continue;
                    const soft = m[0][i] === '\u00ad' || m[0][i - 1] === '\u00ad';
                    if (top !== null && r.top > top + 2 && !soft && !'-–/'.includes(m[0][i - 1])) {
                        broken.push(m[0]);
                    }
                    top = r.top;
                }
            }
        }
    }
    return broken;
}"""


def test_no_word_is_broken_by_the_layout(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    for lang in ("fr", "de", "en"):
        opened.page.select_option("#language", lang)
        assert opened.js(BROKEN_WORDS) == [], lang
        opened.js("(id) => coopGraph.selectEdge(id, false)", edge_between(opened, RCJU, QUEBEC))
        assert opened.js(BROKEN_WORDS) == [], lang
        opened.js("(id) => coopGraph.selectNode(id, false)", RCJU)
        assert opened.js(BROKEN_WORDS) == [], lang
        opened.js("coopGraph.clearSelection()")
    opened.assert_clean()


def test_switching_language_closes_the_tooltip(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    x, y = opened.js(NODE_POINT, QUEBEC)
    opened.page.mouse.move(x - 30, y - 30)
    opened.page.mouse.move(x, y)
    opened.page.wait_for_selector("div.vis-tooltip", state="visible")
    opened.page.select_option("#language", "en")
    assert not opened.page.is_visible("div.vis-tooltip")
    opened.assert_clean()


def set_year(opened: Opened, year: int) -> None:
    """As a person does: tick the year box, move the slider."""
    if not opened.page.is_checked("#year-on"):
        opened.page.check("#year-on")
    opened.page.fill("#year", str(year))


def test_the_year_slider_shows_the_network_as_it_stood(
    open_page, shipped_page: str, tmp_path: Path
) -> None:
    from graph.sparql.query import run_query

    opened = open_page(shipped_page, "graph.html")
    bounds = opened.js(
        "[+document.getElementById('year').min, +document.getElementById('year').max]"
    )
    assert bounds[0] <= 1975 and bounds[1] >= 2025
    label = "(id) => coopGraph.nodes.get(id).label"
    set_year(opened, 1995)
    # The body bears the name it had then; the relations begun later are not drawn.
    assert opened.js(label, ID + "arcjurassien-org") == "Communauté de travail du Jura"
    assert hidden(opened, ID + "ficd")  # its cooperation with the canton began in 2018
    assert not opened.js(
        "(id) => coopGraph.edges.get(id).hidden", edge_between(opened, RCJU, QUEBEC)
    )
    # Undated (no known start): drawn dashed, and said to be undated.
    doubs = edge_between(opened, RCJU, ID + "departement-doubs")
    assert opened.js("(id) => coopGraph.edges.get(id).dashes", doubs)
    opened.js("(id) => coopGraph.selectEdge(id, false)", doubs)
    assert "non datée" in details(opened)
    opened.js("coopGraph.clearSelection()")
    screenshot(opened, tmp_path, "graph-year-1995.png")
    # The page and the as-of-year query agree on what held, year after year.
    relations = "() => coopGraph.edges.get({filter: e => !e.hidden}).map(e => e.id)"
    edge_info = opened.js(
        "() => JSON.parse(document.getElementById('graph-data').textContent).edgeInfo"
    )
    kinds = {
        "https://w3id.org/jura-coop/ontology#Cooperation",
        "http://www.w3.org/ns/org#Membership",
    }
    for year in (1984, 1995, 2001, 2012, 2022):
        set_year(opened, year)
        drawn = {
            (edge_info[e]["from"], edge_info[e]["to"], edge_info[e]["relation"])
            for e in opened.js(relations)
            if edge_info[e].get("axis") and edge_info[e].get("relation_type") in kinds
        }
        rows = run_query("as-of-year", params={"year": str(year)}).records()
        assert drawn == {(r["actor"], r["partner"], r["relation"]) for r in rows}, year
    opened.page.uncheck("#year-on")
    assert opened.js(label, ID + "arcjurassien-org") == "Arcjurassien.org"
    assert not hidden(opened, ID + "ficd")
    opened.assert_clean()


def save_view(opened: Opened, kind: str, tmp_path: Path) -> Path:
    with opened.page.expect_download() as download:
        opened.page.click(f"#export-{kind}")
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    return target


def svg_texts(path: Path) -> list[str]:
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()  # well-formed: every text from the data escaped
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"script", "foreignObject", "image", "a", "iframe"}
    texts = []
    for element in root.iter("{http://www.w3.org/2000/svg}text"):
        lines = [line.text or "" for line in element]  # a label's lines, one tspan each
        texts.append(" ".join(lines) if lines else element.text or "")
    return texts


def test_the_view_is_saved_as_png_and_svg_with_legend_and_sources(
    open_page, shipped_page: str, tmp_path: Path
) -> None:
    import struct

    opened = open_page(shipped_page, "graph.html")
    png = save_view(opened, "png", tmp_path)
    assert png.name == "cooperation-jura-fr.png"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    width, height = struct.unpack(">II", data[16:24])
    canvas = opened.js("[network.clientWidth, network.clientHeight]")
    assert width >= canvas[0] + 300 and height > canvas[1]  # the legend beside, sources under
    svg = save_view(opened, "svg", tmp_path)
    texts = svg_texts(svg)
    assert "Légende" in texts and "Coopération de proximité" in texts
    assert any(text.startswith("Sources : jura.ch") for text in texts)
    assert "Province du Québec" in texts
    # A view in another language and year is saved as it is shown.
    opened.page.select_option("#language", "en")
    set_year(opened, 1995)
    svg = save_view(opened, "svg", tmp_path)
    assert svg.name == "cooperation-jura-en-1995.svg"
    texts = svg_texts(svg)
    assert "Legend" in texts and any(t.startswith("Sources: ") for t in texts)
    assert "Communauté de travail du Jura [fr]" in " ".join(texts)
    shutil.copy(png, ARTIFACTS / "graph-saved-view.png")
    shutil.copy(svg, ARTIFACTS / "graph-saved-view-en-1995.svg")
    opened.assert_clean()


def test_a_saved_svg_keeps_hostile_labels_as_text(open_page, tmp_path: Path) -> None:
    opened = open_page(render_html(load(HOSTILE).graph), "hostile.html")
    for box in opened.page.locator("#groups input:not(:checked)").all():
        box.click()
    opened.js("coopGraph.network.moveTo({scale: 1.5, animation: false})")
    texts = " ".join(svg_texts(save_view(opened, "svg", tmp_path)))
    assert "<img" in texts or "<script>" in texts  # shown, as text
    assert opened.js("window.__pwned") is None
    opened.assert_clean()


def list_section(opened: Opened, key: str) -> set[str]:
    return set(
        opened.js(
            "(key) => [...document.querySelectorAll("
            "`#list table[data-section='${key}'] tr[data-entity]`)].map(r => r.dataset.entity)",
            key,
        )
    )


def list_entities(opened: Opened) -> set[str]:
    return set(
        opened.js(
            "[...document.querySelectorAll('#list tr[data-entity]')].map(r => r.dataset.entity)"
        )
    )


def test_the_list_view_holds_every_entity_drawn_and_follows_the_filters(
    open_page, shipped_page: str, tmp_path: Path
) -> None:
    opened = open_page(shipped_page, "graph.html")
    opened.page.click("#list-toggle")
    assert opened.page.is_visible("#list") and not opened.page.is_visible("#network")
    assert opened.page.get_attribute("#list-toggle", "aria-pressed") == "true"
    drawn = visible_nodes(opened) - {RCJU}  # the canton is named above the tables
    assert drawn <= list_entities(opened)
    assert list_entities(opened) == drawn | set(opened.js("coopGraph.state.listed"))
    assert "Province du Québec" in opened.page.inner_text("#list")
    screenshot(opened, tmp_path, "graph-list-view.png")
    # By keyboard: a row's entity, then Enter, fills the details panel.
    opened.page.focus(f"#list tr[data-entity='{QUEBEC}'] th button")
    opened.page.keyboard.press("Enter")
    assert details(opened).startswith("Province du Québec")
    # The same filters and year as the drawing.
    proximity = "input[data-filter='axis:https://w3id.org/jura-coop/id/concept/axe-proximite']"
    axis = "https://w3id.org/jura-coop/id/concept/axe-proximite"
    assert ID + "departement-doubs" in list_section(opened, axis)
    opened.page.click(proximity)
    assert ID + "departement-doubs" not in list_section(opened, axis)
    assert ID + "departement-doubs" in list_section(opened, "listed")
    opened.page.click(proximity)
    set_year(opened, 1995)
    assert ID + "ficd" not in list_entities(opened)
    assert ID + "quebec" in list_section(
        opened, "https://w3id.org/jura-coop/id/concept/axe-interregional"
    )
    opened.page.uncheck("#year-on")
    # Sortable: by number of relations, the busiest first.
    opened.page.click("#list th button[data-sort='relations']")
    assert opened.page.get_attribute(
        "#list th:has(button[data-sort='relations'])", "aria-sort"
    ) == ("descending")
    first = opened.js("document.querySelector('#list tbody tr').dataset.entity")
    counts = opened.js(
        "() => [...document.querySelector('#list tbody').rows]"
        ".map(r => r.querySelectorAll('li').length)"
    )
    assert counts == sorted(counts, reverse=True) and first
    opened.page.click("#list-toggle")
    assert opened.page.is_visible("#network")
    opened.assert_clean()


def test_the_page_works_without_a_canvas(
    open_page, shipped_page: str, browser, tmp_path: Path
) -> None:
    path = tmp_path / "graph.html"
    path.write_text(shipped_page, encoding="utf-8")
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        # A browser without canvas drawing.
        page.add_init_script("HTMLCanvasElement.prototype.getContext = () => null;")
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=30_000)
        assert page.is_visible("#list")
        assert "Province du Québec" in page.inner_text("#list")
        page.click(f"#list tr[data-entity='{QUEBEC}'] th button")
        assert (page.text_content("#details") or "").startswith("Province du Québec")
        page.fill("#search", "aoste")
        assert "Vallée d'Aoste" in page.inner_text("#list")
        assert "Province du Québec" not in page.inner_text("#list")
        assert errors == []
    finally:
        context.close()


def test_physics_can_be_turned_on_and_off(open_page, shipped_page: str) -> None:
    opened = open_page(shipped_page, "graph.html")
    opened.page.click("#physics")
    assert opened.js("coopGraph.network.physics.options.enabled") is True
    opened.page.wait_for_timeout(300)
    opened.page.click("#physics")
    assert opened.js("coopGraph.network.physics.options.enabled") is False
    opened.page.click("#reset")
    opened.assert_clean()


def test_geo_layout_page(open_page, shipped_map_page: str, tmp_path: Path) -> None:
    opened = open_page(shipped_map_page, "geo.html")
    assert opened.page.is_visible("#geo-note")
    click_node(opened, QUEBEC)
    assert "Québec (ville)" in details(opened)
    opened.page.click("#reset")
    screenshot(opened, tmp_path, "graph-geo.png")
    opened.assert_clean()


# --- hostile labels -------------------------------------------------------------------------


def test_no_hostile_label_runs_when_hovered_and_clicked(open_page, tmp_path: Path) -> None:
    opened = open_page(render_html(load(HOSTILE).graph), "hostile.html")
    # The entities without a drawn relation, listed beside the drawing: each one clicked.
    listed = opened.js("coopGraph.state.listed")
    assert listed
    for index in range(len(listed)):
        opened.page.locator("#details button.linklike").nth(index).click()
        assert opened.js("coopGraph.state.selected") in listed
        opened.page.keyboard.press("Escape")
    # Every relation drawn: every entity with one is drawn.
    for box in opened.page.locator("#groups input:not(:checked)").all():
        box.click()
    nodes = opened.js("coopGraph.nodes.getIds({filter: n => !n.hidden})")
    assert len(nodes) + len(opened.js("coopGraph.state.listed")) == 24
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
