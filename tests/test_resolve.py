"""graph.rdf.resolve: one set of rules for the entity a person means, on made-up candidates."""

from __future__ import annotations

import pytest

from graph.rdf.resolve import Candidate, UnknownEntityError, expand_iri, fold, resolve_entity

ID = "https://w3id.org/jura-coop/id/"
CANDIDATES = [
    Candidate(ID + "rcju", ("République et Canton du Jura", "Kanton Jura", "RCJU", "Jura")),
    Candidate(ID + "territoire/jura", ("Canton du Jura",), yields=True),
    Candidate(ID + "quebec", ("Province du Québec", "Québec")),
    Candidate(ID + "territoire/quebec", ("Québec",), yields=True),
    Candidate(ID + "canton-berne", ("Canton de Berne", "Kanton Bern")),
    Candidate(ID + "territoire/berne", ("Canton de Berne", "Kanton Bern"), yields=True),
    Candidate(ID + "cooperation/quebec", ()),
    Candidate(ID + "concept/axe-proximite", ("Coopération de proximité",)),
    Candidate(ID + "accord/accord-de-bonn-1975", ("Accord de Bonn (1975)",)),
    Candidate(ID + "interreg-a", ("Programme Interreg France-Suisse",)),
    Candidate(ID + "interreg-b", ("Programme Interreg Rhin supérieur",)),
    Candidate(ID + "evenement/fondation-ficd", ("Fondation de la FICD",), yields=True),
    Candidate(ID + "ficd", ("Fédération interjurassienne de coopération et de développement",)),
]


def resolve(text: str) -> str:
    return resolve_entity(text, CANDIDATES)


# --- each rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [ID + "rcju", f"<{ID}rcju>", "id:rcju", "  id:rcju  "])
def test_an_iri_in_full_or_as_a_prefixed_name(text: str) -> None:
    assert resolve(text) == ID + "rcju"


def test_a_prefixed_name_reaches_what_a_slug_or_label_would_not() -> None:
    assert resolve("terr:quebec") == ID + "territoire/quebec"
    assert resolve("coop:quebec") == ID + "cooperation/quebec"


def test_a_slug_under_id_comes_before_every_label() -> None:
    # Québec is a label of the territory too: the slug names the province.
    assert resolve("quebec") == ID + "quebec"
    assert resolve("Quebec") == ID + "quebec"  # without case or accents, as a label


@pytest.mark.parametrize(
    "text", ["République et Canton du Jura", "republique et canton du jura", "KANTON  JURA"]
)
def test_an_exact_label_ignoring_case_accents_and_spaces(text: str) -> None:
    assert resolve(text) == ID + "rcju"


def test_a_label_comes_before_a_slug_under_another_path() -> None:
    # jura is a label of the canton; terr:jura is one prefixed name away.
    assert resolve("jura") == ID + "rcju"
    assert resolve("terr:jura") == ID + "territoire/jura"


def test_a_slug_under_another_path_or_a_concept() -> None:
    assert resolve("berne") == ID + "territoire/berne"
    assert resolve("axe-proximite") == ID + "concept/axe-proximite"


def test_a_part_of_one_entity_s_labels() -> None:
    assert resolve("Bonn") == ID + "accord/accord-de-bonn-1975"
    assert resolve("cooperation de prox") == ID + "concept/axe-proximite"


# --- bodies before places, ambiguity --------------------------------------------------------


def test_a_body_wins_over_the_place_or_event_of_the_same_name() -> None:
    assert resolve("Canton de Berne") == ID + "canton-berne"  # the same label
    assert resolve("Bern") == ID + "canton-berne"  # the same part of a label
    assert resolve("FICD") == ID + "ficd"  # an event named after the body
    assert resolve("Canton du Jura") == ID + "territoire/jura"  # the place's own label


def test_a_name_that_fits_several_entities_lists_them() -> None:
    with pytest.raises(UnknownEntityError, match="'Interreg' names 2 entities") as caught:
        resolve("Interreg")
    error = caught.value
    assert error.matches == [ID + "interreg-a", ID + "interreg-b"]
    assert "Programme Interreg France-Suisse  id:interreg-a" in str(error)
    assert "prefixed name" in error.hint
    assert error.exit_code == 2


def test_a_long_list_of_matches_is_cut() -> None:
    many = [Candidate(f"{ID}x{n:02d}", (f"Comité {n}",)) for n in range(20)]
    with pytest.raises(UnknownEntityError) as caught:
        resolve_entity("comité", many)
    assert "names 20 entities" in str(caught.value)
    assert "... and 5 more" in str(caught.value)
    assert len(caught.value.matches) == 20


# --- no match: did you mean -----------------------------------------------------------------


def test_an_unknown_name_suggests_slugs_before_labels() -> None:
    with pytest.raises(UnknownEntityError, match="no entity is named 'quebek'") as caught:
        resolve("quebek")
    assert caught.value.hint.startswith("Did you mean quebec")
    assert caught.value.matches == []
    assert caught.value.exit_code == 2


def test_an_unknown_label_suggests_labels_without_accents() -> None:
    with pytest.raises(UnknownEntityError) as caught:
        resolve("Province du Quebek")
    assert "Did you mean Province du Québec?" in caught.value.hint


def test_an_unknown_prefixed_name_suggests_prefixed_names() -> None:
    with pytest.raises(UnknownEntityError, match="'id:rcjuu'") as caught:
        resolve("id:rcjuu")
    assert caught.value.hint.startswith("Did you mean id:rcju?")


def test_nothing_close_gives_the_plain_hint() -> None:
    with pytest.raises(UnknownEntityError) as caught:
        resolve("Atlantis")
    assert caught.value.hint == UnknownEntityError.default_hint


def test_the_context_is_named_in_the_message() -> None:
    with pytest.raises(UnknownEntityError, match=r"no entity is named 'zzz' \(parameter actor\)"):
        resolve_entity("zzz", CANDIDATES, context="parameter actor")


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_name_names_nothing(text: str) -> None:
    with pytest.raises(UnknownEntityError, match="no entity is named ''"):
        resolve(text)


def test_an_iri_that_is_no_candidate_is_unknown() -> None:
    with pytest.raises(UnknownEntityError):
        resolve(ID + "nowhere")


# --- the helpers ----------------------------------------------------------------------------


def test_expand_iri() -> None:
    assert expand_iri("id:rcju") == ID + "rcju"
    assert expand_iri("terr:jura") == ID + "territoire/jura"
    assert expand_iri(f"<{ID}rcju>") == ID + "rcju"
    assert expand_iri("urn:x:y") == "urn:x:y"
    assert expand_iri("rcju") is None
    assert expand_iri("Canton: Jura") is None  # not a prefix of ours, and a space
    assert expand_iri("http://example.org/a b") is None


def test_fold() -> None:
    assert fold("  Vallée   d'Aoste ") == "vallee d'aoste"
    assert fold("Bâle-Ville") == "bale-ville"
    assert fold("STRASSE") == "strasse"
