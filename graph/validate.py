"""Validate the graph: the SHACL shapes, then the ``*-violation.rq`` check queries.

Each problem becomes one ``Violation`` naming the resource, the property, the rule and, when
it can be found, the data file that states the resource. A ``sh:Warning`` or ``sh:Info``
result is listed but does not stop the graph from conforming.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, NamespaceManager
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from graph import paths
from graph.errors import CoopGraphError, DataNotFoundError, DataSyntaxError, display_path
from graph.load import Loaded, parse_turtle

__all__ = ["Violation", "ValidationReport", "validate"]


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
) -> ValidationReport:
    """Check ``target`` against the shapes and the check queries (default: the shipped ones).

    A shipped ``shapes.ttl`` or ``checks/`` folder that does not exist is skipped; one
    passed explicitly must exist.
    """
    loaded = target if isinstance(target, Loaded) else None
    graph = target.graph if isinstance(target, Loaded) else target
    shapes_file = _existing(shapes, paths.shapes_path())
    checks_folder = _existing(checks_dir, paths.checks_dir())
    describe = _Describer(graph, loaded)

    violations: set[Violation] = set()
    if shapes_file is not None:
        violations |= _run_shapes(graph, parse_turtle(shapes_file), describe)
    checks = sorted(checks_folder.glob("*-violation.rq")) if checks_folder else []
    for check in checks:
        violations |= _run_check(graph, check, describe)
    ordered = sorted(violations, key=Violation.sort_key)
    conforms = not any(v.severity == "Violation" for v in ordered)
    return ValidationReport(conforms, ordered, shapes_file, checks)


def _existing(given: Path | None, default: Path) -> Path | None:
    if given is None:
        return default if default.exists() else None
    if not Path(given).exists():
        raise DataNotFoundError(f"{given} does not exist")
    return Path(given)


class _Describer:
    """Writes terms for people and finds the file that states a resource."""

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
    # Imported here: pySHACL costs ~70 ms to import, and `query`, `render` and `serve`
    # never validate.
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
    try:
        query = prepareQuery(text)
    except Exception as error:  # pyparsing's ParseException; rdflib does not wrap it
        raise DataSyntaxError(
            check,
            getattr(error, "lineno", None),
            getattr(error, "col", None),
            str(getattr(error, "msg", error)),
        ) from None
    _refuse_remote(check, query)
    if query.algebra.name != "SelectQuery":
        raise CoopGraphError(
            f"{display_path(check)}: a check must be a SELECT query",
            hint="Select ?focus ?path ?value ?message; every row is a violation.",
        )
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


def _refuse_remote(check: Path, query: Query) -> None:
    """No SERVICE and no FROM: rdflib would fetch them over the network."""
    found: list[str] = []
    traverse(query.algebra, visitPre=lambda node: found.append(getattr(node, "name", "")))
    if "ServiceGraphPattern" in found or query.algebra.get("datasetClause"):
        raise CoopGraphError(
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
