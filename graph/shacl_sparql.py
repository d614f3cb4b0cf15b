"""SHACL shapes run as SPARQL queries on Oxigraph: the validation engine for big graphs.

pySHACL walks the graph node by node in Python: 34 s for our shapes on 10^5 triples, and
more than the memory of a laptop at 10^6. The shapes we write use a small part of SHACL
(targets by class or by property, property shapes on a plain path, with counts, classes,
datatypes, languages, lists of values, patterns and bounds), and each of those constraints
is one pattern or one filter in SPARQL, which Oxigraph evaluates with its indexes. This
module compiles each node shape into a few SELECT queries and reports what pySHACL would:
the same focus node, path, value, constraint component, severity and message for every
result (``tests/test_shapes_engine.py`` compares the two engines on every fixture).

A node shape that uses anything else (SPARQL-based constraints, logical constraints at the
node level, a complex path, a property shape without its own ``sh:message``, whose default
message only pySHACL can write) is not compiled: ``compile_shapes`` hands it back as a
shapes graph of its own, for pySHACL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

__all__ = ["Compiled", "Result", "compile_shapes", "run"]

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
class _Query:
    text: str
    path: URIRef
    severity: URIRef
    messages: tuple[Node, ...]
    shape: Node
    #: The component of each result; for a query of value constraints, one per ``?vN``.
    components: tuple[URIRef, ...]
    with_value: bool


@dataclass(frozen=True)
class Compiled:
    """The queries of the compiled shapes, and the shapes left to pySHACL (None if none)."""

    queries: list[_Query] = field(default_factory=list)
    rest: Graph | None = None


def compile_shapes(shapes: Graph) -> Compiled:
    """Compile every node shape that can be; put the others in ``Compiled.rest``."""
    if _uses_advanced_features(shapes):
        return Compiled([], shapes)  # rules or custom targets change what is validated
    queries: list[_Query] = []
    left: list[Node] = []
    for shape in _node_shapes(shapes):
        compiled = _compile_node_shape(shapes, shape)
        if compiled is None:
            left.append(shape)
        else:
            queries += compiled
    return Compiled(queries, _subgraph(shapes, left) if left else None)


def run(compiled: Compiled, store: ox.Store) -> Iterator[Result]:
    """Run the compiled queries on the union of the graphs of ``store``."""
    for query in compiled.queries:
        for row in store.query(query.text, use_default_graph_as_union=True):
            value = row["value"] if query.with_value else None
            if len(query.components) == 1:
                failed = list(query.components)
            else:
                failed = [
                    c
                    for i, c in enumerate(query.components)
                    if row[f"v{i}"] is not None and row[f"v{i}"].value == "true"
                ]
            for component in failed:
                yield Result(
                    row["focus"],
                    query.path,
                    value,
                    component,
                    query.severity,
                    query.messages,
                    query.shape,
                )


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


def _compile_node_shape(shapes: Graph, shape: Node) -> list[_Query] | None:
    keys = set(shapes.predicates(shape))
    if not keys <= _NODE_KEYS or (shape, SH.deactivated, None) in shapes:
        return None
    if any(t in (RDFS.Class, OWL.Class) for t in shapes.objects(shape, RDF.type)):
        return None  # an implicit class target
    targets = _targets(shapes, shape)
    queries: list[_Query] = []
    for property_shape in sorted(shapes.objects(shape, SH.property), key=str):
        compiled = _compile_property_shape(shapes, property_shape, targets)
        if compiled is None:
            return None
        queries += compiled
    return queries


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


def _compile_property_shape(shapes: Graph, shape: Node, targets: str) -> list[_Query] | None:
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
    if not targets:
        return []
    severity = shapes.value(shape, SH.severity) or SH.Violation
    p = _sparql(path)

    def query(text: str, components: tuple[URIRef, ...], with_value: bool) -> _Query:
        return _Query(text, path, severity, messages, shape, components, with_value)

    queries = []
    for count, component, op in (
        (SH.minCount, SH.MinCountConstraintComponent, "<"),
        (SH.maxCount, SH.MaxCountConstraintComponent, ">"),
    ):
        for n in shapes.objects(shape, count):
            n = _integer(n)
            if n is None:
                return None
            if count == SH.minCount and n == 1:
                text = f"SELECT ?focus WHERE {{ {targets} FILTER NOT EXISTS {{ ?focus {p} ?v }} }}"
            else:
                text = (
                    f"SELECT ?focus WHERE {{ {targets} OPTIONAL {{ ?focus {p} ?v }} }} "
                    f"GROUP BY ?focus HAVING (COUNT(DISTINCT ?v) {op} {n})"
                )
            queries.append(query(text, (component,), False))

    unique = set(shapes.objects(shape, SH.uniqueLang))
    if not unique <= {Literal(True), Literal(False)}:
        return None
    if Literal(True) in unique:
        text = (
            f"SELECT DISTINCT ?focus WHERE {{ {targets} ?focus {p} ?a . ?focus {p} ?b . "
            f'FILTER(isLiteral(?a) && isLiteral(?b) && lang(?a) != "" '
            f"&& lang(?a) = lang(?b) && !sameTerm(?a, ?b)) }}"
        )
        queries.append(query(text, (SH.UniqueLangConstraintComponent,), False))

    inner = shapes.value(shape, SH.qualifiedValueShape)
    if inner is not None:
        if len(list(shapes.objects(shape, SH.qualifiedValueShape))) != 1:
            return None
        conforms = _inner_violation(shapes, inner)
        if conforms is None:
            return None
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
                queries.append(query(text, (component,), False))
    elif keys & {SH.qualifiedMinCount, SH.qualifiedMaxCount}:
        return None

    checks = _value_checks(shapes, shape)
    if checks is None:
        return None
    if checks:
        binds = " ".join(f"BIND(COALESCE({c}, true) AS ?v{i})" for i, (_, c) in enumerate(checks))
        any_failed = " || ".join(f"?v{i}" for i in range(len(checks)))
        names = " ".join(f"?v{i}" for i in range(len(checks)))
        text = (
            f"SELECT DISTINCT ?focus ?value {names} WHERE {{ {targets} ?focus {p} ?value . "
            f"{binds} FILTER({any_failed}) }}"
        )
        queries.append(query(text, tuple(c for c, _ in checks), True))
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


def _sparql(term: Node) -> str:
    """``term`` written in SPARQL: IRIs in full, literals with their datatype or language."""
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
