"""What a worker answers (``Reply``) and in which media type (``negotiate``).

Both sides of the server use it: the workers make replies, the HTTP side negotiates the
media type of the pages it serves itself. It imports no web framework, so that a worker
(started again after each killed query) loads only what answering needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from graph.rdf.formats import RDF_FORMATS, RESULT_FORMATS

__all__ = [
    "ENTITY_TYPES",
    "RDF_TYPES",
    "RESULTS_TYPES",
    "Reply",
    "error_reply",
    "negotiate",
    "not_acceptable",
    "offers",
]

#: SELECT and ASK: media type -> ``graph.sparql.results`` format, in the order offered (the first
#: is the default). ``application/json`` is what browsers' fetch() and some clients ask for.
RESULTS_TYPES: dict[str, str] = {
    **{f.media_type: f.name for f in RESULT_FORMATS.values()},
    "application/json": "json",
}
#: CONSTRUCT and DESCRIBE: media type -> ``graph.sparql.results`` format. Graphs only: an
#: answer is one graph, never a dataset (TriG, N-Quads).
RDF_TYPES: dict[str, str] = {f.media_type: f.name for f in RDF_FORMATS.values() if not f.dataset}
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
        q = _weight(offer, ranges)
        if q > best_q:
            best, best_q = offer, q
    return best


def _weight(offer: str, ranges: list[tuple[tuple[str, str], float]]) -> float:
    """The weight of the most specific range that matches ``offer`` (0: none does)."""
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
    return q


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


def offers(form: str) -> list[str]:
    """The media types an answer of this query form (``select``, ``construct``...) comes in."""
    return list(RESULTS_TYPES if form in ("select", "ask") else RDF_TYPES)


def not_acceptable(accept: str, form: str) -> Reply:
    """406: nothing the client accepts fits an answer of this form."""
    return error_reply(
        406,
        f"none of the media types in Accept: {accept[:200]} fits a {form.upper()} result",
        f"Ask for one of: {', '.join(offers(form))}.",
    )
