"""Validate the graph: the SHACL shapes, then the ``*-violation.rq`` check queries.

Each problem becomes one ``Violation`` naming the resource, the property, the rule and, when
it can be found, the data file that states the resource (``graph.dataset.report``). A
``sh:Warning`` or ``sh:Info`` result is listed but does not stop the graph from conforming.

Two engines give the same report. The default one, ``"oxigraph"``, runs in the Oxigraph
store that ``graph.dataset.load`` filled (``graph.dataset.validate_oxigraph``). The
reference, ``"pyshacl"``, is pySHACL and rdflib's SPARQL engine on rdflib's graph
(``graph.dataset.validate_pyshacl``): 10 to 100 times slower (docs/performance.md), it
stays for the tests, which compare both on every fixture.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

import graph.paths as paths
from graph.dataset.load import Loaded, parse_turtle
from graph.dataset.report import ValidationReport, Violation
from graph.dataset.validate_oxigraph import StoreDescriber, run_in_store
from graph.dataset.validate_pyshacl import GraphDescriber, run_check, run_shapes
from graph.errors import DataNotFoundError

# Violation and ValidationReport are defined in graph.dataset.report; they stay importable
# from here, where callers found them before.
__all__ = ["ENGINES", "ValidationReport", "Violation", "validate"]

#: The engines ``validate`` can run on: the default first, then the reference.
ENGINES = ("oxigraph", "pyshacl")


def validate(
    target: Loaded | Graph,
    shapes: Path | None = None,
    checks_dir: Path | None = None,
    *,
    engine: str = "oxigraph",
) -> ValidationReport:
    """Check ``target`` against the shapes and the check queries (default: the shipped ones).

    A shipped ``shapes.ttl`` or ``checks/`` folder that does not exist is skipped; one
    passed explicitly must exist. ``engine`` is one of ``ENGINES``; both give the same report.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    shapes_file = _existing(shapes, paths.shapes_path())
    checks_folder = _existing(checks_dir, paths.checks_dir())
    shapes_graph = parse_turtle(shapes_file) if shapes_file is not None else None
    checks = paths.check_files(checks_folder) if checks_folder else []
    if engine == "pyshacl":
        loaded = target if isinstance(target, Loaded) else None
        graph = target.graph if isinstance(target, Loaded) else target
        describe = GraphDescriber(graph, loaded)
        violations: set[Violation] = set()
        if shapes_graph is not None:
            violations |= run_shapes(graph, shapes_graph, describe)
        for check in checks:
            violations |= run_check(graph, check, describe)
    else:
        violations = run_in_store(StoreDescriber(target), shapes_graph, checks)
    ordered = sorted(violations, key=Violation.sort_key)
    conforms = not any(v.severity == "Violation" for v in ordered)
    return ValidationReport(conforms, ordered, shapes_file, checks)


def _existing(given: Path | None, default: Path) -> Path | None:
    if given is None:
        return default if default.exists() else None
    if not Path(given).exists():
        raise DataNotFoundError(f"{given} does not exist")
    return Path(given)
