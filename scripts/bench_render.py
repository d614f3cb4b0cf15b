#!/usr/bin/env python3
"""Benchmark of the interactive page: render time, file size and time to interactive.

Makes graphs of about 10^2 to 10^3 entities and more by copying the shipped data (every instance IRI
gets a suffix per copy; the concept schemes stay shared, so the copies hang together
through the axes and fields like the real graph), then for each size measures:

* ``to_networkx`` and the layout, and the whole ``render_html`` (best of ``--repeat``);
* the size of the page;
* in headless Chromium at 1400 x 900 (Debian's /usr/bin/chromium, every request but
  file:// blocked): the time from navigation to the first complete drawing (the page sets
  ``data-ready-ms``), the time of one full redraw (what every frame of panning or zooming
  costs), the time to apply a filter and re-fit; and at the opening zoom, from
  vis-network's own label positions, the share of the drawn entities whose name is drawn,
  the smallest name drawn (CSS px) and the pairs of names that overlap.

Times vary between machines: compare the ratios to the smallest size, measured in the same
run. Usage:

    python scripts/bench_render.py                     # 100, 300, 1000, 3000
    python scripts/bench_render.py --sizes 100 1000 --repeat 1 --no-browser
    python scripts/bench_render.py --layout geo --sizes 100   # the map page
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rdflib import Graph, URIRef  # noqa: E402

from graph.dataset.load import load  # noqa: E402
from graph.network.convert import to_networkx  # noqa: E402
from graph.page.render import render_html  # noqa: E402
from graph.page.view import initially_shown  # noqa: E402

ID = "https://w3id.org/jura-coop/id/"
SHARED = (ID + "concept/",)
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def copies_of(base: Graph, copies: int) -> Graph:
    """``base`` with its instances copied ``copies`` times (copy 0 keeps the real IRIs)."""
    graph = Graph(bind_namespaces="none")
    for i in range(copies):
        suffix = f"-{i}" if i else ""
        for triple in base:
            graph.add(tuple(_rename(term, suffix) for term in triple))
    return graph


def _rename(term, suffix: str):
    if suffix and isinstance(term, URIRef) and term.startswith(ID) and not term.startswith(SHARED):
        return URIRef(str(term) + suffix)
    return term


def best_of(repeat: int, action):
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = action()
        best = min(best, time.perf_counter() - start)
    return best, value


def browser_times(html_path: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        blocked = []
        page.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith("file://")
                else (blocked.append(r.request.url), r.abort())
            ),
        )
        page.goto(html_path.as_uri(), timeout=600_000)
        page.wait_for_selector("body[data-ready=true]", timeout=600_000)
        ready = float(page.get_attribute("body", "data-ready-ms"))
        # One frame of panning or zooming: a full redraw, the median of five.
        redraw = page.evaluate(
            """() => { const times = [];
                       for (let i = 0; i < 5; i++) { const t = performance.now();
                         coopGraph.network.redraw(); times.push(performance.now() - t); }
                       return times.sort((a, b) => a - b)[2]; }"""
        )
        labels = page.evaluate(LABELS)
        filtered = page.evaluate(
            """() => { const t = performance.now();
                       coopGraph.state.groups.membership = false; coopGraph.applyFilters(true);
                       coopGraph.network.redraw(); return performance.now() - t; }"""
        )
        browser.close()
    if blocked:
        raise SystemExit(f"the page made requests: {blocked[:3]}")
    return {"ready_ms": ready, "redraw_ms": redraw, "filter_ms": filtered, **labels}


#: At the opening zoom: the share of drawn entities named, the smallest name (CSS px) and
#: the overlapping pairs of names (the axes' names count as names).
LABELS = """() => {
    const net = coopGraph.network, scale = net.getScale();
    const ids = coopGraph.nodes.getIds({filter: n => !n.hidden});
    const boxes = [];
    let smallest = Infinity;
    for (const id of ids) {
        const label = net.body.nodes[id].labelModule;
        if (!label.visible()) continue;
        const s = label.size;
        boxes.push([s.left, s.top, s.left + s.width, s.top + s.height]);
        smallest = Math.min(smallest, label.fontOptions.size * scale);
    }
    const named = boxes.length;
    const font = JSON.parse(document.getElementById('graph-data').textContent).titleFont;
    if (font * scale >= 11) {
        for (const t of coopGraph.sectorTitles()) {
            boxes.push([t.box.left, t.box.top, t.box.right, t.box.bottom]);
        }
    }
    // On the map (--layout geo) its names of towns and territories count as names too.
    if (window.coopMap && JSON.parse(document.getElementById('graph-data').textContent).map) {
        for (const l of coopMap.drawnLabels()) {
            boxes.push(l.box);
            smallest = Math.min(smallest, l.font * scale);
        }
    }
    boxes.sort((a, b) => a[0] - b[0]);
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length && boxes[j][0] < boxes[i][2]; j++) {
            if (Math.min(boxes[i][3], boxes[j][3]) - Math.max(boxes[i][1], boxes[j][1]) > 0) {
                overlaps++;
            }
        }
    }
    return {labelled_share: ids.length ? named / ids.length : 0,
            smallest_label_px: smallest === Infinity ? 0 : smallest,
            overlapping_labels: overlaps, opening_scale: scale};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 1000, 3000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument(
        "--layout",
        choices=["force", "geo"],
        default="force",
        help="geo: the map page (borders under the network); try it with --sizes 100",
    )
    options = parser.parse_args()

    base = load().graph
    per_copy = to_networkx(base).number_of_nodes()
    shared = len([n for n in to_networkx(base) if n.startswith(SHARED)])
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in options.sizes:
            copies = max(1, math.ceil((size - shared) / (per_copy - shared)))
            graph = copies_of(base, copies)
            t_network, network = best_of(options.repeat, lambda g=graph: to_networkx(g))
            t_render, html = best_of(
                options.repeat,
                lambda g=graph: render_html(g, max_nodes=10**9, layout=options.layout),
            )
            path = Path(folder) / f"graph-{size}.html"
            path.write_text(html, encoding="utf-8")
            row = {
                "nodes": network.number_of_nodes(),
                "edges": network.number_of_edges(),
                "triples": len(graph),
                "drawn": len(initially_shown(network)),
                "to_networkx_s": t_network,
                "render_s": t_render,
                "size_mb": len(html.encode()) / 1e6,
            }
            if not options.no_browser:
                row.update(browser_times(path))
            rows.append(row)
            print(row, file=sys.stderr, flush=True)

    first = rows[0]
    columns = ["nodes", "drawn", "edges", "triples", "to_networkx_s", "render_s", "size_mb"]
    if not options.no_browser:
        columns += ["ready_ms", "redraw_ms", "filter_ms", "opening_scale", "labelled_share"]
        columns += ["smallest_label_px", "overlapping_labels"]
    print("| " + " | ".join(columns) + " | render ratio | ready ratio |")
    print("|" + "---|" * (len(columns) + 2))
    for row in rows:
        cells = [f"{row[c]:.3f}" if isinstance(row[c], float) else str(row[c]) for c in columns]
        ratio = row["render_s"] / first["render_s"]
        ready = row["ready_ms"] / first["ready_ms"] if "ready_ms" in row else float("nan")
        print("| " + " | ".join(cells) + f" | {ratio:.1f} | {ready:.1f} |")


if __name__ == "__main__":
    main()
