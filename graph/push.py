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

Only the standard library: one PUT with Basic or Digest authentication is what urllib
does (``HTTPBasicAuthHandler``, ``HTTPDigestAuthHandler``), and a client library such as
requests would add four packages for it.
"""

from __future__ import annotations

import html
import ipaddress
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import ClassVar

from graph.errors import CoopGraphError
from graph.export import serialize
from graph.load import Loaded

__all__ = [
    "CONTENT_TYPES",
    "PushResult",
    "StoreAuthError",
    "StoreError",
    "StoreRequestError",
    "StoreUnreachableError",
    "push",
]

#: What ``push`` can send: format -> Content-Type.
CONTENT_TYPES: dict[str, str] = {
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
}

#: Query parameters by which a store URL already names its target graph.
_GRAPH_PARAMETERS = ("graph", "graph-uri", "default")
#: How much of a server's error message is repeated.
_MESSAGE_LIMIT = 500


class StoreError(CoopGraphError):
    """The store did not accept the dataset."""

    exit_code: ClassVar[int] = 4
    default_hint = "Check the store URL: it is the Graph Store endpoint, not the query endpoint."


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
    parts = urllib.parse.urlsplit(store_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StoreError(
            f"{store_url!r} is not an http(s) URL",
            hint="Give the Graph Store endpoint, e.g. http://127.0.0.1:3030/ds/data.",
        )
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
    if fmt not in CONTENT_TYPES:
        raise StoreError(
            f"cannot push as {fmt!r}", hint=f"Choose one of: {', '.join(CONTENT_TYPES)}."
        )
    if (user is None) != (password is None):
        raise StoreAuthError("give both a user and a password, or neither")
    url = target_url(store_url, graph_iri)
    if graph_iri is None:  # the URL may name the graph itself (graph-uri=...)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        graph_iri = next((query[k][0] for k in ("graph", "graph-uri") if k in query), None)
    body = serialize(loaded, fmt)
    request = urllib.request.Request(
        url,
        data=body,
        method="PUT",
        headers={"Content-Type": CONTENT_TYPES[fmt], "Accept": "*/*"},
    )
    try:
        with _opener(url, user, password).open(request, timeout=timeout) as response:
            status = response.status
            response.read()
    except urllib.error.HTTPError as error:
        raise _from_http_error(url, error, user) from None
    except urllib.error.URLError as error:
        raise _unreachable(url, error.reason, timeout) from None
    except (TimeoutError, ConnectionError) as error:
        raise _unreachable(url, error, timeout) from None
    except ValueError as error:  # urllib's Digest handler on a malformed challenge
        raise StoreError(f"{_display(url)}: {error}") from None
    return PushResult(url, graph_iri, len(loaded.graph), len(body), status)


# --- helpers ------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected PUT would lose its body or its credentials: report it instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if user is not None and password is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user, password)
        # Both: each answers only the challenge of its own scheme.
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    if _is_loopback(url):
        # A store on this machine is never reached through a proxy of the environment.
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_iri(iri: str) -> None:
    parts = urllib.parse.urlsplit(iri)
    if not parts.scheme or any(c in iri for c in ' <>"{}|\\^`') or not iri.isprintable():
        raise StoreError(
            f"{iri!r} is not an absolute IRI",
            hint="Give the graph as a full IRI, e.g. https://w3id.org/jura-coop/graph/.",
        )


def _display(url: str) -> str:
    """The URL without any user:password@ part, for messages."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=host))


def _unreachable(url: str, reason: object, timeout: float) -> StoreUnreachableError:
    if isinstance(reason, ConnectionRefusedError):
        why = "connection refused"
    elif isinstance(reason, TimeoutError):  # socket.timeout is an alias of it
        why = f"no answer within {timeout:g} s"
    elif isinstance(reason, socket.gaierror):
        why = f"unknown host ({reason.strerror})"
    else:
        why = str(getattr(reason, "strerror", None) or reason)
    return StoreUnreachableError(f"cannot reach the store at {_display(url)}: {why}")


def _from_http_error(url: str, error: urllib.error.HTTPError, user: str | None) -> StoreError:
    status = error.code
    try:
        content_type = error.headers.get_content_type() if error.headers else ""
        message = _server_message(error.read(), content_type)
    except OSError:
        message = ""
    finally:
        error.close()
    said = f": {message}" if message else ""
    where = _display(url)
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
        location = error.headers.get("Location", "")
        hint = f"The store redirects to {location}: push to that URL." if location else None
    elif status in (404, 405, 501):
        hint = "Is this the Graph Store endpoint (e.g. /ds/data, /sparql-graph-crud-auth)?"
    return StoreRequestError(
        f"the store at {where} answered {status} {error.reason}{said}", status, message, hint
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
