"""What the worker processes of ``coopgraph serve`` do: everything that parses or evaluates.

The server's own process only speaks HTTP. Reading a query (rdflib's parser can take
seconds on a pathological text), evaluating it and writing the result all happen here, in
a worker that the server kills when the deadline passes (``graph.workers.pool``). So each task
is a small picklable dataclass, and ``handle`` turns it into a ``Reply`` (status, media
type, bytes) without ever raising: an error becomes a plain-text reply with its status.

Queries go through ``graph.sparql.query`` exactly as ``coopgraph query`` runs them (same safety
checks, same engine, same result writers from ``graph.sparql.results``). The entity pages
are made in ``graph.server.entity``.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from graph.errors import CoopGraphError
from graph.page.html import content_security_policy
from graph.rdf.formats import rdf_format_for
from graph.rdf.vocab import ID, PREFIXES
from graph.server.reply import (
    RDF_TYPES,
    RESULTS_TYPES,
    Reply,
    error_reply,
    negotiate,
    not_acceptable,
    offers,
)
from graph.server.rewrite import with_base, with_dataset

__all__ = [
    "CatalogueTask",
    "CompletionTask",
    "EntityTask",
    "NetworkTask",
    "PageTask",
    "SparqlTask",
    "handle",
    "warm",
]


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
        return _answer(task, data_dir)
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


def _answer(task: object, data_dir: Path | None) -> Reply:
    if isinstance(task, SparqlTask):
        return _sparql(task, data_dir)
    if isinstance(task, CatalogueTask):
        return _catalogue(task, data_dir)
    if isinstance(task, EntityTask):
        from graph.server.entity import entity_reply

        return entity_reply(task, data_dir)
    if isinstance(task, PageTask):
        return _page(task, data_dir)
    if isinstance(task, CompletionTask):
        return _completions(task, data_dir)
    if isinstance(task, NetworkTask):
        return _network(task, data_dir)
    return error_reply(500, f"unknown task {type(task).__name__}")


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
    media_type = negotiate(task.accept, offers(info.form))
    if media_type is None:
        return not_acceptable(task.accept, info.form)
    text = with_base(text, task.base_iri)
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
    media_type = negotiate(task.accept, offers(prepared.info.form))
    if media_type is None:
        return not_acceptable(task.accept, prepared.info.form)
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


# --- pages of the whole graph ---------------------------------------------------------------

_LOADED: dict[str, object] = {}


def _loaded(data_dir: Path | None):
    from graph.dataset.load import load

    key = str(data_dir)
    if key not in _LOADED:
        _LOADED[key] = load(data_dir)
    return _LOADED[key]


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
        csp = content_security_policy(page.decode())
        return Reply(200, "text/html", page, {"Content-Security-Policy": csp})
    if task.page == "void":
        from graph.dataset.describe import dataset_description

        graph = dataset_description(loaded, base_url=task.base_url)
        rdflib_format = rdf_format_for(task.media_type).rdflib
        return Reply(200, task.media_type, graph.serialize(format=rdflib_format, encoding="utf-8"))
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
    from graph.page.render import TooManyNodesError, render_html
    from graph.page.ui import UI_LANGUAGES as DRAWN_IN
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
