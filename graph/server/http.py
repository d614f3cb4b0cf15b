"""The HTTP side of a request: reading its parameters and body strictly, and the plain
responses the server makes itself.

Strict because a query nobody wrote must never run: bytes that are not UTF-8, a charset
other than UTF-8 or a body longer than the limit are refused (400, 413) rather than
repaired. Each refusal is a ``BadRequest``, answered as plain text: what is wrong, then
what to do about it.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response

from graph.rdf.terms import LANGUAGES
from graph.server.reply import Reply

__all__ = [
    "ENTITY_PATH",
    "QUERY_NAME",
    "BadRequest",
    "check_charset",
    "from_reply",
    "language",
    "media_type",
    "parse_pairs",
    "read_body",
    "read_only",
    "text_response",
    "too_large",
    "utf8_text",
]

#: A path under /id/: slugs made of letters, digits, ``-``, ``_`` and ``.`` (never first), so
#: ``..``, backslashes, NUL, ``%`` and empty segments cannot get through.
ENTITY_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9][A-Za-z0-9_.\-]*)*")
#: A catalogue query's name: never a path (a name ending in .rq would be read as a file).
QUERY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


class BadRequest(Exception):
    """A request refused before any worker sees it."""

    def __init__(self, status: int, message: str, hint: str = "", headers=None) -> None:
        super().__init__(message)
        self.status = status
        self.hint = hint
        self.headers = headers or {}

    def response(self) -> Response:
        return text_response(self.status, str(self), self.hint, self.headers)


def text_response(status: int, message: str, hint: str = "", headers=None) -> Response:
    """A plain-text answer: the message, then what to do about it."""
    body = message.rstrip() + ("\n" + hint.rstrip() if hint else "") + "\n"
    return PlainTextResponse(body, status_code=status, headers=headers)


def from_reply(reply: Reply, extra: dict[str, str] | None = None) -> Response:
    """The response of a worker's reply, with ``extra`` headers."""
    headers = {**reply.headers, **(extra or {})}
    return Response(
        reply.body, status_code=reply.status, headers=headers, media_type=reply.content_type
    )


def parse_pairs(raw: bytes, what: str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as pairs; 400 when the bytes or the percent-escapes are not UTF-8.

    Starlette would replace bad bytes with U+FFFD and run a query nobody wrote.
    """
    try:
        text = raw.decode("utf-8")
        return parse_qsl(
            text, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=200
        )
    except UnicodeDecodeError:
        raise BadRequest(
            400, f"the {what} is not valid UTF-8", "Percent-encode the query as UTF-8."
        ) from None
    except ValueError as error:
        raise BadRequest(400, f"the {what} cannot be read: {error}") from None


def media_type(header: str | None) -> tuple[str, dict[str, str]]:
    """A Content-Type header as its media type (lower case) and its parameters."""
    if not header:
        return "", {}
    kind, *params = header.split(";")
    values = {}
    for param in params:
        name, _, value = param.partition("=")
        values[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), values


async def read_body(request: Request, limit: int) -> bytes:
    """The body, read no further than ``limit`` bytes (413 beyond)."""
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise BadRequest(400, "Content-Length is not a number")
        if int(length) > limit:
            raise too_large(limit)
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise too_large(limit)
    except ClientDisconnect:
        # The client went away mid-body: nobody to answer, nothing to log but a line.
        raise BadRequest(400, "the client disconnected before sending the whole body") from None
    return bytes(body)


def too_large(limit: int) -> BadRequest:
    return BadRequest(
        413,
        f"the request is larger than the server's limit of {limit} bytes",
        "Send a shorter query (the limit is coopgraph serve --max-body).",
    )


def read_only() -> BadRequest:
    return BadRequest(
        400,
        "this endpoint is read-only: SPARQL Update is not accepted",
        "Edit the Turtle files of the data folder to change the data.",
    )


def check_charset(charset: str | None) -> None:
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise BadRequest(
            400,
            f"the query is sent as {charset[:40]}: SPARQL queries are UTF-8",
            "Send the body in UTF-8 (Content-Type: ...; charset=utf-8).",
        )


def utf8_text(body: bytes, charset: str | None) -> str:
    """The body as text; 400 unless it is UTF-8 (and says so, if it names a charset)."""
    check_charset(charset)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadRequest(
            400, f"the query is not valid UTF-8 (byte {error.start})", "Send the body in UTF-8."
        ) from None


def language(request: Request) -> str:
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
