"""The query page's own words, per language (the home page of ``coopgraph serve``): its
text, the names of the catalogue's columns and of the codes its queries answer with.

A translation is a change of these tables, not of the template.
"""

from __future__ import annotations

from graph.rdf.terms import LANGUAGES

__all__ = ["COLUMN_NAMES", "PAGE_LANGUAGES", "TABLE_LANGUAGES", "VALUE_NAMES", "WORDS"]

#: The page's own words.
WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "La coopération extérieure du canton du Jura",
        "short_title": "Coopération extérieure du Jura",
        "lead": "Le canton du Jura, en Suisse, coopère avec ses voisins français, avec des "
        "régions d'Europe et d'Amérique du Nord, et soutient des projets d'aide au "
        "développement. Ce site rassemble ces relations en un graphe de connaissances : qui "
        "coopère avec qui, depuis quand, sur la base de quel accord et avec quel financement, "
        "chaque fait avec la source qui l'établit.",
        "axis_proximity": "Coopération de proximité",
        "axis_proximity_text": "les voisins de France : Franche-Comté, Territoire de Belfort, "
        "Doubs, Alsace, et l'Arc jurassien.",
        "axis_interregional": "Coopération interrégionale",
        "axis_interregional_text": "des régions plus lointaines : Québec, Vallée d'Aoste, "
        "Wallonie-Bruxelles, et l'Assemblée des Régions d'Europe.",
        "axis_aid": "Aide au développement",
        "axis_aid_text": "des projets au Cameroun, et la Fédération interjurassienne de "
        "coopération et de développement.",
        "summary": "{partners} partenaires · {agreements} accords · {documents} documents "
        "sources · {excerpts} extraits cités",
        "how": "Choisissez une question : la réponse s'affiche aussitôt, en tableau, en "
        "graphique ou sur une frise. Chaque nom mène à sa fiche et à ses sources. La requête "
        "SPARQL de chaque question se lit et se modifie sous la réponse.",
        "questions": "Que voulez-vous savoir ?",
        "answer": "Réponse",
        "run": "Afficher la réponse",
        "run_edited": "Exécuter la requête",
        "editor": "Requête SPARQL : voir et modifier",
        "editor_help": "Ctrl+Espace propose préfixes, classes, propriétés et noms d'entités ; "
        "Ctrl+Entrée exécute.",
        "own_query": "Votre requête",
        "view_table": "Tableau",
        "view_bar": "Graphique",
        "view_timeline": "Frise",
        "view_network": "Réseau",
        "view_map": "Carte",
        "view_raw": "Données brutes",
        "views": "Affichage",
        "download": "Télécharger",
        "rows": "{count} ligne(s)",
        "triples": "{count} triplet(s)",
        "yes": "oui",
        "no": "non",
        "undated": "Sans date connue",
        "warnings": "Attention",
        "truncated": "Réponse tronquée aux {limit} premières lignes sur {total}.",
        "loading": "Recherche…",
        "no_rows": "Aucune réponse.",
        "no_view": "Cette réponse ne se prête pas à cet affichage.",
        "language": "Langue",
        "nav_questions": "Questions",
        "nav_graph": "Graphe",
        "nav_ontology": "Ontologie",
        "nav_dataset": "Jeu de données",
        "nav_endpoint": "Point d'accès SPARQL",
        "network_note": "Le réseau de la réponse, dessiné comme la page du graphe.",
        "subject": "sujet",
        "predicate": "propriété",
        "object": "objet",
        "ask_true": "Oui",
        "years": "{count} ans",
        "ask_false": "Non",
    },
    "en": {
        "title": "The external cooperation of the canton of Jura",
        "short_title": "Jura external cooperation",
        "lead": "The canton of Jura, in Switzerland, cooperates with its French neighbours, "
        "with regions in Europe and North America, and supports development aid projects. "
        "This site gathers these relations in a knowledge graph: who cooperates with whom, "
        "since when, under which agreement and with which funding, each fact with the "
        "source that states it.",
        "axis_proximity": "Proximity cooperation",
        "axis_proximity_text": "the neighbours in France: Franche-Comté, Territoire de "
        "Belfort, Doubs, Alsace, and the Jura Arc.",
        "axis_interregional": "Interregional cooperation",
        "axis_interregional_text": "regions further away: Quebec, Aosta Valley, "
        "Wallonia-Brussels, and the Assembly of European Regions.",
        "axis_aid": "Development aid",
        "axis_aid_text": "projects in Cameroon, and the Interjurassian Federation for "
        "Cooperation and Development.",
        "summary": "{partners} partners · {agreements} agreements · {documents} source "
        "documents · {excerpts} quoted excerpts",
        "how": "Choose a question: the answer appears at once, as a table, a chart or a "
        "timeline. Every name leads to its page and its sources. The SPARQL query behind "
        "each question can be read and edited below the answer.",
        "questions": "What would you like to know?",
        "answer": "Answer",
        "run": "Show the answer",
        "run_edited": "Run the query",
        "editor": "SPARQL query: read and edit",
        "editor_help": "Ctrl+Space offers prefixes, classes, properties and entity names; "
        "Ctrl+Enter runs.",
        "own_query": "Your query",
        "view_table": "Table",
        "view_bar": "Chart",
        "view_timeline": "Timeline",
        "view_network": "Network",
        "view_map": "Map",
        "view_raw": "Raw data",
        "views": "View",
        "download": "Download",
        "rows": "{count} row(s)",
        "triples": "{count} triple(s)",
        "yes": "yes",
        "no": "no",
        "undated": "No known date",
        "warnings": "Warning",
        "truncated": "Answer cut to the first {limit} rows of {total}.",
        "loading": "Searching…",
        "no_rows": "No answer.",
        "no_view": "This answer does not lend itself to this view.",
        "language": "Language",
        "nav_questions": "Questions",
        "nav_graph": "Graph",
        "nav_ontology": "Ontology",
        "nav_dataset": "Dataset",
        "nav_endpoint": "SPARQL endpoint",
        "network_note": "The network of the answer, drawn as the graph page draws it.",
        "subject": "subject",
        "predicate": "property",
        "object": "object",
        "ask_true": "Yes",
        "years": "{count} years",
        "ask_false": "No",
    },
    "de": {
        "title": "Die Aussenbeziehungen des Kantons Jura",
        "short_title": "Aussenbeziehungen des Kantons Jura",
        "lead": "Der Kanton Jura in der Schweiz arbeitet mit seinen französischen Nachbarn, "
        "mit Regionen in Europa und Nordamerika zusammen und unterstützt Projekte der "
        "Entwicklungszusammenarbeit. Diese Website fasst diese Beziehungen in einem "
        "Wissensgraphen zusammen: wer mit wem zusammenarbeitet, seit wann, auf Grund welches "
        "Abkommens und mit welcher Finanzierung, jede Tatsache mit der Quelle, die sie belegt.",
        "axis_proximity": "Nachbarschaftliche Zusammenarbeit",
        "axis_proximity_text": "die Nachbarn in Frankreich: Franche-Comté, Territoire de "
        "Belfort, Doubs, Elsass, und der Jurabogen.",
        "axis_interregional": "Interregionale Zusammenarbeit",
        "axis_interregional_text": "fernere Regionen: Québec, Aostatal, Wallonie-Brüssel und "
        "die Versammlung der Regionen Europas.",
        "axis_aid": "Entwicklungszusammenarbeit",
        "axis_aid_text": "Projekte in Kamerun und die Fédération interjurassienne de "
        "coopération et de développement.",
        "summary": "{partners} Partner · {agreements} Abkommen · {documents} Quellendokumente "
        "· {excerpts} zitierte Auszüge",
        "how": "Wählen Sie eine Frage: Die Antwort erscheint sofort, als Tabelle, Diagramm "
        "oder Zeitleiste. Jeder Name führt zu seiner Seite und seinen Quellen. Die "
        "SPARQL-Abfrage jeder Frage lässt sich unter der Antwort lesen und ändern.",
        "questions": "Was möchten Sie wissen?",
        "answer": "Antwort",
        "run": "Antwort anzeigen",
        "run_edited": "Abfrage ausführen",
        "editor": "SPARQL-Abfrage: lesen und ändern",
        "editor_help": "Strg+Leertaste schlägt Präfixe, Klassen, Eigenschaften und Namen "
        "vor; Strg+Enter führt aus.",
        "own_query": "Ihre Abfrage",
        "view_table": "Tabelle",
        "view_bar": "Diagramm",
        "view_timeline": "Zeitleiste",
        "view_network": "Netzwerk",
        "view_map": "Karte",
        "view_raw": "Rohdaten",
        "views": "Ansicht",
        "download": "Herunterladen",
        "rows": "{count} Zeile(n)",
        "triples": "{count} Tripel",
        "yes": "ja",
        "no": "nein",
        "undated": "Ohne bekanntes Datum",
        "warnings": "Achtung",
        "truncated": "Antwort auf die ersten {limit} von {total} Zeilen gekürzt.",
        "loading": "Suche…",
        "no_rows": "Keine Antwort.",
        "no_view": "Diese Antwort eignet sich nicht für diese Ansicht.",
        "language": "Sprache",
        "nav_questions": "Fragen",
        "nav_graph": "Graph",
        "nav_ontology": "Ontologie",
        "nav_dataset": "Datensatz",
        "nav_endpoint": "SPARQL-Endpunkt",
        "network_note": "Das Netzwerk der Antwort, gezeichnet wie auf der Graph-Seite.",
        "subject": "Subjekt",
        "predicate": "Eigenschaft",
        "object": "Objekt",
        "ask_true": "Ja",
        "years": "{count} Jahre",
        "ask_false": "Nein",
    },
    "it": {
        "title": "La cooperazione esterna del Cantone del Giura",
        "short_title": "Cooperazione esterna del Giura",
        "lead": "Il Cantone del Giura, in Svizzera, coopera con i vicini francesi, con regioni "
        "d'Europa e del Nord America, e sostiene progetti di aiuto allo sviluppo. Questo sito "
        "riunisce queste relazioni in un grafo di conoscenza: chi coopera con chi, da quando, "
        "in base a quale accordo e con quale finanziamento, ogni fatto con la fonte che lo "
        "attesta.",
        "axis_proximity": "Cooperazione di prossimità",
        "axis_proximity_text": "i vicini in Francia: Franca Contea, Territoire de Belfort, "
        "Doubs, Alsazia, e l'Arco giurassiano.",
        "axis_interregional": "Cooperazione interregionale",
        "axis_interregional_text": "regioni più lontane: Québec, Valle d'Aosta, "
        "Vallonia-Bruxelles e l'Assemblea delle Regioni d'Europa.",
        "axis_aid": "Aiuto allo sviluppo",
        "axis_aid_text": "progetti in Camerun e la Fédération interjurassienne de "
        "coopération et de développement.",
        "summary": "{partners} partner · {agreements} accordi · {documents} documenti fonte "
        "· {excerpts} estratti citati",
        "how": "Scegliete una domanda: la risposta appare subito, come tabella, grafico o "
        "cronologia. Ogni nome porta alla sua scheda e alle sue fonti. L'interrogazione "
        "SPARQL di ogni domanda si legge e si modifica sotto la risposta.",
        "questions": "Che cosa volete sapere?",
        "answer": "Risposta",
        "run": "Mostra la risposta",
        "run_edited": "Esegui l'interrogazione",
        "editor": "Interrogazione SPARQL: leggere e modificare",
        "editor_help": "Ctrl+Spazio propone prefissi, classi, proprietà e nomi; Ctrl+Invio esegue.",
        "own_query": "La vostra interrogazione",
        "view_table": "Tabella",
        "view_bar": "Grafico",
        "view_timeline": "Cronologia",
        "view_network": "Rete",
        "view_map": "Mappa",
        "view_raw": "Dati grezzi",
        "views": "Visualizzazione",
        "download": "Scarica",
        "rows": "{count} riga/e",
        "triples": "{count} tripla/e",
        "yes": "sì",
        "no": "no",
        "undated": "Senza data nota",
        "warnings": "Attenzione",
        "truncated": "Risposta ridotta alle prime {limit} righe su {total}.",
        "loading": "Ricerca…",
        "no_rows": "Nessuna risposta.",
        "no_view": "Questa risposta non si presta a questa visualizzazione.",
        "language": "Lingua",
        "nav_questions": "Domande",
        "nav_graph": "Grafo",
        "nav_ontology": "Ontologia",
        "nav_dataset": "Insieme di dati",
        "nav_endpoint": "Endpoint SPARQL",
        "network_note": "La rete della risposta, disegnata come nella pagina del grafo.",
        "subject": "soggetto",
        "predicate": "proprietà",
        "object": "oggetto",
        "ask_true": "Sì",
        "years": "{count} anni",
        "ask_false": "No",
    },
}

#: The themes' names in Italian (the catalogue names them in French, German and English).
THEME_NAMES_IT = {
    "partners": "Partner",
    "bodies": "Organismi e adesioni",
    "funding": "Finanziamento",
    "history": "Accordi e storia",
    "aid": "Aiuto allo sviluppo",
    "explore": "Esplorare il grafo",
    "quality": "Fonti e qualità dei dati",
}

#: Column (query variable) -> its name in each language; ``xLabel`` takes the name of ``x``.
COLUMN_NAMES: dict[str, tuple[str, str, str, str]] = {  # fr, en, de, it
    "actor": ("acteur", "actor", "Akteur", "attore"),
    "agreement": ("accord", "agreement", "Abkommen", "accordo"),
    "amount": ("montant", "amount", "Betrag", "importo"),
    "approvedIn": ("approuvé à", "approved in", "genehmigt in", "approvato a"),
    "axis": ("axe", "axis", "Achse", "asse"),
    "body": ("organisme", "body", "Gremium", "organismo"),
    "by": ("par", "by", "durch", "da"),
    "channel": ("voie de financement", "funding channel", "Finanzierungsweg", "canale"),
    "class": ("classe", "class", "Klasse", "classe"),
    "count": ("nombre", "count", "Anzahl", "numero"),
    "country": ("pays", "country", "Land", "paese"),
    "currency": ("monnaie", "currency", "Währung", "valuta"),
    "date": ("date", "date", "Datum", "data"),
    "description": ("description", "description", "Beschreibung", "descrizione"),
    "distance": ("distance (pas)", "distance (steps)", "Abstand (Schritte)", "distanza (passi)"),
    "document": ("document", "document", "Dokument", "documento"),
    "duration": ("durée", "duration", "Dauer", "durata"),
    "end": ("fin", "end", "Ende", "fine"),
    "endUnknown": ("fin inconnue", "end unknown", "Ende unbekannt", "fine sconosciuta"),
    "entity": ("entité", "entity", "Entität", "entità"),
    "event": ("événement", "event", "Ereignis", "evento"),
    "excerpt": ("extrait", "excerpt", "Auszug", "estratto"),
    "formerName": ("ancien nom", "former name", "früherer Name", "nome precedente"),
    "framework": ("cadre", "framework", "Rahmen", "quadro"),
    "from": ("de", "from", "von", "da"),
    "funder": ("bailleur", "funder", "Geldgeber", "finanziatore"),
    "governs": ("régit", "governs", "regelt", "disciplina"),
    "homepage": ("site web", "website", "Website", "sito web"),
    "inFrench": ("nom en français", "name in French", "Name auf Französisch", "nome in francese"),
    "kind": ("nature", "kind", "Art", "tipo"),
    "legalBasis": ("base légale", "legal basis", "Rechtsgrundlage", "base giuridica"),
    "link": ("lien", "link", "Verbindung", "legame"),
    "manager": ("autorité de gestion", "managing authority", "Verwaltungsbehörde", "gestore"),
    "membership": ("adhésion", "membership", "Mitgliedschaft", "adesione"),
    "nameInYear": ("nom cette année-là", "name that year", "Name in jenem Jahr", "nome allora"),
    "newName": ("nouveau nom", "new name", "neuer Name", "nuovo nome"),
    "otherMember": ("autre membre", "other member", "anderes Mitglied", "altro membro"),
    "parties": ("parties connues", "known parties", "bekannte Parteien", "parti note"),
    "partiesUnknown": (
        "parties inconnues",
        "parties unknown",
        "Parteien unbekannt",
        "parti ignote",
    ),
    "partner": ("partenaire", "partner", "Partner", "partner"),
    "period": ("période", "period", "Periode", "periodo"),
    "place": ("lieu de signature", "place of signature", "Unterzeichnungsort", "luogo della firma"),
    "problem": ("problème", "problem", "Problem", "problema"),
    "programme": ("programme", "programme", "Programm", "programma"),
    "property": ("propriété", "property", "Eigenschaft", "proprietà"),
    "quote": ("citation", "quote", "Zitat", "citazione"),
    "relation": ("relation", "relation", "Beziehung", "relazione"),
    "replaces": ("remplace", "replaces", "ersetzt", "sostituisce"),
    "resource": ("ressource", "resource", "Ressource", "risorsa"),
    "retained": ("retenue", "retained", "beibehalten", "mantenuto"),
    "role": ("rôle", "role", "Rolle", "ruolo"),
    "since": ("depuis", "since", "seit", "dal"),
    "source": ("source", "source", "Quelle", "fonte"),
    "start": ("début", "start", "Beginn", "inizio"),
    "startUnknown": ("début inconnu", "start unknown", "Beginn unbekannt", "inizio ignoto"),
    "successor": ("successeur", "successor", "Nachfolger", "successore"),
    "task": ("tâche", "task", "Aufgabe", "compito"),
    "territory": ("territoire", "territory", "Gebiet", "territorio"),
    "theme": ("domaine", "field", "Bereich", "ambito"),
    "to": ("vers", "to", "zu", "a"),
    "url": ("adresse", "address", "Adresse", "indirizzo"),
    "value": ("valeur", "value", "Wert", "valore"),
    "who": ("qui", "who", "wer", "chi"),
    "why": ("pourquoi", "why", "warum", "perché"),
}


#: Codes that catalogue queries give as plain text -> what the page says instead.
VALUE_NAMES: dict[str, tuple[str, str, str, str]] = {  # fr, en, de, it
    "cooperation": ("coopération", "cooperation", "Zusammenarbeit", "cooperazione"),
    "membership": ("adhésion", "membership", "Mitgliedschaft", "adesione"),
    "territory without a Wikidata link": (
        "territoire sans lien Wikidata",
        "territory without a Wikidata link",
        "Gebiet ohne Wikidata-Verknüpfung",
        "territorio senza collegamento a Wikidata",
    ),
    "body without a territory linked to Wikidata": (
        "organisme dont aucun territoire n'est relié à Wikidata",
        "body without a territory linked to Wikidata",
        "Gremium ohne mit Wikidata verknüpftes Gebiet",
        "organismo senza territorio collegato a Wikidata",
    ),
}

#: The languages the query page has words for, in the order of ``LANGUAGES``: the ones its
#: language menu offers. The labels of the data fall back to French.
PAGE_LANGUAGES = tuple(lang for lang in LANGUAGES if lang in WORDS)
#: The languages of the names in COLUMN_NAMES and VALUE_NAMES, in the order they are
#: written there.
TABLE_LANGUAGES = ("fr", "en", "de", "it")
