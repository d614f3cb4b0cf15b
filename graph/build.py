"""Build every release artefact: load, validate, then write all outputs or none.

An output is a file name and a function from the loaded graph to bytes. Other stages add
theirs to ``OUTPUTS`` (e.g. the interactive HTML), and ``build`` writes them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from graph.describe import void_turtle
from graph.errors import ValidationError
from graph.export import FORMATS, serialize, write_atomic
from graph.load import Loaded, load
from graph.ontodoc import ontology_page
from graph.render import render_loaded
from graph.stats import Stats, stats
from graph.validate import ValidationReport, validate

__all__ = ["BASENAME", "OUTPUTS", "BuildResult", "Output", "build"]

#: Every RDF output is ``jura-coop<suffix>``.
BASENAME = "jura-coop"


@dataclass(frozen=True)
class Output:
    """One file of the build: ``render`` turns the loaded graph into its bytes."""

    filename: str
    render: Callable[[Loaded], bytes]


#: What ``build`` writes, in order. Append to add an output.
OUTPUTS: list[Output] = [
    Output(BASENAME + suffix, partial(serialize, fmt=fmt)) for fmt, suffix in FORMATS.items()
]
# The dataset description (VoID/DCAT, links relative to the build folder) and the
# ontology's documentation page.
OUTPUTS += [Output("void.ttl", void_turtle), Output("ontology.html", ontology_page)]
# The interactive graph: one page that works offline (graph.render).
OUTPUTS.append(Output("graph.html", render_loaded))


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: list[Path]
    stats: Stats
    #: Includes the warnings, which do not stop a build.
    report: ValidationReport


def build(
    data_dir: Path | None = None,
    out_dir: Path = Path("build"),
    outputs: Sequence[Output] | None = None,
) -> BuildResult:
    """Load and validate the graph, then write each output into ``out_dir``.

    Raises ``ValidationError`` before writing anything if the graph does not conform. Every
    output is rendered in memory first, so a failing one leaves no file changed.
    """
    loaded = load(data_dir)
    report = validate(loaded)
    if not report.conforms:
        raise ValidationError(report)
    rendered = [
        (out_dir / o.filename, o.render(loaded)) for o in (OUTPUTS if outputs is None else outputs)
    ]
    for path, data in rendered:
        write_atomic(path, data)
    return BuildResult(out_dir, [path for path, _ in rendered], stats(loaded), report)
