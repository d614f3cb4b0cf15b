"""The data against what its sources say: the corrections of a fact-by-fact review.

Each test is a competency question that the earlier data answered wrongly; it is written
from the source text (tests/fixtures/source/jura-cop.txt) or from the project's reference
fact sheet, and would have failed on the data before the correction.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from graph.rdf.vocab import ID, JC

SOURCE = Path(__file__).parent / "fixtures" / "source" / "jura-cop.txt"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"


@pytest.fixture(scope="module")
def g(shipped):
    return shipped.graph


def year_of(value) -> int:
    return int(str(value)[:4])


def texts(g, node, predicate) -> list[str]:
    return [str(o) for o in g.objects(node, predicate)]


# --- 1. the Région's seat is not the region's chef-lieu ------------------------------------


def test_the_region_bourgogne_franche_comte_sits_in_besancon_and_dijon_is_the_chef_lieu(g):
    region = ID["region-bourgogne-franche-comte"]
    assert g.value(region, URIRef(ORG + "hasPrimarySite")) == ID["lieu/besancon"]
    territory = g.value(region, URIRef(DCT + "spatial"))
    assert g.value(territory, JC.administrativeCentre) == ID["lieu/dijon"]
    # Dijon is nobody's seat: it is the chef-lieu of a territory, not where a body sits.
    assert not list(g.subjects(URIRef(ORG + "hasPrimarySite"), ID["lieu/dijon"]))


# --- 2. approved in Aosta is not signed in Aosta -------------------------------------------


def test_the_2004_aosta_accord_was_approved_in_aosta_not_signed_there(g):
    accord = ID["accord/accord-vallee-aoste-jura-2004"]
    assert g.value(accord, JC.placeOfSignature) is None
    assert g.value(accord, JC.placeOfApproval) == ID["lieu/aoste"]
    assert "approuvé" in str(g.value(accord, URIRef(DCT + "description")))


def test_every_place_of_signature_comes_with_a_description_that_says_signed(g):
    for accord, _place in g.subject_objects(JC.placeOfSignature):
        description = str(g.value(accord, URIRef(DCT + "description")) or "").lower()
        assert "sign" in description, f"{accord}: a place of signature no text speaks of"


# --- 3 and 4. each disagreeing value carries exactly the sources that give it ------------


def value_sources(g, resource, prop) -> dict[str, set[URIRef]]:
    """Value (as text) -> sources, over the retained and the alternative values."""
    found: dict[str, set[URIRef]] = {}
    for link in (JC.alternativeValue, JC.retainedValue):
        for node in g.objects(resource, link):
            if g.value(node, JC.onProperty) == prop:
                value = str(g.value(node, RDF.value))
                found.setdefault(value, set()).update(g.objects(node, URIRef(DCT + "source")))
    return found


def test_the_aosta_statute_date_28_february_is_not_credited_to_the_sources_of_26(g):
    statute = ID["statut-special-vallee-aoste"]
    values = value_sources(g, statute, URIRef(DCT + "date"))
    assert set(values) == {"1948-02-26", "1948-02-28"}
    # The fact sheet says one source gives 28 February, without saying which: the sources of
    # the statute's description are not all credited with it.
    described_by = set(g.objects(statute, URIRef(DCT + "source")))
    assert not values["1948-02-28"] & described_by
    assert len(values["1948-02-28"]) == 1


def test_the_belju_fund_start_years_do_not_share_their_sources(g):
    fund = ID["fonds-belju"]
    values = value_sources(g, fund, URIRef(SCHEMA + "startDate"))
    assert set(values) == {"2006", "2007"}
    shared = values["2006"] & values["2007"]
    both = {s for node in g.objects(fund, JC.retainedValue) for s in g.objects(node, JC.statesBoth)}
    both |= {
        s for node in g.objects(fund, JC.alternativeValue) for s in g.objects(node, JC.statesBoth)
    }
    assert shared <= both, f"{sorted(shared - both)} cited for 2006 and 2007 alike"


def test_the_basel_agreement_dates_carry_the_sources_the_fact_sheet_names(g):
    accord = ID["accord/accord-de-bale-2000"]
    values = value_sources(g, accord, URIRef(DCT + "date"))
    assert values == {
        "2000-09-21": {ID["source/rmtmo"], ID["source/swissinfo-2000"]},
        "2001": {ID["source/mot-crs"]},
    }


def test_disagreements_credits_each_source_only_with_the_values_it_gives():
    from graph.sparql.query import run_query

    given: dict[tuple[str, str, str], set[str]] = {}
    for row in run_query("disagreements").records():
        key = (row["resource"], str(row["property"]), row["source"])
        given.setdefault(key, set()).add(str(row["value"]))
    fiche = ID["source/fiche-reference"]
    for (resource, prop, source), values in given.items():
        # Only the fact sheet, which reports the disagreements it cannot attribute, gives two.
        assert len(values) == 1 or source == str(fiche), (resource, prop, source, values)
    retained = [r for r in run_query("disagreements").records() if r["retained"]]
    assert retained and all(r["why"] for r in retained)


# --- 5. "a été actif": the Cameroon relation is past ---------------------------------------


def test_the_cameroon_relation_has_ended_at_a_date_no_source_gives(g):
    source = SOURCE.read_text(encoding="utf-8")
    assert "Pendant 25 ans, le canton du Jura a été actif au Cameroun" in source
    relation = ID["cooperation/cameroun"]
    assert g.value(relation, JC.ended) == Literal(True)
    assert g.value(relation, URIRef(SCHEMA + "endDate")) is None
    assert g.value(relation, URIRef(SCHEMA + "startDate")) is None


# --- 6. the right notice, the right kind of document ---------------------------------------


def test_the_1985_founding_cites_the_notice_of_the_communaute_de_travail(g):
    notice_6584 = ID["source/diju"]
    notice_3760 = ID["source/diju-3760"]
    assert str(g.value(notice_3760, URIRef(FOAF + "page"))).endswith("/notices/detail/3760")
    for fact in (
        ID["evenement/fondation-communaute-travail-jura"],
        ID["accord/convention-communaute-travail-jura-1985"],
    ):
        sources = set(g.objects(fact, URIRef(DCT + "source")))
        assert notice_3760 in sources and notice_6584 not in sources, fact


def test_notice_6584_is_cited_only_for_what_happened_from_2001(g):
    # The notice of the Conférence TransJurassienne starts in 2001: a dated fact before that
    # cannot come from it (the body itself, dated 1985, is described by several notices).
    for fact in g.subjects(URIRef(DCT + "source"), ID["source/diju"]):
        date = g.value(fact, URIRef(DCT + "date"))
        if date is not None:
            assert year_of(date) >= 2001, fact


def test_the_rfj_article_of_2008_is_not_called_a_press_release(g):
    for fact in g.subjects(URIRef(DCT + "source"), ID["source/rfj-2008"]):
        for text in texts(g, fact, URIRef(DCT + "description")):
            assert not re.search(r"communiqu", text, re.IGNORECASE), (fact, text)


# --- links to the Swiss federal Linked Data -------------------------------------------------

FSO_NUMBERS = {
    "jura": 26,
    "berne": 2,
    "neuchatel": 24,
    "vaud": 22,
    "bale-ville": 12,
    "bale-campagne": 13,
    "argovie": 19,
    "soleure": 11,
}


def test_every_swiss_canton_links_to_lindas_beside_wikidata(g):
    skos_exact = URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")
    same_as = URIRef("http://www.w3.org/2002/07/owl#sameAs")
    cantons = set(g.subjects(URIRef(ORG + "classification"), ID["concept/canton"]))
    territories = {g.value(c, URIRef(DCT + "spatial")) for c in cantons}
    assert {str(t).rsplit("/", 1)[1] for t in territories} == set(FSO_NUMBERS)
    for territory in territories:
        number = FSO_NUMBERS[str(territory).rsplit("/", 1)[1]]
        assert str(g.value(territory, JC.ofsNumber)) == str(number)
        assert URIRef(f"https://ld.admin.ch/canton/{number}") in set(
            g.objects(territory, skos_exact)
        )
        assert str(g.value(territory, same_as)).startswith("http://www.wikidata.org/entity/Q")


# --- agreements with no known party ---------------------------------------------------------


def test_an_agreement_with_no_known_party_is_tied_to_its_body_and_says_so(g):
    from graph.network.convert import to_networkx

    network = to_networkx(g)
    for name in (
        "accord-de-bonn-1975",
        "convention-communaute-travail-jura-1985",
        "convention-ctj-2002",
        "accord-de-bale-2000",
    ):
        agreement = ID[f"accord/{name}"]
        assert g.value(agreement, JC.party) is None
        assert network.degree(str(agreement)) > 0, f"{name} floats unconnected"
        for lang in ("fr", "en"):
            description = next(
                str(d)
                for d in g.objects(agreement, URIRef(DCT + "description"))
                if d.language == lang
            )
            assert "ne nomment pas ses parties" in description or "do not name its parties" in (
                description
            ), (name, lang)
