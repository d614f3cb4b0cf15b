"""What validation finds: one ``Violation`` per problem, gathered in a ``ValidationReport``.

Both engines of ``graph.dataset.validate`` give these, and the build keeps them between runs
(``graph.publish.buildcache``). The report also decides what ``coopgraph validate`` ends
with (``ValidationReport.summary``): its exit status and its last line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from graph.errors import display_path

__all__ = ["Summary", "ValidationReport", "Violation"]


class Summary(NamedTuple):
    """How a validation ends for the person who ran it."""

    #: 0 the graph conforms (warnings allowed), 1 it has violations, 2 there were neither
    #: shapes nor check queries to validate it against.
    status: int
    #: The last line: standard output when ``status`` is 0, standard error otherwise.
    line: str


@dataclass(frozen=True)
class Violation:
    """One problem, with every term written as a prefixed name where a prefix exists."""

    #: The data file that states the resource (None when it cannot be told).
    source_file: Path | None
    #: The resource at fault, e.g. ``id:rcju``; a blank node reads ``id:x/jc:budget/[]``.
    focus: str
    #: The property concerned, e.g. ``skos:prefLabel`` ("" when the rule is about the node).
    path: str
    #: The rule: ``sh:MinCountConstraintComponent`` or the check file's name.
    constraint: str
    #: The offending value ("" when there is none, e.g. a missing value).
    value: str
    message: str
    #: ``Violation``, ``Warning`` or ``Info``.
    severity: str = "Violation"
    #: The shape that holds the rule ("" for check queries).
    shape: str = field(default="", compare=False)

    def sort_key(self) -> tuple[str, ...]:
        rank = {"Violation": "0", "Warning": "1"}.get(self.severity, "2")
        where = str(self.source_file) if self.source_file else "\uffff"  # unknown files last
        return (rank, where, self.focus, self.path, self.constraint, self.value, self.message)

    def line(self) -> str:
        """``<file>: <focus> <path> [<constraint>] <message>``."""
        where = display_path(self.source_file) if self.source_file else "-"
        parts = [f"{where}:", self.focus, self.path, f"[{self.constraint}]", self.message]
        if self.value:
            parts.append(f"(value: {self.value})")
        if self.severity != "Violation":
            parts.insert(1, f"{self.severity}:")
        return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome: ``conforms`` is False as soon as one result has severity Violation."""

    conforms: bool
    violations: list[Violation]
    #: The shapes file used, or None when there was none to use.
    shapes: Path | None = None
    #: The check queries run.
    checks: list[Path] = field(default_factory=list)

    def text(self) -> str:
        """One line per result: violations first, then by file, resource, property, rule."""
        return "\n".join(v.line() for v in self.violations)

    @property
    def errors(self) -> int:
        """How many results have severity Violation: any one of them stops conformance."""
        return sum(1 for v in self.violations if v.severity == "Violation")

    @property
    def warnings(self) -> int:
        """How many results are warnings or notes (``sh:Warning``, ``sh:Info``)."""
        return len(self.violations) - self.errors

    def summary(self) -> Summary:
        """The exit status and the last line of ``coopgraph validate``.

        A run that found no rule at all is an error, not a pass: a graph checked against
        nothing would otherwise read as conforming.
        """
        if self.shapes is None and not self.checks:
            return Summary(2, "Error: no shapes and no check queries were found.")
        if not self.conforms:
            return Summary(1, f"{self.errors} violation(s), {self.warnings} warning(s)")
        rules = [display_path(self.shapes)] if self.shapes else []
        rules += [f"{len(self.checks)} check queries"] if self.checks else []
        return Summary(
            0, f"OK: the graph conforms to {' and '.join(rules)} ({self.warnings} warning(s))."
        )
