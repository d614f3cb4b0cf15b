"""The map page (render --layout geo) in headless Chromium: borders drawn, places inside their
territories, far partners in their insets, names legible and apart, nothing loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.dataset.load import Loaded, load
from graph.page.render import render_html
from tests.helpers import HOSTILE, ID, QUEBEC, RCJU
from tests.helpers.browser import (
    Opened,
    click_node,
    details,
    label_boxes,
    overlapping,
    record,
    screenshot,
    visible_nodes,
)

pytestmark = pytest.mark.browser

DOUBS = ID + "departement-doubs"
FAR = {
    QUEBEC: "quebec",
    ID + "federation-wallonie-bruxelles": "belgium",
    ID + "vallee-aoste": "aosta",
    ID + "republique-cameroun": "cameroon",
}
NOT_ON_MAP = {"agreement", "framework", "concept", "programme", "fund", "event", "relation"}

#: The map's own names (towns, territories, countries, inset titles) as drawn in the last
#: frame: their boxes in the page's pixels and their size on screen.
MAP_LABELS = """() => {
    const net = coopGraph.network;
    net.redraw();
    const scale = net.getScale();
    const frame = document.getElementById('network');
    return coopMap.drawnLabels().map(function (l) {
        const a = net.canvasToDOM({x: l.box[0], y: l.box[1]});
        const b = net.canvasToDOM({x: l.box[2], y: l.box[3]});
        return {id: l.kind + ':' + l.text, px: l.font * scale, box: [a.x, a.y, b.x, b.y],
                inside: a.x >= 0 && a.y >= 0 && b.x <= frame.clientWidth
                        && b.y <= frame.clientHeight};
    });
}"""


@pytest.fixture(scope="module")
def map_page(shipped_map_page: str) -> str:
    return shipped_map_page


@pytest.fixture
def opened_map(open_page, map_page: str) -> Opened:  # noqa: F811
    return open_page(map_page, "map.html")


def test_the_map_opens_offline_with_its_borders_drawn(opened_map: Opened, tmp_path: Path):
    counts = opened_map.js("coopMap.drawnCounts()")
    # Countries, French régions, cantons and départements, in the detailed zone and the
    # insets; the counts come from the drawing itself.
    assert counts["border:country"] >= 20
    assert counts["border:region"] >= 5
    assert counts["border:admin1"] >= 100
    assert counts["area:admin1"] >= 80
    assert counts["area:country"] >= 20
    record("map-borders", counts)
    screenshot(opened_map, tmp_path, "map-opening.png")
    opened_map.assert_clean()


def test_only_bodies_with_a_place_are_drawn_and_the_rest_is_listed(opened_map: Opened):
    data = opened_map.js("JSON.parse(document.getElementById('graph-data').textContent)")
    drawn = visible_nodes(opened_map)
    assert drawn == set(data["map"]["placed"])
    assert not {data["info"][node]["kind"] for node in drawn} & NOT_ON_MAP
    # The agreements are one click away in the details panel and in the list view.
    text = details(opened_map)
    assert "Pas sur la carte" in text
    assert "Accord de Lucelle" in text
    opened_map.page.click("#list-toggle")
    assert "Accord de Lucelle" in (opened_map.page.text_content("#list") or "")
    opened_map.assert_clean()


def test_every_partner_with_a_territory_lies_inside_its_polygon(opened_map: Opened):
    placed = opened_map.js(
        "JSON.parse(document.getElementById('graph-data').textContent).map.placed"
    )
    checked = 0
    for node in placed:
        inside = opened_map.js("(id) => coopMap.placeInside(id)", node)
        for territory, ok in inside.items():
            assert ok, f"{node} is not inside {territory}"
            checked += 1
    assert checked >= 20
    # Those placed at their territory's centre say so in their details.
    assert placed[ID + "canton-berne"]["how"] == "territory"
    click_node(opened_map, ID + "canton-berne")
    assert "au centre de son territoire" in details(opened_map)
    opened_map.assert_clean()


def test_a_click_highlights_the_partners_territory(opened_map: Opened, tmp_path: Path):
    click_node(opened_map, DOUBS)
    assert opened_map.js("coopMap.selectedTerritories()") == {ID + "territoire/doubs": True}
    assert "à son siège : Besançon" in details(opened_map)
    screenshot(opened_map, tmp_path, "map-doubs-selected.png")
    # A click on a territory itself shows it, with the identifier its outline comes from.
    opened_map.page.click("#reset")
    point = opened_map.js(
        """([territory, rcju]) => {
            const net = coopGraph.network;
            const data = JSON.parse(document.getElementById('graph-data').textContent);
            const place = data.map.placed[rcju];
            const r = document.getElementById('network').getBoundingClientRect();
            // A point of the Jura's polygon with no body and no relation on it.
            for (let dy = -40; dy <= 40; dy += 4) {
                for (let dx = -60; dx <= 60; dx += 4) {
                    const c = {x: place.trueX + dx, y: place.trueY + dy};
                    const p = net.canvasToDOM(c);
                    if (coopMap.territoryAt(c) === territory && net.getNodeAt(p) === undefined
                        && net.getEdgeAt(p) === undefined) {
                        return [r.left + p.x, r.top + p.y];
                    }
                }
            }
            return null;
        }""",
        [ID + "territoire/jura", RCJU],
    )
    assert point is not None
    opened_map.page.mouse.click(*point)
    assert "ISO 3166-2 CH-JU" in details(opened_map)
    assert ID + "territoire/jura" in opened_map.js("coopMap.selectedTerritories()")
    opened_map.assert_clean()


def test_far_partners_are_in_their_insets_in_the_opening_view(opened_map: Opened):
    for node, inset in FAR.items():
        where = opened_map.js(
            """([id, inset]) => {
                const net = coopGraph.network;
                const data = JSON.parse(document.getElementById('graph-data').textContent);
                const rect = data.map.insets.filter(i => i.frame === inset)[0].rect;
                const p = net.canvasToDOM(net.getPosition(id));
                const a = net.canvasToDOM({x: rect[0], y: rect[1]});
                const b = net.canvasToDOM({x: rect[0] + rect[2], y: rect[1] + rect[3]});
                const frame = document.getElementById('network');
                return {node: [p.x, p.y], inset: [a.x, a.y, b.x, b.y],
                        width: frame.clientWidth, height: frame.clientHeight,
                        frame: data.map.placed[id].frame};
            }""",
            [node, inset],
        )
        x, y = where["node"]
        left, top, right, bottom = where["inset"]
        assert where["frame"] == inset
        assert left < x < right and top < y < bottom, node
        assert 0 <= left and right <= where["width"] and 0 <= top and bottom <= where["height"]
    opened_map.assert_clean()


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_names_are_legible_and_apart_at_the_opening_zoom(
    open_page,  # noqa: F811
    shipped: Loaded,
    lang: str,
    tmp_path: Path,
):
    opened_map = open_page(render_html(shipped.graph, layout="geo", lang=lang), "map.html")
    nodes = label_boxes(opened_map)
    names = opened_map.js(MAP_LABELS)
    boxes = nodes + names
    figures = {
        "scale": round(opened_map.js("coopGraph.network.getScale()"), 3),
        "node_names_drawn": len(nodes),
        "map_names_drawn": len(names),
        "smallest_px": round(min(b["px"] for b in boxes), 2),
        "overlapping_pairs": overlapping(boxes),
        # Names cut by the canvas's edge (those wholly beyond it, like the French State's
        # at France's centre, are reached by zooming out).
        "cut_by_the_edge": [
            b["id"] for b in boxes if not b["inside"] and _on_screen(b, opened_map)
        ],
    }
    record(f"map-labels-{lang}", figures)
    screenshot(opened_map, tmp_path, f"map-opening-{lang}.png")
    assert figures["overlapping_pairs"] == []
    assert figures["smallest_px"] >= 11
    assert figures["cut_by_the_edge"] == []
    # Every body drawn in the opening view is named, and so are the main towns.
    assert len(nodes) == len(visible_nodes(opened_map))
    towns = {b["id"] for b in names if b["id"].startswith("town:")}
    expected = {
        "fr": {"Delémont", "Besançon", "Belfort", "Strasbourg"},
        "de": {"Delsberg", "Besançon", "Belfort", "Straßburg"},
        "en": {"Delémont", "Besançon", "Belfort", "Strasbourg"},
    }[lang]
    assert {f"town:{name}" for name in expected} <= towns
    opened_map.assert_clean()


def _on_screen(box: dict, opened: Opened) -> bool:
    width, height = opened.js("[document.getElementById('network').clientWidth,"
                              " document.getElementById('network').clientHeight]")  # fmt: skip
    left, top, right, bottom = box["box"]
    return right > 0 and bottom > 0 and left < width and top < height


def test_language_year_search_and_export_work_on_the_map(opened_map: Opened, tmp_path: Path):
    before = opened_map.js("coopGraph.network.getPositions()")
    opened_map.page.select_option("#language", "de")
    assert opened_map.js("coopGraph.network.getPositions()") == before
    assert "town:Delsberg" in {b["id"] for b in opened_map.js(MAP_LABELS)}
    assert opened_map.page.text_content("#map-source").startswith("Kartengrundlage: Natural Earth")
    opened_map.page.select_option("#language", "fr")
    # In 1990 the Aosta Valley agreement (2004) is not drawn; the valley stays on the map.
    aosta = opened_map.js(
        "([a, b]) => coopGraph.edges.getIds({filter: e => e.from === a && e.to === b})",
        [RCJU, ID + "vallee-aoste"],
    )
    opened_map.js("coopGraph.setYear(1990, false)")
    assert opened_map.js("(id) => !!coopGraph.edges.get(id).hidden", aosta[0])
    opened_map.js("coopGraph.setYear(null, false)")
    assert not opened_map.js("(id) => !!coopGraph.edges.get(id).hidden", aosta[0])
    opened_map.page.fill("#search", "Yaoundé")
    opened_map.page.fill("#search", "Cameroun")
    assert "République du Cameroun" in (opened_map.page.text_content("#matches") or "")
    opened_map.page.click("#reset")
    with opened_map.page.expect_download() as download:
        opened_map.page.click("#export-svg")
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.count("<path") > 300  # the borders, not only the relations
    assert "Natural Earth" in svg
    opened_map.assert_clean()


def test_hostile_labels_stay_text_on_the_map(open_page, tmp_path: Path):  # noqa: F811
    page = render_html(load(HOSTILE).graph, layout="geo")
    opened = open_page(page, "hostile-map.html")
    opened.js("coopGraph.setLanguage('en')")
    opened.assert_clean()
