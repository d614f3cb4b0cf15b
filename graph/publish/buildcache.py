"""What ``build`` keeps between runs: the outputs, the report and the counts of a build, under
a hash of everything they were made from.

The key covers the content and the name of every input file (the ontology, the concept
schemes, the shapes, the checks, the data), the source of this package (a change in a
renderer changes the outputs), the versions of the libraries that write them, and the
names of the outputs. Equal keys mean byte-identical outputs, so a build whose key is in
the cache validates and renders nothing: it puts the kept files in place (hard links
where the file system allows) and returns the kept report.

The cache lives in ``$COOPGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/coopgraph``, else
``~/.cache/coopgraph``, like any other tool's cache: never in the output folder, which holds
the outputs and nothing else. ``COOPGRAPH_CACHE_DIR=off`` turns it off. It keeps the last
``KEEP`` builds; everything in it can be deleted at any time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import graph.paths as paths
from graph.dataset.sources import data_files, read_turtle
from graph.dataset.validate import ValidationReport, Violation
from graph.network.stats import AxisCount, ClassCount, Stats

__all__ = ["KEEP", "Entry", "build_key", "cache_dir", "lookup", "same_file", "store"]

#: How many builds the cache keeps (the most recently used).
KEEP = 4
#: Bumped when the layout of an entry changes.
_FORMAT = "coopgraph-build-cache/1"
#: The libraries whose version can change an output or the report.
_LIBRARIES = ("rdflib", "pyoxigraph", "pyshacl", "networkx", "pyvis", "jinja2", "numpy")


@dataclass(frozen=True)
class Entry:
    """A kept build: its folder, the report and the counts, and each output's file."""

    folder: Path
    report: ValidationReport
    stats: Stats
    #: Output file name -> the kept file.
    files: dict[str, Path]


def cache_dir() -> Path | None:
    """Where builds are kept, or None when the cache is turned off."""
    chosen = os.environ.get("COOPGRAPH_CACHE_DIR")
    if chosen is not None:
        return None if chosen.strip().lower() in {"", "off", "0", "no"} else Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coopgraph"


def build_key(data_dir: Path | None, filenames: Sequence[str]) -> str:
    """The hash of everything the outputs named ``filenames`` are made from.

    Reads every input as ``load`` does (``graph.dataset.sources``), so a file that could not be
    loaded raises the same error; the caller then builds without the cache.
    """
    digest = hashlib.sha256()

    def add(*parts: str | bytes) -> None:
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            digest.update(len(data).to_bytes(8, "big") + data)

    add(_FORMAT, sys.version, *filenames)
    for name in _LIBRARIES:
        add(name, _version(name))
    add(_package_digest())
    inputs: list[Path] = [*paths.ontology_files(), *data_files(data_dir)]
    for path in inputs:
        add("turtle", str(path), read_turtle(path))
    shapes = paths.shapes_path()
    if shapes.exists():
        add("shapes", str(shapes), read_turtle(shapes))
    for check in paths.check_files():
        add("check", str(check), check.read_bytes())
    return digest.hexdigest()


def lookup(key: str) -> Entry | None:
    """The kept build of ``key``, if it is complete."""
    root = cache_dir()
    if root is None:
        return None
    folder = root / "builds" / key
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != _FORMAT:
            return None
        files = {name: folder / "files" / name for name in manifest["outputs"]}
        for name, path in files.items():
            # A kept file is a hard link to a published one: if that was edited in place,
            # the kept one was too, and the entry is worthless.
            status = os.stat(path)
            if [status.st_size, status.st_mtime_ns] != manifest["outputs"][name]:
                return None
        entry = Entry(folder, _report(manifest["report"]), _stats(manifest["stats"]), files)
        os.utime(folder)  # most recently used
        return entry
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(key: str, report: ValidationReport, stats: Stats, outputs: Iterable[Path]) -> None:
    """Keep a build that was just written: its outputs (hard links to the published files
    where possible, copies otherwise), its report and its counts. Failing to keep it is
    not an error: the next build is then a clean one."""
    root = cache_dir()
    if root is None:
        return
    builds = root / "builds"
    try:
        builds.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=builds, prefix=".new-"))
    except OSError:
        return
    try:
        (staging / "files").mkdir()
        kept = {}
        for path in outputs:
            _link_or_copy(path, staging / "files" / path.name)
            status = os.stat(staging / "files" / path.name)
            kept[path.name] = [status.st_size, status.st_mtime_ns]
        manifest = {
            "format": _FORMAT,
            "outputs": kept,
            "report": _report_json(report),
            "stats": dataclasses.asdict(stats),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        target = builds / key
        shutil.rmtree(target, ignore_errors=True)
        os.rename(staging, target)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return
    _prune(builds)


def same_file(kept: Path, published: Path) -> bool:
    """Whether ``published`` holds the bytes of ``kept``: the same untouched file (a hard
    link, unchanged since it was kept), else equal contents."""
    try:
        a, b = os.stat(kept), os.stat(published, follow_symlinks=False)
    except OSError:
        return False
    if (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino):
        return True  # one file: the kept bytes are the published ones
    if a.st_size != b.st_size:
        return False
    try:
        with open(kept, "rb") as one, open(published, "rb") as other:
            while True:
                x, y = one.read(1 << 20), other.read(1 << 20)
                if x != y:
                    return False
                if not x:
                    return True
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _prune(builds: Path) -> None:
    """Keep the ``KEEP`` most recently used builds; remove leftovers of interrupted ones."""
    with contextlib.suppress(OSError):
        entries = sorted(
            (p for p in builds.iterdir() if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        kept = [p for p in entries if not p.name.startswith(".")][:KEEP]
        for path in entries:
            if path not in kept:
                shutil.rmtree(path, ignore_errors=True)


_package_cache: str | None = None


def _package_digest() -> str:
    """A hash of this package's source: its modules, templates and catalogue queries."""
    global _package_cache
    if _package_cache is None:
        digest = hashlib.sha256()
        package = Path(__file__).parents[1]
        for path in sorted(package.rglob("*")):
            relative = path.relative_to(package)
            if not path.is_file() or relative.parts[0] in {"__pycache__", "_shipped"}:
                continue
            if path.suffix in {".pyc", ".pyo"}:
                continue
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
        _package_cache = digest.hexdigest()
    return _package_cache


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "-"


def _report_json(report: ValidationReport) -> dict:
    return {
        "conforms": report.conforms,
        "shapes": str(report.shapes) if report.shapes else None,
        "checks": [str(p) for p in report.checks],
        "violations": [
            {
                **dataclasses.asdict(v),
                "source_file": str(v.source_file) if v.source_file else None,
            }
            for v in report.violations
        ],
    }


def _report(data: dict) -> ValidationReport:
    violations = [
        Violation(**{**v, "source_file": Path(v["source_file"]) if v["source_file"] else None})
        for v in data["violations"]
    ]
    return ValidationReport(
        data["conforms"],
        violations,
        Path(data["shapes"]) if data["shapes"] else None,
        [Path(p) for p in data["checks"]],
    )


def _stats(data: dict) -> Stats:
    return Stats(
        **{
            **data,
            "classes": [ClassCount(**c) for c in data["classes"]],
            "axes": [AxisCount(**a) for a in data["axes"]],
        }
    )
