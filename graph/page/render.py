"""The interactive page: one self-contained HTML file that works offline, opened from disk.

``render_html`` draws the whole graph, the neighbourhood of one entity, or the entities and
relations of a CONSTRUCT result. The network is built with pyvis (nodes, edges, options)
and written with our own template, ``graph/templates/graph.html``, because pyvis 0.3.2's
template cannot make a page that stays offline and safe:

* it links Bootstrap, and in "local" and "remote" mode vis-network, from CDNs in every
  mode, so the page makes requests (and shows nothing without network);
* a node title containing "href" switches its tooltips to raw ``innerHTML``, so a label
  from the data could run script.

Our template inlines vis-network's script and style from the copy pyvis ships (read at
render time; nothing is vendored here), puts the data into a
``<script type="application/json">`` element with ``<``, ``>``, ``&``, U+2028 and U+2029
escaped, and builds every piece of text in the page with ``textContent``. A
Content-Security-Policy with the hashes of the page's own scripts and styles forbids any
request and any other script. The same input gives the same bytes: sorted nodes and
edges, a fixed layout seed, no timestamp.

What the page shows comes from graph.page.view (the network of the view, and what is drawn
when the page opens), graph.page.graph_data (positions, details, legend; the layouts are in
graph.page.layout), graph.page.timeline (the year slider) and graph.page.geomap (the map of
``--layout geo``); its words, per language, are in graph.page.ui.
"""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from graph.errors import ExportError, display_path
from graph.page.graph_data import page_data
from graph.page.html import content_security_policy, environment, json_for_script
from graph.page.layout import LAYOUTS
from graph.page.ui import UI, UI_LANGUAGES
from graph.page.view import view_network
from graph.rdf.vocab import ID

if TYPE_CHECKING:
    from graph.dataset.load import Loaded

__all__ = [
    "BUILD_FALLBACK_FOCUS",
    "DEFAULT_MAX_NODES",
    "TooManyNodesError",
    "render_html",
    "render_loaded",
    "write_html",
]

#: Above this many nodes ``render_html`` refuses. Measured in headless Chromium
#: (docs/performance-graph.md): at about 4,000 nodes the page is drawn in 1.6 s and one
#: frame of panning costs about 30 ms; at 13,000, 4 s and 140 ms a frame, which feels stuck.
DEFAULT_MAX_NODES = 3000
#: The vis-network copy that pyvis ships, inlined into the page.
VIS_DIR = "templates/lib/vis-9.1.2"


class TooManyNodesError(ExportError):
    """The view has more nodes than a browser can show without freezing."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"the view has {count} entities, more than the limit of {limit} for one page",
            hint="Draw a part of it: --focus ENTITY --depth N for a neighbourhood, or "
            "--query FILE.rq for the result of a CONSTRUCT query (or raise --max-nodes).",
        )
        self.count = count
        self.limit = limit


def render_html(
    graph: Graph,
    *,
    focus: str | None = None,
    depth: int = 1,
    lang: str = "fr",
    layout: str = "force",
    max_nodes: int = DEFAULT_MAX_NODES,
    subgraph: Graph | None = None,
) -> str:
    """The interactive page of ``graph`` (or of a part of it, see ``view_network``).

    Raises ``TooManyNodesError`` when the view has more than ``max_nodes`` entities, and
    ``UnknownEntityError`` when ``focus`` names no entity or several.
    """
    if lang not in UI_LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(UI_LANGUAGES)}, not {lang!r}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    network = view_network(graph, focus=focus, depth=depth, lang=lang, subgraph=subgraph)
    if network.number_of_nodes() > max_nodes:
        raise TooManyNodesError(network.number_of_nodes(), max_nodes)
    data = page_data(graph, network, lang=lang, layout=layout, every_group=subgraph is not None)
    if layout == "geo":
        from graph.page.geomap import map_page_data

        data = map_page_data(graph, network, data)
    return _fill_template(data, lang)


#: What ``build`` draws when the whole graph is too big for one page: the canton and
#: everything one relation away, the view its staff open first.
BUILD_FALLBACK_FOCUS = str(ID.rcju)


def render_loaded(loaded: Loaded, *, max_nodes: int = DEFAULT_MAX_NODES) -> bytes:
    """The page ``build`` writes (``build/graph.html``): the whole graph, or, when that is
    over ``max_nodes``, the canton's neighbourhood, so that a big dataset still builds
    rather than failing on its one optional page (``coopgraph render`` draws other parts)."""
    try:
        return render_html(loaded.graph, max_nodes=max_nodes).encode("utf-8")
    except TooManyNodesError:
        if (URIRef(BUILD_FALLBACK_FOCUS), None, None) not in loaded.graph:
            raise
        page = render_html(loaded.graph, focus=BUILD_FALLBACK_FOCUS, max_nodes=max_nodes)
        return page.encode("utf-8")


def write_html(path: Path, html: str) -> Path:
    """Write the page atomically: a reader never sees half a file."""
    from graph.dataset.export import write_atomic

    path = Path(path)
    if path.is_dir():
        raise ExportError(
            f"{display_path(path)} is a folder", hint="Give a file name, e.g. graph.html."
        )
    write_atomic(path, html.encode("utf-8"))
    return path


# --- the template ---------------------------------------------------------------------------


def _vendor(name: str) -> str:
    """A vis-network file from pyvis's copy, checked to be safe to inline."""
    text = (files("pyvis") / VIS_DIR / name).read_text(encoding="utf-8")
    # The source map is not shipped; DevTools would go looking for it beside the page.
    text = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", text)
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower() or "<!--" in text:
        raise ExportError(f"pyvis's {name} cannot be inlined: it contains {closing!r} or '<!--'")
    return text


def _fill_template(data: dict[str, Any], lang: str) -> str:
    from markupsafe import Markup

    template = environment().get_template("graph.html")
    page = template.render(
        lang=lang,
        title=UI[lang]["title"],
        vis_css=Markup(_vendor("vis-network.css")),
        vis_js=Markup(_vendor("vis-network.min.js")),
        data_json=Markup(json_for_script(data)),
        csp=Markup("__CSP__"),
        with_map="map" in data,
    )
    # The HTML parser turns CR LF into LF before the browser hashes a script: do it first.
    page = page.replace("\r\n", "\n").replace("\r", "\n")
    # Only the page's own inline scripts and styles may run: their hashes go into the
    # policy, computed on the final text. The file is read offline: it reaches no server.
    return page.replace("__CSP__", content_security_policy(page, served=False), 1)
