"""Export: every format reads back to the same graph, in the same bytes on every run."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from graph.dataset import export
from graph.dataset.export import FORMATS, serialize, write_atomic
from graph.dataset.load import load
from graph.errors import ExportError
from graph.rdf.vocab import INFERRED_GRAPH, JC, ONTOLOGY_GRAPH, PREFIXES
from tests.helpers import REPO, VALID, needs_shipped_data

RDFLIB_FORMAT = {
    "turtle": "turtle",
    "ntriples": "nt",
    "jsonld": "json-ld",
    "trig": "trig",
    "nquads": "nquads",
    "xml": "xml",
}


def read_back(data: bytes, fmt: str) -> Graph:
    """The graph ``data`` holds; for TriG and N-Quads the union of the named graphs."""
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[fmt])
        union = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            union.add((s, p, o))
        return union
    return Graph().parse(data=data, format=RDFLIB_FORMAT[fmt])


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reads_back_to_the_same_graph(valid, fmt):
    assert isomorphic(read_back(serialize(valid, fmt), fmt), valid.graph)


@needs_shipped_data
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_shipped_graph_reads_back_from_every_format(shipped, fmt):
    assert isomorphic(read_back(serialize(shipped, fmt), fmt), shipped.graph)


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_loads_give_the_same_bytes(fmt):
    # Each load names its blank nodes afresh; the output must not show it.
    assert serialize(load(VALID), fmt) == serialize(load(VALID), fmt)


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_trig_and_nquads_keep_each_file_in_its_graph(valid, fmt):
    dataset = Dataset()
    dataset.parse(data=serialize(valid, fmt), format=RDFLIB_FORMAT[fmt])
    names = {g.identifier for g in dataset.graphs() if len(g)}
    assert names == {
        ONTOLOGY_GRAPH,
        URIRef("https://w3id.org/jura-coop/graph/organisations"),
        URIRef("https://w3id.org/jura-coop/graph/relations"),
        INFERRED_GRAPH,
    }
    assert (None, JC.cooperatesWith, None) in dataset.graph(INFERRED_GRAPH)
    assert (None, JC.cooperatesWith, None) not in dataset.graph(ONTOLOGY_GRAPH)


def test_turtle_uses_our_prefixes(valid):
    text = serialize(valid, "turtle").decode("utf-8")
    assert "@prefix jc: <https://w3id.org/jura-coop/ontology#> ." in text
    assert "id:rcju a cv:PublicOrganisation" in text
    assert "ns1:" not in text


def test_jsonld_has_a_context_from_our_prefixes_and_keeps_list_order(valid):
    document = json.loads(serialize(valid, "jsonld"))
    assert all(document["@context"][p] == ns for p, ns in PREFIXES.items())
    lists = [
        node["schema:keywords"]
        for node in document["@graph"]
        if node.get("@id") == "id:extrait-cop-1"
    ]
    assert lists[0]["@list"][:2] == ["proximité", "culture"]


@pytest.mark.parametrize("fmt", ["ntriples", "nquads"])
def test_line_formats_are_sorted(valid, fmt):
    lines = serialize(valid, fmt).decode("utf-8").splitlines()
    assert lines == sorted(lines)


def test_an_unknown_format_is_an_export_error(valid):
    with pytest.raises(ExportError, match="unknown format 'yaml'") as caught:
        serialize(valid, "yaml")
    assert "turtle" in caught.value.hint


def _hash_seed_outputs(fmt: str, data_args: list[str], tmp_path) -> dict[str, bytes]:
    outputs = {}
    for seed in ["0", "1", "2", "random"]:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        result = subprocess.run(
            [sys.executable, "-m", "graph", "export", "--format", fmt, *data_args],
            capture_output=True,
            env=env,
            cwd=tmp_path,
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode()
        outputs[seed] = result.stdout
    return outputs


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_output_does_not_depend_on_the_hash_seed(fmt, tmp_path):
    outputs = _hash_seed_outputs(fmt, ["--data", str(VALID)], tmp_path)
    assert len(set(outputs.values())) == 1, f"{fmt} differs between hash seeds"


@pytest.mark.slow
@needs_shipped_data
@pytest.mark.parametrize("fmt", FORMATS)
def test_shipped_output_does_not_depend_on_the_hash_seed(fmt, tmp_path):
    outputs = _hash_seed_outputs(fmt, [], tmp_path)
    assert len(set(outputs.values())) == 1, f"{fmt} differs between hash seeds"


# --- write_atomic -----------------------------------------------------------------------------


def test_write_atomic_writes_and_replaces(tmp_path):
    target = tmp_path / "out" / "graph.ttl"
    write_atomic(target, b"first")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["graph.ttl"]


def test_write_atomic_gives_the_usual_file_mode(tmp_path):
    target = tmp_path / "graph.ttl"
    write_atomic(target, b"data")
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old")

    def fail(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export.os, "replace", fail)
    with pytest.raises(ExportError, match="No space left on device") as caught:
        write_atomic(target, b"new")
    assert caught.value.exit_code == 3
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]


def test_an_interrupted_write_leaves_no_temporary(tmp_path, monkeypatch):
    monkeypatch.setattr(export.os, "fsync", lambda fd: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "graph.ttl", b"new")
    assert list(tmp_path.iterdir()) == []


def test_a_property_rdf_xml_cannot_write_is_an_export_error(tmp_data, tmp_path):
    odd = tmp_path / "odd.ttl"
    odd.write_text(
        '<https://w3id.org/jura-coop/id/rcju> <http://example.org/123> "x" .\n', encoding="utf-8"
    )
    loaded = load(tmp_data(odd))
    with pytest.raises(ExportError, match="http://example.org/123") as caught:
        serialize(loaded, "xml")
    assert caught.value.exit_code == 3 and "another format" in caught.value.hint
    assert isomorphic(read_back(serialize(loaded, "turtle"), "turtle"), loaded.graph)
