"""The reference validation engine: pySHACL and rdflib's SPARQL engine on rdflib's graph.

Ten to a hundred times slower than the default engine (``graph.dataset.validate_oxigraph``,
docs/performance.md), it stays for the tests, which compare both on every fixture, and
runs what the default one hands over: the shapes the SHACL compiler leaves out, a check
query only rdflib reads. The check files' rules (a SELECT, no SERVICE, no FROM, the
header comment as default message) are written here for both engines.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.term import Node

from graph.dataset.load import Loaded
from graph.dataset.report import Violation
from graph.errors import CoopGraphError, DataSyntaxError, display_path

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

__all__ = [
    "Describer",
    "GraphDescriber",
    "header_comment",
    "not_a_select",
    "prepare_check",
    "remote_refused",
    "run_check",
    "run_shapes",
    "shape_message",
]


class Describer:
    """Writes terms for people and finds the file that states a resource."""

    #: rdflib's graph of the target (made on first use when the target is a ``Loaded``).
    graph: Graph

    def term(self, term: Node | None, within: Graph | None = None) -> str:
        raise NotImplementedError

    def source(
        self, focus: Node | None, path: Node | None = None, value: Node | None = None
    ) -> Path | None:
        raise NotImplementedError


class GraphDescriber(Describer):
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


def run_shapes(graph: Graph, shapes: Graph, describe: Describer) -> set[Violation]:
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
                message=shape_message(report.objects(result, SH.resultMessage)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                shape=owner.n3(shapes.namespace_manager) if isinstance(owner, URIRef) else "",
            )
        )
    return violations


def shape_message(messages: Iterable[Node]) -> str:
    """The English message if there is one (our messages are in English), else any."""
    by_lang = {getattr(m, "language", None) or "": str(m) for m in sorted(messages)}
    for lang in ("en", ""):
        if lang in by_lang:
            return by_lang[lang]
    return next(iter(by_lang.values()), "")


def run_check(graph: Graph, check: Path, describe: Describer) -> set[Violation]:
    text = check.read_text(encoding="utf-8")
    query = prepare_check(check, text)
    _refuse_remote(check, query)
    if query.algebra.name != "SelectQuery":
        raise not_a_select(check)
    default_message = header_comment(text) or f"{check.name} returned this row"
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


def prepare_check(check: Path, text: str) -> Query:
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


def not_a_select(check: Path) -> CoopGraphError:
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
        raise remote_refused(check)


def remote_refused(check: Path) -> CoopGraphError:
    return CoopGraphError(
        f"{display_path(check)}: a check may not use SERVICE or FROM",
        hint="Checks run offline on the loaded graph; query it without a dataset clause.",
    )


def header_comment(text: str) -> str:
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            comment = stripped.lstrip("#").strip()
            if comment:
                return comment
        elif stripped:
            break
    return ""
