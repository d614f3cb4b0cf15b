"""Load the ontology and the data into one graph, file by file, with precise errors.

Every file is read by ``graph.dataset.sources`` (the text Oxigraph's path in
``graph.sparql.store`` parses too) and parsed on its own (``graph.dataset.parse``), so that
an error names the file, the line and the column, and so that each data file can become
its own named graph (TriG, N-Quads). After parsing: the same triple stated in two data
files is an error, and the direct edges of the qualified relations are derived
(``graph.dataset.infer``). Nothing here touches the network: ``owl:imports`` is not followed.

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

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pyoxigraph
from rdflib import Graph, URIRef
from rdflib.term import Node

import graph.paths as paths
from graph.dataset.infer import infer, infer_in_store
from graph.dataset.oxigraph_terms import from_oxigraph
from graph.dataset.parse import (
    check_literals_in_store,
    load_checked,
    parse_turtle,
    plain_strings,
    rdflib_parse,
)
from graph.dataset.prefixes import bind_free, bind_generated, new_graph
from graph.dataset.sources import data_files, read_turtle
from graph.errors import CoopGraphError, DataNotFoundError, DuplicateStatementError
from graph.rdf.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri

# new_graph and parse_turtle are defined in graph.dataset.prefixes and graph.dataset.parse;
# they stay importable from here, where callers found them before.
__all__ = [
    "Loaded",
    "load",
    "new_graph",
    "parse_turtle",
]


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
            load_checked(store, path, text, graph)
        except CoopGraphError:
            # As when each file was checked whole before the next one was read: an
            # ill-typed literal in an earlier file is the error to report.
            for earlier in [p for p in texts if p != path]:
                check_literals_in_store(earlier, texts[earlier], store, graphs[earlier])
            raise
    with ThreadPoolExecutor(max_workers=2) as pool:
        # Oxigraph lets go of the GIL while it queries: the rules run beside the checks,
        # whose errors are raised in the order of the files.
        rules = pool.submit(infer_in_store, store)
        for path, graph in graphs.items():
            check_literals_in_store(path, texts[path], store, graph)
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
    file_graphs = {path: plain_strings(rdflib_parse(path, texts[path])) for path in everything}
    merged = new_graph()
    for path in everything:
        bind_free(merged, sorted(file_graphs[path].namespaces()))
        for triple in file_graphs[path]:
            merged.add(triple)
    inferred = new_graph()
    for triple in infer(merged):
        inferred.add(triple)
        merged.add(triple)
    bind_generated(merged)
    return merged, file_graphs, inferred


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
