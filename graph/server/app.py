"""``coopgraph serve``: the graph as a small Linked Data site and a SPARQL 1.1 endpoint.

    >>> from graph.server.app import ServerConfig, create_app
    >>> app = create_app(ServerConfig(timeout=10))   # a Starlette app; run it with uvicorn

Routes:

=========================  ==============================================================
``/``                      the home page: what the dataset is, the catalogue of questions by
                           theme, answers as tables, charts, timelines and networks, and a
                           SPARQL editor (``graph.page.query_page``)
``/sparql``                SPARQL 1.1 Protocol, query operation (GET, POST form, POST
                           direct); without a query, the service description
``/queries``               the catalogue as JSON; ``/queries/NAME?param=value`` runs one
``/completions``           JSON for the home page: prefixes, classes, properties, entities
``/network``               a CONSTRUCT answer (``?name=`` or ``?query=``) drawn as a graph
``/id/<path>``             an entity: HTML for browsers, Turtle / JSON-LD / N-Triples /
                           RDF/XML for programs (content negotiation, or ``?format=``)
``/graph``                 the interactive graph page (``graph.page.render``)
``/ontology``              the ontology documentation (``graph.page.ontodoc``)
``/.well-known/void``      the VoID / DCAT description (``graph.dataset.describe``)
=========================  ==============================================================

This process only speaks HTTP: parsing the request, choosing what to refuse, negotiating
the media type. Everything that reads a query or touches the data runs in the worker
processes of ``graph.workers.pool`` (``graph.server.tasks`` says what they do), under a
deadline that kills the worker, so a slow or hostile query never blocks the others.

Read-only by construction: there is no update route, ``update=`` and
``application/sparql-update`` are refused, and ``graph.sparql.safety`` refuses updates disguised
as queries, SERVICE and FROM outside the loaded data before anything runs.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from graph.dataset.sources import data_files
from graph.errors import CoopGraphError
from graph.page.query_page import catalogue_data, query_page
from graph.rdf.vocab import ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri
from graph.server.tasks import (
    ENTITY_TYPES,
    LANGUAGES,
    RDF_TYPES,
    CatalogueTask,
    CompletionTask,
    EntityTask,
    NetworkTask,
    PageTask,
    Reply,
    SparqlTask,
    negotiate,
)
from graph.workers.pool import (
    PoolBusyError,
    PoolClosedError,
    QueryDeadlineError,
    WorkerCrashedError,
    WorkerPool,
)

__all__ = ["ServerConfig", "create_app", "serve"]


#: The shortest deadline a client may ask for with ``timeout=``: a shorter one only gets
#: the worker killed, and each kill makes every other client wait for a replacement.
MIN_CLIENT_TIMEOUT = 1.0


def _default_workers() -> int:
    # Two at least: one runaway query must leave a worker for everybody else.
    return max(2, min(os.cpu_count() or 2, 4))


@dataclass(frozen=True)
class ServerConfig:
    """Every limit of the server, each with the default ``coopgraph serve`` uses."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a query may evaluate before its worker is killed (503). Clients may ask for
    #: less with ``timeout=``, never for more.
    timeout: float = 30.0
    #: Largest request body (and query string), in bytes (413 beyond).
    max_body: int = 1024 * 1024
    #: Most rows (SELECT) or triples (CONSTRUCT, DESCRIBE) in a response; the rest is cut
    #: and the cut announced in X-Result-Truncated and Warning headers.
    max_rows: int = 10_000
    #: Queries evaluated at once: one worker process each.
    max_concurrency: int = field(default_factory=_default_workers)
    #: Requests that may wait for a worker; beyond, 503 with Retry-After.
    max_queue: int = 64
    #: An origin allowed to call the endpoint from a browser (CORS); None: no CORS.
    cors_origin: str | None = None
    #: The data folder (None: the shipped data).
    data_dir: Path | None = None
    #: Address-space limit of each worker, MiB (0: none).
    worker_memory: int = 2048
    #: Workers loaded and standing by, to replace a killed one at once.
    spare_workers: int = 1

    @property
    def base_url(self) -> str:
        host = self.host
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"


# --- HTTP helpers ---------------------------------------------------------------------------


class _BadRequest(Exception):
    def __init__(self, status: int, message: str, hint: str = "", headers=None) -> None:
        super().__init__(message)
        self.status = status
        self.hint = hint
        self.headers = headers or {}


def _text(status: int, message: str, hint: str = "", headers=None) -> Response:
    body = message.rstrip() + ("\n" + hint.rstrip() if hint else "") + "\n"
    return PlainTextResponse(body, status_code=status, headers=headers)


def _from_reply(reply: Reply, extra: dict[str, str] | None = None) -> Response:
    headers = {**reply.headers, **(extra or {})}
    return Response(
        reply.body, status_code=reply.status, headers=headers, media_type=reply.content_type
    )


def _parse_pairs(raw: bytes, what: str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as pairs; 400 when the bytes or the percent-escapes are not UTF-8.

    Starlette would replace bad bytes with U+FFFD and run a query nobody wrote.
    """
    try:
        text = raw.decode("utf-8")
        return parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=200
        )
    except UnicodeDecodeError:
        raise _BadRequest(
            400, f"the {what} is not valid UTF-8", "Percent-encode the query as UTF-8."
        ) from None
    except ValueError as error:
        raise _BadRequest(400, f"the {what} cannot be read: {error}") from None


def _media_type(header: str | None) -> tuple[str, dict[str, str]]:
    if not header:
        return "", {}
    kind, *params = header.split(";")
    values = {}
    for param in params:
        name, _, value = param.partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), values


async def _read_body(request: Request, limit: int) -> bytes:
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise _BadRequest(400, "Content-Length is not a number")
        if int(length) > limit:
            raise _too_large(limit)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise _too_large(limit)
    except ClientDisconnect:
        # The client went away mid-body: nobody to answer, nothing to log but a line.
        raise _BadRequest(400, "the client disconnected before sending the whole body") from None
    return bytes(body)


def _too_large(limit: int) -> _BadRequest:
    return _BadRequest(
        413,
        f"the request is larger than the server's limit of {limit} bytes",
        "Send a shorter query (the limit is coopgraph serve --max-body).",
    )


def _check_charset(charset: str | None) -> None:
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise _BadRequest(
            400,
            f"the query is sent as {charset[:40]}: SPARQL queries are UTF-8",
            "Send the body in UTF-8 (Content-Type: ...; charset=utf-8).",
        )


def _utf8(body: bytes, charset: str | None) -> str:
    _check_charset(charset)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _BadRequest(
            400, f"the query is not valid UTF-8 (byte {error.start})", "Send the body in UTF-8."
        ) from None


#: A path under /id/: slugs made of letters, digits, ``-``, ``_`` and ``.`` (never first), so
#: ``..``, backslashes, NUL, ``%`` and empty segments cannot get through.
_ENTITY_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9][A-Za-z0-9_.\-]*)*")
_QUERY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _language(request: Request) -> str:
    """?lang=, else the first of our languages in Accept-Language, else French."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    ranges = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES and q > 0:
            ranges.append((-q, len(ranges), primary))
    return min(ranges)[2] if ranges else "fr"


# --- the application ------------------------------------------------------------------------


class _Site:
    """The routes, with the pool and the configuration they share."""

    def __init__(self, config: ServerConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool
        self.graphs = _graph_names(config.data_dir)
        self.pages: dict[tuple[str, str, str], Response] = {}
        self.catalogue_json = json.dumps(catalogue_data(), ensure_ascii=False, indent=1).encode(
            "utf-8"
        )

    # --- running something in a worker ---

    async def _run(self, task: Any, *, deadline: float | None = None) -> Reply | Response:
        deadline = deadline or self.config.timeout
        try:
            return await self.pool.run(task, deadline)
        except PoolBusyError as error:
            return _text(503, f"the server is busy: {error}", error.hint, {"Retry-After": "1"})
        except QueryDeadlineError as error:
            return _text(503, str(error), error.hint)
        except WorkerCrashedError as error:
            return _text(503, str(error), "Narrow the query; the server has started a new worker.")
        except PoolClosedError as error:
            return _text(503, str(error), headers={"Retry-After": "5"})

    # --- /sparql ---

    async def sparql(self, request: Request) -> Response:
        try:
            return await self._sparql(request)
        except _BadRequest as error:
            return _text(error.status, str(error), error.hint, error.headers)

    async def _sparql(self, request: Request) -> Response:
        raw_query = request.scope.get("query_string", b"")
        if len(raw_query) > self.config.max_body:
            raise _too_large(self.config.max_body)
        params = _parse_pairs(raw_query, "query string")
        if request.method == "POST":
            kind, options = _media_type(request.headers.get("content-type"))
            if not kind:
                raise _BadRequest(
                    400,
                    "a POST needs a Content-Type",
                    "Use application/x-www-form-urlencoded (query=...) or "
                    "application/sparql-query (the query as the body).",
                )
            if kind == "application/sparql-update":
                raise _read_only()
            body = await _read_body(request, self.config.max_body)
            if kind == "application/x-www-form-urlencoded":
                _check_charset(options.get("charset"))
                params += _parse_pairs(body, "form body")
            elif kind == "application/sparql-query":
                params.append(("query", _utf8(body, options.get("charset"))))
            else:
                raise _BadRequest(
                    400,
                    f"Content-Type {kind} is not a SPARQL query",
                    "Use application/x-www-form-urlencoded (query=...) or "
                    "application/sparql-query (the query as the body).",
                )
        names = [name for name, _ in params]
        if "update" in names or any(n.startswith("using-") for n in names):
            raise _read_only()
        queries = [value for name, value in params if name == "query"]
        if not queries:
            if request.method == "POST":
                raise _BadRequest(
                    400,
                    "no query in the request",
                    "Send query=... (form) or the query as the body.",
                )
            return self.service_description(request)
        if len(queries) > 1:
            raise _BadRequest(400, f"the request holds {len(queries)} queries: send one")
        default = tuple(v for n, v in params if n == "default-graph-uri")
        named = tuple(v for n, v in params if n == "named-graph-uri")
        for graph in (*default, *named):
            if graph not in self.graphs:
                raise _BadRequest(
                    400,
                    f"the graph <{graph[:200]}> is not held here: queries run on the loaded data "
                    "only, and no graph is fetched from elsewhere",
                    "The graphs are: " + ", ".join(f"<{g}>" for g in sorted(self.graphs)),
                )
        deadline = self.config.timeout
        asked = [v for n, v in params if n == "timeout"]
        if asked:
            deadline = self._client_deadline(asked[-1])
        task = SparqlTask(
            text=queries[0],
            accept=request.headers.get("accept", ""),
            default_graphs=default,
            named_graphs=named,
            max_rows=self.config.max_rows,
            base_iri=self._base(request) + "sparql",
        )
        answer = await self._run(task, deadline=deadline)
        if isinstance(answer, Response):
            return answer
        return _from_reply(answer, {"Vary": "Accept"})

    def _client_deadline(self, asked: str) -> float:
        """A client may ask for a shorter deadline, never a longer one, nor one below the floor.

        Below ``MIN_CLIENT_TIMEOUT`` a deadline would only serve to have workers killed (each
        kill costs a respawn that every other client waits for), so it is refused.
        """
        try:
            seconds = float(asked)
        except ValueError:
            raise _BadRequest(400, "timeout= must be a number of seconds") from None
        if not math.isfinite(seconds) or seconds < MIN_CLIENT_TIMEOUT:
            raise _BadRequest(
                400,
                f"timeout={asked[:40]} is refused: the shortest deadline a client may ask for "
                f"is {MIN_CLIENT_TIMEOUT:g} s",
                f"Ask for timeout={MIN_CLIENT_TIMEOUT:g} or more, or leave timeout out "
                f"(the server's deadline is {self.config.timeout:g} s).",
            )
        return min(self.config.timeout, seconds)

    def service_description(self, request: Request) -> Response:
        accept = request.headers.get("accept", "")
        if negotiate(accept, ["text/html", *RDF_TYPES]) == "text/html":
            return RedirectResponse("/", status_code=303, headers={"Vary": "Accept"})
        media_type = negotiate(accept, list(RDF_TYPES))
        if media_type is None:
            return _text(
                406, "the service description is RDF", f"Ask for one of: {', '.join(RDF_TYPES)}."
            )
        body = _service_description(self._base(request), self.graphs, media_type)
        return Response(body, media_type=media_type, headers={"Vary": "Accept"})

    # --- /queries ---

    async def catalogue(self, request: Request) -> Response:
        return Response(self.catalogue_json, media_type="application/json")

    async def catalogue_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        if not _QUERY_NAME.fullmatch(name):
            return _text(404, "no such query in the catalogue", "GET /queries lists them.")
        try:
            params = _parse_pairs(request.scope.get("query_string", b""), "query string")
        except _BadRequest as error:
            return _text(error.status, str(error), error.hint)
        lang = next((v for n, v in params if n == "lang"), None)
        task = CatalogueTask(
            name=name,
            params=tuple((n, v) for n, v in params if n != "lang"),
            lang=lang,
            accept=request.headers.get("accept", ""),
            max_rows=self.config.max_rows,
        )
        answer = await self._run(task)
        if isinstance(answer, Response):
            return answer
        return _from_reply(answer, {"Vary": "Accept"})

    # --- /id/... ---

    async def entity(self, request: Request) -> Response:
        path = request.path_params["path"]
        # Direct content negotiation rather than a 303 to a document URL: the IRI's
        # authority is w3id.org, so this local URL is already a document about the
        # resource, not the resource itself (no httpRange-14 ambiguity to resolve), and one
        # round trip is kinder to clients. Content-Location names the variant sent.
        if not _ENTITY_PATH.fullmatch(path):
            return _text(
                400, "not an entity path", "Entity IRIs look like /id/rcju or /id/territoire/jura."
            )
        fmt = request.query_params.get("format")
        by_format = {v: k for k, v in ENTITY_TYPES.items()}
        if fmt is not None:
            if fmt not in by_format:
                return _text(
                    400, f"unknown format {fmt[:40]!r}", f"Use one of {', '.join(by_format)}."
                )
            media_type = by_format[fmt]
        else:
            media_type = negotiate(request.headers.get("accept", ""), list(ENTITY_TYPES))
            if media_type is None:
                return _text(
                    406,
                    "no acceptable representation",
                    f"Ask for one of: {', '.join(ENTITY_TYPES)}.",
                    {"Vary": "Accept"},
                )
        lang = _language(request)
        task = EntityTask(
            iri=f"{ID}{path}", media_type=media_type, lang=lang, max_rows=self.config.max_rows
        )
        answer = await self._run(task)
        if isinstance(answer, Response):
            return answer
        location = f"/id/{path}?format={ENTITY_TYPES[media_type]}"
        if media_type == "text/html" and lang != "fr":
            location += f"&lang={lang}"
        headers = {"Vary": "Accept, Accept-Language"}
        if answer.status == 200:
            headers["Content-Location"] = location
        return _from_reply(answer, headers)

    # --- pages of the whole graph ---

    async def page(self, request: Request, name: str, media_type: str = "text/html") -> Response:
        base = self._base(request)
        key = (name, base, media_type)
        if key not in self.pages:
            # Built once, in a worker, the first time someone asks; rendering the graph
            # page takes about a second, which is not a per-query deadline.
            answer = await self._run(
                PageTask(name, base, media_type), deadline=max(self.config.timeout, 120.0)
            )
            if isinstance(answer, Response):
                return answer
            response = _from_reply(answer)
            if answer.status != 200:
                return response
            self.pages[key] = response
        return self.pages[key]

    async def graph_page(self, request: Request) -> Response:
        return await self.page(request, "graph")

    async def ontology_page(self, request: Request) -> Response:
        return await self.page(request, "ontology")

    async def void(self, request: Request) -> Response:
        media_type = negotiate(request.headers.get("accept", ""), list(RDF_TYPES))
        if media_type is None:
            return _text(
                406,
                "the dataset description is RDF",
                f"Ask for one of: {', '.join(RDF_TYPES)}.",
                {"Vary": "Accept"},
            )
        response = await self.page(request, "void", media_type)
        response.headers["Vary"] = "Accept"
        return response

    async def home(self, request: Request) -> Response:
        page = query_page(_language(request))
        return Response(
            page.html,
            media_type="text/html",
            headers={"Content-Security-Policy": page.csp, "Vary": "Accept-Language"},
        )

    async def completions(self, request: Request) -> Response:
        if "completions" not in self.pages:
            answer = await self._run(CompletionTask(), deadline=max(self.config.timeout, 120.0))
            if isinstance(answer, Response):
                return answer
            if answer.status != 200:
                return _from_reply(answer)
            self.pages["completions"] = _from_reply(answer)
        return self.pages["completions"]

    async def network(self, request: Request) -> Response:
        """A CONSTRUCT answer drawn by the graph page's code, for the home page's network view."""
        raw = request.scope.get("query_string", b"")
        try:
            if len(raw) > self.config.max_body:
                raise _too_large(self.config.max_body)
            params = _parse_pairs(raw, "query string")
        except _BadRequest as error:
            return _text(error.status, str(error), error.hint)
        given = dict(params)
        name, text, lang = (
            given.pop("name", None),
            given.pop("query", None),
            given.pop("lang", None),
        )
        if name is not None and not _QUERY_NAME.fullmatch(name):
            return _text(404, "no such query in the catalogue", "GET /queries lists them.")
        task = NetworkTask(name=name, text=text, params=tuple(given.items()), lang=lang)
        answer = await self._run(task, deadline=max(self.config.timeout, 120.0))
        if isinstance(answer, Response):
            return answer
        return _from_reply(answer)

    def _base(self, request: Request) -> str:
        # The configured address, never the client's Host header: a forged Host would
        # otherwise be written into the descriptions (and fill the page cache).
        return self.config.base_url


def _read_only() -> _BadRequest:
    return _BadRequest(
        400,
        "this endpoint is read-only: SPARQL Update is not accepted",
        "Edit the Turtle files of the data folder to change the data.",
    )


def _graph_names(data_dir: Path | None) -> set[str]:
    """The named graphs of the loaded data (as ``Loaded.named_graphs`` names them)."""
    graphs = {str(graph_iri(p)) for p in data_files(data_dir)}
    return graphs | {str(ONTOLOGY_GRAPH), str(INFERRED_GRAPH)}


_SD_FORMATS = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}


def _service_description(base: str, graphs: set[str], media_type: str) -> bytes:
    """SPARQL 1.1 Service Description of the endpoint at ``base``sparql."""
    import pyoxigraph as ox

    sd = "http://www.w3.org/ns/sparql-service-description#"
    formats = "http://www.w3.org/ns/formats/"
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    endpoint = ox.NamedNode(base + "sparql")
    dataset = ox.NamedNode(base + "sparql#dataset")
    default = ox.NamedNode(base + "sparql#default-graph")

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    triples = [
        ox.Triple(endpoint, rdf_type, n(sd + "Service")),
        ox.Triple(endpoint, n(sd + "endpoint"), endpoint),
        ox.Triple(endpoint, n(sd + "supportedLanguage"), n(sd + "SPARQL11Query")),
        ox.Triple(endpoint, n(sd + "feature"), n(sd + "UnionDefaultGraph")),
        ox.Triple(endpoint, n(sd + "defaultDataset"), dataset),
        ox.Triple(
            endpoint,
            n("http://purl.org/dc/terms/description"),
            ox.Literal(
                "Read-only SPARQL 1.1 endpoint of the external cooperation of the République et "
                "Canton du Jura. No SERVICE, no update, no FROM outside these graphs.",
                language="en",
            ),
        ),
        ox.Triple(dataset, rdf_type, n(sd + "Dataset")),
        ox.Triple(dataset, n(sd + "defaultGraph"), default),
        ox.Triple(default, rdf_type, n(sd + "Graph")),
        ox.Triple(
            endpoint, n("http://rdfs.org/ns/void#rootResource"), n(base + ".well-known/void")
        ),
    ]
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        triples.append(ox.Triple(endpoint, n(sd + "resultFormat"), n(formats + name)))
    for graph in sorted(graphs):
        node = ox.NamedNode(base + "sparql#graph-" + graph.rsplit("/", 1)[-1])
        triples.append(ox.Triple(dataset, n(sd + "namedGraph"), node))
        triples.append(ox.Triple(node, rdf_type, n(sd + "NamedGraph")))
        triples.append(ox.Triple(node, n(sd + "name"), n(graph)))
    prefixes = {"sd": sd, "formats": formats} if media_type != "application/n-triples" else {}
    fmt = getattr(ox.RdfFormat, _SD_FORMATS[media_type])
    if media_type == "application/ld+json":
        prefixes = {}
    return ox.serialize(triples, format=fmt, prefixes=prefixes)


class _SecurityHeaders:
    """Headers every response carries: no sniffing, no framing, no referrer to leak."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ):
                    if name not in present:
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(config: ServerConfig | None = None, *, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application; its lifespan starts and stops the worker pool.

    Pass an already started ``pool`` to share it (``serve`` does, so that a data error is
    reported before the port is opened).
    """
    config = config or ServerConfig()
    owned = pool is None
    pool = pool or WorkerPool(
        handler="graph.server.tasks",
        data_dir=config.data_dir,
        size=config.max_concurrency,
        max_queue=config.max_queue,
        memory_limit=config.worker_memory,
        spares=config.spare_workers,
    )
    site = _Site(config, pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not pool.started:
            await pool.start()
        try:
            yield
        finally:
            if owned:
                await pool.close()

    routes = [
        Route("/", site.home, methods=["GET"]),
        Route("/sparql", site.sparql, methods=["GET", "POST"]),
        Route("/sparql/", site.sparql, methods=["GET", "POST"]),
        Route("/queries", site.catalogue, methods=["GET"]),
        Route("/queries/{name}", site.catalogue_query, methods=["GET"]),
        Route("/completions", site.completions, methods=["GET"]),
        Route("/network", site.network, methods=["GET"]),
        Route("/id/{path:path}", site.entity, methods=["GET"]),
        Route("/graph", site.graph_page, methods=["GET"]),
        Route("/ontology", site.ontology_page, methods=["GET"]),
        Route("/.well-known/void", site.void, methods=["GET"]),
    ]
    middleware = [Middleware(_SecurityHeaders)]
    if config.cors_origin:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[config.cors_origin],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=[
                    "X-Result-Truncated",
                    "X-Result-Limit",
                    "X-Result-Total",
                    "X-Query-Warnings",
                ],
            )
        )
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.pool = pool
    app.state.config = config
    return app


def _server_class():
    import signal
    import threading

    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, minus re-raising SIGINT once stopped.

        uvicorn raises the signal again after its graceful shutdown, so that the program
        around it stops too; here that would interrupt the pool's own shutdown and print
        a traceback. Ctrl-C (or SIGTERM) is how this server is meant to stop: a second
        Ctrl-C still forces the exit.
        """

        @contextlib.contextmanager
        def capture_signals(self):
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            handled = (signal.SIGINT, signal.SIGTERM)
            originals = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
            try:
                yield
            finally:
                for sig, handler in originals.items():
                    signal.signal(sig, handler)

    return Server


async def serve(config: ServerConfig, *, ready=None) -> None:
    """Run the server until it is stopped (Ctrl-C, SIGTERM); the workers stop with it.

    The workers load the data before the port opens, so a broken data folder is an error
    here, not a server that answers 500. ``ready(url)`` is called once clients can connect.
    """
    import asyncio
    import socket

    import uvicorn

    pool = WorkerPool(
        handler="graph.server.tasks",
        data_dir=config.data_dir,
        size=config.max_concurrency,
        max_queue=config.max_queue,
        memory_limit=config.worker_memory,
        spares=config.spare_workers,
    )
    try:
        await pool.start()
        if pool.sandbox is not None and not pool.sandbox.active:
            print(
                "coopgraph serve: warning: query workers can still open network sockets: "
                f"{pool.sandbox.reason}; SERVICE is refused by the query check alone",
                file=sys.stderr,
            )
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY on accepted connections only
        # when the socket says it is TCP, and without it every answer written in two
        # pieces (headers, body) waits 40 ms for the client's delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.bind((config.host, config.port))
        except OSError as error:
            sock.close()
            raise CoopGraphError(
                f"cannot listen on {config.host}:{config.port}: {error.strerror}",
                hint="Choose another port with --port (0 picks a free one).",
            ) from None
        sock.listen(2048)
        sock.setblocking(False)
        port = sock.getsockname()[1]
        actual = ServerConfig(**{**config.__dict__, "port": port})
        app = create_app(actual, pool=pool)
        server = _server_class()(
            uvicorn.Config(
                app,
                log_level="warning",
                access_log=False,
                lifespan="on",
                timeout_graceful_shutdown=5,
                server_header=False,
            )
        )
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        # Announced once uvicorn has started, so that from then on Ctrl-C goes to its
        # graceful shutdown rather than cancelling a startup half done.
        while not server.started and not serving.done():
            await asyncio.sleep(0.02)
        if server.started and ready is not None:
            ready(actual.base_url)
        await serving
    finally:
        await pool.close()
        print("coopgraph serve: stopped; workers terminated", file=sys.stderr)
