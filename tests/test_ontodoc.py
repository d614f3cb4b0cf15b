"""The ontology's documentation page: complete, self-contained, escaped, stable."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from graph.page.ontodoc import document, ontology_graph, ontology_html
from graph.publish.build import build
from graph.rdf.vocab import CONCEPT, ID, JC


class Page(HTMLParser):
    """Collects what the tests look at: ids, links, tags, and the text by element id."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs
        for name, value in attrs:
            if name == "id":
                self.ids.append(value)
            if name == "href":
                self.hrefs.append(value)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def html(graph) -> str:
    return ontology_html(graph)


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


def test_every_term_of_the_ontology_is_on_the_page_with_its_french_and_english_label(
    graph, html, page
):
    for name in JC.__annotations__:
        assert name in page.ids, f"jc:{name} has no section"
        for label in graph.objects(JC[name], RDFS.label):
            assert str(label).replace("'", "&#39;") in html, (name, label)


def test_classes_show_their_superclasses_and_properties_their_domain_and_range(graph):
    doc = document(graph)
    country = next(t for t in doc.classes if t.ref.iri == str(JC.Country))
    assert [r.name for r in country.superclasses] == ["jc:Territory"]
    assert country.superclasses[0].href == "#Territory"
    actor = next(t for t in doc.properties if t.ref.iri == str(JC.actor))
    assert [r.name for r in actor.domain] == ["jc:Cooperation"]
    assert [r.name for r in actor.range] == ["org:Organization"]
    assert actor.range[0].href == "http://www.w3.org/ns/org#Organization"
    assert [lang for lang, _ in actor.definitions] == ["fr", "en"]
    cooperation = next(t for t in doc.classes if t.ref.iri == str(JC.Cooperation))
    assert {r.name for r in cooperation.properties} >= {"jc:actor", "jc:partner"}


def test_every_concept_scheme_lists_its_concepts(graph, page):
    doc = document(graph)
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme))
    assert {s.ref.iri for s in doc.schemes} == {str(s) for s in schemes}
    for concept in graph.subjects(RDF.type, SKOS.Concept):
        anchor = "concept-" + str(concept)[len(str(CONCEPT)) :]
        assert anchor in page.ids, concept
    axes = next(s for s in doc.schemes if s.ref.iri == str(CONCEPT.axes))
    assert [c.notation for c in axes.concepts] == ["development", "proximity", "interregional"]


def test_the_data_and_the_shapes_are_not_documented(valid):
    graph = ontology_graph(valid)
    assert (ID.rcju, None, None) not in graph
    assert (None, RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")) not in graph
    assert (JC.Cooperation, RDF.type, None) in graph


def test_internal_links_all_land_on_the_page(page):
    ids = set(page.ids)
    assert len(ids) == len(page.ids), "duplicate ids"
    for href in page.hrefs:
        if href.startswith("#"):
            assert href[1:] in ids, href
        else:
            assert href.startswith(("https://", "http://")), href


def test_the_page_is_self_contained_and_runs_no_script(html, page):
    assert not page.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert "@import" not in html and "url(" not in html
    assert not any(name.startswith("on") for name, _ in page.attributes)


def test_text_from_the_turtle_is_escaped_and_bad_iris_are_not_linked(graph):
    evil = Graph()
    for triple in graph:
        evil.add(triple)
    evil.namespace_manager = graph.namespace_manager
    evil.add((JC.Cooperation, RDFS.label, Literal("<script>alert(1)</script>", lang="fr")))
    evil.add((JC.actor, SKOS.definition, Literal('x" onmouseover="alert(2)', lang="en")))
    evil.add((JC.Cooperation, RDFS.seeAlso, URIRef("javascript:alert(3)")))
    html = ontology_html(evil)
    page = Page(html)
    assert "script" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not any(name.startswith("on") for name, _ in page.attributes)
    assert not any(href.startswith("javascript:") for href in page.hrefs)
    assert "javascript:alert(3)" in html  # shown as text, not as a link


def test_the_page_is_the_same_on_every_run(graph, html):
    assert ontology_html(ontology_graph()) == html


@pytest.mark.usefixtures("test_rules")
def test_build_writes_the_page(tmp_data, tmp_path):
    out = tmp_path / "out"
    build(tmp_data(), out)
    written = (out / "ontology.html").read_text(encoding="utf-8")
    assert written == ontology_html()
