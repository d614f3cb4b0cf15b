"""The page of one entity (``/id/<path>``), or its description in RDF: what a worker does
for an ``EntityTask``.

The queries run here; ``graph.server.entity_page`` lays out what they found.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import RDFS, SKOS

from graph.page.html import content_security_policy
from graph.server.entity_page import NAMES, Facts, entity_page, sort_key
from graph.server.reply import RDF_TYPES, Reply, error_reply

if TYPE_CHECKING:
    from graph.server.tasks import EntityTask

__all__ = ["entity_reply"]

_OUTGOING = "SELECT ?p ?o WHERE { ?entity ?p ?o }"
_INCOMING = "SELECT ?s ?p WHERE { ?s ?p ?entity }"
#: The qualified relations the entity takes part in, from either side.
_RELATIONS = """PREFIX jc: <https://w3id.org/jura-coop/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <https://schema.org/>
SELECT ?relation ?kind ?other ?axis ?start ?end WHERE {
  { ?relation jc:actor ?entity ; jc:partner ?other BIND("cooperation" AS ?kind) }
  UNION { ?relation jc:partner ?entity ; jc:actor ?other BIND("cooperation" AS ?kind) }
  UNION { ?relation a org:Membership ; org:member ?entity ; org:organization ?other
          BIND("membership" AS ?kind) }
  UNION { ?relation a org:Membership ; org:organization ?entity ; org:member ?other
          BIND("membership" AS ?kind) }
  OPTIONAL { ?relation jc:axis ?axis }
  OPTIONAL { ?relation schema:startDate ?start }
  OPTIONAL { ?relation schema:endDate ?end }
}"""
#: The events of the entity's history: foundings, renamings, mergers...
_EVENTS = """PREFIX jc: <https://w3id.org/jura-coop/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?event ?kind ?date ?role WHERE {
  ?event ?role ?entity .
  VALUES ?role {
    org:originalOrganization org:resultingOrganization jc:mandatedOrganization jc:newMember
  }
  ?event a ?kind . ?kind rdfs:subClassOf org:ChangeEvent .
  OPTIONAL { ?event dct:date ?date }
}"""


def entity_reply(task: EntityTask, data_dir: Path | None) -> Reply:
    """The entity's page, or its description in the RDF syntax asked for; 404 if unknown."""
    from graph.sparql.query import run_query

    iri = f"<{task.iri}>"
    if task.media_type != "text/html":
        result = run_query("entity", params={"entity": iri}, data_dir=data_dir)
        if not result.triples:
            return _unknown(task.iri)
        from graph.sparql.results import format_result

        return Reply(200, task.media_type, format_result(result, RDF_TYPES[task.media_type]))
    facts = _facts(task, data_dir)
    if facts is None:
        return _unknown(task.iri)
    named = {task.iri}
    for row in facts.outgoing + facts.incoming:
        named.update(term.value for term in row if hasattr(term, "value"))
    for row in facts.relations + facts.events:
        named.update(value for value in row.values() if isinstance(value, str))
    page = entity_page(task.iri, task.lang, facts, _labels(named, data_dir))
    headers = {"Content-Security-Policy": content_security_policy(page)}
    return Reply(200, "text/html", page.encode("utf-8"), headers)


def _facts(task: EntityTask, data_dir: Path | None) -> Facts | None:
    """The entity's statements, relations, events and sources; None when it has none."""
    from graph.sparql.query import run_query

    iri = f"<{task.iri}>"
    outgoing = run_query(_OUTGOING, params={"entity": iri}, data_dir=data_dir).rows
    incoming = run_query(_INCOMING, params={"entity": iri}, data_dir=data_dir).rows
    if not outgoing and not incoming:
        return None
    # The entity's own names come first, so that no cut loses them.
    outgoing.sort(key=lambda row: (row[0].value not in NAMES, sort_key(row[1])))
    incoming.sort(key=lambda row: (row[1].value, sort_key(row[0])))
    outgoing, out_left = _first_values(outgoing, task.max_rows)
    incoming, in_left = _first_values(incoming, max(0, task.max_rows - len(outgoing)))
    return Facts(
        outgoing,
        incoming,
        run_query(_RELATIONS, params={"entity": iri}, data_dir=data_dir).records(),
        run_query(_EVENTS, params={"entity": iri}, data_dir=data_dir).records(),
        run_query(
            "source-excerpts", params={"about": iri}, lang=task.lang, data_dir=data_dir
        ).records(),
        out_left + in_left,
    )


def _labels(iris: Iterable[str], data_dir: Path | None) -> dict[str, dict[str, str]]:
    """IRI -> language -> label: from the data and the ontology, then the vocabularies' own.

    One label per language, the smallest, so that the page is the same every time.
    """
    import pyoxigraph as ox

    from graph.page.vocabulary import term_labels
    from graph.sparql.query import run_query

    nodes = []
    for iri in sorted(iris):
        try:
            nodes.append(str(ox.NamedNode(iri)))
        except ValueError:
            continue  # a literal or a blank node's value
    labels: dict[str, dict[str, str]] = {}
    if nodes:
        rows = run_query(
            f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {' '.join(nodes)} }} "
            f"?x <{SKOS.prefLabel}>|<{RDFS.label}> ?l }}",
            data_dir=data_dir,
        ).rows
        for thing, label in rows:
            if isinstance(label, ox.Literal):
                found = labels.setdefault(thing.value, {})
                key = label.language or ""
                if key not in found or label.value < found[key]:
                    found[key] = label.value
    for iri, names in term_labels().items():
        for key, text in names.items():
            labels.setdefault(iri, {}).setdefault(key, text)
    return labels


def _first_values(rows: list, limit: int) -> tuple[list, int]:
    """The rows of the first ``limit`` statements (``row[:2]``), and how many were left out."""
    statements = list(dict.fromkeys((str(row[0]), str(row[1])) for row in rows))
    kept = set(statements[:limit])
    return [row for row in rows if (str(row[0]), str(row[1])) in kept], len(statements) - len(kept)


def _unknown(iri: str) -> Reply:
    return error_reply(
        404,
        f"no resource <{iri}> in the graph",
        "Entity IRIs look like /id/rcju or /id/territoire/jura; the query page lists them.",
    )
