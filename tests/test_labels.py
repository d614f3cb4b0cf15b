"""Label coverage per language, over the shipped ontology and data (docs/modelling.md, Labels).

French on everything (the source language); English on every entity; German on every term of
our ontology and every concept of our schemes (axes, objectives, fields, tasks, kinds), which
are our own words and translated by us; for bodies, German only where an established German
name exists, so that the German gaps `missing-labels` lists are exactly those bodies; Italian
only where an official or established Italian name exists.
"""

from __future__ import annotations

import pytest
from rdflib import URIRef
from rdflib.namespace import FOAF, ORG, RDF, RDFS, SKOS

from graph import paths
from graph.rdf.vocab import ID, JC
from graph.sparql.query import run_query

NOT_NAMED = {FOAF.Document, JC.SourceExcerpt}


@pytest.fixture(scope="module")
def g(shipped):
    return shipped.graph


def entities(g) -> list[URIRef]:
    """Typed resources under our base, except source documents (their titles stay in the
    language of the document) and excerpts (verbatim text, no label)."""
    found = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and s.startswith(ID)}
    return sorted(e for e in found if not set(g.objects(e, RDF.type)) & NOT_NAMED)


def languages(g, node, predicate=SKOS.prefLabel) -> set[str]:
    return {o.language for o in g.objects(node, predicate)}


def our_terms(g) -> list[URIRef]:
    ns = str(JC._NS)
    return sorted({s for s in g.subjects(RDF.type, None) if str(s).startswith(ns)})


def concepts(g) -> list[URIRef]:
    return sorted(
        s
        for cls in (SKOS.Concept, SKOS.ConceptScheme)
        for s in g.subjects(RDF.type, cls)
        if s.startswith(ID)
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_entity_has_a_label_in(g, lang):
    missing = [e for e in entities(g) if lang not in languages(g, e)]
    assert missing == [], f"{len(missing)} entities without a {lang} label: {missing[:10]}"


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
def test_every_term_of_the_ontology_has_a_label_in(g, lang):
    terms = our_terms(g)
    assert len(terms) > 40
    missing = [t for t in terms if lang not in languages(g, t, RDFS.label)]
    assert missing == []


@pytest.mark.parametrize("lang", ["fr", "en", "de"])
def test_every_concept_axis_objective_and_kind_has_a_label_in(g, lang):
    found = concepts(g)
    assert ID["concept/axe-proximite"] in found and ID["concept/canton"] in found
    missing = [c for c in found if lang not in languages(g, c)]
    assert missing == []


def test_the_german_gaps_are_bodies_only(g):
    rows = run_query("missing-labels", params={"language": "de"}).records()
    assert rows, "the bodies with no established German name are listed"
    for row in rows:
        classes = set(g.transitive_objects(URIRef(row["entity"]), RDF.type))
        supers = {s for c in classes for s in g.transitive_objects(c, RDFS.subClassOf)}
        assert ORG.Organization in supers, row


def test_missing_labels_reports_nothing_for_english():
    assert run_query("missing-labels", params={"language": "en"}).rows == []


@pytest.mark.parametrize(
    ("entity", "lang", "name"),
    [
        # Established names in other languages, with a source or an established exonym.
        ("federation-wallonie-bruxelles", "en", "Wallonia-Brussels Federation"),
        ("conference-rhin-superieur", "en", "Upper Rhine Conference"),
        ("vallee-aoste", "en", "Aosta Valley"),
        ("vallee-aoste", "it", "Valle d'Aosta"),
        ("vallee-aoste", "de", "Aostatal"),
        ("assemblee-regions-europe", "en", "Assembly of European Regions"),
        ("rcju", "en", "Canton of Jura"),
        ("quebec", "en", "Quebec"),
        ("canton-berne", "de", "Kanton Bern"),
    ],
)
def test_established_names(g, entity, lang, name):
    labels = {str(o) for o in g.objects(ID[entity], SKOS.prefLabel) if o.language == lang}
    assert labels == {name}


def test_italian_only_where_an_italian_name_exists(g):
    italian = sorted(e for e in entities(g) if "it" in languages(g, e))
    # The Aosta Valley (official in Italian), its council, Aosta, and a few places and countries.
    assert ID["vallee-aoste"] in italian and ID["conseil-vallee"] in italian
    assert ID["rcju"] not in italian


def test_the_german_labels_of_our_terms_live_in_the_ontology_not_in_python(g):
    from graph.network.kinds import PREDICATE_LABELS, predicate_labels

    assert not [p for p in PREDICATE_LABELS if str(p).startswith(str(JC._NS))]
    ontology = paths.ontology_dir() / "jura-coop.ttl"
    assert '"kooperiert mit"@de' in ontology.read_text(encoding="utf-8")
    assert predicate_labels(g, JC.cooperatesWith)["de"] == "kooperiert mit"
    assert predicate_labels(g, JC.party)["de"] == "Vertragspartei"
