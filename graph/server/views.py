"""The server's endpoints: each reads its request, refuses what it must, and hands the rest
to a worker (``graph.server.tasks``) under a deadline.

Nothing here reads a query or touches the data: that happens in the worker processes, which
the pool kills when the deadline passes, so a slow or hostile query never blocks this one.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from graph.page.query_page import catalogue_data, query_page
from graph.rdf.vocab import ID
from graph.server.config import MIN_CLIENT_TIMEOUT, ServerConfig
from graph.server.http import (
    ENTITY_PATH,
    QUERY_NAME,
    BadRequest,
    check_charset,
    from_reply,
    language,
    media_type,
    parse_pairs,
    read_body,
    read_only,
    text_response,
    too_large,
    utf8_text,
)
from graph.server.reply import ENTITY_TYPES, RDF_TYPES, Reply, negotiate
from graph.server.service import graph_names, service_description
from graph.server.tasks import (
    CatalogueTask,
    CompletionTask,
    EntityTask,
    NetworkTask,
    PageTask,
    SparqlTask,
)
from graph.workers.pool import (
    PoolBusyError,
    PoolClosedError,
    QueryDeadlineError,
    WorkerCrashedError,
    WorkerPool,
)

__all__ = ["Site"]

_POST_TYPES_HINT = (
    "Use application/x-www-form-urlencoded (query=...) or "
    "application/sparql-query (the query as the body)."
)


class Site:
    """The endpoints, with the pool and the configuration they share.

    Pages made from the whole graph are made once, the first time someone asks, and kept.
    """

    def __init__(self, config: ServerConfig, pool: WorkerPool) -> None:
        self.config = config
        self.pool = pool
        self.graphs = graph_names(config.data_dir)
        self.pages: dict[Any, Response] = {}
        self.catalogue_json = json.dumps(catalogue_data(), ensure_ascii=False, indent=1).encode(
            "utf-8"
        )

    async def _run(self, task: Any, *, deadline: float | None = None) -> Reply | Response:
        """The worker's reply, or the 503 that says why there is none."""
        deadline = deadline or self.config.timeout
        try:
            return await self.pool.run(task, deadline)
        except PoolBusyError as error:
            return text_response(
                503, f"the server is busy: {error}", error.hint, {"Retry-After": "1"}
            )
        except QueryDeadlineError as error:
            return text_response(503, str(error), error.hint)
        except WorkerCrashedError as error:
            return text_response(
                503, str(error), "Narrow the query; the server has started a new worker."
            )
        except PoolClosedError as error:
            return text_response(503, str(error), headers={"Retry-After": "5"})

    def _base(self, request: Request) -> str:
        # The configured address, never the client's Host header: a forged Host would
        # otherwise be written into the descriptions (and fill the page cache).
        return self.config.base_url

    # --- /sparql ---

    async def sparql(self, request: Request) -> Response:
        try:
            return await self._sparql(request)
        except BadRequest as error:
            return error.response()

    async def _sparql(self, request: Request) -> Response:
        params = await self._sparql_params(request)
        names = [name for name, _ in params]
        if "update" in names or any(n.startswith("using-") for n in names):
            raise read_only()
        queries = [value for name, value in params if name == "query"]
        if not queries:
            if request.method == "POST":
                raise BadRequest(
                    400,
                    "no query in the request",
                    "Send query=... (form) or the query as the body.",
                )
            return self.service_description(request)
        if len(queries) > 1:
            raise BadRequest(400, f"the request holds {len(queries)} queries: send one")
        default = tuple(v for n, v in params if n == "default-graph-uri")
        named = tuple(v for n, v in params if n == "named-graph-uri")
        self._check_graphs((*default, *named))
        asked = [v for n, v in params if n == "timeout"]
        deadline = self._client_deadline(asked[-1]) if asked else self.config.timeout
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
        return from_reply(answer, {"Vary": "Accept"})

    async def _sparql_params(self, request: Request) -> list[tuple[str, str]]:
        """The protocol's parameters: the query string's, then a POST's form or body."""
        raw_query = request.scope.get("query_string", b"")
        if len(raw_query) > self.config.max_body:
            raise too_large(self.config.max_body)
        params = parse_pairs(raw_query, "query string")
        if request.method != "POST":
            return params
        kind, options = media_type(request.headers.get("content-type"))
        if not kind:
            raise BadRequest(400, "a POST needs a Content-Type", _POST_TYPES_HINT)
        if kind == "application/sparql-update":
            raise read_only()
        body = await read_body(request, self.config.max_body)
        if kind == "application/x-www-form-urlencoded":
            check_charset(options.get("charset"))
            return params + parse_pairs(body, "form body")
        if kind == "application/sparql-query":
            return [*params, ("query", utf8_text(body, options.get("charset")))]
        raise BadRequest(400, f"Content-Type {kind} is not a SPARQL query", _POST_TYPES_HINT)

    def _check_graphs(self, graphs: tuple[str, ...]) -> None:
        """400 for a graph the protocol names that the loaded data does not hold."""
        for graph in graphs:
            if graph not in self.graphs:
                raise BadRequest(
                    400,
                    f"the graph <{graph[:200]}> is not held here: queries run on the loaded data "
                    "only, and no graph is fetched from elsewhere",
                    "The graphs are: " + ", ".join(f"<{g}>" for g in sorted(self.graphs)),
                )

    def _client_deadline(self, asked: str) -> float:
        """A client may ask for a shorter deadline, never a longer one, nor one below the floor.

        Below ``MIN_CLIENT_TIMEOUT`` a deadline would only serve to have workers killed (each
        kill costs a respawn that every other client waits for), so it is refused.
        """
        try:
            seconds = float(asked)
        except ValueError:
            raise BadRequest(400, "timeout= must be a number of seconds") from None
        if not math.isfinite(seconds) or seconds < MIN_CLIENT_TIMEOUT:
            raise BadRequest(
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
        chosen = negotiate(accept, list(RDF_TYPES))
        if chosen is None:
            return text_response(
                406, "the service description is RDF", f"Ask for one of: {', '.join(RDF_TYPES)}."
            )
        body = service_description(self._base(request), self.graphs, chosen)
        return Response(body, media_type=chosen, headers={"Vary": "Accept"})

    # --- /queries ---

    async def catalogue(self, request: Request) -> Response:
        return Response(self.catalogue_json, media_type="application/json")

    async def catalogue_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        if not QUERY_NAME.fullmatch(name):
            return text_response(404, "no such query in the catalogue", "GET /queries lists them.")
        try:
            params = parse_pairs(request.scope.get("query_string", b""), "query string")
        except BadRequest as error:
            return error.response()
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
        return from_reply(answer, {"Vary": "Accept"})

    # --- /id/... ---

    async def entity(self, request: Request) -> Response:
        path = request.path_params["path"]
        # Direct content negotiation rather than a 303 to a document URL: the IRI's
        # authority is w3id.org, so this local URL is already a document about the
        # resource, not the resource itself (no httpRange-14 ambiguity to resolve), and one
        # round trip is kinder to clients. Content-Location names the variant sent.
        if not ENTITY_PATH.fullmatch(path):
            return text_response(
                400, "not an entity path", "Entity IRIs look like /id/rcju or /id/territoire/jura."
            )
        chosen = _entity_media_type(request)
        if isinstance(chosen, Response):
            return chosen
        lang = language(request)
        task = EntityTask(
            iri=f"{ID}{path}", media_type=chosen, lang=lang, max_rows=self.config.max_rows
        )
        answer = await self._run(task)
        if isinstance(answer, Response):
            return answer
        location = f"/id/{path}?format={ENTITY_TYPES[chosen]}"
        if chosen == "text/html" and lang != "fr":
            location += f"&lang={lang}"
        headers = {"Vary": "Accept, Accept-Language"}
        if answer.status == 200:
            headers["Content-Location"] = location
        return from_reply(answer, headers)

    # --- pages of the whole graph ---

    async def page(self, request: Request, name: str, chosen: str = "text/html") -> Response:
        base = self._base(request)
        key = (name, base, chosen)
        if key not in self.pages:
            # Built once, in a worker, the first time someone asks; rendering the graph
            # page takes about a second, which is not a per-query deadline.
            answer = await self._run(
                PageTask(name, base, chosen), deadline=max(self.config.timeout, 120.0)
            )
            if isinstance(answer, Response):
                return answer
            response = from_reply(answer)
            if answer.status != 200:
                return response
            self.pages[key] = response
        return self.pages[key]

    async def graph_page(self, request: Request) -> Response:
        return await self.page(request, "graph")

    async def ontology_page(self, request: Request) -> Response:
        return await self.page(request, "ontology")

    async def void(self, request: Request) -> Response:
        chosen = negotiate(request.headers.get("accept", ""), list(RDF_TYPES))
        if chosen is None:
            return text_response(
                406,
                "the dataset description is RDF",
                f"Ask for one of: {', '.join(RDF_TYPES)}.",
                {"Vary": "Accept"},
            )
        response = await self.page(request, "void", chosen)
        response.headers["Vary"] = "Accept"
        return response

    async def home(self, request: Request) -> Response:
        page = query_page(language(request))
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
                return from_reply(answer)
            self.pages["completions"] = from_reply(answer)
        return self.pages["completions"]

    async def network(self, request: Request) -> Response:
        """A CONSTRUCT answer drawn by the graph page's code, for the home page's network view."""
        raw = request.scope.get("query_string", b"")
        try:
            if len(raw) > self.config.max_body:
                raise too_large(self.config.max_body)
            params = parse_pairs(raw, "query string")
        except BadRequest as error:
            return error.response()
        given = dict(params)
        name, text, lang = (
            given.pop("name", None),
            given.pop("query", None),
            given.pop("lang", None),
        )
        if name is not None and not QUERY_NAME.fullmatch(name):
            return text_response(404, "no such query in the catalogue", "GET /queries lists them.")
        task = NetworkTask(name=name, text=text, params=tuple(given.items()), lang=lang)
        answer = await self._run(task, deadline=max(self.config.timeout, 120.0))
        if isinstance(answer, Response):
            return answer
        return from_reply(answer)


def _entity_media_type(request: Request) -> str | Response:
    """The media type ``?format=`` names, else the one Accept prefers; else a 400 or 406."""
    fmt = request.query_params.get("format")
    by_format = {v: k for k, v in ENTITY_TYPES.items()}
    if fmt is not None:
        if fmt not in by_format:
            return text_response(
                400, f"unknown format {fmt[:40]!r}", f"Use one of {', '.join(by_format)}."
            )
        return by_format[fmt]
    chosen = negotiate(request.headers.get("accept", ""), list(ENTITY_TYPES))
    if chosen is None:
        return text_response(
            406,
            "no acceptable representation",
            f"Ask for one of: {', '.join(ENTITY_TYPES)}.",
            {"Vary": "Accept"},
        )
    return chosen
