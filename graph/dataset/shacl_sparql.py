"""SHACL shapes run as SPARQL queries on Oxigraph: the validation engine for big graphs.

pySHACL walks the graph node by node in Python: 34 s for our shapes on 10^5 triples, and
more than the memory of a laptop at 10^6. The shapes we write use a small part of SHACL
(targets by class or by property, property shapes on a plain path, with counts, classes,
datatypes, languages, lists of values, patterns and bounds), and each of those constraints
is one pattern or one filter in SPARQL, which Oxigraph evaluates with its indexes. This
module compiles each node shape into a few SELECT queries and reports what pySHACL would:
the same focus node, path, value, constraint component, severity and message for every
result (``tests/test_validate_engines.py`` compares the two engines on every fixture).

A node shape that uses anything else (SPARQL-based constraints, logical constraints at the
node level, a complex path, a property shape without its own ``sh:message``, whose default
message only pySHACL can write) is not compiled: ``compile_shapes`` hands it back as a
shapes graph of its own, for pySHACL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

__all__ = ["Compiled", "Result", "compile_shapes", "run", "run_shape"]

#: What a node shape may state and still be compiled (the rest are annotations).
_NODE_KEYS = {
    RDF.type,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    SH.property,
    RDFS.label,
    RDFS.comment,
    SH.name,
    SH.description,
    SH.message,  # only for node-level constraints, of which a compiled shape has none
    SH.severity,
}
_ANNOTATIONS = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.order, SH.group}
#: Constraints on one value node, and the component each reports.
_VALUE_COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
}
_PROPERTY_KEYS = (
    _ANNOTATIONS
    | set(_VALUE_COMPONENTS)
    | {
        SH.path,
        SH.message,
        SH.severity,
        SH.flags,
        SH.minCount,
        SH.maxCount,
        SH.uniqueLang,
        SH.qualifiedValueShape,
        SH.qualifiedMinCount,
        SH.qualifiedMaxCount,
    }
)
#: What a shape inside ``sh:or`` or ``sh:qualifiedValueShape`` may state.
_INNER_KEYS = _ANNOTATIONS | (set(_VALUE_COMPONENTS) - {SH["or"]}) | {SH.flags}
_BOUNDS = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
_NODE_KINDS = {
    SH.IRI: "!isIRI(?value)",
    SH.BlankNode: "!isBlank(?value)",
    SH.Literal: "!isLiteral(?value)",
    SH.BlankNodeOrIRI: "isLiteral(?value)",
    SH.BlankNodeOrLiteral: "isIRI(?value)",
    SH.IRIOrLiteral: "isBlank(?value)",
}
_TYPE = f"<{RDF.type}>"
_SUBCLASS = f"<{RDFS.subClassOf}>"


@dataclass(frozen=True)
class Result:
    """One validation result, as pySHACL reports it (terms of the data are Oxigraph's)."""

    focus: ox.NamedNode | ox.BlankNode | ox.Literal
    path: URIRef
    value: ox.NamedNode | ox.BlankNode | ox.Literal | None
    component: URIRef
    severity: URIRef
    messages: tuple[Node, ...]
    #: The property shape that holds the constraint.
    shape: Node


@dataclass(frozen=True)
class _Property:
    """A compiled property shape: what each result it gives says, and its constraints."""

    shape: Node
    path: URIRef
    severity: URIRef
    messages: tuple[Node, ...]
    #: (component, comparison, n): the count of values must not compare to n (``< 1``).
    counts: tuple[tuple[URIRef, str, int], ...]
    #: (component, expression true when ``?value`` violates it).
    values: tuple[tuple[URIRef, str], ...]
    #: (component, query whose ``?focus`` rows are results without a value).
    queries: tuple[tuple[URIRef, str], ...]

    def result(self, focus: Any, value: Any, component: URIRef) -> Result:
        return Result(focus, self.path, value, component, self.severity, self.messages, self.shape)


@dataclass(frozen=True)
class _NodeShape:
    #: A group that binds ``?focus`` to each focus node once.
    targets: str
    properties: tuple[_Property, ...]


@dataclass(frozen=True)
class Compiled:
    """The compiled node shapes, and the shapes left to pySHACL (None if none)."""

    shapes: list[_NodeShape] = field(default_factory=list)
    rest: Graph | None = None


def compile_shapes(shapes: Graph) -> Compiled:
    """Compile every node shape that can be; put the others in ``Compiled.rest``."""
    if _uses_advanced_features(shapes):
        return Compiled([], shapes)  # rules or custom targets change what is validated
    compiled: list[_NodeShape] = []
    left: list[Node] = []
    for shape in _node_shapes(shapes):
        node_shape = _compile_node_shape(shapes, shape)
        if node_shape is None:
            left.append(shape)
        elif node_shape.targets and node_shape.properties:
            compiled.append(node_shape)
    return Compiled(compiled, _subgraph(shapes, left) if left else None)


def run(compiled: Compiled, store: ox.Store) -> Iterator[Result]:
    """Run the compiled shapes on the union of the graphs of ``store``."""
    for node in compiled.shapes:
        yield from run_shape(node, store)


def run_shape(node: _NodeShape, store: ox.Store) -> Iterator[Result]:
    """Run one compiled node shape (``Compiled.shapes``): each can run in its own thread.

    One query counts the values of every path of every focus node, and one tests each
    distinct value of each path once: the canton is the actor of tens of thousands of
    cooperations at 10^6 triples, and is tested once, not once per cooperation. The focus
    nodes of a failing value are looked up afterwards, if any.
    """
    yield from _run_counts(node, store)
    yield from _run_values(node, store)
    for prop in node.properties:
        for component, text in prop.queries:
            for row in _query(store, text):
                yield prop.result(row["focus"], None, component)


def _query(store: ox.Store, text: str) -> Any:
    return store.query(text, use_default_graph_as_union=True)


def _paths(properties: list[tuple[int, _Property]]) -> str:
    rows = " ".join(f"({k} {_sparql(prop.path)})" for k, prop in properties)
    return f"VALUES (?k ?path) {{ {rows} }}"


def _run_counts(node: _NodeShape, store: ox.Store) -> Iterator[Result]:
    counted = [(k, prop) for k, prop in enumerate(node.properties) if prop.counts]
    if not counted:
        return
    failing = " || ".join(
        f"(?k = {k} && ({' || '.join(f'?n {op} {n}' for _, op, n in prop.counts)}))"
        for k, prop in counted
    )
    text = (
        f"SELECT ?focus ?k ?n WHERE {{ {{ SELECT ?focus ?k (COUNT(DISTINCT ?v) AS ?n) WHERE {{ "
        f"{node.targets} {_paths(counted)} OPTIONAL {{ ?focus ?path ?v }} }} "
        f"GROUP BY ?focus ?k }} FILTER({failing}) }}"
    )
    for row in _query(store, text):
        prop = node.properties[int(row["k"].value)]
        n = int(row["n"].value)
        for component, op, limit in prop.counts:
            if (n < limit) if op == "<" else (n > limit):
                yield prop.result(row["focus"], None, component)


def _run_values(node: _NodeShape, store: ox.Store) -> Iterator[Result]:
    tested = [(k, prop) for k, prop in enumerate(node.properties) if prop.values]
    if not tested:
        return
    columns: list[tuple[int, URIRef]] = []  # (k, component) of each ?cN
    binds = []
    for k, prop in tested:
        for component, expression in prop.values:
            binds.append(
                f"BIND(IF(?k = {k}, COALESCE({expression}, true), false) AS ?c{len(columns)})"
            )
            columns.append((k, component))
    names = " ".join(f"?c{i}" for i in range(len(columns)))
    text = (
        f"SELECT ?k ?value {names} WHERE {{ {{ SELECT DISTINCT ?k ?value WHERE {{ "
        f"{node.targets} {_paths(tested)} ?focus ?path ?value }} }} {' '.join(binds)} "
        f"FILTER({' || '.join(f'?c{i}' for i in range(len(columns)))}) }}"
    )
    failed: dict[tuple[int, Any], list[URIRef]] = {}
    for row in _query(store, text):
        key = (int(row["k"].value), row["value"])
        failed[key] = [c for i, (_, c) in enumerate(columns) if row[f"c{i}"].value == "true"]
    if not failed:
        return
    # Which focus nodes hold the failing values. A blank node cannot be named in a query:
    # then every value is tested again, next to its focus node.
    if any(isinstance(value, ox.BlankNode) for _, value in failed):
        found = (
            f"{node.targets} {_paths(tested)} ?focus ?path ?value {' '.join(binds)} "
            f"FILTER({' || '.join(f'?c{i}' for i in range(len(columns)))})"
        )
    else:
        pairs = " ".join(f"({k} {_sparql(node.properties[k].path)} {v})" for k, v in failed)
        found = f"VALUES (?k ?path ?value) {{ {pairs} }} ?focus ?path ?value {node.targets}"
    for row in _query(store, f"SELECT DISTINCT ?focus ?k ?value WHERE {{ {found} }}"):
        k = int(row["k"].value)
        for component in failed.get((k, row["value"]), ()):
            yield node.properties[k].result(row["focus"], row["value"], component)


# --- which shapes --------------------------------------------------------------------------


def _uses_advanced_features(shapes: Graph) -> bool:
    advanced = (SH.rule, SH.target, SH.entailment, SH.shapesGraph)
    return any((None, p, None) in shapes for p in advanced)


def _node_shapes(shapes: Graph) -> list[Node]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for target in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode):
        found |= set(shapes.subjects(target, None))
    property_shapes = set(shapes.objects(None, SH.property))
    return sorted(found - property_shapes, key=str)


def _subgraph(shapes: Graph, roots: list[Node]) -> Graph:
    """``roots`` and every triple reachable from them, with the prefixes of ``shapes``."""
    sub = Graph(bind_namespaces="none")
    for prefix, namespace in shapes.namespaces():
        sub.bind(prefix, namespace)
    seen: set[Node] = set()
    todo = list(roots)
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            sub.add((node, p, o))
            if isinstance(o, (BNode, URIRef)) and o not in seen:
                todo.append(o)
    return sub


# --- compiling -----------------------------------------------------------------------------


def _compile_node_shape(shapes: Graph, shape: Node) -> _NodeShape | None:
    keys = set(shapes.predicates(shape))
    if not keys <= _NODE_KEYS or (shape, SH.deactivated, None) in shapes:
        return None
    if any(t in (RDFS.Class, OWL.Class) for t in shapes.objects(shape, RDF.type)):
        return None  # an implicit class target
    targets = _targets(shapes, shape)
    properties = []
    for property_shape in sorted(shapes.objects(shape, SH.property), key=str):
        compiled = _compile_property_shape(shapes, property_shape, targets)
        if compiled is None:
            return None
        properties.append(compiled)
    return _NodeShape(targets, tuple(properties))


def _targets(shapes: Graph, shape: Node) -> str:
    """A group that binds ``?focus`` to each focus node of ``shape`` once."""
    parts = []
    for cls in sorted(shapes.objects(shape, SH.targetClass)):
        parts.append(f"?class {_SUBCLASS}* {_sparql(cls)} . ?focus {_TYPE} ?class .")
    for prop in sorted(shapes.objects(shape, SH.targetSubjectsOf)):
        parts.append(f"?focus {_sparql(prop)} ?any .")
    for prop in sorted(shapes.objects(shape, SH.targetObjectsOf)):
        parts.append(f"?any {_sparql(prop)} ?focus .")
    for node in sorted(shapes.objects(shape, SH.targetNode)):
        parts.append(f"BIND({_sparql(node)} AS ?focus)")
    if not parts:
        return ""
    union = " UNION ".join("{ " + part + " }" for part in parts)
    return f"{{ SELECT DISTINCT ?focus WHERE {{ {union} }} }}"


def _compile_property_shape(shapes: Graph, shape: Node, targets: str) -> _Property | None:
    keys = set(shapes.predicates(shape))
    path = shapes.value(shape, SH.path)
    messages = tuple(sorted(shapes.objects(shape, SH.message)))
    if (
        not keys <= _PROPERTY_KEYS
        or not isinstance(path, URIRef)
        or not messages  # pySHACL's default messages are its own
        or (shape, SH.deactivated, None) in shapes
        or len(list(shapes.objects(shape, SH.path))) != 1
    ):
        return None
    p = _sparql(path)
    counts = []
    for count, component, op in (
        (SH.minCount, SH.MinCountConstraintComponent, "<"),
        (SH.maxCount, SH.MaxCountConstraintComponent, ">"),
    ):
        for n in shapes.objects(shape, count):
            n = _integer(n)
            if n is None:
                return None
            counts.append((component, op, n))

    unique = set(shapes.objects(shape, SH.uniqueLang))
    if not unique <= {Literal(True), Literal(False)}:
        return None
    queries = []
    if Literal(True) in unique:
        text = (
            f"SELECT DISTINCT ?focus WHERE {{ {targets} ?focus {p} ?a . ?focus {p} ?b . "
            f'FILTER(isLiteral(?a) && isLiteral(?b) && lang(?a) != "" '
            f"&& lang(?a) = lang(?b) && !sameTerm(?a, ?b)) }}"
        )
        queries.append((SH.UniqueLangConstraintComponent, text))
    qualified = _qualified_queries(shapes, shape, p, targets)
    if qualified is None:
        return None
    queries += qualified

    values = _value_checks(shapes, shape)
    if values is None:
        return None
    severity = shapes.value(shape, SH.severity) or SH.Violation
    return _Property(shape, path, severity, messages, tuple(counts), tuple(values), tuple(queries))


def _qualified_queries(
    shapes: Graph, shape: Node, p: str, targets: str
) -> list[tuple[URIRef, str]] | None:
    """(component, query) for the qualified counts of a property shape (``p`` its path in
    SPARQL); None when they cannot be compiled."""
    inner = list(shapes.objects(shape, SH.qualifiedValueShape))
    if not inner:
        counted = {SH.qualifiedMinCount, SH.qualifiedMaxCount} & set(shapes.predicates(shape))
        return None if counted else []
    conforms = _inner_violation(shapes, inner[0]) if len(inner) == 1 else None
    if conforms is None:
        return None
    queries = []
    for count, component, op in (
        (SH.qualifiedMinCount, SH.QualifiedMinCountConstraintComponent, "<"),
        (SH.qualifiedMaxCount, SH.QualifiedMaxCountConstraintComponent, ">"),
    ):
        for n in shapes.objects(shape, count):
            n = _integer(n)
            if n is None:
                return None
            matching = f"?focus {p} ?value . FILTER(!({conforms}))"
            if count == SH.qualifiedMinCount and n == 1:
                text = f"SELECT ?focus WHERE {{ {targets} FILTER NOT EXISTS {{ {matching} }} }}"
            else:
                text = (
                    f"SELECT ?focus WHERE {{ {targets} OPTIONAL {{ {matching} }} }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?value) {op} {n})"
                )
            queries.append((component, text))
    return queries


def _value_checks(shapes: Graph, shape: Node) -> list[tuple[URIRef, str]] | None:
    """(component, expression true when ``?value`` violates it) for each value constraint."""
    checks = []
    for key, component in _VALUE_COMPONENTS.items():
        for argument in sorted(shapes.objects(shape, key)):
            if key == SH["or"]:
                alternatives = []
                for alternative in _list(shapes, argument):
                    expression = _inner_violation(shapes, alternative)
                    if expression is None:
                        return None
                    alternatives.append(f"({expression})")
                if not alternatives:
                    return None
                expression = " && ".join(alternatives)
            else:
                expression = _violation(shapes, shape, key, argument)
                if expression is None:
                    return None
            checks.append((component, expression))
    return checks


def _inner_violation(shapes: Graph, inner: Node) -> str | None:
    """An expression true when ``?value`` does not conform to the value-only shape ``inner``."""
    keys = set(shapes.predicates(inner))
    if not keys <= _INNER_KEYS:
        return None
    parts = []
    for key in _VALUE_COMPONENTS:
        for argument in sorted(shapes.objects(inner, key)):
            expression = _violation(shapes, inner, key, argument)
            if expression is None:
                return None
            parts.append(f"COALESCE({expression}, true)")
    return " || ".join(parts) if parts else "false"


def _violation(shapes: Graph, shape: Node, key: URIRef, argument: Node) -> str | None:
    """An expression true when ``?value`` violates ``key argument`` (may raise an error
    where the value cannot be compared: the callers read an error as a violation)."""
    if key == SH["class"]:
        if not isinstance(argument, URIRef):
            return None
        return (
            f"NOT EXISTS {{ ?value {_TYPE} ?valueClass . "
            f"?valueClass {_SUBCLASS}* {_sparql(argument)} }}"
        )
    if key == SH.datatype:
        if not isinstance(argument, URIRef):
            return None
        if argument == RDF.langString:
            return '!(isLiteral(?value) && lang(?value) != "")'
        # A language-tagged literal has rdf:langString for datatype.
        return f"!(isLiteral(?value) && sameTerm(datatype(?value), {_sparql(argument)}))"
    if key == SH.nodeKind:
        return _NODE_KINDS.get(argument)
    if key == SH.languageIn:
        ranges = _list(shapes, argument)
        if not all(isinstance(r, Literal) for r in ranges):
            return None
        matches = " || ".join(f"langMatches(lang(?value), {_sparql(r)})" for r in ranges)
        return f"!(isLiteral(?value) && ({matches or 'false'}))"
    if key == SH["in"]:
        members = _list(shapes, argument)
        if any(isinstance(m, BNode) for m in members):
            return None
        same = " || ".join(f"sameTerm(?value, {_sparql(m)})" for m in members)
        return f"!({same or 'false'})"
    if key == SH.pattern:
        flags = list(shapes.objects(shape, SH.flags))
        if len(flags) > 1 or not isinstance(argument, Literal):
            return None
        flag = f", {_sparql(Literal(str(flags[0])))}" if flags else ""
        return f"(isBlank(?value) || !REGEX(STR(?value), {_sparql(Literal(str(argument)))}{flag}))"
    if key in _BOUNDS:
        if not isinstance(argument, Literal):
            return None
        return f"!(?value {_BOUNDS[key]} {_sparql(argument)})"
    return None


def _list(shapes: Graph, head: Node) -> list[Node]:
    return list(Collection(shapes, head)) if head is not None else []


def _integer(term: Node) -> int | None:
    if isinstance(term, Literal) and isinstance(term.toPython(), int):
        return int(term.toPython())
    return None


def _sparql(term: Any) -> str:
    """``term`` written in SPARQL: IRIs in full, literals with their datatype or language."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = str(term).replace("\\", "\\\\").replace('"', '\\"')
        text = text.replace("\n", "\\n").replace("\r", "\\r")
        if term.language:
            return f'"{text}"@{term.language}'
        if term.datatype and term.datatype != XSD.string:
            return f'"{text}"^^<{term.datatype}>'
        return f'"{text}"'
    raise ValueError(f"cannot write {term!r} in a query")
