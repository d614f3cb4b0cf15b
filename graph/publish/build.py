"""Build every release artefact: load, validate, then write all outputs or none.

An output is a file name and a function from the loaded graph to bytes. Other stages add
theirs to ``OUTPUTS`` (e.g. the interactive HTML), and ``build`` writes them all.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from graph.dataset.describe import BASENAME, void_turtle
from graph.dataset.export import FORMATS, _umask, serialize
from graph.dataset.load import Loaded, load
from graph.dataset.validate import ValidationReport, validate
from graph.errors import CoopGraphError, ExportError, ValidationError, display_path
from graph.network.stats import Stats, stats
from graph.page.ontodoc import ontology_page
from graph.page.render import render_loaded
from graph.publish import buildcache

__all__ = ["OUTPUTS", "BuildResult", "Output", "build"]


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
# The interactive graph: one page that works offline (graph.page.render).
OUTPUTS.append(Output("graph.html", render_loaded))


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    files: list[Path]
    stats: Stats
    #: Includes the warnings, which do not stop a build.
    report: ValidationReport
    #: True when nothing had changed: the kept outputs were put in place
    #: (``graph.publish.buildcache``).
    reused: bool = field(default=False, compare=False)


def build(
    data_dir: Path | None = None,
    out_dir: Path = Path("build"),
    outputs: Sequence[Output] | None = None,
) -> BuildResult:
    """Load and validate the graph, then write each output into ``out_dir``: all or none.

    Raises ``ValidationError`` before writing anything if the graph does not conform. The
    outputs are written into a hidden folder on the same file system as ``out_dir`` and
    moved into place only once every one of them was written; if anything fails (a
    renderer, a full disk, a folder where a file should go), ``out_dir`` is left as it was.

    A build of the default outputs is kept (``graph.publish.buildcache``): when nothing it was made
    from has changed, the next build puts the kept files in place, leaving those already
    there untouched, and returns the kept report, without loading or validating anything.
    """
    chosen = OUTPUTS if outputs is None else outputs
    out_dir = Path(out_dir)
    _check_targets(out_dir, [o.filename for o in chosen])  # before the long part
    key = _cache_key(data_dir, chosen) if outputs is None else None
    kept = buildcache.lookup(key) if key is not None else None
    if kept is not None:
        return _from_cache(kept, out_dir, [o.filename for o in chosen])
    loaded = load(data_dir)
    report = validate(loaded)
    if not report.conforms:
        raise ValidationError(report)
    with _Staging(out_dir) as staging:
        for output in chosen:
            # One output in memory at a time: the page and six syntaxes of a big graph
            # would not all fit together.
            staging.write(output.filename, output.render(loaded))
        files = staging.publish()
    result = BuildResult(out_dir, files, stats(loaded), report)
    if key is not None:
        buildcache.store(key, report, result.stats, files)
    return result


def _cache_key(data_dir: Path | None, outputs: Sequence[Output]) -> str | None:
    """The key of this build in the cache; None when there is no cache, or when an input
    cannot be read (the build then stops on the error ``load`` gives, in its order)."""
    if buildcache.cache_dir() is None:
        return None
    try:
        return buildcache.build_key(data_dir, [_describe(o) for o in outputs])
    except (CoopGraphError, OSError):
        return None


def _describe(output: Output) -> str:
    """An output's name and the function that renders it, the same in every process."""
    render = output.render
    keywords = ""
    if isinstance(render, partial):
        keywords = repr(sorted(render.keywords.items())) + repr(render.args)
        render = render.func
    name = f"{getattr(render, '__module__', '')}.{getattr(render, '__qualname__', '')}"
    return f"{output.filename}={name}{keywords}"


def _from_cache(kept: buildcache.Entry, out_dir: Path, filenames: list[str]) -> BuildResult:
    """Put the kept outputs in place: those ``out_dir`` already holds are left as they are,
    the others are staged and published like a new build's."""
    stale = [
        name for name in filenames if not buildcache.same_file(kept.files[name], out_dir / name)
    ]
    if stale:
        with _Staging(out_dir) as staging:
            for name in stale:
                staging.link(name, kept.files[name])
            staging.publish()
    files = [out_dir / name for name in filenames]
    return BuildResult(out_dir, files, kept.stats, kept.report, reused=True)


def _check_targets(out_dir: Path, filenames: Sequence[str]) -> None:
    """Refuse, before any work, a folder standing where an output file goes."""
    for name in filenames:
        target = out_dir / name
        if target.is_dir() and not target.is_symlink():
            raise ExportError(
                f"{display_path(target)} is a folder: the build cannot put its file there",
                hint="Remove or rename that folder, or build into another one with --out.",
            )


class _Staging:
    """A hidden folder that receives the outputs, then hands them to ``out_dir`` at once.

    When ``out_dir`` does not exist yet, the staging folder is made beside it and renamed
    to it: one atomic step. When it exists, the staging folder is made inside it, on its
    file system (a rename cannot cross one, and ``out_dir`` may be a mount point), and
    each file replaces its old version; the old versions are kept as hard links until all
    are replaced, so that a failure half-way puts them back.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.fresh = not os.path.lexists(out_dir)
        self.made: list[Path] = []  # the folders made for out_dir, removed on failure
        self.names: list[str] = []
        try:
            if self.fresh:
                self._make_parents(out_dir.parent)
                where, prefix = out_dir.parent, f".{out_dir.name}."
            else:
                where, prefix = out_dir, ".coopgraph-build-"
            self.folder = Path(tempfile.mkdtemp(dir=where, prefix=prefix, suffix=".tmp"))
        except OSError as error:
            self._remove_made()
            raise _cannot_write(out_dir, error) from None

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if kind is not None:
            self._remove_made()

    def write(self, filename: str, data: bytes) -> None:
        path = self.folder / filename
        try:
            with open(path, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as error:
            raise _cannot_write(self.out_dir / filename, error) from None
        if filename not in self.names:
            self.names.append(filename)

    def link(self, filename: str, source: Path) -> None:
        """Stage the file ``source`` as ``filename``: a hard link, or a copy."""
        path = self.folder / filename
        try:
            try:
                os.link(source, path)
            except OSError:
                shutil.copyfile(source, path)
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        except OSError as error:
            raise _cannot_write(self.out_dir / filename, error) from None
        if filename not in self.names:
            self.names.append(filename)

    def publish(self) -> list[Path]:
        """Move every written file into ``out_dir``; on failure, put the old files back."""
        if self.fresh:
            try:
                # mkdtemp made the folder private (0700); give it the usual mode.
                os.chmod(self.folder, 0o777 & ~_umask())
                os.rename(self.folder, self.out_dir)
            except OSError as error:
                raise _cannot_write(self.out_dir, error) from None
            return [self.out_dir / name for name in self.names]
        old = self.folder / ".old"
        replaced: list[tuple[Path, Path | None]] = []  # (file, its old version or None)
        target = self.out_dir
        try:
            old.mkdir()
            for name in self.names:
                target, backup = self.out_dir / name, None
                if os.path.lexists(target):
                    backup = old / name
                    try:
                        os.link(target, backup, follow_symlinks=False)
                    except OSError:  # no hard links on this file system: move it aside
                        os.replace(target, backup)
                os.replace(self.folder / name, target)
                replaced.append((target, backup))
        except BaseException as error:  # Ctrl-C too: never leave a mix of old and new
            for path, backup in reversed(replaced):
                with contextlib.suppress(OSError):
                    if backup is None:
                        path.unlink()
                    else:
                        os.replace(backup, path)
            if os.path.lexists(old / target.name) and not os.path.lexists(target):
                with contextlib.suppress(OSError):  # moved aside just before the failure
                    os.replace(old / target.name, target)
            if isinstance(error, OSError):
                raise _cannot_write(target, error) from None
            raise
        return [self.out_dir / name for name in self.names]

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not os.path.lexists(folder):
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self.made.append(path)

    def _remove_made(self) -> None:
        for path in reversed(self.made):
            with contextlib.suppress(OSError):
                path.rmdir()
        self.made = []


def _cannot_write(path: Path, error: OSError) -> ExportError:
    return ExportError(f"cannot write {display_path(path)}: {error.strerror or error}")
