"""The interactive page, checked as text: self-contained, escaped, deterministic, views."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph

from graph.dataset.load import Loaded, load
from graph.network.convert import to_networkx
from graph.page.render import DEFAULT_MAX_NODES, TooManyNodesError, render_html, write_html
from graph.page.timeline import timeline
from graph.page.view import initially_shown, opening_view, relation_group, view_network
from graph.rdf.resolve import UnknownEntityError
from tests.helpers import HOSTILE, ID, RCJU, REPO
from tests.helpers.page import page_data

COOPERATION = "https://w3id.org/jura-coop/ontology#Cooperation"
MEMBERSHIP = "http://www.w3.org/ns/org#Membership"


@pytest.fixture(scope="module")
def page(shipped_page: str) -> str:
    return shipped_page


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_html(load(HOSTILE).graph)


# --- self-contained and safe ----------------------------------------------------------------


class _Tags(HTMLParser):
    """Start tags as the browser's parser sees them (script text is not markup)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_the_page_loads_nothing_from_elsewhere(page: str) -> None:
    found = tags(page)
    names = {name for name, _ in found}
    assert not names & {"link", "img", "iframe", "object", "embed", "base", "form"}
    for _, attrs in found:
        assert "src" not in attrs
        assert not (attrs.get("href") or "").startswith(("http", "//"))
    assert "@import" not in page
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    for host in ("cdnjs.cloudflare.com", "cdn.jsdelivr.net", "unpkg.com"):
        assert host not in page
    assert "sourceMappingURL" not in page  # DevTools would look for the map beside the file


def test_vis_network_is_inlined_from_pyvis(page: str) -> None:
    assert "@version 9.1.2" in page
    scripts = [attrs for name, attrs in tags(page) if name == "script"]
    # The data (JSON, not run), vis-network and ours.
    assert scripts == [{"type": "application/json", "id": "graph-data"}, {}, {}]


def test_content_security_policy_allows_only_the_page_own_code(page: str) -> None:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    for tag, body in re.findall(r"<(script|style)>(.*?)</\1>", page, re.DOTALL):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy, tag


def test_the_same_graph_gives_the_same_bytes(shipped: Loaded, page: str) -> None:
    assert render_html(shipped.graph) == page
    assert render_html(shipped.graph, layout="geo") == render_html(shipped.graph, layout="geo")


def test_data_island_holds_every_node_and_edge(shipped: Loaded, page: str) -> None:
    data = page_data(page)
    network = to_networkx(shipped.graph)
    assert len(data["nodes"]) == network.number_of_nodes()
    assert len(data["edges"]) == network.number_of_edges()
    assert set(data["info"]) == set(network.nodes)
    assert data["options"]["physics"]["enabled"] is False  # opens settled
    assert all("x" in node and "y" in node for node in data["nodes"])
    quebec = next(
        info
        for info in data["edgeInfo"].values()
        if info.get("relation") == ID + "cooperation/quebec"
    )
    assert quebec["from"] == RCJU and quebec["to"] == ID + "quebec"
    assert quebec["excerpts"] and quebec["frameworks"]
    assert data["documents"][ID + "source/jura-cop"]["url"] == "https://www.jura.ch/cop"
    assert data["terms"]["https://w3id.org/jura-coop/ontology#cooperatesWith"] == {
        "fr": "coopère avec",
        "de": "kooperiert mit",
        "en": "cooperates with",
    }


def test_territories_and_events_are_hidden_at_first(shipped: Loaded, page: str) -> None:
    data = page_data(page)
    hidden = {node["id"] for node in data["nodes"] if node["hidden"]}
    assert ID + "territoire/jura" in hidden
    assert ID + "evenement/creation-grand-est" in hidden
    # Linked only to its merger event: hidden with it.
    assert ID + "region-alsace" in hidden
    assert RCJU not in hidden
    assert hidden == set(data["info"]) - initially_shown(to_networkx(shipped.graph))
    legend = {kind["key"]: kind["visible"] for kind in data["kinds"]}
    assert legend["territory"] is False and legend["canton"] is True


def test_hostile_text_cannot_leave_the_data_island(hostile_page: str) -> None:
    # One closing tag per script element, none from the data.
    assert hostile_page.count("</script>") == 3
    for raw in ("<script>window", "<img", "<svg", "<iframe", "<b ", "<style>body", 'onerror="'):
        assert raw not in hostile_page, raw
    assert "\u2028" not in hostile_page and "\u2029" not in hostile_page
    data = page_data(hostile_page)
    assert (
        data["info"][ID + "script"]["labels"]["fr"] == "<script>window.__pwned = 'script'</script>"
    )
    assert "\u2028" in data["info"][ID + "quotes"]["labels"]["fr"]  # kept, as JSON text


def test_only_http_links_are_offered_as_links(hostile_page: str) -> None:
    data = page_data(hostile_page)
    # The javascript: page of a source is not kept as its link.
    assert "url" not in data["documents"][ID + "source/javascript-page"]
    assert data["documents"][ID + "source/hostile"]["url"].startswith("https://")


# --- views ----------------------------------------------------------------------------------


def test_focus_draws_the_neighbourhood(shipped: Loaded) -> None:
    one = view_network(shipped.graph, focus="Province du Québec", depth=1)
    assert set(one) == {ID + "quebec", RCJU, ID + "accord/entente-jura-quebec-1983"} | {
        n for n in one if n.startswith(ID + "territoire/")
    }
    two = view_network(shipped.graph, focus="Province du Québec", depth=2)
    assert set(one) < set(two)
    assert ID + "vallee-aoste" in two
    data = page_data(render_html(shipped.graph, focus="id:quebec", depth=1))
    assert data["focus"] == ID + "quebec"
    assert len(data["nodes"]) == one.number_of_nodes()


def test_focus_on_an_unknown_entity_is_an_error(shipped: Loaded) -> None:
    with pytest.raises(UnknownEntityError):
        render_html(shipped.graph, focus="Atlantis")


def test_a_construct_result_draws_its_entities_and_relations(shipped: Loaded) -> None:
    construct = shipped.graph.query(
        """
        PREFIX jc: <https://w3id.org/jura-coop/ontology#>
        PREFIX concept: <https://w3id.org/jura-coop/id/concept/>
        CONSTRUCT { ?a jc:cooperatesWith ?b }
        WHERE { ?c jc:actor ?a ; jc:partner ?b ; jc:axis concept:axe-interregional }
        """
    ).graph
    network = view_network(shipped.graph, subgraph=construct)
    assert RCJU in network and ID + "quebec" in network
    assert ID + "departement-doubs" not in network
    assert network.number_of_edges() == len(construct)
    # Described from the whole graph: labels and kinds, not only the constructed triples.
    assert network.nodes[ID + "quebec"]["kind"] == "region"


def test_too_many_nodes_is_refused_with_a_way_out(shipped: Loaded) -> None:
    with pytest.raises(TooManyNodesError) as caught:
        render_html(shipped.graph, max_nodes=10)
    assert "--focus" in caught.value.hint and "--query" in caught.value.hint
    assert caught.value.exit_code == 3
    assert DEFAULT_MAX_NODES >= 1000


def test_languages(shipped: Loaded) -> None:
    german = render_html(shipped.graph, lang="de")
    data = page_data(german)
    assert data["lang"] == "de"
    labels = {node["id"]: node["label"] for node in data["nodes"]}
    assert labels[ID + "land-bade-wurtemberg"] == "Land Baden-Württemberg"
    assert labels[ID + "ficd"].startswith("Fédération interjurassienne")  # French fallback
    assert '<html lang="de">' in german
    with pytest.raises(ValueError):
        render_html(shipped.graph, lang="rm")


def test_the_page_has_every_one_of_its_words_in_each_language() -> None:
    from graph.page.ui import UI

    assert set(UI["fr"]) == set(UI["de"]) == set(UI["en"])
    assert all(text for table in UI.values() for text in table.values())


def test_geo_layout_puts_places_on_the_map(shipped_map_page: str) -> None:
    data = page_data(shipped_map_page)
    where = {node["id"]: (node["x"], node["y"]) for node in data["nodes"] if not node["hidden"]}
    delemont, strasbourg = where[RCJU], where[ID + "region-grand-est"]
    besancon = where[ID + "region-bourgogne-franche-comte"]
    assert strasbourg[1] < delemont[1]  # north is up
    assert besancon[0] < delemont[0]  # west is left
    # Québec is far away: at its true place in an inset, not pulled onto a rim.
    placed = data["map"]["placed"]
    assert placed[ID + "quebec"]["frame"] == "quebec"
    assert "geo_note" not in data["info"][ID + "quebec"]
    # Only bodies are on the map: agreements, concepts and programmes are not.
    kinds = {data["info"][node]["kind"] for node in where}
    assert not kinds & {"agreement", "concept", "programme", "fund", "framework", "event"}
    assert set(where) == set(placed)


def test_the_opening_view_draws_the_cooperation_and_lists_the_rest(
    shipped: Loaded, page: str
) -> None:
    network = to_networkx(shipped.graph)
    view = opening_view(network)
    groups = {relation_group(network.edges[e]) for e in view.edges}
    assert groups == {"cooperation", "membership", "funding"}
    # Nothing floats: every entity drawn has a relation drawn.
    assert view.shown == {n for u, v, _ in view.edges for n in (u, v)}
    assert not view.shown & set(view.listed)
    # Linked to nothing drawn: the tasks only qualified relations mention, the agreements.
    assert ID + "concept/tache-gestion-enveloppe" in view.listed
    assert ID + "accord/entente-jura-quebec-1983" in view.listed
    data = page_data(page)
    hidden = {node["id"] for node in data["nodes"] if node["hidden"]}
    assert set(view.listed) <= hidden
    assert {g["key"]: g["on"] for g in data["groups"]} == {
        "cooperation": True,
        "membership": True,
        "funding": True,
        "agreement": False,
        "structure": False,
    }


def test_the_canton_is_in_the_middle_and_each_axis_has_its_side(page: str) -> None:
    data = page_data(page)
    where = {node["id"]: (node["x"], node["y"]) for node in data["nodes"]}
    assert data["centre"] == RCJU and where[RCJU] == (0, 0)

    def mean(ids: list[str]) -> tuple[float, float]:
        return (
            sum(where[ID + i][0] for i in ids) / len(ids),
            sum(where[ID + i][1] for i in ids) / len(ids),
        )

    proximity = mean(
        ["departement-doubs", "departement-haut-rhin", "region-bourgogne-franche-comte",
         "region-grand-est", "collectivite-europeenne-alsace", "conference-rhin-superieur"]
    )  # fmt: skip
    interregional = mean(
        ["quebec", "federation-wallonie-bruxelles", "vallee-aoste", "assemblee-regions-europe"]
    )
    development = mean(["ficd", "republique-cameroun"])
    assert proximity[0] < 0  # on the left
    assert interregional[0] > 0 and interregional[1] < development[1]  # top right
    assert development[0] > 0  # right, below the interregional partners


def test_a_view_without_cooperation_draws_every_relation() -> None:
    graph = Graph()
    graph.parse(
        data="""
        @prefix jc: <https://w3id.org/jura-coop/ontology#> .
        @prefix dct: <http://purl.org/dc/terms/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix ex: <https://example.org/> .
        ex:a a jc:Country ; skos:prefLabel "A"@fr ; dct:isPartOf ex:c .
        ex:b a jc:Country ; skos:prefLabel "B"@fr .
        ex:c a jc:Country ; skos:prefLabel "C"@fr ; dct:isPartOf ex:b .
        """,
        format="turtle",
    )
    data = page_data(render_html(graph))
    assert data["centre"] is None
    assert all(group["on"] for group in data["groups"])
    assert [edge["hidden"] for edge in data["edges"]] == [False, False]


@pytest.mark.slow
def test_the_page_is_the_same_under_any_hash_seed(tmp_path: Path) -> None:
    code = (
        "import sys; from graph.dataset.load import load; "
        "from graph.page.render import render_loaded; "
        "sys.stdout.buffer.write(render_loaded(load()))"
    )
    pages = []
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            cwd=REPO,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        pages.append(result.stdout)
    assert pages[0] == pages[1]


# --- time: the as-of-year query is the one reading of "as it stood in year X" ------------


def in_force(data: dict, year: int) -> set[tuple[str, str, str]]:
    """What the page draws in ``year`` among the relations the query is about."""
    found = set()
    for info in data["edgeInfo"].values():
        for first, last in info.get("inForce", []):
            if (first is None or first <= year) and (last is None or last >= year):
                found.add((info["from"], info["to"], info["relation"]))
    return found


@pytest.mark.parametrize("year", [1970, 1980, 1986, 1995, 2001, 2005, 2012, 2021, 2025, 2040])
def test_the_slider_shows_what_the_as_of_year_query_answers(page: str, year: int) -> None:
    """The page's spans of years, names and undated marks, read back for a year, give the
    rows the catalogue's as-of-year query returns for it (through coopgraph's own path)."""
    from graph.sparql.query import run_query

    rows = run_query("as-of-year", params={"year": str(year)}).records()
    data = page_data(page)
    assert in_force(data, year) == {(r["actor"], r["partner"], r["relation"]) for r in rows}
    for row in rows:
        names = data["info"][row["partner"]].get("names", [])
        shown = [n for a, b, n in names if (a is None or a <= year) and (b is None or b >= year)]
        today = data["info"][row["partner"]]["labels"].get("fr")
        assert (shown[0] if shown else today) == row["nameInYear"], row["partner"]
        edge = next(e for e in data["edgeInfo"].values() if e.get("relation") == row["relation"])
        assert bool(edge.get("undated")) == bool(row["startUnknown"])


def test_a_body_bears_the_name_of_the_year(shipped: Loaded, page: str) -> None:
    network = to_networkx(shipped.graph)
    names = timeline(shipped.graph, network).names[ID + "arcjurassien-org"]

    def name(year: int) -> str | None:
        spans = [n for a, b, n in names if (a is None or a <= year) and (b is None or b >= year)]
        return spans[0] if spans else None

    assert name(1995) == "Communauté de travail du Jura"
    assert name(2010) == "Conférence TransJurassienne"
    assert name(2022) is None  # today's name
    data = page_data(page)
    assert data["firstYear"] <= 1975 and data["lastYear"] >= 2021


def test_empty_graph_renders(tmp_path: Path) -> None:
    data = page_data(render_html(Graph()))
    assert data["nodes"] == [] and data["edges"] == []


# --- writing and the command line -----------------------------------------------------------


def test_write_html_is_atomic_and_refuses_a_folder(tmp_path: Path) -> None:
    target = write_html(tmp_path / "out" / "g.html", "<p>x</p>")
    assert target.read_text() == "<p>x</p>"
    assert [p.name for p in target.parent.iterdir()] == ["g.html"]
    with pytest.raises(Exception, match="is a folder"):
        write_html(tmp_path / "out", "x")


def test_rendering_leaves_the_recursion_limit_as_it_was() -> None:
    # In a fresh interpreter: pyvis is imported once per process, and its import (through
    # IPython and jedi) is what would change the limit.
    code = (
        "import sys; from rdflib import Graph; from graph.page.render import render_html; "
        "limit = sys.getrecursionlimit(); render_html(Graph()); "
        "print(limit == sys.getrecursionlimit())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert result.stdout.strip() == "True"


def test_build_draws_the_cantons_neighbourhood_when_the_whole_graph_is_too_big(
    shipped: Loaded, page: str
) -> None:
    from graph.page.render import render_loaded

    whole = page_data(page)  # what render_loaded gives while the whole graph fits
    limit = len(whole["nodes"]) - 1
    part = page_data(render_loaded(shipped, max_nodes=limit).decode())
    ids = {node["id"] for node in part["nodes"]}
    assert "https://w3id.org/jura-coop/id/rcju" in ids
    assert 0 < len(ids) < len(whole["nodes"])
