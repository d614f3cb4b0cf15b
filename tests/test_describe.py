"""The VoID/DCAT description: counted from the graph, stable, and right about its links."""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

from graph.dataset.describe import (
    BASENAME,
    DATA_LICENSE,
    DATASET,
    SOURCE_PAGE,
    dataset_description,
    void_turtle,
)
from graph.dataset.export import FORMATS
from graph.dataset.load import load
from graph.publish.build import build
from graph.rdf.formats import RDF_FORMATS
from graph.rdf.vocab import ID, JC, PREFIXES, WD
from tests.helpers import VALID, needs_shipped_data


@pytest.fixture(scope="module")
def described(valid) -> Graph:
    return dataset_description(valid)


def integer(graph: Graph, subject, predicate) -> int:
    value = graph.value(subject, predicate)
    assert isinstance(value, Literal) and value.datatype == XSD.integer, (subject, predicate)
    return int(value)


def test_it_is_a_void_and_a_dcat_dataset_with_titles_in_french_and_english(described):
    assert (DATASET, RDF.type, VOID.Dataset) in described
    assert (DATASET, RDF.type, DCAT.Dataset) in described
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {o.language for o in described.objects(DATASET, prop)} == {"fr", "en"}
    assert described.value(DATASET, DCTERMS.license) == DATA_LICENSE
    assert described.value(DATASET, DCTERMS.source) == URIRef("https://www.jura.ch/cop")
    assert described.value(DATASET, DCTERMS.publisher) is not None


def test_the_data_license_is_the_one_the_ontology_declares(valid):
    ontology = URIRef("https://w3id.org/jura-coop/ontology")
    assert valid.graph.value(ontology, DCTERMS.license) == DATA_LICENSE


def test_counts_come_from_the_graph(valid, described):
    graph = valid.graph
    assert integer(described, DATASET, VOID.triples) == len(graph)
    entities = {s for s in graph.subjects() if isinstance(s, URIRef) and s.startswith(str(ID))}
    assert integer(described, DATASET, VOID.entities) == len(entities)
    assert integer(described, DATASET, VOID.distinctSubjects) == len(set(graph.subjects()))
    assert integer(described, DATASET, VOID.properties) == len(set(graph.predicates()))


def test_every_class_has_a_partition_with_its_entity_count(valid, described):
    graph = valid.graph
    partitions = {
        described.value(p, VOID["class"]): integer(described, p, VOID.entities)
        for p in described.objects(DATASET, VOID.classPartition)
    }
    used = set(graph.objects(None, RDF.type))
    assert set(partitions) == used
    assert partitions[JC.Cooperation] == 1
    # The fund's budget is a blank node: still an entity of its class.
    assert partitions[URIRef("https://schema.org/MonetaryAmount")] == 1
    assert integer(described, DATASET, VOID.classes) == len(used)


def test_every_property_has_a_partition_with_its_triple_count(valid, described):
    counts = {
        described.value(p, VOID.property): integer(described, p, VOID.triples)
        for p in described.objects(DATASET, VOID.propertyPartition)
    }
    assert counts[JC.actor] == len(list(valid.graph.triples((None, JC.actor, None))))
    assert sum(counts.values()) == len(valid.graph)


def test_vocabularies_are_the_namespaces_of_the_classes_and_properties_used(described):
    vocabularies = {str(v) for v in described.objects(DATASET, VOID.vocabulary)}
    assert {PREFIXES["jc"], PREFIXES["org"], PREFIXES["skos"], PREFIXES["rdf"]} <= vocabularies
    # Instances and concepts are data, not vocabularies.
    assert not any(v.startswith(str(ID)) for v in vocabularies)
    assert described.value(DATASET, VOID.uriSpace) == Literal(str(ID))
    assert ID.rcju in set(described.objects(DATASET, VOID.exampleResource))


def test_no_wikidata_linkset_when_there_is_no_link(described):
    # The fixture data has no owl:sameAs to Wikidata.
    assert not list(described.subjects(RDF.type, VOID.Linkset))


def test_links_to_wikidata_are_a_counted_linkset(tmp_data, tmp_path):
    extra = tmp_path / "links.ttl"
    extra.write_text(
        "@prefix id: <https://w3id.org/jura-coop/id/> .\n"
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix wd: <http://www.wikidata.org/entity/> .\n"
        "id:territoire-jura owl:sameAs wd:Q12755 .\n"
        "id:rcju owl:sameAs <https://example.org/not-wikidata> .\n",
        encoding="utf-8",
    )
    described = dataset_description(load(tmp_data(extra)))
    (linkset,) = described.subjects(RDF.type, VOID.Linkset)
    assert (DATASET, VOID.subset, linkset) in described
    assert described.value(linkset, VOID.linkPredicate) == OWL.sameAs
    assert described.value(linkset, VOID.subjectsTarget) == DATASET
    assert integer(described, linkset, VOID.triples) == 1  # the other link is not Wikidata's
    target = described.value(linkset, VOID.objectsTarget)
    assert described.value(target, VOID.uriSpace) == Literal(str(WD))


def test_one_distribution_per_export_format(described):
    distributions = list(described.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(FORMATS)
    media = {
        str(described.value(d, DCAT.mediaType)).rsplit("media-types/")[1] for d in distributions
    }
    assert media == {f.media_type for f in RDF_FORMATS.values()}
    urls = {str(described.value(d, DCAT.downloadURL)) for d in distributions}
    assert urls == {BASENAME + suffix for suffix in FORMATS.values()}
    for d in distributions:
        assert described.value(d, DCTERMS.license) == DATA_LICENSE


def test_without_a_base_url_links_are_relative_to_the_build_folder(valid, tmp_path):
    # Read as a file in build/, the relative links resolve to the dumps next to it.
    out = tmp_path / "build"
    out.mkdir()
    (out / "void.ttl").write_bytes(void_turtle(valid))
    parsed = Graph().parse(out / "void.ttl", format="turtle")
    urls = {str(o) for o in parsed.objects(None, DCAT.downloadURL)}
    assert (out / "jura-coop.ttl").as_uri() in urls
    assert (DATASET, VOID.sparqlEndpoint, None) not in parsed
    assert (DATASET, VOID.dataDump, None) not in parsed


def test_a_base_url_gives_the_endpoint_and_absolute_dumps(valid):
    described = dataset_description(valid, base_url="http://127.0.0.1:8000/coop")
    assert described.value(DATASET, VOID.sparqlEndpoint) == URIRef(
        "http://127.0.0.1:8000/coop/sparql"
    )
    dumps = {str(o) for o in described.objects(DATASET, VOID.dataDump)}
    assert "http://127.0.0.1:8000/coop/jura-coop.ttl" in dumps
    assert len(dumps) == len(FORMATS)
    urls = {str(o) for o in described.objects(None, DCAT.downloadURL)}
    assert urls == dumps


def test_no_clock_unless_a_date_is_given(valid, described):
    assert (DATASET, DCTERMS.modified, None) not in described
    dated = dataset_description(valid, modified=date(2026, 11, 26))
    assert dated.value(DATASET, DCTERMS.modified) == Literal("2026-11-26", datatype=XSD.date)


def test_the_turtle_is_byte_identical_from_one_load_to_the_next():
    first, second = void_turtle(load(VALID)), void_turtle(load(VALID))
    assert first == second
    graph = Graph().parse(data=first, format="turtle")
    assert not any(isinstance(term, BNode) for triple in graph for term in triple)


@needs_shipped_data
def test_the_source_page_is_the_page_of_the_source_text(shipped):
    source = URIRef("https://w3id.org/jura-coop/id/source/jura-cop")
    assert shipped.graph.value(source, FOAF.page) == SOURCE_PAGE


@pytest.mark.usefixtures("test_rules")
def test_build_writes_the_description_next_to_the_dumps(tmp_data, tmp_path):
    out = tmp_path / "out"
    build(tmp_data(), out)
    parsed = Graph().parse(out / "void.ttl", format="turtle")
    for url in parsed.objects(None, DCAT.downloadURL):
        assert URIRef(url).startswith(out.as_uri())
        assert (out / str(url).rsplit("/", 1)[1]).is_file(), url
    assert integer(parsed, DATASET, VOID.triples) == len(
        Graph().parse(out / "jura-coop.nt", format="nt")
    )


@needs_shipped_data
def test_the_shipped_dataset_links_to_wikidata(shipped):
    described = dataset_description(shipped)
    (linkset,) = described.subjects(RDF.type, VOID.Linkset)
    links = [o for o in shipped.graph.objects(None, OWL.sameAs) if str(o).startswith(str(WD))]
    assert integer(described, linkset, VOID.triples) == len(links) > 0
