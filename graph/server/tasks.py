"""What the worker processes of ``coopgraph serve`` do: everything that parses or evaluates.

The server's own process only speaks HTTP. Reading a query (rdflib's parser can take
seconds on a pathological text), evaluating it and writing the result all happen here, in
a worker that the server kills when the deadline passes (``graph.workers.pool``). So each task
is a small picklable dataclass, and ``handle`` turns it into a ``Reply`` (status, media
type, bytes) without ever raising: an error becomes a plain-text reply with its status.

Queries go through ``graph.sparql.query`` exactly as ``coopgraph query`` runs them (same safety
checks, same engine, same result writers from ``graph.sparql.results``).
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import sys
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import CoopGraphError
from graph.rdf import sparql_text
from graph.rdf.vocab import ID, JC, PREFIXES

__all__ = [
    "ENTITY_TYPES",
    "LANGUAGES",
    "RDF_TYPES",
    "RESULTS_TYPES",
    "CatalogueTask",
    "CompletionTask",
    "EntityTask",
    "NetworkTask",
    "PageTask",
    "Reply",
    "SparqlTask",
    "handle",
    "negotiate",
    "warm",
    "with_dataset",
]

#: Languages of the entity pages (labels fall back to French).
LANGUAGES = ("fr", "en", "de", "it")

#: SELECT and ASK: media type -> ``graph.sparql.results`` format, in the order offered (the first
#: is the default). ``application/json`` is what browsers' fetch() and some clients ask for.
RESULTS_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
}
#: CONSTRUCT and DESCRIBE: media type -> ``graph.sparql.results`` format.
RDF_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "xml",
}
#: An entity IRI: its page for browsers, or its description in RDF.
ENTITY_TYPES: dict[str, str] = {"text/html": "html", **RDF_TYPES}
_TEXT_TYPES = {"text/csv", "text/tab-separated-values", "text/turtle", "text/html"}


@dataclass(frozen=True)
class Reply:
    """An HTTP answer, as the worker made it."""

    status: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    #: The worker should be replaced after this reply (it ran out of memory).
    restart: bool = False

    @property
    def content_type(self) -> str:
        if self.media_type in _TEXT_TYPES:
            return f"{self.media_type}; charset=utf-8"
        return self.media_type


def error_reply(status: int, message: str, hint: str | None = None) -> Reply:
    """A plain-text error: the message, then what to do about it."""
    text = message.rstrip() + ("\n" + hint.rstrip() if hint else "") + "\n"
    return Reply(status, "text/plain", text.encode("utf-8"))


# --- tasks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SparqlTask:
    """A query of the SPARQL protocol, already taken out of its HTTP request."""

    text: str
    accept: str = ""
    #: The protocol's default-graph-uri and named-graph-uri (graphs of the loaded data).
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int = 10_000
    #: What relative IRIs in the query are resolved against (the endpoint's URL).
    base_iri: str = "http://127.0.0.1/sparql"


@dataclass(frozen=True)
class CatalogueTask:
    """A catalogue query by name, with its parameters (``/queries/NAME?entity=quebec``)."""

    name: str
    params: tuple[tuple[str, str], ...] = ()
    #: None: the query's own default (French, German for missing-labels).
    lang: str | None = None
    accept: str = ""
    max_rows: int = 10_000


@dataclass(frozen=True)
class CompletionTask:
    """What the query page completes and names: prefixes, classes, properties, entities."""

    #: Most entities listed (the rest are still found by the query, not completed).
    max_entities: int = 20_000


@dataclass(frozen=True)
class NetworkTask:
    """A CONSTRUCT or DESCRIBE answer drawn as the graph page draws the whole graph.

    Either a catalogue query (``name``, with ``params``) or a text (``text``); it runs
    through ``graph.sparql.query`` like every other query (same checks).
    """

    name: str | None = None
    text: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    lang: str | None = None


@dataclass(frozen=True)
class EntityTask:
    """The page (``text/html``) or the RDF description of one of our IRIs."""

    iri: str
    media_type: str = "text/html"
    lang: str = "fr"
    #: Most values shown in the page (a concept may be referred to by thousands).
    max_rows: int = 10_000


@dataclass(frozen=True)
class PageTask:
    """A page built from the whole graph: ``graph``, ``ontology`` or ``void``."""

    page: str
    base_url: str = ""
    media_type: str = "text/html"


def handle(task: object, data_dir: Path | None) -> Reply:
    """The reply to ``task``; never raises (an unexpected error is a 500 reply)."""
    from graph.sparql.catalogue import QueryNotFoundError
    from graph.sparql.errors import QueryFailedError

    try:
        if isinstance(task, SparqlTask):
            return _sparql(task, data_dir)
        if isinstance(task, CatalogueTask):
            return _catalogue(task, data_dir)
        if isinstance(task, EntityTask):
            return _entity(task, data_dir)
        if isinstance(task, PageTask):
            return _page(task, data_dir)
        if isinstance(task, CompletionTask):
            return _completions(task, data_dir)
        if isinstance(task, NetworkTask):
            return _network(task, data_dir)
        return error_reply(500, f"unknown task {type(task).__name__}")
    except MemoryError:
        # Python ran out before Rust did (which would abort the process). The heap is now
        # in an unknown state: answer, then let the pool start a fresh worker.
        reply = error_reply(
            503,
            "the query needed more memory than a worker may use, and was stopped",
            "Narrow it (a LIMIT, fewer joins); the limit is coopgraph serve --worker-memory.",
        )
        return dataclasses.replace(reply, restart=True)
    except QueryNotFoundError as error:
        return error_reply(404, str(error), error.hint)
    except QueryFailedError as error:
        return error_reply(500, str(error), error.hint)
    except CoopGraphError as error:
        # Syntax errors, refusals, bad parameters: the request's fault.
        status = 400 if error.exit_code == 2 and not _is_data_error(error) else 500
        return error_reply(status, str(error), error.hint)
    except Exception:  # the worker must answer whatever happens, and say what happened
        traceback.print_exc(file=sys.stderr)
        return error_reply(500, "internal error while answering (see the server's log)")


def _is_data_error(error: CoopGraphError) -> bool:
    from graph.errors import DataNotFoundError, DataSyntaxError

    # The data folder was edited into a broken state while the server runs: not the
    # client's fault.
    return isinstance(error, (DataNotFoundError, DataSyntaxError))


def warm(data_dir: Path | None) -> None:
    """Load the store now (once per worker), so the first request does not pay for it."""
    from graph.sparql.prepare import prepare_query
    from graph.sparql.query import run_query

    run_query(prepare_query(sparql="ASK {}"), data_dir=data_dir)


# --- content negotiation --------------------------------------------------------------------


def negotiate(accept: str, offers: Sequence[str]) -> str | None:
    """The offer the ``Accept`` header prefers (RFC 9110 §12.5.1), or None if none is acceptable.

    The most specific range that matches an offer gives its weight (``text/csv`` before
    ``text/*`` before ``*/*``); among equal weights the earlier offer wins. No header, or
    an empty one, accepts the first offer.
    """
    ranges = _accept_ranges(accept)
    if not ranges:
        return offers[0] if offers else None
    best, best_q = None, 0.0
    for offer in offers:
        kind, _, subtype = offer.partition("/")
        q, specificity = 0.0, -1
        for (r_kind, r_subtype), r_q in ranges:
            if r_kind == kind and r_subtype == subtype:
                level = 2
            elif r_kind == kind and r_subtype == "*":
                level = 1
            elif r_kind == "*" and r_subtype == "*":
                level = 0
            else:
                continue
            if level > specificity:
                q, specificity = r_q, level
        if q > best_q:
            best, best_q = offer, q
    return best


def _accept_ranges(accept: str) -> list[tuple[tuple[str, str], float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype:
            continue  # a malformed range accepts nothing rather than everything
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(((kind, subtype), q))
    return ranges


def _offers(form: str) -> list[str]:
    return list(RESULTS_TYPES if form in ("select", "ask") else RDF_TYPES)


def _not_acceptable(accept: str, form: str) -> Reply:
    offers = ", ".join(_offers(form))
    return error_reply(
        406,
        f"none of the media types in Accept: {accept[:200]} fits a {form.upper()} result",
        f"Ask for one of: {offers}.",
    )


# --- SPARQL ---------------------------------------------------------------------------------


def _sparql(task: SparqlTask, data_dir: Path | None) -> Reply:
    from graph.sparql.prepare import prepare_query
    from graph.sparql.safety import check_query

    text = task.text
    if task.default_graphs or task.named_graphs:
        # The protocol's dataset replaces the query's own FROM clauses, which are not
        # checked then: a FROM the protocol overrides is never read.
        text = with_dataset(text, task.default_graphs, task.named_graphs)
    # Checked before BASE is added, so that a syntax error points into the client's text.
    info = check_query(text)
    media_type = negotiate(task.accept, _offers(info.form))
    if media_type is None:
        return _not_acceptable(task.accept, info.form)
    text = _with_base(text, task.base_iri)
    prepared = prepare_query(sparql=text)
    return _run(prepared, media_type, task.max_rows, data_dir, lang="fr")


def _catalogue(task: CatalogueTask, data_dir: Path | None) -> Reply:
    from graph.sparql.catalogue import find_query
    from graph.sparql.prepare import prepare_query

    if not re.fullmatch(r"[A-Za-z0-9_-]+", task.name):
        # Never a path: prepare_query reads a name ending in .rq as a file.
        return error_reply(404, f"no query called {task.name[:80]!r} in the catalogue")
    entry = find_query(task.name)
    prepared = prepare_query(entry.name, params=dict(task.params), lang=task.lang)
    media_type = negotiate(task.accept, _offers(prepared.info.form))
    if media_type is None:
        return _not_acceptable(task.accept, prepared.info.form)
    return _run(prepared, media_type, task.max_rows, data_dir, lang=task.lang)


def _run(prepared, media_type: str, max_rows: int, data_dir, *, lang: str | None) -> Reply:
    from graph.sparql.query import run_query
    from graph.sparql.results import format_result

    result = run_query(prepared, lang=lang, data_dir=data_dir)
    headers: dict[str, str] = {}
    items = result.rows if result.kind == "select" else result.triples
    if result.kind != "ask" and len(items) > max_rows:
        # Cut, and say so where every client can see it: the headers (the standard result
        # formats have no place for it).
        field_name = "rows" if result.kind == "select" else "triples"
        result = dataclasses.replace(result, **{field_name: items[:max_rows]})
        headers["X-Result-Truncated"] = "true"
        headers["X-Result-Limit"] = str(max_rows)
        headers["X-Result-Total"] = str(len(items))
        headers["Warning"] = (
            f'199 coopgraph "result truncated to the first {max_rows} of {len(items)} {field_name}"'
        )
    if result.warnings:
        # The standard result formats have no place for them either: a header, in JSON
        # (ASCII only, as HTTP headers must be), that the query page shows above the answer.
        headers["X-Query-Warnings"] = json.dumps(list(result.warnings))
    formats = RESULTS_TYPES if result.kind in ("select", "ask") else RDF_TYPES
    return Reply(200, media_type, format_result(result, formats[media_type]), headers)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@functools.lru_cache(maxsize=512)
def _with_base(text: str, base_iri: str) -> str:
    """The text with ``BASE <endpoint>`` in front when it uses relative IRIs and has no BASE.

    The protocol lets the service choose the base ("which MAY be the service endpoint");
    Oxigraph refuses relative IRIs without one. Texts without relative IRIs are left
    alone, so the line and column of an error stay those the client wrote. Cached: the
    lexer takes longer than Oxigraph needs for most of our queries.
    """
    toks = list(sparql_text.tokens(text))
    if any(t.kind == "word" and t.text.upper() == "BASE" for t in toks):
        return text
    if not any(t.kind == "iri" and not _SCHEME.match(t.text[1:-1]) for t in toks):
        return text
    return f"BASE <{base_iri}> {text}"


#: Keywords that come after the dataset clauses (FROM ...) of a query.
_AFTER_DATASET = {"WHERE", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"}


def with_dataset(text: str, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> str:
    """The query with its FROM / FROM NAMED clauses replaced by the protocol's dataset.

    SPARQL 1.1 Protocol §2.1.4: default-graph-uri and named-graph-uri override the dataset
    the query names. The clauses go where the grammar puts them: after the projection
    (or the CONSTRUCT template, or the DESCRIBE terms), before WHERE.
    """
    clauses = [f"FROM <{g}>" for g in default_graphs] + [f"FROM NAMED <{g}>" for g in named_graphs]
    toks = list(sparql_text.tokens(text))
    depth = 0
    form: str | None = None
    template_open = False
    remove: list[tuple[int, int]] = []
    insert_at = len(text)
    i = 0
    while i < len(toks):
        token = toks[i]
        word = token.text.upper() if token.kind == "word" else None
        if token.kind == "punct" and token.text in "{(":
            if depth == 0 and form is not None and token.text == "{":
                if form == "CONSTRUCT" and not template_open:
                    template_open = True  # the template: skip it, FROM comes after
                else:
                    insert_at = token.start
                    break
            depth += 1
        elif token.kind == "punct" and token.text in "})":
            depth -= 1
        elif depth == 0 and word in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK") and form is None:
            form = word
        elif depth == 0 and form is not None and word == "FROM":
            end = i + 1
            if end < len(toks) and toks[end].kind == "word" and toks[end].text.upper() == "NAMED":
                end += 1
            remove.append((token.start, toks[min(end, len(toks) - 1)].end))
            i = end + 1
            continue
        elif depth == 0 and form is not None and word in _AFTER_DATASET:
            if form == "CONSTRUCT" and word == "WHERE":
                template_open = True  # the short form CONSTRUCT WHERE { ... }
            insert_at = token.start
            break
        i += 1
    pieces, last = [], 0
    for start, end in remove:
        if start < insert_at:
            pieces.append(text[last:start])
            last = end
    insertion = " " + " ".join(clauses) + " "
    return "".join(pieces) + text[last:insert_at] + insertion + text[insert_at:]


# --- entities -------------------------------------------------------------------------------

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_LABELS = {_SKOS + "prefLabel", _RDFS + "label"}
_ALT_LABELS = {_SKOS + "altLabel"}
#: Shown as identifiers and links to other datasets rather than as relations.
_IDENTIFIERS = {
    "http://www.w3.org/2002/07/owl#sameAs",
    _SKOS + "exactMatch",
    _SKOS + "closeMatch",
    _SKOS + "notation",
    _RDFS + "seeAlso",
    "http://xmlns.com/foaf/0.1/page",
    "http://xmlns.com/foaf/0.1/homepage",
    "https://schema.org/url",
    str(JC.nutsCode),
    str(JC.iso31662),
    str(JC.inseeCode),
    str(JC.ofsNumber),
    str(JC.sirenNumber),
}
_KINDS = {_RDF_TYPE, "http://www.w3.org/ns/org#classification"}
_DCT = "http://purl.org/dc/terms/"
_SCHEMA = "https://schema.org/"
#: What a relation is: between whom, on which axis, under which agreement.
_RELATION_TERMS = (
    str(JC.actor),
    str(JC.partner),
    "http://www.w3.org/ns/org#member",
    "http://www.w3.org/ns/org#organization",
    str(JC.axis),
    str(JC.framework),
    str(JC.theme),
)

#: What the entity is, where and since when: shown under "Identity" with its texts.
_IDENTITY = {
    _DCT + "spatial",
    _DCT + "isPartOf",
    "http://www.w3.org/ns/org#hasPrimarySite",
    "http://www.w3.org/ns/org#hasSite",
    _SCHEMA + "location",
    str(JC.administrativeCentre),
    _SKOS + "inScheme",
    *_RELATION_TERMS,
}
#: The cooperation axes in the order the canton's page gives them.
_AXES = tuple(
    f"{ID}concept/axe-{name}" for name in ("proximite", "interregional", "aide-developpement")
)
#: Shown first in "Identity", in this order: what the entity is, in words.
_FIRST = (
    _DCT + "description",
    _SKOS + "definition",
    _SKOS + "scopeNote",
    *_RELATION_TERMS,
)
#: Shown in their own sections (relations, history), not again among the other links.
_SHOWN_ELSEWHERE = {
    str(JC.actor),
    str(JC.partner),
    "http://www.w3.org/ns/org#member",
    "http://www.w3.org/ns/org#organization",
    "http://www.w3.org/ns/org#originalOrganization",
    "http://www.w3.org/ns/org#resultingOrganization",
    str(JC.mandatedOrganization),
    str(JC.newMember),
}
#: Datasets whose IRIs we link to, named on the page.
_KNOWN_TARGETS = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("https://www.wikidata.org/wiki/", "Wikidata"),
    ("https://www.openstreetmap.org/", "OpenStreetMap"),
    ("http://data.europa.eu/nuts/", "NUTS"),
    ("https://ec.europa.eu/eurostat/", "Eurostat"),
    ("http://sws.geonames.org/", "GeoNames"),
    ("https://www.geonames.org/", "GeoNames"),
)

_OUTGOING = "SELECT ?p ?o WHERE { ?entity ?p ?o }"
_INCOMING = "SELECT ?s ?p WHERE { ?s ?p ?entity }"
#: The qualified relations the entity takes part in, from either side.
_RELATIONS = """PREFIX jc: <https://w3id.org/jura-coop/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
SELECT ?relation ?kind ?other ?axis ?start ?end WHERE {
  { ?relation jc:actor ?entity ; jc:partner ?other BIND("cooperation" AS ?kind) }
  UNION { ?relation jc:partner ?entity ; jc:actor ?other BIND("cooperation" AS ?kind) }
  UNION { ?relation a org:Membership ; org:member ?entity ; org:organization ?other
          BIND("membership" AS ?kind) }
  UNION { ?relation a org:Membership ; org:organization ?entity ; org:member ?other
          BIND("membership" AS ?kind) }
  OPTIONAL { ?relation jc:axis ?axis }
  OPTIONAL { ?relation schema:startDate ?start }
  OPTIONAL { ?relation schema:endDate ?end }
}"""
#: The events of the entity's history: foundings, renamings, mergers...
_EVENTS = """PREFIX jc: <https://w3id.org/jura-coop/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?kind ?date ?role WHERE {
  ?event ?role ?entity .
  VALUES ?role {
    org:originalOrganization org:resultingOrganization jc:mandatedOrganization jc:newMember
  }
  ?event a ?kind . ?kind rdfs:subClassOf org:ChangeEvent .
  OPTIONAL { ?event dct:date ?date }
}"""

#: The page's own words.
UI: dict[str, dict[str, str]] = {
    "fr": {
        "kind": "Nature",
        "other_names": "Autres noms",
        "identity": "Identité",
        "identifiers": "Identifiants et liens",
        "relations": "Relations, par axe de coopération",
        "no_axis": "Sans axe",
        "partner": "Partenaire",
        "link": "Lien",
        "since": "Depuis",
        "until": "Jusqu'en",
        "relation": "Relation",
        "cooperation": "coopération",
        "membership": "adhésion",
        "history": "Histoire",
        "date": "Date",
        "event": "Événement",
        "properties": "Autres propriétés et relations",
        "incoming": "Mentionné par",
        "sources": "Sources",
        "raw": "Tous les triplets",
        "formats": "Autres formats",
        "query": "Questions",
        "graph": "Graphe",
        "ontology": "Ontologie",
        "dataset": "Jeu de données",
        "language": "Langue",
        "left_out": "valeurs non affichées ; la requête entity les donne toutes (/sparql)",
    },
    "en": {
        "kind": "Kind",
        "other_names": "Other names",
        "identity": "Identity",
        "identifiers": "Identifiers and links",
        "relations": "Relations, by cooperation axis",
        "no_axis": "No axis",
        "partner": "Partner",
        "link": "Link",
        "since": "Since",
        "until": "Until",
        "relation": "Relation",
        "cooperation": "cooperation",
        "membership": "membership",
        "history": "History",
        "date": "Date",
        "event": "Event",
        "properties": "Other properties and relations",
        "incoming": "Referred to by",
        "sources": "Sources",
        "raw": "All the triples",
        "formats": "Other formats",
        "query": "Questions",
        "graph": "Graph",
        "ontology": "Ontology",
        "dataset": "Dataset",
        "language": "Language",
        "left_out": "values not shown; the entity query gives them all (/sparql)",
    },
    "de": {
        "kind": "Art",
        "other_names": "Andere Namen",
        "identity": "Identität",
        "identifiers": "Kennungen und Links",
        "relations": "Beziehungen, nach Kooperationsachse",
        "no_axis": "Ohne Achse",
        "partner": "Partner",
        "link": "Verbindung",
        "since": "Seit",
        "until": "Bis",
        "relation": "Beziehung",
        "cooperation": "Zusammenarbeit",
        "membership": "Mitgliedschaft",
        "history": "Geschichte",
        "date": "Datum",
        "event": "Ereignis",
        "properties": "Weitere Eigenschaften und Beziehungen",
        "incoming": "Erwähnt von",
        "sources": "Quellen",
        "raw": "Alle Tripel",
        "formats": "Andere Formate",
        "query": "Fragen",
        "graph": "Graph",
        "ontology": "Ontologie",
        "dataset": "Datensatz",
        "language": "Sprache",
        "left_out": "Werte nicht angezeigt; die Abfrage entity liefert alle (/sparql)",
    },
    "it": {
        "kind": "Natura",
        "other_names": "Altri nomi",
        "identity": "Identità",
        "identifiers": "Identificatori e link",
        "relations": "Relazioni, per asse di cooperazione",
        "no_axis": "Senza asse",
        "partner": "Partner",
        "link": "Legame",
        "since": "Dal",
        "until": "Fino al",
        "relation": "Relazione",
        "cooperation": "cooperazione",
        "membership": "adesione",
        "history": "Storia",
        "date": "Data",
        "event": "Evento",
        "properties": "Altre proprietà e relazioni",
        "incoming": "Citato da",
        "sources": "Fonti",
        "raw": "Tutte le triple",
        "formats": "Altri formati",
        "query": "Domande",
        "graph": "Grafo",
        "ontology": "Ontologia",
        "dataset": "Insieme di dati",
        "language": "Lingua",
        "left_out": "valori non mostrati; l'interrogazione entity li dà tutti (/sparql)",
    },
}


@dataclass
class _Value:
    """A value as the page shows it: text, and a link when there is somewhere to go."""

    text: str
    href: str | None = None
    note: str = ""  # a language tag, a datatype, or the dataset an IRI belongs to
    external: bool = False


@dataclass
class _Group:
    label: str
    iri: str
    values: list[_Value]


def _entity(task: EntityTask, data_dir: Path | None) -> Reply:
    from graph.sparql.query import run_query

    iri = f"<{task.iri}>"
    if task.media_type != "text/html":
        result = run_query("entity", params={"entity": iri}, data_dir=data_dir)
        if not result.triples:
            return _unknown(task.iri)
        from graph.sparql.results import format_result

        return Reply(200, task.media_type, format_result(result, RDF_TYPES[task.media_type]))

    outgoing = run_query(_OUTGOING, params={"entity": iri}, data_dir=data_dir).rows
    incoming = run_query(_INCOMING, params={"entity": iri}, data_dir=data_dir).rows
    if not outgoing and not incoming:
        return _unknown(task.iri)
    # The entity's own names come first, so that no cut loses them.
    outgoing.sort(key=lambda row: (row[0].value not in _LABELS | _ALT_LABELS, _sort_key(row[1])))
    incoming.sort(key=lambda row: (row[1].value, _sort_key(row[0])))
    outgoing, out_left = _first_values(outgoing, task.max_rows)
    incoming, in_left = _first_values(incoming, max(0, task.max_rows - len(outgoing)))
    relations = run_query(_RELATIONS, params={"entity": iri}, data_dir=data_dir).records()
    events = run_query(_EVENTS, params={"entity": iri}, data_dir=data_dir).records()
    excerpts = run_query(
        "source-excerpts", params={"about": iri}, lang=task.lang, data_dir=data_dir
    ).records()
    named = {task.iri}
    for row in outgoing:
        named.update(term.value for term in row if hasattr(term, "value"))
    for row in incoming:
        named.update(term.value for term in row if hasattr(term, "value"))
    for row in relations + events:
        named.update(value for value in row.values() if isinstance(value, str))
    labels = _labels(named, data_dir)
    page = _entity_page(
        task, outgoing, incoming, relations, events, excerpts, labels, out_left + in_left
    )
    return Reply(200, "text/html", page.encode("utf-8"), {"Content-Security-Policy": _csp(page)})


def _labels(iris: Iterable[str], data_dir: Path | None) -> dict[str, dict[str, str]]:
    """IRI -> language -> label: from the data and the ontology, then the vocabularies' own.

    One label per language, the smallest, so that the page is the same every time.
    """
    import pyoxigraph as ox

    from graph.page.vocabulary import term_labels
    from graph.sparql.query import run_query

    nodes = []
    for iri in sorted(iris):
        try:
            nodes.append(str(ox.NamedNode(iri)))
        except ValueError:
            continue  # a literal or a blank node's value
    labels: dict[str, dict[str, str]] = {}
    if nodes:
        rows = run_query(
            f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {' '.join(nodes)} }} "
            f"?x <{_SKOS}prefLabel>|<{_RDFS}label> ?l }}",
            data_dir=data_dir,
        ).rows
        for thing, label in rows:
            if isinstance(label, ox.Literal):
                found = labels.setdefault(thing.value, {})
                key = label.language or ""
                if key not in found or label.value < found[key]:
                    found[key] = label.value
    for iri, names in term_labels().items():
        for key, text in names.items():
            labels.setdefault(iri, {}).setdefault(key, text)
    return labels


def _first_values(rows: list, limit: int) -> tuple[list, int]:
    """The rows of the first ``limit`` statements (``row[:2]``), and how many were left out."""
    statements = list(dict.fromkeys((str(row[0]), str(row[1])) for row in rows))
    kept = set(statements[:limit])
    return [row for row in rows if (str(row[0]), str(row[1])) in kept], len(statements) - len(kept)


def _unknown(iri: str) -> Reply:
    return error_reply(
        404,
        f"no resource <{iri}> in the graph",
        "Entity IRIs look like /id/rcju or /id/territoire/jura; the query page lists them.",
    )


def _entity_page(
    task: EntityTask, outgoing, incoming, relations, events, excerpts, labels, left_out: int = 0
) -> str:
    """The page: names and kinds; identity; relations by axis; history; the other links,
    each under the label of its property; sources with their excerpts; the raw triples."""
    import pyoxigraph as ox

    lang = task.lang
    ui = UI.get(lang, UI["fr"])

    def label_of(iri: str) -> str:
        return _pick(labels.get(iri, {}), lang) or _short(iri)

    def value(term) -> _Value:
        if isinstance(term, ox.Literal):
            note = term.language or ""
            # The language when it is not the page's; no datatype: dates and numbers read
            # as they are (the raw triples below keep the datatypes).
            return _Value(term.value, None, note if note != lang else "")
        if isinstance(term, ox.BlankNode):
            return _Value(f"_:{term.value}")
        href, external = _href(term.value, lang)
        note = next((name for prefix, name in _KNOWN_TARGETS if term.value.startswith(prefix)), "")
        return _Value(label_of(term.value), href, note, external)

    def linked(iri: str | None) -> _Value | None:
        if not iri:
            return None
        href, external = _href(iri, lang)
        return _Value(label_of(iri), href, "", external)

    own = {}
    for p, o in outgoing:
        if p.value in _LABELS and isinstance(o, ox.Literal):
            own.setdefault(o.language or "", o.value)
    title = _pick(own, lang) or _short(task.iri)
    other_names = sorted(
        {o.value for p, o in outgoing if p.value in _ALT_LABELS | _LABELS and o.value != title}
    )

    # --- outgoing values, by section ---
    kinds, identity, identifiers, properties = {}, {}, {}, {}
    for p, o in outgoing:
        if p.value in _LABELS | _ALT_LABELS:
            continue
        if p.value in _KINDS:
            target = kinds
        elif p.value in _IDENTIFIERS:
            target = identifiers
        elif isinstance(o, ox.Literal) or p.value in _IDENTITY:
            target = identity
        else:
            target = properties
        target.setdefault(p.value, {})[_sort_key(o)] = value(o)

    def groups(table: dict[str, dict], first: tuple[str, ...] = ()) -> list[_Group]:
        found = [
            _Group(label_of(p), p, [v for _, v in sorted(values.items())])
            for p, values in table.items()
        ]
        rank = {iri: i for i, iri in enumerate(first)}
        return sorted(found, key=lambda g: (rank.get(g.iri, len(rank)), g.label.casefold(), g.iri))

    # --- relations, by axis ---
    by_axis: dict[str, dict] = {}
    shown_relations = set()
    for row in relations:
        shown_relations.add(row["relation"])
        axis = row.get("axis")
        section = by_axis.setdefault(
            axis or "",
            {"axis": linked(axis), "title": label_of(axis) if axis else ui["no_axis"], "rows": {}},
        )
        key = (row["relation"], row["other"])
        section["rows"][key] = {
            "other": linked(row["other"]),
            "kind": ui.get(row["kind"], row["kind"]),
            "since": row.get("start") or "",
            "until": row.get("end") or "",
            "relation": linked(row["relation"]),
        }
    relation_sections = [
        {**section, "rows": sorted(section["rows"].values(), key=lambda r: r["other"].text)}
        for _, section in sorted(
            by_axis.items(),
            key=lambda item: (_AXES.index(item[0]) if item[0] in _AXES else 9, item[1]["title"]),
        )
    ]

    # --- history ---
    history = {}
    for row in events:
        history[row["event"]] = {
            "date": row.get("date") or "",
            "kind": label_of(row["kind"]),
            "event": linked(row["event"]),
        }
    history_rows = sorted(history.values(), key=lambda r: (r["date"] or "9999", r["event"].text))

    # --- what refers to the entity, less what the sections above already show ---
    referred = {}
    for s, p in incoming:
        if p.value in _SHOWN_ELSEWHERE and (s.value in shown_relations or s.value in history):
            continue
        referred.setdefault(p.value, {})[_sort_key(s)] = value(s)

    # Grouped by relation, then by document: one relation often cites several documents,
    # and one document is often quoted for several relations.
    sources: dict[str, dict] = {}
    for row in excerpts:
        relation = sources.setdefault(
            row["relation"],
            {
                "relation": _Value(
                    row.get("relationLabel") or _short(row["relation"]),
                    _href(row["relation"], lang)[0],
                ),
                "documents": {},
            },
        )
        document = relation["documents"].setdefault(
            row["document"],
            {
                "document": _Value(
                    row.get("documentLabel") or _short(row["document"]),
                    _href(row["document"], lang)[0],
                ),
                "url": row["url"] if _web(row.get("url")) else None,
                "quotes": [],
            },
        )
        if row.get("quote") and row["quote"] not in document["quotes"]:
            document["quotes"].append(row["quote"])
    source_list = [
        {"relation": r["relation"], "documents": list(r["documents"].values())}
        for r in sources.values()
    ]

    # --- every statement as it is, for those who want the data itself ---
    def raw(term) -> _Value:
        if isinstance(term, ox.NamedNode):
            href, external = _href(term.value, lang)
            return _Value(_short(term.value), href, "", external)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            plain = datatype.endswith(("#string", "#langString"))
            return _Value(term.value, None, term.language or ("" if plain else _short(datatype)))
        return value(term)

    subject = _Value(_short(task.iri), None)
    raw_rows = [(subject, raw(p), raw(o)) for p, o in outgoing]
    raw_rows += [(raw(s), raw(p), subject) for s, p in incoming]

    environment = _environment()
    return environment.get_template("entity.html").render(
        lang=lang,
        ui=ui,
        iri=task.iri,
        title=title,
        other_names=other_names,
        kinds=[v for g in groups(kinds) for v in g.values],
        identity=groups(identity, _FIRST),
        identifiers=groups(identifiers),
        relations=relation_sections,
        history=history_rows,
        properties=groups(properties),
        incoming=groups(referred),
        sources=source_list,
        raw=raw_rows,
        path=_local_path(task.iri),
        left_out=left_out,
        languages=LANGUAGES,
        formats=[("Turtle", "turtle"), ("JSON-LD", "jsonld"), ("N-Triples", "ntriples")],
    )


def _pick(labels: dict[str, str], lang: str) -> str:
    for candidate in (lang, "fr", "en", "de", "it", ""):
        if labels.get(candidate):
            return labels[candidate]
    return next((text for _, text in sorted(labels.items()) if text), "")


def _short(iri: str) -> str:
    """``id:rcju``, ``jc:Cooperation``: the longest of our prefixes that fits, else the IRI."""
    best = max(
        (p for p, ns in PREFIXES.items() if iri.startswith(ns)),
        key=lambda p: len(PREFIXES[p]),
        default=None,
    )
    if best is None:
        return iri
    return f"{best}:{iri[len(PREFIXES[best]) :]}"


def _sort_key(term) -> str:
    return f"{type(term).__name__}:{term.value}"


def _local_path(iri: str) -> str | None:
    """``/id/territoire/jura`` for an IRI under our base, else None."""
    return (
        "/id/" + iri[len(str(ID)) :]
        if iri.startswith(str(ID)) and len(iri) > len(str(ID))
        else None
    )


def _href(iri: str, lang: str) -> tuple[str | None, bool]:
    """(link, external) for an IRI: our pages for our IRIs, the IRI itself for the web."""
    local = _local_path(iri)
    if local is not None:
        return (local if lang == "fr" else f"{local}?lang={lang}"), False
    if iri.startswith(str(JC._NS)):
        return "/ontology#" + iri[len(str(JC._NS)) :], False
    return (iri, True) if _web(iri) else (None, False)


def _web(text: object) -> bool:
    return isinstance(text, str) and text.lower().startswith(("http://", "https://"))


_ENVIRONMENT = None


def _environment():
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        import jinja2

        _ENVIRONMENT = jinja2.Environment(
            loader=jinja2.PackageLoader("graph", "templates"),
            # Every value from the data is text, never markup.
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
    return _ENVIRONMENT


_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _csp(page: str, *, frames: bool = False) -> str:
    """A policy that lets only the page's own inline scripts and styles run, by hash.

    ``frames``: the page may show this server's own pages in a frame (the query page's
    network view); otherwise no frame at all.
    """
    import base64

    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for match in _INLINE.finditer(page):
        digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
        hashes[match.group(1)].append(f"'sha256-{base64.b64encode(digest).decode()}'")
    script = " ".join(hashes["script"]) or "'none'"
    style = " ".join(hashes["style"]) or "'none'"
    frame = "frame-src 'self'; " if frames else ""
    return (
        f"default-src 'none'; script-src {script}; style-src {style}; connect-src 'self'; "
        f"img-src 'self' data: blob:; {frame}base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


# --- pages of the whole graph ---------------------------------------------------------------

_LOADED: dict[str, object] = {}


def _loaded(data_dir: Path | None):
    from graph.dataset.load import load

    key = str(data_dir)
    if key not in _LOADED:
        _LOADED[key] = load(data_dir)
    return _LOADED[key]


_VOID_FORMATS = {
    "text/turtle": None,
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}


def _page(task: PageTask, data_dir: Path | None) -> Reply:
    loaded = _loaded(data_dir)
    if task.page == "graph":
        from graph.page.render import TooManyNodesError, render_loaded

        try:
            return Reply(200, "text/html", render_loaded(loaded))
        except TooManyNodesError as error:
            return error_reply(
                503, f"the graph is too big to draw in one page: {error}", error.hint
            )
    if task.page == "ontology":
        from graph.page.ontodoc import ontology_page

        page = ontology_page(loaded)
        return Reply(200, "text/html", page, {"Content-Security-Policy": _csp(page.decode())})
    if task.page == "void":
        from graph.dataset.describe import dataset_description, void_turtle

        rdflib_format = _VOID_FORMATS[task.media_type]
        if rdflib_format is None:
            body = void_turtle(loaded, base_url=task.base_url)
        else:
            graph = dataset_description(loaded, base_url=task.base_url)
            body = graph.serialize(format=rdflib_format, encoding="utf-8")
        return Reply(200, task.media_type, body)
    return error_reply(404, f"no page {task.page!r}")


# --- what the query page completes and draws ------------------------------------------------

_TERMS = """SELECT DISTINCT ?term ?kind WHERE {
  { ?s ?term ?o BIND("property" AS ?kind) } UNION { ?s a ?term BIND("class" AS ?kind) }
}"""
_NAMES = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?thing ?label WHERE { ?thing skos:prefLabel|rdfs:label ?label FILTER(isIRI(?thing)) }"""
_SUMMARY = """PREFIX jc: <https://w3id.org/jura-coop/ontology#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT
  (COUNT(DISTINCT ?agreement) AS ?agreements) (COUNT(DISTINCT ?document) AS ?documents)
  (COUNT(DISTINCT ?excerpt) AS ?excerpts)
WHERE {
  { ?agreement a jc:Agreement } UNION { ?document a foaf:Document }
  UNION { ?excerpt a jc:SourceExcerpt }
}"""


def _completions(task: CompletionTask, data_dir: Path | None) -> Reply:
    """JSON: our prefixes, the classes and properties used, the named entities, a summary.

    The page completes the editor from it and names the IRIs of an answer with it, so it
    holds labels in every language; everything in it is shown as text, never as markup.
    """
    from graph.page.vocabulary import term_labels
    from graph.sparql.query import run_query

    labels: dict[str, dict[str, str]] = {}
    for thing, label in run_query(_NAMES, data_dir=data_dir).rows:
        found = labels.setdefault(thing.value, {})
        key = label.language or ""
        if key not in found or label.value < found[key]:
            found[key] = label.value
    for iri, names in term_labels().items():
        found = labels.setdefault(iri, {})
        for key, text in names.items():
            found.setdefault(key, text)
    terms = []
    kinds: dict[str, str] = {}
    for term, kind in run_query(_TERMS, data_dir=data_dir).rows:
        if kinds.get(term.value) != "class":  # a class used as a value of rdf:type first
            kinds[term.value] = kind.value
    for iri in sorted(kinds):
        terms.append({"iri": iri, "kind": kinds[iri], "labels": labels.get(iri, {})})
    entities = [
        {"iri": iri, "labels": names}
        for iri, names in sorted(labels.items())
        if iri.startswith(str(ID)) and names
    ][: task.max_entities]
    summary = run_query(_SUMMARY, data_dir=data_dir).records()[0]
    # Partners as the catalogue counts them: the canton's cooperation and memberships, every
    # axis (none in a data folder without the canton).
    try:
        partners = run_query("partners-by-axis", data_dir=data_dir).records()
    except CoopGraphError:
        partners = []
    summary["partners"] = len({row["partner"] for row in partners})
    body = {
        "prefixes": PREFIXES,
        "idBase": str(ID),
        "terms": terms,
        "entities": entities,
        "summary": summary,
    }
    data = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return Reply(200, "application/json", data.encode("utf-8"))


def _network(task: NetworkTask, data_dir: Path | None) -> Reply:
    """The graph page of a CONSTRUCT or DESCRIBE answer, for the query page's network view."""
    from graph.page.render import LANGUAGES as DRAWN_IN
    from graph.page.render import TooManyNodesError, render_html
    from graph.sparql.query import run_query

    if task.name is not None:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", task.name):
            return error_reply(404, f"no query called {task.name[:80]!r} in the catalogue")
        from graph.sparql.catalogue import find_query

        query = find_query(task.name).name
    elif task.text is not None:
        query = task.text
    else:
        return error_reply(400, "name= or query= is needed: the query whose answer to draw")
    result = run_query(
        query if task.name else None,
        sparql=None if task.name else query,
        params=dict(task.params),
        lang=task.lang,
        data_dir=data_dir,
    )
    if result.kind not in ("construct", "describe"):
        return error_reply(
            400,
            f"a {result.kind.upper()} answer is a table, not a network",
            "The network view draws the answers of CONSTRUCT and DESCRIBE queries.",
        )
    lang = task.lang if task.lang in DRAWN_IN else "fr"
    try:
        page = render_html(_loaded(data_dir).graph, subgraph=result.graph, lang=lang)
    except TooManyNodesError as error:
        return error_reply(503, f"the answer is too big to draw in one page: {error}", error.hint)
    # Drawn inside the query page (an iframe of this server), and nowhere else.
    headers = {"X-Frame-Options": "SAMEORIGIN", "Content-Security-Policy": "frame-ancestors 'self'"}
    return Reply(200, "text/html", page.encode("utf-8"), headers)
