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

The endpoints are in ``graph.server.views``, the reading of requests in ``graph.server.http``,
the limits in ``graph.server.config``; this module puts them together and runs them.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from graph.errors import CoopGraphError
from graph.server.config import MIN_CLIENT_TIMEOUT, ServerConfig
from graph.server.views import Site
from graph.workers.pool import WorkerPool

__all__ = ["MIN_CLIENT_TIMEOUT", "ServerConfig", "create_app", "serve"]


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


def _pool(config: ServerConfig) -> WorkerPool:
    return WorkerPool(
        handler="graph.server.tasks",
        data_dir=config.data_dir,
        size=config.max_concurrency,
        max_queue=config.max_queue,
        memory_limit=config.worker_memory,
        spares=config.spare_workers,
    )


def create_app(config: ServerConfig | None = None, *, pool: WorkerPool | None = None) -> Starlette:
    """The Starlette application; its lifespan starts and stops the worker pool.

    Pass an already started ``pool`` to share it (``serve`` does, so that a data error is
    reported before the port is opened).
    """
    config = config or ServerConfig()
    owned = pool is None
    pool = pool or _pool(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not pool.started:
            await pool.start()
        try:
            yield
        finally:
            if owned:
                await pool.close()

    app = Starlette(
        routes=_routes(Site(config, pool)), middleware=_middleware(config), lifespan=lifespan
    )
    app.state.pool = pool
    app.state.config = config
    return app


def _routes(site: Site) -> list[Route]:
    return [
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


def _middleware(config: ServerConfig) -> list[Middleware]:
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
    return middleware


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

    import uvicorn

    pool = _pool(config)
    try:
        await pool.start()
        if pool.sandbox is not None and not pool.sandbox.active:
            print(
                "coopgraph serve: warning: query workers can still open network sockets: "
                f"{pool.sandbox.reason}; SERVICE is refused by the query check alone",
                file=sys.stderr,
            )
        sock = _listen(config)
        actual = ServerConfig(**{**config.__dict__, "port": sock.getsockname()[1]})
        server = _server_class()(
            uvicorn.Config(
                create_app(actual, pool=pool),
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


def _listen(config: ServerConfig):
    """The listening socket (port 0: a free one), or an error that says what to do."""
    import socket

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
    return sock
