"""Driving the page in headless Chromium: what a test opened, what is drawn, acting as a person.

The browser itself and ``open_page`` are fixtures (tests/conftest.py); the functions here
read vis-network's own positions and sizes, and click where a person would.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from tests.helpers import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"


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


def screenshot(opened: Opened, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    opened.page.screenshot(path=str(target))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(target, ARTIFACTS / name)
    return target


def record(name: str, figures: dict) -> None:
    """Keep measured figures beside the screenshots, for people to read."""
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.json").write_text(json.dumps(figures, indent=1, sort_keys=True))


# --- measuring what is drawn, from vis-network's own positions ------------------------------

#: Every label vis-network draws now: its font size on screen (CSS px), its box in the
#: page's pixels, and whether that box is inside the canvas. vis-network skips a label whose
#: size on screen is under its drawThreshold - 1 (``labelModule.visible()``).
LABEL_BOXES = """() => {
    const net = coopGraph.network;
    net.redraw();
    const scale = net.getScale();
    const frame = document.getElementById('network');
    const out = [];
    for (const id of coopGraph.nodes.getIds({filter: n => !n.hidden})) {
        const label = net.body.nodes[id].labelModule;
        if (!label.visible()) continue;
        const s = label.size;
        const a = net.canvasToDOM({x: s.left, y: s.top});
        const b = net.canvasToDOM({x: s.left + s.width, y: s.top + s.height});
        out.push({id: id, px: label.fontOptions.size * scale, box: [a.x, a.y, b.x, b.y],
                  inside: a.x >= 0 && a.y >= 0 && b.x <= frame.clientWidth
                          && b.y <= frame.clientHeight});
    }
    // The names of the axes written in their sectors count as labels too.
    const px = JSON.parse(document.getElementById('graph-data').textContent).titleFont * scale;
    if (px >= 11) {
        for (const title of coopGraph.sectorTitles()) {
            const a = net.canvasToDOM({x: title.box.left, y: title.box.top});
            const b = net.canvasToDOM({x: title.box.right, y: title.box.bottom});
            out.push({id: 'title:' + title.axis, px: px, box: [a.x, a.y, b.x, b.y],
                      inside: a.x >= 0 && a.y >= 0 && b.x <= frame.clientWidth
                              && b.y <= frame.clientHeight});
        }
    }
    return out;
}"""


def label_boxes(opened: Opened) -> list[dict]:
    return opened.js(LABEL_BOXES)


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    """The pairs of label boxes that overlap (touching is not overlapping)."""
    found = []
    for i, one in enumerate(boxes):
        a = one["box"]
        for other in boxes[i + 1 :]:
            b = other["box"]
            if min(a[2], b[2]) - max(a[0], b[0]) > 0 and min(a[3], b[3]) - max(a[1], b[1]) > 0:
                found.append((one["id"], other["id"]))
    return found


def visible_nodes(opened: Opened) -> set[str]:
    return set(opened.js("coopGraph.nodes.getIds({filter: n => !n.hidden})"))


def measure_labels(opened: Opened) -> dict:
    """Label figures at the current zoom: how many drawn, smallest size, overlaps."""
    boxes = label_boxes(opened)
    return {
        "scale": round(opened.js("coopGraph.network.getScale()"), 3),
        "nodes_drawn": len(visible_nodes(opened)),
        "labels_drawn": sum(1 for b in boxes if not b["id"].startswith("title:")),
        "axis_names_drawn": sum(1 for b in boxes if b["id"].startswith("title:")),
        "smallest_label_px": round(min((b["px"] for b in boxes), default=0), 2),
        "overlapping_label_pairs": len(overlapping(boxes)),
        "labels_outside_canvas": sum(1 for b in boxes if not b["inside"]),
    }


def zoom_in_until_every_label_is_drawn(opened: Opened) -> None:
    """Scale 1 in a window large enough for the whole drawing: every label is drawn."""
    before = opened.js("coopGraph.network.canvas.frame.canvas.width")
    opened.page.set_viewport_size({"width": 3000, "height": 2400})
    # vis-network sizes its canvas again on the window's resize event: wait for that
    # (however long a busy machine takes), not for a fixed time.
    opened.page.wait_for_function(
        """(before) => {
            const canvas = coopGraph.network.canvas, element = canvas.frame.canvas;
            return element.width !== before
                && element.width === Math.round(element.clientWidth * canvas.pixelRatio);
        }""",
        arg=before,
    )
    opened.js(
        "() => { coopGraph.network.fit({animation: false});"
        " coopGraph.network.moveTo({scale: 1.0, animation: false}); }"
    )


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
