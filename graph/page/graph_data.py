"""Everything the graph page shows, as one JSON-ready dict: the nodes and relations with their
positions, the details of each, the legend, the year slider's spans and the page's words.

The positions come from the layouts (graph.page.layout) with room kept for each label as it
is written in the page's language: one layout per language for a drawing of up to
``PER_LANGUAGE_LIMIT`` entities (German names are longer, English ones shorter: room for
all three would open every page smaller), one for all of them above, or on the map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef

from graph.network.kinds import KINDS, predicate_labels
from graph.page.footprint import WRAP_MARGIN, Footprint, label_size, longest_word
from graph.page.layout import layout as compute_layout
from graph.page.layout_axes import MIN_SECTORS, TITLE
from graph.page.timeline import Timeline, timeline
from graph.page.ui import UI_LANGUAGES, page_words
from graph.page.view import (
    AXES,
    NO_AXIS_COLOR,
    RELATION_GROUPS,
    OpeningView,
    opening_view,
    relation_group,
    sorted_edges,
)
from graph.page.vis import LABEL_MIN_PX, vis_items
from graph.rdf.terms import LANGUAGES, labels_of, pick_label

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["page_data"]

#: Font sizes and label widths (canvas px) of the centre, of the entities the opening view
#: names (partners on an axis, multilateral bodies) and of the others. The page draws no
#: label smaller than ``LABEL_MIN_PX`` on screen: the minor ones appear as one zooms in.
FONT = {"centre": 20, "major": 15, "minor": 12}
LABEL_WIDTH = {"centre": 210, "major": 160, "minor": 120}
#: Up to this many entities drawn at the opening, each language has its own layout.
PER_LANGUAGE_LIMIT = 300
#: The names of the axes written in their sectors: font size and width before wrapping.
TITLE_FONT = 19
TITLE_WIDTH = 190
#: The canvas of the page in a window of 1400 x 900 CSS px, less the margin of its fit: the
#: size the opening view is made for.
REFERENCE_CANVAS = (852, 827)


def page_data(
    graph: Graph,
    network: nx.MultiDiGraph,
    *,
    lang: str,
    layout: str,
    every_group: bool = False,
) -> dict[str, Any]:
    """Everything the page shows, as one JSON-ready dict (see the template's script)."""
    view = opening_view(network, every_group=every_group)
    time = timeline(graph, network)
    drawing = _Drawing.of(graph, network, view, time, layout)
    layouts = _Layouts.made_for(drawing)
    positions, far, extra = layouts.of(lang)
    sectors = layouts.sectors(drawing.axes_drawn, positions)
    positions = {node: xy for node, xy in positions.items() if not node.startswith(TITLE)}
    nodes, edges, options = vis_items(
        network, positions, view, drawing.fonts, drawing.sizes, extra["node_wrap"]
    )
    return {
        "lang": lang,
        "layout": layout,
        "focus": network.graph.get("focus"),
        "centre": view.centre,
        "ui": page_words(),
        **_legend(network, view),
        "labelMinPx": LABEL_MIN_PX,
        # The order a label falls back in (the page's script picks labels as pick_label).
        "labelOrder": list(LANGUAGES),
        "sectors": sectors,
        "titleFont": drawing.title_font,
        # The slider runs from the earliest dated fact to the current year (the page reads
        # the clock: the same data gives the same file whatever the day).
        "firstYear": time.first,
        "lastYear": time.last,
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "info": _node_info(drawing, layouts, time, far),
        "edgeInfo": _edge_info(network, edges, time),
        "terms": _terms(graph, network),
        "documents": network.graph.get("documents", {}),
    }


@dataclass
class _Drawing:
    """One page's network with what its layouts need: the opening view, each node's tier,
    size, font and captions, and the relations drawn when the page opens."""

    graph: Graph
    network: nx.MultiDiGraph
    view: OpeningView
    layout: str
    #: Node -> language -> its canvas label; node -> the labels of the names it bore before.
    captions: dict[str, dict[str, str]]
    former: dict[str, list[str]]
    tiers: dict[str, str]
    sizes: dict[str, float]
    fonts: dict[str, float]
    #: The relations drawn when the page opens, as (source, target, axis or "").
    drawn: list[tuple[str, str, str]]
    axes_drawn: set[str] = field(default_factory=set)
    #: The size of the axes' names (larger when a large drawing opens at a small scale).
    title_font: float = TITLE_FONT

    @classmethod
    def of(
        cls,
        graph: Graph,
        network: nx.MultiDiGraph,
        view: OpeningView,
        time: Timeline,
        layout: str,
    ) -> _Drawing:
        tiers = _tiers(network, view)
        drawn = [(u, v, network.edges[u, v, k].get("axis", "")) for u, v, k in sorted(view.edges)]
        return cls(
            graph=graph,
            network=network,
            view=view,
            layout=layout,
            captions={node: _captions(data) for node, data in network.nodes(data=True)},
            former={node: _former_captions(time.names.get(node, [])) for node in network},
            tiers=tiers,
            sizes={node: _node_size(network.degree(node)) for node in network},
            fonts={node: FONT[tiers[node]] for node in network},
            drawn=drawn,
            axes_drawn={axis for _, _, axis in drawn if axis},
        )

    def texts_in(self, node: str, lang: str | None) -> list[str]:
        """The labels ``node`` may show in ``lang`` (None: in any language)."""
        if lang is None:
            return [*self.captions[node].values(), *self.former[node]]
        return [self.captions[node][lang], *self.former[node]]

    def wrap_in(self, node: str, lang: str | None) -> int:
        """The width a label wraps at: never narrower than its longest word (vis-network
        would cut "Franche-C|omté")."""
        tier = self.tiers[node]
        base = LABEL_WIDTH[tier] * self.fonts[node] / FONT[tier]
        longest = longest_word(self.texts_in(node, lang), self.fonts[node]) + 2 + WRAP_MARGIN
        return math.ceil(max(base, longest))

    def arrange(self, lang: str | None, min_sectors: tuple[float, ...]) -> tuple[dict, dict, dict]:
        """The layout with room for the labels in ``lang`` (None: in every language) and
        for the names borne in other years: positions, notes of the nodes not drawn to
        scale, and the room and wrapping widths of the nodes and of the axes' names."""
        footprints = {}
        wraps = {}
        for node in self.network:
            wraps[node] = self.wrap_in(node, lang)
            texts = self.texts_in(node, lang)
            width, height = label_size(texts, self.fonts[node], wraps[node] - WRAP_MARGIN)
            footprints[node] = Footprint(self.sizes[node], width, height, self.fonts[node])
        languages = UI_LANGUAGES if lang is None else (lang,)
        named = _axis_titles(self.graph, self.axes_drawn, self.title_font, languages)
        titles = {axis: footprint for axis, (footprint, _) in named.items()}
        positions, far = compute_layout(
            self.network,
            self.layout,
            primary=self.view.shown,
            drawn=self.drawn,
            centre=self.view.centre,
            axes=[axis for axis, _ in AXES],
            footprints=footprints,
            titles=titles,
            min_sectors=min_sectors,
        )
        room = {**footprints, **{TITLE + a: f for a, f in titles.items()}}
        title_wraps = {a: w for a, (_, w) in named.items()}
        return positions, far, {"room": room, "wrap": title_wraps, "node_wrap": wraps}


@dataclass
class _Layouts:
    """The layouts of one page: per language of the page, or one (key None) for all."""

    made: dict[str | None, tuple[dict, dict, dict]]
    per_language: bool

    @classmethod
    def made_for(cls, drawing: _Drawing) -> _Layouts:
        view = drawing.view
        per_language = drawing.layout != "geo" and len(view.shown) <= PER_LANGUAGE_LIMIT
        languages: tuple[str | None, ...] = UI_LANGUAGES if per_language else (None,)
        made = {language: drawing.arrange(language, MIN_SECTORS) for language in languages}
        # A large drawing opens at a small scale, where even the centre's name would be
        # under the smallest size drawn: then the centre and the axes are named larger, and
        # the drawing is made again around them.
        scale = min(_opening_scale(p, extra["room"], view.shown) for p, _, extra in made.values())
        if view.centre is not None and scale and FONT["centre"] * scale < LABEL_MIN_PX + 2:
            larger = math.ceil((LABEL_MIN_PX + 3) / scale)
            drawing.fonts[view.centre] = drawing.title_font = larger
            made = {language: drawing.arrange(language, MIN_SECTORS[:1]) for language in languages}
        return cls(made, per_language)

    def of(self, lang: str) -> tuple[dict, dict, dict]:
        """The layout the page shows in ``lang``."""
        return self.made[lang if self.per_language else None]

    def sectors(self, axes_drawn: set[str], positions: dict) -> list[dict[str, Any]]:
        """Where each axis's name is written, and how wide, in each language."""
        sectors = []
        for axis in sorted(axes_drawn):
            if TITLE + axis not in positions:
                continue
            sectors.append(
                {
                    "axis": axis,
                    "at": {code: list(self.of(code)[0][TITLE + axis]) for code in UI_LANGUAGES},
                    "wrap": {code: self.of(code)[2]["wrap"][axis] for code in UI_LANGUAGES},
                }
            )
        return sectors


def _node_info(
    drawing: _Drawing, layouts: _Layouts, time: Timeline, far: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Node -> what its details show, its captions, and (per language) its position and
    wrapping width when each language has its own layout."""
    info: dict[str, dict[str, Any]] = {}
    for node, attributes in sorted(drawing.network.nodes(data=True)):
        entry = {k: v for k, v in attributes.items() if not k.startswith("label")}
        entry["labels"] = {
            k[len("label_") :]: v for k, v in attributes.items() if k.startswith("label_")
        }
        entry["caption"] = drawing.captions[node]
        if layouts.per_language:
            entry["at"] = {code: list(layouts.of(code)[0][node]) for code in UI_LANGUAGES}
            entry["wrap"] = {code: layouts.of(code)[2]["node_wrap"][node] for code in UI_LANGUAGES}
        if node in time.names:
            entry["names"] = time.names[node]
        if node in far:
            entry["geo_note"] = far[node]
        info[node] = entry
    return info


def _edge_info(
    network: nx.MultiDiGraph, edges: list[dict[str, Any]], time: Timeline
) -> dict[str, dict[str, Any]]:
    """Edge id -> its ends, group, attributes and, for the relations the year slider is
    about, the spans of years it was in force."""
    return {
        item["id"]: {
            "from": u,
            "to": v,
            "key": k,
            "group": relation_group(a),
            **({"inForce": time.relations.get((u, v, k), [])} if (u, v, k) in time.scope else {}),
            **({"undated": True} if (u, v, k) in time.undated else {}),
            **a,
        }
        for item, (u, v, k, a) in zip(edges, sorted_edges(network), strict=True)
    }


def _legend(network: nx.MultiDiGraph, view: OpeningView) -> dict[str, list[dict[str, Any]]]:
    """The kinds of entity, the axes and the groups of relations the page has, in legend
    order, with their colours (and, for the groups, whether they are drawn at first)."""
    kinds_present = {data["kind"] for _, data in network.nodes(data=True)}
    axes_present = {
        data.get("axis", "")
        for _, _, data in network.edges(data=True)
        if relation_group(data) == "cooperation"
    }
    groups_present = {relation_group(data) for _, _, data in network.edges(data=True)}
    axis_colors = dict(AXES)
    return {
        "kinds": [
            {
                "key": kind.key,
                "labels": kind.labels,
                "color": kind.color,
                "shape": kind.shape,
                "visible": kind.visible,
                "count": sum(1 for _, d in network.nodes(data=True) if d["kind"] == kind.key),
            }
            for kind in KINDS
            if kind.key in kinds_present
        ],
        "axes": [
            {"key": axis, "color": axis_colors.get(axis, NO_AXIS_COLOR)}
            for axis in [a for a, _ in AXES if a in axes_present]
            + sorted(a for a in axes_present if a not in axis_colors)
        ],
        "groups": [
            {"key": key, "color": color, "on": view.groups[key]}
            for key, color, _ in RELATION_GROUPS
            if key in groups_present
        ],
    }


def _captions(attributes: dict[str, Any]) -> dict[str, str]:
    """The label drawn on the canvas in each language of the page: the entity's label in
    that language, else in another one followed by its language tag (``[fr]``), cut at 60
    characters (the tooltip and the details panel show the whole name)."""
    labels = {k[len("label_") :]: v for k, v in attributes.items() if k.startswith("label_")}
    captions = {}
    for lang in UI_LANGUAGES:
        text, tag = str(attributes.get("iri", "")), ""
        for candidate in (lang, *LANGUAGES, "none"):
            if labels.get(candidate):
                text, tag = labels[candidate], candidate
                break
        else:
            if labels:
                tag, text = sorted(labels.items())[0]
        if len(text) > 60:
            text = text[:57] + "…"
        captions[lang] = text + (f" [{tag}]" if tag not in (lang, "none") else "")
    return captions


def _opening_scale(positions: dict, room: dict, shown: frozenset[str]) -> float:
    """The scale at which the page would open in the reference window."""
    boxes = []
    for key, (x, y) in positions.items():
        if key in shown or key.startswith(TITLE):
            left, top, right, bottom = room.get(key, Footprint(10)).box()
            boxes.append((x + left, y + top, x + right, y + bottom))
    if not boxes:
        return 0.0
    width = max(b[2] for b in boxes) - min(b[0] for b in boxes)
    height = max(b[3] for b in boxes) - min(b[1] for b in boxes)
    return min(REFERENCE_CANVAS[0] / max(width, 1), REFERENCE_CANVAS[1] / max(height, 1))


def _axis_titles(
    graph: Graph, axes: set[str], font: float, languages: tuple[str, ...] = UI_LANGUAGES
) -> dict[str, tuple[Any, int]]:
    """The room each axis's name takes as the page writes it in its sector, in whichever
    language is longest (tagged where it falls back): a box centred on its position, and
    the width the page wraps it at."""
    titles = {}
    for axis in sorted(axes):
        labels = labels_of(graph, URIRef(axis))
        texts = []
        for lang in languages:
            for candidate in (lang, *LANGUAGES, ""):
                if labels.get(candidate):
                    tag = "" if candidate in (lang, "") else f" [{candidate}]"
                    texts.append(labels[candidate] + tag)
                    break
        if not texts:
            continue
        # Wrapped at spaces only (the page never cuts a word): a long word is a line. The
        # names are drawn bold: DejaVu Sans Bold is up to 15 % wider than the regular.
        bold = font * 1.16
        wrap = max(TITLE_WIDTH * font / TITLE_FONT, longest_word(texts, bold) + 2)
        width, height = label_size(texts, bold, wrap)
        titles[axis] = (Footprint(height / 2 * font / bold, width, 0.0, font), math.ceil(wrap))
    return titles


def _former_captions(names_in_years: list[list[Any]]) -> list[str]:
    """The canvas labels of the names borne before (as _captions: tagged outside French)."""
    names = {name for _, _, name in names_in_years if name}
    return sorted(names) + sorted(f"{name} [fr]" for name in names)


def _tiers(network: nx.MultiDiGraph, view: OpeningView) -> dict[str, str]:
    """centre, major (named in the opening view: partners on an axis, multilateral bodies)
    or minor (named once one zooms in)."""
    if view.centre is None:
        return dict.fromkeys(network, "major")
    major = {n for n, d in network.nodes(data=True) if d["kind"] == "multilateral"}
    for u, v, k in view.edges:
        if network.edges[u, v, k].get("axis"):
            major.update((u, v))
    return {
        node: "centre" if node == view.centre else "major" if node in major else "minor"
        for node in network
    }


def _node_size(degree: int) -> float:
    """The radius of a node: it grows with its number of relations, within bounds."""
    return round(min(8 + 3 * math.sqrt(degree), 30), 1)


def _terms(graph: Graph, network: nx.MultiDiGraph) -> dict[str, dict[str, str]]:
    """The labels (per language, only those that exist: the page marks a fallback) of every
    IRI the page names in text: predicates, axes, frameworks, themes, tasks, legal bases,
    kinds of body, relations and those they replace."""
    wanted: set[str] = set()
    predicates: set[str] = set()
    for _, data in network.nodes(data=True):
        wanted.update(data.get("classifications", []))
    for _, _, data in network.edges(data=True):
        predicates.add(data["predicate"])
        for name in ("axis", "relation"):
            if name in data:
                wanted.add(data[name])
        for name in ("frameworks", "themes", "tasks", "legal_bases", "replaces", "replaced_by"):
            wanted.update(data.get(name, []))
    wanted.update(a for a, _ in AXES)
    terms: dict[str, dict[str, str]] = {}
    for iri in sorted(wanted):
        labels = labels_of(graph, URIRef(iri))
        terms[iri] = {k or "none": v for k, v in labels.items() if k in (*UI_LANGUAGES, "")}
        if not terms[iri]:
            terms[iri] = {"none": pick_label(labels, "fr", iri)}
    for iri in sorted(predicates):
        # predicate_labels fills every language, with the French label where one is
        # missing: keep a language only where it has a label of its own.
        filled = predicate_labels(graph, URIRef(iri))
        own = {lang: text for lang, text in filled.items() if lang == "fr" or text != filled["fr"]}
        terms[iri] = own
    return dict(sorted(terms.items()))
