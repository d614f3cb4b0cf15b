"""Read one Turtle file strictly: every problem a ``DataSyntaxError`` with its position.

Two parsers read a file. Oxigraph checks IRIs against RFC 3987 and names the line and
column of an error; rdflib makes the graph the outputs are written from, and lets through
what Oxigraph refuses (``<not an iri>``, relative IRIs resolved against the file's own
path). ``parse_turtle`` gives rdflib's graph once both accepted the text; ``load_checked``
puts the text in Oxigraph's store and refuses what ``parse_turtle`` refuses, with the same
error. Literals whose value does not fit their datatype are refused after parsing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax

from graph.dataset.prefixes import new_graph
from graph.dataset.sources import oxigraph_errors, position, read_turtle
from graph.errors import DataSyntaxError

__all__ = [
    "check_literals_in_store",
    "load_checked",
    "parse_turtle",
    "plain_strings",
    "quiet_rdflib",
    "rdflib_parse",
]


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file strictly; any problem is a ``DataSyntaxError`` with its position.

    The text is ``graph.dataset.sources.read_turtle``'s, as on Oxigraph's path
    (``graph.sparql.store``).
    """
    text = read_turtle(path)
    graph = rdflib_parse(path, text)
    _check_strict(path, text)
    _check_literals(path, text, graph)
    return plain_strings(graph)


def rdflib_parse(path: Path, text: str) -> Graph:
    """rdflib's reading of ``text``, every failure a ``DataSyntaxError``."""
    graph = Graph(bind_namespaces="none")
    try:
        with quiet_rdflib():
            graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        raise _from_bad_syntax(path, text, error) from None
    except RecursionError:
        depth, offset = _deepest_nesting(text)
        line, column = position(text, offset)
        raise DataSyntaxError(
            path,
            line,
            column,
            f"blank nodes or lists nested {depth} levels deep, more than the parser can follow",
            hint="Give the inner resources IRIs and refer to them instead of nesting [ ... ].",
        ) from None
    except (SyntaxError, ValueError, ParserError) as error:
        raise DataSyntaxError(path, None, None, str(error)) from None
    except (IndexError, KeyError, TypeError, AttributeError) as error:
        # rdflib's Turtle parser trips over some broken texts (a file that ends in "(").
        # Oxigraph's parser names the position; if it finds nothing, say what rdflib hit.
        _check_strict(path, text)
        raise DataSyntaxError(
            path, None, None, f"rdflib cannot read this file ({type(error).__name__}: {error})"
        ) from None
    return graph


def load_checked(
    store: pyoxigraph.Store, path: Path, text: str, into: pyoxigraph.NamedNode
) -> None:
    """Load ``text`` into the graph ``into``, refusing the syntax ``parse_turtle`` refuses with
    the same error: rdflib's first, then Oxigraph's (``load`` checks the literals after)."""
    if _rdflib_may_differ(text):
        rdflib_parse(path, text)
    try:
        store.bulk_load(
            input=text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, to_graph=into
        )
    except (SyntaxError, MemoryError) as error:
        rdflib_parse(path, text)  # rdflib's error, if rdflib refuses the text too
        with oxigraph_errors(path, text):
            raise error from None


#: Texts nested less deeply than this read alike in both parsers. rdflib's recursive parser
#: gives up between 120 and 300 levels, fewer when its caller's stack is already deep.
_SAFE_DEPTH = 32
#: RDF 1.2, which Oxigraph reads and rdflib 7 does not: triple terms and reifiers (``<<``,
#: ``~``) and directional language tags (``"..."@ar--rtl``).
_RDF12 = re.compile(r"<<|~|@[A-Za-z]+(?:-[A-Za-z0-9]+)*--")
# What can hide a bracket: strings (the long forms first), IRIs and comments.
_NO_BRACKETS = re.compile(
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n\r]*(?:\\.[^"\\\n\r]*)*"'
    r"|'[^'\\\n\r]*(?:\\.[^'\\\n\r]*)*'"
    r"|<[^<>\s]*>"
    r"|#[^\n\r]*"
    r"|[^\[\]()\"'<#]+",
    re.DOTALL,
)


def _rdflib_may_differ(text: str) -> bool:
    """Whether rdflib may refuse, or read otherwise, a text that Oxigraph accepts."""
    if text.count("[") + text.count("(") >= _SAFE_DEPTH and _nesting_depth(text) >= _SAFE_DEPTH:
        return True
    if "<<" not in text and "~" not in text and "--" not in text:
        return False
    return _RDF12.search(text) is not None


def _nesting_depth(text: str) -> int:
    """How deep ``[`` and ``(`` nest outside strings, IRIs and comments: an upper bound of
    what ``_deepest_nesting`` counts (a stray quote or ``<`` only makes it larger), found
    by the regex engine rather than a loop over every character."""
    depth = deepest = 0
    for char in _NO_BRACKETS.sub("", text):
        if char in "[(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "])":
            depth -= 1
    return deepest


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's warnings while parsing: they would print tracebacks on stderr.

    rdflib only logs (and carries on) for ill-typed literals and invalid IRIs; both are
    checked after parsing and reported with a position instead.
    """
    logger = logging.getLogger("rdflib")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


_HINTS = {
    "expected '.'": "The statement that ends before this position probably lacks its final "
    "'.' (or a ';' / ',' between two of its parts).",
    "not bound": "Declare the prefix at the top of the file: @prefix name: <namespace> .",
}


def _from_bad_syntax(path: Path, text: str, error: BadSyntax) -> DataSyntaxError:
    # ``_i`` is the character offset in the text the parser was given, which is ours (the
    # BOM already stripped); ``lines`` lags behind inside multi-line literals, so the
    # position is computed from the offset, and ``lines`` is only a fallback.
    offset = getattr(error, "_i", None)
    if offset == -1:  # the parser ran out of text
        offset = len(text)
    if isinstance(offset, int) and 0 <= offset <= len(text):
        line, column = position(text, offset)
    else:
        line, column = error.lines + 1, None
    why = str(getattr(error, "_why", "") or "syntax error")
    hint = next((h for key, h in _HINTS.items() if key in why), None)
    return DataSyntaxError(path, line, column, why, hint)


def _deepest_nesting(text: str) -> tuple[int, int]:
    """(depth, offset) of the deepest ``[`` or ``(`` outside comments, IRIs and strings.

    Hand-written because rdflib's RecursionError carries no position, and no parser that
    gives up can tell where it gave up.
    """
    depth = deepest = deepest_at = 0
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char == "#":
            newline = text.find("\n", i)
            i = newline if newline >= 0 else end
            continue
        if char == "<":
            close = text.find(">", i)
            i = close + 1 if close >= 0 else end
            continue
        if char in "\"'":
            quote_ = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            i += len(quote_)
            while i < end and not text.startswith(quote_, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote_)
            continue
        if char in "[(":
            depth += 1
            if depth > deepest:
                deepest, deepest_at = depth, i
        elif char in "])":
            depth -= 1
        i += 1
    return deepest, deepest_at


def _check_strict(path: Path, text: str) -> None:
    """Parse again with Oxigraph, which rejects what rdflib lets through.

    rdflib accepts ``<not an iri>`` (it only logs a warning) and resolves relative IRIs
    against the file's own path, so the same data would give other IRIs on another
    machine. Oxigraph checks IRIs against RFC 3987 and reports line and column.
    """
    data = text.encode("utf-8")
    turtle = pyoxigraph.RdfFormat.TURTLE
    with oxigraph_errors(path, text):
        try:
            for _ in pyoxigraph.parse(data, format=turtle):
                pass
        except MemoryError:
            # The streaming parser holds at most 16 MiB of one term; the store's loader,
            # which graph.sparql.store uses, reads the text from memory without that limit.
            # Ask it, so that what this check accepts is what queries load.
            pyoxigraph.Store().bulk_load(input=data, format=turtle)


def _check_literals(path: Path, text: str, graph: Graph) -> None:
    """Reject literals whose value does not fit their datatype (``"abc"^^xsd:integer``).

    rdflib keeps them as opaque strings, so comparisons and sorting in queries would
    silently go wrong; SHACL only catches them where a shape names the datatype.
    """
    _refuse_ill_typed(path, text, {o for o in graph.objects() if isinstance(o, Literal)})


def check_literals_in_store(
    path: Path, text: str, store: pyoxigraph.Store, graph: pyoxigraph.NamedNode
) -> None:
    """``_check_literals`` on what Oxigraph read: each distinct typed literal is made into
    the literal rdflib's parser makes of it, and asked the same question."""
    query = (
        f"SELECT DISTINCT ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} "
        f"FILTER(isLiteral(?o) && datatype(?o) != <{XSD.string}> "
        f"&& datatype(?o) != <{RDF.langString}>) }}"
    )
    with quiet_rdflib():  # rdflib logs each literal it cannot convert
        literals = {
            Literal(row[0].value, datatype=URIRef(row[0].datatype.value))
            for row in store.query(query)
        }
    _refuse_ill_typed(path, text, literals)


def _refuse_ill_typed(path: Path, text: str, literals: Iterable[Literal]) -> None:
    bad = sorted(literal for literal in literals if literal.ill_typed)
    if not bad:
        return
    literal = bad[0]
    datatype = literal.datatype.n3(new_graph().namespace_manager)
    # Literals carry no position; the first spelling of the value is the best guess.
    match = re.search(r"[\"']" + re.escape(str(literal)) + r"[\"']", text)
    line, column = position(text, match.start()) if match else (None, None)
    raise DataSyntaxError(
        path,
        line,
        column,
        f'"{literal}" is not a valid {datatype}',
        hint=f"Write the value in the lexical form of {datatype} (e.g. 2021-01-31 for a date).",
    )


def plain_strings(graph: Graph) -> Graph:
    """Write ``"x"^^xsd:string`` as ``"x"``: RDF 1.1 makes them one term, rdflib does not."""
    typed = [t for t in graph if isinstance(t[2], Literal) and t[2].datatype == XSD.string]
    for s, p, o in typed:
        graph.remove((s, p, o))
        graph.add((s, p, Literal(str(o))))
    return graph
