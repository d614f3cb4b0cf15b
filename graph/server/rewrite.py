"""The text of a query as the endpoint runs it: the protocol's dataset and base put in.

Pure text work on the client's query, with the same tokenizer as the query check
(``graph.rdf.sparql_text``), so that a keyword inside a string or an IRI is never taken
for a clause.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from graph.rdf import sparql_text

__all__ = ["with_base", "with_dataset"]

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@functools.lru_cache(maxsize=512)
def with_base(text: str, base_iri: str) -> str:
    """The text with ``BASE <endpoint>`` in front when it uses relative IRIs and has no BASE.

    The protocol lets the service choose the base ("which MAY be the service endpoint");
    Oxigraph refuses relative IRIs without one. Texts without relative IRIs are left
    alone, so the line and column of an error stay those the client wrote. Cached: the
    lexer takes longer than Oxigraph needs for most of our queries.
    """
    toks = list(sparql_text.tokens(text))
    if any(t.kind == "word" and t.text.upper() == "BASE" for t in toks):
        return text
    if not any(t.kind == "iri" and not _SCHEME.match(t.text[1:-1]) for t in toks):
        return text
    return f"BASE <{base_iri}> {text}"


#: Keywords that come after the dataset clauses (FROM ...) of a query.
_AFTER_DATASET = {"WHERE", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"}


def with_dataset(text: str, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> str:
    """The query with its FROM / FROM NAMED clauses replaced by the protocol's dataset.

    SPARQL 1.1 Protocol §2.1.4: default-graph-uri and named-graph-uri override the dataset
    the query names. The clauses go where the grammar puts them: after the projection
    (or the CONSTRUCT template, or the DESCRIBE terms), before WHERE.
    """
    clauses = [f"FROM <{g}>" for g in default_graphs] + [f"FROM NAMED <{g}>" for g in named_graphs]
    toks = list(sparql_text.tokens(text))
    depth = 0
    form: str | None = None
    template_open = False
    remove: list[tuple[int, int]] = []
    insert_at = len(text)
    i = 0
    while i < len(toks):
        token = toks[i]
        word = token.text.upper() if token.kind == "word" else None
        if token.kind == "punct" and token.text in "{(":
            if depth == 0 and form is not None and token.text == "{":
                if form == "CONSTRUCT" and not template_open:
                    template_open = True  # the template: skip it, FROM comes after
                else:
                    insert_at = token.start
                    break
            depth += 1
        elif token.kind == "punct" and token.text in "})":
            depth -= 1
        elif depth == 0 and word in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK") and form is None:
            form = word
        elif depth == 0 and form is not None and word == "FROM":
            end = i + 1
            if end < len(toks) and toks[end].kind == "word" and toks[end].text.upper() == "NAMED":
                end += 1
            remove.append((token.start, toks[min(end, len(toks) - 1)].end))
            i = end + 1
            continue
        elif depth == 0 and form is not None and word in _AFTER_DATASET:
            if form == "CONSTRUCT" and word == "WHERE":
                template_open = True  # the short form CONSTRUCT WHERE { ... }
            insert_at = token.start
            break
        i += 1
    pieces, last = [], 0
    for start, end in remove:
        if start < insert_at:
            pieces.append(text[last:start])
            last = end
    insertion = " " + " ".join(clauses) + " "
    return "".join(pieces) + text[last:insert_at] + insertion + text[insert_at:]
