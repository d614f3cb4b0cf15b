"""Exceptions raised by the library.

Each error says what went wrong and, in ``hint``, what to do next. The command line turns
them into ``Error: ...`` on stderr and exits with the error's ``exit_code``:

====  ===========================================================
0     success (the graph conforms)
1     the graph does not conform to the shapes or checks
2     the data could not be loaded (missing, unreadable, syntax, duplicates)
3     an output could not be written
====  ===========================================================
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from graph.dataset.report import ValidationReport

__all__ = [
    "CoopGraphError",
    "DataNotFoundError",
    "DataFileError",
    "DataSyntaxError",
    "DuplicateStatementError",
    "ValidationError",
    "ExportError",
    "display_path",
]


def display_path(path: Path | str) -> str:
    """``path`` relative to the working directory when it lies below it, so messages stay short."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class CoopGraphError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code: ClassVar[int] = 1
    default_hint: ClassVar[str] = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint if hint is not None else self.default_hint


class DataNotFoundError(CoopGraphError):
    """The data folder, or any Turtle file in it, is missing."""

    exit_code = 2
    default_hint = "Pass --data DIR with a folder that holds the .ttl files."


class DataFileError(DataNotFoundError):
    """A Turtle file is there but cannot be read as text: not a regular file, too large,
    or not readable. A kind of ``DataNotFoundError``: no Turtle text was found at ``path``.
    """

    default_hint = "Make the file a readable, regular Turtle file, or move it out of the folder."

    def __init__(self, path: Path, message: str, hint: str | None = None) -> None:
        self.path = Path(path)
        super().__init__(message, hint)


class DataSyntaxError(CoopGraphError):
    """A file cannot be parsed; ``str()`` reads ``data/x.ttl:12:5: expected '.' ...``."""

    exit_code = 2
    default_hint = "Fix the file at that position; the parser stops at the first error."

    def __init__(
        self,
        path: Path,
        line: int | None,
        column: int | None,
        message: str,
        hint: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.column = column
        self.message = message
        position = ""
        if line is not None:
            position = f":{line}" if column is None else f":{line}:{column}"
        super().__init__(f"{display_path(self.path)}{position}: {message}", hint)


class DuplicateStatementError(CoopGraphError):
    """The same triple is stated in more than one data file."""

    exit_code = 2
    default_hint = (
        "State each fact in one file only: keep it where the resource is described "
        "and delete the other copies."
    )

    def __init__(self, duplicates: Sequence[tuple[str, Sequence[Path]]]) -> None:
        self.duplicates = [(triple, list(files)) for triple, files in duplicates]
        lines = [f"{len(self.duplicates)} statement(s) appear in more than one data file:"]
        for triple, files in self.duplicates:
            lines.append(f"  {triple}")
            lines.append(f"    in {', '.join(display_path(f) for f in files)}")
        super().__init__("\n".join(lines))


class ValidationError(CoopGraphError):
    """The graph does not conform; ``report`` holds every violation."""

    exit_code = 1
    default_hint = "Fix the listed resources, then run `coopgraph validate` again."

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        super().__init__(
            f"the graph does not conform ({report.errors} violation(s)):\n{report.text()}"
        )


class ExportError(CoopGraphError):
    """A serialisation or an output file could not be produced."""

    exit_code = 3
    default_hint = "Check that the output folder is writable and the format name is right."
