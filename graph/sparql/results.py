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
import unicodedata

import pyoxigraph as ox

from graph.errors import CoopGraphError
from graph.rdf.formats import RDF_FORMATS, RESULT_FORMATS
from graph.rdf.terms import prefixed_name
from graph.rdf.vocab import ID, PREFIXES
from graph.sparql.result import QueryResult, Term

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

#: Our result and RDF format names -> Oxigraph's, from the one table (graph.rdf.formats).
_RESULTS_FORMATS = {
    name: getattr(ox.QueryResultsFormat, f.oxigraph) for name, f in RESULT_FORMATS.items()
}
_RDF_FORMATS = {name: getattr(ox.RdfFormat, f.oxigraph) for name, f in RDF_FORMATS.items()}
#: Narrowest a table column gets when the table must shrink to fit the terminal.
_MIN_WIDTH = 6
#: Narrowest an identifier column gets before the label columns start to give way.
_ID_WIDTH = 18


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


def format_result(
    result: QueryResult, fmt: str | None = None, *, iris: bool = False, width: int | None = None
) -> bytes:
    """The result written in ``fmt`` (default: a table, or Turtle for a graph).

    The table is for people: labels rather than the IRI columns they name (``iris=True``
    keeps those too), cut to ``width`` columns (default: the terminal's). Every other
    format carries every column and every value in full.
    """
    fmt = check_format(result.kind, fmt)
    if result.kind in ("construct", "describe"):
        return _graph(result, fmt)
    if fmt == "table":
        return _table(result, iris=iris, width=width).encode("utf-8")
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


def _table(result: QueryResult, *, iris: bool = False, width: int | None = None) -> str:
    """One line per row, cut to the width of the terminal.

    When the query selects labels (a column ``xLabel``), the columns of IRIs are left out unless
    ``iris``: ``xLabel`` says for people what ``x`` says for programs (an unbound label shows
    the short name of its IRI instead), and so do the columns of our own entities (``relation``:
    each has a label and a page); the terms of vocabularies and the links out stay. The last
    line names the columns left out. Cells too wide are cut with an ellipsis (an identifier in
    its middle, so that its kind and its end stay readable), never wrapped onto more lines.
    """
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    count = len(result.rows)
    rows_note = f"{count} row{'s' if count != 1 else ''}"
    if not result.variables:  # SELECT * {} and the like: solutions without a single column
        return f"(no columns; {rows_note})\n"
    variables = list(result.variables)
    identifiers, shown, hidden = _columns(result, iris)
    fallback = {  # label column -> the column of the IRI it names, shown when it is unbound
        i: variables.index(variables[i][: -len("Label")])
        for i in shown
        if variables[i].endswith("Label") and variables[i][: -len("Label")] in variables
    }
    header = [variables[i] for i in shown]
    cells: list[list[tuple[str, bool]]] = []
    for row in result.rows:
        line = []
        for i in shown:
            term = row[i]
            if term is None and i in fallback:
                term = row[fallback[i]]
            line.append(_cell(term))
        cells.append(line)
    widths = [_width(name) for name in header]
    for line in cells:
        for j, (text, _) in enumerate(line):
            widths[j] = max(widths[j], _width(text))
    if width is None:
        width = shutil.get_terminal_size((160, 24)).columns
    widths = _fit(widths, width, [i in identifiers for i in shown])
    lines = [
        _line([(name, False) for name in header], widths),
        "  ".join("-" * w for w in widths),
    ]
    lines.extend(_line(line, widths) for line in cells)
    if hidden:
        left_out = ", ".join(variables[i] for i in sorted(hidden))
        rows_note += f"; --iris adds the columns {left_out}"
    lines.append(f"({rows_note})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _columns(result: QueryResult, iris: bool) -> tuple[set[int], list[int], set[int]]:
    """(the columns of identifiers, the columns shown, the columns left out) of a table."""
    variables = list(result.variables)
    identifiers = {
        i
        for i in range(len(variables))
        if any(row[i] is not None for row in result.rows)
        and all(row[i] is None or not isinstance(row[i], ox.Literal) for row in result.rows)
    }
    labelled = any(v.endswith("Label") for v in variables)
    ours = {  # columns of our own entities, each with a page and a label of its own
        i
        for i in identifiers
        if all(row[i] is None or row[i].value.startswith(str(ID)) for row in result.rows)
    }
    paired = {i for i in identifiers if f"{variables[i]}Label" in variables}
    hidden = set() if iris or not labelled else paired | ours
    shown = [i for i in range(len(variables)) if i not in hidden]
    if not shown:
        shown, hidden = list(range(len(variables))), set()
    return identifiers, shown, hidden


def _fit(widths: list[int], room: int, identifiers: list[bool]) -> list[int]:
    """Column widths whose sum (with two spaces between columns) fits ``room``.

    Identifiers give way first, down to ``_ID_WIDTH``: a label cut short is worse than an
    IRI cut in its middle. Then every column narrower than an equal share of what is left
    keeps its width, and the others share the rest equally. None goes below ``_MIN_WIDTH``
    (or its own width): a very narrow terminal gets a table wider than itself rather than
    columns of one letter.
    """
    available = room - 2 * (len(widths) - 1)
    fitted = list(widths)
    if sum(fitted) <= available:
        return fitted
    for i, identifier in enumerate(identifiers):
        if identifier:
            fitted[i] = min(fitted[i], _ID_WIDTH)
    if sum(fitted) <= available:
        # Give back what is left, to the identifiers, in order.
        spare = available - sum(fitted)
        for i, identifier in enumerate(identifiers):
            if identifier:
                extra = min(spare, widths[i] - fitted[i])
                fitted[i] += extra
                spare -= extra
        return fitted
    order = sorted(range(len(fitted)), key=lambda i: fitted[i])
    left = available
    for position, i in enumerate(order):
        share = left // (len(order) - position)
        fitted[i] = max(min(fitted[i], share), min(fitted[i], _MIN_WIDTH))
        left -= fitted[i]
    return fitted


def _line(values: list[tuple[str, bool]], widths: list[int]) -> str:
    return "  ".join(
        _pad(_cut(text, width, middle), width)
        for (text, middle), width in zip(values, widths, strict=True)
    )


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _width(text: str) -> int:
    """Columns the text takes on a terminal (wide CJK characters two, accents none)."""
    return sum(_char_width(c) for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _cut(text: str, width: int, middle: bool) -> str:
    """``text`` in at most ``width`` columns, an ellipsis where it was cut."""
    if _width(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    if not middle:
        return _take(text, width - 1) + "…"
    head = _take(text, (width - 1) // 2 + (width - 1) % 2)
    tail = _take(text[::-1], (width - 1) // 2)[::-1]
    return head + "…" + tail


def _take(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` columns."""
    taken, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width:
            break
        taken.append(char)
    return "".join(taken)


def _cell(term: Term | None) -> tuple[str, bool]:
    """A term as people read it (a prefixed name, a literal's text, ``_:b0``), and whether
    it is an identifier (cut in its middle rather than at its end)."""
    if term is None:
        return "", False
    if isinstance(term, ox.NamedNode):
        return prefixed_name(term.value) or term.value, True
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}", True
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in term.value)
    return text, False
