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
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import ORG

from graph.errors import ExportError, display_path
from graph.network.analyse import find_entity
from graph.network.convert import to_networkx
from graph.network.kinds import KIND_BY_KEY, KINDS, predicate_labels
from graph.page.html import content_security_policy, environment, json_for_script
from graph.rdf.terms import labels_of, pick_label
from graph.rdf.vocab import JC, SCHEMA

if TYPE_CHECKING:
    import networkx as nx

    from graph.dataset.load import Loaded

__all__ = [
    "DEFAULT_MAX_NODES",
    "LANGUAGES",
    "RELATION_GROUPS",
    "OpeningView",
    "TooManyNodesError",
    "initially_shown",
    "opening_view",
    "page_data",
    "relation_group",
    "render_html",
    "render_loaded",
    "view_network",
    "write_html",
    "Timeline",
    "as_of_year",
    "timeline",
]

#: Languages of the page (labels fall back to French).
LANGUAGES = ("fr", "de", "en")
#: Above this many nodes ``render_html`` refuses. Measured in headless Chromium
#: (docs/performance-graph.md): at about 4,000 nodes the page is drawn in 1.6 s and one
#: frame of panning costs about 30 ms; at 13,000, 4 s and 140 ms a frame, which feels stuck.
DEFAULT_MAX_NODES = 3000
#: The vis-network copy that pyvis ships, inlined into the page.
VIS_DIR = "templates/lib/vis-9.1.2"

_AXES: tuple[tuple[str, str], ...] = (
    ("https://w3id.org/jura-coop/id/concept/axe-proximite", "#4e79a7"),
    ("https://w3id.org/jura-coop/id/concept/axe-interregional", "#f28e2b"),
    ("https://w3id.org/jura-coop/id/concept/axe-aide-developpement", "#59a14f"),
)
_NO_AXIS_COLOR = "#9d9d9d"

#: The groups of relations, in legend order, with their colour and whether the page draws
#: them when it opens: the cooperation (on an axis, or a qualified relation, or a plain
#: ``cooperatesWith``), memberships and the bodies within bodies, funding; the parties to
#: an agreement and the structure (part of, territory, texts, events, themes) appear for
#: the selected entity, or when their box is ticked.
RELATION_GROUPS: tuple[tuple[str, str, bool], ...] = (
    ("cooperation", _NO_AXIS_COLOR, True),
    ("membership", "#7b5ea7", True),
    ("funding", "#b07d00", True),
    ("agreement", "#8c564b", False),
    ("structure", "#b4b4b4", False),
)
_GROUP_OF_PREDICATE: dict[str, str] = {
    str(JC.cooperatesWith): "cooperation",
    str(ORG.memberOf): "membership",
    str(ORG.hasMember): "membership",
    str(ORG.subOrganizationOf): "membership",
    str(ORG.hasSubOrganization): "membership",
    str(ORG.unitOf): "membership",
    str(ORG.hasUnit): "membership",
    str(ORG.postIn): "membership",
    str(JC.canFund): "funding",
    str(JC.funder): "funding",
    str(SCHEMA.funder): "funding",
    str(JC.managingAuthority): "funding",
    str(JC.party): "agreement",
}

#: Font sizes and label widths (canvas px) of the centre, of the entities the opening view
#: names (partners on an axis, multilateral bodies) and of the others. The page draws no
#: label smaller than ``LABEL_MIN_PX`` on screen: the minor ones appear as one zooms in.
FONT = {"centre": 20, "major": 15, "minor": 12}
LABEL_WIDTH = {"centre": 210, "major": 160, "minor": 120}
LABEL_MIN_PX = 11
#: Up to this many entities drawn at the opening, each language has its own layout.
PER_LANGUAGE_LIMIT = 300
#: The names of the axes written in their sectors: font size and width before wrapping.
TITLE_FONT = 19
TITLE_WIDTH = 190

#: The page's own words, per language.
UI: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Coopération extérieure de la République et Canton du Jura",
        "search": "Rechercher une entité…",
        "language": "Langue",
        "reset": "Vue de départ",
        "relations_legend": "Relations",
        "group_membership": "Adhésions, organes d'un organisme",
        "group_funding": "Financement",
        "group_agreement": "Parties aux accords",
        "group_structure": "Structure (fait partie de, territoire, textes, événements)",
        "no_axis": "Coopération sans axe",
        "listed": "Hors du dessin",
        "listed_hint": "Ces entités n'ont aucune relation dessinée avec les filtres "
        "actuels. Cliquez-en une pour la voir avec toutes ses relations.",
        "listed_count": "{listed} autres sont listées dans le panneau des détails.",
        "fallback_note": "Pas de nom dans cette langue : nom dans la langue indiquée.",
        "physics_on": "Animer",
        "physics_off": "Figer",
        "kinds": "Types d'entités",
        "legend_note": "Les sources et les extraits cités s'affichent dans le panneau de "
        "détails, pas comme nœuds. Territoires et événements sont masqués au départ : "
        "cochez-les pour les voir. La taille d'un nœud suit son nombre de relations ; les "
        "noms des entités secondaires apparaissent quand on zoome.",
        "geo_note": "Carte : les lieux lointains (hors de l'arc jurassien élargi) sont "
        "posés en bordure, dans leur direction, sans respecter la distance.",
        "shown": "Dessin : {nodes} entités sur {total_nodes}, {edges} relations sur {total_edges}.",
        "matches": "Résultats",
        "no_match": "Aucune entité ne correspond.",
        "details": "Détails",
        "details_hint": "Cliquez sur une entité ou une relation pour voir ses détails et "
        "sa source.",
        "kind": "Type",
        "labels": "Noms",
        "alt_labels": "Autres noms",
        "identifiers": "Identifiants",
        "dates": "Dates",
        "seat": "Siège",
        "coordinates": "Coordonnées",
        "not_to_scale": "Position hors échelle ; vraie position :",
        "description": "Description",
        "note": "Note",
        "text": "Texte",
        "territory": "Territoire",
        "relations": "Relations",
        "sources": "Sources",
        "excerpts": "Extraits de la source",
        "relation": "Relation",
        "axis": "Axe",
        "frameworks": "Cadre (accord, organisme, fonds)",
        "period": "Période",
        "duration": "Durée",
        "themes": "Domaines",
        "tasks": "Tâches",
        "legal_bases": "Base légale",
        "replaces": "Remplace",
        "replaced_by": "Remplacée par",
        "iri": "IRI",
        "since": "depuis",
        "until": "jusqu'en",
        "founding_date": "Fondation",
        "date": "Date",
        "start_date": "Début",
        "end_date": "Fin",
        "former_name": "Ancien nom",
        "new_name": "Nouveau nom",
        "wikidata": "Wikidata",
        "same_as": "Même ressource",
        "exact_match": "Correspondance",
        "iso31662": "ISO 3166-2",
        "nuts_code": "NUTS",
        "nuts_version": "Version NUTS",
        "insee_code": "INSEE",
        "ofs_number": "Numéro OFS",
        "siren": "SIREN",
        "notation": "Notation",
        "homepage": "Site web",
        "hidden_kind": "(type masqué)",
        "colon": " : ",
        "legend_toggle": "Légende",
        "list_view": "Vue en liste",
        "graph_view": "Vue en réseau",
        "list_title": "Les entités et leurs relations, par axe",
        "list_centre": "Au centre",
        "list_linked": "Reliées par une adhésion, un financement ou la structure",
        "list_entity": "Entité",
        "list_count": "{count} entités",
        "save_view": "Enregistrer :",
        "save_png": "Enregistrer la vue en image PNG, avec la légende et les sources",
        "save_svg": "Enregistrer la vue en dessin SVG, avec la légende et les sources",
        "source_line": "Sources : {sources} ({count} documents cités ; détails et extraits "
        "dans la page interactive).",
        "data_line": "Données : graphe de connaissances de la coopération jurassienne "
        "(données CC BY 4.0).",
        "time": "Année",
        "year_on": "Le réseau tel qu'il était une année donnée",
        "all_years": "toutes les années",
        "undated_note": "En pointillé : relation dont le début est inconnu (non datée), "
        "montrée dès que ses parties existent.",
        "undated": "Début inconnu (non datée)",
        "undated_short": "non datée",
        "name_in_year": "Nom en {year} : ",
    },
    "de": {
        "title": "Aussenbeziehungen der Republik und des Kantons Jura",
        "search": "Entität suchen…",
        "language": "Sprache",
        "reset": "Ausgangsansicht",
        "relations_legend": "Beziehungen",
        "group_membership": "Mitgliedschaften, Organe eines Gremiums",
        "group_funding": "Finanzierung",
        "group_agreement": "Vertragsparteien",
        "group_structure": "Struktur (Teil von, Gebiet, Texte, Ereignisse)",
        "no_axis": "Zusammenarbeit ohne Achse",
        "listed": "Nicht im Netz gezeichnet",
        "listed_hint": "Diese Entitäten haben mit den aktuellen Filtern keine gezeichnete "
        "Beziehung. Klicken Sie auf eine, um sie mit all ihren Beziehungen zu sehen.",
        "listed_count": "{listed} weitere stehen in der Detailansicht.",
        "fallback_note": "Kein Name in dieser Sprache: Name in der angegebenen Sprache.",
        "physics_on": "Bewegen",
        "physics_off": "Anhalten",
        "kinds": "Arten von Entitäten",
        "legend_note": "Quellen und zitierte Auszüge erscheinen in der Detailansicht, nicht "
        "als Knoten. Gebiete und Ereignisse sind zuerst ausgeblendet: zum Anzeigen "
        "ankreuzen. Die Grösse eines Knotens folgt der Zahl seiner Beziehungen; die Namen "
        "weniger wichtiger Entitäten erscheinen beim Vergrössern.",
        "geo_note": "Karte: ferne Orte (ausserhalb des erweiterten Jurabogens) stehen am "
        "Rand, in ihrer Richtung, nicht massstabsgetreu.",
        "shown": "Gezeichnet: {nodes} von {total_nodes} Entitäten, {edges} von "
        "{total_edges} Beziehungen.",
        "matches": "Treffer",
        "no_match": "Keine Entität passt.",
        "details": "Details",
        "details_hint": "Klicken Sie auf eine Entität oder Beziehung, um Details und "
        "Quelle zu sehen.",
        "kind": "Art",
        "labels": "Namen",
        "alt_labels": "Andere Namen",
        "identifiers": "Kennungen",
        "dates": "Daten",
        "seat": "Sitz",
        "coordinates": "Koordinaten",
        "not_to_scale": "Position nicht massstabsgetreu; tatsächliche Position:",
        "description": "Beschreibung",
        "note": "Anmerkung",
        "text": "Text",
        "territory": "Gebiet",
        "relations": "Beziehungen",
        "sources": "Quellen",
        "excerpts": "Auszüge aus der Quelle",
        "relation": "Beziehung",
        "axis": "Achse",
        "frameworks": "Rahmen (Abkommen, Gremium, Fonds)",
        "period": "Zeitraum",
        "duration": "Dauer",
        "themes": "Handlungsfelder",
        "tasks": "Aufgaben",
        "legal_bases": "Rechtsgrundlage",
        "replaces": "Ersetzt",
        "replaced_by": "Ersetzt durch",
        "iri": "IRI",
        "since": "seit",
        "until": "bis",
        "founding_date": "Gründung",
        "date": "Datum",
        "start_date": "Beginn",
        "end_date": "Ende",
        "former_name": "Früherer Name",
        "new_name": "Neuer Name",
        "wikidata": "Wikidata",
        "same_as": "Gleiche Ressource",
        "exact_match": "Entsprechung",
        "iso31662": "ISO 3166-2",
        "nuts_code": "NUTS",
        "nuts_version": "NUTS-Version",
        "insee_code": "INSEE",
        "ofs_number": "BFS-Nummer",
        "siren": "SIREN",
        "notation": "Notation",
        "homepage": "Website",
        "hidden_kind": "(Art ausgeblendet)",
        "colon": ": ",
        "legend_toggle": "Legende",
        "list_view": "Listenansicht",
        "graph_view": "Netzansicht",
        "list_title": "Die Entitäten und ihre Beziehungen, nach Achse",
        "list_centre": "Im Zentrum",
        "list_linked": "Verbunden über eine Mitgliedschaft, eine Finanzierung oder die Struktur",
        "list_entity": "Entität",
        "list_count": "{count} Entitäten",
        "save_view": "Speichern:",
        "save_png": "Die Ansicht als PNG-Bild speichern, mit Legende und Quellen",
        "save_svg": "Die Ansicht als SVG-Zeichnung speichern, mit Legende und Quellen",
        "source_line": "Quellen: {sources} ({count} zitierte Dokumente; Einzelheiten und "
        "Auszüge in der interaktiven Seite).",
        "data_line": "Daten: Wissensgraph der jurassischen Zusammenarbeit (Daten CC BY 4.0).",
        "time": "Jahr",
        "year_on": "Das Netz, wie es in einem Jahr war",
        "all_years": "alle Jahre",
        "undated_note": "Gestrichelt: Beziehung mit unbekanntem Beginn (undatiert), gezeigt, "
        "sobald ihre Parteien bestehen.",
        "undated": "Beginn unbekannt (undatiert)",
        "undated_short": "undatiert",
        "name_in_year": "Name im Jahr {year}: ",
    },
    "en": {
        "title": "External cooperation of the Republic and Canton of Jura",
        "search": "Search an entity…",
        "language": "Language",
        "reset": "Starting view",
        "relations_legend": "Relations",
        "group_membership": "Memberships, bodies within bodies",
        "group_funding": "Funding",
        "group_agreement": "Parties to agreements",
        "group_structure": "Structure (part of, territory, texts, events)",
        "no_axis": "Cooperation without an axis",
        "listed": "Not in the drawing",
        "listed_hint": "These entities have no relation drawn with the current filters. "
        "Click one to see it with all its relations.",
        "listed_count": "{listed} more are listed in the details panel.",
        "fallback_note": "No name in this language: the name in the language shown.",
        "physics_on": "Animate",
        "physics_off": "Freeze",
        "kinds": "Kinds of entity",
        "legend_note": "Sources and quoted excerpts are shown in the details panel, not as "
        "nodes. Territories and events are hidden at first: tick them to show them. A "
        "node's size follows its number of relations; the names of minor entities appear "
        "as you zoom in.",
        "geo_note": "Map: far places (outside the wider Jura arc) are drawn on the rim, in "
        "their direction, not to scale.",
        "shown": "Drawn: {nodes} of {total_nodes} entities, {edges} of {total_edges} relations.",
        "matches": "Matches",
        "no_match": "No entity matches.",
        "details": "Details",
        "details_hint": "Click an entity or a relation to see its details and its source.",
        "kind": "Kind",
        "labels": "Names",
        "alt_labels": "Other names",
        "identifiers": "Identifiers",
        "dates": "Dates",
        "seat": "Seat",
        "coordinates": "Coordinates",
        "not_to_scale": "Not drawn to scale; true position:",
        "description": "Description",
        "note": "Note",
        "text": "Text",
        "territory": "Territory",
        "relations": "Relations",
        "sources": "Sources",
        "excerpts": "Excerpts of the source",
        "relation": "Relation",
        "axis": "Axis",
        "frameworks": "Framework (agreement, body, fund)",
        "period": "Period",
        "duration": "Duration",
        "themes": "Fields",
        "tasks": "Tasks",
        "legal_bases": "Legal basis",
        "replaces": "Replaces",
        "replaced_by": "Replaced by",
        "iri": "IRI",
        "since": "since",
        "until": "until",
        "founding_date": "Founded",
        "date": "Date",
        "start_date": "Start",
        "end_date": "End",
        "former_name": "Former name",
        "new_name": "New name",
        "wikidata": "Wikidata",
        "same_as": "Same resource",
        "exact_match": "Exact match",
        "iso31662": "ISO 3166-2",
        "nuts_code": "NUTS",
        "nuts_version": "NUTS version",
        "insee_code": "INSEE",
        "ofs_number": "FSO number",
        "siren": "SIREN",
        "notation": "Notation",
        "homepage": "Website",
        "hidden_kind": "(kind hidden)",
        "colon": ": ",
        "legend_toggle": "Legend",
        "list_view": "List view",
        "graph_view": "Network view",
        "list_title": "The entities and their relations, by axis",
        "list_centre": "At the centre",
        "list_linked": "Linked through a membership, funding or the structure",
        "list_entity": "Entity",
        "list_count": "{count} entities",
        "save_view": "Save:",
        "save_png": "Save the view as a PNG image, with the legend and the sources",
        "save_svg": "Save the view as an SVG drawing, with the legend and the sources",
        "source_line": "Sources: {sources} ({count} documents cited; details and excerpts "
        "in the interactive page).",
        "data_line": "Data: the Jura cooperation knowledge graph (data CC BY 4.0).",
        "time": "Year",
        "year_on": "The network as it stood in a given year",
        "all_years": "all years",
        "undated_note": "Dashed: a relation whose start is unknown (undated), shown from "
        "the year its parties existed.",
        "undated": "Start unknown (undated)",
        "undated_short": "undated",
        "name_in_year": "Name in {year}: ",
    },
}


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


# --- what to draw ---------------------------------------------------------------------------


def view_network(
    graph: Graph,
    *,
    focus: str | None = None,
    depth: int = 1,
    lang: str = "fr",
    subgraph: Graph | None = None,
) -> nx.MultiDiGraph:
    """The network that ``render_html`` draws.

    With ``subgraph`` (e.g. a CONSTRUCT result): only the entities it mentions and the
    relations it states (a plain triple between two entities, or a qualified relation it
    names), each described from ``graph`` (labels, kinds, identifiers), so that a query
    need only construct the edges it is about. With ``focus``: the entities at most
    ``depth`` relations away from it, whichever way the relations point.
    """
    if subgraph is not None:
        merged = Graph(bind_namespaces="none")
        for prefix, namespace in graph.namespaces():
            merged.bind(prefix, namespace)
        for triple in graph:
            merged.add(triple)
        for triple in subgraph:
            merged.add(triple)
        network = _restrict(to_networkx(merged, lang=lang), subgraph)
    else:
        network = to_networkx(graph, lang=lang)
    if focus is not None:
        import networkx as nx

        centre = find_entity(network, focus)
        if depth < 0:
            raise ValueError("depth must be 0 or more")
        kept = nx.single_source_shortest_path_length(
            network.to_undirected(as_view=True), centre, cutoff=depth
        )
        network = network.subgraph(sorted(kept)).copy()
        network.graph["focus"] = centre
    return network


def _restrict(network: nx.MultiDiGraph, subgraph: Graph) -> nx.MultiDiGraph:
    mentioned = {str(t) for s, _, o in subgraph for t in (s, o) if isinstance(t, URIRef)}
    stated = {(str(s), str(p), str(o)) for s, p, o in subgraph}
    keep_edges = [
        (u, v, k)
        for u, v, k, data in network.edges(keys=True, data=True)
        if (u, data["predicate"], v) in stated or data.get("relation") in mentioned
    ]
    keep_nodes = {n for n in network if n in mentioned} | {
        n for u, v, _ in keep_edges for n in (u, v)
    }
    restricted = network.__class__()
    restricted.graph.update(network.graph)
    restricted.add_nodes_from((n, network.nodes[n]) for n in sorted(keep_nodes))
    restricted.add_edges_from((u, v, k, network.edges[u, v, k]) for u, v, k in sorted(keep_edges))
    return restricted


# --- the page -------------------------------------------------------------------------------


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
    from graph.page.layout import LAYOUTS

    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
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
BUILD_FALLBACK_FOCUS = "https://w3id.org/jura-coop/id/rcju"


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


def page_data(
    graph: Graph,
    network: nx.MultiDiGraph,
    *,
    lang: str,
    layout: str,
    every_group: bool = False,
) -> dict[str, Any]:
    """Everything the page shows, as one JSON-ready dict (see the template's script)."""
    from graph.page.footprint import WRAP_MARGIN, Footprint, label_size, longest_word
    from graph.page.layout import layout as compute_layout
    from graph.page.layout_axes import MIN_SECTORS, TITLE

    view = opening_view(network, every_group=every_group)
    captions = {node: _captions(data) for node, data in network.nodes(data=True)}
    time = timeline(graph, network)
    tiers = _tiers(network, view)
    sizes = {node: _node_size(network.degree(node)) for node in network}
    fonts = {node: FONT[tiers[node]] for node in network}
    drawn = [(u, v, network.edges[u, v, k].get("axis", "")) for u, v, k in sorted(view.edges)]
    title_font = TITLE_FONT
    axes_drawn = {axis for _, _, axis in drawn if axis}
    former = {node: _former_captions(time.names.get(node, [])) for node in network}
    every_text = {node: [*captions[node].values(), *former[node]] for node in network}

    def texts_in(node: str, lang: str | None) -> list[str]:
        return every_text[node] if lang is None else [captions[node][lang], *former[node]]

    def wrap_in(node: str, lang: str | None) -> int:
        """The width a label wraps at: never narrower than its longest word (vis-network
        would cut "Franche-C|omté")."""
        base = LABEL_WIDTH[tiers[node]] * fonts[node] / FONT[tiers[node]]
        longest = longest_word(texts_in(node, lang), fonts[node]) + 2 + WRAP_MARGIN
        return math.ceil(max(base, longest))

    def arrange(lang: str | None, min_sectors: tuple[float, ...]) -> tuple[dict, dict, dict]:
        """The layout with room for the labels in ``lang`` (None: in every language) and
        for the names borne in other years."""
        footprints = {}
        wraps = {}
        for node in network:
            wraps[node] = wrap_in(node, lang)
            width, height = label_size(texts_in(node, lang), fonts[node], wraps[node] - WRAP_MARGIN)
            footprints[node] = Footprint(sizes[node], width, height, fonts[node])
        named = _axis_titles(graph, axes_drawn, title_font, LANGUAGES if lang is None else (lang,))
        titles = {axis: footprint for axis, (footprint, _) in named.items()}
        positions, far = compute_layout(
            network,
            layout,
            primary=view.shown,
            drawn=drawn,
            centre=view.centre,
            axes=[axis for axis, _ in _AXES],
            footprints=footprints,
            titles=titles,
            min_sectors=min_sectors,
        )
        room = {**footprints, **{TITLE + a: f for a, f in titles.items()}}
        title_wraps = {a: w for a, (_, w) in named.items()}
        return positions, far, {"room": room, "wrap": title_wraps, "node_wrap": wraps}

    # One layout per language, each with room for its own labels only (German names are
    # longer, English ones shorter: room for all three would open every page smaller); a
    # large drawing, or the map, has one layout for all three.
    per_language = layout != "geo" and len(view.shown) <= PER_LANGUAGE_LIMIT
    languages: tuple[str | None, ...] = LANGUAGES if per_language else (None,)
    made = {language: arrange(language, MIN_SECTORS) for language in languages}
    # A large drawing opens at a small scale, where even the centre's name would be under
    # the smallest size drawn: then the centre and the axes are named larger, and the
    # drawing is made again around them.
    scale = min(_opening_scale(p, extra["room"], view.shown) for p, _, extra in made.values())
    if view.centre is not None and scale and FONT["centre"] * scale < LABEL_MIN_PX + 2:
        fonts[view.centre] = title_font = math.ceil((LABEL_MIN_PX + 3) / scale)
        made = {language: arrange(language, MIN_SECTORS[:1]) for language in languages}
    at = {code: made[code if per_language else None][0] for code in LANGUAGES}
    positions, far, extra = made[lang if per_language else None]
    wrap = extra["node_wrap"]
    sectors = []
    for axis in sorted(axes_drawn):
        if TITLE + axis not in positions:
            continue
        sectors.append(
            {
                "axis": axis,
                "at": {code: list(at[code][TITLE + axis]) for code in LANGUAGES},
                "wrap": {
                    code: made[code if per_language else None][2]["wrap"][axis]
                    for code in LANGUAGES
                },
            }
        )
    positions = {node: xy for node, xy in positions.items() if not node.startswith(TITLE)}
    nodes, edges, options = _vis_items(network, positions, view, fonts, sizes, wrap)
    info: dict[str, dict[str, Any]] = {}
    for node, attributes in sorted(network.nodes(data=True)):
        entry = {k: v for k, v in attributes.items() if not k.startswith("label")}
        entry["labels"] = {
            k[len("label_") :]: v for k, v in attributes.items() if k.startswith("label_")
        }
        entry["caption"] = captions[node]
        if per_language:
            entry["at"] = {code: list(at[code][node]) for code in LANGUAGES}
            entry["wrap"] = {code: made[code][2]["node_wrap"][node] for code in LANGUAGES}
        if node in time.names:
            entry["names"] = time.names[node]
        if node in far:
            entry["geo_note"] = far[node]
        info[node] = entry
    edge_info = {
        item["id"]: {
            "from": u,
            "to": v,
            "key": k,
            "group": relation_group(a),
            **({"inForce": time.relations.get((u, v, k), [])} if (u, v, k) in time.scope else {}),
            **({"undated": True} if (u, v, k) in time.undated else {}),
            **a,
        }
        for item, (u, v, k, a) in zip(edges, _sorted_edges(network), strict=True)
    }
    kinds_present = {data["kind"] for _, data in network.nodes(data=True)}
    axes_present = {
        data.get("axis", "")
        for _, _, data in network.edges(data=True)
        if relation_group(data) == "cooperation"
    }
    groups_present = {relation_group(data) for _, _, data in network.edges(data=True)}
    axis_colors = dict(_AXES)
    return {
        "lang": lang,
        "layout": layout,
        "focus": network.graph.get("focus"),
        "centre": view.centre,
        "ui": UI,
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
            {"key": axis, "color": axis_colors.get(axis, _NO_AXIS_COLOR)}
            for axis in [a for a, _ in _AXES if a in axes_present]
            + sorted(a for a in axes_present if a not in axis_colors)
        ],
        "groups": [
            {"key": key, "color": color, "on": view.groups[key]}
            for key, color, _ in RELATION_GROUPS
            if key in groups_present
        ],
        "labelMinPx": LABEL_MIN_PX,
        "sectors": sectors,
        "titleFont": title_font,
        # The slider runs from the earliest dated fact to the current year (the page reads
        # the clock: the same data gives the same file whatever the day).
        "firstYear": time.first,
        "lastYear": time.last,
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "info": info,
        "edgeInfo": edge_info,
        "terms": _terms(graph, network),
        "documents": network.graph.get("documents", {}),
    }


# --- time ---------------------------------------------------------------------------------


def _year(text: str | None) -> int | None:
    """The year of a date at any precision (xsd:gYear, gYearMonth, date): its first four
    characters, as the as-of-year query reads it."""
    if not text or len(text) < 4 or not text[:4].isdigit():
        return None
    return int(text[:4])


def as_of_year(graph: Graph, years: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """The catalogue's as-of-year query, answered on ``graph`` for each of ``years``.

    That query is the one definition of "as it stood in year X"; the page's year slider
    shows what it answers rather than reading the dates a second way. Its parameters are
    bound as ``graph.sparql.prepare`` binds them (a VALUES block opening every WHERE group, so that
    its subqueries see the year too), and it runs on Oxigraph over the very graph drawn.
    """
    import pyoxigraph as ox

    from graph.rdf import sparql_text
    from graph.sparql.prepare import prepare_query

    text = prepare_query("as-of-year").text
    groups = sorted(sparql_text.where_groups(text), reverse=True)
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    answers: dict[int, list[dict[str, Any]]] = {}
    for year in years:
        block = f' VALUES (?year ?lang) {{ ({int(year)} "fr") }} '
        bound = text
        for at in groups:
            bound = bound[:at] + block + bound[at:]
        solutions = store.query(bound)
        names = [variable.value for variable in solutions.variables]
        answers[year] = [
            {name: None if solution[name] is None else solution[name].value for name in names}
            for solution in solutions
        ]
    return answers


#: The classes of relation the as-of-year query answers for (its first pattern).
_AS_OF_YEAR_CLASSES = (str(JC.Cooperation), str(ORG.Membership))


@dataclass(frozen=True)
class Timeline:
    """What the year slider shows, from the as-of-year query's answers.

    ``relations``: (actor, partner, relation) -> the spans of years it was in force, each
    [first, last] with None for "before the first dated fact" or "to this day".
    ``names``: entity -> [first, last, name] for the years it bore another name than
    today's. ``undated``: the relations whose start is unknown. The relations outside the
    query's scope (funding, plain memberships, structure) carry no dates: the page draws
    them in a year when both their ends existed (founded by then), the query's own test
    for a relation's parties.
    """

    relations: dict[tuple[str, str, str], list[list[int | None]]]
    names: dict[str, list[list[Any]]]
    undated: frozenset[tuple[str, str, str]]
    #: The relations the query is about: cooperations and memberships on an axis.
    scope: frozenset[tuple[str, str, str]]
    first: int | None
    last: int | None


def timeline(graph: Graph, network: nx.MultiDiGraph) -> Timeline:
    """The as-of-year query asked for every year at which its answer can change: each year
    of a date in the data and the year after it (it compares the year asked for with those
    years only, so its answer holds until the next of them)."""
    dates = [
        data.get(name)
        for _, data in network.nodes(data=True)
        for name in ("founding_date", "date", "start_date", "end_date")
    ] + [
        data.get(name)
        for _, _, data in network.edges(data=True)
        for name in ("start_date", "end_date")
    ]
    years = sorted({y for y in map(_year, dates) if y is not None})
    scope = frozenset(
        (u, v, k)
        for u, v, k, data in network.edges(keys=True, data=True)
        if data.get("axis") and data.get("relation_type") in _AS_OF_YEAR_CLASSES
    )
    if not years:
        return Timeline({}, {}, frozenset(), scope, None, None)
    points = sorted({y for year in years for y in (year, year + 1)})
    answers = as_of_year(graph, points)
    present: dict[tuple[str, str, str], set[int]] = {}
    named: dict[str, dict[int, str]] = {}
    undated = set()
    for point, rows in answers.items():
        for row in rows:
            key = (row["actor"], row["partner"], row["relation"])
            present.setdefault(key, set()).add(point)
            if row.get("startUnknown") == "true":
                undated.add(key)
            today = (
                network.nodes[row["partner"]].get("label_fr") if row["partner"] in network else None
            )
            if row.get("nameInYear") and row["nameInYear"] != today:
                named.setdefault(row["partner"], {})[point] = row["nameInYear"]
    return Timeline(
        {key: _spans(points, found) for key, found in sorted(present.items())},
        {
            node: [[a, b, name] for a, b, name in _named_spans(points, by_point)]
            for node, by_point in sorted(named.items())
        },
        frozenset(undated),
        scope,
        years[0],
        years[-1],
    )


def _spans(points: list[int], found: set[int]) -> list[list[int | None]]:
    """The years covered by ``found`` among ``points`` (each point holds until the next), as
    spans [first, last]; None at either end where the span reaches past the points."""
    spans: list[list[int | None]] = []
    for i, point in enumerate(points):
        if point not in found:
            continue
        first: int | None = None if i == 0 else point
        last: int | None = None if i == len(points) - 1 else points[i + 1] - 1
        if spans and spans[-1][1] is not None and spans[-1][1] + 1 == point:
            spans[-1][1] = last
        else:
            spans.append([first, last])
    return spans


def _named_spans(points: list[int], by_point: dict[int, str]) -> list[tuple[Any, Any, str]]:
    spans: list[list[Any]] = []
    for i, point in enumerate(points):
        if point not in by_point:
            continue
        first = None if i == 0 else point
        last = None if i == len(points) - 1 else points[i + 1] - 1
        name = by_point[point]
        if (
            spans
            and spans[-1][2] == name
            and spans[-1][1] is not None
            and spans[-1][1] + 1 == point
        ):
            spans[-1][1] = last
        else:
            spans.append([first, last, name])
    return [tuple(span) for span in spans]


def _captions(attributes: dict[str, Any]) -> dict[str, str]:
    """The label drawn on the canvas in each language of the page: the entity's label in
    that language, else in another one followed by its language tag (``[fr]``), cut at 60
    characters (the tooltip and the details panel show the whole name)."""
    labels = {k[len("label_") :]: v for k, v in attributes.items() if k.startswith("label_")}
    captions = {}
    for lang in LANGUAGES:
        text, tag = str(attributes.get("iri", "")), ""
        for candidate in (lang, "fr", "en", "de", "it", "none"):
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


#: The canvas of the page in a window of 1400 x 900 CSS px, less the margin of its fit: the
#: size the opening view is made for.
REFERENCE_CANVAS = (852, 827)


def _opening_scale(positions: dict, room: dict, shown: frozenset[str]) -> float:
    """The scale at which the page would open in the reference window."""
    from graph.page.footprint import Footprint
    from graph.page.layout_axes import TITLE

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
    graph: Graph, axes: set[str], font: float, languages: tuple[str, ...] = LANGUAGES
) -> dict[str, tuple[Any, int]]:
    """The room each axis's name takes as the page writes it in its sector, in whichever
    language is longest (tagged where it falls back): a box centred on its position, and
    the width the page wraps it at."""
    from graph.page.footprint import Footprint, label_size, longest_word

    titles = {}
    for axis in sorted(axes):
        labels = labels_of(graph, URIRef(axis))
        texts = []
        for lang in languages:
            for candidate in (lang, "fr", "en", "de", "it", ""):
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


def relation_group(data: dict[str, Any]) -> str:
    """The group of a relation (see ``RELATION_GROUPS``) from its edge attributes."""
    if data.get("axis") or data.get("relation_type") == str(JC.Cooperation):
        return "cooperation"
    return _GROUP_OF_PREDICATE.get(data["predicate"], "structure")


@dataclass(frozen=True)
class OpeningView:
    """What the page draws when it opens (its filters then apply the same rules)."""

    #: Group of relations -> drawn at first.
    groups: dict[str, bool]
    #: The relations drawn, as (source, target, key).
    edges: frozenset[tuple[str, str, str]]
    #: The entities drawn: those of a kind shown at first with a relation drawn.
    shown: frozenset[str]
    #: The entities of a kind shown at first that no drawn relation reaches, and that are
    #: linked to nothing or to an entity of a kind shown: listed beside the drawing, not
    #: scattered under it.
    listed: tuple[str, ...]
    #: The entity in the middle: the focus, else the one with the most relations on an axis.
    centre: str | None


def opening_view(network: nx.MultiDiGraph, *, every_group: bool = False) -> OpeningView:
    """The relations and entities drawn when the page opens.

    A relation is drawn when its group is (``RELATION_GROUPS``; every group with
    ``every_group``, or when the default groups would draw nothing) and both its ends are of
    a kind shown at first; an entity is drawn when one of its relations is.
    """
    visible = {n for n, d in network.nodes(data=True) if KIND_BY_KEY[d["kind"]].visible}
    edges = _sorted_edges(network)
    group_of = [relation_group(data) for _, _, _, data in edges]
    groups = {key: on or every_group for key, _, on in RELATION_GROUPS}

    def drawn_with(on: dict[str, bool]) -> set[tuple[str, str, str]]:
        return {
            (u, v, k)
            for (u, v, k, _), group in zip(edges, group_of, strict=True)
            if on[group] and u in visible and v in visible
        }

    drawn = drawn_with(groups)
    if not drawn and not every_group:
        groups = dict.fromkeys(groups, True)
        drawn = drawn_with(groups)
    shown = {n for u, v, _ in drawn for n in (u, v)}
    listed = tuple(sorted(n for n in visible - shown if _listed(network, n, visible)))
    centre = network.graph.get("focus")
    if centre is None:
        on_axis: dict[str, int] = {}
        for u, v, _, data in edges:
            if data.get("axis") and u in shown and v in shown:
                for node in {u, v}:
                    on_axis[node] = on_axis.get(node, 0) + 1
        centre = min(on_axis, key=lambda n: (-on_axis[n], n)) if on_axis else None
    if centre is not None and centre not in shown:
        shown.add(centre)
        listed = tuple(n for n in listed if n != centre)
    return OpeningView(groups, frozenset(drawn), frozenset(shown), listed, centre)


def _listed(network: nx.MultiDiGraph, node: str, visible: set[str]) -> bool:
    """Listed beside the drawing: an entity linked to nothing, or to an entity of a kind
    shown (the regions merged in 2016, linked only to their merger, stay with the events)."""
    neighbours = (set(network.predecessors(node)) | set(network.successors(node))) - {node}
    return not neighbours or bool(neighbours & visible)


def initially_shown(network: nx.MultiDiGraph) -> set[str]:
    """The entities drawn when the page opens (see ``opening_view``)."""
    return set(opening_view(network).shown)


def _sorted_edges(network: nx.MultiDiGraph) -> list[tuple[str, str, str, dict[str, Any]]]:
    return sorted(network.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))


class _IndexedIds(list):
    """pyvis keeps node ids in a list and checks membership in it for every node and edge
    added: quadratic, minutes at 10,000 nodes. This list answers ``in`` from a set."""

    def __init__(self) -> None:
        super().__init__()
        self._members: set[Any] = set()

    def append(self, item: Any) -> None:
        super().append(item)
        self._members.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._members


def _vis_items(
    network: nx.MultiDiGraph,
    positions: dict[str, tuple[int, int]],
    view: OpeningView,
    fonts: dict[str, float],
    sizes: dict[str, float],
    wrap: dict[str, int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """vis-network nodes, edges and options, built with pyvis."""
    limit = sys.getrecursionlimit()
    try:
        from pyvis.network import Network
    finally:
        # pyvis imports IPython, which imports jedi, which sets the recursion limit of the
        # whole process to 3000 (and the loader relies on the usual one to stop deep input).
        sys.setrecursionlimit(limit)

    net = Network(directed=True)
    net.node_ids = _IndexedIds()
    for node, data in sorted(network.nodes(data=True)):
        kind = KIND_BY_KEY[data["kind"]]
        x, y = positions[node]
        net.add_node(
            node,
            label=str(data.get("label") or node),
            shape=kind.shape,
            color=kind.color,
            size=sizes[node],
            x=x,
            y=y,
            hidden=node not in view.shown,
            font={"size": fonts[node]},
            widthConstraint={"maximum": wrap[node]},
        )
    axis_colors = dict(_AXES)
    group_colors = {key: color for key, color, _ in RELATION_GROUPS}
    pair_count: dict[tuple[str, str], int] = {}
    for index, (source, target, key, data) in enumerate(_sorted_edges(network)):
        pair = (min(source, target), max(source, target))
        rank = pair_count.get(pair, 0)
        pair_count[pair] = rank + 1
        group = relation_group(data)
        options: dict[str, Any] = {
            "id": f"e{index}",
            "color": axis_colors.get(data.get("axis", ""), group_colors[group]),
            "width": 3 if "relation" in data else 2 if group == "cooperation" else 1.2,
            "hidden": (source, target, key) not in view.edges,
        }
        if group in ("agreement", "structure"):
            options["dashes"] = [4, 4]
        if rank:
            # Parallel relations between the same two entities: bend each one a bit more,
            # or they would be drawn on top of each other.
            options["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.18 * rank}
        net.add_edge(source, target, **options)
    large = network.number_of_nodes() > 1500
    net.options = {
        "autoResize": True,
        "layout": {"improvedLayout": False},
        "physics": {
            "enabled": False,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "springLength": 110,
                "avoidOverlap": 0.3,
            },
            "stabilization": {"enabled": False},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 250,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
        },
        "nodes": {
            "borderWidth": 1,
            # A bold label is wider: the layout keeps room for the regular one only.
            "labelHighlightBold": False,
            "font": {
                "face": "system-ui, sans-serif",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            # No label smaller than LABEL_MIN_PX on screen (vis-network hides a label below
            # drawThreshold - 1 px): the minor ones appear as one zooms in.
            "scaling": {"label": {"drawThreshold": LABEL_MIN_PX + 1, "maxVisible": 40}},
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "hoverWidth": 1.5,
            "selectionWidth": 2,
        },
    }
    nodes, edges, _, _, _, options_json = net.get_network_data()
    return nodes, edges, json.loads(options_json)


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
    wanted.update(a for a, _ in _AXES)
    terms: dict[str, dict[str, str]] = {}
    for iri in sorted(wanted):
        labels = labels_of(graph, URIRef(iri))
        terms[iri] = {k or "none": v for k, v in labels.items() if k in (*LANGUAGES, "")}
        if not terms[iri]:
            terms[iri] = {"none": pick_label(labels, "fr", iri)}
    for iri in sorted(predicates):
        # predicate_labels fills every language, with the French label where one is
        # missing: keep a language only where it has a label of its own.
        filled = predicate_labels(graph, URIRef(iri))
        own = {lang: text for lang, text in filled.items() if lang == "fr" or text != filled["fr"]}
        terms[iri] = own
    return dict(sorted(terms.items()))


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
