"""Write a ``QueryResult`` in the format the next tool reads.

SELECT and ASK: ``table`` (for people, on a terminal), ``csv``, ``tsv``, ``json`` (SPARQL 1.1
Query Results JSON) and ``xml`` (SPARQL Query Results XML). CONSTRUCT and DESCRIBE:
``turtle``, ``ntriples``, ``jsonld`` and ``xml`` (RDF/XML).

The standard formats come from the engines' own serialisers: pyoxigraph writes the SPARQL
results and Turtle, N-Triples and RDF/XML; rdflib writes JSON-LD, because it compacts with
a context of our prefixes where pyoxigraph writes expanded JSON-LD only. Hand-written here:
the table, and the TSV that carries rows to pyoxigraph (see ``_solutions``).
"""

from __future__ import annotations

import json
import shutil
import textwrap

import pyoxigraph as ox

from graph.errors import CoopGraphError
from graph.namespace import PREFIXES
from graph.query import QueryResult, Term

__all__ = [
    "DEFAULT_FORMAT",
    "FORMATS",
    "FormatError",
    "check_format",
    "format_result",
]

#: Query form -> the formats it can be written in; the first is the default.
FORMATS: dict[str, tuple[str, ...]] = {
    "select": ("table", "csv", "tsv", "json", "xml"),
    "ask": ("table", "csv", "tsv", "json", "xml"),
    "construct": ("turtle", "ntriples", "jsonld", "xml"),
    "describe": ("turtle", "ntriples", "jsonld", "xml"),
}
DEFAULT_FORMAT = {kind: formats[0] for kind, formats in FORMATS.items()}
ALL_FORMATS = ("table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld")

_RESULTS_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
}
_RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}
#: Widest a table column gets before its cells wrap onto more lines.
_MAX_WIDTH = 48


class FormatError(CoopGraphError):
    """The format does not fit the kind of result (e.g. Turtle for a SELECT)."""

    exit_code = 2


def check_format(kind: str, fmt: str | None) -> str:
    """The format to use for a result of ``kind``: ``fmt``, or the default when None."""
    if fmt is None:
        return DEFAULT_FORMAT[kind]
    if fmt not in FORMATS[kind]:
        raise FormatError(
            f"a {kind.upper()} result cannot be written as {fmt}",
            hint=f"Use one of {', '.join(FORMATS[kind])} for {kind.upper()} queries.",
        )
    return fmt


def format_result(result: QueryResult, fmt: str | None = None) -> bytes:
    """The result written in ``fmt`` (default: a table, or Turtle for a graph)."""
    fmt = check_format(result.kind, fmt)
    if result.kind in ("construct", "describe"):
        return _graph(result, fmt)
    if fmt == "table":
        return _table(result).encode("utf-8")
    if result.kind == "ask":
        if fmt in ("csv", "tsv"):  # SPARQL's CSV and TSV define no boolean: one word
            return b"true\n" if result.boolean else b"false\n"
        # The one way to get a pyoxigraph boolean result is to ask for one.
        boolean = ox.Store().query("ASK {}" if result.boolean else "ASK { FILTER(false) }")
        return _ending(boolean.serialize(format=_RESULTS_FORMATS[fmt]))
    return _ending(_solutions(result).serialize(format=_RESULTS_FORMATS[fmt]))


def _ending(data: bytes) -> bytes:
    """End with a newline, as text on a terminal should (parsers ignore it)."""
    return data if data.endswith(b"\n") else data + b"\n"


def _solutions(result: QueryResult) -> ox.QuerySolutions:
    """The rows as pyoxigraph solutions, so that pyoxigraph's serialisers write them.

    pyoxigraph builds solutions only by evaluating or by parsing; TSV is the lossless way
    in: each term in N-Triples syntax (escapes included), one row per line.
    """
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if term is None else str(term) for term in row))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)


def _graph(result: QueryResult, fmt: str) -> bytes:
    triples = sorted(
        result.triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    prefixes = _used_prefixes(triples)
    if fmt == "jsonld":
        graph = result.graph
        document = graph.serialize(format="json-ld", context=prefixes, auto_compact=True)
        # rdflib writes the keys in insertion order; sorting them makes the bytes stable.
        return (
            json.dumps(json.loads(document), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        ).encode("utf-8")
    if fmt == "ntriples":
        prefixes = {}
    return ox.serialize(triples, format=_RDF_FORMATS[fmt], prefixes=prefixes)


def _used_prefixes(triples: list[ox.Triple]) -> dict[str, str]:
    """Our prefixes whose namespace some IRI of the triples falls in."""
    iris = set()
    for triple in triples:
        for term in triple:
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in PREFIXES.items() if any(i.startswith(ns) for i in iris)}


# --- the table: hand-written, for people ----------------------------------------------------


def _table(result: QueryResult) -> str:
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    header = list(result.variables)
    count = len(result.rows)
    if not header:  # SELECT * {} and the like: solutions without a single column
        return f"(no columns; {count} row{'s' if count != 1 else ''})\n"
    cells = [[_cell(term) for term in row] for row in result.rows]
    widths = [len(name) for name in header]
    for row in cells:
        for i, value in enumerate(row):
            widths[i] = max(
                widths[i], min(_MAX_WIDTH, max((len(p) for p in value.split("\n")), default=0))
            )
    widths = _fit(widths)
    lines = [_line(header, widths), "  ".join("-" * w for w in widths)]
    for row in cells:
        lines.extend(_wrapped(row, widths))
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _fit(widths: list[int]) -> list[int]:
    """Narrow the widest columns until the table fits the terminal (never below 12)."""
    room = shutil.get_terminal_size((160, 24)).columns - 2 * (len(widths) - 1)
    widths = list(widths)
    while sum(widths) > room and max(widths) > 12:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def _line(values: list[str], widths: list[int]) -> str:
    return "  ".join(v.ljust(w) for v, w in zip(values, widths, strict=True))


def _wrapped(row: list[str], widths: list[int]) -> list[str]:
    columns = [
        textwrap.wrap(value, width, break_long_words=True, replace_whitespace=True) or [""]
        for value, width in zip(row, widths, strict=True)
    ]
    height = max(len(c) for c in columns)
    return [_line([c[i] if i < len(c) else "" for c in columns], widths) for i in range(height)]


def _cell(term: Term | None) -> str:
    """A term as people read it: a prefixed name, a literal's text, ``_:b0``."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return _prefixed(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value.replace("\r", " ").replace("\n", " ")


def _prefixed(iri: str) -> str:
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
            best = prefix
    if best is None:
        return iri
    local = iri[len(PREFIXES[best]) :]
    return f"{best}:{local}" if "/" not in local and "#" not in local else iri
