"""Read a SPARQL text with a real parser and refuse what could write or reach outside.

Queries run read-only on the loaded data and never open a connection. So, before any engine
sees a text, it is parsed with rdflib's SPARQL 1.1 grammar (comments, strings and IRIs are
the parser's business, not ours) and refused when it holds:

- ``SERVICE`` anywhere (rdflib and Oxigraph would both send a request);
- ``FROM`` / ``FROM NAMED`` naming a graph outside the loaded data, whose graphs are
  ``https://w3id.org/jura-coop/graph/<file stem>`` (rdflib fetches any other from the web;
  whether the named graph exists is checked when the data is at hand);
- any update: ``LOAD``, ``INSERT``, ``DELETE``, ``CLEAR``, ``CREATE``, ``DROP``, ``COPY``,
  ``MOVE``, ``ADD``.

A text that is neither a query nor an update is a ``QuerySyntaxError`` naming the line and
the column. The result is cached per text: rdflib's parser takes ~10 ms, longer than
Oxigraph needs to answer most of the catalogue on our data.

One reading: what is checked is exactly what runs. rdflib replaces every ``\\uXXXX`` escape
in the whole text before parsing (as SPARQL 1.1, section 19.2, says), Oxigraph only inside
strings and IRIs; rdflib ends a comment at a line feed, Oxigraph at a carriage return too.
So ``"\\u0022"`` or ``# ...\\r`` could hide a SERVICE from the check that Oxigraph then
executes. ``canonical_text`` removes both differences (escapes expanded once, line breaks
made ``\\n``; a text in which an escape survives that is refused), and the canonical text is
the one every engine is given: ``QueryInfo.text``. The worker processes of ``coopgraph
serve`` and of ``--timeout`` cannot open a network socket at all (``graph.workers.sandbox``), so a
difference between the readings that this misses still reaches nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pyparsing import ParseBaseException, ParseResults
from rdflib import URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import (
    expandUnicodeEscapes,
    expandUnicodeEscapes_re,
    parseQuery,
    parseUpdate,
)
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import CoopGraphError
from graph.rdf import sparql_text
from graph.rdf.vocab import GRAPH_BASE, PREFIXES

__all__ = [
    "MAX_NESTING",
    "QueryInfo",
    "QueryRefusedError",
    "QuerySyntaxError",
    "canonical_text",
    "check_query",
]

#: Brackets ``( { [`` open at once, at most. rdflib's recursive-descent parser runs out of
#: Python stack near 22 nested parentheses or 35 nested groups; beyond this the text is
#: refused with the position, before the parser is called.
MAX_NESTING = 16

#: The algebra's name of each query form -> our name.
_FORMS = {
    "SelectQuery": "select",
    "AskQuery": "ask",
    "ConstructQuery": "construct",
    "DescribeQuery": "describe",
}
#: rdflib's name of each update operation -> its SPARQL keyword.
_UPDATES = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "DELETE/INSERT",
}


_UPDATE_KEYWORDS = {
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "INSERT",
    "DELETE",
    "WITH",
}


class QuerySyntaxError(CoopGraphError):
    """The text is not a SPARQL 1.1 query; ``line`` and ``column`` say where it goes wrong."""

    exit_code = 2
    default_hint = "Fix the query at that position (see https://www.w3.org/TR/sparql11-query/)."

    def __init__(
        self, message: str, line: int | None = None, column: int | None = None, hint=None
    ) -> None:
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"syntax error in the query: {where}{message}", hint)


class QueryRefusedError(CoopGraphError):
    """The query would write, fetch or call out; it was not run."""

    exit_code = 2


@dataclass(frozen=True)
class QueryInfo:
    """What the parser tells about a query that may run."""

    #: The text as it was checked and as it must run (see ``canonical_text``).
    text: str
    #: select, ask, construct or describe.
    form: str
    #: Every variable the text names, in order of first appearance.
    variables: tuple[str, ...]
    #: SELECT: the projected variables in order; DESCRIBE: the described variables.
    projection: tuple[str, ...]
    #: DESCRIBE: the IRIs named in its head.
    describe_iris: tuple[str, ...]
    #: The graphs named by FROM (default) and FROM NAMED (named).
    from_graphs: tuple[str, ...]
    from_named: tuple[str, ...]
    #: Whether a GRAPH pattern asks for the named graphs (one per data file).
    uses_graph: bool = False


def canonical_text(text: str) -> str:
    """``text`` as every parser and engine here reads it alike: escapes expanded, ``\\n`` lines.

    The ``\\u`` escapes are expanded by rdflib's own function, the one its parser calls, so
    rdflib reads the result unchanged; an escape that the expansion leaves or makes
    (``\\u005Cu0022``) would be expanded a second time by rdflib and never by Oxigraph, so it
    is refused. ``\\r\\n`` and a lone ``\\r`` become ``\\n``: where a comment ends no longer
    depends on the parser.
    """
    try:
        expanded = expandUnicodeEscapes(text)
    except ValueError as error:  # \uD800 and the like: not a character
        raise QuerySyntaxError(str(error)) from None
    left = expandUnicodeEscapes_re.search(expanded)
    if left is not None:
        line, column = sparql_text.position(expanded, left.start())
        raise QuerySyntaxError(
            f"an escape is left after the \\u escapes were expanded: {left.group()!r}\n"
            f"{_excerpt(expanded, line, column)}",
            line,
            column,
            hint="Write the character itself instead of escaping an escape.",
        )
    return expanded.replace("\r\n", "\n").replace("\r", "\n")


@functools.lru_cache(maxsize=512)
def check_query(text: str) -> QueryInfo:
    """Parse ``text``; raise ``QuerySyntaxError`` or ``QueryRefusedError`` if it may not run.

    The returned ``QueryInfo.text`` is the text to run (``canonical_text``), never ``text``.
    """
    text = canonical_text(text)
    _check_nesting(text)
    try:
        parsed = parseQuery(text)
    except ParseBaseException as query_error:
        _refuse_if_update(text, query_error)
        raise _syntax_error(text, query_error) from None
    except ValueError as error:  # an invalid \u escape, found before parsing
        raise QuerySyntaxError(str(error)) from None
    except RecursionError:  # MAX_NESTING keeps the parser off this; a backstop all the same
        raise QuerySyntaxError(
            "the query is nested too deeply to be read", hint=_NESTING_HINT
        ) from None

    nodes = list(_walk(parsed))
    _refuse_services(nodes)
    try:
        query = translateQuery(parsed, initNs=PREFIXES)
    except RecursionError:
        raise QuerySyntaxError(
            "the query is nested too deeply to be read", hint=_NESTING_HINT
        ) from None
    except Exception as error:  # rdflib raises bare Exceptions, e.g. for an unknown prefix
        raise _semantic_error(text, error) from None

    algebra = query.algebra
    from_graphs, from_named = _dataset(algebra["datasetClause"] or [])
    _refuse_outside_graphs([*from_graphs, *from_named])
    form = _FORMS[algebra.name]
    pv = list(algebra["PV"] or []) if "PV" in algebra else []
    order = sparql_text.variables_in_order(text)
    projection = tuple(str(v) for v in pv if isinstance(v, Variable))
    if form == "select" and "projection" not in parsed[1]:
        # SELECT *: rdflib keeps the variables in a set; SPARQL's order is that of the text.
        projection = tuple(sorted(projection, key=lambda v: order.index(v) if v in order else 0))
    iris = tuple(str(v) for v in pv if isinstance(v, URIRef)) if form == "describe" else ()
    return QueryInfo(
        text=text,
        form=form,
        variables=tuple(order),
        projection=projection if form in {"select", "describe"} else (),
        describe_iris=iris,
        from_graphs=tuple(from_graphs),
        from_named=tuple(from_named),
        uses_graph=any(_named(node, "GraphGraphPattern") for node in nodes),
    )


def _refuse_services(nodes: list) -> None:
    services = [node for node in nodes if _named(node, "ServiceGraphPattern")]
    if services:
        target = services[0]["term"] if "term" in services[0] else None
        name = f"SERVICE <{target}>" if isinstance(target, URIRef) else "SERVICE"
        raise QueryRefusedError(
            f"{name} is refused: queries run on the loaded data and never reach the network",
            hint="Remove the SERVICE block. To query another endpoint, run the whole query "
            "there with --endpoint URL.",
        )


def _refuse_outside_graphs(graphs: list[str]) -> None:
    """FROM and FROM NAMED may name the graphs of the loaded data only."""
    for graph in graphs:
        if not graph.startswith(GRAPH_BASE):
            raise QueryRefusedError(
                f"FROM <{graph}> is refused: only the graphs of the loaded data may be named, "
                "and no data is fetched from elsewhere",
                hint="Remove the FROM clause to query the whole loaded graph, or name a graph "
                f"of the data: <{GRAPH_BASE}FILE-STEM> (one per data file), "
                f"<{GRAPH_BASE}ontology> or <{GRAPH_BASE}inferred>.",
            )


_NESTING_HINT = (
    f"Keep at most {MAX_NESTING} brackets ( {{ [ open at once: split the expression, "
    "or use VALUES or UNION instead of nesting."
)


def _check_nesting(text: str) -> None:
    """Refuse more than ``MAX_NESTING`` open brackets, naming where the limit is passed.

    A lexer counts (strings, IRIs and comments hide no bracket); the parser would otherwise
    exhaust Python's stack, and a 400 with a position beats a 500.
    """
    depth = 0
    for token in sparql_text.tokens(text):
        if token.kind != "punct":
            continue
        if token.text in "({[":
            depth += 1
            if depth > MAX_NESTING:
                line, column = sparql_text.position(text, token.start)
                raise QuerySyntaxError(
                    f"more than {MAX_NESTING} brackets are open here\n"
                    f"{_excerpt(text, line, column)}",
                    line,
                    column,
                    hint=_NESTING_HINT,
                )
        elif token.text in ")}]":
            depth = max(depth - 1, 0)


def _refuse_if_update(text: str, query_error: ParseBaseException) -> None:
    try:
        update = parseUpdate(text)
    except ParseBaseException as update_error:
        # Neither a query nor an update: report whichever reading got further.
        if update_error.loc > query_error.loc:
            raise _syntax_error(text, update_error) from None
        return
    except ValueError:
        return
    if "request" not in update:  # only a prologue, or nothing at all
        raise QuerySyntaxError(
            "the query is empty",
            hint="Write a SELECT, ASK, CONSTRUCT or "
            "DESCRIBE query, or name one from `coopgraph queries`.",
        )
    operations = [_UPDATES.get(op.name, op.name) for op in update["request"]]
    raise _update_refused(operations[0])


def _update_refused(keyword: str) -> QueryRefusedError:
    return QueryRefusedError(
        f"{keyword} is refused: queries are read-only here "
        "(no LOAD, INSERT, DELETE, CLEAR, CREATE, DROP, COPY, MOVE or ADD)",
        hint="Edit the Turtle files in the data folder to change the data; "
        "use SELECT, ASK, CONSTRUCT or DESCRIBE to read it.",
    )


def _syntax_error(text: str, error: ParseBaseException) -> CoopGraphError:
    first_word = next(
        (
            t.text.upper()
            for t in sparql_text.tokens(text)
            if t.kind == "word" and t.text.upper() not in {"PREFIX", "BASE"}
        ),
        "",
    )
    if first_word in _UPDATE_KEYWORDS:
        # A malformed update is still an update: say it would be refused, not how to fix it.
        return _update_refused(first_word)
    loc = min(error.loc, len(text))
    line, column = sparql_text.position(text, loc)
    found = next((t.text for t in sparql_text.tokens(text) if t.end > loc), "")
    what = f"unexpected {found[:40]!r}" if found else "unexpected end of the query"
    return QuerySyntaxError(f"{what}\n{_excerpt(text, line, column)}", line, column)


def _semantic_error(text: str, error: Exception) -> QuerySyntaxError:
    message = str(error)
    if message.startswith("Unknown namespace prefix"):
        prefix = message.rsplit(":", 1)[-1].strip()
        for token in sparql_text.tokens(text):
            if token.kind == "pname" and token.text.split(":", 1)[0] == prefix:
                line, column = sparql_text.position(text, token.start)
                return QuerySyntaxError(
                    f"the prefix {prefix}: is not declared\n{_excerpt(text, line, column)}",
                    line,
                    column,
                    hint=f"Add PREFIX {prefix}: <...> at the top, or use one of the "
                    f"project's prefixes ({', '.join(sorted(PREFIXES))}).",
                )
    return QuerySyntaxError(message)


def _excerpt(text: str, line: int, column: int) -> str:
    """The line in question with a caret under the column."""
    lines = text.split("\n")
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"  {source}\n  {' ' * (column - 1)}^"


def _dataset(clauses: list[CompValue]) -> tuple[list[str], list[str]]:
    default, named = [], []
    for clause in clauses:
        # CompValue.get returns the key itself when it is missing: test with ``in``.
        if "default" in clause:
            default.append(str(clause["default"]))
        elif "named" in clause:
            named.append(str(clause["named"]))
    return default, named


def _named(node: object, name: str) -> bool:
    return isinstance(node, CompValue) and node.name == name


def _walk(node: object) -> Iterable[object]:
    """Every node of a pyparsing/rdflib parse tree, depth first."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, ParseResults):  # a list with named parts (also a Mapping)
            stack.extend(current)
            stack.extend(current.values())
        elif isinstance(current, Mapping):
            stack.extend(current.values())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
