"""``build`` keeps what it made: unchanged inputs give the kept outputs, byte for byte those
of a clean build; a changed input gives a new build."""

from __future__ import annotations

import importlib

import pytest

from graph.errors import ValidationError
from graph.publish import buildcache
from graph.publish.build import OUTPUTS, Output, build
from tests.helpers import BAD

pytestmark = pytest.mark.usefixtures("test_rules")

# The module, not the function graph/__init__.py re-exports under the same name.
build_module = importlib.import_module("graph.publish.build")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("COOPGRAPH_CACHE_DIR", str(folder))
    return folder


def contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def clean_build(data, tmp_path, monkeypatch, name="clean"):
    with monkeypatch.context() as patch:
        patch.setenv("COOPGRAPH_CACHE_DIR", "off")
        build(data, tmp_path / name)
    return contents(tmp_path / name)


def test_an_unchanged_build_reuses_the_kept_one(cache, tmp_data, tmp_path, monkeypatch):
    data = tmp_data()
    first = build(data, tmp_path / "out")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    with monkeypatch.context() as patch:
        patch.setattr(build_module, "load", lambda *a: pytest.fail("loaded again"))
        again = build(data, tmp_path / "out")
    assert again == first
    assert again.reused and not first.reused
    # Nothing was rewritten: the files in place are the kept ones.
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == before
    assert contents(tmp_path / "out") == clean_build(data, tmp_path, monkeypatch)


def test_a_new_folder_gets_the_kept_outputs(cache, tmp_data, tmp_path, monkeypatch):
    data = tmp_data()
    build(data, tmp_path / "first")
    with monkeypatch.context() as patch:
        patch.setattr(build_module, "load", lambda *a: pytest.fail("loaded again"))
        result = build(data, tmp_path / "second")
    assert result.files == [tmp_path / "second" / o.filename for o in OUTPUTS]
    assert contents(tmp_path / "second") == clean_build(data, tmp_path, monkeypatch)


def test_a_changed_data_file_is_built_again(cache, tmp_data, tmp_path, monkeypatch):
    data = tmp_data()
    build(data, tmp_path / "out")
    changed = data / "organisations.ttl"
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("Belfort", "Belfort (90)"), encoding="utf-8"
    )
    result = build(data, tmp_path / "out")
    assert contents(tmp_path / "out") == clean_build(data, tmp_path, monkeypatch)
    assert b"Belfort (90)" in (tmp_path / "out" / "jura-coop.ttl").read_bytes()
    assert result.report.conforms and not result.reused


def test_a_data_file_that_no_longer_conforms_stops_the_build(cache, tmp_data, tmp_path):
    data = tmp_data()
    build(data, tmp_path / "out")
    before = contents(tmp_path / "out")
    (data / "conflicting-facts.ttl").write_bytes((BAD / "conflicting-facts.ttl").read_bytes())
    with pytest.raises(ValidationError):
        build(data, tmp_path / "out")
    assert contents(tmp_path / "out") == before


def test_an_output_edited_in_place_is_put_back(cache, tmp_data, tmp_path, monkeypatch):
    data = tmp_data()
    build(data, tmp_path / "out")
    edited = tmp_path / "out" / "jura-coop.ttl"
    with open(edited, "r+b") as handle:  # the same file, as an editor saving in place
        handle.write(b"# edited")
    build(data, tmp_path / "out")
    assert contents(tmp_path / "out") == clean_build(data, tmp_path, monkeypatch)


def test_an_output_replaced_by_another_file_is_put_back(cache, tmp_data, tmp_path, monkeypatch):
    data = tmp_data()
    build(data, tmp_path / "out")
    (tmp_path / "out" / "void.ttl").unlink()
    (tmp_path / "out" / "void.ttl").write_text("something else")
    build(data, tmp_path / "out")
    assert contents(tmp_path / "out") == clean_build(data, tmp_path, monkeypatch)


def test_a_changed_rule_is_built_again(cache, tmp_data, tmp_path, monkeypatch):
    from graph import paths

    data = tmp_data()
    build(data, tmp_path / "out")
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "everything-violation.rq").write_text(
        "SELECT ?focus WHERE { ?focus a <http://www.w3.org/ns/org#Organization> }"
    )
    monkeypatch.setattr(paths, "checks_dir", lambda: checks)
    with pytest.raises(ValidationError):
        build(data, tmp_path / "out")


def test_explicit_outputs_are_not_kept(cache, tmp_data, tmp_path):
    calls = []

    def render(loaded):
        calls.append(1)
        return b"x"

    for _ in range(2):
        build(tmp_data(), tmp_path / "out", outputs=[Output("x.txt", render)])
    assert len(calls) == 2
    assert not cache.exists()


def test_the_cache_can_be_turned_off(tmp_data, tmp_path, monkeypatch):
    monkeypatch.setenv("COOPGRAPH_CACHE_DIR", "off")
    assert buildcache.cache_dir() is None
    build(tmp_data(), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_the_cache_keeps_a_few_builds(cache, tmp_data, tmp_path, monkeypatch):
    monkeypatch.setattr(buildcache, "KEEP", 2)  # the rule, with fewer builds to make
    data = tmp_data()
    for i in range(buildcache.KEEP + 2):
        (data / "extra.ttl").write_text(f"<https://w3id.org/jura-coop/id/x{i}> a <urn:x> .\n")
        build(data, tmp_path / "out")
    assert len(list((cache / "builds").iterdir())) == buildcache.KEEP
