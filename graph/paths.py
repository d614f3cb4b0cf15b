"""Where the shipped ontology and data are.

In a source checkout or an editable install they sit at the top of the repository
(``<repo>/ontology``, ``<repo>/data``). A wheel copies them into the package as
``graph/_shipped/`` (pyproject's ``force-include``), because an installed package has no
repository around it. ``_shipped`` wins when present.

Tests monkeypatch these functions, so callers look them up at call time
(``paths.shapes_path()``), never bind the result at import.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from pathlib import Path

#: Ontology files that are not part of the graph itself.
SHAPES_FILENAME = "shapes.ttl"


@functools.cache
def _root() -> Path:
    # Cached: the package does not move while it runs, and every query's freshness check
    # asks where the data is (importlib.resources and a stat cost ~10 µs each time).
    package = Path(str(files("graph")))
    shipped = package / "_shipped"
    return shipped if shipped.is_dir() else package.parent


def ontology_dir() -> Path:
    """The folder of the vocabulary, the concept schemes, the shapes and the checks."""
    return _root() / "ontology"


def data_dir() -> Path:
    """The folder of the shipped instance data (``data/*.ttl``)."""
    return _root() / "data"


def ontology_files() -> list[Path]:
    """Every Turtle file of the ontology that belongs in the graph (not the shapes)."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != SHAPES_FILENAME)


def shapes_path() -> Path:
    """The SHACL shapes the graph is validated against."""
    return ontology_dir() / SHAPES_FILENAME


def checks_dir() -> Path:
    """The folder of the ``*-violation.rq`` SPARQL checks."""
    return ontology_dir() / "checks"


def check_files(folder: Path | None = None) -> list[Path]:
    """The ``*-violation.rq`` checks of ``folder`` (default: the shipped ones), sorted."""
    folder = checks_dir() if folder is None else folder
    return sorted(folder.glob("*-violation.rq")) if folder.is_dir() else []
