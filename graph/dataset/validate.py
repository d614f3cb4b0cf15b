"""Validate the graph: the SHACL shapes, then the ``*-violation.rq`` check queries.

Each problem becomes one ``Violation`` naming the resource, the property, the rule and, when
it can be found, the data file that states the resource. A ``sh:Warning`` or ``sh:Info``
result is listed but does not stop the graph from conforming.

Two engines give the same report. The default one, ``"oxigraph"``, runs in the Oxigraph
store that ``graph.dataset.load`` filled: the shapes compiled to SPARQL
(``graph.dataset.shacl_sparql``; pySHACL takes the shapes it cannot compile), then the check
queries. The reference,
``"pyshacl"``, is pySHACL and rdflib's SPARQL engine on rdflib's graph: 10 to 100 times
slower (docs/performance.md), it stays for the tests, which compare both on every fixture.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD, NamespaceManager
from rdflib.term import Node

from graph import paths
from graph.dataset.export import from_oxigraph
from graph.dataset.load import Loaded, parse_turtle
from graph.errors import CoopGraphError, DataNotFoundError, DataSyntaxError, display_path

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

__all__ = ["ENGINES", "Violation", "ValidationReport", "validate"]

#: The engines ``validate`` can run on: the default first, then the reference.
ENGINES = ("oxigraph", "pyshacl")


@dataclass(frozen=True)
class Violation:
    """One problem, with every term written as a prefixed name where a prefix exists."""

    #: The data file that states the resource (None when it cannot be told).
    source_file: Path | None
    #: The resource at fault, e.g. ``id:rcju``; a blank node reads ``id:x/jc:budget/[]``.
    focus: str
    #: The property concerned, e.g. ``skos:prefLabel`` ("" when the rule is about the node).
    path: str
    #: The rule: ``sh:MinCountConstraintComponent`` or the check file's name.
    constraint: str
    #: The offending value ("" when there is none, e.g. a missing value).
    value: str
    message: str
    #: ``Violation``, ``Warning`` or ``Info``.
    severity: str = "Violation"
    #: The shape that holds the rule ("" for check queries).
    shape: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, ...]:
        rank = {"Violation": "0", "Warning": "1"}.get(self.severity, "2")
        where = str(self.source_file) if self.source_file else "\uffff"  # unknown files last
        return (rank, where, self.focus, self.path, self.constraint, self.value, self.message)

    def line(self) -> str:
        """``<file>: <focus> <path> [<constraint>] <message>``."""
        where = display_path(self.source_file) if self.source_file else "-"
        parts = [f"{where}:", self.focus, self.path, f"[{self.constraint}]", self.message]
        if self.value:
            parts.append(f"(value: {self.value})")
        if self.severity != "Violation":
            parts.insert(1, f"{self.severity}:")
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome: ``conforms`` is False as soon as one result has severity Violation."""

    conforms: bool
    violations: list[Violation]
    #: The shapes file used, or None when there was none to use.
    shapes: Path | None = None
    #: The check queries run.
    checks: list[Path] = field(default_factory=list)

    def text(self) -> str:
        """One line per result: violations first, then by file, resource, property, rule."""
        return "\n".join(v.line() for v in self.violations)


def validate(
    target: Loaded | Graph,
    shapes: Path | None = None,
    checks_dir: Path | None = None,
    *,
    engine: str = "oxigraph",
) -> ValidationReport:
    """Check ``target`` against the shapes and the check queries (default: the shipped ones).

    A shipped ``shapes.ttl`` or ``checks/`` folder that does not exist is skipped; one
    passed explicitly must exist. ``engine`` is one of ``ENGINES``; both give the same report.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    shapes_file = _existing(shapes, paths.shapes_path())
    checks_folder = _existing(checks_dir, paths.checks_dir())
    loaded = target if isinstance(target, Loaded) else None
    if engine == "pyshacl":
        describe: _Describer = _GraphDescriber(_rdflib_graph(target), loaded)
    else:
        describe = _StoreDescriber(target)

    shapes_graph = parse_turtle(shapes_file) if shapes_file is not None else None
    checks = sorted(checks_folder.glob("*-violation.rq")) if checks_folder else []
    violations: set[Violation] = set()
    if engine == "pyshacl":
        if shapes_graph is not None:
            violations |= _run_shapes(describe.graph, shapes_graph, describe)
        for check in checks:
            violations |= _run_check(describe.graph, check, describe)
    else:
        violations = _run_in_store(describe, shapes_graph, checks)
    ordered = sorted(violations, key=Violation.sort_key)
    conforms = not any(v.severity == "Violation" for v in ordered)
    return ValidationReport(conforms, ordered, shapes_file, checks)


def _rdflib_graph(target: Loaded | Graph) -> Graph:
    return target.graph if isinstance(target, Loaded) else target


def _existing(given: Path | None, default: Path) -> Path | None:
    if given is None:
        return default if default.exists() else None
    if not Path(given).exists():
        raise DataNotFoundError(f"{given} does not exist")
    return Path(given)


class _Describer:
    """Writes terms for people and finds the file that states a resource."""

    #: rdflib's graph of the target (made on first use when the target is a ``Loaded``).
    graph: Graph

    def term(self, term: Node | None, within: Graph | None = None) -> str:
        raise NotImplementedError

    def source(
        self, focus: Node | None, path: Node | None = None, value: Node | None = None
    ) -> Path | None:
        raise NotImplementedError


class _GraphDescriber(_Describer):
    """Terms and files found in rdflib's graphs (the reference engine)."""

    def __init__(self, graph: Graph, loaded: Loaded | None) -> None:
        self.graph = graph
        self.loaded = loaded
        self.names: NamespaceManager = graph.namespace_manager

    def term(self, term: Node | None, within: Graph | None = None) -> str:
        if term is None:
            return ""
        if isinstance(term, BNode):
            return self._blank(term, within or self.graph)
        if isinstance(term, (URIRef, Literal)):
            return term.n3(self.names)
        return str(term)

    def _blank(self, node: BNode, graph: Graph, depth: int = 0) -> str:
        # A blank node has no name worth printing (it changes on every load): say where it
        # hangs instead, e.g. ``id:fonds-belju/jc:budget/[]``, or spell out a SHACL path.
        if (node, SH.inversePath, None) in graph:
            return "^" + self.term(graph.value(node, SH.inversePath), graph)
        if (node, RDF.first, None) in graph:
            return "/".join(self.term(item, graph) for item in graph.items(node))
        parents = sorted(graph.subject_predicates(node))
        if not parents or depth > 4:
            return "[]"
        subject, predicate = parents[0]
        above = (
            self._blank(subject, graph, depth + 1)
            if isinstance(subject, BNode)
            else self.term(subject)
        )
        return f"{above}/{self.term(predicate)}/[]"

    def source(
        self, focus: Node | None, path: Node | None = None, value: Node | None = None
    ) -> Path | None:
        """The file most likely at fault: the one stating the offending value, else the
        property, else the one that types the resource, else any mentioning it."""
        if self.loaded is None or focus is None:
            return None
        files = [*self.loaded.data_files, *self.loaded.ontology_files]
        patterns = [
            (focus, path, value) if path is not None and value is not None else None,
            (focus, path, None) if path is not None else None,
            (focus, RDF.type, None),
            (focus, None, None),
            (None, None, focus),
        ]
        for pattern in filter(None, patterns):
            for file in files:
                if pattern in self.loaded.file_graphs[file]:
                    return file
        return None


def _run_shapes(graph: Graph, shapes: Graph, describe: _Describer) -> set[Violation]:
    # Imported here: pySHACL costs ~70 ms to import, and the default engine needs it only
    # for shapes it cannot compile.
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        graph,
        shacl_graph=shapes,
        inference="none",  # the graph already holds the ontology and the derived edges
        allow_warnings=True,
        advanced=True,  # SHACL-AF and SPARQL-based constraints
        do_owl_imports=False,  # no network
    )
    violations = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        shape = report.value(result, SH.sourceShape)
        owner = shapes.value(None, SH.property, shape) if isinstance(shape, BNode) else shape
        severity = report.value(result, SH.resultSeverity)
        violations.add(
            Violation(
                source_file=describe.source(focus, path, value),
                focus=describe.term(focus),
                path=describe.term(path, report),
                constraint=describe.term(report.value(result, SH.sourceConstraintComponent)),
                value=describe.term(value),
                message=_message(report.objects(result, SH.resultMessage)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                shape=owner.n3(shapes.namespace_manager) if isinstance(owner, URIRef) else "",
            )
        )
    return violations


def _message(messages: Iterable[Node]) -> str:
    """The English message if there is one (our messages are in English), else any."""
    by_lang = {getattr(m, "language", None) or "": str(m) for m in sorted(messages)}
    for lang in ("en", ""):
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), "")


def _run_check(graph: Graph, check: Path, describe: _Describer) -> set[Violation]:
    text = check.read_text(encoding="utf-8")
    query = _prepare(check, text)
    _refuse_remote(check, query)
    if query.algebra.name != "SelectQuery":
        raise _not_a_select(check)
    default_message = _header_comment(text) or f"{check.name} returned this row"
    violations = set()
    for row in graph.query(query):
        values = row.asdict()
        focus, path, value = (values.get(name) for name in ("focus", "path", "value"))
        violations.add(
            Violation(
                source_file=describe.source(focus, path, value),
                focus=describe.term(focus),
                path=describe.term(path),
                constraint=check.name,
                value=describe.term(value),
                message=str(values.get("message") or default_message),
            )
        )
    return violations


def _prepare(check: Path, text: str) -> Query:
    """rdflib's parse of a check; a syntax error names the file, the line and the column."""
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text)
    except Exception as error:  # pyparsing's ParseException; rdflib does not wrap it
        raise DataSyntaxError(
            check,
            getattr(error, "lineno", None),
            getattr(error, "col", None),
            str(getattr(error, "msg", error)),
        ) from None


def _not_a_select(check: Path) -> CoopGraphError:
    return CoopGraphError(
        f"{display_path(check)}: a check must be a SELECT query",
        hint="Select ?focus ?path ?value ?message; every row is a violation.",
    )


def _refuse_remote(check: Path, query: Query) -> None:
    """No SERVICE and no FROM: rdflib would fetch them over the network."""
    from rdflib.plugins.sparql.algebra import traverse

    found: list[str] = []
    traverse(query.algebra, visitPre=lambda node: found.append(getattr(node, "name", "")))
    if "ServiceGraphPattern" in found or query.algebra.get("datasetClause"):
        raise _remote_refused(check)


def _remote_refused(check: Path) -> CoopGraphError:
    return CoopGraphError(
        f"{display_path(check)}: a check may not use SERVICE or FROM",
        hint="Checks run offline on the loaded graph; query it without a dataset clause.",
    )


def _header_comment(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            if comment:
                return comment
        elif stripped:
            break
    return ""


# --- the default engine: Oxigraph -----------------------------------------------------------

#: The named graph that holds a plain rdflib graph given to ``validate``.
_PLAIN_GRAPH = ox.NamedNode("urn:x-coopgraph:validated")


class _StoreDescriber(_Describer):
    """Terms and files found in the Oxigraph store; rdflib's graph only if asked for."""

    def __init__(self, target: Loaded | Graph) -> None:
        self.loaded = target if isinstance(target, Loaded) else None
        self._plain = target if isinstance(target, Graph) else None
        if self.loaded is not None:
            self.store = self.loaded.store
        else:
            self.store = ox.Store()
            self.store.extend(
                ox.Quad(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o), _PLAIN_GRAPH)
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
        from graph.dataset.load import bind_prefixes

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
        subject, predicate = URIRef(focus.value), URIRef(_to_oxigraph(path).value)
        same = [
            o
            for o in self.graph.objects(subject, predicate)
            if isinstance(o, Literal) and o.datatype == wanted.datatype and _equal(o, wanted)
        ]
        return self.term(same[0] if len(same) == 1 else wanted)

    def _blank(self, node: ox.BlankNode, depth: int = 0) -> str:
        # As _GraphDescriber._blank: where the node hangs, or the items of a list.
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
        """As ``_GraphDescriber.source``, asked of each file's named graph in the store."""
        if self.loaded is None or focus is None:
            return None
        focus, path, value = (
            _to_oxigraph(t) if t is not None else None for t in (focus, path, value)
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


def _to_oxigraph(term: Any) -> Any:
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        datatype = ox.NamedNode(str(term.datatype)) if term.datatype else None
        return ox.Literal(str(term), language=term.language, datatype=datatype)
    raise TypeError(f"not an RDF term: {term!r}")


#: Threads that run the queries of the default engine. Oxigraph lets go of the GIL while
#: it evaluates, and the node shapes and the checks are independent queries on one store.
_THREADS = min(4, os.cpu_count() or 1)
#: What a check task returns for a query that rdflib reads and Oxigraph does not.
_RDFLIB_ONLY = object()


def _run_in_store(
    describe: _StoreDescriber, shapes: Graph | None, checks: list[Path]
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
            violations |= _run_shapes(graph, compiled.rest, _GraphDescriber(graph, describe.loaded))
        for check, job in check_jobs:
            rows = job.result()
            if rows is _RDFLIB_ONLY:  # runs where it ran before
                graph = describe.graph
                violations |= _run_check(graph, check, _GraphDescriber(graph, describe.loaded))
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


def _shape_violation(describe: _StoreDescriber, shapes: Graph, result: Any) -> Violation:
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
        message=_message(result.messages),
        severity=str(result.severity).rsplit("#", 1)[-1],
        shape=owner.n3(shapes.namespace_manager) if isinstance(owner, URIRef) else "",
    )


def _check_rows(store: ox.Store, check: Path) -> Any:
    """(focus, path, value, message) of each row of ``check``, run on the store."""
    text = check.read_text(encoding="utf-8")
    if _names_remote_data(text):
        raise _remote_refused(check)
    try:
        results = store.query(text, use_default_graph_as_union=True)
    except SyntaxError:
        _prepare(check, text)  # rdflib's error, as before, when rdflib refuses it too
        return _RDFLIB_ONLY
    if not isinstance(results, ox.QuerySolutions):
        raise _not_a_select(check)
    selected = {variable.value for variable in results.variables}
    default_message = _header_comment(text) or f"{check.name} returned this row"
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
