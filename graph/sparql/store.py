"""The data the local engines query, loaded once per process and again when a file changes.

Oxigraph's: the Turtle files go straight into a pyoxigraph store (its own parser, no rdflib
graph in between) and the derivation rules of ``graph.dataset.infer`` run there. rdflib's:
``graph.dataset.load.load()``'s graph. Nothing here validates the data (``coopgraph
validate`` does).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

import graph.paths as paths
from graph.dataset.infer import infer_in_store
from graph.dataset.sources import data_files, oxigraph_errors, read_turtle
from graph.errors import DataFileError, display_path
from graph.rdf.vocab import INFERRED_GRAPH, ONTOLOGY_GRAPH, graph_iri

__all__ = ["OxigraphData", "RdflibData", "add_inferred", "oxigraph_data", "rdflib_data"]


def _source_files(data_dir: Path | None) -> tuple[list[Path], list[Path]]:
    """(ontology files, data files), the same ones ``graph.dataset.load.load`` reads."""
    return paths.ontology_files(), data_files(data_dir)


@dataclass
class _Entry:
    """A loaded dataset and what tells whether its files changed since."""

    folders: tuple[tuple[str, int], ...]  # each folder and its mtime: a file added or removed
    files: tuple[tuple[str, int, int], ...]  # each file, its mtime and size: a file edited
    value: Any


_CACHE: dict[tuple[str, str], _Entry] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(paths_: Iterable[Path | str]) -> tuple[tuple[str, int, int], ...]:
    stamp = []
    for path in paths_:
        try:
            status = os.stat(path)
        except OSError as error:  # e.g. a link to a file that is gone
            raise DataFileError(
                path, f"cannot read {display_path(path)}: {error.strerror}"
            ) from None
        stamp.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def _cached(engine: str, data_dir: Path | None, build: Callable[[list[Path], list[Path]], Any]):
    """The dataset of ``data_dir`` for ``engine``, loaded again only when a file changed.

    Checking costs a few ``stat`` calls, not a listing of the folders, so that a query on
    the cached store pays microseconds for it: this is the common case, on every call.
    """
    folder = str(data_dir) if data_dir is not None else str(paths.data_dir())
    key = (engine, folder)
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is not None and _unchanged(hit):
            return hit.value
        ontology, data = _source_files(data_dir)
        stamp = _stamp([*ontology, *data])
        folders = (folder, str(paths.ontology_dir()))
        stamps = tuple((f, os.stat(f).st_mtime_ns) for f in folders)
        value = build(ontology, data)
        _CACHE[key] = _Entry(stamps, stamp, value)
        return value


def _unchanged(entry: _Entry) -> bool:
    """Whether no file of ``entry`` was edited, added or removed (plain ``os.stat`` calls)."""
    stat = os.stat
    try:
        for folder, mtime in entry.folders:
            if stat(folder).st_mtime_ns != mtime:
                return False
        for path, mtime, size in entry.files:
            status = stat(path)
            if status.st_mtime_ns != mtime or status.st_size != size:
                return False
    except OSError:
        return False  # a file or the folder went away: list again, and say so
    return True


class OxigraphData:
    """The ontology and the data in an Oxigraph store, the derived edges added."""

    def __init__(self, ontology: list[Path], data: list[Path]) -> None:
        self.ontology = ontology
        self.data = data
        self.store = ox.Store()
        for path in [*ontology, *data]:
            _bulk_load(self.store, path, ox.DefaultGraph())
        self.inferred = add_inferred(self.store)
        self._named: ox.Store | None = None
        self.entities: dict[str, ox.NamedNode] = {}
        self.terms: dict[str, bool] = {}
        self.bound: dict[tuple, tuple[str, tuple[str, ...]]] = {}

    def named_store(self) -> ox.Store:
        """One named graph per file, as ``Loaded.named_graphs`` (for FROM, GRAPH).

        Built on first use only: the catalogue never needs it, and it doubles the memory.
        """
        if self._named is None:
            named = ox.Store()
            for path in self.ontology:
                _bulk_load(named, path, ox.NamedNode(str(ONTOLOGY_GRAPH)))
            for path in self.data:
                _bulk_load(named, path, ox.NamedNode(str(graph_iri(path))))
            inferred = ox.NamedNode(str(INFERRED_GRAPH))
            named.extend(ox.Quad(*t, inferred) for t in self.inferred)
            self._named = named
        return self._named


def _bulk_load(store: ox.Store, path: Path, graph: ox.NamedNode | ox.DefaultGraph) -> None:
    # The text rdflib's path parses too (graph.dataset.sources), not the file: the same checks
    # (no FIFO, no device, a size limit, UTF-8) and the byte-order mark dropped.
    text = read_turtle(path)
    with oxigraph_errors(path, text):
        store.bulk_load(input=text.encode("utf-8"), format=ox.RdfFormat.TURTLE, to_graph=graph)


def add_inferred(store: ox.Store) -> list[ox.Triple]:
    """Add to the default graph what the derivation rules derive; return the new triples.

    The rules of ``graph.dataset.infer``, as on the rdflib path: both engines see the same
    edges.
    """
    new = infer_in_store(store)
    store.extend(ox.Quad(*t, ox.DefaultGraph()) for t in new)
    return new


def oxigraph_data(data_dir: Path | None) -> OxigraphData:
    return _cached("oxigraph", data_dir, OxigraphData)


class RdflibData:
    def __init__(self, ontology: list[Path], data: list[Path], data_dir: Path | None) -> None:
        from graph.dataset.load import load

        self.loaded = load(data_dir)
        self.graph = self.loaded.graph
        self.named_graphs = self.loaded.named_graphs()
        self._dataset = None
        self.entities: dict[str, ox.NamedNode] = {}
        self.terms: dict[str, bool] = {}
        self.bound: dict[tuple, tuple[str, tuple[str, ...]]] = {}

    def dataset(self):
        if self._dataset is None:
            from rdflib import Dataset

            dataset = Dataset(default_union=True)
            for name, graph in self.named_graphs.items():
                context = dataset.graph(name)
                for triple in graph:
                    context.add(triple)
            self._dataset = dataset
        return self._dataset


def rdflib_data(data_dir: Path | None) -> RdflibData:
    return _cached("rdflib", data_dir, lambda o, d: RdflibData(o, d, data_dir))
