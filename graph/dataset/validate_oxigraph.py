"""The default validation engine: the shapes and the checks run in Oxigraph's store.

The store is the one ``graph.dataset.load`` filled. The shapes are compiled to SPARQL
(``graph.dataset.shacl_sparql``; pySHACL takes the ones it cannot compile), and the
``*-violation.rq`` checks run as they are; the queries run on a few threads, and their
results are described in rdflib's words, so the report is the reference engine's
(``graph.dataset.validate_pyshacl``) to the character.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD, NamespaceManager

from graph.dataset.load import Loaded
from graph.dataset.oxigraph_terms import from_oxigraph, to_oxigraph
from graph.dataset.prefixes import bind_prefixes
from graph.dataset.report import Violation
from graph.dataset.validate_pyshacl import (
    Describer,
    GraphDescriber,
    header_comment,
    not_a_select,
    prepare_check,
    remote_refused,
    run_check,
    run_shapes,
    shape_message,
)

__all__ = ["StoreDescriber", "run_in_store"]


#: The named graph that holds a plain rdflib graph given to ``validate``.
_PLAIN_GRAPH = ox.NamedNode("urn:x-coopgraph:validated")


class StoreDescriber(Describer):
    """Terms and files found in the Oxigraph store; rdflib's graph only if asked for."""

    def __init__(self, target: Loaded | Graph) -> None:
        self.loaded = target if isinstance(target, Loaded) else None
        self._plain = target if isinstance(target, Graph) else None
        if self.loaded is not None:
            self.store = self.loaded.store
        else:
            self.store = ox.Store()
            self.store.extend(
                ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), _PLAIN_GRAPH)
                for s, p, o in target
            )
        self._names: NamespaceManager | None = None

    @property
    def graph(self) -> Graph:  # type: ignore[override]
        return self._plain if self._plain is not None else self.loaded.graph

    @property
    def names(self) -> NamespaceManager:
        if self._names is None:
            self._names = self._namespace_manager()
        return self._names

    def _namespace_manager(self) -> NamespaceManager:
        """The prefixes of ``graph.dataset.load.load``'s graph, without making that graph."""
        loaded = self.loaded
        if loaded is None:
            return self.graph.namespace_manager
        if loaded.has_rdflib_graph():
            return loaded.graph.namespace_manager
        declared = []
        for path in [*loaded.ontology_files, *loaded.data_files]:
            prefixes = _declared_prefixes(loaded.text(path))
            if prefixes is None:  # declared twice: rdflib's own binding rules decide
                return loaded.graph.namespace_manager
            declared.append(prefixes)
        terms = {
            URIRef(row[0].value)
            for query in (
                "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?s ?t ?o } }",
                f"SELECT DISTINCT ?t WHERE {{ GRAPH ?g {{ ?s <{RDF.type}> ?t }} }}",
            )
            for row in self.store.query(query)
            if isinstance(row[0], ox.NamedNode)
        }
        return bind_prefixes(declared, terms).namespace_manager

    def term(self, term: Any, within: Graph | None = None) -> str:
        if term is None:
            return ""
        if isinstance(term, ox.BlankNode):
            return self._blank(term)
        if isinstance(term, (ox.NamedNode, ox.Literal)):
            term = from_oxigraph(term)
        if isinstance(term, (URIRef, Literal)):
            return term.n3(self.names)
        return str(term)

    def value(self, focus: Any, path: Any, value: Any) -> str:
        """``term(value)``, a typed literal spelled as rdflib read it.

        Oxigraph's store keeps numbers, dates and booleans as values: it gives back
        ``"47.238"`` where the file says ``"47.2380"``, which rdflib keeps. Such a value is
        looked up among the values of ``focus``'s ``path`` in rdflib's graph (made for
        the occasion: only a report that holds one needs it).
        """
        if (
            not isinstance(value, ox.Literal)
            or value.language
            or value.datatype.value in _KEPT_AS_WRITTEN
            or not isinstance(focus, ox.NamedNode)
            or path is None
        ):
            return self.term(value)
        wanted = from_oxigraph(value)
        subject, predicate = URIRef(focus.value), URIRef(to_oxigraph(path).value)
        same = [
            o
            for o in self.graph.objects(subject, predicate)
            if isinstance(o, Literal) and o.datatype == wanted.datatype and _equal(o, wanted)
        ]
        return self.term(same[0] if len(same) == 1 else wanted)

    def _blank(self, node: ox.BlankNode, depth: int = 0) -> str:
        # As GraphDescriber._blank: where the node hangs, or the items of a list.
        inverse = next(self.store.quads_for_pattern(node, _OX_INVERSE_PATH, None), None)
        if inverse is not None:
            return "^" + self.term(inverse.object)
        if next(self.store.quads_for_pattern(node, _OX_FIRST, None), None) is not None:
            return "/".join(self.term(item) for item in self._items(node))
        parents = sorted(
            {
                (from_oxigraph(q.subject), from_oxigraph(q.predicate)): (q.subject, q.predicate)
                for q in self.store.quads_for_pattern(None, None, node)
            }.items()
        )
        if not parents or depth > 4:
            return "[]"
        subject, predicate = parents[0][1]
        above = (
            self._blank(subject, depth + 1)
            if isinstance(subject, ox.BlankNode)
            else self.term(subject)
        )
        return f"{above}/{self.term(predicate)}/[]"

    def _items(self, node: Any) -> list[Any]:
        items, seen = [], set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            first = next(self.store.quads_for_pattern(node, _OX_FIRST, None), None)
            rest = next(self.store.quads_for_pattern(node, _OX_REST, None), None)
            if first is None:
                break
            items.append(first.object)
            node = rest.object if rest is not None else None
        return items

    def source(self, focus: Any, path: Any = None, value: Any = None) -> Path | None:
        """As ``GraphDescriber.source``, asked of each file's named graph in the store."""
        if self.loaded is None or focus is None:
            return None
        focus, path, value = (
            to_oxigraph(t) if t is not None else None for t in (focus, path, value)
        )
        files = [*self.loaded.data_files, *self.loaded.ontology_files]
        patterns = [
            (focus, path, value) if path is not None and value is not None else None,
            (focus, path, None) if path is not None else None,
            (focus, _OX_TYPE, None),
            (focus, None, None),
            (None, None, focus) if not isinstance(focus, ox.Literal) else None,
        ]
        for pattern in filter(None, patterns):
            if isinstance(pattern[0], ox.Literal):
                continue  # a literal is never a subject
            for file in files:
                for graph in self.loaded.store_graphs(file):
                    if next(self.store.quads_for_pattern(*pattern, graph), None) is not None:
                        return file
        return None


def _equal(one: Literal, other: Literal) -> bool:
    """Whether two literals of one datatype have the same value."""
    try:
        return bool(one.eq(other))
    except TypeError:  # rdflib compares no years, no durations: their forms are canonical
        return str(one) == str(other)


#: Datatypes whose literals Oxigraph's store gives back as they were written.
_KEPT_AS_WRITTEN = {str(XSD.string), str(RDF.langString)}
_OX_TYPE = ox.NamedNode(str(RDF.type))
_OX_FIRST = ox.NamedNode(str(RDF.first))
_OX_REST = ox.NamedNode(str(RDF.rest))
_OX_INVERSE_PATH = ox.NamedNode(str(SH.inversePath))
_PREFIX_DECLARATION = re.compile(r"(?:@prefix|(?i:\bprefix))\s+([^\s:]*):\s*<([^>]*)>")


def _declared_prefixes(text: str) -> list[tuple[str, str]] | None:
    """The prefixes a Turtle text declares, as rdflib binds them; None when a name or a
    namespace is declared twice (rdflib then renames or drops some)."""
    found = _PREFIX_DECLARATION.findall(text)
    names = [name for name, _ in found]
    namespaces = [iri for _, iri in found]
    if len(set(names)) != len(names) or len(set(namespaces)) != len(namespaces):
        return None
    parser = ox.parse(text, format=ox.RdfFormat.TURTLE)
    try:
        for _ in parser:
            pass
    except MemoryError:  # a term longer than the streaming parser's buffer
        return None
    declared = parser.prefixes
    if declared != dict(found):  # one in a comment or a string, or a relative IRI
        return None
    return sorted(declared.items())


#: Threads that run the queries of the default engine. Oxigraph lets go of the GIL while
#: it evaluates, and the node shapes and the checks are independent queries on one store.
_THREADS = min(4, os.cpu_count() or 1)
#: What a check task returns for a query that rdflib reads and Oxigraph does not.
_RDFLIB_ONLY = object()


def run_in_store(
    describe: StoreDescriber, shapes: Graph | None, checks: list[Path]
) -> set[Violation]:
    """The shapes compiled to SPARQL and the checks, on the store, on ``_THREADS`` threads.

    The threads only query; the results are described here, in this thread. Errors are
    raised in the order of the serial run: the checks by name.
    """
    from graph.dataset.shacl_sparql import compile_shapes, run_shape

    compiled = compile_shapes(shapes) if shapes is not None else None
    store = describe.store
    violations: set[Violation] = set()
    with ThreadPoolExecutor(max_workers=_THREADS) as pool:
        shape_jobs = [
            pool.submit(lambda node: list(run_shape(node, store)), node)
            for node in (compiled.shapes if compiled else [])
        ]
        check_jobs = [(check, pool.submit(_check_rows, store, check)) for check in checks]
        for job in shape_jobs:
            for result in job.result():
                violations.add(_shape_violation(describe, shapes, result))
        if compiled is not None and compiled.rest is not None:
            # The shapes the compiler leaves to pySHACL, on rdflib's graph.
            graph = describe.graph
            violations |= run_shapes(graph, compiled.rest, GraphDescriber(graph, describe.loaded))
        for check, job in check_jobs:
            rows = job.result()
            if rows is _RDFLIB_ONLY:  # runs where it ran before
                graph = describe.graph
                violations |= run_check(graph, check, GraphDescriber(graph, describe.loaded))
                continue
            for focus, path, value, message in rows:
                violations.add(
                    Violation(
                        source_file=describe.source(focus, path, value),
                        focus=describe.term(focus),
                        path=describe.term(path),
                        constraint=check.name,
                        value=describe.value(focus, path, value),
                        message=message,
                    )
                )
    return violations


def _shape_violation(describe: StoreDescriber, shapes: Graph, result: Any) -> Violation:
    owner = (
        shapes.value(None, SH.property, result.shape)
        if isinstance(result.shape, BNode)
        else result.shape
    )
    return Violation(
        source_file=describe.source(result.focus, result.path, result.value),
        focus=describe.term(result.focus),
        path=describe.term(result.path),
        constraint=describe.term(result.component),
        value=describe.value(result.focus, result.path, result.value),
        message=shape_message(result.messages),
        severity=str(result.severity).rsplit("#", 1)[-1],
        shape=owner.n3(shapes.namespace_manager) if isinstance(owner, URIRef) else "",
    )


def _check_rows(store: ox.Store, check: Path) -> Any:
    """(focus, path, value, message) of each row of ``check``, run on the store."""
    text = check.read_text(encoding="utf-8")
    if _names_remote_data(text):
        raise remote_refused(check)
    try:
        results = store.query(text, use_default_graph_as_union=True)
    except SyntaxError:
        prepare_check(check, text)  # rdflib's error, as before, when rdflib refuses it too
        return _RDFLIB_ONLY
    if not isinstance(results, ox.QuerySolutions):
        raise not_a_select(check)
    selected = {variable.value for variable in results.variables}
    default_message = header_comment(text) or f"{check.name} returned this row"
    rows = []
    for row in results:
        focus, path, value, message = (
            row[name] if name in selected else None
            for name in ("focus", "path", "value", "message")
        )
        rows.append((focus, path, value, message.value if message is not None else default_message))
    return rows


def _names_remote_data(text: str) -> bool:
    """Whether a query says SERVICE or FROM, outside strings, IRIs and comments.

    Oxigraph has no parse-only call to ask, and would fetch what they name; only these
    keywords are words of the grammar, so refusing every occurrence refuses no valid
    query that does without them. Escapes (``\\u0053ERVICE``) are read first, as a SPARQL
    parser reads them.
    """
    from graph.rdf.sparql_text import tokens

    expanded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)
    return any(
        token.kind == "word" and token.text.upper() in {"SERVICE", "FROM"}
        for token in tokens(expanded)
    )


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
