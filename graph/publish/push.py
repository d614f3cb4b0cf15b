"""Load the dataset into a triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

One HTTP ``PUT`` of the whole graph (ontology, data and derived edges) replaces the target
graph, so pushing twice leaves the store as after one push. Which graph:

* ``--graph IRI`` adds ``graph=IRI`` to the store URL (the protocol's indirect
  identification), e.g. ``http://host:3030/ds/data?graph=IRI`` for Fuseki;
* no graph: ``default`` is added, and the store's default graph is replaced;
* a URL that already names its graph (``graph=``, ``graph-uri=`` or ``default``) is used
  as given, so a store with its own spelling works too.

Virtuoso: the endpoint is ``http://host:8890/sparql-graph-crud-auth`` with Digest
authentication (user ``dba`` or one with the ``SPARQL_UPDATE`` role). It accepts ``graph=``
as well as its own ``graph-uri=``; it has no default graph there, so give ``--graph``.

The PUT goes through ``graph.sparql.outbound`` (urllib's Basic and Digest handlers, with one
deadline over the whole exchange); a client library such as requests would add four
packages and still bound each read, not the whole.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from dataclasses import dataclass
from typing import ClassVar

from graph.dataset.export import serialize
from graph.dataset.load import Loaded
from graph.errors import CoopGraphError
from graph.rdf.formats import RDF_FORMATS
from graph.rdf.vocab import GRAPH_BASE
from graph.sparql import outbound

__all__ = [
    "CONTENT_TYPES",
    "PushResult",
    "StoreAuthError",
    "StoreError",
    "StoreRequestError",
    "StoreUnreachableError",
    "StoreUsageError",
    "push",
]

#: What ``push`` can send: format -> Content-Type. The registration of text/turtle asks for
#: the charset parameter when the text is not ASCII (place names are not); N-Triples is
#: always UTF-8 and its media type takes no parameter.
CONTENT_TYPES: dict[str, str] = {
    "turtle": RDF_FORMATS["turtle"].media_type + "; charset=utf-8",
    "ntriples": RDF_FORMATS["ntriples"].media_type,
}

#: Query parameters by which a store URL already names its target graph.
_GRAPH_PARAMETERS = ("graph", "graph-uri", "default")
#: How much of a server's error message is repeated.
_MESSAGE_LIMIT = 500
#: The largest answer to a PUT that is read: a store says "created" in a few bytes.
_ANSWER_LIMIT = 1024 * 1024
_URL_HINT = "Give the Graph Store endpoint, e.g. http://127.0.0.1:3030/ds/data."


class StoreError(CoopGraphError):
    """The store did not accept the dataset."""

    exit_code: ClassVar[int] = 4
    default_hint = "Check the store URL: it is the Graph Store endpoint, not the query endpoint."


class StoreUsageError(StoreError):
    """The store URL or the timeout cannot be used: a usage error, exit code 2."""

    exit_code: ClassVar[int] = 2
    default_hint = _URL_HINT


class StoreUnreachableError(StoreError):
    """No HTTP answer: nothing listens there, the name does not resolve, or it timed out."""

    default_hint = "Is the store running, and are the host and port right?"


class StoreAuthError(StoreError):
    """The store refused the credentials (401) or the user's rights (403)."""

    default_hint = (
        "Pass --user and --password of an account allowed to write "
        "(Virtuoso: dba, or a user with the SPARQL_UPDATE role)."
    )


class StoreRequestError(StoreError):
    """The store answered with an error status; ``status`` and the server's ``message``."""

    def __init__(self, message: str, status: int, server_message: str, hint: str | None = None):
        super().__init__(message, hint)
        self.status = status
        self.server_message = server_message


@dataclass(frozen=True)
class PushResult:
    #: The URL the dataset was PUT to, graph parameter included.
    url: str
    #: The target graph, or None for the store's default graph.
    graph_iri: str | None
    triples: int
    bytes_sent: int
    #: The HTTP status: 201 when the store created the graph, 200 or 204 when it replaced it.
    status: int


def target_url(store_url: str, graph_iri: str | None = None) -> str:
    """``store_url`` with the graph parameter that ``push`` would add (see the module doc)."""
    try:
        parts = outbound.check_url(store_url)
    except outbound.InvalidURLError as error:
        raise StoreUsageError(str(error)) from None
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    named = [(key, value) for key, value in query if key in _GRAPH_PARAMETERS]
    if named:
        if graph_iri is not None and named != [("graph", graph_iri)]:
            raise StoreError(
                f"the store URL already names its graph ({named[0][0]}={named[0][1]}) "
                f"and --graph asks for {graph_iri}",
                hint="Give the graph in one place only.",
            )
        return store_url
    if graph_iri is not None:
        _check_iri(graph_iri)
        extra = urllib.parse.urlencode({"graph": graph_iri})
    else:
        extra = "default"
    new_query = f"{parts.query}&{extra}" if parts.query else extra
    return urllib.parse.urlunsplit(parts._replace(query=new_query))


def push(
    loaded: Loaded,
    store_url: str,
    *,
    graph_iri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    fmt: str = "turtle",
    timeout: float = 60.0,
) -> PushResult:
    """PUT ``loaded`` into the graph ``graph_iri`` (default graph if None) of the store.

    ``user`` and ``password`` answer a Basic or a Digest challenge, whichever the store
    sends. Raises ``StoreUnreachableError``, ``StoreAuthError`` or ``StoreRequestError``
    (with the server's own message) instead of a traceback.
    """
    _check_arguments(fmt, user, password, timeout)
    url = target_url(store_url, graph_iri)
    if graph_iri is None:  # the URL may name the graph itself (graph-uri=...)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        graph_iri = next((query[k][0] for k in ("graph", "graph-uri") if k in query), None)
    body = serialize(loaded, fmt)
    where = outbound.display_url(url)
    try:
        answer = outbound.exchange(
            "PUT",
            url,
            deadline=outbound.Deadline(timeout),
            body=body,
            headers={"Content-Type": CONTENT_TYPES[fmt], "Accept": "*/*"},
            credentials=(user, password) if user is not None and password is not None else None,
            limit=_ANSWER_LIMIT,
        )
    except outbound.CannotConnectError as error:
        raise StoreUnreachableError(f"cannot reach the store at {where}: {error.reason}") from None
    except outbound.DeadlineError as error:
        raise StoreUnreachableError(
            f"the store at {where} gave {error.reason}",
            hint="Is the store running and the host right? A large graph may need a longer "
            "--timeout; the graph may or may not have been replaced.",
        ) from None
    except outbound.OutboundError as error:
        raise StoreError(
            f"the store at {where} sent a broken answer: {error.reason}",
            hint="The graph may or may not have been replaced: push again once the store "
            "answers properly.",
        ) from None
    if not 200 <= answer.status < 300:
        raise _from_answer(where, answer, user)
    return PushResult(url, graph_iri, len(loaded.graph), len(body), answer.status)


# --- helpers ------------------------------------------------------------------------------


def _check_arguments(fmt: str, user: str | None, password: str | None, timeout: float) -> None:
    if fmt not in CONTENT_TYPES:
        raise StoreError(
            f"cannot push as {fmt!r}", hint=f"Choose one of: {', '.join(CONTENT_TYPES)}."
        )
    if (user is None) != (password is None):
        raise StoreAuthError("give both a user and a password, or neither")
    if not timeout > 0:  # NaN too
        raise StoreUsageError(
            f"the timeout must be a positive number of seconds, not {timeout}",
            hint="Give --timeout SECONDS, e.g. --timeout 60.",
        )


def _check_iri(iri: str) -> None:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(c in iri for c in ' <>"{}|\\^`') or not iri.isprintable():
        raise StoreError(
            f"{iri!r} is not an absolute IRI",
            hint=f"Give the graph as a full IRI, e.g. {GRAPH_BASE}.",
        )


def _from_answer(where: str, answer: outbound.Answer, user: str | None) -> StoreError:
    status = answer.status
    message = _server_message(answer.body, answer.content_type)
    said = f": {message}" if message else ""
    if status == 401:
        if user is None:
            return StoreAuthError(f"the store at {where} asks for a user and a password (401)")
        return StoreAuthError(f"the store at {where} refused the user {user!r} (401){said}")
    if status == 403:
        return StoreAuthError(f"the store at {where} forbids this write (403){said}")
    hint = None
    if "default" in message and "graph" in message:
        hint = "This store has no default graph here: pass --graph IRI."
    elif 300 <= status < 400:
        location = answer.headers.get("Location", "")
        hint = f"The store redirects to {location}: push to that URL." if location else None
    elif status in (404, 405, 501):
        hint = "Is this the Graph Store endpoint (e.g. /ds/data, /sparql-graph-crud-auth)?"
    return StoreRequestError(
        f"the store at {where} answered {status} {answer.reason}{said}", status, message, hint
    )


# The <head> goes too: its <title> repeats what the body says.
_TAG = re.compile(r"<(head|script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)


def _server_message(body: bytes, content_type: str) -> str:
    """The server's explanation, as one line of plain text (its HTML tags removed)."""
    text = body.decode("utf-8", errors="replace")
    if "html" in content_type or text.lstrip().startswith("<"):
        text = html.unescape(_TAG.sub(" ", text))
    text = " ".join(text.split())
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return text
