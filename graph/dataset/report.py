"""What validation finds: one ``Violation`` per problem, gathered in a ``ValidationReport``.

Both engines of ``graph.dataset.validate`` give these, and the build keeps them between runs
(``graph.publish.buildcache``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import display_path

__all__ = ["ValidationReport", "Violation"]


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
