"""Find places in the text of a SPARQL query: where its WHERE group opens, what DESCRIBE names.

This is a lexer, not a parser: it knows comments, strings, IRIs, variables, prefixed names
and brackets, which is enough to *place* a parameter's ``VALUES`` block or to rewrite the
head of a DESCRIBE without being fooled by a ``{`` or a ``WHERE`` inside a string or a
comment. It never decides whether a query is safe: ``graph.sparql.safety`` does that with rdflib's
SPARQL grammar, and every text built here is run through an engine's parser again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "Token",
    "describe_head",
    "position",
    "tokens",
    "variables_in_order",
    "where_group",
    "where_groups",
]

# The SPARQL 1.1 terminals that can hide a bracket or a keyword (strings, IRIs, comments),
# then the ones we look at. Non-ASCII letters are accepted wherever SPARQL's PN_CHARS are.
_LETTER = (
    r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
    r"\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD"
)
_NAME = _LETTER + r"0-9_\u00B7\u0300-\u036F\u203F-\u2040"
_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\" | '''(?:[^\\]|\\.)*?'''
               | "(?:[^"\\\n\r]|\\.)*" | '(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][NAME]+)
    | (?P<pname>(?:[LETTER](?:[NAME.\-]*[NAME\-])?)?:(?:[NAME:%\-.\\]*))
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<punct>.)
    """.replace("LETTER", _LETTER).replace("NAME", _NAME),
    re.VERBOSE | re.DOTALL,
)
_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, pname, word, langtag or punct
    text: str
    start: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text``, whitespace left out."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind != "ws":
            yield Token(kind, match.group(), match.start(), match.end())


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def variables_in_order(text: str) -> list[str]:
    """Variable names in the order they first appear (``?x`` and ``$x`` are one variable)."""
    seen: dict[str, None] = {}
    for token in tokens(text):
        if token.kind == "var":
            seen.setdefault(token.text[1:], None)
    return list(seen)


class ShortConstructError(ValueError):
    """``CONSTRUCT WHERE { ... }`` has no group where a VALUES block may go."""


def where_group(text: str) -> int | None:
    """Offset just after the ``{`` that opens the query's outermost WHERE group.

    None when the query has no group pattern (``DESCRIBE <iri>``). The template of a
    CONSTRUCT is skipped; the short form ``CONSTRUCT WHERE { ... }`` raises
    ``ShortConstructError`` because its group may only hold triples.
    """
    groups = where_groups(text)
    return groups[0] if groups else None


@functools.lru_cache(maxsize=256)
def where_groups(text: str) -> tuple[int, ...]:
    """Offsets just after the ``{`` of the outermost WHERE group, then of each subquery's.

    A subquery is a ``SELECT`` inside braces; its WHERE group is the next ``{`` at the
    brace and parenthesis depth of its ``SELECT`` (braces inside ``(EXISTS { ... } AS ?x)``
    are deeper and do not count). Empty when the query has no group pattern.
    """
    form: str | None = None
    braces = parens = 0
    seen_where = False
    template_done = False
    found: list[int] = []
    pending: set[tuple[int, int]] = set()  # (braces, parens) of a SELECT awaiting its group
    for token in tokens(text):
        if token.kind == "word":
            word = token.text.upper()
            if braces == 0 and parens == 0:
                if form is None and word in _FORMS:
                    form = word
                elif form is not None and word == "WHERE":
                    seen_where = True
            elif word == "SELECT":
                pending.add((braces, parens))
            continue
        if token.kind != "punct":
            continue
        if token.text == "(":
            parens += 1
        elif token.text == ")":
            parens -= 1
        elif token.text == "{":
            if braces == 0 and parens == 0 and form is not None and not found:
                if form == "CONSTRUCT" and not template_done:
                    if seen_where:
                        raise ShortConstructError(text)
                    template_done = True
                else:
                    found.append(token.end)
            elif (braces, parens) in pending:
                pending.discard((braces, parens))
                found.append(token.end)
            braces += 1
        elif token.text == "}":
            braces -= 1
    return tuple(found)


def describe_head(text: str) -> tuple[int, int] | None:
    """(start, end) of ``DESCRIBE <terms>``: from the keyword to FROM, WHERE or ``{``.

    The end is the end of the text when the query has no WHERE group.
    """
    start: int | None = None
    for token in tokens(text):
        if start is None:
            if token.kind == "word" and token.text.upper() == "DESCRIBE":
                start = token.start
            continue
        if (token.kind == "word" and token.text.upper() in {"FROM", "WHERE"}) or (
            token.kind == "punct" and token.text == "{"
        ):
            return start, token.start
        if token.kind == "word" and token.text.upper() in {"ORDER", "LIMIT", "OFFSET", "VALUES"}:
            return start, token.start
    return None if start is None else (start, len(text))
