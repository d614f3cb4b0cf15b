"""The cooperation as it stood in a given year (the as-of-year query), on the shipped data.

The expected rows are written from the source text (tests/fixtures/source/jura-cop.txt)
and the reference fact sheet, not read back from the query: for each year, the relations
in force, the name each partner bore that year, whether the start or the end is unknown,
and the body that has taken the relation over, if any. `as-of-year` is the one definition
of "in force in year X"; a view by year calls it rather than restating it.
"""

from __future__ import annotations

import pytest

from graph.rdf.vocab import ID
from graph.sparql.query import run_query

NONE = None

# (relation, name borne that year, start unknown, end unknown, successor)
#
# Dated from the fact sheet: Québec 1 Jul 1983, AER (founded as Conseil des Régions
# d'Europe 15 Jun 1985, AER from Nov 1987), Territoire de Belfort 1988, FWB 21 Dec 1988
# (Communauté française until 25 May 2011), Lucelle (Haut-Rhin) 1992, CTJ-Suisse 1994
# (arcjurassien.ch from 2008), Basel Agreement 21 Sep 2000 (Upper Rhine), interparliamentary
# entente 23 Nov 2000, Aosta 19 Mar 2004, FICD mandate 2018, CeA 1 Jan 2021 (carries the
# Haut-Rhin relation). Arcjurassien.org: founded 3 May 1985 as Communauté de travail du
# Jura, CTJ from 12 Oct 2001, Arcjurassien.org from March 2021; the canton's membership has
# no known start. The page names Doubs, BFC (2016), Grand Est (2016), Grand Belfort (2017)
# and PMA (2017) with no start; Cameroon "pendant 25 ans ... a été actif": no start, ended
# at an unknown date.
CAMEROON = ("cooperation/cameroun", "République du Cameroun", True, True, NONE)
DOUBS = ("cooperation/doubs", "Département du Doubs", True, False, NONE)
QUEBEC = ("cooperation/quebec", "Province du Québec", False, False, NONE)
BELFORT = (
    "cooperation/territoire-de-belfort",
    "Département du Territoire de Belfort",
    False,
    False,
    NONE,
)
INTERPARLIAMENTARY = [
    (
        "cooperation/interparlementaire-vallee-aoste-wallonie-bruxelles",
        "Conseil de la Vallée",
        False,
        False,
        NONE,
    ),
    (
        "cooperation/interparlementaire-vallee-aoste-wallonie-bruxelles",
        "Parlement de la Fédération Wallonie-Bruxelles",
        False,
        False,
        NONE,
    ),
]
UPPER_RHINE = (
    "adhesion/rcju-conference-rhin-superieur",
    "Conférence franco-germano-suisse du Rhin supérieur",
    False,
    False,
    NONE,
)
AER = (
    "adhesion/rcju-assemblee-regions-europe",
    "Assemblée des Régions d'Europe",
    False,
    False,
    NONE,
)
AOSTA = ("cooperation/vallee-aoste", "Vallée d'Aoste", False, False, NONE)


def arc_org(name):
    return ("adhesion/rcju-arcjurassien-org", name, True, False, NONE)


def arc_ch(name):
    return ("adhesion/rcju-arcjurassien-ch", name, False, False, NONE)


def fwb(name):
    return ("cooperation/wallonie-bruxelles", name, False, False, NONE)


def haut_rhin(successor=NONE):
    return ("cooperation/haut-rhin", "Département du Haut-Rhin", False, False, successor)


EXPECTED = {
    1985: [
        arc_org("Communauté de travail du Jura"),
        DOUBS,
        (
            "adhesion/rcju-assemblee-regions-europe",
            "Conseil des Régions d'Europe",
            False,
            False,
            NONE,
        ),
        QUEBEC,
        CAMEROON,
    ],
    1995: [
        arc_ch("CTJ-Suisse"),
        arc_org("Communauté de travail du Jura"),
        DOUBS,
        haut_rhin(),
        BELFORT,
        AER,
        fwb("Communauté française de Belgique"),
        QUEBEC,
        CAMEROON,
    ],
    2005: [
        arc_ch("CTJ-Suisse"),
        arc_org("Conférence TransJurassienne"),
        UPPER_RHINE,
        DOUBS,
        haut_rhin(),
        BELFORT,
        AER,
        *INTERPARLIAMENTARY,
        fwb("Communauté française de Belgique"),
        QUEBEC,
        AOSTA,
        CAMEROON,
    ],
    2015: [
        arc_ch("arcjurassien.ch"),
        arc_org("Conférence TransJurassienne"),
        UPPER_RHINE,
        DOUBS,
        haut_rhin(),
        BELFORT,
        AER,
        *INTERPARLIAMENTARY,
        fwb("Fédération Wallonie-Bruxelles"),
        QUEBEC,
        AOSTA,
        CAMEROON,
    ],
    2025: [
        arc_ch("arcjurassien.ch"),
        arc_org("Arcjurassien.org"),
        (
            "cooperation/collectivite-europeenne-alsace",
            "Collectivité européenne d'Alsace",
            False,
            False,
            NONE,
        ),
        (
            "cooperation/grand-belfort",
            "Communauté d'agglomération du Grand Belfort",
            True,
            False,
            NONE,
        ),
        UPPER_RHINE,
        DOUBS,
        haut_rhin(successor="collectivite-europeenne-alsace"),
        BELFORT,
        ("cooperation/pays-de-montbeliard", "Pays de Montbéliard Agglomération", True, False, NONE),
        (
            "cooperation/bourgogne-franche-comte",
            "Région Bourgogne-Franche-Comté",
            True,
            False,
            NONE,
        ),
        ("cooperation/grand-est", "Région Grand Est", True, False, NONE),
        AER,
        *INTERPARLIAMENTARY,
        fwb("Fédération Wallonie-Bruxelles"),
        QUEBEC,
        AOSTA,
        (
            "cooperation/ficd",
            "Fédération interjurassienne de coopération et de développement",
            False,
            False,
            NONE,
        ),
        CAMEROON,
    ],
}


def rows(year: int, engine: str = "oxigraph") -> list[tuple]:
    result = run_query("as-of-year", params={"year": str(year)}, engine=engine)
    found = []
    for r in result.records():
        successor = r["successor"]
        found.append(
            (
                r["relation"][len(ID) :],
                str(r["nameInYear"]),
                r["startUnknown"],
                r["endUnknown"],
                successor[len(ID) :] if successor else None,
            )
        )
    return found


@pytest.mark.parametrize("year", sorted(EXPECTED))
def test_the_cooperation_as_it_stood_in(year):
    # Compared as multisets: the order (by axis, then today's label) is the catalogue's
    # business, tested on both engines in tests/test_catalogue.py.
    assert sorted(rows(year), key=str) == sorted(EXPECTED[year], key=str)


@pytest.mark.parametrize("year", [1985, 2025])
def test_both_engines_give_the_same_year(year):
    assert rows(year, "rdflib") == rows(year)


def test_nothing_before_the_canton_existed():
    assert rows(1978) == []


def test_a_relation_with_no_known_start_or_end_is_never_silently_current():
    for year in EXPECTED:
        for record in run_query("as-of-year", params={"year": str(year)}).records():
            assert record["startUnknown"] == (record["start"] is None), record
            if record["relation"].endswith("/cooperation/cameroun"):
                assert record["endUnknown"] is True


def test_the_haut_rhin_stays_beside_its_successor_after_2021():
    for year, successor in ((2020, None), (2021, "collectivite-europeenne-alsace")):
        haut_rhin = [r for r in rows(year) if r[0] == "cooperation/haut-rhin"]
        assert haut_rhin == [
            ("cooperation/haut-rhin", "Département du Haut-Rhin", False, False, successor)
        ]


def test_labels_of_today_stay_beside_the_names_of_then():
    records = run_query("as-of-year", params={"year": "1995"}, lang="en").records()
    fwb = next(r for r in records if r["partner"].endswith("/federation-wallonie-bruxelles"))
    assert str(fwb["nameInYear"]) == "Communauté française de Belgique"
    assert fwb["partnerLabel"] != fwb["nameInYear"]
