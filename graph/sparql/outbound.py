"""Outbound HTTP: one request to a store or an endpoint, finished within one deadline.

Both ``query --endpoint`` and ``push`` go through ``exchange()``. Its deadline covers the
whole exchange: resolving the name, connecting, TLS, sending the body, waiting for the
head and reading the answer. A socket timeout alone does not do that: it bounds each
read, so a server that sends one byte a second holds the client for as long as it likes.
Every network failure becomes one of the errors below, never an ``OSError`` or an
``http.client`` exception, and ``check_url`` refuses a malformed URL before anything is
sent.

urllib still does the protocol (authentication challenges, proxies, TLS); only its
connection is replaced by one whose every send and read first sets the socket's timeout
to the time left. No client library does this for a blocking call: urllib3's
``Timeout(total=...)`` and httpx's timeouts bound each network operation too
(encode/httpx#1450), and a library would not spare us the error mapping.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import math
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from graph.errors import CoopGraphError

__all__ = [
    "ANSWER_LIMIT",
    "Answer",
    "BadAnswerError",
    "CannotConnectError",
    "Deadline",
    "DeadlineError",
    "InvalidURLError",
    "OutboundError",
    "check_url",
    "display_url",
    "exchange",
    "is_loopback",
]

#: The largest answer read (bytes); a larger one is an error, not a full memory.
ANSWER_LIMIT = 256 * 1024 * 1024
#: How much of an error status's body is kept: enough for the message it carries.
ERROR_BODY_LIMIT = 64 * 1024
_CHUNK = 64 * 1024


# --- errors ---------------------------------------------------------------------------------


class InvalidURLError(CoopGraphError):
    """The URL cannot be used: not http(s), malformed, no host, a bad port."""

    exit_code: ClassVar[int] = 2
    default_hint = (
        "Give a full URL such as http://127.0.0.1:3030/ds/data: write a space as %20 "
        "and an IPv6 address in brackets, http://[::1]:3030/."
    )


class OutboundError(CoopGraphError):
    """No usable answer; ``reason`` says why in a few words, for the caller's message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CannotConnectError(OutboundError):
    """Nothing answered: an unknown name, a refused connection, a failed TLS handshake."""


class DeadlineError(OutboundError):
    """The exchange was not over when the time was up."""


class BadAnswerError(OutboundError):
    """The server answered, but not a whole HTTP message within the size limit."""


# --- URLs -----------------------------------------------------------------------------------

# RFC 1123 host name labels, plus "_" that some internal names carry. Written here because
# urllib.parse accepts any text as a host ("a b") and only the resolver would complain.
_LABEL = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)")
_USERINFO = re.compile(r"(//)[^/?#]*@")


def display_url(url: str) -> str:
    """The URL without a ``user:password@`` part, for messages; never raises."""
    return _USERINFO.sub(r"\1", url, count=1)


def check_url(url: str) -> urllib.parse.SplitResult:
    """The parts of ``url``, or ``InvalidURLError`` saying what is wrong with it."""

    def invalid(why: str) -> InvalidURLError:
        return InvalidURLError(f"{display_url(url)!r} is not a valid URL: {why}")

    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError as error:
        text = str(error)
        if "Port" in text:
            raise invalid("the port must be a number from 1 to 65535") from None
        if "IPv6" in text or "IPv4" in text:
            raise invalid("the address in [ ] is not a closed, valid IPv6 address") from None
        raise invalid(text) from None
    if parts.scheme not in ("http", "https"):
        raise invalid("it is not an http or https URL")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise invalid("it contains a space or a control character (write a space as %20)")
    host = parts.hostname
    if not host:
        raise invalid("it names no host")
    if port == 0:
        raise invalid("the port must be a number from 1 to 65535")
    if parts.username is not None:
        raise invalid("a user or a password in the URL is not sent")
    if not (parts.path + parts.query).isascii():
        raise invalid("write the letters beyond ASCII in the path or query as %XX")
    if not _is_address(host) and not _is_host_name(host):
        raise invalid(f"{host!r} is not a host name")
    return parts


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_host_name(host: str) -> bool:
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.removesuffix(".").split(".")
    return all(_LABEL.fullmatch(label) for label in labels)


def is_loopback(url: str) -> bool:
    """Whether the URL names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    return is_loopback_host(urllib.parse.urlsplit(url).hostname or "")


def is_loopback_host(host: str) -> bool:
    """Whether a host name or address is this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the exchange ---------------------------------------------------------------------------


class Deadline:
    """When an exchange (or several, for one query) must be over; ``None`` seconds: never."""

    def __init__(self, seconds: float | None) -> None:
        if seconds is not None and not seconds > 0:
            raise ValueError(f"a deadline needs a positive number of seconds, not {seconds}")
        self.seconds = seconds
        finite = seconds is not None and math.isfinite(seconds)
        self._end = time.monotonic() + seconds if finite else None

    @property
    def bounded(self) -> bool:
        return self._end is not None

    def left(self) -> float | None:
        """Seconds left, for ``settimeout``; ``TimeoutError`` once the time is up."""
        if self._end is None:
            return None
        left = self._end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline has passed")
        return left


@dataclass(frozen=True)
class Answer:
    """A whole HTTP answer. Error statuses are answers too: the caller words them."""

    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get_content_type()


def exchange(
    method: str,
    url: str,
    *,
    deadline: Deadline,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    credentials: tuple[str, str] | None = None,
    limit: int = ANSWER_LIMIT,
) -> Answer:
    """Send one request and read its whole answer before ``deadline``.

    ``credentials`` (user, password) answer a Basic or a Digest challenge. Redirects are
    not followed (a redirected POST or PUT loses its body): a 3xx is returned like any
    status. A host on this machine is reached directly, never through a proxy of the
    environment. Raises ``InvalidURLError``, ``CannotConnectError``, ``DeadlineError`` or
    ``BadAnswerError``.
    """
    check_url(url)
    state = _State(deadline)
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    try:
        try:
            response = _opener(url, state, credentials).open(request, timeout=deadline.left())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.reason, error.headers, _read(error, None))
        with response:
            return Answer(
                response.status, response.reason, response.headers, _read(response, limit)
            )
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise _failure(error, state) from None


class _State:
    """The deadline of one exchange, and whether a connection was made (for the message)."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.connected = False


def _read(response, limit: int | None) -> bytes:
    """The body, in chunks; at most ``limit`` bytes (None: ``ERROR_BODY_LIMIT``, cut)."""
    cap = ERROR_BODY_LIMIT if limit is None else limit
    length = response.headers.get("Content-Length", "")
    if limit is not None and length.isdigit() and int(length) > limit:
        raise _TooLarge(limit)
    chunks, size = [], 0
    while size <= cap:
        chunk = response.read(min(_CHUNK, cap + 1 - size))
        if not chunk:
            # read(amt) ends quietly where the server closed; read() would raise. The
            # HTTPResponse (an HTTPError's is its fp) counts what it still expected.
            source = response
            if not isinstance(source, http.client.HTTPResponse):
                source = getattr(response, "fp", None)
            if isinstance(source, http.client.HTTPResponse) and source.length:
                raise http.client.IncompleteRead(b"".join(chunks), source.length)
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > cap and limit is not None:
        raise _TooLarge(limit)
    return b"".join(chunks)[:cap]


class _TooLarge(ValueError):
    def __init__(self, limit: int) -> None:
        size = f"{limit / 2**20:g} MB" if limit >= 2**20 else f"{limit} bytes"
        super().__init__(f"the answer is larger than {size}")


def _failure(error: BaseException, state: _State) -> OutboundError:
    """One of our errors for whatever urllib, http.client or the socket raised."""
    if isinstance(error, urllib.error.URLError) and isinstance(error.reason, BaseException):
        error = error.reason
    if isinstance(error, TimeoutError):  # socket.timeout too, and our deadline's own
        if not state.deadline.bounded:  # the system's own connect timeout
            return DeadlineError("timed out")
        return DeadlineError(f"no answer within {state.deadline.seconds:g} s")
    if isinstance(error, _TooLarge):
        return BadAnswerError(str(error))
    if isinstance(error, http.client.IncompleteRead):
        expected = f" of {len(error.partial) + error.expected}" if error.expected else ""
        return BadAnswerError(f"the answer was cut off after {len(error.partial)}{expected} bytes")
    if isinstance(error, http.client.RemoteDisconnected):
        return BadAnswerError("the server closed the connection without answering")
    if isinstance(error, http.client.BadStatusLine):
        return BadAnswerError(f"the answer is not HTTP (it begins {str(error)[:40]!r})")
    if isinstance(error, http.client.HTTPException):
        return BadAnswerError(f"the answer is not valid HTTP ({type(error).__name__})")
    if isinstance(error, urllib.error.URLError):
        return CannotConnectError(str(error.reason))
    if isinstance(error, socket.gaierror):
        return CannotConnectError(f"unknown host ({error.strerror})")
    if isinstance(error, ssl.SSLCertVerificationError):
        return CannotConnectError(f"its TLS certificate is not trusted ({error.verify_message})")
    if isinstance(error, ssl.SSLError) and state.connected:
        return BadAnswerError(f"the TLS connection broke ({error.reason or error})")
    if isinstance(error, ssl.SSLError):
        return CannotConnectError(f"the TLS handshake failed ({error.reason or error})")
    if isinstance(error, ConnectionRefusedError):
        return CannotConnectError("connection refused")
    if isinstance(error, ConnectionError) and state.connected:
        return BadAnswerError("the server closed the connection before the answer was whole")
    if isinstance(error, OSError):
        why = error.strerror or str(error) or type(error).__name__
        return CannotConnectError(why) if not state.connected else BadAnswerError(why)
    # ValueError: urllib's Digest handler on a malformed challenge, and the like.
    return BadAnswerError(str(error) or type(error).__name__)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected PUT or POST would lose its body or its credentials: report it instead."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener(
    url: str, state: _State, credentials: tuple[str, str] | None
) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = [
        _HTTPHandler(state),
        _HTTPSHandler(state),
        _NoRedirect(),
    ]
    if credentials is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, *credentials)
        # Both: each answers only the challenge of its own scheme.
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    if is_loopback(url):
        # A request to this machine never goes through a proxy of the environment.
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


# --- a connection under the deadline --------------------------------------------------------


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, state: _State) -> None:
        super().__init__()
        self._state = state

    def http_open(self, req):
        return self.do_open(partial(_HTTPConnection, state=self._state), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, state: _State) -> None:
        super().__init__()
        self._state = state

    def https_open(self, req):
        return self.do_open(partial(_HTTPSConnection, state=self._state), req)


class _DeadlineConnection:
    """Connects within the time left, then lets the socket be used only through it."""

    _state: _State

    def connect(self) -> None:
        deadline = self._state.deadline
        self.timeout = deadline.left()
        self._create_connection = partial(_connect, deadline=deadline)
        # TCP, then a proxy's CONNECT and the TLS handshake within the time left at the
        # end of TCP's (CPython bounds a handshake as a whole).
        super().connect()
        self._state.connected = True
        self.sock = _DeadlineSocket(self.sock, deadline)


class _HTTPConnection(_DeadlineConnection, http.client.HTTPConnection):
    def __init__(self, *args, state: _State, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._state = state


class _HTTPSConnection(_DeadlineConnection, http.client.HTTPSConnection):
    def __init__(self, *args, state: _State, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._state = state


def _connect(address, timeout, source_address=None, *, deadline: Deadline) -> socket.socket:
    """``socket.create_connection``, with the name resolved within the deadline."""
    host, port = address
    last: OSError | None = None
    for *_, sockaddr in _resolve(host, port, deadline):
        try:
            return socket.create_connection(sockaddr[:2], deadline.left(), source_address)
        except TimeoutError:
            raise
        except OSError as error:  # try the next address, as create_connection does
            last = error
    raise last or OSError(f"{host} has no address")


def _resolve(host: str, port: int, deadline: Deadline) -> list:
    """``getaddrinfo`` has no timeout: it runs in a daemon thread left behind if time is up."""
    if _is_address(host):
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list = []
    done = threading.Event()

    def resolve() -> None:
        try:
            found.append(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))
        except (OSError, UnicodeError) as error:
            found.append(error)
        finally:
            done.set()

    threading.Thread(target=resolve, name="coopgraph-resolve", daemon=True).start()
    if not done.wait(deadline.left()):
        raise TimeoutError(f"{host} was not resolved in time")
    if isinstance(found[0], BaseException):
        raise found[0]
    return found[0]


class _DeadlineSocket:
    """The connection's socket, whose every send and read waits at most the time left.

    http.client sends with ``sendall`` (bounded as a whole since Python 3.5) and reads the
    answer through ``makefile("rb")``; the file given here sets the timeout before each
    read of the buffer, so a server dripping its answer meets the deadline mid-body.
    """

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def sendall(self, data) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb", *args, **kwargs) -> io.BufferedReader:
        # The socket's own raw file keeps it open until the answer is read.
        return io.BufferedReader(_DeadlineReader(self._sock.makefile("rb", buffering=0), self))

    def bound(self) -> None:
        """Let the next operation wait at most the time left."""
        self._sock.settimeout(self._deadline.left())

    def close(self) -> None:
        self._sock.close()

    def __getattr__(self, name: str):
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    def __init__(self, raw: io.RawIOBase, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int | None:
        self._sock.bound()
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()
