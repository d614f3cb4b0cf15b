"""Load the ontology and the data into one graph, file by file, with precise errors.

Every file is read by ``graph.dataset.sources`` (the text Oxigraph's path in
``graph.sparql.store`` parses too) and parsed on its own, so that an error names the file,
the line and the column, and
so that each data file can become its own named graph (TriG, N-Quads). After parsing:
the same triple stated in two data files is an error, and the direct edges of the qualified
relations are derived (``graph.dataset.infer``). Nothing here touches the network: ``owl:imports``
is not followed.

Oxigraph reads every file first, into one store (a named graph per file): it is the parser
that checks IRIs strictly, and it reads a million triples in seconds where rdflib's takes a
minute. The checks (duplicates across files, ill-typed literals, the derived edges) run in
that store, and ``graph.dataset.validate`` runs there too. rdflib's graph, which the outputs are
written from, is made only when a caller asks for it, by rdflib's own parser and the same
steps as before. A file Oxigraph refuses is then read by rdflib, so that the error names
the same position in the same words as before; a text rdflib may read otherwise (nested
deeper than its recursion allows, RDF 1.2 syntax) is read by rdflib up front.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from graph import paths
from graph.dataset.infer import infer, infer_in_store
from graph.dataset.sources import data_files, oxigraph_errors, position, read_turtle
from graph.errors import (
    CoopGraphError,
    DataNotFoundError,
    DataSyntaxError,
    DuplicateStatementError,
)
from graph.rdf.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, graph_iri

__all__ = [
    "Loaded",
    "load",
    "new_graph",
    "parse_turtle",
]

#: Named graphs (TriG, N-Quads): one per data file, one for the ontology, one for inferences.


class Loaded:
    """The merged graph and the pieces it was made of; compared and hashed by identity.

    ``store`` holds what Oxigraph read: each file in its own named graphs (``store_graphs``)
    and the derived edges in ``INFERRED_GRAPH``. The rdflib attributes (``graph``,
    ``file_graphs``, ``inferred``) are made on first use, from the texts read by ``load``.
    """

    def __init__(
        self,
        data_files: list[Path],
        ontology_files: list[Path],
        store: pyoxigraph.Store,
        texts: dict[Path, str],
    ) -> None:
        #: The data files, sorted; each one is a named graph.
        self.data_files = data_files
        #: The ontology files merged into the graph (not the shapes).
        self.ontology_files = ontology_files
        #: Every file in its named graphs (``store_graphs``), the derived edges in
        #: ``INFERRED_GRAPH``; the default graph is empty.
        self.store = store
        self._texts = texts
        self._rdflib: tuple[Graph, dict[Path, Graph], Graph] | None = None

    @property
    def graph(self) -> Graph:
        """Ontology, concept schemes, data and inferred edges, with the project's prefixes bound."""
        return self._rdflib_graphs()[0]

    @property
    def file_graphs(self) -> dict[Path, Graph]:
        """What each file (ontology or data) states, as parsed."""
        return self._rdflib_graphs()[1]

    @property
    def inferred(self) -> Graph:
        """The direct edges derived by ``graph.dataset.infer`` (not stated in any file)."""
        return self._rdflib_graphs()[2]

    def store_graphs(self, path: Path) -> tuple[pyoxigraph.NamedNode, ...]:
        """The named graphs of ``store`` that hold what the file ``path`` states: its own,
        and the one that holds its statements about hubs (``moved_graph``)."""
        graph = _store_graph(path, path in self.ontology_files)
        return graph, moved_graph(graph)

    def text(self, path: Path) -> str:
        """The text of the file ``path`` as it was read."""
        return self._texts[path]

    def has_rdflib_graph(self) -> bool:
        """Whether rdflib's graphs were made already (they cost a minute at 10^6 triples)."""
        return self._rdflib is not None

    def _rdflib_graphs(self) -> tuple[Graph, dict[Path, Graph], Graph]:
        if self._rdflib is None:
            self._rdflib = _rdflib_load(self.ontology_files, self.data_files, self._texts)
        return self._rdflib

    def named_graphs(self) -> dict[URIRef, Graph]:
        """Graph IRI -> graph: the ontology, each data file, then the inferred edges."""
        ontology = new_graph(self.graph.namespaces())
        for path in self.ontology_files:
            for triple in self.file_graphs[path]:
                ontology.add(triple)
        named = {ONTOLOGY_GRAPH: ontology}
        for path in self.data_files:
            named[graph_iri(path)] = self.file_graphs[path]
        named[INFERRED_GRAPH] = self.inferred
        return named

    def files_stating(self, node: Node) -> list[Path]:
        """The files in which ``node`` is a subject (data files first), else where it appears."""
        order = [*self.data_files, *self.ontology_files]
        found = [p for p in order if (node, None, None) in self.file_graphs[p]]
        return found or [p for p in order if (None, None, node) in self.file_graphs[p]]


def new_graph(namespaces: Iterable[tuple[str, object]] = ()) -> Graph:
    """An empty graph with only our prefixes (and ``namespaces``) bound.

    rdflib would otherwise bind its own defaults (``brick:``, ``schema1:``...), and the
    prefixes in the outputs would then depend on rdflib's version.
    """
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    _bind_free(graph, namespaces)
    return graph


def load(data_dir: Path | None = None) -> Loaded:
    """Parse the shipped ontology and the data in ``data_dir`` (default: the shipped data)."""
    files = data_files(data_dir)
    ontology_files = paths.ontology_files()
    if not ontology_files:
        raise DataNotFoundError(
            f"no ontology file in {paths.ontology_dir()}",
            hint="Reinstall the package: the ontology travels with it.",
        )
    store = pyoxigraph.Store()
    texts: dict[Path, str] = {}
    graphs = {
        path: _store_graph(path, path in ontology_files) for path in [*ontology_files, *files]
    }
    for path, graph in graphs.items():
        try:
            texts[path] = text = read_turtle(path)
            _load_checked(store, path, text, graph)
        except CoopGraphError:
            # As when each file was checked whole before the next one was read: an
            # ill-typed literal in an earlier file is the error to report.
            for earlier in [p for p in texts if p != path]:
                _check_literals_in_store(earlier, texts[earlier], store, graphs[earlier])
            raise
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Oxigraph lets go of the GIL while it queries: the rules run beside the checks,
        # whose errors are raised in the order of the files.
        rules = pool.submit(infer_in_store, store)
        for path, graph in graphs.items():
            _check_literals_in_store(path, texts[path], store, graph)
        _check_duplicates_in_store(store, files, texts)
        inferred = rules.result()
    into = pyoxigraph.NamedNode(str(INFERRED_GRAPH))
    store.bulk_extend(pyoxigraph.Quad(*triple, into) for triple in inferred)
    hubs = Counter(triple.subject for triple in inferred)
    _move_ahead(store, [s for s, n in hubs.items() if n >= _HUB], into)
    return Loaded(files, ontology_files, store, texts)


#: Derived edges from one subject above which its own statements are moved ahead of them
#: (``_move_ahead``).
_HUB = 1024


def _move_ahead(
    store: pyoxigraph.Store, subjects: list[pyoxigraph.NamedNode], inferred: pyoxigraph.NamedNode
) -> None:
    """Put the statements the files make about ``subjects`` ahead of their derived edges.

    Oxigraph's in-memory store finds the statements about a subject newest first, one by
    one. The derived edges make hubs: the canton is the subject of a jc:cooperatesWith per
    partner (47,000 at 10^6 triples). Added after the files, they stand in front of its
    type, and every query that asks whether the canton has a type (the checks do, once per
    statement that names it) walks all of them: 29 s instead of 1.3 s for one check at
    10^6. Stated again, in a graph of their own (``moved_graph``: a quad stated again in
    its own graph would keep its place), the canton's statements come first.
    """
    for subject in subjects:
        stated = [
            q for q in store.quads_for_pattern(subject, None, None) if q.graph_name != inferred
        ]
        for quad in stated:
            store.remove(quad)
        store.extend(
            pyoxigraph.Quad(q.subject, q.predicate, q.object, moved_graph(q.graph_name))
            for q in stated
        )


def moved_graph(graph: pyoxigraph.NamedNode) -> pyoxigraph.NamedNode:
    """Where ``load`` moves the statements of ``graph`` about a hub (``_move_ahead``)."""
    return pyoxigraph.NamedNode(graph.value + "#moved")


def _store_graph(path: Path, ontology: bool) -> pyoxigraph.NamedNode:
    # A data file's graph has the name it has in the outputs; each ontology file has one
    # of its own below ONTOLOGY_GRAPH, which the outputs merge (a data stem has no "/").
    if ontology:
        return pyoxigraph.NamedNode(f"{ONTOLOGY_GRAPH}/{quote(path.stem)}")
    return pyoxigraph.NamedNode(str(graph_iri(path)))


def _rdflib_load(
    ontology_files: list[Path], files: list[Path], texts: dict[Path, str]
) -> tuple[Graph, dict[Path, Graph], Graph]:
    """rdflib's graphs: each file parsed by rdflib, merged, the derived edges added (the
    files were checked when they were loaded into the store)."""
    everything = [*ontology_files, *files]
    file_graphs = {path: _plain_strings(_rdflib_parse(path, texts[path])) for path in everything}
    merged = new_graph()
    for path in everything:
        _bind_free(merged, sorted(file_graphs[path].namespaces()))
        for triple in file_graphs[path]:
            merged.add(triple)
    inferred = new_graph()
    for triple in infer(merged):
        inferred.add(triple)
        merged.add(triple)
    _bind_generated(merged)
    return merged, file_graphs, inferred


def _bind_free(graph: Graph, namespaces: Iterable[tuple[str, object]]) -> None:
    """Bind each prefix whose name and namespace are both still free; never rebind."""
    manager = graph.namespace_manager
    taken_names = {prefix for prefix, _ in manager.namespaces()}
    taken_namespaces = {str(ns) for _, ns in manager.namespaces()}
    for prefix, namespace in namespaces:
        if prefix and prefix not in taken_names and str(namespace) not in taken_namespaces:
            graph.bind(prefix, str(namespace))
            taken_names.add(prefix)
            taken_namespaces.add(str(namespace))


def bind_prefixes(declared: Iterable[Iterable[tuple[str, str]]], terms: Iterable[URIRef]) -> Graph:
    """An empty graph with the prefixes ``load``'s graph has: ours, then those the files
    declare (each file's sorted, in the order of the files), then one made up for the
    namespace of each property or class in ``terms`` that has none."""
    graph = new_graph()
    for prefixes in declared:
        _bind_free(graph, prefixes)
    _bind_generated(graph, terms)
    return graph


def _bind_generated(graph: Graph, terms: Iterable[URIRef] | None = None) -> None:
    """Give every namespace of a property or class a prefix now, in sorted order.

    Serialisers invent ``ns1:``, ``ns2:`` on the fly in the order they meet the terms,
    which follows Python's hash order; inventing them here makes the names stable.
    """
    if terms is None:
        terms = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    for term in sorted(t for t in terms if isinstance(t, URIRef)):
        try:
            graph.namespace_manager.compute_qname(term, generate=True)
        except ValueError:  # not splittable into namespace + local name; written in full
            pass


def _check_duplicates_in_store(
    store: pyoxigraph.Store, files: list[Path], texts: dict[Path, str]
) -> None:
    """The same triple (no blank node in it) stated in two data files is an error."""
    if len(files) < 2:
        return
    graphs = {path: _store_graph(path, False) for path in files}
    by_name = {graph.value: path for path, graph in graphs.items()}
    # Each file against all the others, but for the largest one: every pair is still
    # seen, and the largest file, which may hold nearly every triple, is never scanned.
    largest = max(files, key=lambda path: len(texts[path]))
    from graph.dataset.export import from_oxigraph  # graph.dataset.export imports this module

    where: dict[tuple[Node, Node, Node], set[Path]] = {}
    for path, graph in graphs.items():
        if path == largest:
            continue
        query = (
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} "
            f"FILTER(!isBlank(?s) && !isBlank(?o)) GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(?g != <{graph.value}>) }}"
        )
        for row in store.query(query):
            other = by_name.get(row["g"].value)
            if other is not None:  # not an ontology file
                triple = (
                    from_oxigraph(row["s"]),
                    from_oxigraph(row["p"]),
                    from_oxigraph(row["o"]),
                )
                where.setdefault(triple, set()).update((path, other))
    duplicates = sorted((t, [p for p in files if p in found]) for t, found in where.items())
    if duplicates:
        manager = new_graph().namespace_manager
        raise DuplicateStatementError(
            [(" ".join(term.n3(manager) for term in t) + " .", found) for t, found in duplicates]
        )


# --- parsing one file ---------------------------------------------------------------------


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file strictly; any problem is a ``DataSyntaxError`` with its position.

    The text is ``graph.dataset.sources.read_turtle``'s, as on Oxigraph's path
    (``graph.sparql.store``).
    """
    text = read_turtle(path)
    graph = _rdflib_parse(path, text)
    _check_strict(path, text)
    _check_literals(path, text, graph)
    return _plain_strings(graph)


def _rdflib_parse(path: Path, text: str) -> Graph:
    """rdflib's reading of ``text``, every failure a ``DataSyntaxError``."""
    graph = Graph(bind_namespaces="none")
    try:
        with _quiet_rdflib():
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


def _load_checked(
    store: pyoxigraph.Store, path: Path, text: str, into: pyoxigraph.NamedNode
) -> None:
    """Load ``text`` into the graph ``into``, refusing the syntax ``parse_turtle`` refuses with
    the same error: rdflib's first, then Oxigraph's (``load`` checks the literals after)."""
    if _rdflib_may_differ(text):
        _rdflib_parse(path, text)
    try:
        store.bulk_load(
            input=text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, to_graph=into
        )
    except (SyntaxError, MemoryError) as error:
        _rdflib_parse(path, text)  # rdflib's error, if rdflib refuses the text too
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
def _quiet_rdflib() -> Iterator[None]:
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


def _check_literals_in_store(
    path: Path, text: str, store: pyoxigraph.Store, graph: pyoxigraph.NamedNode
) -> None:
    """``_check_literals`` on what Oxigraph read: each distinct typed literal is made into
    the literal rdflib's parser makes of it, and asked the same question."""
    query = (
        f"SELECT DISTINCT ?o WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} "
        f"FILTER(isLiteral(?o) && datatype(?o) != <{XSD.string}> "
        f"&& datatype(?o) != <{RDF.langString}>) }}"
    )
    with _quiet_rdflib():  # rdflib logs each literal it cannot convert
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


def _plain_strings(graph: Graph) -> Graph:
    """Write ``"x"^^xsd:string`` as ``"x"``: RDF 1.1 makes them one term, rdflib does not."""
    typed = [t for t in graph if isinstance(t[2], Literal) and t[2].datatype == XSD.string]
    for s, p, o in typed:
        graph.remove((s, p, o))
        graph.add((s, p, Literal(str(o))))
    return graph
