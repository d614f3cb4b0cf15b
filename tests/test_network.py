"""RDF to networkx: nodes, edges, the qualified relations, exports, centrality, paths."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from graph.dataset.load import Loaded, load
from graph.errors import ExportError
from graph.network.analyse import centrality, find_entity
from graph.network.convert import to_networkx
from graph.network.formats import flat_value, network_bytes, write_network
from graph.network.kinds import KINDS
from graph.network.pathfind import chains_text, shortest_chains
from graph.rdf.resolve import UnknownEntityError

ID = "https://w3id.org/jura-coop/id/"
RCJU = ID + "rcju"
QUEBEC = ID + "quebec"
COOPERATES = "https://w3id.org/jura-coop/ontology#cooperatesWith"
MEMBER_OF = "http://www.w3.org/ns/org#memberOf"
HAS_MEMBER = "http://www.w3.org/ns/org#hasMember"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


@pytest.fixture(scope="module")
def network(shipped: Loaded) -> nx.MultiDiGraph:
    return to_networkx(shipped.graph)


# --- nodes ----------------------------------------------------------------------------------


def test_nodes_are_entities_with_their_attributes(network: nx.MultiDiGraph) -> None:
    rcju = network.nodes[RCJU]
    assert rcju["iri"] == RCJU
    assert rcju["label"] == "République et Canton du Jura"
    assert rcju["label_fr"] == "République et Canton du Jura"
    assert rcju["label_en"] == "Canton of Jura"
    assert "RCJU" in rcju["alt_labels"]
    assert rcju["kind"] == "canton"
    assert "http://data.europa.eu/m8g/PublicOrganisation" in rcju["types"]
    # The seat's coordinates (lieu:delemont) become the body's.
    assert (rcju["lat"], rcju["lon"], rcju["seat"]) == (47.3653, 7.3453, "Delémont")
    territory = network.nodes[ID + "territoire/jura"]
    assert territory["kind"] == "territory"
    assert territory["wikidata"] == ["Q12755"]
    assert territory["iso31662"] == ["CH-JU"]
    assert territory["nuts_code"] == ["CH025"]


def test_sources_excerpts_sites_and_kinds_of_body_are_not_nodes(network: nx.MultiDiGraph) -> None:
    for prefix in ("source/", "extrait/", "lieu/", "montant/", "divergence/", "cooperation/"):
        assert not [n for n in network if n.startswith(ID + prefix)], prefix
    assert ID + "concept/canton" not in network  # a kind of body: the node's colour
    assert ID + "concept/axe-proximite" in network  # an axis is a concept node
    assert not [n for n in network if n.startswith("https://w3id.org/jura-coop/ontology#")]
    assert not [n for n in network if n.startswith("http://www.wikidata.org/")]


def test_every_node_has_a_known_kind_and_a_label(network: nx.MultiDiGraph) -> None:
    keys = {kind.key for kind in KINDS}
    for node, data in network.nodes(data=True):
        assert data["kind"] in keys, node
        assert data["label"], node


def test_kinds_follow_the_classification_then_the_class(network: nx.MultiDiGraph) -> None:
    kinds = {node[len(ID) :]: data["kind"] for node, data in network.nodes(data=True)}
    assert kinds["arcjurassien-ch"] == "multilateral"  # association and multilateral
    assert kinds["ficd"] == "association"
    assert kinds["departement-doubs"] == "departement"
    assert kinds["grand-belfort"] == "agglomeration"
    assert kinds["interreg-france-suisse"] == "programme"
    assert kinds["fonds-belju"] == "fund"
    assert kinds["territoire/suisse"] == "country"
    assert kinds["accord/entente-jura-quebec-1983"] == "agreement"
    assert kinds["evenement/creation-grand-est"] == "event"
    assert kinds["concept/jeunesse"] == "concept"


# --- edges ----------------------------------------------------------------------------------


def test_a_qualified_relation_is_one_edge_with_its_details(network: nx.MultiDiGraph) -> None:
    edges = network.get_edge_data(RCJU, QUEBEC)
    assert list(edges) == [ID + "cooperation/quebec"]  # the derived direct edge is folded in
    edge = edges[ID + "cooperation/quebec"]
    assert edge["predicate"] == COOPERATES
    assert edge["predicate_label"] == "coopère avec"
    assert edge["relation_type"] == "https://w3id.org/jura-coop/ontology#Cooperation"
    assert edge["axis"] == ID + "concept/axe-interregional"
    assert edge["axis_label"] == "Coopération interrégionale"
    assert edge["frameworks"] == [ID + "accord/entente-jura-quebec-1983"]
    assert edge["framework_labels"] == ["Entente de coopération Jura – Québec (1983)"]
    assert edge["start_date"] == "1983-07-01"
    assert any("la Province du Québec" in text for text in edge["excerpts"])
    assert ID + "source/jura-cop" in edge["sources"]
    assert network.graph["documents"][ID + "source/jura-cop"]["url"] == "https://www.jura.ch/cop"


def test_memberships_and_funding_channels_become_edges(network: nx.MultiDiGraph) -> None:
    membership = network.get_edge_data(RCJU, ID + "arcjurassien-org")
    assert list(membership) == [ID + "adhesion/rcju-arcjurassien-org"]
    assert membership[ID + "adhesion/rcju-arcjurassien-org"]["predicate"] == MEMBER_OF
    # The derived inverse org:hasMember is not drawn a second time.
    assert network.get_edge_data(ID + "arcjurassien-org", RCJU) is None
    funding = network.get_edge_data(ID + "fonds-belju", ID + "concept/projets-transfrontaliers")
    assert list(funding) == [ID + "financement/fonds-belju"]
    assert funding[ID + "financement/fonds-belju"]["axis"] == ID + "concept/axe-proximite"


def test_a_plain_membership_and_its_derived_inverse_are_one_edge(
    network: nx.MultiDiGraph,
) -> None:
    assert network.get_edge_data(ID + "canton-berne", ID + "arcjurassien-ch") is not None
    assert network.get_edge_data(ID + "arcjurassien-ch", ID + "canton-berne") is None


def test_parallel_edges_survive(network: nx.MultiDiGraph) -> None:
    # A renaming's original and resulting organisation are the same body: two edges.
    event = ID + "evenement/renommage-ficd"
    keys = set(network.get_edge_data(event, ID + "ficd"))
    assert keys == {
        "http://www.w3.org/ns/org#originalOrganization",
        "http://www.w3.org/ns/org#resultingOrganization",
    }


def test_qualified_relations_as_nodes(shipped: Loaded) -> None:
    network = to_networkx(shipped.graph, qualified_as="nodes")
    relation = ID + "cooperation/quebec"
    assert network.nodes[relation]["kind"] == "relation"
    assert network.has_edge(relation, QUEBEC)
    assert network.get_edge_data(relation, QUEBEC)["https://w3id.org/jura-coop/ontology#partner"]
    assert network.has_edge(RCJU, QUEBEC)  # the derived edge stays, as stated
    with pytest.raises(ValueError):
        to_networkx(shipped.graph, qualified_as="hyperedges")


def test_labels_follow_the_language_and_fall_back_to_french(shipped: Loaded) -> None:
    english = to_networkx(shipped.graph, lang="en")
    assert english.nodes[RCJU]["label"] == "Canton of Jura"
    assert english.nodes[ID + "ficd"]["label"].startswith("Fédération interjurassienne")
    assert english.get_edge_data(RCJU, QUEBEC)[ID + "cooperation/quebec"]["predicate_label"] == (
        "cooperates with"
    )
    german = to_networkx(shipped.graph, lang="de")
    assert german.nodes[ID + "land-bade-wurtemberg"]["label"] == "Land Baden-Württemberg"
    assert german.get_edge_data(RCJU, QUEBEC)[ID + "cooperation/quebec"]["predicate_label"] == (
        "kooperiert mit"
    )


def test_the_same_graph_gives_the_same_network(shipped: Loaded) -> None:
    first, second = to_networkx(shipped.graph), to_networkx(shipped.graph)
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))


# --- exports --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "nodelink", "csv"])
def test_exports_are_byte_identical_on_every_run(shipped: Loaded, fmt: str) -> None:
    assert network_bytes(to_networkx(shipped.graph), fmt) == network_bytes(
        to_networkx(shipped.graph), fmt
    )


def test_graphml_reads_back_with_networkx(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = write_network(network, "graphml", tmp_path / "g.graphml")
    back = nx.read_graphml(path)
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert back.nodes[RCJU]["kind"] == "canton"
    assert back.nodes[RCJU]["lat"] == pytest.approx(47.3653)
    edge = next(d for _, v, d in back.out_edges(RCJU, data=True) if v == QUEBEC)
    assert edge["key"] == ID + "cooperation/quebec"
    assert edge["axis"] == ID + "concept/axe-interregional"
    # Lists become one text, values joined with " | ".
    assert " | " in back.nodes[RCJU]["alt_labels"]


def test_gexf_reads_back_with_networkx(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = write_network(network, "gexf", tmp_path / "g.gexf")
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    assert back.nodes[RCJU]["label"] == "République et Canton du Jura"
    assert b"lastmodifieddate" not in path.read_bytes()  # no date: same bytes every day


def test_node_link_json_reads_back_with_networkx(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    [path] = write_network(network, "nodelink", tmp_path / "g.json")
    back = nx.node_link_graph(json.loads(path.read_text()), edges="edges")
    assert back.number_of_nodes() == network.number_of_nodes()
    assert back.number_of_edges() == network.number_of_edges()
    # JSON keeps the lists as lists.
    assert back.nodes[RCJU]["alt_labels"] == network.nodes[RCJU]["alt_labels"]


def test_csv_writes_a_nodes_and_an_edges_table(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    paths = write_network(network, "csv", tmp_path / "net.csv")
    assert [p.name for p in paths] == ["net.nodes.csv", "net.edges.csv"]
    nodes = list(csv.DictReader(io.StringIO(paths[0].read_text())))
    edges = list(csv.DictReader(io.StringIO(paths[1].read_text())))
    assert len(nodes) == network.number_of_nodes()
    assert len(edges) == network.number_of_edges()
    assert list(nodes[0])[:2] == ["Id", "Label"]  # what Gephi's import looks for
    assert list(edges[0])[:5] == ["Source", "Target", "Type", "Id", "Label"]
    assert len({row["Id"] for row in edges}) == len(edges)


def test_unknown_network_format_is_an_export_error(network: nx.MultiDiGraph) -> None:
    with pytest.raises(ExportError, match="unknown network format"):
        network_bytes(network, "dot")


def test_write_network_refuses_a_folder(network: nx.MultiDiGraph, tmp_path: Path) -> None:
    (tmp_path / "g.graphml").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        write_network(network, "graphml", tmp_path / "g.graphml")


def test_flat_values_are_scalars() -> None:
    assert flat_value(["a", "b"]) == "a | b"
    assert flat_value({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    assert flat_value([{"x": 1}]) == '[{"x": 1}]'
    assert flat_value(3.5) == 3.5


def test_hostile_text_survives_every_format_as_data(tmp_path: Path) -> None:
    network = to_networkx(load(HOSTILE).graph)
    label = network.nodes[ID + "script"]["label"]
    [graphml] = write_network(network, "graphml", tmp_path / "h.graphml")
    assert nx.read_graphml(graphml).nodes[ID + "script"]["label"] == label
    [gexf] = write_network(network, "gexf", tmp_path / "h.gexf")
    assert nx.read_gexf(gexf).nodes[ID + "script"]["label"] == label


# --- centrality -----------------------------------------------------------------------------


def test_the_canton_is_the_most_central_entity(network: nx.MultiDiGraph) -> None:
    rows = centrality(network, top=5)
    assert len(rows) == 5
    assert rows[0].iri == RCJU
    assert rows[0].degree > rows[1].degree
    assert 0 < rows[0].betweenness <= 1
    assert rows == centrality(network, top=5)


def test_centrality_of_an_empty_network() -> None:
    assert centrality(nx.MultiDiGraph()) == []


# --- finding entities and paths -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        RCJU,
        "id:rcju",
        "République et Canton du Jura",
        "republique et canton du jura",
        "RCJU",
        "Canton of Jura",
    ],
)
def test_find_entity_by_iri_name_or_label(network: nx.MultiDiGraph, text: str) -> None:
    assert find_entity(network, text) == RCJU


def test_a_body_wins_over_the_territory_of_the_same_name(network: nx.MultiDiGraph) -> None:
    assert find_entity(network, "Vallée d'Aoste") == ID + "vallee-aoste"
    assert find_entity(network, "vallee d'aoste") == ID + "vallee-aoste"
    assert find_entity(network, "terr:vallee-aoste") == ID + "territoire/vallee-aoste"


def test_an_ambiguous_or_unknown_name_is_an_error(network: nx.MultiDiGraph) -> None:
    with pytest.raises(UnknownEntityError, match="names .* entities"):
        find_entity(network, "INTERREG")
    with pytest.raises(UnknownEntityError, match="no entity is named") as unknown:
        find_entity(network, "Atlantis")
    assert unknown.value.exit_code == 2


def test_slugs_and_labels_name_entities_by_the_rules_of_graph_rdf_resolve(
    network: nx.MultiDiGraph,
) -> None:
    assert find_entity(network, "quebec") == QUEBEC  # id:quebec, not terr:quebec
    assert find_entity(network, "jura") == find_entity(network, "Jura") == RCJU  # a label
    assert find_entity(network, "berne") == ID + "territoire/berne"  # no id:berne, no label
    assert find_entity(network, "Bonn") == ID + "accord/accord-de-bonn-1975"  # part of one


def test_shortest_chain_between_two_partners(network: nx.MultiDiGraph) -> None:
    chains = shortest_chains(network, QUEBEC, ID + "vallee-aoste")
    assert [chain.nodes for chain in chains] == [[QUEBEC, RCJU, ID + "vallee-aoste"]]
    [first, second] = chains[0].steps
    assert [link.forward for link in first] == [False]  # stated from the canton to Québec
    assert first[0].label == "coopère avec"
    assert first[0].axis_label == "Coopération interrégionale"
    text = chains_text(chains, "Québec", "Aoste")
    assert "← coopère avec" in text and "→ coopère avec" in text


def test_no_chain_between_unlinked_entities() -> None:
    network = nx.MultiDiGraph()
    network.add_node("a", label="A")
    network.add_node("b", label="B")
    assert shortest_chains(network, "a", "b") == []
    assert chains_text([], "A", "B") == "No chain of relations links A and B."


def test_empty_graph_gives_an_empty_network() -> None:
    assert to_networkx(Graph()).number_of_nodes() == 0
