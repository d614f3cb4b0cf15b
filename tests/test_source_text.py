"""The graph against its source text, entity by entity and relation by relation.

These are the competency questions an editor asks of the source page
(tests/fixtures/source/jura-cop.txt, the text of https://www.jura.ch/cop): is every
partner, body, programme and fact of the page in the graph, with its axis and the excerpt
that states it? Names are read from the source text itself where the page lists them, so
a partner dropped from the data or renamed without an alternative label fails here.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from graph.rdf.vocab import CONCEPT, ID, JC, SCHEMA

SOURCE = Path(__file__).parent / "fixtures" / "source" / "jura-cop.txt"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"

RCJU = ID["rcju"]
PROXIMITY, INTERREGIONAL, DEVELOPMENT = (
    CONCEPT["axe-proximite"],
    CONCEPT["axe-interregional"],
    CONCEPT["axe-aide-developpement"],
)


def norm(text: str) -> str:
    """Compare names without caring about case, spacing, apostrophes or final dots."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().rstrip(".").casefold()


@pytest.fixture(scope="module")
def g():
    from graph.dataset.load import load

    return load().graph


@pytest.fixture(scope="module")
def source_text() -> str:
    return SOURCE.read_text(encoding="utf-8")


def fr_label(g, node) -> str:
    return next(str(o) for o in g.objects(node, SKOS.prefLabel) if o.language == "fr")


def names(g, node) -> set[str]:
    return {norm(str(o)) for p in (SKOS.prefLabel, SKOS.altLabel) for o in g.objects(node, p)}


def find_by_name(g, name: str) -> URIRef:
    hits = {s for s, o in g.subject_objects(SKOS.prefLabel) if norm(str(o)) == norm(name)}
    hits |= {s for s, o in g.subject_objects(SKOS.altLabel) if norm(str(o)) == norm(name)}
    # Territories share names with the bodies that govern them: the partner is the body.
    bodies = {h for h in hits if (h, RDF.type, JC.Territory) not in g}
    assert len(bodies) == 1, f"{name!r} names {sorted(bodies)}; expected exactly one body"
    return bodies.pop()


def relations(g, cls, actor_p, partner_p, actor=RCJU):
    """(partner, relation node) for each qualified relation of class ``cls`` from ``actor``."""
    for rel in g.subjects(RDF.type, cls):
        if (rel, actor_p, actor) in g:
            for partner in g.objects(rel, partner_p):
                yield partner, rel


def cooperations(g, actor=RCJU):
    return dict(relations(g, JC.Cooperation, JC.actor, JC.partner, actor))


def memberships(g):
    return dict(
        relations(
            g, URIRef(ORG + "Membership"), URIRef(ORG + "member"), URIRef(ORG + "organization")
        )
    )


def excerpts_of(g, rel) -> list[str]:
    return [
        str(g.value(e, URIRef(PROV + "value")))
        for e in g.objects(rel, URIRef(PROV + "wasDerivedFrom"))
    ]


def bullets(source_text: str) -> list[str]:
    return [
        line.strip().lstrip("•").strip().rstrip(".")
        for line in source_text.splitlines()
        if line.strip().startswith("•")
    ]


# --- the page itself ----------------------------------------------------------------


def test_every_excerpt_stands_verbatim_in_the_source(g, source_text):
    flat = re.sub(r"\s+", " ", source_text)
    excerpts = list(g.subjects(RDF.type, JC.SourceExcerpt))
    assert len(excerpts) >= 15
    for excerpt in excerpts:
        text = str(g.value(excerpt, URIRef(PROV + "value")))
        for part in text.split(" […] "):
            assert re.sub(r"\s+", " ", part) in flat, f"{excerpt}: {part!r} is not in the source"


def test_the_source_document_is_described(g):
    doc = ID["source/jura-cop"]
    assert (doc, RDF.type, URIRef(FOAF + "Document")) in g
    assert (doc, URIRef(FOAF + "page"), URIRef("https://www.jura.ch/cop")) in g
    assert g.value(doc, URIRef(DCT + "publisher")) == RCJU
    assert str(g.value(doc, URIRef(DCT + "language"))) == "fr"
    assert g.value(doc, URIRef(DCT + "title")) is not None


def test_every_relation_of_the_page_points_to_its_excerpt_and_document(g):
    doc = ID["source/jura-cop"]
    for cls in (JC.Cooperation, URIRef(ORG + "Membership"), JC.FundingChannel):
        for rel in g.subjects(RDF.type, cls):
            sources = set(g.objects(rel, URIRef(DCT + "source")))
            assert sources, f"{rel} cites no source"
            if doc in sources:
                assert excerpts_of(g, rel), f"{rel} cites the page but no excerpt of it"


# --- the delegate, the principles and the axes -----------------------------------------


def test_the_delegate_is_a_post_in_charge_of_external_relations(g):
    post = find_by_name(g, "Délégué à la coopération")
    assert (post, RDF.type, URIRef(ORG + "Post")) in g
    unit = g.value(post, URIRef(ORG + "postIn"))
    assert g.value(unit, URIRef(ORG + "unitOf")) == RCJU
    assert (post, JC.theme, CONCEPT["relations-exterieures"]) in g
    assert set(g.objects(post, JC.axis)) == {PROXIMITY, INTERREGIONAL, DEVELOPMENT}
    assert any("en charge des relations extérieures" in t for t in excerpts_of(g, post))


def test_the_policy_pursues_the_four_objectives_on_constitutional_grounds(g, source_text):
    policy = find_by_name(g, "Politique jurassienne de coopération")
    objectives = {norm(fr_label(g, o)) for o in g.objects(policy, JC.objective)}
    # The page: "favoriser le développement économique, social, environnemental et culturel".
    assert objectives == {
        norm(f"Développement {w}") for w in ("économique", "social", "environnemental", "culturel")
    }
    assert "économique, social, environnemental et culturel" in source_text
    bases = set(g.objects(policy, JC.legalBasis))
    assert ID["constitution-jura-art-53"] in bases and ID["constitution-jura-art-4"] in bases


def test_article_53_is_quoted_as_the_page_quotes_it(g, source_text):
    art = ID["constitution-jura-art-53"]
    text = str(g.value(art, URIRef(PROV + "value")))
    assert f"«{text}»" in source_text
    assert g.value(art, URIRef(DCT + "isPartOf")) == ID["constitution-jura"]
    assert (DEVELOPMENT, JC.legalBasis, art) in g


def test_the_three_axes_are_a_concept_scheme(g, source_text):
    axes = set(g.objects(CONCEPT["axes"], SKOS.hasTopConcept))
    assert axes == {PROXIMITY, INTERREGIONAL, DEVELOPMENT}
    for axis in axes:
        label = fr_label(g, axis)
        assert label in source_text, f"axis label {label!r} is not the page's heading"


# --- proximity cooperation -------------------------------------------------------------


def test_the_seven_neighbours_of_the_page_are_proximity_partners(g, source_text):
    neighbours = bullets(source_text)
    assert len(neighbours) == 7
    coops = cooperations(g)
    for name in neighbours:
        body = find_by_name(g, name)
        assert body in coops, f"no cooperation with {name}"
        rel = coops[body]
        assert g.value(rel, JC.axis) == PROXIMITY, name
        assert any(t.endswith(name) or t.endswith(name + ".") for t in excerpts_of(g, rel)), name
        # The direct edge is derived for simple queries.
        assert (RCJU, JC.cooperatesWith, body) in g


def test_grand_est_alsace_is_the_region_and_the_cea_carries_the_haut_rhin_relation(g):
    grand_est = find_by_name(g, "Grand Est (Alsace)")
    assert grand_est == ID["region-grand-est"]
    coops = cooperations(g)
    cea = ID["collectivite-europeenne-alsace"]
    assert (coops[ID["departement-haut-rhin"]], URIRef(DCT + "isReplacedBy"), coops[cea]) in g
    merger = ID["evenement/creation-collectivite-europeenne-alsace"]
    assert set(g.objects(merger, URIRef(ORG + "originalOrganization"))) == {
        ID["departement-haut-rhin"],
        ID["departement-bas-rhin"],
    }
    assert g.value(merger, URIRef(DCT + "date")) == Literal("2021-01-01", datatype=XSD.date)


def test_the_three_multilateral_frameworks_have_the_canton_as_member(g, source_text):
    members_of = memberships(g)
    for name in (
        "Arc jurassien.ch",
        "Arcjurassien.org",
        "Conférence franco-germano-suisse du Rhin supérieur",
    ):
        assert name in source_text
        body = find_by_name(g, name)
        assert body in members_of, name
        assert g.value(members_of[body], JC.axis) == PROXIMITY
        assert (RCJU, URIRef(ORG + "memberOf"), body) in g
    # "anciennement Conférence TransJurassienne (CTJ)": the former names are kept.
    org = ID["arcjurassien-org"]
    assert {norm("Conférence TransJurassienne"), norm("CTJ")} <= names(g, org)


def test_the_four_ways_to_fund_a_cross_border_project(g):
    funders = {
        g.value(f, JC.funder)
        for f in g.subjects(RDF.type, JC.FundingChannel)
        if g.value(f, JC.fundedItem) == CONCEPT["projets-transfrontaliers"]
    }
    expected = {RCJU} | {
        find_by_name(g, n)
        for n in (
            "INTERREG France-Suisse",
            "INTERREG Rhin supérieur",
            "Fonds de coopération culturelle Belfort Jura",
        )
    }
    assert funders == expected
    for funder in expected:
        assert (funder, JC.canFund, CONCEPT["projets-transfrontaliers"]) in g


def test_the_delegate_supports_cross_border_projects(g):
    post = ID["poste/delegue-cooperation"]
    assert (post, JC.task, CONCEPT["tache-accompagnement-projets"]) in g


# --- interregional cooperation -------------------------------------------------------


def test_the_interregional_partners_of_the_page(g, source_text):
    sentence = re.search(
        r"Les partenaires avec lesquels le Jura coopère sont: (.*?)\.", source_text
    ).group(1)
    partners = [re.sub(r"^(et )?la ", "", p.strip()) for p in re.split(r",| et ", sentence)]
    assert len(partners) == 3
    coops = cooperations(g)
    for name in partners:
        body = find_by_name(g, name)
        assert g.value(coops[body], JC.axis) == INTERREGIONAL, name


def test_the_canton_is_active_in_the_assembly_of_european_regions(g):
    body = find_by_name(g, "Assemblée des Régions d'Europe")
    rel = memberships(g)[body]
    assert g.value(rel, JC.axis) == INTERREGIONAL
    assert any("Assemblée des Régions d'Europe" in t for t in excerpts_of(g, rel))


def test_the_fwb_is_a_community_and_quebec_a_province(g):
    assert (
        ID["federation-wallonie-bruxelles"],
        URIRef(ORG + "classification"),
        CONCEPT["communaute-belge"],
    ) in g
    assert (ID["quebec"], URIRef(ORG + "classification"), CONCEPT["province"]) in g


# --- development aid ------------------------------------------------------------------


def test_twenty_five_years_in_cameroon_in_two_fields(g):
    rel = cooperations(g)[ID["republique-cameroun"]]
    assert g.value(rel, JC.axis) == DEVELOPMENT
    assert g.value(rel, JC.duration) == Literal("P25Y", datatype=XSD.duration)
    assert set(g.objects(rel, JC.theme)) == {
        CONCEPT["soins-sante-primaire"],
        CONCEPT["developpement-rural"],
    }


def test_opti_ma_externalised_development_aid_to_the_ficd(g):
    event = ID["evenement/externalisation-aide-developpement"]
    assert (event, RDF.type, JC.Externalisation) in g
    assert g.value(event, URIRef(PROV + "wasInformedBy")) == ID["opti-ma"]
    assert g.value(event, JC.mandatedOrganization) == ID["ficd"]
    assert g.value(event, URIRef(ORG + "originalOrganization")) == RCJU
    ficd = cooperations(g)[ID["ficd"]]
    assert set(g.objects(ficd, JC.task)) == {
        CONCEPT["tache-orientations-strategiques"],
        CONCEPT["tache-gestion-enveloppe"],
    }
    assert g.value(ficd, JC.axis) == DEVELOPMENT


# --- enrichment from the reference facts -----------------------------------------------


@pytest.mark.parametrize(
    ("entity", "prop", "value"),
    [
        ("territoire/jura", "iso31662", "CH-JU"),
        ("territoire/jura", "nutsCode", "CH025"),
        ("territoire/doubs", "nutsCode", "FRC21"),
        ("territoire/collectivite-europeenne-alsace", "iso31662", "FR-6AE"),
        ("territoire/quebec", "iso31662", "CA-QC"),
        ("territoire/vallee-aoste", "iso31662", "IT-23"),
        ("grand-belfort", "sirenNumber", "200069052"),
        ("pays-de-montbeliard-agglomeration", "sirenNumber", "200065647"),
    ],
)
def test_identifiers(g, entity, prop, value):
    assert (ID[entity], JC[prop], Literal(value)) in g


@pytest.mark.parametrize(
    ("territory", "qid"),
    [
        ("jura", "Q12755"),
        ("bourgogne-franche-comte", "Q18578267"),
        ("grand-est", "Q18677983"),
        ("doubs", "Q3361"),
        ("haut-rhin", "Q12722"),
        ("territoire-de-belfort", "Q12782"),
        ("quebec", "Q176"),
        ("vallee-aoste", "Q1222"),
    ],
)
def test_wikidata_links_are_on_territories(g, territory, qid):
    wd = URIRef(f"http://www.wikidata.org/entity/{qid}")
    assert (ID[f"territoire/{territory}"], URIRef("http://www.w3.org/2002/07/owl#sameAs"), wd) in g
    body = next(g.subjects(URIRef(DCT + "spatial"), ID[f"territoire/{territory}"]))
    assert (body, None, wd) not in g


@pytest.mark.parametrize(
    ("agreement", "date"),
    [
        ("accord/entente-jura-quebec-1983", "1983-07-01"),
        ("accord/jura-communaute-francaise-1988", "1988-12-21"),
        ("accord/accord-vallee-aoste-jura-2004", "2004-03-19"),
        ("accord/entente-interparlementaire-2000", "2000-11-23"),
        ("accord/jura-territoire-de-belfort-1988", "1988"),
        ("accord/convention-belfort-jura-2006", "2006-10-05"),
        ("accord/accord-de-lucelle-1992", "1992"),
        ("accord/accord-de-bale-2000", "2000-09-21"),
        ("accord/accord-de-bonn-1975", "1975-10-22"),
    ],
)
def test_agreement_dates(g, agreement, date):
    value = g.value(ID[agreement], URIRef(DCT + "date"))
    assert value is not None and str(value) == date
    assert value.datatype == (XSD.gYear if len(date) == 4 else XSD.date)


def test_renaming_history_of_the_franco_swiss_body(g):
    org = ID["arcjurassien-org"]
    events = sorted(
        (str(g.value(e, URIRef(DCT + "date"))), str(g.value(e, JC.newName)))
        for e in g.subjects(URIRef(ORG + "resultingOrganization"), org)
        if (e, RDF.type, JC.Renaming) in g
    )
    assert events == [
        ("2001-10-12", "Conférence TransJurassienne"),
        ("2021-03", "Arcjurassien.org"),
    ]
    founding = next(
        e
        for e in g.subjects(URIRef(ORG + "resultingOrganization"), org)
        if (e, RDF.type, JC.Founding) in g
    )
    assert str(g.value(founding, URIRef(DCT + "date"))) == "1985-05-03"


def test_conflicting_dates_are_kept_with_their_sources(g):
    alternatives = {str(g.value(a, RDF.value)) for a in g.subjects(RDF.type, JC.AlternativeValue)}
    assert {"2007", "2001", "1948-02-28", "2021"} <= alternatives
    for alt in g.subjects(RDF.type, JC.AlternativeValue):
        assert g.value(alt, URIRef(DCT + "source")) is not None
        assert next(g.subjects(JC.alternativeValue, alt), None) is not None


def test_programmes_have_their_managing_authorities(g):
    assert (
        g.value(ID["interreg-france-suisse"], JC.managingAuthority)
        == ID["region-bourgogne-franche-comte"]
    )
    assert g.value(ID["interreg-rhin-superieur"], JC.managingAuthority) == ID["region-grand-est"]
    periods = set(g.subjects(URIRef(DCT + "isPartOf"), ID["interreg-france-suisse"]))
    assert {str(g.value(p, SCHEMA.startDate)) for p in periods} == {"2014", "2021"}


def test_every_body_has_a_french_label_and_a_kind(g):
    for body in set(g.subjects(URIRef(ORG + "classification"), None)):
        if str(body).startswith(str(ID)):
            assert any(o.language == "fr" for o in g.objects(body, SKOS.prefLabel)), body
