"""The JC namespace class and the ontology say the same thing, and every term is documented."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from graph import paths
from graph.rdf.vocab import JC, PREFIXES


def ontology() -> Graph:
    return Graph().parse(paths.ontology_dir() / "jura-coop.ttl")


def declared_terms(g: Graph) -> set[str]:
    ns = str(JC._NS)
    return {str(s)[len(ns) :] for s in g.subjects(RDF.type, None) if str(s).startswith(ns)}


def test_namespace_class_lists_exactly_the_ontology_terms():
    in_code = set(JC.__annotations__)
    assert in_code == declared_terms(ontology())


def test_a_typo_in_a_term_is_an_error():
    try:
        JC.cooperatesWit  # noqa: B018
    except AttributeError:
        return
    raise AssertionError("JC accepted an unknown term")


def test_every_term_has_french_and_english_labels_and_definitions():
    g = ontology()
    for name in declared_terms(g):
        term = URIRef(JC[name])
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in g.objects(term, prop)}
            assert {"fr", "en"} <= langs, f"jc:{name} lacks {prop} in { ({'fr', 'en'} - langs) }"


def test_every_term_is_a_class_or_a_property():
    g = ontology()
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
    for name in declared_terms(g):
        assert set(g.objects(URIRef(JC[name]), RDF.type)) & kinds, name


def test_prefixes_do_not_clash():
    # GeoSPARQL and WGS84 both like "geo:"; schema.org exists in http and https: one each.
    assert len(set(PREFIXES.values())) == len(PREFIXES)
    assert PREFIXES["schema"] == "https://schema.org/"
