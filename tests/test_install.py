"""A plain ``pip install`` carries the ontology and the data inside the package."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import REPO, shipped_data_exists


def _source_copy(target: Path) -> Path:
    """The files a wheel is built from, copied so that building leaves the checkout clean."""
    ignore = shutil.ignore_patterns("__pycache__", "_shipped", "*.pyc")
    for folder in ("graph", "ontology", "data"):
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, target / folder, ignore=ignore)
    (target / "data").mkdir(exist_ok=True)
    shutil.copy(REPO / "pyproject.toml", target)
    readme = REPO / "README.md"
    if readme.exists():
        shutil.copy(readme, target)
    else:  # pyproject names it; its text does not matter here
        (target / "README.md").write_text("# jura-coop-graph\n", encoding="utf-8")
    return target


@pytest.mark.slow
def test_an_installed_package_finds_its_shipped_ontology_and_data(tmp_path):
    source = _source_copy(tmp_path / "src")
    site = tmp_path / "site"
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps"]
    if importlib.util.find_spec("hatchling"):
        # Build with the hatchling already here: no network needed.
        command += ["--no-build-isolation", "--no-index"]
    install = subprocess.run(
        [*command, "--target", str(site), str(source)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], capture_output=True, text=True, cwd=elsewhere, env=env
        )

    where = run("-c", "import graph, graph.paths as p; print(graph.__file__); print(p.data_dir())")
    package_file, data_dir = where.stdout.splitlines()
    assert Path(package_file).is_relative_to(site), "the installed copy was not the one used"
    assert Path(data_dir) == site / "graph" / "_shipped" / "data"
    assert (site / "graph" / "_shipped" / "ontology" / "jura-coop.ttl").is_file()

    if shipped_data_exists():
        stats = run("-m", "graph", "stats")
        assert stats.returncode == 0, stats.stderr
        triples = int(stats.stdout.split()[0])
        assert triples > 100
    else:  # the data is not written yet: at least the shipped ontology loads
        fixture = REPO / "tests" / "fixtures" / "valid"
        stats = run("-m", "graph", "stats", "--data", str(fixture))
        assert stats.returncode == 0, stats.stderr
