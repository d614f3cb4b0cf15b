"""Load the ontology and the data into one graph, file by file, with precise errors.

Every file is read by ``graph.sources`` (the text Oxigraph's path in ``graph.query`` parses
too) and parsed on its own, so that an error names the file, the line and the column, and
so that each data file can become its own named graph (TriG, N-Quads). After parsing:
the same triple stated in two data files is an error, and the direct edges of the qualified
relations are derived (``graph.infer``). Nothing here touches the network: ``owl:imports``
is not followed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.exceptions import ParserError
from rdflib.namespace import RDF
from rdflib.plugins.parsers.notation3 import BadSyntax
from rdflib.term import Node

from graph import paths
from graph.errors import DataNotFoundError, DataSyntaxError, DuplicateStatementError
from graph.infer import infer
from graph.namespace import PREFIXES
from graph.sources import data_files, oxigraph_errors, position, read_turtle

__all__ = [
    "GRAPH_BASE",
    "INFERRED_GRAPH",
    "ONTOLOGY_GRAPH",
    "Loaded",
    "graph_iri",
    "load",
    "new_graph",
    "parse_turtle",
]

#: Named graphs (TriG, N-Quads): one per data file, one for the ontology, one for inferences.
GRAPH_BASE = "https://w3id.org/jura-coop/graph/"
ONTOLOGY_GRAPH = URIRef(GRAPH_BASE + "ontology")
INFERRED_GRAPH = URIRef(GRAPH_BASE + "inferred")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: graphs are big
class Loaded:
    """The merged graph and the pieces it was made of."""

    #: Ontology, concept schemes, data and inferred edges, with the project's prefixes bound.
    graph: Graph
    #: The data files, sorted; each one is a named graph.
    data_files: list[Path]
    #: The ontology files merged into the graph (not the shapes).
    ontology_files: list[Path]
    #: What each file (ontology or data) states, as parsed.
    file_graphs: dict[Path, Graph]
    #: The direct edges derived by ``graph.infer`` (not stated in any file).
    inferred: Graph

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


def graph_iri(path: Path) -> URIRef:
    """The named graph of a data file: ``https://w3id.org/jura-coop/graph/<file stem>``."""
    return URIRef(GRAPH_BASE + quote(path.stem))


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
    file_graphs = {path: parse_turtle(path) for path in [*ontology_files, *files]}
    _check_duplicates({p: file_graphs[p] for p in files})

    merged = new_graph()
    for path in [*ontology_files, *files]:
        _bind_free(merged, sorted(file_graphs[path].namespaces()))
        for triple in file_graphs[path]:
            merged.add(triple)
    inferred = new_graph()
    for triple in infer(merged):
        inferred.add(triple)
        merged.add(triple)
    _bind_generated(merged)
    return Loaded(merged, files, ontology_files, file_graphs, inferred)


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


def _bind_generated(graph: Graph) -> None:
    """Give every namespace of a property or class a prefix now, in sorted order.

    Serialisers invent ``ns1:``, ``ns2:`` on the fly in the order they meet the terms,
    which follows Python's hash order; inventing them here makes the names stable.
    """
    terms = set(graph.predicates()) | set(graph.objects(None, RDF.type))
    for term in sorted(t for t in terms if isinstance(t, URIRef)):
        try:
            graph.namespace_manager.compute_qname(term, generate=True)
        except ValueError:  # not splittable into namespace + local name; written in full
            pass


def _check_duplicates(data_graphs: dict[Path, Graph]) -> None:
    where: dict[tuple[Node, Node, Node], list[Path]] = {}
    for path, graph in data_graphs.items():
        for triple in graph:
            if not any(isinstance(term, BNode) for term in triple):
                where.setdefault(triple, []).append(path)
    duplicates = sorted((t, files) for t, files in where.items() if len(files) > 1)
    if duplicates:
        manager = new_graph().namespace_manager
        raise DuplicateStatementError(
            [(" ".join(term.n3(manager) for term in t) + " .", files) for t, files in duplicates]
        )


# --- parsing one file ---------------------------------------------------------------------


def parse_turtle(path: Path) -> Graph:
    """Parse one Turtle file strictly; any problem is a ``DataSyntaxError`` with its position.

    The text is ``graph.sources.read_turtle``'s, as on Oxigraph's path (``graph.query``).
    """
    text = read_turtle(path)
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
    _check_strict(path, text)
    _check_literals(path, text, graph)
    return _plain_strings(graph)


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
            # which graph.query uses, reads the text from memory without that limit.
            # Ask it, so that what this check accepts is what queries load.
            pyoxigraph.Store().bulk_load(input=data, format=turtle)


def _check_literals(path: Path, text: str, graph: Graph) -> None:
    """Reject literals whose value does not fit their datatype (``"abc"^^xsd:integer``).

    rdflib keeps them as opaque strings, so comparisons and sorting in queries would
    silently go wrong; SHACL only catches them where a shape names the datatype.
    """
    bad = sorted({o for o in graph.objects() if isinstance(o, Literal) and o.ill_typed})
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
