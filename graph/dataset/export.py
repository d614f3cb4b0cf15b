"""Serialise the graph, byte for byte the same on every run, and write files atomically.

Two things make rdflib's output vary between runs, and both are removed here:

* blank node labels are random: every serialisation starts from a copy whose blank nodes
  are renamed by RDFC-1.0 canonicalisation (W3C RDF Dataset Canonicalization, run by
  Oxigraph on the whole dataset at once, so a blank node keeps one label across the named
  graphs of TriG and N-Quads);
* rdflib's Turtle short forms for numbers rewrite them: ``"60000"^^xsd:decimal`` becomes
  ``60000.0`` (another term) and a double keeps six digits. Turtle and TriG here write the
  short form only when it is the literal's own lexical form;
* some serialisers walk the store in hash order: N-Triples and N-Quads lines are sorted,
  RDF/XML and TriG are given a graph whose iteration is sorted, and JSON-LD is normalised
  after the fact. rdflib's Turtle serialiser already sorts subjects, predicates and objects.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import XSD, BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from graph.dataset.load import Loaded
from graph.dataset.oxigraph_terms import from_oxigraph, to_oxigraph
from graph.dataset.prefixes import new_graph
from graph.errors import ExportError, display_path
from graph.rdf.formats import RDF_FORMATS

__all__ = ["FORMATS", "serialize", "write_atomic"]

#: Format name -> file suffix, in the order the command line offers them
#: (``graph.rdf.formats.RDF_FORMATS``).
FORMATS: dict[str, str] = {name: f.suffix for name, f in RDF_FORMATS.items()}


def serialize(loaded: Loaded, fmt: str) -> bytes:
    """``loaded`` as ``fmt`` (one of ``FORMATS``), identical bytes on every run."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}", hint=f"Choose one of: {', '.join(FORMATS)}.")
    canonical = _canonical(loaded)
    try:
        return _WRITERS[fmt](canonical)
    except (ValueError, TypeError) as error:
        # RDF/XML cannot write every property IRI (the local name must be an XML name).
        raise ExportError(
            f"cannot write the graph as {fmt}: {error}",
            hint="Choose another format, or give the property an IRI that ends in a name.",
        ) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Readers see the old file or the new one, never half of one; on error the temporary
    file is removed and the old file is left as it was.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
    except OSError as error:
        raise ExportError(f"cannot write {display_path(path)}: {error.strerror}") from None
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # NamedTemporaryFile creates the file private (0600); give it the usual mode.
        os.chmod(handle.name, 0o666 & ~_umask())
        os.replace(handle.name, path)
    except OSError as error:
        Path(handle.name).unlink(missing_ok=True)
        raise ExportError(f"cannot write {display_path(path)}: {error.strerror}") from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- canonical copy -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Canonical:
    union: Graph
    named: dict[URIRef, Graph]
    namespaces: list[tuple[str, URIRef]]


_cache: weakref.WeakKeyDictionary[Loaded, _Canonical] = weakref.WeakKeyDictionary()


def _canonical(loaded: Loaded) -> _Canonical:
    """A copy of ``loaded`` with blank nodes renamed by RDFC-1.0 (cached: build writes six
    formats from one load)."""
    if loaded in _cache:
        return _cache[loaded]
    blank: dict[BNode, ox.BlankNode] = {}
    dataset = ox.Dataset()
    for name, graph in loaded.named_graphs().items():
        graph_name = ox.NamedNode(str(name))
        for s, p, o in graph:
            dataset.add(ox.Quad(_to_ox(s, blank), _to_ox(p, blank), _to_ox(o, blank), graph_name))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    namespaces = sorted(loaded.graph.namespaces())
    union = new_graph(namespaces)
    named: dict[URIRef, Graph] = {}
    for quad in dataset:
        triple = tuple(map(from_oxigraph, (quad.subject, quad.predicate, quad.object)))
        union.add(triple)
        name = URIRef(quad.graph_name.value)
        if name not in named:
            named[name] = Graph(bind_namespaces="none")
        named[name].add(triple)
    result = _Canonical(union, dict(sorted(named.items())), namespaces)
    _cache[loaded] = result
    return result


def _to_ox(term: Node, blank: dict[BNode, ox.BlankNode]) -> Any:
    # A new Oxigraph blank node per rdflib one: its label does not matter, the
    # canonicalisation renames it.
    if isinstance(term, BNode):
        return blank.setdefault(term, ox.BlankNode())
    try:
        return to_oxigraph(term)
    except TypeError:
        raise ExportError(f"cannot export the term {term!r}") from None


# --- writers ------------------------------------------------------------------------------


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(data.splitlines()) - {b""})
    return b"".join(line + b"\n" for line in lines)


def _turtle(c: _Canonical) -> bytes:
    return _run(_ExactTurtle(c.union))


def _ntriples(c: _Canonical) -> bytes:
    return _sorted_lines(c.union.serialize(format=RDF_FORMATS["ntriples"].rdflib, encoding="utf-8"))


def _nquads(c: _Canonical) -> bytes:
    return _sorted_lines(
        _dataset(c).serialize(format=RDF_FORMATS["nquads"].rdflib, encoding="utf-8")
    )


def _trig(c: _Canonical) -> bytes:
    return _run(_ExactTrig(_dataset(c)))


def _run(serializer: TurtleSerializer) -> bytes:
    stream = BytesIO()
    serializer.serialize(stream, encoding="utf-8")
    return stream.getvalue()


# What a bare number or boolean means in Turtle.
_SHORT_FORMS = [
    (re.compile(r"[+-]?\d+"), XSD.integer),
    (re.compile(r"[+-]?\d*\.\d+"), XSD.decimal),
    (re.compile(r"[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+"), XSD.double),
    (re.compile(r"true|false"), XSD.boolean),
]


class _ExactLiterals(TurtleSerializer):
    """Writes ``60000`` or ``true`` only when reading it back gives the very same literal."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype in {dt for _, dt in _SHORT_FORMS}:
            short = node._literal_n3(use_plain=True)
            exact = short == str(node) and any(
                pattern.fullmatch(short) and datatype == node.datatype
                for pattern, datatype in _SHORT_FORMS
            )
            if not exact:
                return node._literal_n3(qname_callback=lambda dt: self.get_pname(dt, False))
        return super().label(node, position)


class _ExactTurtle(_ExactLiterals):
    pass


class _ExactTrig(_ExactLiterals, TrigSerializer):
    pass


def _xml(c: _Canonical) -> bytes:
    graph = _SortedGraph(bind_namespaces="none")
    for prefix, namespace in c.namespaces:
        graph.bind(prefix, namespace)
    for triple in c.union:
        graph.add(triple)
    # rdflib's "xml", not "pretty-xml": the pretty one drops statements about list nodes.
    return graph.serialize(format=RDF_FORMATS["xml"].rdflib, encoding="utf-8")


def _jsonld(c: _Canonical) -> bytes:
    context = {prefix: str(namespace) for prefix, namespace in c.namespaces if prefix}
    text = c.union.serialize(format=RDF_FORMATS["jsonld"].rdflib, context=context, encoding="utf-8")
    document = _sorted_json(json.loads(text))
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _sorted_json(node: Any, ordered: bool = False) -> Any:
    """Sort every JSON-LD array except the ``@list`` ones, whose order is data."""
    if isinstance(node, dict):
        return {key: _sorted_json(value, key == "@list") for key, value in node.items()}
    if isinstance(node, list):
        items = [_sorted_json(item) for item in node]
        if ordered:
            return items
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return node


class _SortedGraph(Graph):
    """A graph that lists subjects, predicates and their objects in sorted order.

    rdflib's RDF/XML serialiser writes subjects in the store's (hash) order and invents
    namespace prefixes in that order; it only reads through these three methods.
    """

    def subjects(self, predicate=None, object=None, unique=False) -> Iterator[Any]:  # noqa: A002
        return iter(sorted(set(super().subjects(predicate, object))))

    def predicates(self, subject=None, object=None, unique=False) -> Iterator[Any]:  # noqa: A002
        return iter(sorted(set(super().predicates(subject, object))))

    def predicate_objects(self, subject=None, unique=False) -> Iterator[Any]:
        return iter(sorted(set(super().predicate_objects(subject))))


class _SortedDataset(Dataset):
    """A dataset that lists its graphs by name; TriG writes them in that order."""

    def contexts(self, triple=None) -> Iterator[Any]:
        return iter(sorted(super().contexts(triple), key=lambda graph: str(graph.identifier)))


def _dataset(c: _Canonical) -> Dataset:
    dataset = _SortedDataset()
    # Set before first use, or rdflib binds its own ~30 default prefixes into the store.
    dataset.namespace_manager = NamespaceManager(dataset, bind_namespaces="none")
    for prefix, namespace in c.namespaces:
        dataset.bind(prefix, namespace)
    for name, graph in c.named.items():
        target = dataset.graph(name)
        for triple in graph:
            target.add(triple)
    return dataset


#: One writer per format of ``RDF_FORMATS``: each one's way to a stable output differs.
_WRITERS = {
    "turtle": _turtle,
    "ntriples": _ntriples,
    "jsonld": _jsonld,
    "trig": _trig,
    "nquads": _nquads,
    "xml": _xml,
}
